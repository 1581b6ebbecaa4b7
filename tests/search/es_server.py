"""An Elasticsearch-compatible server for tests: osmem-server (an in-memory OpenSearch
emulator from PyPI, a Go binary, started once per session), and the fixtures around it.

Use it from a test module (or tests/search/conftest.py) by importing the fixture
functions; they register under the names without `_fixture`, so test arguments do not
shadow the imports:

    from tests.search.es_server import (  # noqa: F401 - fixtures
        es_backend_factory_fixture,
        es_backend_fixture,
        es_client_fixture,
        es_server_fixture,
    )

    def test_something(es_backend):  # a fresh, empty ElasticsearchBackend
        es_backend.index([...])

Fixtures: `es_server` (session; the `osmem_server.OsmemServer`), `es_client` (session; an
`elasticsearch.Elasticsearch` for it), `es_backend_factory` (session; `make(prefix=None,
**options)` → a backend with a prefix of its own), `es_backend` (a fresh, empty backend per
test, cleared afterwards).

Tests that need it are skipped, with the reason, when osmem-server cannot start.

The elasticsearch 8 client sends `application/vnd.elasticsearch+json; compatible-with=8`,
which osmem does not accept: `PlainJsonNode` rewrites it to plain `application/json` (and
the ndjson variant to `application/x-ndjson`). Test-only: a real Elasticsearch 8 needs no
such thing.
"""

import contextlib
import itertools
import re

import pytest
from elastic_transport import Urllib3HttpNode
from elasticsearch import Elasticsearch

from search.backends.base import BackendUnavailable
from search.backends.elasticsearch import ElasticsearchBackend

__all__ = [
    "PlainJsonNode",
    "es_backend_factory_fixture",
    "es_backend_fixture",
    "es_client_fixture",
    "es_server_fixture",
    "make_client",
]

_COMPATIBLE = re.compile(r"application/vnd\.elasticsearch\+([\w-]+)\s*;\s*compatible-with=\d+")
_prefixes = itertools.count(1)


class PlainJsonNode(Urllib3HttpNode):
    """A transport node that sends plain JSON media types instead of the compatible-with ones."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                value = headers.get(name)
                if value:
                    headers[name] = _COMPATIBLE.sub(r"application/\1", value)
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


def make_client(url, **options):
    """An Elasticsearch client for osmem at `url` (short timeouts, one retry)."""
    options = {"request_timeout": 10, "max_retries": 1, "retry_on_timeout": True, **options}
    return Elasticsearch(url, node_class=PlainJsonNode, **options)


@pytest.fixture(scope="session", name="es_server")
def es_server_fixture():
    """The osmem-server process for the session (an `osmem_server.OsmemServer`)."""
    try:
        from osmem_server import OsmemError, OsmemServer
    except ImportError:
        pytest.skip("osmem-server is not installed (pip install 'osmem-server>=0.1.6')")
    try:
        server = OsmemServer.start(japanese=False, startup_timeout=20)
    except (OsmemError, OSError) as error:
        pytest.skip(f"osmem-server cannot start: {error}")
    yield server
    server.close()


@pytest.fixture(scope="session", name="es_client")
def es_client_fixture(es_server):
    """An `elasticsearch.Elasticsearch` talking to the session's osmem-server."""
    client = make_client(es_server.url)
    yield client
    client.close()


@pytest.fixture(scope="session", name="es_backend_factory")
def es_backend_factory_fixture(es_server, es_client):
    """`make(prefix=None, **options)` → an ElasticsearchBackend on osmem, with a prefix of
    its own (so its indices are apart from every other backend's); its indices are deleted
    at the end of the session."""
    made = []

    def make(prefix=None, **options):
        backend = ElasticsearchBackend(
            es_server.url,
            prefix=prefix or f"test{next(_prefixes)}",
            client=es_client,
            **options,
        )
        made.append(backend)
        return backend

    yield make
    for backend in made:
        # The server may be gone already; it dies with the test process anyway.
        with contextlib.suppress(BackendUnavailable):
            backend.clear()


@pytest.fixture(name="es_backend")
def es_backend_fixture(es_backend_factory):
    """A fresh, empty ElasticsearchBackend for one test (cleared afterwards)."""
    backend = es_backend_factory()
    yield backend
    backend.clear()
