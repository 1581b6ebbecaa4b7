"""Changes of state in mentoring. Permission checks inside, one transaction each.

Locks: accepting a mentee locks the mentor's profile row, so two acceptances at once cannot
exceed the capacity; booking locks it too (on SQLite the IMMEDIATE transaction serialises
writers anyway), and on PostgreSQL the exclusion constraint refuses an overlap whatever
happens above it.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring import tasks
from mentoring.models import Booking, BookingStatus, MentorProfile, Mentorship, MentorshipStatus
from mentoring.slots import free_slots, rules_for

M = MentorshipStatus
REQUEST_LIFETIME = timedelta(days=7)


def _close_requests(requests, status, reason):
    """Close open requests and tell each entrepreneur, once the transaction has committed."""
    closed = list(requests.select_for_update().filter(status=M.REQUESTED))
    for mentorship in closed:
        mentorship.status = status
        mentorship.reason = reason
        mentorship.answered_at = timezone.now()
        mentorship.save(update_fields=["status", "reason", "answered_at"])
        transaction.on_commit(
            lambda pk=mentorship.pk: tasks.notify_request_closed.enqueue(mentorship_id=pk)
        )
    return closed


def mentorship_request(*, actor, mentor, message="", business=None):
    mentor = MentorProfile.objects.get(pk=mentor.pk)  # paused since the page was shown?
    if not mentor.is_published or mentor.is_paused:
        raise ValidationError(_("This mentor is not taking new mentees right now."))
    if mentor.user_id == actor.pk:
        raise ValidationError(_("You cannot be your own mentee."))
    try:
        with transaction.atomic():
            return Mentorship.objects.create(
                mentor=mentor, entrepreneur=actor, business=business, message=message
            )
    except IntegrityError:
        raise ValidationError(
            _("You already have a request or a mentorship with this mentor.")
        ) from None


def mentorship_accept(*, actor, mentorship):
    """The mentor accepts, if they still have room: counted under a lock on their profile."""
    with transaction.atomic():
        mentor = MentorProfile.objects.select_for_update().get(pk=mentorship.mentor_id)
        if mentor.user_id != actor.pk:
            raise PermissionDenied(_("Only the mentor can answer this request."))
        mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        if mentorship.status != M.REQUESTED:
            raise ValidationError(_("This request was already answered."))
        active = Mentorship.objects.filter(mentor=mentor, status=M.ACTIVE).count()
        if active >= mentor.capacity:
            raise ValidationError(_("You already mentor as many people as your capacity allows."))
        mentorship.status = M.ACTIVE
        mentorship.answered_at = timezone.now()
        mentorship.save(update_fields=["status", "answered_at"])
        if active + 1 >= mentor.capacity:
            # Nobody should wait for an answer that cannot come.
            _close_requests(
                Mentorship.objects.filter(mentor=mentor),
                M.WITHDRAWN,
                _("The mentor has no room for new mentees now."),
            )
    return mentorship


def mentor_pause(*, actor, mentor, paused=True):
    """The mentor stops (or resumes) taking mentees; pausing withdraws the open requests."""
    with transaction.atomic():
        mentor = MentorProfile.objects.select_for_update().get(pk=mentor.pk)
        if mentor.user_id != actor.pk:
            raise PermissionDenied(_("Only the mentor can pause their profile."))
        mentor.is_paused = paused
        mentor.save(update_fields=["is_paused"])
        if paused:
            _close_requests(
                Mentorship.objects.filter(mentor=mentor),
                M.WITHDRAWN,
                _("The mentor has paused mentoring for now."),
            )
    return mentor


def mentorship_requests_expire(*, now=None):
    """Requests left unanswered for 7 days expire; returns how many did."""
    cutoff = (now or timezone.now()) - REQUEST_LIFETIME
    with transaction.atomic():
        closed = _close_requests(
            Mentorship.objects.filter(requested_at__lt=cutoff),
            M.EXPIRED,
            _("The mentor did not answer within 7 days."),
        )
    return len(closed)


def mentorship_decline(*, actor, mentorship, reason):
    if not reason.strip():
        raise ValidationError(_("Say why, so that the entrepreneur understands."))
    with transaction.atomic():
        mentorship = (
            Mentorship.objects.select_for_update().select_related("mentor").get(pk=mentorship.pk)
        )
        if mentorship.mentor.user_id != actor.pk:
            raise PermissionDenied(_("Only the mentor can answer this request."))
        if mentorship.status != M.REQUESTED:
            raise ValidationError(_("This request was already answered."))
        mentorship.status = M.DECLINED
        mentorship.reason = reason.strip()
        mentorship.answered_at = timezone.now()
        mentorship.save(update_fields=["status", "reason", "answered_at"])
    return mentorship


def mentor_free_slots(mentor, *, length, first_day, last_day, now=None):
    """The mentor's free slots between two local dates (a few queries, then pure code)."""
    now = now or timezone.now()
    zone = mentor.zone
    window_start = timezone.make_aware(
        timezone.datetime.combine(first_day, timezone.datetime.min.time()), zone
    )
    window_end = window_start + timedelta(days=(last_day - first_day).days + 1)
    booked = list(
        mentor.bookings.filter(
            status=BookingStatus.BOOKED, starts_at__lt=window_end, blocked_until__gt=window_start
        ).values_list("starts_at", "blocked_until")
    )
    rules = rules_for(
        mentor,
        windows=list(mentor.windows.all()),
        exceptions=list(mentor.exceptions.filter(date__range=(first_day, last_day))),
    )
    return free_slots(
        rules,
        length=timedelta(minutes=length),
        first_day=first_day,
        last_day=last_day,
        now=now,
        booked=booked,
    )


def booking_create(*, actor, mentorship, starts_at, length, agenda=""):
    """Book one of the mentor's free slots for an active mentorship.

    The slot is checked against the rules and the bookings under a lock on the mentor's row;
    if another booking still slips in (PostgreSQL refuses overlaps with its exclusion
    constraint) the caller gets the same clear message.
    """
    taken = _("This slot was just taken. Choose another one.")
    if length not in (mentorship.mentor.lengths):
        raise ValidationError(_("This mentor does not offer sessions of that length."))
    try:
        with transaction.atomic():
            mentor = MentorProfile.objects.select_for_update().get(pk=mentorship.mentor_id)
            mentorship = Mentorship.objects.get(pk=mentorship.pk)
            if mentorship.entrepreneur_id != actor.pk:
                raise PermissionDenied(_("Only the mentee books sessions of this mentorship."))
            if mentorship.status != M.ACTIVE:
                raise ValidationError(_("Sessions are booked within an active mentorship."))
            local_day = starts_at.astimezone(mentor.zone).date()
            free = mentor_free_slots(mentor, length=length, first_day=local_day, last_day=local_day)
            if starts_at not in free:
                raise ValidationError(taken, code="slot_taken")
            ends_at = starts_at + timedelta(minutes=length)
            return Booking.objects.create(
                mentorship=mentorship,
                mentor=mentor,
                starts_at=starts_at,
                ends_at=ends_at,
                blocked_until=ends_at + timedelta(minutes=mentor.buffer_minutes),
                agenda=agenda,
            )
    except IntegrityError:
        raise ValidationError(taken, code="slot_taken") from None
