import threading
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from mentoring import services
from mentoring.models import Booking, Mentorship
from tests import factories
from tests.mentoring.conftest import make_mentor

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _active(mentor, entrepreneur):
    mentorship = services.mentorship_request(actor=entrepreneur, mentor=mentor)
    return services.mentorship_accept(actor=mentor.user, mentorship=mentorship)


def _first_slot(mentor):
    day = date.today() + timedelta(days=2)
    return services.mentor_free_slots(mentor, length=30, first_day=day, last_day=day)[0]


@pytest.mark.django_db
def test_the_mentee_books_a_free_slot_once(mentor):
    entrepreneur = factories.UserFactory()
    mentorship = _active(mentor, entrepreneur)
    slot = _first_slot(mentor)
    booking = services.booking_create(
        actor=entrepreneur, mentorship=mentorship, starts_at=slot, length=30
    )
    assert booking.blocked_until - booking.ends_at == timedelta(minutes=15)
    with pytest.raises(ValidationError) as refused:
        services.booking_create(
            actor=entrepreneur, mentorship=mentorship, starts_at=slot, length=30
        )
    assert refused.value.code == "slot_taken"
    assert slot not in services.mentor_free_slots(
        mentor, length=30, first_day=slot.date(), last_day=slot.date() + timedelta(days=1)
    )


@pytest.mark.django_db
def test_booking_rules(mentor):
    entrepreneur, other = factories.UserFactory(), factories.UserFactory()
    mentorship = services.mentorship_request(actor=entrepreneur, mentor=mentor)
    slot = _first_slot(mentor)
    with pytest.raises(ValidationError):  # not active yet
        services.booking_create(
            actor=entrepreneur, mentorship=mentorship, starts_at=slot, length=30
        )
    services.mentorship_accept(actor=mentor.user, mentorship=mentorship)
    with pytest.raises(PermissionDenied):  # someone else's mentorship
        services.booking_create(actor=other, mentorship=mentorship, starts_at=slot, length=30)
    with pytest.raises(ValidationError):  # a length the mentor does not offer
        services.booking_create(
            actor=entrepreneur, mentorship=mentorship, starts_at=slot, length=45
        )
    with pytest.raises(ValidationError):  # not one of the slots
        services.booking_create(
            actor=entrepreneur,
            mentorship=mentorship,
            starts_at=slot + timedelta(minutes=5),
            length=30,
        )
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_only_the_mentor_answers_and_capacity_holds():
    mentor = make_mentor(capacity=1)
    first, second = factories.UserFactory(), factories.UserFactory()
    a = services.mentorship_request(actor=first, mentor=mentor)
    b = services.mentorship_request(actor=second, mentor=mentor)
    with pytest.raises(PermissionDenied):
        services.mentorship_accept(actor=first, mentorship=a)
    with pytest.raises(ValidationError):
        services.mentorship_request(actor=first, mentor=mentor)  # one open request per pair
    services.mentorship_accept(actor=mentor.user, mentorship=a)
    with pytest.raises(ValidationError):  # full: b was withdrawn when a was accepted
        services.mentorship_accept(actor=mentor.user, mentorship=b)
    assert Mentorship.objects.get(pk=b.pk).status == "withdrawn"


@pytest.mark.django_db
def test_declining_needs_a_reason(mentor):
    request = services.mentorship_request(actor=factories.UserFactory(), mentor=mentor)
    with pytest.raises(PermissionDenied):
        services.mentorship_decline(actor=request.entrepreneur, mentorship=request, reason="x")
    with pytest.raises(ValidationError):
        services.mentorship_decline(actor=mentor.user, mentorship=request, reason="  ")
    services.mentorship_decline(actor=mentor.user, mentorship=request, reason="Complet.")
    declined = Mentorship.objects.get(pk=request.pk)
    assert (declined.status, declined.reason) == ("declined", "Complet.")


def _race(function, attempts):
    """Run `function(i)` in `attempts` threads released at once; return what each returned."""
    barrier = threading.Barrier(attempts)
    results = [None] * attempts

    def run(index):
        try:
            barrier.wait(timeout=20)
            results[index] = function(index)
        except Exception as error:  # noqa: BLE001 - the outcome of each attempt is the result
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.skipif(not ON_POSTGRESQL, reason="runs against PostgreSQL (set DATABASE_URL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_bookings_of_one_slot_make_exactly_one():
    mentor = make_mentor()
    people = [factories.UserFactory() for _ in range(20)]
    mentor.capacity = 20
    mentor.save()
    mentorships = [_active(mentor, person) for person in people]
    slot = _first_slot(mentor)

    def book(index):
        return services.booking_create(
            actor=people[index], mentorship=mentorships[index], starts_at=slot, length=30
        )

    results = _race(book, 20)
    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(booked) == 1, results
    assert len(refused) == 19
    assert all(error.code == "slot_taken" for error in refused)
    assert Booking.objects.filter(mentor=mentor, status="booked").count() == 1


@pytest.mark.skipif(not ON_POSTGRESQL, reason="runs against PostgreSQL (set DATABASE_URL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_itself_refuses_overlapping_sessions():
    from django.db import IntegrityError

    mentor = make_mentor()
    mentorship = _active(mentor, factories.UserFactory())
    slot = _first_slot(mentor)
    values = {
        "mentorship": mentorship,
        "mentor": mentor,
        "starts_at": slot,
        "ends_at": slot + timedelta(minutes=30),
        "blocked_until": slot + timedelta(minutes=45),
    }
    Booking.objects.create(**values)
    shifted = {
        **values,
        "starts_at": slot + timedelta(minutes=40),
        "ends_at": slot + timedelta(minutes=70),
        "blocked_until": slot + timedelta(minutes=85),
    }
    with pytest.raises(IntegrityError):
        Booking.objects.create(**shifted)
    assert connection.vendor == "postgresql"


@pytest.mark.skipif(not ON_POSTGRESQL, reason="runs against PostgreSQL (set DATABASE_URL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_acceptances_never_exceed_capacity():
    mentor = make_mentor(capacity=2)
    requests = [
        services.mentorship_request(actor=factories.UserFactory(), mentor=mentor) for _ in range(10)
    ]
    results = _race(
        lambda i: services.mentorship_accept(actor=mentor.user, mentorship=requests[i]), 10
    )
    assert sum(isinstance(r, Mentorship) for r in results) == 2
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 2


@pytest.mark.django_db
def test_open_requests_are_withdrawn_when_the_mentor_is_full_or_pauses(
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    mentor = make_mentor(capacity=1)
    first, second, third = (factories.UserFactory() for _ in range(3))
    a = services.mentorship_request(actor=first, mentor=mentor)
    b = services.mentorship_request(actor=second, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_accept(actor=mentor.user, mentorship=a)
    assert Mentorship.objects.get(pk=b.pk).status == "withdrawn"
    # The accepted one hears of the start, the withdrawn one of the closing.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])

    other = make_mentor()
    c = services.mentorship_request(actor=third, mentor=other)
    with pytest.raises(PermissionDenied):
        services.mentor_pause(actor=third, mentor=other)
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_pause(actor=other.user, mentor=other)
    assert Mentorship.objects.get(pk=c.pk).status == "withdrawn"
    with pytest.raises(ValidationError):
        services.mentorship_request(actor=third, mentor=other)


@pytest.mark.django_db
def test_unanswered_requests_expire_after_seven_days(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core import mail
    from django.core.management import call_command
    from django.utils import timezone

    mentor = make_mentor()
    old = services.mentorship_request(actor=factories.UserFactory(), mentor=mentor)
    fresh = services.mentorship_request(actor=factories.UserFactory(), mentor=mentor)
    Mentorship.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - timedelta(days=7, minutes=1)
    )
    Mentorship.objects.filter(pk=fresh.pk).update(
        requested_at=timezone.now() - timedelta(days=6, hours=23)
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_mentorship_requests", stdout=out)
    assert "1 request(s) expired." in out.getvalue()
    assert Mentorship.objects.get(pk=old.pk).status == "expired"
    assert Mentorship.objects.get(pk=fresh.pk).status == "requested"
    assert mail.outbox[0].to == [old.entrepreneur.email]
