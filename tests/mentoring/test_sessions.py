"""A booked session's life: invitations, moving, cancelling before and after the cut-off,
reminders, recording it as held or missed, private notes and ratings."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from mentoring import calendar, services
from mentoring.models import Booking, BookingStatus, SessionNote
from tests import factories
from tests.mentoring.conftest import book, slot_in

pytestmark = pytest.mark.django_db


def invitations(outbox):
    """The calendar parts of the mails, parsed back."""
    found = []
    for message in outbox:
        for content, mimetype in message.alternatives:
            if mimetype.startswith("text/calendar"):
                found.append((message.to[0], Calendar.from_ical(content)))
    return found


def event_of(parsed):
    return next(iter(parsed.walk("VEVENT")))


def test_booking_mails_an_invitation_that_calendar_programs_read(
    mentorship, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(mentorship, agenda="Mes prix", place="https://meet.example/abc")
    sent = invitations(mail.outbox[-2:])
    assert sorted(to for to, _cal in sent) == sorted(
        [mentorship.entrepreneur.email, mentorship.mentor.user.email]
    )
    parsed = sent[0][1]
    assert str(parsed["METHOD"]) == "REQUEST"
    event = event_of(parsed)
    assert str(event["UID"]) == booking.uid
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == booking.starts_at
    assert event["DTSTART"].to_ical().endswith(b"Z")  # written in UTC, every program converts
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
    assert str(event["LOCATION"]) == "https://meet.example/abc"
    assert "Mes prix" in str(event["DESCRIPTION"])
    # The same file is attached for mail programs that ignore the calendar part.
    assert any(name == "invitation.ics" for name, _c, _t in mail.outbox[-1].attachments)


def test_moving_keeps_the_uid_raises_the_sequence_and_frees_the_old_slot(
    mentorship, django_capture_on_commit_callbacks
):
    booking = book(mentorship, days=3)
    old_start = booking.starts_at
    new_start = slot_in(mentorship.mentor, days=4)
    stranger = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        services.booking_reschedule(
            actor=stranger, booking=booking, starts_at=new_start, reason="x"
        )
    with pytest.raises(ValidationError):  # a reason is required
        services.booking_reschedule(
            actor=mentorship.entrepreneur, booking=booking, starts_at=new_start, reason=" "
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(
            actor=mentorship.mentor.user, booking=booking, starts_at=new_start, reason="Imprévu"
        )
    booking.refresh_from_db()
    assert booking.starts_at == new_start and booking.sequence == 1
    event = event_of(invitations(mail.outbox)[0][1])
    assert str(event["UID"]) == booking.uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == new_start
    day = old_start.date()
    assert old_start in services.mentor_free_slots(
        mentorship.mentor, length=30, first_day=day, last_day=day
    )


def test_moving_onto_a_taken_slot_is_refused_and_changes_nothing(mentorship):
    first = book(mentorship, days=3, index=0)
    second = book(mentorship, days=3, index=1)
    with pytest.raises(ValidationError) as refused:
        services.booking_reschedule(
            actor=mentorship.entrepreneur,
            booking=second,
            starts_at=first.starts_at,
            reason="Plus tôt",
        )
    assert refused.value.code == "slot_taken"
    second.refresh_from_db()
    assert second.sequence == 0 and second.starts_at != first.starts_at


def test_cancel_cut_off_only_the_mentor_may_cancel_late(
    mentorship, settings, django_capture_on_commit_callbacks
):
    settings.MENTORING_CANCEL_CUTOFF_HOURS = 12
    booking = book(mentorship, days=2)
    # Bring the session within the cut-off: 6 hours from now.
    start = timezone.now() + timedelta(hours=6)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        blocked_until=start + timedelta(minutes=45),
    )
    with pytest.raises(ValidationError) as refused:
        services.booking_cancel(actor=mentorship.entrepreneur, booking=booking, reason="Malade")
    assert refused.value.code == "cutoff"
    assert "12" in refused.value.messages[0]  # the entrepreneur is told why
    with pytest.raises(ValidationError) as refused:
        services.booking_reschedule(
            actor=mentorship.mentor.user,
            booking=booking,
            starts_at=slot_in(mentorship.mentor, days=5),
            reason="Imprévu",
        )
    assert refused.value.code == "cutoff"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=mentorship.mentor.user, booking=booking, reason="Malade")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.sequence == 1
    parsed = invitations(mail.outbox)[0][1]
    assert str(parsed["METHOD"]) == "CANCEL"
    event = event_of(parsed)
    assert str(event["UID"]) == booking.uid and int(event["SEQUENCE"]) == 1
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_entrepreneur_cancels_before_the_cut_off_and_the_slot_is_free_again(mentorship):
    booking = book(mentorship, days=3)
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=mentorship.entrepreneur, booking=booking, reason="")
    services.booking_cancel(actor=mentorship.entrepreneur, booking=booking, reason="Voyage")
    again = services.booking_create(
        actor=mentorship.entrepreneur,
        mentorship=mentorship,
        starts_at=booking.starts_at,
        length=30,
    )
    assert again.pk != booking.pk
    with pytest.raises(ValidationError):  # cancelled stays cancelled
        services.booking_cancel(actor=mentorship.mentor.user, booking=booking, reason="x")


def test_reminders_a_day_and_an_hour_before_never_twice_never_after_cancelling(
    mentorship, django_capture_on_commit_callbacks
):
    kept = book(mentorship, days=5, index=0)
    cancelled = book(mentorship, days=5, index=1)
    services.booking_cancel(actor=mentorship.entrepreneur, booking=cancelled, reason="Non")
    now = kept.starts_at - timedelta(hours=20)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(now=now) == 1
        assert services.reminders_send_due(now=now) == 0  # claimed once
    assert len(mail.outbox) == 2  # both people, for the kept session only
    assert all(str(kept.pk) in m.body for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(now=kept.starts_at - timedelta(minutes=50)) == 1
    assert len(mail.outbox) == 4
    # Cancelled after a reminder was queued: the task sees it and sends nothing.
    late = book(mentorship, days=6)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.reminders_send_due(now=late.starts_at - timedelta(hours=2))
    services.booking_cancel(actor=mentorship.mentor.user, booking=late, reason="Absent")
    mail.outbox.clear()
    for callback in callbacks:
        callback()
    assert mail.outbox == []


def test_the_scheduler_command_sends_the_due_reminders(
    mentorship, django_capture_on_commit_callbacks
):
    from io import StringIO

    booking = book(mentorship, days=3)
    start = timezone.now() + timedelta(hours=20)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        blocked_until=start + timedelta(minutes=45),
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders", stdout=out)
    assert "1 reminder(s) sent." in out.getvalue()
    assert len(mail.outbox) >= 2


def _started(booking):
    start = timezone.now() - timedelta(minutes=40)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        blocked_until=start + timedelta(minutes=45),
    )
    booking.refresh_from_db()
    return booking


def test_held_is_recorded_by_the_mentor_after_the_start(mentorship):
    booking = book(mentorship)
    with pytest.raises(ValidationError):  # not started yet
        services.booking_record(actor=mentorship.mentor.user, booking=booking, outcome="held")
    _started(booking)
    with pytest.raises(PermissionDenied):
        services.booking_record(actor=mentorship.entrepreneur, booking=booking, outcome="held")
    services.booking_record(actor=mentorship.mentor.user, booking=booking, outcome="held")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD
    with pytest.raises(ValidationError):  # recorded once
        services.booking_record(actor=mentorship.mentor.user, booking=booking, outcome="no-show")


def test_either_side_records_that_the_other_did_not_come(mentorship):
    missed_by_mentee = _started(book(mentorship, index=0))
    services.booking_record(
        actor=mentorship.mentor.user, booking=missed_by_mentee, outcome="no-show"
    )
    missed_by_mentee.refresh_from_db()
    assert missed_by_mentee.no_show_party == "entrepreneur"
    missed_by_mentor = _started(book(mentorship, days=3))
    with pytest.raises(ValidationError):  # one cannot declare oneself absent for the other
        services.booking_record(
            actor=mentorship.entrepreneur,
            booking=missed_by_mentor,
            outcome="no-show",
            no_show_party="entrepreneur",
        )
    services.booking_record(
        actor=mentorship.entrepreneur, booking=missed_by_mentor, outcome="no-show"
    )
    missed_by_mentor.refresh_from_db()
    assert missed_by_mentor.status == "no-show" and missed_by_mentor.no_show_party == "mentor"


def test_notes_belong_to_the_pair_and_ratings_to_the_mentee_of_a_held_session(mentorship):
    booking = _started(book(mentorship))
    outsider = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        services.session_note_add(actor=outsider, booking=booking, text="Je regarde")
    services.session_note_add(actor=mentorship.mentor.user, booking=booking, text="Bon départ")
    services.session_note_add(actor=mentorship.entrepreneur, booking=booking, text="Merci")
    assert SessionNote.objects.filter(booking=booking).count() == 2
    with pytest.raises(ValidationError):  # not held yet
        services.session_rate(actor=mentorship.entrepreneur, booking=booking, score=5)
    services.booking_record(actor=mentorship.mentor.user, booking=booking, outcome="held")
    with pytest.raises(PermissionDenied):
        services.session_rate(actor=mentorship.mentor.user, booking=booking, score=5)
    with pytest.raises(ValidationError):
        services.session_rate(actor=mentorship.entrepreneur, booking=booking, score=6)
    services.session_rate(actor=mentorship.entrepreneur, booking=booking, score=4, comment="Utile")
    rating = services.session_rate(actor=mentorship.entrepreneur, booking=booking, score=5)
    assert rating.score == 5 and booking.__class__.objects.get(pk=booking.pk).rating.score == 5


def test_the_private_feed_lists_the_sessions_and_a_new_token_revokes_the_old(mentorship, client):
    booking = book(mentorship)
    token = services.calendar_feed_token(actor=mentorship.entrepreneur)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = Calendar.from_ical(response.content)
    assert [str(e["UID"]) for e in parsed.walk("VEVENT")] == [booking.uid]
    assert services.calendar_feed_token(actor=mentorship.entrepreneur) == token  # stable
    renewed = services.calendar_feed_token(actor=mentorship.entrepreneur, renew=True)
    assert renewed != token
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{renewed}.ics").status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_the_invitation_file_marks_a_cancelled_session(mentorship):
    booking = book(mentorship)
    services.booking_cancel(actor=mentorship.entrepreneur, booking=booking, reason="Voyage")
    booking.refresh_from_db()
    ics, method = calendar.invitation(booking)
    assert method == "CANCEL"
    assert str(event_of(Calendar.from_ical(ics))["STATUS"]) == "CANCELLED"


def test_a_no_show_is_recorded_only_after_fifteen_minutes(mentorship):
    booking = book(mentorship)
    start = timezone.now() - timedelta(minutes=5)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        blocked_until=start + timedelta(minutes=45),
    )
    with pytest.raises(ValidationError):
        services.booking_record(actor=mentorship.entrepreneur, booking=booking, outcome="no-show")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    # The mentor may still record it as held meanwhile.
    services.booking_record(actor=mentorship.mentor.user, booking=booking, outcome="held")


def test_times_outside_any_horizon_are_refused_cleanly(mentorship):
    from datetime import datetime

    for when in (
        datetime.fromisoformat("9999-12-31T23:30:00-05:00"),
        timezone.now() - timedelta(days=2),
    ):
        with pytest.raises(ValidationError):
            services.booking_create(
                actor=mentorship.entrepreneur, mentorship=mentorship, starts_at=when, length=30
            )
    assert not Booking.objects.exists()


def test_the_feed_is_not_indexed(mentorship, client):
    token = services.calendar_feed_token(actor=mentorship.entrepreneur)
    assert client.get(f"/calendar/{token}.ics")["X-Robots-Tag"] == "noindex"
