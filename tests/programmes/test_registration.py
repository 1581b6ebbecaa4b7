import threading
from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cms.models import EventCountsAs, EventPage
from programmes import queries, services
from programmes.models import EventRegistration, Indicator
from tests import factories

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = pytest.mark.django_db


def _ics(message):
    attachments = [a for a in message.attachments if a[0] == "invitation.ics"]
    assert len(attachments) == 1, message.attachments
    return Calendar.from_ical(attachments[0][1])


def _code(excinfo):
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}
    return error.code


def test_counts_as_codes_are_indicator_codes():
    assert set(EventCountsAs.values) <= set(Indicator.values)


def test_a_signed_in_person_gets_a_seat_and_an_invitation_in_utc(
    event, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(actor=user, event=event)
    assert registration.status == "confirmed"
    assert registration.person_key == f"u:{user.pk}"
    assert registration.email == user.email
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert registration.token in message.body
    calendar = _ics(message)
    assert calendar["method"] == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["uid"]) == registration.uid
    assert vevent["sequence"] == 0
    start, end = vevent.decoded("dtstart"), vevent.decoded("dtend")
    assert start.utcoffset() == timedelta(0) and start.tzinfo is not None
    assert start == event.start_at.astimezone(UTC).replace(microsecond=0)
    assert end == event.end_at.astimezone(UTC).replace(microsecond=0)
    assert b"DTSTART:" in calendar.to_ical() and b"Z\r\n" in calendar.to_ical()


def test_the_mail_is_in_the_registrants_language(event, django_capture_on_commit_callbacks):
    person = factories.UserFactory(preferred_language="ar")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(actor=person, event=event)
    (message,) = mail.outbox
    assert "/ar/" in message.body


def test_someone_without_an_account_registers_with_name_and_phone(
    event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(
            actor=None, event=event, name="  Awa   Diop ", phone="06 12-34.56 78"
        )
    assert registration.name == "Awa Diop"
    assert registration.phone == "+212612345678"
    assert registration.person_key == "p:+212612345678"
    assert registration.user is None
    assert mail.outbox == []  # no e-mail address given: nothing to send


def test_the_same_person_cannot_register_twice(event, user):
    services.registration_create(actor=user, event=event)
    with pytest.raises(ValidationError) as excinfo:
        services.registration_create(actor=user, event=event)
    assert _code(excinfo) == "already_registered"

    services.registration_create(actor=None, event=event, name="Awa", phone="0612345678")
    with pytest.raises(ValidationError) as excinfo:
        services.registration_create(actor=None, event=event, name="A. D.", phone="+212 612345678")
    assert _code(excinfo) == "already_registered"
    assert EventRegistration.objects.filter(event=event).count() == 2


def test_after_cancelling_one_may_register_again(event, user):
    first = services.registration_create(actor=user, event=event)
    services.registration_cancel(actor=user, registration=first)
    again = services.registration_create(actor=user, event=event)
    assert again.pk != first.pk and again.status == "confirmed"


def test_the_database_refuses_two_active_registrations_of_one_person(event, user):
    from django.db import IntegrityError, transaction

    services.registration_create(actor=user, event=event)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventRegistration.objects.create(
            event=event, user=user, person_key=f"u:{user.pk}", name="x", status="confirmed"
        )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"registration_open": False}, "registration_closed"),
        ({"start_at_days": -10}, "event_past"),
        ({"start_at_hours": -1}, "event_started"),
    ],
)
def test_closed_started_and_past_events_refuse_registrations(event, user, change, code):
    now = timezone.now()
    if "registration_open" in change:
        EventPage.objects.filter(pk=event.pk).update(registration_open=False)
    elif "start_at_days" in change:
        start = now + timedelta(days=change["start_at_days"])
        EventPage.objects.filter(pk=event.pk).update(
            start_at=start, end_at=start + timedelta(hours=2)
        )
    else:
        start = now + timedelta(hours=change["start_at_hours"])
        EventPage.objects.filter(pk=event.pk).update(
            start_at=start, end_at=start + timedelta(hours=2)
        )
    with pytest.raises(ValidationError) as excinfo:
        services.registration_create(actor=user, event=event)
    assert _code(excinfo) == code
    assert not EventRegistration.objects.exists()


def test_bad_input_is_refused_with_codes_and_changes_nothing(event):
    with pytest.raises(ValidationError) as excinfo:
        services.registration_create(
            actor=None, event=event, name="", phone="12", email="nope", gender="x", region="mars"
        )
    assert _code(excinfo) == {
        "name": ["name_required"],
        "phone": ["phone_invalid"],
        "email": ["email_invalid"],
        "gender": ["invalid_choice"],
        "region": ["invalid_choice"],
    }
    assert not EventRegistration.objects.exists()


def test_beyond_capacity_people_wait_and_are_told_their_position(
    event, django_capture_on_commit_callbacks
):
    people = [factories.UserFactory() for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        registrations = [services.registration_create(actor=p, event=event) for p in people]
    assert [r.status for r in registrations] == ["confirmed"] * 2 + ["waitlisted"] * 2
    assert [queries.waitlist_position(r) for r in registrations] == [None, None, 1, 2]
    waiting_mail = mail.outbox[3]
    assert waiting_mail.to == [people[3].email]
    assert not waiting_mail.attachments  # no invitation before a seat is confirmed
    assert queries.seats(event) == {"confirmed": 2, "waitlisted": 2, "left": 0}


def test_cancelling_gives_the_seat_to_the_first_waiting_and_mails_them(
    event, django_capture_on_commit_callbacks
):
    people = [factories.UserFactory() for _ in range(4)]
    registrations = [services.registration_create(actor=p, event=event) for p in people]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=people[0], registration=registrations[0])
    statuses = {r.pk: r.status for r in EventRegistration.objects.all()}
    assert [statuses[r.pk] for r in registrations] == [
        "cancelled",
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert queries.waitlist_position(EventRegistration.objects.get(pk=registrations[3].pk)) == 1
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {people[0].email, people[2].email}
    cancelled = _ics(by_person[people[0].email])
    assert cancelled["method"] == "CANCEL"
    assert cancelled.walk("VEVENT")[0]["sequence"] == 1
    assert str(cancelled.walk("VEVENT")[0]["uid"]) == registrations[0].uid
    assert _ics(by_person[people[2].email])["method"] == "REQUEST"


def test_capacity_is_never_exceeded(event):
    EventPage.objects.filter(pk=event.pk).update(capacity=3)
    for _ in range(8):
        factories.registration(event)
    assert EventRegistration.objects.filter(event=event, status="confirmed").count() == 3
    assert EventRegistration.objects.filter(event=event, status="waitlisted").count() == 5


def test_a_raised_capacity_goes_to_the_waiting_list_first(event):
    for _ in range(3):
        factories.registration(event)
    EventPage.objects.filter(pk=event.pk).update(capacity=3)
    factories.registration(event)
    statuses = list(EventRegistration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "confirmed", "waitlisted"]


def test_cancelling_through_the_secret_link(client, event, django_capture_on_commit_callbacks):
    registration = factories.registration(event, email="awa@example.org")
    url = reverse("programmes:registration_cancel", kwargs={"token": registration.token})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert mail.outbox[-1].to == ["awa@example.org"]
    wrong = reverse("programmes:registration_cancel", kwargs={"token": "not-the-token"})
    assert client.post(wrong).status_code == 404


def test_only_the_person_or_the_token_may_cancel(event, user, other_user, manager):
    registration = services.registration_create(actor=user, event=event)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(actor=other_user, registration=registration)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(actor=None, registration=registration, token="guess")
    services.registration_cancel(actor=manager, registration=registration)
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_reminders_are_sent_once_the_day_before(event, django_capture_on_commit_callbacks):
    confirmed = factories.registration(event, email="a@example.org")
    factories.registration(event, email="b@example.org")
    waiting = factories.registration(event, email="c@example.org")
    assert waiting.status == "waitlisted"
    mail.outbox.clear()
    early = event.start_at - timedelta(days=2)
    assert services.reminders_send_due(now=early) == 0
    due = event.start_at - timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(now=due) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(now=due + timedelta(minutes=5)) == 0
    confirmed.refresh_from_db()
    assert confirmed.reminder_sent_at == due
    assert len(mail.outbox) == 2


def test_the_reminder_command_is_scheduled():
    assert "send_event_reminders" in settings.SCHEDULED_COMMANDS
    call_command("send_event_reminders")


# --- Pages ----------------------------------------------------------------------------------


def test_the_event_page_shows_seats_and_a_form_without_javascript(client, event):
    response = client.get(event.url)
    assert response.status_code == 200
    register_url = reverse("programmes:event_register", kwargs={"event_id": event.pk})
    assert register_url.encode() in response.content
    assert b'name="phone"' in response.content
    assert b"<script" not in response.content.split(b"<main")[1]
    assert b"badge badge-open" in response.content  # seats left
    factories.registration(event)
    factories.registration(event)
    response = client.get(event.url)
    assert b"badge badge-upcoming" in response.content  # "full: waiting list"
    assert b"badge badge-open" not in response.content


def test_a_signed_in_person_registers_with_one_button(client, event, user):
    client.force_login(user)
    response = client.get(event.url)
    assert b'name="phone"' not in response.content
    url = reverse("programmes:event_register", kwargs={"event_id": event.pk})
    response = client.post(url)
    registration = EventRegistration.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()
    page = client.get(registration.get_absolute_url())
    assert page.status_code == 200
    assert (
        client.get(
            reverse("programmes:registration_ics", kwargs={"token": registration.token})
        ).status_code
        == 200
    )


def test_registering_without_an_account_through_the_page(client, event):
    url = reverse("programmes:event_register", kwargs={"event_id": event.pk})
    response = client.post(url, {"name": "Awa Diop", "phone": "0612345678", "gender": "woman"})
    assert response.status_code == 302
    registration = EventRegistration.objects.get()
    assert (registration.gender, registration.phone) == ("woman", "+212612345678")


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Awa", "phone": "abc"},
        {"name": "", "phone": "0612345678"},
        {"name": "Awa", "phone": "0612345678", "gender": "robot"},
        {"name": "Awa", "phone": "0612345678", "region": "x" * 300},
        {"name": "Awa", "phone": "0612345678", "email": "not-an-address"},
        {"name": "x" * 5000, "phone": "0" * 5000},
    ],
)
def test_bad_input_on_the_page_is_a_form_error(client, event, data):
    url = reverse("programmes:event_register", kwargs={"event_id": event.pk})
    response = client.post(url, data)
    assert response.status_code == 400
    assert b"form-errors" in response.content
    assert not EventRegistration.objects.exists()


def test_a_refusal_on_the_page_is_a_form_error(client, event):
    EventPage.objects.filter(pk=event.pk).update(registration_open=False)
    url = reverse("programmes:event_register", kwargs={"event_id": event.pk})
    response = client.post(url, {"name": "Awa", "phone": "0612345678"})
    assert response.status_code == 400
    assert not EventRegistration.objects.exists()


def test_an_unknown_or_unpublished_event_is_a_404(client, event):
    assert (
        client.post(reverse("programmes:event_register", kwargs={"event_id": 999999})).status_code
        == 404
    )
    event.unpublish()
    url = reverse("programmes:event_register", kwargs={"event_id": event.pk})
    assert client.post(url, {"name": "Awa", "phone": "0612345678"}).status_code == 404


def test_a_translation_registers_on_the_default_language_event(client, event):
    translated = factories.translate(event, "ar", title="ورشة")
    url = reverse("programmes:event_register", kwargs={"event_id": translated.pk})
    client.post(url, {"name": "Awa", "phone": "0612345678"})
    assert EventRegistration.objects.get().event_id == event.pk


# --- PostgreSQL: the last seat, taken by many at once -------------------------------------


@pytest.mark.skipif(not ON_POSTGRESQL, reason="runs against PostgreSQL (set DATABASE_URL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_people_taking_the_last_seats_at_once_never_exceed_capacity(events_index):
    event = factories.event_page(events_index, capacity=3, slug="rush")
    people = [factories.UserFactory() for _ in range(12)]
    results = [None] * len(people)
    barrier = threading.Barrier(len(people))

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = services.registration_create(actor=people[index], event=event)
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(r, EventRegistration) for r in results), results
    assert sum(r.status == "confirmed" for r in results) == 3
    assert EventRegistration.objects.filter(event=event, status="confirmed").count() == 3
    assert EventRegistration.objects.filter(event=event, status="waitlisted").count() == 9


def test_moving_the_event_sends_updated_invitations_and_raising_capacity_promotes(
    event, django_capture_on_commit_callbacks
):
    people = [factories.UserFactory() for _ in range(3)]
    registrations = [services.registration_create(actor=p, event=event) for p in people]
    EventRegistration.objects.filter(pk=registrations[0].pk).update(reminder_sent_at=timezone.now())
    mail.outbox.clear()
    page = EventPage.objects.get(pk=event.pk)
    page.start_at += timedelta(days=1)
    page.end_at += timedelta(days=1)
    page.capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {p.email for p in people}
    moved = _ics(by_person[people[0].email]).walk("VEVENT")[0]
    assert moved["sequence"] == 1
    assert moved.decoded("dtstart") == page.start_at.astimezone(UTC).replace(microsecond=0)
    assert _ics(by_person[people[2].email]).walk("VEVENT")[0]["sequence"] == 0  # promoted
    first = EventRegistration.objects.get(pk=registrations[0].pk)
    assert first.reminder_sent_at is None  # due again before the new date
    # Publishing again without a change sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        EventPage.objects.get(pk=event.pk).save_revision().publish()
    assert mail.outbox == []
