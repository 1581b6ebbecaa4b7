from django.contrib.auth import get_user_model
from django_tasks import task

from accounts.emails import absolute_url, reverse_in, send_to_user


@task()
def send_digest(*, user_id, ranges):
    """One e-mail listing the messages a person has not read: [conversation, after, up_to].

    Read meanwhile (between the claim and now): that conversation is left out; nothing left,
    no e-mail.
    """
    from messaging.models import Message, Participant

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    conversations = []
    for conversation_id, after, up_to in ranges:
        seat = Participant.objects.filter(conversation_id=conversation_id, user=user).first()
        if seat is None or seat.last_read_id >= up_to:
            continue
        unread = list(
            Message.objects.filter(
                conversation_id=conversation_id,
                pk__gt=max(after, seat.last_read_id),
                pk__lte=up_to,
                deleted_at__isnull=True,
            )
            .exclude(author=user)
            .select_related("author", "conversation")
        )
        if unread:
            conversations.append(
                {
                    "conversation": unread[0].conversation,
                    "messages": unread,
                    "url": absolute_url(
                        reverse_in(
                            user.preferred_language,
                            "messaging:conversation",
                            conversation_id=conversation_id,
                        )
                    ),
                }
            )
    if conversations:
        send_to_user(
            user,
            "messaging/email/digest",
            {
                "conversations": conversations,
                "count": sum(len(c["messages"]) for c in conversations),
            },
        )
