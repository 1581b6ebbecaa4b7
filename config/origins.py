"""Which pages may open the site's WebSockets: those whose Origin is one of the site's own public
addresses — scheme, host and port all equal.

A browser sends the session cookie with a WebSocket handshake from any page of the same site,
and for cookies a site ignores the port: a page served from another port of the same host
(`http://<host>:9999`, anything someone can start there) could otherwise open the chat socket
as the signed-in visitor and read their messages. Channels' `AllowedHostsOriginValidator`
compared the host only. Here the Origin must be exactly:

- the origin of `SITE_URL` (the site's public address);
- one of `CSRF_TRUSTED_ORIGINS` (an entry `https://*.example.org` allows that domain and its
  subdomains, with that scheme and port, as Django's CSRF check reads it);
- in development only (`DJANGO_ENV` other than production), the address the server answers on:
  `http://<name>:<port>`, with the port the connection came to and a name from `ALLOWED_HOSTS`
  or the address the server is bound to — `runserver` on any port works as it did.

Default ports are implied (`https://host` is `https://host:443`). Anything else — another port,
scheme or host, a missing Origin, `null` (sandboxed frames, local files) — is refused before
the consumer runs: the handshake gets HTTP 403.
"""

from urllib.parse import urlsplit

from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings

UNSPECIFIED_ADDRESSES = {"0.0.0.0", "::", ""}  # noqa: S104 - names, not a bind


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def public_origins():
    """The origins of the site's public addresses, from the settings."""
    origins = [_origin(settings.SITE_URL)]
    for origin in settings.CSRF_TRUSTED_ORIGINS:
        # Channels' patterns spell "this domain and its subdomains" with a leading dot.
        origins.append(_origin(origin).replace("://*.", "://.", 1))
    return origins


def development_origins(scope):
    """`http://<name>:<port>` for the port this connection came to, in development only."""
    if settings.PRODUCTION:
        return []
    host, port = (list(scope.get("server") or ()) + [None, None])[:2]
    if not port:
        return []
    names = [name for name in settings.ALLOWED_HOSTS if "*" not in name and name[:1] != "."]
    if host and host not in UNSPECIFIED_ADDRESSES:
        names.append(f"[{host}]" if ":" in host else host)
    return [f"http://{name}:{port}" for name in names]


class SiteOriginValidator(OriginValidator):
    """Refuses a WebSocket handshake whose Origin is not one of the site's own addresses."""

    def __init__(self, application):
        super().__init__(application, allowed_origins=[])

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not self.allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)

    def allowed(self, scope):
        origins = [value for name, value in scope.get("headers", []) if name == b"origin"]
        if len(origins) != 1:
            return False
        try:
            parsed = urlsplit(origins[0].decode("latin-1"))
            parsed.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            return False
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            return False
        return any(
            self.match_allowed_origin(parsed, pattern)
            for pattern in public_origins() + development_origins(scope)
        )
