"""The pieces that keep the site up when a server is away, on any database (no subprocess):
the cache and the rate limits pointed at a port where no Redis listens, and the 503 answer to
a database error. tests/reliability/test_*_down.py stop real servers mid-run."""

import logging

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory, override_settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from cms.views import server_error
from config import cache as tolerant
from config import ratelimit
from config.cache import TolerantRedisCache
from config.middleware import DatabaseUnavailableMiddleware
from tests.reliability.servers import free_port


@pytest.fixture
def nowhere():
    """A Redis URL where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


def test_the_cache_without_redis_is_a_miss_and_writes_are_dropped(nowhere, caplog, monkeypatch):
    monkeypatch.setattr(tolerant, "_last_warning", 0.0)
    cache = TolerantRedisCache(nowhere, {"OPTIONS": {"socket_connect_timeout": 1}})
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert cache.get("k") is None and cache.get("k", "default") == "default"
        cache.set("k", 1)
        assert cache.add("k", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.incr("counter", 3) == 3
        assert cache.get_or_set("k", 5) == 5
        cache.delete("k")
        cache.clear()
    assert caplog.text.count("Cache unavailable") == 1  # once per 30 s, not per call


def test_rate_limits_fail_open_without_redis(nowhere, caplog, monkeypatch):
    monkeypatch.setattr(ratelimit, "_last_warning", [0.0])
    with override_settings(REDIS_URL=nowhere), caplog.at_level(logging.WARNING):
        assert [ratelimit.hit("test:1", limit=1, window=10) for _ in range(3)] == [0, 0, 0]
    assert "Redis unavailable" in caplog.text


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_a_database_error_answers_the_503_page_in_the_address_language(error, language):
    request = RequestFactory().get(f"/{language}/businesses/?page=2")
    # From a view: the middleware.
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    from_view = middleware.process_exception(request, error("connection refused"))
    # From another middleware: Django calls handler500 while the exception is handled.
    try:
        raise error("connection refused")
    except error:
        from_handler = server_error(request)
    with translation.override(language):
        title = escape(gettext("The site is briefly unavailable"))
    for response in (from_view, from_handler):
        html = response.content.decode()
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert f'lang="{language}"' in html and title in html
        assert f'href="/{language}/businesses/?page=2"' in html  # try the same page again
        assert "connection refused" not in html and "Traceback" not in html
    assert ('dir="rtl"' in from_view.content.decode()) == (language == "ar")


def test_other_errors_are_left_to_the_500_page():
    request = RequestFactory().get("/fr/")
    assert (
        DatabaseUnavailableMiddleware(lambda r: None).process_exception(
            request, ValueError("a bug")
        )
        is None
    )
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
