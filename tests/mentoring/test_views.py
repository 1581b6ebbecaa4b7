"""The mentoring pages: directory, profile, "My mentoring", booking without JavaScript, and
every page that takes an id, called with somebody else's."""

import zoneinfo
from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from mentoring import services
from mentoring.models import AvailabilityException, Booking, Goal, MentorProfile, Mentorship
from tests import factories
from tests.mentoring.conftest import active_mentorship, book, make_mentor, slot_in

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"mentoring:{name}", kwargs=kwargs)


def test_the_directory_filters_by_language_and_free_room(client):
    wolof = make_mentor(languages=["fr", "wo"])
    full = make_mentor(languages=["fr", "wo"], capacity=1)
    active_mentorship(full)
    make_mentor(languages=["ar"])
    make_mentor(languages=["wo"], is_published=False)
    page = client.get(url("mentor_list"), {"language": "wo"})
    assert page.status_code == 200
    assert list(page.context["mentors"]) == sorted(
        [wolof, full], key=lambda m: (m.user.display_name, m.pk)
    )
    page = client.get(url("mentor_list"), {"language": "wo", "available": "on"})
    assert list(page.context["mentors"]) == [wolof]
    # An unknown value is dropped, never a 500.
    assert client.get(url("mentor_list"), {"topic": "<script>"}).status_code == 200


def test_a_mentor_page_shows_sessions_held_never_ratings_and_hides_unpublished(client, mentor):
    mentorship = active_mentorship(mentor)
    booking = _held(book(mentorship))
    services.session_rate(
        actor=mentorship.entrepreneur, booking=booking, score=1, comment="Jamais préparé"
    )
    page = client.get(url("mentor_detail", mentor_id=mentor.pk))
    html = page.content.decode()
    assert page.status_code == 200 and mentor.user.display_name in html
    assert page.context["mentor"].held == 1
    assert "Jamais préparé" not in html and "1/5" not in html
    hidden = make_mentor(is_published=False)
    assert client.get(url("mentor_detail", mentor_id=hidden.pk)).status_code == 404


def test_asking_from_the_mentor_page(client, mentor):
    owner = factories.UserFactory(roles=[roles.ENTREPRENEUR])
    own = factories.business(owner)
    someone_elses = factories.business(factories.UserFactory())
    client.force_login(owner)
    response = client.post(
        url("request", mentor_id=mentor.pk),
        {"business": someone_elses.pk, "message": "Bonjour"},
    )
    assert not Mentorship.objects.exists()  # another owner's business is not a choice
    response = client.post(
        url("request", mentor_id=mentor.pk), {"business": own.pk, "message": "Bonjour"}
    )
    mentorship = Mentorship.objects.get()
    assert mentorship.business == own
    assert response.status_code == 302 and response.url == mentorship.get_absolute_url()


def test_the_dashboard_suggests_mentors_with_their_reasons(client):
    owner = factories.UserFactory(roles=[roles.ENTREPRENEUR], preferred_language="en")
    business = factories.business(owner, needs=["accounting"], languages=["fr", "wo"])
    fits = make_mentor(languages=["wo"], topics=["accounting"])
    make_mentor(languages=["zgh"])  # no shared language: never suggested
    client.force_login(owner)
    page = client.get("/en" + url("dashboard")[3:])
    suggestions = dict(page.context["suggestions"])
    assert [mentor for mentor, _m, _r in suggestions[business]] == [fits]
    assert "knows accounting" in page.content.decode()


def test_booking_without_javascript(client, mentorship):
    client.force_login(mentorship.entrepreneur)
    page = client.get(url("book", mentorship_id=mentorship.pk))
    assert page.status_code == 200
    slot = slot_in(mentorship.mentor, days=1)
    assert f'value="{slot.isoformat()}"' in page.content.decode()
    # A made-up time is refused with a message, nothing is booked.
    page = client.post(
        url("book", mentorship_id=mentorship.pk),
        {"slot": "2026-13-45T99:00", "length": 30, "format": "video"},
    )
    assert page.status_code == 200 and not Booking.objects.exists()
    response = client.post(
        url("book", mentorship_id=mentorship.pk),
        {"slot": slot.isoformat(), "length": 30, "format": "video", "agenda": "Mes prix"},
    )
    booking = Booking.objects.get()
    assert response.url == booking.get_absolute_url() and booking.starts_at == slot
    # The same time again: "just taken", shown on the page.
    page = client.post(
        url("book", mentorship_id=mentorship.pk),
        {"slot": slot.isoformat(), "length": 30, "format": "video"},
    )
    assert page.status_code == 200 and Booking.objects.count() == 1
    assert page.context["form"].non_field_errors()


def test_the_mentor_and_staff_cannot_book_for_the_mentee(client, mentorship):
    client.force_login(mentorship.mentor.user)
    assert client.get(url("book", mentorship_id=mentorship.pk)).status_code == 404


def test_every_page_with_an_id_refuses_another_persons(client, mentorship):
    booking = book(mentorship)
    goal = services.goal_add(actor=mentorship.entrepreneur, mentorship=mentorship, title="Compta")
    services.session_note_add(actor=mentorship.mentor.user, booking=booking, text="Secret")
    pending = services.mentorship_request(actor=factories.UserFactory(), mentor=mentorship.mentor)
    routes = [
        ("get", url("mentorship_detail", mentorship_id=mentorship.pk), {}),
        (
            "post",
            url("mentorship_action", mentorship_id=mentorship.pk, action="end"),
            {"outcome": "completed"},
        ),
        ("get", url("book", mentorship_id=mentorship.pk), {}),
        (
            "post",
            url("book", mentorship_id=mentorship.pk),
            {"slot": slot_in(mentorship.mentor, 3).isoformat(), "length": 30, "format": "video"},
        ),
        ("post", url("goal_add", mentorship_id=mentorship.pk), {"title": "Pirate"}),
        (
            "post",
            url("goal_update", mentorship_id=mentorship.pk, goal_id=goal.pk),
            {"progress": 100},
        ),
        ("get", url("booking_detail", booking_id=booking.pk), {}),
        ("get", url("booking_ics", booking_id=booking.pk), {}),
        ("post", url("booking_action", booking_id=booking.pk, action="cancel"), {"reason": "x"}),
        ("post", url("booking_action", booking_id=booking.pk, action="note"), {"text": "x"}),
        (
            "post",
            url("booking_action", booking_id=booking.pk, action="reschedule"),
            {"slot": slot_in(mentorship.mentor, 5).isoformat(), "reason": "x"},
        ),
        ("post", url("mentorship_action", mentorship_id=pending.pk, action="accept"), {}),
        (
            "post",
            url("mentorship_action", mentorship_id=pending.pk, action="decline"),
            {"reason": "x"},
        ),
        ("post", url("mentorship_action", mentorship_id=pending.pk, action="withdraw"), {}),
        ("get", url("mentorship_detail", mentorship_id=pending.pk), {}),
        ("post", url("booking_action", booking_id=booking.pk, action="rate"), {"score": 1}),
        (
            "post",
            url("booking_action", booking_id=booking.pk, action="record"),
            {"outcome": "no-show"},
        ),
    ]
    others = [
        factories.UserFactory(roles=[roles.ENTREPRENEUR]),
        make_mentor().user,  # another mentor
        factories.UserFactory(roles=[roles.PROGRAMME_MANAGER]),  # staff do not read notes
    ]
    for method, path, data in routes:
        client.logout()
        response = getattr(client, method)(path, data)
        assert response.status_code == 302 and "/accounts/login/" in response.url, path
        for other in others:
            client.force_login(other)
            assert getattr(client, method)(path, data).status_code == 404, (path, other)
    mentorship.refresh_from_db()
    booking.refresh_from_db()
    goal.refresh_from_db()
    pending.refresh_from_db()
    assert mentorship.status == "active" and booking.status == "booked"
    assert pending.status == "requested" and booking.sequence == 0
    assert goal.progress == 0 and Goal.objects.count() == 1
    assert list(booking.notes.values_list("text", flat=True)) == ["Secret"]
    assert Booking.objects.count() == 1


def test_a_goal_of_another_mentorship_is_not_reachable_through_ones_own(client, mentorship):
    other = active_mentorship(make_mentor())
    foreign_goal = services.goal_add(actor=other.entrepreneur, mentorship=other, title="À eux")
    client.force_login(mentorship.entrepreneur)
    response = client.post(
        url("goal_update", mentorship_id=mentorship.pk, goal_id=foreign_goal.pk),
        {"progress": 90},
    )
    assert response.status_code == 404
    foreign_goal.refresh_from_db()
    assert foreign_goal.progress == 0


def test_the_pair_reads_the_notes_and_the_mentor_the_rating(client, mentorship):
    booking = _held(book(mentorship))
    services.session_note_add(actor=mentorship.entrepreneur, booking=booking, text="Note à deux")
    services.session_rate(
        actor=mentorship.entrepreneur, booking=booking, score=4, comment="Très utile"
    )
    for user in (mentorship.entrepreneur, mentorship.mentor.user):
        client.force_login(user)
        html = client.get(booking.get_absolute_url()).content.decode()
        assert "Note à deux" in html
    assert "4/5" in html and "Très utile" in html  # the mentor's view


def _held(booking):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() - timedelta(hours=3)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        blocked_until=start + timedelta(minutes=45),
    )
    booking.refresh_from_db()
    services.booking_record(actor=booking.mentor.user, booking=booking, outcome="held")
    booking.refresh_from_db()
    return booking


def test_cancel_inside_the_cut_off_tells_the_entrepreneur_why(client, mentorship):
    from datetime import timedelta

    from django.utils import timezone

    booking = book(mentorship)
    start = timezone.now() + timedelta(hours=2)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        blocked_until=start + timedelta(minutes=45),
    )
    client.force_login(mentorship.entrepreneur)
    response = client.post(
        url("booking_action", booking_id=booking.pk, action="cancel"),
        {"reason": "Malade"},
        follow=True,
    )
    assert "12" in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == "booked"


def test_a_mentor_writes_a_profile_and_availability(client):
    user = factories.UserFactory(roles=[roles.MENTOR])
    client.force_login(user)
    data = {
        "headline": "Marketing",
        "bio": "Dix ans de marketing",
        "topics": ["marketing"],
        "tags": "Instagram, export",
        "languages": ["fr", "wo"],
        "formats": ["video"],
        "years_experience": 10,
        "capacity": 3,
        "time_zone": "Europe/Paris",
        "session_lengths": [30, 60],
        "buffer_minutes": 10,
        "minimum_notice_hours": 12,
        "booking_horizon_days": 30,
        "daily_maximum": 3,
    }
    response = client.post(url("profile_edit"), data)
    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=user)
    assert profile.tags == ["Instagram", "export"] and profile.time_zone == "Europe/Paris"
    assert not profile.is_published
    page = client.post(url("availability_edit"), {"d0_0_from": "09:00", "d0_0_to": "08:00"})
    assert page.status_code == 200 and not profile.windows.exists()
    page = client.post(url("availability_edit"), {"exceptions": "le 24 décembre"})
    assert page.status_code == 200 and "exceptions" in page.context["form"].errors
    response = client.post(
        url("availability_edit"),
        {
            "d0_0_from": "09:00",
            "d0_0_to": "12:00",
            "d2_1_from": "18:00",
            "d2_1_to": "20:00",
            "exceptions": "2026-12-24\n2026-12-27 09:00-12:00",
        },
    )
    assert response.status_code == 302
    assert list(profile.windows.values_list("weekday", "starts")) == [(0, time(9)), (2, time(18))]
    assert AvailabilityException.objects.filter(mentor=profile).count() == 2
    client.post(url("profile_action", action="submit"))
    profile.refresh_from_db()
    assert profile.submitted_at is not None


def test_only_mentors_have_profile_pages(client, stranger):
    client.force_login(stranger)
    assert client.get(url("profile_edit")).status_code == 403
    assert client.post(url("profile_action", action="pause")).status_code == 403


def test_the_calendar_page_renews_the_address(client, stranger):
    client.force_login(stranger)
    first = client.get(url("calendar_settings")).context["feed_url"]
    client.post(url("calendar_settings"))
    second = client.get(url("calendar_settings")).context["feed_url"]
    assert first != second
    assert client.get(first.replace("http://testserver", "")).status_code == 404


def test_the_booking_page_shows_times_in_the_viewers_zone(client):
    paris = make_mentor(time_zone="Europe/Paris")
    dakar = factories.UserFactory(roles=[roles.ENTREPRENEUR], time_zone="Africa/Dakar")
    mentorship = active_mentorship(paris, dakar)
    client.force_login(dakar)
    page = client.get(url("book", mentorship_id=mentorship.pk))
    # Today's first slots may already be past: look at the first whole day after it.
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Africa/Dakar"))
    first_slots = next(slots for day, slots in page.context["slots"] if day > today)
    # Paris is one hour ahead of Dakar in winter and two in summer: 10:00 there is 09:00 or
    # 08:00 here, never 10:00.
    assert first_slots[0][1] in ("09:00", "08:00")
    assert "Africa/Dakar" in page.content.decode()


def test_dates_far_away_or_malformed_never_fail(client, mentorship):
    client.force_login(mentorship.entrepreneur)
    for value in ("9999-12-31", "0001-01-01", "demain", ""):
        assert (
            client.get(url("book", mentorship_id=mentorship.pk), {"from": value}).status_code == 200
        )
    booking = book(mentorship)
    assert client.get(booking.get_absolute_url(), {"from": "9999-12-31"}).status_code == 200
    response = client.post(
        url("book", mentorship_id=mentorship.pk),
        {"slot": "9999-12-31T23:30:00-05:00", "length": 30, "format": "video"},
    )
    assert response.status_code == 200 and Booking.objects.count() == 1


def test_overlapping_availability_windows_are_refused(client):
    mentor = make_mentor()
    client.force_login(mentor.user)
    page = client.post(
        url("availability_edit"),
        {"d1_0_from": "09:00", "d1_0_to": "12:00", "d1_1_from": "11:00", "d1_1_to": "13:00"},
    )
    assert page.status_code == 200 and page.context["form"].non_field_errors()
    assert mentor.windows.count() == 7  # unchanged
