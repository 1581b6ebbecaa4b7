"""The database goes away for a while: pages answer a friendly 503 in the reader's language
(with Retry-After, no stack trace), then the site recovers by itself when it comes back.

The app runs in a gunicorn subprocess (one sync worker, connections kept as in production)
that reaches the test database through a TCP proxy of the test's own; cutting the proxy is the
outage. The machine's PostgreSQL server is never stopped."""

import pytest
import requests
from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tests import factories
from tests.reliability.servers import AppServer, TcpProxy, is_postgresql

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL): the app server runs in another process",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def proxied_server(tmp_path):
    from django.db import connection

    assert is_postgresql()
    params = connection.settings_dict
    proxy = TcpProxy(params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432))
    server = AppServer(
        "gunicorn",
        tmp_path / "gunicorn.log",
        DATABASE_URL=(
            f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@127.0.0.1:{proxy.port}"
            f"/{params['NAME']}"
        ),
        DB_CONN_MAX_AGE="60",  # as in production: a kept connection must recover too
        REDIS_URL=None,
    )
    yield server, proxy
    server.close()
    proxy.close()


def _session_cookie(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def test_pages_answer_503_while_the_database_is_away_and_recover_by_themselves(proxied_server):
    server, proxy = proxied_server
    factories.build_home()
    user = factories.UserFactory()
    cookies = _session_cookie(user)

    assert requests.get(f"{server.url}/fr/", timeout=10).status_code == 200
    assert requests.get(f"{server.url}/fr/messages/", cookies=cookies, timeout=10).ok

    proxy.cut()
    # An anonymous page (the view reads the database) and a signed-in one (the middleware
    # that loads the user is the first to fail), in two languages.
    for path, language, cookie in (
        ("/fr/", "fr", None),
        ("/ar/", "ar", None),
        ("/en/messages/", "en", cookies),
    ):
        response = requests.get(f"{server.url}{path}", cookies=cookie, timeout=10)
        assert response.status_code == 503, (path, response.status_code)
        assert response.headers["Retry-After"].isdigit()
        assert f'lang="{language}"' in response.text
        with translation.override(language):
            title = escape(gettext("The site is briefly unavailable"))
        assert title in response.text, response.text[:500]
        assert "Traceback" not in response.text and "OperationalError" not in response.text

    proxy.restore()
    # No restart, no manual step: the next requests find the database again.
    assert requests.get(f"{server.url}/fr/", timeout=10).status_code == 200
    assert requests.get(f"{server.url}/fr/messages/", cookies=cookies, timeout=10).ok
