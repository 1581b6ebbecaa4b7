"""Readers move between French, Arabic and English without losing their place."""

from datetime import datetime

import pytest
from django.test import override_settings
from django.utils import formats, translation

from cms import models as cms
from tests import factories

pytestmark = pytest.mark.django_db


def _switcher_links(html):
    start = html.index('class="languages"')
    block = html[start : html.index("</nav>", start)]
    return {
        code: block.split(f'hreflang="{code}"')[0].rsplit('href="', 1)[1].split('"')[0]
        for code in ("fr", "ar", "en")
    }


def test_switcher_keeps_the_reader_on_the_same_page(client, home):
    news = factories.add_page(home, cms.NewsIndexPage, title="Actualités", slug="news")
    article = factories.news_article(news, title="Lancement", slug="lancement")
    factories.translate(article, "ar", title="إطلاق")
    links = _switcher_links(client.get(article.url).content.decode())
    assert links["fr"] == "/fr/news/lancement/"
    assert links["ar"] == "/ar/news/lancement/"
    # No English translation: the English link leads to the English home page.
    assert links["en"] == "/en/"


def test_hreflang_alternates_name_existing_translations_only(client, home):
    html = client.get("/fr/").content.decode()
    for code in ("fr", "ar", "en"):
        assert f'rel="alternate" hreflang="{code}" href="http://localhost/{code}/"' in html
    news = factories.add_page(home, cms.NewsIndexPage, title="Actualités", slug="news")
    factories.translate(news, "en", title="News")
    html = client.get(news.url).content.decode()
    assert 'rel="alternate" hreflang="en" href="http://localhost/en/news/"' in html
    assert 'rel="alternate" hreflang="ar"' not in html


def test_pages_without_summary_describe_the_site(client, home):
    html = client.get("/fr/").content.decode()
    assert '<meta name="description" content="Start' not in html  # translated, not English
    assert "SettingModuleProxy" not in html
    description = html.split('<meta name="description" content="', 1)[1].split('"', 1)[0]
    assert len(description) > 20


def test_switcher_works_outside_pages(client, home):
    links = _switcher_links(client.get("/fr/accounts/login/").content.decode())
    assert links == {
        "fr": "/fr/accounts/login/",
        "ar": "/ar/accounts/login/",
        "en": "/en/accounts/login/",
    }


def test_arabic_interface_strings_and_direction(client, home):
    html = client.get("/ar/accounts/login/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الدخول" in html
    html = client.get("/en/accounts/login/").content.decode()
    assert "Log in" in html
    html = client.get("/fr/accounts/login/").content.decode()
    assert "Se connecter" in html or "Connexion" in html


def test_root_redirects_to_the_readers_language(client, home):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/fr/"


@pytest.mark.parametrize(
    ("language", "text"), [("fr", "Page introuvable"), ("ar", "rtl"), ("en", "Page not found")]
)
def test_not_found_page_in_each_language(client, home, language, text):
    response = client.get(f"/{language}/nothing-here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert text in html


@override_settings(DEBUG=False)
@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_server_error_page_in_each_language(rf, language):
    from cms.views import server_error

    response = server_error(rf.get(f"/{language}/boom/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert ('dir="rtl"' in html) == (language == "ar")


def test_arabic_dates_and_times_read_day_first_on_24_hours():
    # Django's Arabic formats have no date-and-time format; ours (config/formats/ar) do.
    moment = datetime(2026, 11, 20, 15, 30)
    with translation.override("ar"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "20 نوفمبر 2026، 15:30"
        assert formats.date_format(moment, "DATE_FORMAT") == "20 نوفمبر 2026"
        assert formats.time_format(moment, "TIME_FORMAT") == "15:30"
