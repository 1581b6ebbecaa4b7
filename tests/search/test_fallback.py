"""The search server stops in the middle of a run: searches answer from the database, the
updates it missed are kept, and sent again once a server answers."""

import logging

import pytest

from search import service
from search.backends.elasticsearch import ElasticsearchBackend
from search.models import PendingUpdate
from tests import factories
from tests.search.es_server import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_server():
    """An osmem-server of this test's own, so stopping it touches no other test."""
    osmem = pytest.importorskip("osmem_server")
    try:
        server = osmem.OsmemServer.start(japanese=False, startup_timeout=20)
    except (osmem.OsmemError, OSError) as error:
        pytest.skip(f"osmem-server cannot start: {error}")
    yield server
    server.close()


def _use(monkeypatch, server):
    backend = ElasticsearchBackend(server.url, prefix="fallback", client=make_client(server.url))
    monkeypatch.setattr(service, "elasticsearch_backend", lambda: backend)
    return backend


def test_search_survives_the_server_stopping_and_catches_up_after(
    own_server, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    backend = _use(monkeypatch, own_server)
    owner = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        business = factories.business(owner, name="Coopérative Argan Souss")
    page = service.search("cooperative argan")
    assert page.backend == "elasticsearch" and page.total == 1

    own_server.close()  # the search server goes away mid-run
    with caplog.at_level(logging.WARNING, logger="search.service"):
        page = service.search("cooperative argan")
    assert page.backend == "database" and [hit["title"] for hit in page.hits] == [business.name]
    assert "Elasticsearch failed" in caplog.text

    with django_capture_on_commit_callbacks(execute=True):
        business.name = "Coopérative Argan du Souss"
        business.save()
    assert PendingUpdate.objects.filter(type="business", key=str(business.pk)).exists()
    assert service.search("souss").hits[0]["title"] == "Coopérative Argan du Souss"  # database

    # A server answers again (a new one, empty): the retry sends what it missed.
    osmem = pytest.importorskip("osmem_server")
    with osmem.OsmemServer.start(japanese=False, startup_timeout=20) as again:
        backend = _use(monkeypatch, again)
        assert service.retry_pending() == 0
        assert backend.ids("business") == {str(business.pk)}
        page = service.search("souss")
        assert page.backend == "elasticsearch"
        assert [hit["title"] for hit in page.hits] == ["Coopérative Argan du Souss"]
