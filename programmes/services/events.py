"""Changes of state in programmes: registering for an event, cancelling, the waiting list,
reminders and attendance. Keyword-only arguments, one transaction each, permission checks inside.

Locks: every change of an event's registrations first locks the event's row
(`cms_eventpage`, SELECT … FOR UPDATE) and counts the confirmed seats under that lock, so two
people taking the last seat at once cannot both get it. On SQLite the IMMEDIATE transactions
serialise writers anyway. The database also refuses a second active registration of one person
(a partial unique constraint) and a second attendance of one person at one event.

E-mails leave through tasks enqueued on commit, so nobody hears of a change that was rolled back.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.models import EventPage
from config.bidi import strip_bidi_controls
from marketplace.models import InstitutionStaff
from programmes import tasks
from programmes.models import (
    GENDERS,
    PERSON_REGIONS,
    Attendance,
    EventRegistration,
    RegistrationStatus,
    person_key,
)
from programmes.phones import normalise_phone

S = RegistrationStatus
MANAGE = "programmes.manage_programme"
TAKE_ATTENDANCE = "programmes.take_attendance"
REMINDER_AHEAD = timedelta(days=1)


def _mail(registration, kind):
    transaction.on_commit(
        lambda pk=registration.pk: tasks.send_registration_mail.enqueue(
            registration_id=pk, kind=kind
        )
    )


def _locked_event(event):
    """The event's row, locked until the end of the transaction (see the module's docstring)."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk)


def _language(language):
    codes = {code for code, _name in settings.LANGUAGES}
    if language in codes:
        return language
    current = translation.get_language()
    return current if current in codes else settings.LANGUAGE_CODE


def _check_open(event, now):
    if event.end_at <= now:
        raise ValidationError(_("This event is over."), code="event_past")
    if event.start_at <= now:
        raise ValidationError(_("This event has already started."), code="event_started")
    if not event.registration_open or not event.live:
        raise ValidationError(
            _("Registration for this event is closed."), code="registration_closed"
        )


def _clean_person(*, name, phone, email, gender, region, phone_required):
    errors = {}
    name = " ".join(strip_bidi_controls(name or "").split())[:120]
    if not name:
        errors["name"] = ValidationError(_("Give your name."), code="name_required")
    normalised = normalise_phone(phone)
    if not normalised and (phone_required or (phone or "").strip()):
        errors["phone"] = ValidationError(
            _("Give a phone number we can call, for example 06 12 34 56 78."),
            code="phone_invalid",
        )
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ValidationError(
                _("Enter a valid e-mail address."), code="email_invalid"
            )
    if gender and gender not in {code for code, _label in GENDERS}:
        errors["gender"] = ValidationError(_("Choose from the list."), code="invalid_choice")
    if region and region not in {code for code, _label in PERSON_REGIONS}:
        errors["region"] = ValidationError(_("Choose from the list."), code="invalid_choice")
    if errors:
        raise ValidationError(errors)
    return name, normalised, email


def _confirmed_count(event):
    return EventRegistration.objects.filter(event=event, status=S.CONFIRMED).count()


def _promote_locked(event, now):
    """Give free seats to the waiting list, first come first served; the event row is locked."""
    if event.start_at <= now:
        return []
    waiting = EventRegistration.objects.filter(event=event, status=S.WAITLISTED).order_by(
        "created_at", "pk"
    )
    if event.capacity is not None:
        free = event.capacity - _confirmed_count(event)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_for_update())
    for registration in promoted:
        registration.status = S.CONFIRMED
        registration.invited_start_at, registration.invited_end_at = event.start_at, event.end_at
        registration.save(
            update_fields=["status", "invited_start_at", "invited_end_at", "updated_at"]
        )
        _mail(registration, "promoted")
    return promoted


# --- Registration ---------------------------------------------------------------------------


def registration_create(
    *, actor, event, name="", phone="", email="", gender="", region="", language=None, now=None
):
    """Register someone for `event`: the signed-in `actor`, or (actor anonymous or None) a person
    without an account, who gives a name and a phone number.

    A seat is confirmed while the capacity allows, otherwise the person joins the waiting list.
    Refused (ValidationError with a code) when the event is past, has started or does not take
    registrations, or when the person already holds an active registration for it.
    Locks the event's row.
    """
    now = now or timezone.now()
    signed_in = actor is not None and actor.is_authenticated
    if signed_in:
        name, phone, email = _clean_person(
            name=actor.display_name or actor.email,
            phone=phone,
            email=actor.email,
            gender=gender,
            region=region,
            phone_required=False,
        )
        gender = gender or actor.gender
        language = actor.preferred_language
        key = person_key(user=actor)
    else:
        name, phone, email = _clean_person(
            name=name, phone=phone, email=email, gender=gender, region=region, phone_required=True
        )
        key = person_key(phone=phone)
    already = ValidationError(
        _("You are already registered for this event."), code="already_registered"
    )
    with transaction.atomic():
        event = _locked_event(event)
        _check_open(event, now)
        if (
            EventRegistration.objects.filter(event=event, person_key=key)
            .exclude(status=S.CANCELLED)
            .exists()
        ):
            raise already
        _promote_locked(event, now)
        full = event.capacity is not None and _confirmed_count(event) >= event.capacity
        try:
            with transaction.atomic():
                registration = EventRegistration.objects.create(
                    event=event,
                    user=actor if signed_in else None,
                    person_key=key,
                    name=name,
                    phone=phone,
                    email=email,
                    language=_language(language),
                    gender=gender or "",
                    region=region or "",
                    status=S.WAITLISTED if full else S.CONFIRMED,
                    created_at=now,
                    invited_start_at=None if full else event.start_at,
                    invited_end_at=None if full else event.end_at,
                )
        except IntegrityError:
            raise already from None
        _mail(registration, "waitlisted" if full else "confirmed")
    return registration


def can_change_registration(user, registration, token=None):
    if token is not None and secrets.compare_digest(str(token), registration.token):
        return True
    if user is None or not user.is_authenticated:
        return False
    return registration.user_id == user.pk or user.has_perm(MANAGE)


def registration_cancel(*, actor, registration, token=None, now=None):
    """Cancel a registration: by its person (signed in), through the secret link (`token`), or
    by a programme manager. The first people on the waiting list take the freed seat and are
    mailed. Cancelling twice changes nothing. Locks the event's row, then the registration's."""
    now = now or timezone.now()
    if not can_change_registration(actor, registration, token):
        raise PermissionDenied(_("This registration is not yours."))
    with transaction.atomic():
        event = _locked_event(registration.event)
        registration = EventRegistration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == S.CANCELLED:
            return registration
        if event.end_at <= now:
            raise ValidationError(_("This event is over."), code="event_past")
        was_confirmed = registration.status == S.CONFIRMED
        registration.status = S.CANCELLED
        registration.sequence += 1
        registration.save(update_fields=["status", "sequence", "updated_at"])
        # Only a confirmed seat had an invitation to withdraw from the person's calendar.
        _mail(registration, "cancelled" if was_confirmed else "left_waitlist")
        _promote_locked(event, now)
    return registration


def waitlist_promote(*, event, now=None):
    """Fill seats freed otherwise than by a cancellation (an editor raised the capacity)."""
    now = now or timezone.now()
    with transaction.atomic():
        return _promote_locked(_locked_event(event), now)


def event_published(*, event, now=None):
    """After an editor published the event: the confirmed people whose invitation carries other
    times get an updated one (SEQUENCE + 1, and their reminder is due again), and seats added by
    a raised capacity go to the waiting list. Returns how many invitations were updated."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked_event(event)
        if event.end_at <= now:
            return 0
        moved = list(
            EventRegistration.objects.filter(event=event, status=S.CONFIRMED)
            .exclude(invited_start_at=event.start_at, invited_end_at=event.end_at)
            .select_for_update()
        )
        for registration in moved:
            registration.sequence += 1
            registration.invited_start_at, registration.invited_end_at = (
                event.start_at,
                event.end_at,
            )
            registration.reminder_sent_at = None
            registration.save(
                update_fields=[
                    "sequence",
                    "invited_start_at",
                    "invited_end_at",
                    "reminder_sent_at",
                    "updated_at",
                ]
            )
            _mail(registration, "moved")
        _promote_locked(event, now)
    return len(moved)


def reminders_send_due(*, now=None):
    """Claim the reminders of confirmed registrations whose event starts within a day, and send
    them as tasks. Each is claimed by a conditional UPDATE of `reminder_sent_at`, so running
    twice (or two schedulers) never sends one twice. Returns how many were claimed."""
    now = now or timezone.now()
    due = EventRegistration.objects.filter(
        status=S.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__start_at__gt=now,
        event__start_at__lte=now + REMINDER_AHEAD,
    )
    sent = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = EventRegistration.objects.filter(
                pk=pk, status=S.CONFIRMED, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                sent += 1
                transaction.on_commit(
                    lambda pk=pk: tasks.send_registration_mail.enqueue(
                        registration_id=pk, kind="reminder"
                    )
                )
    return sent


# --- Attendance -----------------------------------------------------------------------------


def can_take_attendance(user, event):
    """Programme managers, and the staff of the institutions of the event's programme."""
    if user is None or not user.is_authenticated or not user.has_perm(TAKE_ATTENDANCE):
        return False
    if user.has_perm(MANAGE):
        return True
    return (
        event.programme_id is not None
        and InstitutionStaff.objects.filter(
            user=user, institution__programmes=event.programme_id
        ).exists()
    )


def _require_attendance_rights(actor, event):
    if not can_take_attendance(actor, event):
        raise PermissionDenied(_("You cannot take attendance at this event."))


def attendance_set(*, actor, event, present, now=None):
    """Record who of the event's registrants is present: `present` is the set of the ids of the
    registrations ticked; those unticked lose their attendance (walk-ins are left alone).
    An id that is not an active registration of this event is refused (PermissionDenied).
    Returns (added, removed)."""
    now = now or timezone.now()
    _require_attendance_rights(actor, event)
    present = {int(pk) for pk in present}
    with transaction.atomic():
        event = _locked_event(event)
        registrations = {
            r.pk: r
            for r in EventRegistration.objects.filter(event=event)
            .exclude(status=S.CANCELLED)
            .select_related("user")
        }
        if not present <= registrations.keys():
            raise PermissionDenied(_("This person is not registered for this event."))
        recorded = {a.person_key: a for a in Attendance.objects.filter(event=event)}
        added = removed = 0
        for pk, registration in registrations.items():
            attendance = recorded.get(registration.person_key)
            if pk in present and attendance is None:
                Attendance.objects.create(
                    event=event,
                    person_key=registration.person_key,
                    user=registration.user,
                    registration=registration,
                    name=registration.name,
                    phone=registration.phone,
                    gender=registration.gender
                    or (registration.user.gender if registration.user else ""),
                    region=registration.region,
                    recorded_by=actor,
                    recorded_at=now,
                )
                added += 1
            elif pk in present and attendance.registration_id is None:
                attendance.registration = registration
                attendance.save(update_fields=["registration"])
            elif pk not in present and attendance is not None and not attendance.walk_in:
                attendance.delete()
                removed += 1
    return added, removed


def attendance_add_walk_in(*, actor, event, name, phone, gender="", region="", now=None):
    """Record someone who came without registering (name and phone). Someone already on the list
    (the same phone) is recorded once, against their registration. Refused with the code
    "already_recorded" when that person is already recorded."""
    now = now or timezone.now()
    _require_attendance_rights(actor, event)
    name, phone, _email = _clean_person(
        name=name, phone=phone, email="", gender=gender, region=region, phone_required=True
    )
    key = person_key(phone=phone)
    already = ValidationError(_("This person is already recorded."), code="already_recorded")
    with transaction.atomic():
        event = _locked_event(event)
        if Attendance.objects.filter(event=event, person_key=key).exists():
            raise already
        registration = (
            EventRegistration.objects.filter(event=event, person_key=key)
            .exclude(status=S.CANCELLED)
            .first()
        )
        try:
            with transaction.atomic():
                return Attendance.objects.create(
                    event=event,
                    person_key=key,
                    registration=registration,
                    name=name,
                    phone=phone,
                    gender=gender or (registration.gender if registration else ""),
                    region=region or (registration.region if registration else ""),
                    walk_in=registration is None,
                    recorded_by=actor,
                    recorded_at=now,
                )
        except IntegrityError:
            raise already from None
