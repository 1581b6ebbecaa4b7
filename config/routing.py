"""WebSocket routes of every app, gathered for config.asgi."""

from django.urls import path

from config.consumers import HealthConsumer
from messaging.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
    path("ws/chat/", ChatConsumer.as_asgi()),
]
