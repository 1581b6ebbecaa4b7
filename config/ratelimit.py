"""Fixed-window rate limits shared by every process: one pipelined round trip to Redis when
REDIS_URL is set (the counter and its expiry), the cache otherwise (one process, tests).

`hit("messaging:42", limit=20, window=10)` counts one action and returns 0 when it is allowed,
or the seconds until the window ends (a `Retry-After`).

When Redis cannot be reached the limit fails open: the action is allowed and a warning logged
(at most once every LOG_EVERY seconds per process). A limit is a brake on abuse, not a lock:
refusing every message and log-in while Redis restarts would be the worse outage."""

import logging
import threading
import time

import redis
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)
LOG_EVERY = 30  # seconds
_local = threading.local()
_last_warning = [0.0]


def _redis():
    # One client per thread: it holds its own pool, so threads never share a socket.
    client = getattr(_local, "client", None)
    if client is None or getattr(_local, "url", None) != settings.REDIS_URL:
        # Short timeouts: a Redis that hangs must not hold the request (it then fails open).
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        _local.client, _local.url = client, settings.REDIS_URL
    return client


def hit(name, *, limit, window):
    now = time.time()
    key = (
        f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:ratelimit:{name}:{int(now) // window}"
    )
    if settings.REDIS_URL:
        try:
            pipe = _redis().pipeline(transaction=False)
            pipe.incr(key)
            pipe.expire(key, window * 2)
            count, _expiry = pipe.execute()
        except redis.RedisError as error:
            clock = time.monotonic()
            if clock - _last_warning[0] >= LOG_EVERY:
                _last_warning[0] = clock
                logger.warning("Rate limit %s not counted, Redis unavailable: %s", name, error)
            return 0
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # the first hit of the window
            cache.add(key, 0, window * 2)
            count = cache.incr(key)
    if count <= limit:
        return 0
    return max(1, int(window - now % window + 0.999))


# --- Requests: HTML forms and the API -------------------------------------------------------


def rate(scope):
    """(limit, window in seconds) of a scope of settings.RATE_LIMITS."""
    limit, window = settings.RATE_LIMITS[scope]
    return int(limit), int(window)


def _client_ip(request):
    from accounts.login_throttle import client_ip

    return client_ip(request) or "unknown"


def check(scope, key):
    """Count one request of `scope` for `key`: 0, or the seconds to wait."""
    limit, window = rate(scope)
    return hit(f"{scope}:{key}", limit=limit, window=window)


def too_many_requests(request, retry_after, *, as_json=False):
    """429 with Retry-After: a JSON message for the API, a page in the user's language for
    the site."""
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import ngettext

    if as_json:
        message = ngettext(
            "Too many requests: try again in %(seconds)d second.",
            "Too many requests: try again in %(seconds)d seconds.",
            retry_after,
        ) % {"seconds": retry_after}
        response = JsonResponse({"message": message}, status=429)
    else:
        minutes = max(1, round(retry_after / 60))
        response = render(
            request,
            "429.html",
            {
                "retry_after": retry_after,
                "wait": ngettext(
                    "Please wait %(minutes)d minute before trying again.",
                    "Please wait %(minutes)d minutes before trying again.",
                    minutes,
                )
                % {"minutes": minutes},
            },
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


def limit_form_posts(scope, *, field=None):
    """A view decorator: the form's submissions (POST) are limited per client address, and,
    with `field`, also per value of that field (the e-mail a reset link is sent to) under the
    scope "<scope>_per_<field>". Showing the form (GET) is never limited."""
    from functools import wraps

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                wait = check(scope, f"ip:{_client_ip(request)}")
                value = (request.POST.get(field) or "").strip().lower() if field else ""
                if not wait and value:
                    wait = check(f"{scope}_per_{field}", value)
                if wait:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class ApiRateLimitMiddleware:
    """Every /api/v1/ request, read or write, counts against its caller: the signed-in user,
    or the client address of an anonymous caller. The health check is exempt (the containers'
    probes call it)."""

    PREFIX = "/api/v1/"
    EXEMPT = ("/api/v1/health",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(self.PREFIX) and not path.startswith(self.EXEMPT):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                key = f"user:{user.pk}"
            else:
                key = f"ip:{_client_ip(request)}"
            wait = check("api", key)
            if wait:
                return too_many_requests(request, wait, as_json=True)
        return self.get_response(request)
