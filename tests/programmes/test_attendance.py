from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import roles
from cms.models import EventPage
from programmes import services
from programmes.indicators import programme_figures
from programmes.models import Attendance
from tests import factories

pytestmark = pytest.mark.django_db


def _url(name, event):
    return reverse(f"programmes:{name}", kwargs={"event_id": event.pk})


@pytest.fixture
def staff_member(programme):
    person = factories.UserFactory(roles=[roles.INSTITUTION_STAFF])
    programme.institutions.add(factories.institution(staff=[person]))
    return person


def test_ticking_registrants_records_them_once_and_unticking_removes(client, event, manager):
    awa = factories.registration(event, name="Awa")
    ben = factories.registration(event, name="Ben")
    client.force_login(manager)
    response = client.post(_url("attendance_take", event), {"present": [awa.pk, ben.pk]})
    assert response.status_code == 302
    assert Attendance.objects.filter(event=event).count() == 2
    client.post(_url("attendance_take", event), {"present": [awa.pk, ben.pk]})
    assert Attendance.objects.filter(event=event).count() == 2
    client.post(_url("attendance_take", event), {"present": [awa.pk]})
    attendance = Attendance.objects.get(event=event)
    assert (attendance.registration, attendance.recorded_by) == (awa, manager)
    assert attendance.person_key == awa.person_key and not attendance.walk_in


def test_the_attendance_page_lists_registrants_as_big_checkboxes(client, event, staff_member):
    factories.registration(event, name="Awa Diop")
    client.force_login(staff_member)
    response = client.get(_url("attendance_take", event))
    assert response.status_code == 200
    assert b'type="checkbox" name="present"' in response.content
    assert b"Awa Diop" in response.content
    index = client.get(reverse("programmes:attendance_index"))
    assert index.status_code == 200 and event.title.encode() in index.content


def test_a_walk_in_is_recorded_and_a_second_time_refused(client, event, manager):
    client.force_login(manager)
    data = {"name": "Chérif", "phone": "0700000001", "gender": "man", "region": "tanger-tetouan"}
    assert client.post(_url("attendance_walk_in", event), data).status_code == 302
    walk_in = Attendance.objects.get()
    assert walk_in.walk_in and walk_in.person_key == "p:+212700000001"
    response = client.post(
        _url("attendance_walk_in", event), {**data, "phone": "+212 7 00 00 00 01"}
    )
    assert response.status_code == 400
    assert Attendance.objects.count() == 1


def test_a_walk_in_with_a_registrants_phone_is_their_attendance(event, manager):
    registration = factories.registration(event, name="Awa", phone="0612345678")
    attendance = services.attendance_add_walk_in(
        actor=manager, event=event, name="Awa D.", phone="+212612345678"
    )
    assert attendance.registration == registration and not attendance.walk_in
    services.attendance_set(actor=manager, event=event, present={registration.pk})
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "phone": "0612345678"},
        {"name": "Awa", "phone": "123"},
        {"name": "Awa", "phone": "0612345678", "gender": "robot"},
        {"name": "Awa", "phone": "0612345678", "region": "mars"},
    ],
)
def test_bad_walk_in_input_is_a_form_error(client, event, manager, data):
    client.force_login(manager)
    response = client.post(_url("attendance_walk_in", event), data)
    assert response.status_code == 400
    assert b"form-errors" in response.content
    assert not Attendance.objects.exists()


def test_bad_walk_in_input_gives_codes(event, manager):
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_add_walk_in(actor=manager, event=event, name="", phone="1")
    assert {f: [e.code for e in errors] for f, errors in excinfo.value.error_dict.items()} == {
        "name": ["name_required"],
        "phone": ["phone_invalid"],
    }


# --- Who may take attendance ----------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in(client, event):
    for url in (
        reverse("programmes:attendance_index"),
        _url("attendance_take", event),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = client.post(_url("attendance_walk_in", event), {"name": "A", "phone": "0612345678"})
    assert response.status_code == 302
    assert not Attendance.objects.exists()


def test_an_entrepreneur_is_refused(client, event, user):
    registration = factories.registration(event)
    client.force_login(user)
    assert client.get(reverse("programmes:attendance_index")).status_code == 403
    assert client.get(_url("attendance_take", event)).status_code == 403
    response = client.post(_url("attendance_take", event), {"present": [registration.pk]})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_the_staff_of_another_institution_are_refused(client, event, events_index):
    outsider = factories.UserFactory(roles=[roles.INSTITUTION_STAFF])
    other_programme = factories.programme(institutions=[factories.institution(staff=[outsider])])
    their_event = factories.event_page(events_index, programme=other_programme, slug="theirs")
    registration = factories.registration(event)
    client.force_login(outsider)
    assert client.get(_url("attendance_take", their_event)).status_code == 200
    assert client.get(_url("attendance_take", event)).status_code == 403
    assert (
        client.post(_url("attendance_take", event), {"present": [registration.pk]}).status_code
        == 403
    )
    data = {"name": "Awa", "phone": "0612345678"}
    assert client.post(_url("attendance_walk_in", event), data).status_code == 403
    index = client.get(reverse("programmes:attendance_index"))
    assert their_event.title.encode() in index.content
    assert not Attendance.objects.exists()
    with pytest.raises(PermissionDenied):
        services.attendance_set(actor=outsider, event=event, present={registration.pk})


def test_an_event_without_programme_is_for_managers_only(
    client, events_index, staff_member, manager
):
    orphan = factories.event_page(events_index, slug="orphan")
    client.force_login(staff_member)
    assert client.get(_url("attendance_take", orphan)).status_code == 403
    client.force_login(manager)
    assert client.get(_url("attendance_take", orphan)).status_code == 200


def test_another_events_registration_cannot_be_ticked(client, event, events_index, staff_member):
    other_event = factories.event_page(events_index, slug="other")
    elsewhere = factories.registration(other_event)
    client.force_login(staff_member)
    response = client.post(_url("attendance_take", event), {"present": [elsewhere.pk]})
    assert response.status_code == 403
    assert client.post(_url("attendance_take", event), {"present": ["1; drop"]}).status_code == 404
    assert (
        client.get(reverse("programmes:attendance_take", kwargs={"event_id": 999999})).status_code
        == 404
    )
    assert not Attendance.objects.exists()


# --- Counting people ------------------------------------------------------------------------


def test_people_are_counted_once_per_programme(events_index, programme, manager):
    def session(slug, counts_as, days):
        page = factories.event_page(
            events_index, slug=slug, programme=programme, counts_as=counts_as, starts_in_days=days
        )
        return page

    first = session("info-1", "informed", 3)
    second = session("info-2", "informed", 4)
    training = session("training", "trained", 5)
    uncounted = session("party", "", 6)
    awa = factories.UserFactory()
    for page in (first, second, training, uncounted):
        registration = services.registration_create(actor=awa, event=page)
        services.attendance_set(actor=manager, event=page, present={registration.pk})
    # Someone without an account registers for the first session, and walks in at the second.
    ben = factories.registration(first, name="Ben", phone="0611111111")
    services.attendance_set(actor=manager, event=first, present={ben.pk})
    services.attendance_add_walk_in(actor=manager, event=second, name="Ben", phone="+212611111111")
    services.attendance_add_walk_in(actor=manager, event=second, name="Chérif", phone="0622222222")
    # Another programme's session does not count here.
    other = factories.event_page(
        events_index, slug="other", programme=factories.programme(), counts_as="informed"
    )
    services.attendance_add_walk_in(actor=manager, event=other, name="Dina", phone="0633333333")

    achieved = {row.indicator: row.achieved.value for row in programme_figures(programme)["rows"]}
    assert (achieved["informed"], achieved["reached"]) == (3, 0)


def test_attendance_can_be_taken_after_the_event(client, event, manager):
    registration = factories.registration(event)
    start = event.start_at - timedelta(days=30)
    EventPage.objects.filter(pk=event.pk).update(start_at=start, end_at=start + timedelta(hours=2))
    services.attendance_set(actor=manager, event=event, present={registration.pk})
    assert Attendance.objects.count() == 1
