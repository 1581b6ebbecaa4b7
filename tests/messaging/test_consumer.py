"""The WebSocket consumer with Channels' communicator: auth, origin, every event type,
limits answered with error events, escaping, resuming after a disconnection, and the order in
which stored events reach a socket whatever order their pushes come in."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.test import Client, override_settings

from config.asgi import application
from config.routing import websocket_urlpatterns
from messaging import consumers, services
from messaging.models import Message
from tests import factories

# serialized_rollback: the database is restored without re-running post-migrate set-up.
pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@sync_to_async
def make_pair():
    cache.clear()
    owner = factories.UserFactory()
    buyer = factories.UserFactory()
    business = factories.business(owner, name="Atelier Argan")
    conversation = services.conversation_with_business(actor=buyer, business=business)
    return buyer, owner, conversation


async def open_socket(user, path="/ws/chat/?lang=en"):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    first = await communicator.receive_json_from(timeout=5)
    assert first["type"] == "unread"
    return communicator


async def connect(user, after=0):
    """A socket that resumed after `after` and is up to date."""
    communicator = await open_socket(user)
    await communicator.send_json_to({"action": "resume", "after": after})
    await next_of(communicator, "resumed")
    return communicator


async def next_of(communicator, kind, timeout=5):
    """The next event of a kind, skipping the others (unread counts, presence...)."""
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        if event["type"] == kind:
            return event


async def stored_until(communicator, kind, timeout=5):
    """The stored events (with an id) received before the next event of `kind`, and that one."""
    events = []
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        if event["type"] == kind:
            return events, event
        if event.get("id"):
            events.append(event)


async def stored_within(communicator, seconds=0.3):
    """The stored events (with an id) that arrive within `seconds`: none, if nothing is doubled."""
    events = []
    while not await communicator.receive_nothing(timeout=seconds):
        event = await communicator.receive_json_from()
        if event.get("id"):
            events.append(event)
    return events


@sync_to_async
def send_collecting_pushes(actor, conversation, texts):
    """Send messages as the services do, keeping their pushes instead of sending them."""
    with services.pushes_collected() as pushes:
        for text in texts:
            services.message_send(
                actor=actor, conversation=conversation, text=text, client_key=f"key-{text}"
            )
    return list(pushes)


def pushes_to(user, pushes):
    """The channel-layer messages of `pushes` meant for `user`, in the order they were made."""
    return [message for user_id, message in pushes if user_id == user.pk]


@sync_to_async
def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


SITE = {"SITE_URL": "https://tremplin.example", "CSRF_TRUSTED_ORIGINS": []}
PRODUCTION = {**SITE, "PRODUCTION": True}
DEVELOPMENT = {**SITE, "PRODUCTION": False}
PARTNERS = {**PRODUCTION, "CSRF_TRUSTED_ORIGINS": ["https://*.partner.example"]}
ADMIN = {**PRODUCTION, "CSRF_TRUSTED_ORIGINS": ["https://admin.tremplin.example"]}


@pytest.mark.parametrize(
    ("site", "origin", "opens"),
    [
        (PRODUCTION, b"https://tremplin.example", True),  # the site's public address
        (PRODUCTION, b"https://tremplin.example:443", True),  # the same, port spelled out
        (PRODUCTION, b"https://TREMPLIN.example", True),  # host names ignore case
        (PRODUCTION, b"https://tremplin.example:8443", False),  # another port
        (PRODUCTION, b"http://tremplin.example", False),  # another scheme
        (PRODUCTION, b"https://evil.example", False),  # another host
        (PRODUCTION, b"https://tremplin.example.evil.example", False),
        (PRODUCTION, b"https://www.tremplin.example", False),  # a subdomain nobody listed
        (PRODUCTION, None, False),  # no Origin at all
        (PRODUCTION, b"null", False),  # sandboxed frames, local files
        (PRODUCTION, b"https://tremplin.example:port", False),  # not a port
        (PRODUCTION, b"http://127.0.0.1:8000", False),  # the server's own address: not public
        (ADMIN, b"https://admin.tremplin.example", True),  # CSRF_TRUSTED_ORIGINS
        (ADMIN, b"https://admin.tremplin.example:444", False),
        (PARTNERS, b"https://app.partner.example", True),  # a "*." entry: subdomains
        (PARTNERS, b"http://app.partner.example", False),  # ... with its scheme only
        (DEVELOPMENT, b"http://127.0.0.1:8000", True),  # the runserver address
        (DEVELOPMENT, b"http://localhost:8000", True),  # ... by a name of ALLOWED_HOSTS
        (DEVELOPMENT, b"http://127.0.0.1:9999", False),  # another port of the same host
        (DEVELOPMENT, b"https://127.0.0.1:8000", False),  # runserver has no https
        (DEVELOPMENT, b"http://evil.example:8000", False),
    ],
)
async def test_a_socket_opens_only_from_the_sites_own_origin(site, origin, opens):
    user = await sync_to_async(factories.UserFactory)()
    headers = [(b"cookie", await session_cookie(user)), (b"host", b"127.0.0.1:8000")]
    if origin is not None:
        headers.append((b"origin", origin))
    with override_settings(**site):
        communicator = WebsocketCommunicator(application, "/ws/chat/", headers=headers)
        communicator.scope["server"] = ("127.0.0.1", 8000)
        connected, _ = await communicator.connect(timeout=5)
        await communicator.disconnect()
    assert connected is opens


async def test_an_anonymous_visitor_is_refused():
    communicator = WebsocketCommunicator(
        application, "/ws/chat/", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )
    communicator.scope["server"] = ("127.0.0.1", 8000)
    connected, code = await communicator.connect(timeout=5)
    assert not connected and code == consumers.NOT_SIGNED_IN


@pytest.mark.parametrize(
    ("query", "preferred", "expected"),
    [
        ("?lang=ar", "fr", "تعذّرت قراءة هذه الرسالة."),  # the page's language
        ("?lang=en", "ar", "This frame could not be read."),
        ("", "ar", "تعذّرت قراءة هذه الرسالة."),  # else the person's
        ("?lang=xx", "fr", "Ce message n’a pas pu être lu."),  # not one of ours
    ],
)
async def test_error_frames_speak_the_language_of_the_page_or_the_person(
    query, preferred, expected
):
    user = await sync_to_async(factories.UserFactory)(preferred_language=preferred)
    socket = await open_socket(user, f"/ws/chat/{query}")
    await socket.send_to(text_data="{not json")
    assert (await next_of(socket, "error"))["message"] == expected
    await socket.disconnect()


async def test_errors_raised_in_the_database_threads_speak_the_pages_language_too():
    buyer, _owner, conversation = await make_pair()
    socket = await open_socket(buyer, "/ws/chat/?lang=ar")
    await socket.send_json_to(
        {"action": "send", "conversation": conversation.pk, "text": "hi", "client_key": "k" * 65}
    )
    assert (await next_of(socket, "error"))["message"] == "لا يتجاوز مفتاح العميل 64 حرفًا."
    await socket.disconnect()


async def test_a_message_reaches_the_other_side_with_its_read_receipt_and_typing():
    buyer, owner, conversation = await make_pair()
    buyer_socket, owner_socket = await connect(buyer), await connect(owner)
    xss = "<script>alert('x')</script> & co"
    await buyer_socket.send_json_to(
        {"action": "send", "conversation": conversation.pk, "text": xss, "client_key": "k1"}
    )
    ack = await next_of(buyer_socket, "ack")
    assert ack["client_key"] == "k1" and not ack["duplicate"]
    new = await next_of(owner_socket, "message.new")
    assert new["text"] == xss and new["author"] == buyer.pk and new["id"] > 0  # as data, not HTML
    await owner_socket.send_json_to(
        {"action": "read", "conversation": conversation.pk, "up_to": new["message"]}
    )
    receipt = await next_of(buyer_socket, "read")
    assert receipt["user"] == owner.pk and receipt["up_to"] == new["message"]
    # The reader's badge goes back to zero; on connecting it showed the stored count.
    assert (await next_of(owner_socket, "unread"))["total"] == 0
    again = await connect(owner)
    await again.disconnect()
    await owner_socket.send_json_to(
        {"action": "typing", "conversation": conversation.pk, "state": "start"}
    )
    typing = await next_of(buyer_socket, "typing")
    assert typing["user"] == owner.pk and typing["state"] == "start" and typing["expires_in"] > 0
    # The same key again: acknowledged as a duplicate, stored once.
    await buyer_socket.send_json_to(
        {"action": "send", "conversation": conversation.pk, "text": xss, "client_key": "k1"}
    )
    assert (await next_of(buyer_socket, "ack"))["duplicate"]
    await buyer_socket.disconnect()
    presence = await next_of(owner_socket, "presence")
    assert presence["user"] == buyer.pk and presence["state"] == "offline"
    await owner_socket.disconnect()


async def test_limits_and_bad_frames_get_error_events_and_the_socket_stays_open():
    buyer, owner, conversation = await make_pair()
    socket = await connect(buyer)
    await socket.send_json_to(
        {"action": "send", "conversation": conversation.pk, "text": "x" * 4001, "client_key": "big"}
    )
    error = await next_of(socket, "error")
    assert error["code"] == "too_long" and error["client_key"] == "big"
    # A key is never cut: two keys alike in their first 64 characters are two messages or none.
    for key in ("k" * 64 + "-a", "k" * 64 + "-b"):
        await socket.send_json_to(
            {"action": "send", "conversation": conversation.pk, "text": "hi", "client_key": key}
        )
        error = await next_of(socket, "error")
        assert error["code"] == "key_too_long" and error["client_key"] == key
        assert "64" in error["message"]
    assert not await sync_to_async(Message.objects.exists)()
    for after in ("abc", -1, 1.5, True, [3]):  # resume points that are not event ids
        await socket.send_json_to({"action": "resume", "after": after})
        error = await next_of(socket, "error")
        assert error["code"] == "invalid" and "whole number" in error["message"]
    for frame in (
        {"action": "explode"},
        {"action": "send", "conversation": "abc", "text": "hi", "client_key": "z"},
        ["not", "an", "object"],
    ):
        await socket.send_json_to(frame)
        assert (await next_of(socket, "error"))["message"]
    for raw in ({"text_data": "{not json"}, {"bytes_data": b"\x00binary"}):
        await socket.send_to(**raw)
        assert (await next_of(socket, "error"))["code"] == "invalid"

    # Someone else's conversation is refused like a missing one.
    @sync_to_async
    def elsewhere():
        business = factories.business(factories.UserFactory())
        return services.conversation_with_business(actor=owner, business=business)

    other = await elsewhere()
    await socket.send_json_to(
        {"action": "send", "conversation": other.pk, "text": "hi", "client_key": "q"}
    )
    assert (await next_of(socket, "error"))["code"] == "forbidden"
    await socket.send_json_to(
        {"action": "send", "conversation": other.pk + 1000, "text": "hi", "client_key": "m"}
    )
    assert (await next_of(socket, "error"))["code"] == "forbidden"
    for number in range(21):
        await socket.send_json_to(
            {
                "action": "send",
                "conversation": conversation.pk,
                "text": f"{number}",
                "client_key": f"r{number}",
            }
        )
    # Still connected, nothing lost: the 20 stored arrive (the author gets their own), the 21st
    # is refused.
    received, refused = [], []
    while len(received) < 20 or not refused:
        event = await socket.receive_json_from(timeout=5)
        if event["type"] == "message.new":
            received.append(event["text"])
        elif event["type"] == "error":
            refused.append(event["code"])
    assert received == [f"{number}" for number in range(20)] and refused == ["rate_limited"]
    await socket.disconnect()


async def test_a_client_that_comes_back_gets_the_620_messages_it_missed_once_in_order():
    """More than a page of replay (500): the server pages until the client is up to date."""
    buyer, owner, conversation = await make_pair()
    owner_socket = await connect(owner)
    await owner_socket.disconnect()  # the phone goes into a tunnel

    @sync_to_async
    def send_many():
        for number in range(620):
            if number % 20 == 0:
                cache.clear()  # the rate limit is not what this test is about
            services.message_send(
                actor=buyer, conversation=conversation, text=f"m{number}", client_key=f"c{number}"
            )

    await send_many()
    owner_socket = await open_socket(owner)
    await owner_socket.send_json_to({"action": "resume", "after": 0})
    replayed, resumed = await stored_until(owner_socket, "resumed")
    assert [event["text"] for event in replayed] == [f"m{number}" for number in range(620)]
    assert resumed["count"] == 620 and resumed["last"] == replayed[-1]["id"]
    assert await stored_within(owner_socket) == []
    await owner_socket.disconnect()


async def test_a_resume_point_in_the_address_replays_before_anything_else():
    """chat.js connects to /ws/chat/?after=<last id>: the replay needs no frame."""
    buyer, owner, conversation = await make_pair()
    await send_collecting_pushes(buyer, conversation, ["a", "b"])
    first = (await sync_to_async(services.events_after)(owner, 0))[0]["id"]
    owner_socket = await open_socket(owner, f"/ws/chat/?after={first}&lang=en")
    replayed, resumed = await stored_until(owner_socket, "resumed")
    assert [event["text"] for event in replayed] == ["b"] and resumed["count"] == 1
    await owner_socket.disconnect()
    owner_socket = await open_socket(owner, "/ws/chat/?after=yesterday&lang=en")
    error = await next_of(owner_socket, "error")
    assert error["code"] == "invalid" and "whole number" in error["message"]
    await owner_socket.send_json_to({"action": "resume", "after": 0})  # it can still resume
    replayed, resumed = await stored_until(owner_socket, "resumed")
    assert [event["text"] for event in replayed] == ["a", "b"]
    await owner_socket.disconnect()


async def test_events_that_come_before_the_resume_frame_are_held_and_not_sent_twice():
    """The issue's race: a client reconnects and sends "resume" at once while its partner keeps
    writing; pushes that arrive before the frame wait for the replay, which covers them."""
    buyer, owner, conversation = await make_pair()
    owner_socket = await open_socket(owner)  # connected, no resume yet
    buyer_socket = await connect(buyer)
    for number in range(3):
        await buyer_socket.send_json_to(
            {
                "action": "send",
                "conversation": conversation.pk,
                "text": f"m{number}",
                "client_key": f"k{number}",
            }
        )
        await next_of(buyer_socket, "ack")
    await owner_socket.send_json_to({"action": "resume", "after": 0})
    replayed, resumed = await stored_until(owner_socket, "resumed")
    assert [event["text"] for event in replayed] == ["m0", "m1", "m2"] and resumed["count"] == 3
    assert await stored_within(owner_socket) == []  # the held pushes were dropped
    await buyer_socket.send_json_to(
        {"action": "send", "conversation": conversation.pk, "text": "m3", "client_key": "k3"}
    )
    assert (await next_of(owner_socket, "message.new"))["text"] == "m3"  # then live
    await owner_socket.disconnect()
    await buyer_socket.disconnect()


async def test_a_socket_that_does_not_resume_starts_where_it_connected():
    buyer, owner, conversation = await make_pair()
    await send_collecting_pushes(buyer, conversation, ["before"])  # pushed to nobody
    owner_socket = await open_socket(owner)  # never sends a frame
    buyer_socket = await connect(buyer)
    await buyer_socket.send_json_to(
        {"action": "send", "conversation": conversation.pk, "text": "after", "client_key": "k"}
    )
    before, new = await stored_until(owner_socket, "message.new", consumers.RESUME_WAIT + 3)
    assert before == [] and new["text"] == "after"  # live, without the history
    assert await stored_within(owner_socket) == []
    await owner_socket.disconnect()
    await buyer_socket.disconnect()


async def test_pushes_that_come_out_of_order_or_not_at_all_reach_the_socket_in_order_once():
    """Pushes from two processes arrive in any order, and Redis may drop one: the socket sends
    stored events by increasing id, each once, the missing ones read from the database."""
    buyer, owner, conversation = await make_pair()
    owner_socket = await connect(owner)
    layer = get_channel_layer()
    group = services.user_group(owner.pk)

    pushes = pushes_to(owner, await send_collecting_pushes(buyer, conversation, ["a", "b", "c"]))
    for message in reversed(pushes):  # "c" first: "a" and "b" are not there yet
        await layer.group_send(group, message)
    received = [await next_of(owner_socket, "message.new") for _ in "abc"]
    assert [event["text"] for event in received] == ["a", "b", "c"]
    assert await stored_within(owner_socket) == []  # the late pushes were dropped

    pushes = pushes_to(owner, await send_collecting_pushes(buyer, conversation, ["d", "e"]))
    await layer.group_send(group, pushes[1])  # the push of "d" was lost
    assert [(await next_of(owner_socket, "message.new"))["text"] for _ in "de"] == ["d", "e"]

    await send_collecting_pushes(buyer, conversation, ["f"])  # lost, and nothing comes after
    await layer.group_send(group, {"type": "chat.resync"})  # what the sending process then says
    assert (await next_of(owner_socket, "message.new"))["text"] == "f"
    assert await stored_within(owner_socket) == []
    await owner_socket.disconnect()
