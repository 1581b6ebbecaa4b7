"""The editorial journey in the Wagtail admin, at a phone's size: an editor writes a news
article in French, translates it to Arabic and submits both to the programme's moderation; a
programme manager approves; the articles are on the site and in the feed."""

import re

from playwright.sync_api import expect

TITLE_FR = "Une coopérative de couturières ouvre à Tanger"
TITLE_AR = "تعاونية للخياطات تفتح أبوابها في طنجة"
# Wagtail's "Approve" (its "Approve with comment" opens a modal first).
APPROVE = "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"


def _edit_url_of(page, site_url, title):
    page.goto(f"{site_url}/admin/pages/search/?q={title}")
    link = page.locator("a[href$='/edit/']").filter(has_text=title).first
    return site_url + link.get_attribute("href")


def _submit_for_moderation(page):
    with page.expect_navigation():  # the POST must finish before the next step
        page.locator("button[name=action-submit]").evaluate("button => button.click()")
    refused = page.evaluate(
        """() => [...document.querySelectorAll('.messages .error, .error-message')]
            .filter(node => node.innerText.trim())
            .map(node => {
                const field = node.closest('[data-contentpath]');
                const path = field ? field.dataset.contentpath + ': ' : '';
                return path + node.innerText.trim();
            })"""
    )
    if refused:
        raise AssertionError("the admin refused the submission: " + " | ".join(refused))


def test_an_article_is_written_translated_moderated_and_published(logged_in, site_url, shot):
    editor = logged_in("editor@tremplin.example")
    news_index = _edit_url_of(editor, site_url, "Actualités")
    index_id = re.search(r"/pages/(\d+)/edit/", news_index).group(1)
    editor.goto(f"{site_url}/admin/pages/add/cms/newsarticlepage/{index_id}/")
    editor.locator("#id_title").fill(TITLE_FR)
    editor.locator("#id_intro").fill(
        "Six femmes venues du Sénégal et de Guinée créent leur atelier."
    )
    editor.locator("#panel-child-content-body-section, [data-contentpath=body]").first.locator(
        "button.c-sf-add-button"
    ).first.click()
    editor.get_by_role("option", name=re.compile("Paragraph", re.I)).first.click()
    body = editor.locator(".public-DraftEditor-content").first
    body.wait_for(state="visible")
    body.click()
    # Typed into the rich-text editor itself, and checked: keys sent before it has focus are
    # lost, and the required body would then refuse the submission.
    body.press_sequentially("Elles cousent des tenues traditionnelles et modernes.", delay=5)
    expect(body).to_contain_text("Elles cousent")
    # Draftail copies its content into the form's hidden input after a pause (its save
    # interval); a submission before that sends an empty, hence refused, paragraph.
    expect(editor.locator("input[name=body-0-value]")).to_have_value(
        re.compile("Elles cousent"), timeout=15_000
    )
    shot(editor, "article-written")
    _submit_for_moderation(editor)
    shot(editor, "submitted-fr")
    edit_fr = _edit_url_of(editor, site_url, TITLE_FR)
    page_id = re.search(r"/pages/(\d+)/edit/", edit_fr).group(1)

    editor.goto(f"{site_url}/admin/translation/submit/page/{page_id}/")
    editor.get_by_label(re.compile("arabe|arabic|العربية", re.I)).check()
    shot(editor, "translate")
    editor.locator("main [type=submit]").last.click()
    editor.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))
    # Its address, not a search: the admin's search may not stem Arabic (PostgreSQL).
    edit_ar = editor.url
    editor.locator("#id_title").fill(TITLE_AR)
    _submit_for_moderation(editor)
    shot(editor, "submitted-ar")

    manager = logged_in("manager@tremplin.example")
    for edit_url in (edit_fr, edit_ar):
        manager.goto(edit_url)
        with manager.expect_navigation():
            manager.locator(APPROVE).first.evaluate("button => button.click()")
        shot(manager, "approved")

    reader = logged_in("entrepreneur@tremplin.example")
    reader.goto(f"{site_url}/fr/news/")
    reader.get_by_role("link", name=TITLE_FR).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE_FR)
    shot(reader, "on-the-site-fr")
    reader.get_by_role("link", name="العربية").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE_AR)
    shot(reader, "on-the-site-ar")
    feed = reader.request.get(f"{site_url}/fr/news/feed/rss/")
    assert feed.ok and TITLE_FR in feed.text()
