"""The page frame (brand, main menu, footer) comes from the cache, and an editor's publishing
shows in it on the next page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import StandardPage
from tests import factories

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_frame_is_cached_and_a_published_page_shows_in_the_menu_at_once(client, home):
    first, _html = queries(client, "/fr/")
    second, html = queries(client, "/fr/")
    assert second <= first - 3  # the home page's children, the settings, the localized pages
    assert "Qui sommes-nous" not in html
    factories.add_page(home, StandardPage, title="Qui sommes-nous", slug="qui", show_in_menus=True)
    _count, html = queries(client, "/fr/")
    assert "Qui sommes-nous" in html
    page = StandardPage.objects.get(slug="qui")
    page.unpublish()
    assert "Qui sommes-nous" not in queries(client, "/fr/")[1]


def test_the_current_menu_item_follows_the_page_not_the_cache(client, home):
    factories.add_page(home, StandardPage, title="Qui sommes-nous", slug="qui", show_in_menus=True)
    _count, html = queries(client, "/fr/qui/")
    assert 'aria-current="page">Qui sommes-nous' in html
    _count, html = queries(client, "/fr/businesses/")
    assert 'aria-current="page">Qui sommes-nous' not in html
    assert 'aria-current="page">Entreprises' in html or 'aria-current="page"' in html
    _count, html = queries(client, "/fr/")
    assert 'aria-current="page">Qui sommes-nous' not in html


def test_changed_site_settings_show_in_the_footer_at_once(client, home):
    from wagtail.models import Site

    from cms.models import SiteSettings

    queries(client, "/fr/")
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.contact_email = "bonjour@tremplin.example"
    settings.save()
    assert "bonjour@tremplin.example" in queries(client, "/fr/")[1]


def test_a_page_made_private_leaves_the_menu_at_once(client, home):
    from wagtail.models import PageViewRestriction

    page = factories.add_page(
        home, StandardPage, title="Réservé équipe", slug="equipe", show_in_menus=True
    )
    assert "Réservé équipe" in queries(client, "/fr/")[1]
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    assert "Réservé équipe" not in queries(client, "/fr/")[1]
    restriction.delete()
    assert "Réservé équipe" in queries(client, "/fr/")[1]
