"""The ASGI application accepts WebSockets and its channel layer (Redis in CI) carries messages."""

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application

# Channels closes stale database connections around each event: allowed, though unused here.
pytestmark = pytest.mark.django_db


@pytest.mark.asyncio
async def test_health_websocket_round_trips_through_the_channel_layer():
    communicator = WebsocketCommunicator(
        application,
        "/ws/health/",
        # The site's own address (SITE_URL): the only origin allowed, scheme and port included.
        headers=[(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert await communicator.receive_json_from(timeout=5) == {"status": "ok"}
    await communicator.disconnect()


@pytest.mark.asyncio
async def test_websocket_from_another_origin_is_refused():
    communicator = WebsocketCommunicator(
        application,
        "/ws/health/",
        headers=[(b"origin", b"https://evil.example"), (b"host", b"localhost")],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert not connected
