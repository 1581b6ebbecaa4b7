"""The WebSocket consumer with Channels' communicator: auth, origin, every event type,
limits answered with error events, escaping, and resuming after a disconnection."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from config.asgi import application
from config.routing import websocket_urlpatterns
from messaging import services
from tests import factories

# serialized_rollback: the database is restored without re-running post-migrate set-up.
pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ORIGIN = [(b"origin", b"http://localhost"), (b"host", b"localhost")]


@sync_to_async
def make_pair():
    cache.clear()
    owner = factories.UserFactory()
    buyer = factories.UserFactory()
    business = factories.business(owner, name="Atelier Argan")
    conversation = services.conversation_with_business(actor=buyer, business=business)
    return buyer, owner, conversation


async def connect(user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/chat/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    first = await communicator.receive_json_from(timeout=5)
    assert first["type"] == "unread"
    return communicator


async def next_of(communicator, kind, timeout=5):
    """The next event of a kind, skipping the others (unread counts, presence...)."""
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        if event["type"] == kind:
            return event


async def test_anonymous_and_foreign_origins_are_refused():
    communicator = WebsocketCommunicator(application, "/ws/chat/", headers=ORIGIN)
    connected, _ = await communicator.connect(timeout=5)
    assert not connected  # no session
    communicator = WebsocketCommunicator(
        application,
        "/ws/chat/",
        headers=[(b"origin", b"https://evil.example"), (b"host", b"localhost")],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert not connected


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
    for frame in (
        {"action": "explode"},
        {"action": "send", "conversation": "abc", "text": "hi", "client_key": "z"},
        ["not", "an", "object"],
    ):
        await socket.send_json_to(frame)
        assert (await next_of(socket, "error"))["message"]

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
    error = await next_of(socket, "error")
    assert error["code"] == "rate_limited"
    await socket.send_json_to({"action": "resume", "after": 0})
    assert (await next_of(socket, "resumed"))["count"] == 20  # still connected, nothing lost
    await socket.disconnect()


async def test_a_client_that_comes_back_gets_the_fifty_messages_it_missed_once_in_order():
    buyer, owner, conversation = await make_pair()
    owner_socket = await connect(owner)
    await owner_socket.send_json_to({"action": "resume", "after": 0})
    await next_of(owner_socket, "resumed")
    await owner_socket.disconnect()  # the phone goes into a tunnel

    @sync_to_async
    def send_fifty():
        last_seen = 0
        for number in range(50):
            cache.clear()  # the rate limit is not what this test is about
            services.message_send(
                actor=buyer, conversation=conversation, text=f"m{number}", client_key=f"c{number}"
            )
        return last_seen

    last_seen = await send_fifty()
    owner_socket = await connect(owner)
    await owner_socket.send_json_to({"action": "resume", "after": last_seen})
    received = []
    while True:
        event = await owner_socket.receive_json_from(timeout=5)
        if event["type"] == "resumed":
            break
        if event["type"] == "message.new":
            received.append(event["text"])
    assert received == [f"m{number}" for number in range(50)]
    await owner_socket.disconnect()
