"""The API fuzzed from its own OpenAPI schema with schemathesis: a bounded number of generated
requests per operation, as a signed-in entrepreneur who has a business, a mentorship with a
booked session, a conversation and an event registration. No response may be a 5xx, and every
response must match the schema (status code, content type, body, headers).

The app is called in-process through its WSGI handler, inside the test's transaction."""

import secrets

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import ignored_auth

from tests.security.world import build_world

EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def signed_in(db, settings, tmp_path):
    """A world with data, a session for its entrepreneur, and the WSGI handler made safe to
    call inside the test's transaction."""
    settings.MEDIA_ROOT = tmp_path / "public"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # Fuzzing is hundreds of requests a minute: not what the limit is about.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (100_000, 60)}
    world = build_world()
    from django.test import Client

    client = Client()
    client.force_login(world.users["ent_a"])
    csrf = secrets.token_hex(16)
    # Django's handler closes "old" connections at each request's start and end, which would
    # end the test's transaction (the test client disconnects the same signals).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield {
            "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
            "headers": {"X-CSRFToken": csrf},
        }
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _load_schema():
    # Read through the test client (no database needed); the cases then go to the WSGI handler.
    from django.test import Client

    loaded = schemathesis.openapi.from_dict(Client().get("/api/v1/openapi.json").json())
    loaded.app = get_wsgi_application()
    loaded.location = "/api/v1/openapi.json"
    return loaded


schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema_and_never_fails(case, signed_in):
    if _without_session(case):
        # Schemathesis tries the operation without its session cookie: send none, and the
        # API must refuse it (negative_data_rejection checks the 401).
        case.call_and_validate(excluded_checks=[ignored_auth])
        return
    case.call_and_validate(
        cookies=signed_in["cookies"],
        headers=signed_in["headers"],
        # The session is injected into the requests, so schemathesis's own probes with a
        # made-up credential are meaningless here; who may call what is the permission
        # matrix's job (test_permission_matrix.py).
        excluded_checks=[ignored_auth],
    )


def _without_session(case):
    data = getattr(getattr(case.meta, "phase", None), "data", None)
    return "sessionid" in str(getattr(data, "description", "") or "")
