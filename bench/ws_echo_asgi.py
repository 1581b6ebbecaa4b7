"""A trivial WebSocket relay for bench/ws.py: the floor under our own chat consumer.

Run: python -m daphne -b 127.0.0.1 -p PORT bench.ws_echo_asgi:application (with REDIS_URL)
One consumer: it accepts any connection at any path with a `?user=N` query, joins the group
`user-N`, and relays each frame {"to": partner, "client_key", "text", ...} to the partner's
group as a "message.new" event over the same Redis pub/sub channel layer as the project, then
acks it to the sender. No database, no authentication, no Origin check, no unread counts.
"""

import os
from urllib.parse import parse_qs

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        INSTALLED_APPS=[],
        # The same layer and options as config/settings.py (see its comments).
        CHANNEL_LAYERS={
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {
                    "hosts": [
                        {
                            "address": os.environ["REDIS_URL"],
                            "socket_timeout": None,
                            "max_connections": 10000,
                        }
                    ],
                    "prefix": os.environ.get("CHANNEL_PREFIX", "tremplin-echo"),
                },
            }
        },
    )
    django.setup()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402


class EchoConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            self.user = int(query["user"][0])
        except (KeyError, ValueError):
            await self.close(code=4400)
            return
        await self.channel_layer.group_add(f"user-{self.user}", self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "user"):
            await self.channel_layer.group_discard(f"user-{self.user}", self.channel_name)

    async def receive_json(self, content, **kwargs):
        try:
            partner = int(content["to"])
        except (KeyError, TypeError, ValueError):
            await self.send_json({"type": "error", "id": None, "code": "invalid"})
            return
        client_key = str(content.get("client_key", ""))
        event = {
            "type": "message.new",
            "id": None,
            "conversation": content.get("conversation"),
            "author": self.user,
            "text": str(content.get("text", "")),
            "client_key": client_key,
        }
        await self.channel_layer.group_send(
            f"user-{partner}", {"type": "chat.event", "event": event}
        )
        await self.send_json({"type": "ack", "id": None, "client_key": client_key})

    async def chat_event(self, event):
        await self.send_json(event["event"])


application = EchoConsumer.as_asgi()
