"""WebSocket routes of every app, gathered for config.asgi."""

from django.urls import path

from config.consumers import HealthConsumer

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
]
