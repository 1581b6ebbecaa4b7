"""The API fuzzed from its own OpenAPI schema with schemathesis: a bounded number of generated
requests per operation, as a signed-in entrepreneur who has a business, a mentorship with a
booked session, a conversation and an event registration. No response may be a 5xx, and every
response must match the schema (status code, content type, body, headers).

The app is called in-process through its WSGI handler, inside the test's transaction."""

import datetime
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
            "world": world,
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


def _real_requests(world):
    """(method, path, path parameters, query, body) for every operation, with ids of the
    signed-in person's own objects: generated ids mostly meet 404s, so the success answers
    would otherwise go unchecked against their schemas."""
    today = datetime.date.today()
    return [
        ("GET", "/api/v1/health", {}, {}, None),
        ("GET", "/api/v1/marketplace/businesses", {}, {}, None),
        (
            "GET",
            "/api/v1/marketplace/businesses/{slug}",
            {"slug": world.public_business.slug},
            {},
            None,
        ),
        ("GET", "/api/v1/marketplace/institutions", {}, {}, None),
        ("GET", "/api/v1/marketplace/opportunities", {}, {}, None),
        ("GET", "/api/v1/marketplace/my/applications", {}, {}, None),
        ("GET", "/api/v1/marketplace/offers", {}, {}, None),
        ("GET", "/api/v1/mentoring/mentors", {}, {}, None),
        ("GET", "/api/v1/mentoring/mentors/{mentor_id}", {"mentor_id": world.mentor.pk}, {}, None),
        (
            "GET",
            "/api/v1/mentoring/mentors/{mentor_id}/slots",
            {"mentor_id": world.mentor.pk},
            {"start": str(today), "end": str(today + datetime.timedelta(days=14))},
            None,
        ),
        ("GET", "/api/v1/mentoring/my/bookings", {}, {}, None),
        (
            "GET",
            "/api/v1/mentoring/my/suggestions",
            {},
            {"business_id": world.public_business.pk},
            None,
        ),
        ("GET", "/api/v1/search", {}, {"q": "alpha"}, None),
        ("GET", "/api/v1/search/suggest", {}, {"q": "vit"}, None),
        ("GET", "/api/v1/messaging/conversations", {}, {}, None),
        (
            "GET",
            "/api/v1/messaging/conversations/{conversation_id}/messages",
            {"conversation_id": world.conversation.pk},
            {},
            None,
        ),
        (
            "POST",
            "/api/v1/messaging/conversations/{conversation_id}/messages",
            {"conversation_id": world.conversation.pk},
            {},
            {"text": "Bonjour", "client_key": "schema-check-1"},
        ),
        (
            "POST",
            "/api/v1/messaging/conversations/{conversation_id}/read",
            {"conversation_id": world.conversation.pk},
            {},
            {},
        ),
        ("GET", "/api/v1/programmes/my/registrations", {}, {}, None),
        (
            "POST",
            "/api/v1/programmes/my/registrations/{registration_id}/cancel",
            {"registration_id": world.registration.pk},
            {},
            None,
        ),
        (
            "POST",
            "/api/v1/mentoring/my/bookings/{booking_id}/cancel",
            {"booking_id": world.booking.pk},
            {},
            {"reason": "Empêchement"},
        ),
    ]


def test_every_success_answer_keeps_its_schema(signed_in):
    """Each operation called with the caller's own objects answers 2xx with the schema it
    publishes (two schemas sharing a name once described chat messages as errors)."""
    world = signed_in["world"]
    checked = set()
    for method, path, path_parameters, query, body in _real_requests(world):
        operation = schema[path][method]
        case = operation.Case(
            path_parameters=path_parameters,
            query=query,
            **({"body": body, "media_type": "application/json"} if body is not None else {}),
        )
        response = case.call_and_validate(
            cookies=signed_in["cookies"],
            headers=signed_in["headers"],
            excluded_checks=[ignored_auth],
        )
        assert 200 <= response.status_code < 300, (method, path, response.text[:300])
        checked.add((method, path))
    published = {
        (method.upper(), path)
        for path, methods in schema.raw_schema["paths"].items()
        for method in methods
    }
    # Creating a booking or a registration needs a free slot or seat of the test's choosing;
    # the fuzzing above covers their refusals, tests/mentoring and tests/programmes their success.
    assert published - checked == {
        ("POST", "/api/v1/mentoring/my/bookings"),
        ("POST", "/api/v1/programmes/my/registrations"),
    }


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI document holds one schema per name: a second class of the same name
    silently replaces the first in every route that uses it."""
    from ninja import Schema

    import config.api  # noqa: F401 - loads every router

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [
        cls
        for cls in subclasses(Schema)
        if cls.__module__.split(".")[0]
        in {"config", "marketplace", "mentoring", "messaging", "programmes", "search", "accounts"}
    ]
    names = {}
    for cls in ours:
        names.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in names.items() if len(where) > 1} == {}


def test_the_published_schema_has_no_duplicate_keys(client):
    """JSON with a key twice is read differently by different parsers (Swagger UI refuses it,
    Python keeps the last): a route's own 400 once sat beside the generic one."""
    import json

    def refuse_duplicates(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), sorted(key for key in keys if keys.count(key) > 1)
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=refuse_duplicates)
