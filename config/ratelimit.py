"""Fixed-window rate limits shared by every process: one pipelined round trip to Redis when
REDIS_URL is set (the counter and its expiry), the cache otherwise (one process, tests).

`hit("messaging:42", limit=20, window=10)` counts one action and returns 0 when it is allowed,
or the seconds until the window ends (a `Retry-After`)."""

import threading
import time

import redis
from django.conf import settings
from django.core.cache import cache

_local = threading.local()


def _redis():
    # One client per thread: it holds its own pool, so threads never share a socket.
    client = getattr(_local, "client", None)
    if client is None or getattr(_local, "url", None) != settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        _local.client, _local.url = client, settings.REDIS_URL
    return client


def hit(name, *, limit, window):
    now = time.time()
    key = (
        f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:ratelimit:{name}:{int(now) // window}"
    )
    if settings.REDIS_URL:
        pipe = _redis().pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, window * 2)
        count, _expiry = pipe.execute()
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # the first hit of the window
            cache.add(key, 0, window * 2)
            count = cache.incr(key)
    if count <= limit:
        return 0
    return max(1, int(window - now % window + 0.999))
