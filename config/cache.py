"""Django's Redis cache, made tolerant: when Redis is down, the site goes on without a cache.

Django's `RedisCache` raises redis-py's errors to the caller, so a stopped Redis would turn
every page that reads the cache into a 500 — that is every Wagtail page (the site root paths
are cached), the sitemap, and a conversation's page (presence).
Here a failed read is a miss (the default), a failed write is dropped, and the failure is
logged as a warning — at most once every LOG_EVERY seconds per process, so an outage does not
flood the logs. Settings give the connection short timeouts (config/settings.py), so a Redis
that hangs costs a request at most a second, not the worker.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
LOG_EVERY = 30  # seconds


def _tolerant(name, fallback):
    """RedisCache's method `name`, answering `fallback(*args)` when Redis fails."""
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            _warn(name, error)
            return fallback(*args, **kwargs)

    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__doc__ = method.__doc__
    return wrapper


_last_warning = 0.0


def _warn(operation, error):
    global _last_warning  # noqa: PLW0603 - one clock per process
    now = time.monotonic()
    if now - _last_warning >= LOG_EVERY:
        _last_warning = now
        logger.warning("Cache unavailable (%s failed), going on without it: %s", operation, error)


def _default(key, default=None, *args, **kwargs):
    return default


class TolerantRedisCache(RedisCache):
    # Reads: a miss.
    get = _tolerant("get", _default)
    get_many = _tolerant("get_many", lambda *a, **k: {})
    has_key = _tolerant("has_key", lambda *a, **k: False)
    # Writes: not kept; callers see what they would see after an eviction.
    add = _tolerant("add", lambda *a, **k: False)
    set = _tolerant("set", lambda *a, **k: None)
    touch = _tolerant("touch", lambda *a, **k: False)
    delete = _tolerant("delete", lambda *a, **k: False)
    set_many = _tolerant("set_many", lambda data, *a, **k: list(data))
    delete_many = _tolerant("delete_many", lambda *a, **k: None)
    clear = _tolerant("clear", lambda *a, **k: False)
    # A counter that cannot be read counts from nothing, as a fresh key would.
    incr = _tolerant("incr", lambda key, delta=1, *a, **k: delta)
