"""The channel layer: channels_redis's pub/sub layer, made to say when it may have lost messages.

Redis pub/sub hands a message only to the subscribers connected at that moment. When a
process's subscriber connection breaks (Redis restarted or killed, the network cut), redis-py
reconnects and subscribes again by itself and channels_redis carries on as if nothing had
happened: whatever was published meanwhile is gone, and nobody is told. (Its `on_disconnect`
and `on_reconnect` options are accepted and never called.)

`RedisPubSubChannelLayer` here is the same layer, except that:

- after a subscriber connection is back and Redis has confirmed the subscriptions again, every
  local channel that belongs to a group receives `{"type": "layer.reconnected"}`, so that its
  consumer can fetch what it missed from the database (the chat consumer does);
- pushes are published side by side, not one round trip after the other behind a lock;
- a lost connection is logged once per interval (`config.outages`), not as a traceback every
  second, and the return as one line;
- a channel whose subscription failed (a handshake during an outage) does not leave its queue
  behind, and one that could not unsubscribe (a socket closed during an outage) is forgotten
  rather than subscribed again when Redis is back — and without a traceback.

A failed `group_send` or `send` still raises (redis-py's ConnectionError): the caller decides
(messaging.services logs it and has the recipients told to catch up once Redis is back).
"""

import asyncio
import logging

from channels_redis import pubsub
from channels_redis.utils import _wrap_close, decode_hosts

from config.outages import OutageLog

logger = logging.getLogger(__name__)
RECONNECTED = {"type": "layer.reconnected"}
_connection_lost = OutageLog(logger)


class _Shard(pubsub.RedisSingleShardConnection):
    """One Redis server's connections, watching its subscriber connection."""

    def __init__(self, host, channel_layer):
        super().__init__(host, channel_layer)
        self._resubscribing = False

    async def publish(self, channel, message):
        # channels_redis publishes under the lock that guards subscribing, one round trip after
        # the other: a process's pushes then queue behind each other, and under load that queue
        # (not Redis) was seconds of latency. A publish takes its own connection from the pool;
        # the order of pushes is not relied upon (each carries the previous event's id).
        self._ensure_redis()
        await self._redis.publish(channel, message)

    async def subscribe(self, channel):
        await super().subscribe(channel)
        # Called at every later (re)connection of this connection, after redis-py's own callback
        # that sends SUBSCRIBE again for every channel (registered first, so it runs first).
        # Kept as a weak method by redis-py: the shard lives as long as the layer.
        self._pubsub.connection.register_connect_callback(self._reconnected)

    async def unsubscribe(self, channel):
        try:
            await super().unsubscribe(channel)
        except Exception as error:  # noqa: BLE001 - Redis is away; it forgot every subscription
            # Forget it here too, or redis-py would subscribe it again on reconnecting.
            async with self._lock:
                self._subscribed_to.discard(channel)
                if self._pubsub is not None:
                    for key in self._pubsub._normalize_keys({channel: None}):
                        self._pubsub.channels.pop(key, None)
            _connection_lost.warning("Channel layer: could not unsubscribe, Redis away: %s", error)

    async def _reconnected(self, connection):
        if self._pubsub is not None and self._pubsub.subscribed:
            # SUBSCRIBE was only sent: wait for Redis's confirmation (read by the receive loop)
            # before telling consumers, or a message published in between would still be lost.
            self._resubscribing = True
        else:
            self._tell_reconnected()

    def _tell_reconnected(self):
        self._resubscribing = False
        _connection_lost.reset()
        logger.info("Channel layer: connected to Redis again, subscriptions restored")
        self.channel_layer.tell_grouped_channels(RECONNECTED)

    async def _do_receiving(self):
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(
                        ignore_subscribe_messages=False, timeout=0.1
                    )
                    if message is None:
                        continue
                    if message["type"] in ("message", "pmessage"):
                        self._receive_message(message)
                    elif message["type"] == "subscribe" and self._resubscribing:
                        # The first confirmation after a reconnection answers the one SUBSCRIBE
                        # that named every channel: all are subscribed again.
                        self._tell_reconnected()
                else:
                    await asyncio.sleep(0.1)
            except (asyncio.CancelledError, GeneratorExit):
                raise
            except Exception as error:  # noqa: BLE001 - redis-py reconnects on the next read
                # (channels_redis lets a timeout end this task, and with it every delivery.)
                _connection_lost.warning(
                    "Channel layer: lost the connection to Redis, retrying every second: %s",
                    error,
                )
                await asyncio.sleep(1)


class _LoopLayer(pubsub.RedisPubSubLoopLayer):
    def __init__(self, hosts=None, prefix="asgi", **kwargs):
        super().__init__(hosts=hosts, prefix=prefix, **kwargs)
        self._shards = [_Shard(host, self) for host in decode_hosts(hosts)]

    async def _subscribe_to_channel(self, channel):
        try:
            await super()._subscribe_to_channel(channel)
        except BaseException:
            self.channels.pop(channel, None)
            raise

    def tell_grouped_channels(self, message):
        """Put `message` in the queue of every local channel that is in a group."""
        data = self.channel_layer.serialize(message)
        members = set().union(*self.groups.values())
        for name in members:
            queue = self.channels.get(name)
            if queue is not None:
                queue.put_nowait(data)


class RedisPubSubChannelLayer(pubsub.RedisPubSubChannelLayer):
    def _get_layer(self):
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
            return layer
