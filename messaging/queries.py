"""Reads for the inbox and a conversation's page, in a fixed number of queries."""

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery

from messaging.models import Conversation, Message, Participant


def inbox(user, search=""):
    """The user's conversations, latest activity first, with the last message, the unread
    count and the other people in each."""
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-pk")
    conversations = (
        Conversation.objects.filter(participants__user=user)
        .annotate(
            last_text=Subquery(last.values("text")[:1]),
            last_deleted=Subquery(last.values("deleted_at")[:1]),
            unread=Count(
                "messages",
                filter=Q(
                    messages__pk__gt=Subquery(
                        Participant.objects.filter(conversation=OuterRef("pk"), user=user).values(
                            "last_read_id"
                        )[:1]
                    )
                )
                & ~Q(messages__author=user)
                & Q(messages__deleted_at__isnull=True),
                distinct=True,
            ),
        )
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.exclude(user=user).select_related("user"),
                to_attr="others",
            )
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )
    if search:
        conversations = conversations.filter(
            Q(participants__user__display_name__icontains=search) | Q(title__icontains=search)
        ).distinct()
    return conversations


def history(conversation, *, before=None, size=50):
    """A page of messages, oldest first, ending just before `before` (the newest by default)."""
    messages = conversation.messages.select_related("author")
    if before:
        messages = messages.filter(pk__lt=before)
    page = list(messages.order_by("-pk")[: size + 1])
    older = len(page) > size
    page = page[:size]
    page.reverse()
    return page, (page[0].pk if older and page else None)
