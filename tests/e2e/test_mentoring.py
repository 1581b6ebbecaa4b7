"""Mentoring in a real browser, on the demo content: booking without JavaScript."""

import re


def _log_in(page, site_url, email):
    page.goto(f"{site_url}/en/accounts/login/")
    page.get_by_label(re.compile("^E-mail address")).fill(email)
    page.get_by_label(re.compile("^Password")).fill("tremplin-demo-2026")
    page.get_by_role("button", name="Log in").click()


def test_the_mentee_books_a_slot_without_javascript_and_both_see_it(
    page_without_js, browser, site_url
):
    page = page_without_js
    _log_in(page, site_url, "entrepreneur@tremplin.example")
    page.goto(f"{site_url}/en/my-mentoring/")
    page.get_by_role("link", name="Book a session").first.click()
    page.wait_for_url(re.compile(r".*/en/my-mentoring/mentorships/\d+/book/$"))
    first_slot = page.locator("input[name=slot]").first
    first_slot.check()
    page.get_by_label(re.compile("^What do you want to talk about")).fill("My prices")
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_url(re.compile(r".*/en/my-mentoring/sessions/\d+/$"))
    assert "Your session is booked" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Download the invitation")).click()
    ics = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert "BEGIN:VCALENDAR" in ics and "METHOD:REQUEST" in ics

    mentor_context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        mentor = mentor_context.new_page()
        _log_in(mentor, site_url, "mentor@tremplin.example")
        mentor.goto(f"{site_url}/en/my-mentoring/")
        sessions = mentor.locator("#sessions").locator("xpath=..")
        assert sessions.get_by_text("Aminata Diallo").count() >= 2  # the demo's and the new one
    finally:
        mentor_context.close()
