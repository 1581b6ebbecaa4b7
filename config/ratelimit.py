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
