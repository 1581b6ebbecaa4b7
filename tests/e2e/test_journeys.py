"""Whole journeys in a real browser, at a phone's viewport, one per kind of person, with a
screenshot at each key step (tests/e2e/artifacts/<test>/NN-step.png)."""

import re

from playwright.sync_api import expect

SUBMIT = "main form button[type=submit]"
# For a message element built by chat.js: whether each text holding U+202E sits in an isolating
# element (a <bdi> or one with a dir attribute), and whether the author's name is in a <bdi>.
ISOLATION = """item => {
  const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
  const override = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.data.includes("\u202e")) {
      const parent = node.parentElement;
      override.push(parent.tagName === "BDI" || parent.hasAttribute("dir"));
    }
  }
  return {override, author: item.querySelector(".meta > bdi") !== null};
}"""


def test_a_migrant_signs_up_in_arabic_and_publishes_a_cooperative(
    phone, logged_in, site_url, outbox, shot
):
    migrant = phone().new_page()
    migrant.goto(f"{site_url}/ar/accounts/signup/")
    assert migrant.evaluate("document.documentElement.dir") == "rtl"
    migrant.locator("main [name=display_name]").fill("حليمة باه")
    migrant.locator("main [name=email]").fill("halima.ba@example.org")
    migrant.locator("main [name=password]").fill("خياطة-طنجة-2026")
    migrant.locator("main [name=preferred_language]").select_option("ar")
    migrant.locator("main [name=accept_terms]").check()
    shot(migrant, "signup-filled")
    migrant.locator(SUBMIT).click()
    migrant.wait_for_url(f"{site_url}/ar/accounts/signup/done/")
    shot(migrant, "check-your-mail")

    # The verification link, read from the e-mail the server wrote.
    message = outbox.wait_for("halima.ba@example.org")
    migrant.goto(outbox.link(message, r"/accounts/verify/"))
    migrant.wait_for_url(re.compile(r".*/ar/accounts/login/"))
    shot(migrant, "verified")
    migrant.locator("main [name=username]").fill("halima.ba@example.org")
    migrant.locator("main [name=password]").fill("خياطة-طنجة-2026")
    migrant.locator(SUBMIT).click()
    migrant.wait_for_url(lambda url: "/accounts/login/" not in url)

    # A cooperative, written in Arabic.
    migrant.goto(f"{site_url}/ar/my-business/new/")
    migrant.locator("main [name=name]").fill("تعاونية النور للخياطة")
    migrant.locator("main [name=legal_form]").select_option("cooperative")
    migrant.locator("main [name=stage]").select_option("starting")
    migrant.locator("main [name=sector]").select_option("textile")
    migrant.locator("main [name=region]").select_option("tanger-tetouan-al-hoceima")
    migrant.locator("main [name=city]").select_option("Tanger")
    migrant.locator("main [name=description]").fill("نخيط الملابس التقليدية والعصرية في طنجة.")
    shot(migrant, "business-form")
    migrant.locator(SUBMIT).click()
    migrant.wait_for_url(re.compile(r".*/ar/my-business/\d+/$"))
    business_url = migrant.url

    # The co-owner: invited by e-mail, joins from the link.
    invite = migrant.locator("form[action$='/invite/']")
    invite.locator("[name=email]").fill("entrepreneur@tremplin.example")
    invite.locator("button[type=submit]").click()
    migrant.wait_for_url(business_url)
    assert "entrepreneur@tremplin.example" in migrant.content()
    shot(migrant, "co-owner-invited")
    invitation = outbox.wait_for("entrepreneur@tremplin.example")
    co_owner = logged_in("entrepreneur@tremplin.example")
    co_owner.goto(outbox.link(invitation, r"/my-business/invitations/\d+/"))
    co_owner.locator(SUBMIT).click()
    co_owner.wait_for_url(re.compile(r".*/my-business/\d+/$"))
    assert "Aminata Diallo" in co_owner.locator("#members").locator("xpath=..").inner_text()
    shot(co_owner, "co-owner-joined")

    migrant.reload()
    assert migrant.locator("#members").locator("xpath=..").get_by_text("Aminata Diallo").count()
    migrant.locator("form[action$='/do/submit/'] button").click()
    migrant.wait_for_url(business_url)
    shot(migrant, "submitted")

    # The programme team publishes it from the Wagtail admin.
    staff = logged_in("manager@tremplin.example")
    staff.goto(f"{site_url}/admin/businesses/")
    staff.get_by_role("link", name="تعاونية النور للخياطة").click()
    with staff.expect_navigation():
        staff.locator("button[name=action][value=publish]").click()
    shot(staff, "published-in-admin")
    assert outbox.wait_for("halima.ba@example.org", subject="تعاونية النور للخياطة")

    # Anyone finds it: in search and in the directory.
    visitor = phone().new_page()
    visitor.goto(f"{site_url}/fr/search/?q=النور")
    visitor.get_by_role("link", name="تعاونية النور للخياطة").first.wait_for()
    shot(visitor, "found-in-search")
    visitor.goto(f"{site_url}/fr/businesses/?region=tanger-tetouan-al-hoceima")
    visitor.get_by_role("link", name="تعاونية النور للخياطة").click()
    heading = visitor.get_by_role("heading", level=1)
    expect(heading).to_have_text("تعاونية النور للخياطة")
    assert heading.evaluate("el => getComputedStyle(el).direction") == "rtl"
    shot(visitor, "public-page")


def test_two_people_chat_live_and_one_catches_up_after_going_offline(
    logged_in, phone, site_url, shot, _sessions
):
    mentee = logged_in("entrepreneur@tremplin.example")
    mentee.goto(f"{site_url}/en/my-mentoring/")
    mentee.get_by_role("link", name="Karim Tazi").first.click()
    mentee.get_by_role("button", name="Messages").click()
    mentee.wait_for_url(re.compile(r".*/en/messages/\d+/$"))
    conversation_url = mentee.url
    mentor = logged_in("mentor@tremplin.example")
    mentor.goto(conversation_url)
    for page in (mentee, mentor):
        page.wait_for_selector("[data-chat][data-live=true]")

    # Typing shows on the other side, the message arrives there, and is marked read. It holds
    # a RIGHT-TO-LEFT OVERRIDE: the page shows it isolated, and the author's name too.
    mentee.locator("main textarea").press_sequentially("Salut, ici en direct \u202e!tuls", delay=20)
    mentor.locator("[data-typing]").filter(has_text="Aminata Diallo").wait_for()
    shot(mentor, "typing")
    mentee.get_by_role("button", name="Send", exact=True).click()
    received = mentor.locator(".message-item").filter(has_text="Salut, ici en direct")
    received.wait_for()
    assert received.evaluate(ISOLATION) == {"override": [True], "author": True}
    mine = mentee.locator(".message-item.mine").filter(has_text="Salut, ici en direct")
    mine.and_(mentee.locator("[data-state=read]")).wait_for()
    shot(mentee, "read-receipt")

    # The mentor goes offline; what is sent meanwhile is there when he comes back.
    mentor.context.close()
    mentee.locator("main textarea").fill("Vous êtes là ? Je vous écris hors ligne.")
    mentee.get_by_role("button", name="Send", exact=True).click()
    mentee.locator(".message-item.mine[data-state=sent]").filter(has_text="hors ligne").wait_for()
    shot(mentee, "sent-while-offline")
    back = phone(storage_state=_sessions["mentor@tremplin.example"]).new_page()
    back.goto(conversation_url)
    back.locator(".message-item").filter(has_text="hors ligne").wait_for()
    back.wait_for_selector("[data-chat][data-live=true]")
    shot(back, "back-online")
    back.locator("main textarea").fill("Oui, me revoilà.")
    back.get_by_role("button", name="Send", exact=True).click()
    mentee.locator(".message-item").filter(has_text="me revoilà").wait_for()


MINIMAL_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R
   /Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 44 >> stream
BT /F1 18 Tf 20 100 Td (Plan d'affaires) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def test_an_applicant_sends_a_document_a_reviewer_scores_and_the_decision_is_mailed(
    logged_in, site_url, outbox, shot, tmp_path
):
    applicant = logged_in("mariam@tremplin.example")
    applicant.goto(f"{site_url}/fr/appels/appel-fonds-amorcage/")
    applicant.get_by_role("link", name="Postuler").click()
    applicant.wait_for_url(re.compile(r".*/fr/opportunities/fonds-amorcage-2026/apply/$"))
    applicant.get_by_label(re.compile("^Présentez votre projet")).fill("مخبزة صغيرة في طنجة.")
    applicant.get_by_label(re.compile("^Votre activité a-t-elle")).select_option("yes")
    applicant.get_by_label(re.compile("^Montant demandé")).select_option(index=1)
    plan = tmp_path / "plan-affaires.pdf"
    plan.write_bytes(MINIMAL_PDF)
    applicant.get_by_label(re.compile("^Plan d'affaires")).set_input_files(str(plan))
    shot(applicant, "application-form")
    applicant.get_by_role("button", name=re.compile("Envoyer ma candidature")).click()
    applicant.wait_for_url(re.compile(r".*/fr/my-applications/$"))
    shot(applicant, "application-sent")

    reviewer = logged_in("institution@tremplin.example")
    reviewer.goto(f"{site_url}/fr/jury/")
    reviewer.get_by_role("link", name=re.compile("Fonds d'amorçage 2026")).first.click()
    reviewer.get_by_role("link", name="مريم يوسف").click()
    document = reviewer.get_by_role("link", name=re.compile("plan-affaires.pdf"))
    response = reviewer.request.get(site_url + document.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == MINIMAL_PDF
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Commencer l'examen").click()
    criteria = reviewer.locator("main select[name^=criterion-]")
    criteria.first.wait_for()
    assert criteria.count() == 3  # the seed fund's criteria, each scored
    for select in criteria.all():
        select.select_option("8")
    reviewer.locator("main [name=comment]").fill("Projet solide, clientèle déjà là.")
    shot(reviewer, "scores")
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Enregistrer mes notes").click()
    # The page came back from the server with the scores it stored.
    expect(criteria.first).to_have_value("8")
    with reviewer.expect_navigation():
        reviewer.locator("main button[name=action][value=accept]").click()
    shot(reviewer, "decided")

    decision = outbox.wait_for("mariam@tremplin.example", subject="Fonds d'amorçage 2026")
    assert "/my-applications/" in outbox.text(decision)
    applicant.goto(f"{site_url}/fr/my-applications/")
    shot(applicant, "decision-seen")
