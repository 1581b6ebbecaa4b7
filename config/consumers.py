"""A WebSocket health check: it proves the ASGI server and the channel layer both work.

The proxy and the compose health check open it; the consumer sends itself a message through the
channel layer (Redis in production) and answers "ok" only once that message came back.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class HealthConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.channel_layer.send(self.channel_name, {"type": "health.echo"})

    async def health_echo(self, event):
        await self.send_json({"status": "ok"})
        await self.close()
