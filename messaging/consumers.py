"""One WebSocket per signed-in user (/ws/chat/): every conversation's events arrive on it.

Client → server frames: {"action": "send", "conversation", "text", "client_key"},
{"action": "resume", "after": last event id}, {"action": "read", "conversation", "up_to"},
{"action": "typing", "conversation", "state": "start"|"stop"}, {"action": "edit", "message",
"text"}, {"action": "delete", "message"}.

Server → client events carry "type" and "id": message.new, message.edited, message.deleted,
read (stored: their id is the resume point), typing, presence, unread (not stored: id null),
and "ack" / "error" answers to the client's own frames. A refused frame gets an error event;
the socket stays open.

Frames are worked through in order by one task per socket, apart from the consumer's own
queue, so that events for this user are delivered while their own sends wait for the database.
"""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging import services
from messaging.models import Conversation, Participant

logger = logging.getLogger(__name__)
TYPING_SECONDS = 6  # a "typing" that is not renewed expires on the other side
ONLINE_SECONDS = 120
QUEUED_FRAMES = 50  # a client further ahead than this is told to slow down


def _error(error, **extra):
    code = getattr(error, "code", None) or (
        "forbidden" if isinstance(error, PermissionDenied) else "invalid"
    )
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    return {"type": "error", "id": None, "code": code, "message": text, **extra}


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=4401)
            return
        await self.channel_layer.group_add(services.user_group(self.user.pk), self.channel_name)
        await self.accept()
        self.frames = asyncio.Queue()
        self.worker = asyncio.create_task(self._work())
        await self._in_db(self._presence, "online")
        await self.send_json(
            {
                "type": "unread",
                "id": None,
                **await self._in_db(services.unread_counts_for, self.user.pk),
            }
        )

    async def disconnect(self, code):
        user = getattr(self, "user", None)
        if user is None or not user.is_authenticated:
            return
        if getattr(self, "worker", None) is not None:
            self.worker.cancel()
        await self.channel_layer.group_discard(services.user_group(user.pk), self.channel_name)
        await self._in_db(self._presence, "offline")

    async def receive_json(self, content, **kwargs):
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

        result, pushes = await database_sync_to_async(run, thread_sensitive=False)()
        await services.send_pushes(pushes)
        return result

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
        events = await self._in_db(services.events_after, self.user, content.get("after"))
        for event in events:
            await self.send_json(event)
        await self.send_json({"type": "resumed", "id": None, "count": len(events)})

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

    async def chat_event(self, event):
        await self.send_json(event["event"])

    # --- helpers ---------------------------------------------------------------------------

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
