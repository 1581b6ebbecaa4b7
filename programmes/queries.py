"""Reads of programmes used by several callers: the event page and the attendance pages (the
impact figures are counted in programmes.indicators)."""

from django.conf import settings
from django.db.models import Count, Q

from cms.models import EventPage
from programmes.models import EventRegistration, RegistrationStatus

S = RegistrationStatus


def canonical_event(page):
    """The event page registrations hang on: the one in the default language, whichever
    translation the reader is on (one event, one capacity, one list)."""
    if page.locale.language_code == settings.LANGUAGE_CODE:
        return page
    source = (
        EventPage.objects.filter(
            translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE
        )
        .select_related("locale")
        .first()
    )
    return source or page


def seats(event):
    """{"confirmed": n, "waitlisted": n, "left": n or None when unlimited} in one query."""
    counts = EventRegistration.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=S.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=S.WAITLISTED)),
    )
    left = None if event.capacity is None else max(event.capacity - counts["confirmed"], 0)
    return {**counts, "left": left}


def waitlist_position(registration):
    """1 for the first person waiting; None when the registration is not waiting."""
    if registration.status != S.WAITLISTED:
        return None
    ahead = EventRegistration.objects.filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk),
        event_id=registration.event_id,
        status=S.WAITLISTED,
    ).count()
    return ahead + 1


def active_registration(event, user):
    if user is None or not user.is_authenticated:
        return None
    return (
        EventRegistration.objects.filter(event=event, user=user).exclude(status=S.CANCELLED).first()
    )


def events_for_attendance(user):
    """The events (in the default language) whose attendance `user` may take, newest first."""
    events = EventPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    if not user.has_perm("programmes.manage_programme"):
        events = events.filter(
            programme__institutions__staff__user=user, programme__isnull=False
        ).distinct()
    return events.select_related("programme").order_by("-start_at")
