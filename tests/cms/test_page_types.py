"""Every page type lives where it should, can be created there and renders in each language."""

import json

import pytest
from django.utils.html import escape
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms import models as cms
from tests import factories

DRAFTAIL_TEXT = json.dumps(
    {
        "blocks": [
            {
                "key": "a",
                "type": "unstyled",
                "depth": 0,
                "text": "Texte",
                "inlineStyleRanges": [],
                "entityRanges": [],
            }
        ],
        "entityMap": {},
    }
)


class PageTreeRulesTests(WagtailPageTestCase):
    def test_index_detail_pairs(self):
        pairs = [
            (cms.NewsIndexPage, cms.NewsArticlePage),
            (cms.EventIndexPage, cms.EventPage),
            (cms.CallIndexPage, cms.CallForApplicationsPage),
            (cms.GuideIndexPage, cms.GuidePage),
        ]
        for index, detail in pairs:
            self.assertAllowedParentPageTypes(index, {cms.HomePage})
            self.assertAllowedSubpageTypes(index, {detail})
            self.assertAllowedParentPageTypes(detail, {index})
            self.assertAllowedSubpageTypes(detail, set())

    def test_home_page_holds_the_sections(self):
        self.assertAllowedParentPageTypes(cms.HomePage, {Page})
        self.assertAllowedSubpageTypes(
            cms.HomePage,
            {
                cms.NewsIndexPage,
                cms.EventIndexPage,
                cms.CallIndexPage,
                cms.GuideIndexPage,
                cms.StandardPage,
                cms.FormPage,
            },
        )
        self.assertCanNotCreateAt(cms.HomePage, cms.NewsArticlePage)
        self.assertCanNotCreateAt(cms.NewsIndexPage, cms.EventPage)

    def test_pages_can_be_created_through_the_admin(self):
        superuser = factories.UserFactory(is_superuser=True)
        self.client.force_login(superuser)
        home = factories.build_home()
        news = factories.add_page(home, cms.NewsIndexPage, title="Actualités", slug="news")
        self.assertCanCreate(
            news,
            cms.NewsArticlePage,
            {
                "title": "Créée dans l'admin",
                "slug": "creee",
                "date": "2026-11-01",
                "intro": "Résumé",
                "body-count": "1",
                "body-0-type": "paragraph",
                "body-0-value": DRAFTAIL_TEXT,
                "body-0-deleted": "",
                "body-0-order": "0",
                "tags": "",
            },
        )


class EditingAndPreviewTests(WagtailPageTestCase):
    """Every page type opens in the editor, saves unchanged and previews, in each language."""

    def test_every_page_type_opens_in_the_editor_and_previews(self):
        # The edit form's StreamFields are drawn by JavaScript, so Wagtail's
        # assertPageIsEditable cannot rebuild their POST data from the HTML: the editor is
        # checked by loading it, the preview by rendering the page as a preview.
        self.client.force_login(factories.UserFactory(is_superuser=True))
        home = factories.build_home()
        pages = build_one_of_each(home)
        pages.append(factories.translate(pages[5], "ar", title="خبر"))
        for page in pages:
            page = page.specific
            with self.subTest(page=type(page).__name__, language=page.locale.language_code):
                response = self.client.get(f"/admin/pages/{page.pk}/edit/")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'id="page-edit-form"')
                for mode, _label in page.preview_modes:
                    preview = page.make_preview_request(preview_mode=mode)
                    self.assertEqual(preview.status_code, 200)

    def test_revisions_are_kept_and_can_be_restored(self):
        home = factories.build_home()
        page = factories.add_page(home, cms.StandardPage, title="Première version", slug="p")
        page.title = "Deuxième version"
        page.save_revision().publish()
        first = page.revisions.order_by("created_at").first()
        assert page.revisions.count() == 2
        first.publish()
        page.refresh_from_db()
        assert page.title == "Première version"


def build_one_of_each(home):
    news = factories.add_page(home, cms.NewsIndexPage, title="Actualités", slug="news")
    events = factories.add_page(home, cms.EventIndexPage, title="Événements", slug="evenements")
    calls = factories.add_page(home, cms.CallIndexPage, title="Appels", slug="appels")
    guides = factories.add_page(home, cms.GuideIndexPage, title="Guides", slug="guides")
    pages = [home, news, events, calls, guides]
    pages.append(factories.news_article(news, slug="article", tags=["coopératives"]))
    pages.append(factories.event_page(events, slug="atelier"))
    pages.append(factories.call_page(calls, slug="fonds"))
    pages.append(
        factories.add_page(
            guides,
            cms.GuidePage,
            title="Devenir auto-entrepreneur",
            slug="auto-entrepreneur",
            intro="En quatre étapes.",
            steps=[
                {
                    "type": "step",
                    "value": {
                        "title": "S'inscrire",
                        "body": "<p>À la poste.</p>",
                        "documents": ["Carte"],
                    },
                }
            ],
        )
    )
    pages.append(
        factories.add_page(
            home,
            cms.StandardPage,
            title="À propos",
            slug="a-propos",
            body=[
                {"type": "heading", "value": {"text": "Qui sommes-nous", "level": "h2"}},
                {"type": "quote", "value": {"text": "Une citation", "attribution": "A."}},
                {
                    "type": "key_figures",
                    "value": {
                        "title": "Chiffres",
                        "figures": [{"value": "400", "label": "certifiés"}],
                    },
                },
                {
                    "type": "faq",
                    "value": {
                        "title": "Questions",
                        "questions": [{"question": "Qui ?", "answer": "<p>Vous.</p>"}],
                    },
                },
                {
                    "type": "call_to_action",
                    "value": {
                        "title": "Postulez",
                        "text": "",
                        "button_label": "Go",
                        "page": None,
                        "url": "https://example.org",
                    },
                },
            ],
        )
    )
    form = cms.FormPage(title="Contact", slug="contact", to_address="staff@example.org")
    form.form_fields.add(cms.FormField(label="Message", field_type="multiline", required=True))
    home.add_child(instance=form)
    pages.append(factories.publish(form))
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("ar", "rtl"), ("en", "ltr")])
def test_every_page_type_renders_in_each_language(client, home, language, direction):
    pages = build_one_of_each(home)
    assert {type(p.specific) for p in pages} == {
        cms.HomePage,
        cms.NewsIndexPage,
        cms.NewsArticlePage,
        cms.EventIndexPage,
        cms.EventPage,
        cms.CallIndexPage,
        cms.CallForApplicationsPage,
        cms.GuideIndexPage,
        cms.GuidePage,
        cms.StandardPage,
        cms.FormPage,
    }
    for page in pages:
        if language != "fr":
            page = page.get_translation_or_none(
                factories.Locale.objects.get(language_code=language)
            ) or factories.translate(page, language)
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html, page.url
        assert escape(page.title) in html
