import pytest

from search.backends.database import DatabaseBackend
from tests.search.es_server import *  # noqa: F403 - the Elasticsearch fixtures


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, db):
    """Every contract test runs once per backend: the database one (SQLite, or PostgreSQL
    when DATABASE_URL points there) and Elasticsearch's, against the OpenSearch-compatible
    server that osmem-server bundles (skipped when it cannot start)."""
    if request.param == "database":
        backend = DatabaseBackend()
        backend.clear()
        return backend
    return request.getfixturevalue("es_backend")
