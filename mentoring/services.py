"""Changes of state in mentoring. Permission checks inside, one transaction each.

Locks: accepting a mentee locks the mentor's profile row, so two acceptances at once cannot
exceed the capacity; booking and moving a session lock it too (on SQLite the IMMEDIATE
transaction serialises writers anyway), and on PostgreSQL the exclusion constraint refuses an
overlap whatever happens above it. Changes of a session lock the booking row.

E-mails (calendar invitations included) leave through tasks enqueued on commit, so nobody is
told of a change that was rolled back.
"""

import itertools
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from config.bidi import isolate, strip_bidi_controls
from marketplace.models import Business, Membership, Need, Sector
from marketplace.models.businesses import REGIONS, SPOKEN_LANGUAGES
from mentoring import tasks
from mentoring.models import (
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    BookingStatus,
    CalendarFeed,
    Format,
    Goal,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    SessionNote,
    SessionRating,
    TimelineEvent,
)
from mentoring.slots import free_slots, rules_for

M = MentorshipStatus
B = BookingStatus
K = TimelineEvent.Kind
REQUEST_LIFETIME = timedelta(days=7)
NO_SHOW_GRACE = timedelta(minutes=15)  # people on a bus or a bad connection arrive late

PROFILE_FIELDS = [
    "headline",
    "bio",
    "topics",
    "tags",
    "sectors",
    "languages",
    "regions",
    "formats",
    "years_experience",
    "capacity",
    "time_zone",
    "session_lengths",
    "buffer_minutes",
    "minimum_notice_hours",
    "booking_horizon_days",
    "daily_maximum",
]
_VOCABULARIES = {
    "topics": {code for code, _label in Need.choices},
    "sectors": {code for code, _label in Sector.choices},
    "languages": {code for code, _label in SPOKEN_LANGUAGES},
    "regions": {code for code, _label in REGIONS},
    "formats": {code for code, _label in Format.choices},
    "session_lengths": {30, 45, 60},
}


def can_manage(user):
    return user.is_authenticated and user.has_perm("mentoring.manage_mentoring")


def _log(mentorship, kind, actor=None, text="", session_at=None):
    TimelineEvent.objects.create(
        mentorship=mentorship, kind=kind, actor=actor, text=text, session_at=session_at
    )


def _notify(template, mentorship=None, booking=None, to="both"):
    """Mail one or both sides once the transaction has committed."""
    transaction.on_commit(
        lambda: tasks.notify.enqueue(
            template=template,
            mentorship_id=mentorship.pk if mentorship else None,
            booking_id=booking.pk if booking else None,
            to=to,
        )
    )


def _send_invitation(booking):
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(booking_id=booking.pk))


# --- Profiles -----------------------------------------------------------------------------


def _clean_profile(fields):
    errors = {}
    for name, allowed in _VOCABULARIES.items():
        if name in fields:
            values = list(dict.fromkeys(fields[name] or []))
            if any(value not in allowed for value in values):
                errors[name] = _("Choose from the list.")
            fields[name] = values
    if "tags" in fields:
        tags = (strip_bidi_controls(tag).strip() for tag in fields["tags"] or [])
        fields["tags"] = [tag[:40] for tag in tags if tag][:15]
    if "languages" in fields and not fields["languages"]:
        errors["languages"] = _("Give at least one language you can mentor in.")
    if "capacity" in fields and not 1 <= int(fields["capacity"]) <= 30:
        errors["capacity"] = _("Between 1 and 30 mentees.")
    if "time_zone" in fields:
        import zoneinfo

        if fields["time_zone"] not in zoneinfo.available_timezones():
            errors["time_zone"] = _("Choose a time zone from the list.")
    if errors:
        raise ValidationError(errors)
    return fields


def mentor_profile_save(*, actor, **fields):
    """Create or update the actor's own mentor profile (mentors only)."""
    if not actor.groups.filter(name=roles.MENTOR).exists():
        raise PermissionDenied(_("Only mentors have a mentor profile."))
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    fields = _clean_profile(dict(fields))
    with transaction.atomic():
        profile, _created = MentorProfile.objects.select_for_update().get_or_create(user=actor)
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.save()
        if profile.mentorships.filter(status=M.ACTIVE).count() >= profile.capacity:
            _close_requests(
                profile.mentorships.all(),
                M.WITHDRAWN,
                _("The mentor has no room for new mentees now."),
            )
    return profile


def mentor_profile_submit(*, actor):
    with transaction.atomic():
        profile = MentorProfile.objects.select_for_update().filter(user=actor).first()
        if profile is None:
            raise ValidationError(_("Write your mentor profile first."))
        if profile.is_published:
            raise ValidationError(_("Your profile is already published."))
        if not (profile.bio.strip() and profile.topics and profile.languages):
            raise ValidationError(
                _("Add a few words about you, your expertise and your languages first.")
            )
        profile.submitted_at = timezone.now()
        profile.review_note = ""
        profile.save(update_fields=["submitted_at", "review_note"])
    transaction.on_commit(
        lambda: tasks.notify_staff_profile_submitted.enqueue(mentor_id=profile.pk)
    )
    return profile


def mentor_profile_review(*, actor, mentor, publish, note=""):
    """Staff publish a mentor profile, or send it back (or unpublish it) with a note."""
    if not can_manage(actor):
        raise PermissionDenied(_("Only programme staff publish mentors."))
    if not publish and not note.strip():
        raise ValidationError(_("Say what the mentor should change."))
    with transaction.atomic():
        mentor = MentorProfile.objects.select_for_update().get(pk=mentor.pk)
        mentor.is_published = publish
        mentor.submitted_at = None
        mentor.review_note = note.strip()
        mentor.save(update_fields=["is_published", "submitted_at", "review_note"])
        if not publish:
            _close_requests(
                Mentorship.objects.filter(mentor=mentor),
                M.WITHDRAWN,
                _("The mentor is not available on the platform for now."),
            )
    transaction.on_commit(lambda: tasks.notify_mentor_reviewed.enqueue(mentor_id=mentor.pk))
    return mentor


def availability_save(*, actor, windows, exceptions=()):
    """Replace the mentor's weekly windows and exceptions: [(weekday, starts, ends)],
    [(date, starts or None, ends or None)]."""
    profile = MentorProfile.objects.filter(user=actor).first()
    if profile is None:
        raise PermissionDenied(_("Only mentors have availability."))
    for _day, starts, ends in windows:
        if ends <= starts:
            raise ValidationError(_("A window must end after it starts."))
    for _date, starts, ends in exceptions:
        if (starts is None) != (ends is None) or (starts is not None and ends <= starts):
            raise ValidationError(_("An extra window needs a start and a later end."))
    # Overlapping windows would offer the same time twice.
    by_day = {}
    for day, starts, ends in windows:
        by_day.setdefault(("week", day), []).append((starts, ends))
    for day, starts, ends in exceptions:
        if starts is not None:
            by_day.setdefault(("date", day), []).append((starts, ends))
    for intervals in by_day.values():
        intervals.sort()
        if any(later[0] < earlier[1] for earlier, later in itertools.pairwise(intervals)):
            raise ValidationError(_("Two windows of the same day overlap."))
    with transaction.atomic():
        profile.windows.all().delete()
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(mentor=profile, weekday=day, starts=starts, ends=ends)
            for day, starts, ends in windows
        )
        profile.exceptions.all().delete()
        AvailabilityException.objects.bulk_create(
            AvailabilityException(mentor=profile, date=day, starts=starts, ends=ends)
            for day, starts, ends in exceptions
        )
    return profile


# --- Mentorships --------------------------------------------------------------------------


def _close_requests(requests, status, reason):
    """Close open requests and tell each entrepreneur, once the transaction has committed."""
    closed = list(requests.select_for_update().filter(status=M.REQUESTED))
    for mentorship in closed:
        mentorship.status = status
        mentorship.reason = reason
        mentorship.answered_at = timezone.now()
        mentorship.save(update_fields=["status", "reason", "answered_at"])
        _log(mentorship, status, text=reason)
        transaction.on_commit(
            lambda pk=mentorship.pk: tasks.notify_request_closed.enqueue(mentorship_id=pk)
        )
    return closed


def _check_business(actor, business):
    if (
        business is not None
        and not Membership.objects.filter(business=business, user=actor).exists()
    ):
        raise PermissionDenied(_("You can only ask for help for your own business."))


def _require_room(mentor):
    """Checked under the lock on the mentor's row, so a request cannot slip in after the
    acceptance that filled the mentor (or the pause) has withdrawn the open ones."""
    if not mentor.is_published or mentor.is_paused:
        raise ValidationError(_("This mentor is not taking new mentees right now."))
    if mentor.mentorships.filter(status=M.ACTIVE).count() >= mentor.capacity:
        raise ValidationError(_("This mentor has no room for new mentees right now."))


def mentorship_request(*, actor, mentor, message="", business=None):
    if mentor.user_id == actor.pk:
        raise ValidationError(_("You cannot be your own mentee."))
    if len(message) > 2000:
        raise ValidationError(_("A message is at most 2,000 characters."))
    _check_business(actor, business)
    try:
        with transaction.atomic():
            mentor = MentorProfile.objects.select_for_update().get(pk=mentor.pk)
            _require_room(mentor)
            mentorship = Mentorship.objects.create(
                mentor=mentor, entrepreneur=actor, business=business, message=message.strip()
            )
            _log(mentorship, K.REQUESTED, actor, message.strip())
            _notify("mentoring/email/request_received", mentorship, to="mentor")
            return mentorship
    except IntegrityError:
        raise ValidationError(
            _("You already have a request or a mentorship with this mentor.")
        ) from None


def mentorship_propose(*, actor, mentor, business, score=None, reasons=()):
    """Staff propose a pair from a cohort assignment; the mentor confirms it like a request.

    Returns None when the business's owner already has an open mentorship with that mentor.
    """
    if not can_manage(actor):
        raise PermissionDenied(_("Only programme staff assign cohorts."))
    owner = (
        Membership.objects.filter(business=business, role=Membership.Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if owner is None:
        raise ValidationError(_("This business has no owner to mentor."))
    try:
        with transaction.atomic():
            mentor = MentorProfile.objects.select_for_update().get(pk=mentor.pk)
            _require_room(mentor)
            # Proposals waiting for the mentor hold their places too.
            taken = mentor.mentorships.filter(
                Q(status=M.ACTIVE) | Q(status=M.REQUESTED, origin=Mentorship.Origin.COHORT)
            ).count()
            if taken >= mentor.capacity:
                raise ValidationError(
                    _("%(mentor)s has no free place left for another proposal.")
                    % {"mentor": isolate(mentor.user.display_name)}
                )
            mentorship = Mentorship.objects.create(
                mentor=mentor,
                entrepreneur=owner.user,
                business=business,
                origin=Mentorship.Origin.COHORT,
                proposed_by=actor,
                match_score=score,
                match_reasons=list(reasons),
            )
            _log(mentorship, K.PROPOSED, actor)
            _notify("mentoring/email/request_received", mentorship, to="both")
            return mentorship
    except IntegrityError:
        return None


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
        _log(mentorship, K.ACCEPTED, actor)
        _notify("mentoring/email/request_accepted", mentorship, to="entrepreneur")
        if active + 1 >= mentor.capacity:
            # Nobody should wait for an answer that cannot come.
            _close_requests(
                Mentorship.objects.filter(mentor=mentor),
                M.WITHDRAWN,
                _("The mentor has no room for new mentees now."),
            )
    return mentorship


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
        _log(mentorship, K.DECLINED, actor, mentorship.reason)
        _notify("mentoring/email/request_declined", mentorship, to="entrepreneur")
    return mentorship


def mentorship_withdraw(*, actor, mentorship):
    """The entrepreneur takes back a request the mentor has not answered."""
    with transaction.atomic():
        mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        if mentorship.entrepreneur_id != actor.pk:
            raise PermissionDenied(_("Only the entrepreneur can withdraw this request."))
        if mentorship.status != M.REQUESTED:
            raise ValidationError(_("This request was already answered."))
        mentorship.status = M.WITHDRAWN
        mentorship.answered_at = timezone.now()
        mentorship.save(update_fields=["status", "answered_at"])
        _log(mentorship, K.WITHDRAWN, actor)
    return mentorship


def mentorship_end(*, actor, mentorship, completed, reason=""):
    """Either side closes an active mentorship: completed, or ended early with a reason.

    Sessions still ahead are cancelled, and both get the calendar cancellation.
    """
    if not completed and not reason.strip():
        raise ValidationError(_("Say why the mentorship ends early."))
    with transaction.atomic():
        mentorship = (
            Mentorship.objects.select_for_update().select_related("mentor").get(pk=mentorship.pk)
        )
        if not mentorship.is_party(actor):
            raise PermissionDenied(_("Only the mentor and the mentee can end the mentorship."))
        if mentorship.status != M.ACTIVE:
            raise ValidationError(_("Only an active mentorship can end."))
        mentorship.status = M.COMPLETED if completed else M.ENDED
        mentorship.reason = reason.strip()
        mentorship.ended_at = timezone.now()
        mentorship.save(update_fields=["status", "reason", "ended_at"])
        _log(mentorship, K.COMPLETED if completed else K.ENDED, actor, mentorship.reason)
        ahead = mentorship.bookings.select_for_update().filter(
            status=B.BOOKED, starts_at__gt=timezone.now()
        )
        for booking in ahead:
            _cancel(booking, actor, _("The mentorship has ended."))
        _notify("mentoring/email/mentorship_ended", mentorship, to="both")
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


# --- Goals --------------------------------------------------------------------------------


def _require_active_party(actor, mentorship):
    """The mentorship as stored now (not as the caller last saw it), if the actor may change it."""
    mentorship = Mentorship.objects.select_related("mentor").get(pk=mentorship.pk)
    if not mentorship.is_party(actor):
        raise PermissionDenied(_("This mentorship is not yours."))
    if mentorship.status != M.ACTIVE:
        raise ValidationError(_("Only an active mentorship can change."))
    return mentorship


def goal_add(*, actor, mentorship, title, target_date=None):
    mentorship = _require_active_party(actor, mentorship)
    title = strip_bidi_controls(title).strip()
    if not title:
        raise ValidationError(_("Give the goal a title."))
    with transaction.atomic():
        goal = Goal.objects.create(
            mentorship=mentorship,
            title=title[:200],
            target_date=target_date,
            created_by=actor,
        )
        _log(mentorship, K.GOAL_ADDED, actor, goal.title)
    return goal


def goal_update(*, actor, goal, progress):
    mentorship = _require_active_party(actor, goal.mentorship)
    if not 0 <= progress <= 100:
        raise ValidationError(_("Progress is a percentage between 0 and 100."))
    with transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        if goal.progress == progress:
            return goal
        goal.progress = progress
        goal.save(update_fields=["progress"])
        _log(mentorship, K.GOAL_PROGRESS, actor, f"{goal.title}: {progress} %")
    return goal


# --- Slots and bookings -------------------------------------------------------------------


def mentor_free_slots(mentor, *, length, first_day, last_day, now=None, ignoring=None):
    """The mentor's free slots between two local dates (a few queries, then pure code).

    `ignoring` is a booking being moved: its own time does not count as taken.
    """
    now = now or timezone.now()
    zone = mentor.zone
    window_start = timezone.make_aware(
        timezone.datetime.combine(first_day, timezone.datetime.min.time()), zone
    )
    window_end = window_start + timedelta(days=(last_day - first_day).days + 1)
    # Held and missed sessions of the day count toward its maximum too.
    booked = mentor.bookings.filter(
        status__in=[B.BOOKED, B.HELD, B.NO_SHOW],
        starts_at__lt=window_end,
        blocked_until__gt=window_start,
    )
    if ignoring is not None:
        booked = booked.exclude(pk=ignoring.pk)
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
        booked=list(booked.values_list("starts_at", "blocked_until")),
    )


def _slot_taken():
    return ValidationError(_("This slot was just taken. Choose another one."), code="slot_taken")


def _check_slot(mentor, starts_at, length, ignoring=None):
    now = timezone.now()
    # Compared in UTC before any local-date arithmetic, which a year-9999 time would overflow.
    if not now <= starts_at <= now + timedelta(days=mentor.booking_horizon_days + 1):
        raise ValidationError(_("This time is not offered. Choose one from the list."))
    local_day = starts_at.astimezone(mentor.zone).date()
    free = mentor_free_slots(
        mentor, length=length, first_day=local_day, last_day=local_day, ignoring=ignoring
    )
    if starts_at not in free:
        raise _slot_taken()


def booking_create(
    *, actor, mentorship, starts_at, length, agenda="", format=Format.VIDEO, place=""
):
    """Book one of the mentor's free slots for an active mentorship.

    The slot is checked against the rules and the bookings under a lock on the mentor's row;
    if another booking still slips in (PostgreSQL refuses overlaps with its exclusion
    constraint) the caller gets the same clear message.
    """
    mentor = mentorship.mentor
    if length not in mentor.lengths:
        raise ValidationError(_("This mentor does not offer sessions of that length."))
    if len(place) > 300 or len(agenda) > 2000:
        raise ValidationError(_("The place is at most 300 characters, the agenda 2,000."))
    if format not in (mentor.formats or Format.values):
        raise ValidationError(_("This mentor does not meet in that format."), code="format")
    try:
        with transaction.atomic():
            mentor = MentorProfile.objects.select_for_update().get(pk=mentorship.mentor_id)
            mentorship = Mentorship.objects.get(pk=mentorship.pk)
            if mentorship.entrepreneur_id != actor.pk:
                raise PermissionDenied(_("Only the mentee books sessions of this mentorship."))
            if mentorship.status != M.ACTIVE:
                raise ValidationError(_("Sessions are booked within an active mentorship."))
            _check_slot(mentor, starts_at, length)
            ends_at = starts_at + timedelta(minutes=length)
            now = timezone.now()
            booking = Booking.objects.create(
                mentorship=mentorship,
                mentor=mentor,
                starts_at=starts_at,
                ends_at=ends_at,
                blocked_until=ends_at + timedelta(minutes=mentor.buffer_minutes),
                agenda=agenda.strip(),
                format=format,
                place=place.strip(),
                # The invitation itself tells of a session less than a day away.
                reminded_day_before_at=now if starts_at - now <= timedelta(days=1) else None,
            )
            _log(mentorship, K.BOOKED, actor, session_at=starts_at)
            _send_invitation(booking)
            return booking
    except IntegrityError:
        raise _slot_taken() from None


def _cutoff_passed(booking, now=None):
    cutoff = timedelta(hours=settings.MENTORING_CANCEL_CUTOFF_HOURS)
    return booking.starts_at - (now or timezone.now()) < cutoff


def _locked_booking(booking, actor):
    booking = (
        Booking.objects.select_for_update().select_related("mentorship__mentor").get(pk=booking.pk)
    )
    if not booking.mentorship.is_party(actor):
        raise PermissionDenied(_("This session is not yours."))
    return booking


def _cancel(booking, actor, reason):
    booking.status = B.CANCELLED
    booking.cancelled_by = actor
    booking.cancel_reason = reason
    booking.cancelled_at = timezone.now()
    booking.sequence += 1
    booking.save(
        update_fields=["status", "cancelled_by", "cancel_reason", "cancelled_at", "sequence"]
    )
    _log(booking.mentorship, K.CANCELLED, actor, reason, session_at=booking.starts_at)
    _send_invitation(booking)


def booking_cancel(*, actor, booking, reason):
    """Either side cancels with a reason; inside the cut-off only the mentor may."""
    if not reason.strip():
        raise ValidationError(_("Say why the session is cancelled."))
    with transaction.atomic():
        booking = _locked_booking(booking, actor)
        if booking.status != B.BOOKED or booking.starts_at <= timezone.now():
            raise ValidationError(_("Only a session still ahead can be cancelled."))
        is_mentor = booking.mentorship.mentor.user_id == actor.pk
        if _cutoff_passed(booking) and not is_mentor:
            raise ValidationError(
                _(
                    "The session starts in less than %(hours)s hours: only your mentor can "
                    "cancel it now. Write to them."
                )
                % {"hours": settings.MENTORING_CANCEL_CUTOFF_HOURS},
                code="cutoff",
            )
        _cancel(booking, actor, reason.strip())
    return booking


def booking_reschedule(*, actor, booking, starts_at, reason, length=None):
    """Either side moves a session to another free slot, until the cut-off."""
    if not reason.strip():
        raise ValidationError(_("Say why the session moves."))
    try:
        with transaction.atomic():
            booking = _locked_booking(booking, actor)
            mentor = MentorProfile.objects.select_for_update().get(pk=booking.mentor_id)
            if booking.status != B.BOOKED or booking.starts_at <= timezone.now():
                raise ValidationError(_("Only a session still ahead can be moved."))
            if _cutoff_passed(booking):
                raise ValidationError(
                    _(
                        "The session starts in less than %(hours)s hours: it can no longer be "
                        "moved, only cancelled by the mentor."
                    )
                    % {"hours": settings.MENTORING_CANCEL_CUTOFF_HOURS},
                    code="cutoff",
                )
            length = length or booking.length_minutes
            if length not in mentor.lengths:
                raise ValidationError(_("This mentor does not offer sessions of that length."))
            _check_slot(mentor, starts_at, length, ignoring=booking)
            booking.starts_at = starts_at
            booking.ends_at = starts_at + timedelta(minutes=length)
            booking.blocked_until = booking.ends_at + timedelta(minutes=mentor.buffer_minutes)
            booking.sequence += 1
            now = timezone.now()
            booking.reminded_day_before_at = now if starts_at - now <= timedelta(days=1) else None
            booking.reminded_hour_before_at = None
            booking.save()
            _log(booking.mentorship, K.RESCHEDULED, actor, reason.strip(), session_at=starts_at)
            _send_invitation(booking)
            return booking
    except IntegrityError:
        raise _slot_taken() from None


def booking_record(*, actor, booking, outcome, no_show_party=""):
    """After the start: the mentor records the session as held; either side records that
    the other one did not come."""
    with transaction.atomic():
        booking = _locked_booking(booking, actor)
        if booking.status != B.BOOKED:
            raise ValidationError(_("This session was already recorded or cancelled."))
        if booking.starts_at > timezone.now():
            raise ValidationError(_("A session is recorded once it has started."))
        is_mentor = booking.mentorship.mentor.user_id == actor.pk
        if outcome == B.HELD:
            if not is_mentor:
                raise PermissionDenied(_("The mentor records that the session was held."))
            booking.status = B.HELD
            kind = K.HELD
        elif outcome == B.NO_SHOW:
            if timezone.now() < booking.starts_at + NO_SHOW_GRACE:
                raise ValidationError(
                    _("Wait %(minutes)s minutes after the start before saying nobody came.")
                    % {"minutes": int(NO_SHOW_GRACE.total_seconds() // 60)}
                )
            # Each side can only say that the *other* one missed it.
            expected = Booking.Party.ENTREPRENEUR if is_mentor else Booking.Party.MENTOR
            if no_show_party and no_show_party != expected:
                raise ValidationError(_("You can only record that the other person missed it."))
            booking.status = B.NO_SHOW
            booking.no_show_party = expected
            kind = K.NO_SHOW
        else:
            raise ValidationError(_("Choose held or missed."))
        booking.recorded_at = timezone.now()
        booking.save(update_fields=["status", "no_show_party", "recorded_at"])
        _log(
            booking.mentorship,
            kind,
            actor,
            booking.get_no_show_party_display() or "",
            session_at=booking.starts_at,
        )
    return booking


def session_note_add(*, actor, booking, text):
    """A note on a session that only the mentor and the entrepreneur read."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the note."))
    if len(text) > 4000:
        raise ValidationError(_("A note is at most 4,000 characters."))
    booking = Booking.objects.select_related("mentorship__mentor").get(pk=booking.pk)
    if not booking.mentorship.is_party(actor):
        raise PermissionDenied(_("This session is not yours."))
    return SessionNote.objects.create(booking=booking, author=actor, text=text)


def session_rate(*, actor, booking, score, comment=""):
    """The entrepreneur rates a held session (again, to change the rating)."""
    booking = Booking.objects.select_related("mentorship").get(pk=booking.pk)
    if booking.mentorship.entrepreneur_id != actor.pk:
        raise PermissionDenied(_("Only the mentee rates the session."))
    if booking.status != B.HELD:
        raise ValidationError(_("Only a session that was held can be rated."))
    if score not in range(1, 6):
        raise ValidationError(_("Give a rating from 1 to 5."))
    rating, _created = SessionRating.objects.update_or_create(
        booking=booking, defaults={"score": score, "comment": comment.strip()[:2000]}
    )
    return rating


def reminders_send_due(*, now=None):
    """Claim the reminders now due (24 hours and 1 hour before) and send them as tasks.

    Each reminder is claimed by a conditional UPDATE, so two schedulers never send one twice;
    cancelled sessions are not booked, so they are never claimed. Returns how many were sent.
    """
    now = now or timezone.now()
    due = {
        "day": (
            "reminded_day_before_at",
            Booking.objects.filter(
                starts_at__gt=now + timedelta(hours=1), starts_at__lte=now + timedelta(days=1)
            ),
        ),
        "hour": (
            "reminded_hour_before_at",
            Booking.objects.filter(starts_at__gt=now, starts_at__lte=now + timedelta(hours=1)),
        ),
    }
    sent = 0
    for kind, (field, bookings) in due.items():
        candidates = bookings.filter(status=B.BOOKED, **{f"{field}__isnull": True})
        for pk in candidates.values_list("pk", flat=True):
            with transaction.atomic():
                claimed = Booking.objects.filter(
                    pk=pk, status=B.BOOKED, **{f"{field}__isnull": True}
                ).update(**{field: now})
                if claimed:
                    sent += 1
                    transaction.on_commit(
                        lambda pk=pk, kind=kind: tasks.send_reminder.enqueue(
                            booking_id=pk, kind=kind
                        )
                    )
    return sent


# --- Calendar feed ------------------------------------------------------------------------


def calendar_feed_token(*, actor, renew=False):
    """The actor's private feed token; `renew` revokes the old address."""
    feed, created = CalendarFeed.objects.get_or_create(
        user=actor, defaults={"token": CalendarFeed.new_token()}
    )
    if renew and not created:
        feed.token = CalendarFeed.new_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed.token


def businesses_for_help(user):
    """The businesses an entrepreneur can ask help for."""
    return Business.objects.filter(memberships__user=user).distinct().order_by("name")
