import re
import time
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils.html import escape
from wagtail.contrib.forms.models import FormSubmission
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from accounts.models import User
from cms import forms as cms_forms
from cms import models as cms


def _counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "users": User.objects.count(),
        "groups": Group.objects.count(),
    }


@pytest.mark.django_db
def test_seed_builds_the_demo_site_and_a_second_run_creates_nothing(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "users: 7 created" in out.getvalue()
    first = _counts()

    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, cms.HomePage)
    for language in ("fr", "ar", "en"):
        assert client.get(f"/{language}/").status_code == 200
    # The launch article and the call exist in all three languages.
    for model in (cms.NewsArticlePage, cms.CallForApplicationsPage):
        languages = {
            p.locale.language_code
            for p in model.objects.filter(
                slug__in=["lancement-du-programme", "appel-fonds-amorcage"]
            )
        }
        assert languages == {"fr", "ar", "en"}
    launch = cms.NewsArticlePage.objects.get(
        slug="lancement-du-programme", locale__language_code="fr"
    )
    body = str(launch.body)
    for fact in ("720 847 €", "100 000 €", "Entraide nationale", "ODCO", "Maroc PME"):
        assert fact in body
    assert (
        cms.CallForApplicationsPage.objects.get(
            slug="appel-fonds-amorcage", locale__language_code="fr"
        ).status
        == "open"
    )
    events = cms.EventPage.objects.live()
    assert {e.region for e in events} >= {"rabat-sale", "tanger-tetouan"}
    assert any(e.is_past for e in events) and any(not e.is_past for e in events)
    assert cms.GuidePage.objects.live().count() >= 2
    for role in ("Entrepreneurs", "Mentors", "Institution staff", "Editors", "Programme managers"):
        assert User.objects.filter(groups__name=role).exists(), role
    assert User.objects.filter(is_superuser=True).exists()
    # One article waits for its scheduled publication date.
    assert cms.NewsArticlePage.objects.filter(live=False, go_live_at__isnull=False).exists()

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == first
    assert "0 objects created" in out.getvalue()


ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.mark.django_db
def test_seed_translates_events_guides_about_legal_and_contact_pages(client):
    call_command("seed_demo", stdout=StringIO())
    french = (
        Page.objects.type(
            cms.EventIndexPage, cms.EventPage, cms.GuideIndexPage, cms.GuidePage, cms.StandardPage
        )
        .filter(locale__language_code="fr")
        .live()
        .specific()
    )
    french = [*french, cms.FormPage.objects.get(slug="contact", locale__language_code="fr")]
    # The index pages, the five events, the two guides, "about", the two legal pages, contact.
    assert len(french) == 2 + 5 + 2 + 1 + 2 + 1
    for language in ("ar", "en"):
        for source in french:
            translation = source.get_translations().filter(locale__language_code=language).get()
            translation = translation.specific
            assert translation.live, translation
            assert translation.title != source.title, translation.title
            assert translation.intro != source.intro or not source.intro, translation.title
            if language == "ar":
                assert ARABIC.search(translation.title), translation.title
            # Same slug as the French page, under the language's prefix.
            assert translation.url == source.url.replace("/fr/", f"/{language}/", 1)
            response = client.get(translation.url)
            assert response.status_code == 200, translation.url
            assert escape(translation.title) in response.content.decode()
    # The footer's legal links lead to the reader's language.
    html = client.get("/ar/").content.decode()
    assert 'href="/ar/confidentialite/"' in html and 'href="/ar/conditions-utilisation/"' in html
    # No French page was pulled into another language's tree as an alias of its parent.
    assert not Page.objects.filter(alias_of__isnull=False).exists()


@pytest.mark.django_db
def test_the_arabic_contact_form_is_sent_with_the_same_field_names_as_the_french_one(client):
    call_command("seed_demo", stdout=StringIO())
    french = cms.FormPage.objects.get(slug="contact", locale__language_code="fr")
    arabic = cms.FormPage.objects.get(slug="contact", locale__language_code="ar")
    assert [f.label for f in arabic.get_form_fields()] == ["اسمك", "بريدك الإلكتروني", "رسالتك"]
    names = [f.clean_name for f in french.get_form_fields()]
    assert [f.clean_name for f in arabic.get_form_fields()] == names

    response = client.get(arabic.url)
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    form = response.context["form"]
    for name, label in zip(names, ["اسمك", "بريدك الإلكتروني", "رسالتك"], strict=True):
        assert form.fields[name].label == label
        assert f'name="{name}"' in html
    answers = ["Awa Koné", "awa@example.org", "أود معرفة المزيد عن صندوق الانطلاق."]
    started = cms_forms._signer.sign(str(int(time.time() - 30)))
    response = client.post(
        arabic.url,
        {**dict(zip(names, answers, strict=True)), "tremplin_website": "", "started": started},
    )
    assert response.status_code == 200
    assert "شكرًا! لقد تم إرسال رسالتك بنجاح." in response.content.decode()
    submission = FormSubmission.objects.get(page=arabic)
    data = submission.get_data()
    assert {name: data[name] for name in names} == dict(zip(names, answers, strict=True))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [settings.STAFF_EMAIL]
    assert "أود معرفة المزيد" in mail.outbox[0].body
