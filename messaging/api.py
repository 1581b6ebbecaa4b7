"""Conversations and messages as JSON (session authentication, CSRF-checked writes).

Sending here is the same service as the socket's, with the same idempotency: the same
client_key twice answers the first message (200) instead of creating another (201).
Another person's conversation answers 404.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status
from ninja.security import django_auth

from config.pagination import BoundedPageNumberPagination
from config.schemas import ErrorOut
from marketplace.views import error_text
from messaging import queries, services
from messaging.models import MAX_LENGTH, Conversation

router = Router(tags=["messaging"], auth=django_auth)


class ConversationOut(Schema):
    id: int
    subject: str
    title: str
    others: list[str]
    last_message_at: datetime | None
    unread: int

    @staticmethod
    def resolve_others(conversation):
        return [p.user.display_name for p in conversation.others]


class ChatMessageOut(Schema):
    id: int
    conversation: int
    author: int | None
    author_name: str
    text: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool

    @staticmethod
    def resolve_conversation(message):
        return message.conversation_id

    @staticmethod
    def resolve_author(message):
        return message.author_id

    @staticmethod
    def resolve_author_name(message):
        return message.author.display_name if message.author else ""

    @staticmethod
    def resolve_deleted(message):
        return message.is_deleted


class MessageIn(Schema):
    text: str = Field(..., max_length=MAX_LENGTH)
    client_key: str = Field(..., min_length=1, max_length=64)


class ReadIn(Schema):
    up_to: int | None = None


def _own(request, conversation_id):
    conversation = Conversation.objects.filter(
        pk=conversation_id, participants__user=request.user
    ).first()
    if conversation is None:
        raise HttpError(404, _("No conversation of yours has this id."))
    return conversation


@router.get("/conversations", response=list[ConversationOut])
@paginate(BoundedPageNumberPagination, page_size=30)
def list_conversations(request):
    """The caller's conversations, latest activity first, with unread counts."""
    return queries.inbox(request.user)


@router.get("/conversations/{conversation_id}/messages", response=list[ChatMessageOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def list_messages(request, conversation_id: int):
    """The history, newest first (page 1 is the latest)."""
    conversation = _own(request, conversation_id)
    return conversation.messages.select_related("author").order_by("-pk")


@router.post(
    "/conversations/{conversation_id}/messages",
    response={
        200: ChatMessageOut,
        201: ChatMessageOut,
        400: ErrorOut,
        403: ErrorOut,
        429: ErrorOut,
    },
)
def send_message(request, conversation_id: int, payload: MessageIn):
    conversation = _own(request, conversation_id)
    try:
        message, created = services.message_send(
            actor=request.user,
            conversation=conversation,
            text=payload.text,
            client_key=payload.client_key,
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "rate_limited":
            return JsonResponse(
                {"message": error_text(error)},
                status=429,
                headers={"Retry-After": str(error.params["retry_after"])},
            )
        return Status(400, {"message": error_text(error)})
    except PermissionDenied as error:
        return Status(403, {"message": str(error)})
    return Status(201 if created else 200, message)


@router.post("/conversations/{conversation_id}/read", response={204: None})
def mark_read(request, conversation_id: int, payload: ReadIn):
    conversation = _own(request, conversation_id)
    services.mark_read(actor=request.user, conversation=conversation, up_to=payload.up_to)
    return Status(204, None)
