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


def test_a_mentee_asks_a_new_mentor_who_accepts_then_books_and_both_see_it(
    logged_in, site_url, shot
):
    mentee = logged_in("entrepreneur@tremplin.example")
    mentee.goto(f"{site_url}/en/mentors/")
    mentee.get_by_role("link", name="Claire Dubois").first.click()
    mentee.wait_for_url(re.compile(r".*/en/mentors/\d+/$"))
    shot(mentee, "mentor-profile")
    mentee.get_by_label(re.compile("^Your message")).fill("I need help with my prices.")
    mentee.get_by_role("button", name="Send my request").click()
    mentee.wait_for_url(re.compile(r".*/en/my-mentoring/mentorships/\d+/$"))
    mentorship_url = mentee.url
    shot(mentee, "request-sent")

    mentor = logged_in("claire.dubois@tremplin.example")
    mentor.goto(f"{site_url}/en/my-mentoring/")
    mentor.get_by_role("link", name=re.compile("^Aminata Diallo")).first.click()
    with mentor.expect_navigation():
        mentor.get_by_role("button", name="Accept").click()
    shot(mentor, "request-accepted")

    mentee.goto(mentorship_url)
    mentee.get_by_role("link", name="Book a session").first.click()
    mentee.wait_for_url(re.compile(r".*/en/my-mentoring/mentorships/\d+/book/$"))
    mentee.locator("input[name=slot]").first.check()
    mentee.get_by_label(re.compile("^What do you want to talk about")).fill("Pricing my shirts")
    shot(mentee, "booking-form")
    mentee.get_by_role("button", name="Book this time").click()
    mentee.wait_for_url(re.compile(r".*/en/my-mentoring/sessions/\d+/$"))
    shot(mentee, "booked")
    ics_link = mentee.get_by_role("link", name=re.compile("Download the invitation"))
    response = mentee.request.get(site_url + ics_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.text().startswith("BEGIN:VCALENDAR")
    with mentee.expect_download() as download:
        ics_link.click()
    assert download.value.suggested_filename.endswith(".ics")

    for page, other in ((mentee, "Claire Dubois"), (mentor, "Aminata Diallo")):
        page.goto(f"{site_url}/en/my-mentoring/")
        sessions = page.locator("#sessions").locator("xpath=..")
        assert sessions.get_by_text(other).count() >= 1, other
        shot(page, "dashboard")
