from django.utils.functional import SimpleLazyObject


def unread(request):
    """The header badge's total of unread messages: one query, only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from messaging.services import unread_counts_for

    return {"unread_messages": SimpleLazyObject(lambda: unread_counts_for(user.pk)["total"])}
