"""One WebSocket per signed-in user (/ws/chat/): every conversation's events arrive on it.

Client → server frames: {"action": "send", "conversation", "text", "client_key"},
{"action": "resume", "after": last event id}, {"action": "read", "conversation", "up_to"},
{"action": "typing", "conversation", "state": "start"|"stop"}, {"action": "edit", "message",
"text"}, {"action": "delete", "message"}.

Server → client events carry "type" and "id": message.new, message.edited, message.deleted,
read (stored: their id is the resume point), typing, presence, unread (not stored: id null),
and "ack" / "error" answers to the client's own frames. A refused frame gets an error event
with a `code` and a translated `message`; the socket stays open.

Error messages are in the language of `lang` in the address (`/ws/chat/?lang=ar`), else the
person's preferred language.

Resuming. A client that has seen events up to id N connects to `/ws/chat/?after=N` (or sends
{"action": "resume", "after": N} as its first frame). The server sends every stored event after
N, reading the database page by page until it has caught up, then {"type": "resumed", "id":
null, "count": how many, "last": the id it is now at}: from that frame on, the client is up to
date and live events follow. `after=0` is the whole history; an `after` that is not a whole
number ≥ 0 is refused with an error frame. A client that neither gives `after` nor sends a
first frame within RESUME_WAIT seconds (or whose first frame is something else) starts at the
last event that existed when it connected, without a "resumed" frame. A later "resume" catches
up from where the socket is (never from lower: what it sent, it does not send again).

The guarantee, on one socket, once it has started: stored events (those with an id) are sent
in strictly increasing id order, each at most once, and none is skipped — every event of the
user's conversations with an id above the starting point is sent, whichever process or
conversation it came from, including those whose push was lost. It holds for any client,
because it rests on the server alone:
- Each person's events commit in id order (`messaging.models.UserStream`: the writer locks
  the person's row before the event gets its id), so when an event is visible, every lower
  event of that person is visible too; and each push carries the id of the recipient's
  previous event (`after`).
- The socket joins the user's group before it reads its starting point or replays, so no event
  committed after that read can go unpushed to it; pushes that arrive before the socket has
  started (or during a replay) wait, and those the replay covered are dropped.
- A push is sent at once only if its `after` is at or below the last id the socket sent;
  otherwise something in between is missing (lost, or still travelling from another process,
  since pushes from two processes arrive in any order) and the socket reads everything after its
  last id from the database instead; the late push is then dropped as already sent.
- When the channel layer reconnects to Redis (pushes may have been lost), or another process
  could not push to this user, the socket does the same catch-up from the database by itself:
  no frame from the client is needed.
Events without an id (typing, presence, unread, ack, error) are sent as they come.

Close codes: 4401 not signed in (the handshake is refused); 4013 "try again later" (1013's
meaning; daphne cannot send 1013 itself) when Redis or the database is unavailable — at the
handshake, or when a catch-up cannot read the database; 1011 on a bug. Clients reconnect with
back-off and resume.

Frames are worked through in order by one task per socket, apart from the consumer's own
queue, so that events for this user are delivered while their own sends wait for the database;
deliveries of stored events go through a second task, which alone decides what is sent.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from config.outages import OutageLog
from messaging import services
from messaging.models import Conversation, Participant

logger = logging.getLogger(__name__)
TYPING_SECONDS = 6  # a "typing" that is not renewed expires on the other side
ONLINE_SECONDS = 120
QUEUED_FRAMES = 50  # a client further ahead than this is told to slow down
RESUME_WAIT = 2  # seconds a new socket waits for a "resume" first frame before going live
REPLAY_PAGE = 500  # events read from the database at a time when catching up
NOT_SIGNED_IN = 4401
# "Try again later": 1013 in the WebSocket registry, but daphne's WebSocket library lets an
# application close only with 1000 or 3000-4999, so the same meaning in the private range.
TRY_AGAIN_LATER = 4013
LAYER_ERRORS = (RedisError, OSError)
_refused = OutageLog(logger)
_catch_up_failed = OutageLog(logger)

# Database work of every socket of the process runs here: one connection per thread, kept open
# (DB_CONN_MAX_AGE). Sized for waiting on PostgreSQL, not for CPU: a send spends most of its
# time waiting on round trips and the commit.
_database_threads = ThreadPoolExecutor(
    max_workers=settings.CHAT_DATABASE_THREADS, thread_name_prefix="chat-db"
)


def _error(error, **extra):
    code = getattr(error, "code", None) or (
        "forbidden" if isinstance(error, PermissionDenied) else "invalid"
    )
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    return {"type": "error", "id": None, "code": code, "message": text, **extra}


def _event_id(value):
    """A resume point from the client: a whole number ≥ 0, or None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError(_("Resume from an event id: a whole number, 0 or more."))
    try:
        number = int(value)
    except ValueError:
        raise ValidationError(_("Resume from an event id: a whole number, 0 or more.")) from None
    if number < 0:
        raise ValidationError(_("Resume from an event id: a whole number, 0 or more."))
    return number


async def _try_again_later(receive, send, user):
    """Answer a handshake the server cannot serve now: accepted and closed at once with
    TRY_AGAIN_LATER, a code clients retry (a refused handshake looks like any network failure)."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    if user is None or not user.is_authenticated:
        await send({"type": "websocket.close", "code": NOT_SIGNED_IN})
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except LAYER_ERRORS as error:
            if getattr(self, "channel_name", None) is not None:
                raise
            # Channels subscribes the socket's own channel before anything else: Redis is down.
            _refused.warning("Chat sockets refused with 4013: channel layer unavailable: %s", error)
            await _try_again_later(receive, send, scope.get("user"))

    async def dispatch(self, message):
        # Channels' dispatch first closes stale database connections in its one shared thread:
        # a hop through that thread for every frame and every push, which queues all the sockets
        # of the process behind each other. This consumer touches the database only through
        # `_in_db`, whose threads close stale connections around each call.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=NOT_SIGNED_IN)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        # Messages on this socket in the language of the page that opened it (`lang`), else
        # the person's. Set in this task's context, which the socket's tasks and database
        # threads inherit.
        language = query.get("lang", [""])[-1]
        if language not in dict(settings.LANGUAGES):
            language = self.user.preferred_language
        translation.activate(language)
        self.position = None  # the last event id this socket has sent or skipped past
        self.started = False
        self.held = []  # pushes that came before the socket started
        self.deliveries = asyncio.Queue()
        self.frames = asyncio.Queue()
        self.tasks = []
        self.hold_timer = None
        try:
            # Join the group first: whatever commits after the starting point is read will be
            # pushed here.
            await self.channel_layer.group_add(services.user_group(self.user.pk), self.channel_name)
            self.baseline, unread = await self._in_db(self._arrive)
        except LAYER_ERRORS + (DatabaseError,) as error:
            _refused.warning("Chat sockets refused with 4013: %s", error)
            await self.accept()
            await self.close(code=TRY_AGAIN_LATER)
            return
        await self.accept()
        self.tasks = [asyncio.create_task(self._work()), asyncio.create_task(self._deliver())]
        await self.send_json({"type": "unread", "id": None, **unread})
        try:
            after = _event_id(query["after"][-1]) if "after" in query else None
        except ValidationError as error:
            await self.send_json(_error(error))
            after = None
        if after is not None:
            self._start(after, answer=True)
        else:
            self.hold_timer = asyncio.get_running_loop().call_later(
                RESUME_WAIT, self._start, None, False
            )

    async def disconnect(self, code):
        user = getattr(self, "user", None)
        if user is None or not user.is_authenticated:
            return
        if getattr(self, "hold_timer", None) is not None:
            self.hold_timer.cancel()
        for task in getattr(self, "tasks", ()):
            task.cancel()
        try:
            await self.channel_layer.group_discard(services.user_group(user.pk), self.channel_name)
            await self._in_db(self._presence, "offline")
        except LAYER_ERRORS + (DatabaseError,) as error:
            _refused.warning("Chat socket closed without saying goodbye: %s", error)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Channels raises on a frame that is not JSON text, which ends the socket with a
        # traceback; a bad frame gets an error event like any other.
        try:
            content = await self.decode_json(text_data) if text_data is not None else None
        except ValueError:
            content = None
        if content is None and text_data != "null":
            await self.send_json(
                _error(ValidationError(_("This frame could not be read.")), code="invalid")
            )
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        if not self.started and self.hold_timer is not None:
            # The first frame: a "resume" starts the socket where it says (in the frame
            # worker); anything else starts it where it was when it connected.
            self.hold_timer.cancel()
            self.hold_timer = None
            if not (isinstance(content, dict) and content.get("action") == "resume"):
                self._start(None, answer=False)
        if self.frames.qsize() >= QUEUED_FRAMES:
            await self.send_json(
                _error(
                    ValidationError(_("You are sending too fast: wait a few seconds.")),
                    code="rate_limited",
                    client_key=content.get("client_key") if isinstance(content, dict) else None,
                )
            )
            return
        self.frames.put_nowait(content)

    async def _work(self):
        while True:
            content = await self.frames.get()
            try:
                await self._handle(content)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug must not stop the socket's later frames
                logger.exception("A chat frame failed")
                await self.send_json(
                    _error(ValidationError(_("Something went wrong.")), code="server_error")
                )

    async def _handle(self, content):
        if not isinstance(content, dict):
            await self.send_json(_error(ValidationError(_("Expected an object.")), code="invalid"))
            return
        action = content.get("action")
        handler = getattr(self, f"do_{action}", None) if isinstance(action, str) else None
        if handler is None:
            await self.send_json(
                _error(ValidationError(_("Unknown action.")), code="unknown_action")
            )
            return
        try:
            await handler(content)
        except (ValidationError, PermissionDenied) as error:
            await self.send_json(_error(error, client_key=content.get("client_key")))
        except (TypeError, ValueError):
            await self.send_json(
                _error(ValidationError(_("This frame could not be read.")), code="invalid")
            )

    async def _in_db(self, function, *args, **kwargs):
        """Run database work in a thread, then send the events it pushed from this event loop.

        Not in Channels' single database thread: with it, every socket of the process waits
        behind every other socket's round trips to PostgreSQL. A pool thread keeps its own
        connection (kept open by DB_CONN_MAX_AGE), and each call is one whole transaction."""

        def run():
            with services.pushes_collected() as pushes:
                return function(*args, **kwargs), pushes

        result, pushes = await database_sync_to_async(
            run, thread_sensitive=False, executor=_database_threads
        )()
        await services.send_pushes(pushes)
        return result

    # --- what this socket is sent ------------------------------------------------------------

    def _start(self, after, answer):
        """Start the socket after event `after` (None: where it was when it connected)."""
        if self.started:
            return
        self.started = True
        if self.hold_timer is not None:
            self.hold_timer.cancel()
            self.hold_timer = None
        self.deliveries.put_nowait(("start", after, answer))

    async def _deliver(self):
        """The one task that sends stored events, so that their order is decided in one place."""
        while True:
            kind, *item = await self.deliveries.get()
            try:
                if kind == "event":
                    await self._deliver_event(*item)
                elif kind == "start":
                    after, answer = item
                    self.position = self.baseline if after is None else after
                    await self._catch_up(answer)
                elif kind == "resume":
                    (after,) = item
                    self.position = max(self.position, after if after is not None else 0)
                    await self._catch_up(answer=True)
                elif kind == "catch_up" and self.position is not None:
                    await self._catch_up(answer=False)
            except DatabaseError as error:
                # Without the database the socket cannot know what it missed: the client
                # reconnects later and resumes from the last id it has.
                _catch_up_failed.warning("Chat socket closed with 4013, catch-up failed: %s", error)
                await self.close(code=TRY_AGAIN_LATER)
                return
            except Exception:
                # Going on could skip an event: the client reconnects and resumes instead.
                logger.exception("A chat socket's delivery failed")
                await self.close(code=1011)
                return

    async def _deliver_event(self, data, after):
        if self.position is None:
            self.held.append((data, after))
            return
        if data["id"] <= self.position:
            return  # sent already, by a replay or a catch-up
        if after is not None and after <= self.position:
            # Nothing of this user's lies between what was sent and this event.
            await self.send_json(data)
            self.position = data["id"]
        else:
            # A push is missing in between (lost, or still on its way from another process):
            # the database has everything up to this event, in order.
            await self._catch_up(answer=False)

    async def _catch_up(self, answer):
        """Send every stored event after the socket's position, page by page, until none is
        left; then the pushes held meanwhile (those already sent are dropped)."""
        count = 0
        while True:
            page = await self._in_db(
                services.events_after, self.user, self.position, limit=REPLAY_PAGE
            )
            for data in page:
                await self.send_json(data)
                self.position = data["id"]
            count += len(page)
            if len(page) < REPLAY_PAGE:
                break
        if answer:
            await self.send_json(
                {"type": "resumed", "id": None, "count": count, "last": self.position}
            )
        held, self.held = self.held, []
        for data, after in held:
            await self._deliver_event(data, after)

    # --- actions ---------------------------------------------------------------------------

    async def do_send(self, content):
        message, created = await self._in_db(
            services.message_send,
            actor=self.user,
            conversation=Conversation(pk=int(content.get("conversation"))),
            text=str(content.get("text", "")),
            client_key=str(content.get("client_key", "")),
        )
        await self.send_json(
            {
                "type": "ack",
                "id": None,
                "client_key": message.client_key,
                "message": message.pk,
                "duplicate": not created,
            }
        )

    async def do_resume(self, content):
        try:
            after = _event_id(content.get("after"))
        except ValidationError:
            # A first frame that cannot be read still starts the socket, where it connected.
            self._start(None, answer=False)
            raise
        if not self.started:
            self._start(after, answer=True)
        else:
            self.deliveries.put_nowait(("resume", after))

    async def do_read(self, content):
        await self._in_db(
            services.mark_read,
            actor=self.user,
            conversation=Conversation(pk=int(content.get("conversation"))),
            up_to=content.get("up_to"),
        )

    async def do_typing(self, content):
        state = "start" if content.get("state") == "start" else "stop"
        conversation_id = int(content.get("conversation"))

        def typing():
            services.push_ephemeral(
                conversation_id,
                {
                    "type": "typing",
                    "conversation": conversation_id,
                    "user": self.user.pk,
                    "name": self.user.display_name,
                    "state": state,
                    "expires_in": TYPING_SECONDS,
                },
                sender=self.user.pk,
            )

        await self._in_db(typing)

    async def do_edit(self, content):
        await self._in_db(
            services.message_edit,
            actor=self.user,
            message_id=int(content.get("message")),
            text=str(content.get("text", "")),
        )

    async def do_delete(self, content):
        await self._in_db(
            services.message_delete, actor=self.user, message_id=int(content.get("message"))
        )

    # --- from the channel layer ------------------------------------------------------------

    async def chat_event(self, message):
        data = message["event"]
        if data.get("id") is None:
            await self.send_json(data)  # typing, presence, unread: not stored, not ordered
        else:
            self.deliveries.put_nowait(("event", data, message.get("after")))

    async def chat_resync(self, message):
        """Another process could not push to this user: read what was missed."""
        self.deliveries.put_nowait(("catch_up",))

    async def layer_reconnected(self, message):
        """This process's connection to Redis came back: pushes may have been lost meanwhile."""
        self.deliveries.put_nowait(("catch_up",))

    # --- helpers ---------------------------------------------------------------------------

    def _arrive(self):
        """Presence, then where the socket starts if it does not resume, and the unread counts
        — after the socket joined its group."""
        self._presence("online")
        return services.last_event_id(self.user.pk), services.unread_counts_for(self.user.pk)

    def _presence(self, state):
        """Tell the people this user talks with that they came or went (last seen)."""
        key = f"messaging:online:{self.user.pk}"
        if state == "online":
            cache.set(key, timezone.now().isoformat(), ONLINE_SECONDS)
        else:
            cache.delete(key)
        partners = (
            Participant.objects.filter(conversation__participants__user=self.user)
            .exclude(user=self.user)
            .values_list("user_id", flat=True)
            .distinct()
        )
        services._push(
            list(partners),
            {
                "type": "presence",
                "id": None,
                "user": self.user.pk,
                "state": state,
                "last_seen": timezone.now().isoformat(),
            },
        )
