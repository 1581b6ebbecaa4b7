"""The search page, autocomplete, the API, the index command and the fallback."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search import service
from search.models import Entry, PendingUpdate
from tests import factories
from tests.mentoring.conftest import make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(django_capture_on_commit_callbacks):
    owner = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        food = factories.business(
            owner, name="Coopérative Saveurs du Sahel", sector="food", tagline="Traiteur <b>"
        )
        crafts = factories.business(
            owner, name="Coopérative Tissage Atlas", sector="crafts", city="Rabat"
        )
        mentor = make_mentor(bio="Je connais les coopératives", topics=["legal-status"], sectors=[])
    return food, crafts, mentor


def test_the_search_page_works_without_javascript(client, corpus):
    food, crafts, mentor = corpus
    page = client.get("/fr/search/", {"q": "cooperative"})
    html = page.content.decode()
    assert page.status_code == 200 and page.context["results"].total == 3
    assert "<mark>Coopérative</mark> Saveurs du Sahel" in html  # highlighted, accents kept
    assert "Traiteur &lt;b&gt;" in html  # what owners write is escaped
    # Facets are plain links: choosing one narrows the results, and shows it chosen.
    assert "?q=cooperative&amp;sector=food" in html
    narrowed = client.get("/fr/search/", {"q": "cooperative", "sector": "food"})
    assert [hit["title"] for hit in narrowed.context["results"].hits] == [food.name]
    tabs = {value: count for value, _label, count in narrowed.context["tabs"]}
    assert tabs["mentor"] == 0 and tabs["business"] == 1
    only_mentors = client.get("/fr/search/", {"q": "cooperative", "type": "mentor"})
    assert [hit["url"] for hit in only_mentors.context["results"].hits] == [
        mentor.get_absolute_url()
    ]


def test_bad_parameters_never_fail(client, corpus):
    for params in (
        {"q": "x" * 5000},
        {"q": "coop", "page": "abc"},
        {"q": "coop", "page": "99999999999"},
        {"q": "coop", "type": "<script>"},
        {"q": "coop", "sort": "'; DROP TABLE"},
        {"q": '"*" AND OR NOT ( ) : ^ -'},
        {"q": "coop", "sector": "x" * 500},
    ):
        assert client.get("/fr/search/", params).status_code == 200, params
    assert client.get("/api/v1/search", {"q": '"* OR (', "page": 2}).status_code == 200
    assert client.get("/api/v1/search", {"page": 0}).status_code == 422


def test_did_you_mean(client, corpus):
    page = client.get("/fr/search/", {"q": "tisage"})
    assert page.context["results"].suggestions == ["tissage"]
    assert "Coopérative Tissage Atlas" in page.content.decode()


def test_autocomplete_after_two_characters(client, corpus):
    assert client.get("/fr/search/suggest/", {"q": "c"}).json() == {"suggestions": []}
    titles = [
        s["title"] for s in client.get("/ar/search/suggest/", {"q": "co"}).json()["suggestions"]
    ]
    assert "Coopérative Saveurs du Sahel" in titles
    suggestion = client.get("/ar/search/suggest/", {"q": "coop"}).json()["suggestions"][0]
    assert suggestion["url"].startswith("/ar/")  # the reader's language


def test_the_api_answers_and_is_in_the_schema(client, corpus):
    body = client.get(
        "/api/v1/search", {"q": "cooperative", "type": "business", "lang": "en"}
    ).json()
    assert body["total"] == 2 and {hit["type"] for hit in body["hits"]} == {"business"}
    assert body["hits"][0]["url"].startswith("/en/")
    assert {item["value"] for item in body["facets"]["sector"]} == {"food", "crafts"}
    assert client.get("/api/v1/search/suggest", {"q": "coo"}).json()[0]["title"]
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/search" in paths and "/api/v1/search/suggest" in paths


def test_rebuild_shows_progress_and_check_finds_differences(corpus):
    Entry.objects.filter(type="business").delete()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("search_index", "--check", stdout=out)
    assert "missing" in out.getvalue()
    out = StringIO()
    call_command("search_index", "--rebuild", stdout=out)
    assert "business" in out.getvalue() and "2/2" in out.getvalue()
    out = StringIO()
    call_command("search_index", "--check", stdout=out)
    assert "missing" not in out.getvalue()


def test_a_dead_search_server_falls_back_to_the_database(settings, corpus, caplog):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    service.elasticsearch_backend.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="search.service"):
            page = service.search("cooperative")
        assert page.total == 3 and page.backend == "database"
        assert "Elasticsearch failed" in caplog.text
        # An update it missed is kept and retried later.
        food, _crafts, _mentor = corpus
        service.reindex("business", [food.pk])
        assert PendingUpdate.objects.filter(type="business", key=str(food.pk)).exists()
        assert service.retry_pending() == 1  # still down: still pending
    finally:
        service.elasticsearch_backend.cache_clear()


def test_choosing_a_tab_keeps_the_other_tabs_counts(client, corpus):
    page = client.get("/fr/search/", {"q": "cooperative", "type": "mentor"})
    tabs = {value: count for value, _label, count in page.context["tabs"]}
    assert page.context["results"].total == 1
    assert tabs["mentor"] == 1 and tabs["business"] == 2
