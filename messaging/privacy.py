def export_messages(user):
    """The messages a person wrote, with their conversation's title and date."""
    from messaging.models import Message

    return [
        {
            "conversation": message.conversation.title,
            "sent_at": message.created_at.isoformat(),
            "text": message.text,
            "deleted": message.is_deleted,
        }
        for message in Message.objects.filter(author=user).select_related("conversation")
    ]
