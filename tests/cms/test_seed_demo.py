from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from accounts.models import User
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
