import xml.etree.ElementTree as ET
from datetime import date

import feedparser
import pytest

from cms import models as cms
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(home):
    index = factories.add_page(home, cms.NewsIndexPage, title="Actualités", slug="news")
    factories.news_article(index, title="Ancien", slug="ancien", date=date(2026, 1, 5))
    factories.news_article(
        index, title="Récent", slug="recent", date=date(2026, 11, 1), tags=["financement"]
    )
    return index


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_news_feed_parses_with_newest_first(client, news, kind):
    response = client.get(f"{news.url}feed/{kind}/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Actualités"
    assert [entry.title for entry in feed.entries] == ["Récent", "Ancien"]
    assert feed.entries[0].link.endswith("/fr/news/recent/")
    assert feed.entries[0].tags[0].term == "financement"


def test_each_language_has_its_own_feed(client, news):
    factories.translate(news, "en", title="News")
    en_index = news.get_translation(factories.Locale.objects.get(language_code="en"))
    feed = feedparser.parse(client.get(f"{en_index.url}feed/rss/").content)
    assert feed.feed.title == "News"
    assert feed.feed.language == "en"
    assert feed.entries == []  # no article has been translated yet


def test_news_index_filters_by_tag(client, news):
    response = client.get(news.url, {"tag": "financement"})
    assert [a.title for a in response.context["articles"]] == ["Récent"]
    # A NUL byte (refused by PostgreSQL) or an unknown tag matches nothing, without an error.
    for tag in ("\x00", "fin\x00ancement", "nothing-like-this"):
        response = client.get(news.url, {"tag": tag})
        assert response.status_code == 200


def test_pagination_keeps_the_tag(client, news, settings):
    from cms import models as cms_models

    for number in range(cms_models.PAGE_SIZE + 1):
        factories.news_article(news, title=f"R&D {number}", slug=f"rd-{number}", tags=["R&D"])
    html = client.get(news.url, {"tag": "R&D"}).content.decode()
    assert 'href="?tag=R%26D&amp;page=2"' in html
    second = client.get(news.url, {"tag": "R&D", "page": "2"})
    assert len(second.context["articles"]) == 1


def test_sitemap_lists_every_locale_with_hreflang_alternates(client, news):
    factories.translate(news, "ar", title="الأخبار")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    for prefix in ("/fr/", "/ar/", "/en/"):
        assert any(prefix in location for location in locations), prefix
    assert any(location.endswith("/ar/news/") for location in locations)
    news_entry = next(
        url for url in root.findall("s:url", ns) if url.find("s:loc", ns).text.endswith("/fr/news/")
    )
    alternates = {
        link.get("hreflang"): link.get("href") for link in news_entry.findall("x:link", ns)
    }
    assert set(alternates) == {"fr", "ar"}
    assert alternates["ar"].endswith("/ar/news/")


def test_sitemap_leaves_out_drafts(client, news):
    draft = factories.news_article(news, title="Brouillon", slug="brouillon")
    draft.unpublish()
    assert b"/brouillon/" not in client.get("/sitemap.xml").content


def test_robots_txt_points_to_sitemap_and_hides_private_areas(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body
    assert "Disallow: /fr/accounts/" in body
