"""Two real ASGI server processes sharing PostgreSQL and Redis: one person on each, and
messages, read receipts and typing cross between them (a real WebSocket client each)."""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from messaging import services
from tests import factories
from tests.reliability.servers import database_url, free_port, stop, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
NEEDS = settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and os.environ.get(
    "REDIS_URL"
)
pytestmark = [
    pytest.mark.skipif(
        not NEEDS, reason="runs against PostgreSQL and Redis (set DATABASE_URL, REDIS_URL)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def servers(tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    env.pop("PYTEST_VERSION", None)
    started = []
    for number in range(2):
        port = free_port()
        log = open(tmp_path / f"daphne{number}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "config.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((process, port, log))
    for process, port, log in started:
        wait_for_port(port, process, log=log.name)
    yield [port for _process, port, _log in started]
    for process, _port, log in started:
        stop(process)  # daphne waits for its sockets; the test is over
        log.close()


def _session_cookie(user):
    from django.test import Client

    client = Client()  # one each: logging a second person in would end the first's session
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_messages_receipts_and_typing_cross_between_two_server_processes(servers):
    import websockets

    owner, buyer = factories.UserFactory(), factories.UserFactory()
    business = factories.business(owner, name="Atelier Argan")
    conversation = services.conversation_with_business(actor=buyer, business=business)
    cookies = {user.pk: _session_cookie(user) for user in (owner, buyer)}

    async def connect(user, port):
        return await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/chat/",
            additional_headers={"Cookie": cookies[user.pk], "Origin": f"http://127.0.0.1:{port}"},
            open_timeout=10,
        )

    async def next_of(ws, kind):
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
            if event["type"] == kind:
                return event

    async def scenario():
        buyer_ws = await connect(buyer, servers[0])
        owner_ws = await connect(owner, servers[1])
        await buyer_ws.send(
            json.dumps(
                {
                    "action": "send",
                    "conversation": conversation.pk,
                    "text": "Salam",
                    "client_key": "x1",
                }
            )
        )
        new = await next_of(owner_ws, "message.new")
        assert new["text"] == "Salam" and new["author"] == buyer.pk
        await owner_ws.send(
            json.dumps({"action": "read", "conversation": conversation.pk, "up_to": new["message"]})
        )
        receipt = await next_of(buyer_ws, "read")
        assert receipt["user"] == owner.pk
        await owner_ws.send(
            json.dumps({"action": "typing", "conversation": conversation.pk, "state": "start"})
        )
        typing = await next_of(buyer_ws, "typing")
        assert typing["user"] == owner.pk
        await buyer_ws.close()
        await owner_ws.close()

    asyncio.run(scenario())
