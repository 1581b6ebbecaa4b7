"""ASGI entry point: HTTP and WebSocket through Channels.

`runserver` (daphne) uses it for both protocols in development; in production the proxy sends
only /ws/ here and pages go to the WSGI workers, which cost a fifth of the CPU per request.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.origins import SiteOriginValidator  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Only pages of the site itself (scheme, host and port) may open a socket.
        "websocket": SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Everything loaded so far lives as long as the process: keep it out of the cyclic collector,
# whose full passes over a fully imported Django and Wagtail otherwise stall every socket of
# the process for tens of milliseconds (seen as latency spikes in bench/ws).
gc.freeze()
