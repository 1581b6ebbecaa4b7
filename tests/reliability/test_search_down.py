"""The search server stops while the site runs: the search page and autocomplete answer from
the database backend (the same results), and the failure is logged. The server is an
osmem-server of this test's own (tests/search/es_server.py), never a shared one.

tests/search/test_fallback.py covers the service itself (and the updates the server missed,
sent again once it is back); this test covers what a visitor sees."""

import logging

import pytest

from search import service
from search.backends.elasticsearch import ElasticsearchBackend
from tests import factories
from tests.search.es_server import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_server():
    osmem = pytest.importorskip("osmem_server", reason="needs osmem-server (the test extra)")
    try:
        server = osmem.OsmemServer.start(japanese=False, startup_timeout=20)
    except (osmem.OsmemError, OSError) as error:
        pytest.skip(f"osmem-server cannot start: {error}")
    yield server
    server.close()


def test_search_page_and_autocomplete_answer_from_the_database_once_the_server_stops(
    client, own_server, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    backend = ElasticsearchBackend(
        own_server.url, prefix="reliability", client=make_client(own_server.url)
    )
    monkeypatch.setattr(service, "elasticsearch_backend", lambda: backend)
    with django_capture_on_commit_callbacks(execute=True):
        factories.business(factories.UserFactory(), name="Coopérative Tissage Atlas")
    page = client.get("/fr/search/", {"q": "tissage"})
    assert page.status_code == 200 and page.context["results"].backend == "elasticsearch"
    assert page.context["results"].total == 1

    own_server.close()  # the search server stops mid-run
    with caplog.at_level(logging.WARNING, logger="search.service"):
        page = client.get("/fr/search/", {"q": "tissage"})
        suggestions = client.get("/fr/search/suggest/", {"q": "tiss"})
    assert page.status_code == 200
    assert page.context["results"].backend == "database"
    assert [hit["title"] for hit in page.context["results"].hits] == ["Coopérative Tissage Atlas"]
    assert "<mark>Tissage</mark>" in page.content.decode()
    assert suggestions.status_code == 200 and "Tissage" in suggestions.content.decode()
    assert "Elasticsearch failed" in caplog.text
