import json
from datetime import date, timedelta

import pytest

from accounts import roles
from mentoring.models import Booking
from tests import factories
from tests.mentoring.conftest import active_mentorship, book, make_mentor, slot_in

pytestmark = pytest.mark.django_db
API = "/api/v1/mentoring"


def post(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def test_mentors_list_filters_and_detail(client):
    wolof = make_mentor(languages=["wo"], topics=["marketing"])
    make_mentor(languages=["ar"])
    hidden = make_mentor(languages=["wo"], is_published=False)
    body = client.get(f"{API}/mentors", {"language": "wo"}).json()
    assert [m["id"] for m in body["items"]] == [wolof.pk]
    assert client.get(f"{API}/mentors", {"language": "xx"}).status_code == 422
    detail = client.get(f"{API}/mentors/{wolof.pk}").json()
    assert detail["topics"] == ["marketing"] and detail["has_room"] is True
    assert "rating" not in json.dumps(detail)
    assert client.get(f"{API}/mentors/{hidden.pk}").status_code == 404


def test_free_slots_for_a_date_range(client, mentor):
    start = date.today() + timedelta(days=1)
    body = client.get(
        f"{API}/mentors/{mentor.pk}/slots",
        {"start": start.isoformat(), "end": (start + timedelta(days=2)).isoformat()},
    ).json()
    assert body["length"] == 30 and len(body["slots"]) > 0
    too_long = client.get(
        f"{API}/mentors/{mentor.pk}/slots",
        {"start": start.isoformat(), "end": (start + timedelta(days=40)).isoformat()},
    )
    assert too_long.status_code == 400 and too_long.json()["message"]
    bad_length = client.get(
        f"{API}/mentors/{mentor.pk}/slots",
        {"start": start.isoformat(), "end": start.isoformat(), "length": 45},
    )
    assert bad_length.status_code == 400
    assert client.get(f"{API}/mentors/{mentor.pk}/slots", {"start": "demain"}).status_code == 422


def test_book_list_and_cancel_own_sessions(client, mentorship):
    client.force_login(mentorship.entrepreneur)
    slot = slot_in(mentorship.mentor, days=3)
    created = post(
        client,
        f"{API}/my/bookings",
        {"mentorship_id": mentorship.pk, "starts_at": slot.isoformat(), "length": 30},
    )
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    again = post(
        client,
        f"{API}/my/bookings",
        {"mentorship_id": mentorship.pk, "starts_at": slot.isoformat(), "length": 30},
    )
    assert again.status_code == 409 and again.json()["message"]
    listed = client.get(f"{API}/my/bookings").json()["items"]
    assert [b["id"] for b in listed] == [booking_id]
    assert post(client, f"{API}/my/bookings/{booking_id}/cancel", {"reason": ""}).status_code == 400
    cancelled = post(client, f"{API}/my/bookings/{booking_id}/cancel", {"reason": "Voyage"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["ics_sequence"] == 1


def test_api_routes_with_ids_refuse_another_persons(client, mentorship):
    booking = book(mentorship)
    business = factories.business(mentorship.entrepreneur)
    other = factories.UserFactory(roles=[roles.ENTREPRENEUR])
    slot = slot_in(mentorship.mentor, days=4)
    # Anonymous: 401.
    assert client.get(f"{API}/my/bookings").status_code == 401
    assert client.get(f"{API}/my/suggestions", {"business_id": business.pk}).status_code == 401
    client.force_login(other)
    assert client.get(f"{API}/my/bookings").json()["items"] == []
    response = post(
        client,
        f"{API}/my/bookings",
        {"mentorship_id": mentorship.pk, "starts_at": slot.isoformat(), "length": 30},
    )
    assert response.status_code == 404
    response = post(client, f"{API}/my/bookings/{booking.pk}/cancel", {"reason": "Pirate"})
    assert response.status_code == 404
    response = client.get(f"{API}/my/suggestions", {"business_id": business.pk})
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == "booked" and Booking.objects.count() == 1


def test_suggestions_for_ones_business_never_without_a_shared_language(client):
    owner = factories.UserFactory(roles=[roles.ENTREPRENEUR])
    business = factories.business(
        owner, needs=["accounting"], languages=["wo"], content_language="fr"
    )
    fits = make_mentor(languages=["wo"], topics=["accounting"])
    also = make_mentor(languages=["fr"], topics=["marketing"])
    make_mentor(languages=["ln"], topics=["accounting"])
    full = make_mentor(languages=["wo"], capacity=1)
    active_mentorship(full)
    client.force_login(owner)
    body = client.get(f"{API}/my/suggestions", {"business_id": business.pk}).json()
    assert [s["mentor"]["id"] for s in body] == [fits.pk, also.pk]
    assert body[0]["score"] > body[1]["score"] and body[0]["reasons"]


def test_the_schema_lists_the_mentoring_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        f"{API}/mentors",
        f"{API}/mentors/{{mentor_id}}",
        f"{API}/mentors/{{mentor_id}}/slots",
        f"{API}/my/bookings",
        f"{API}/my/bookings/{{booking_id}}/cancel",
        f"{API}/my/suggestions",
    ):
        assert path in paths


def test_bad_input_is_a_clear_4xx_never_a_500(client, mentorship):
    assert client.get(f"{API}/mentors", {"page": "99999999999999999999"}).status_code == 422
    far = client.get(
        f"{API}/mentors/{mentorship.mentor_id}/slots",
        {"start": "9999-12-30", "end": "9999-12-31"},
    )
    assert far.status_code == 200 and far.json()["slots"] == []
    client.force_login(mentorship.entrepreneur)
    slot = slot_in(mentorship.mentor, days=3)
    too_long = post(
        client,
        f"{API}/my/bookings",
        {
            "mentorship_id": mentorship.pk,
            "starts_at": slot.isoformat(),
            "length": 30,
            "place": "x" * 301,
        },
    )
    assert too_long.status_code == 422
    year_9999 = post(
        client,
        f"{API}/my/bookings",
        {"mentorship_id": mentorship.pk, "starts_at": "9999-12-31T23:30:00-05:00", "length": 30},
    )
    assert year_9999.status_code == 400 and year_9999.json()["message"]
    naive = post(
        client,
        f"{API}/my/bookings",
        {"mentorship_id": mentorship.pk, "starts_at": "2026-12-30T10:00:00", "length": 30},
    )
    assert naive.status_code == 400
    assert client.get(f"{API}/my/bookings", {"page": "0"}).status_code == 422
    assert not Booking.objects.exists()
