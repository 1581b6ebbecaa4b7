"""Journeys: forward one step at a time, corrections only with a reason, every change
audited, the cohort list moving everyone or nobody, and who may do it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import roles
from programmes import services
from programmes.models import Attendance, Cohort, JourneyChange, Step, StepRecord
from tests import factories

TODAY = date(2026, 11, 1)


@pytest.fixture
def cohort(programme):
    return Cohort.objects.create(programme=programme, name="Salé 1", starts_on=date(2026, 3, 1))


def start(manager, programme, cohort=None, **user_fields):
    person = factories.UserFactory(roles=[roles.ENTREPRENEUR], **user_fields)
    return services.journey_start(
        actor=manager, programme=programme, person=person, on=date(2026, 3, 2), cohort=cohort
    )


def walk(manager, journey, *steps):
    for step in steps:
        journey = services.journey_advance(actor=manager, journey=journey, step=step, on=TODAY)
    return journey


def test_a_journey_moves_forward_one_step_at_a_time_and_each_move_is_audited(manager, programme):
    journey = start(manager, programme)
    journey = walk(manager, journey, Step.APPLIED, Step.SELECTED)
    assert journey.step == Step.SELECTED
    with pytest.raises(ValidationError) as back:
        services.journey_advance(actor=manager, journey=journey, step=Step.APPLIED, on=TODAY)
    assert back.value.code == "backwards"
    with pytest.raises(ValidationError) as skip:
        services.journey_advance(actor=manager, journey=journey, step=Step.CERTIFIED, on=TODAY)
    assert skip.value.code == "skipped"
    assert list(journey.records.values_list("step", flat=True)) == [
        "informed",
        "applied",
        "selected",
    ]
    changes = list(journey.changes.values_list("action", "from_step", "to_step"))
    assert changes == [
        ("start", "", "informed"),
        ("advance", "informed", "applied"),
        ("advance", "applied", "selected"),
    ]
    assert all(change.actor_id == manager.pk for change in journey.changes.all())


def test_a_date_in_the_future_is_refused(manager, programme):
    journey = start(manager, programme)
    with pytest.raises(ValidationError) as error:
        services.journey_advance(
            actor=manager,
            journey=journey,
            step=Step.APPLIED,
            on=timezone.localdate() + timedelta(days=2),
        )
    assert error.value.code == "future"


def test_trained_needs_the_required_sessions_attended(manager, programme, events_index):
    programme.training_sessions_required = 2
    programme.save()
    journey = walk(manager, start(manager, programme), Step.APPLIED, Step.SELECTED)
    with pytest.raises(ValidationError) as error:
        services.journey_advance(actor=manager, journey=journey, step=Step.TRAINED, on=TODAY)
    assert error.value.code == "training_incomplete"
    for number in range(2):
        event = factories.event_page(
            events_index,
            starts_in_days=-10 - number,
            programme=programme,
            counts_as="trained",
            slug=f"formation-{number}",
        )
        Attendance.objects.create(
            event=event, person_key=f"u:{journey.person_id}", user=journey.person, name="x"
        )
    assert (
        services.journey_advance(actor=manager, journey=journey, step=Step.TRAINED, on=TODAY).step
        == Step.TRAINED
    )


def test_certification_keeps_the_number_private_and_out_of_the_audit(manager, programme, client):
    programme.training_sessions_required = 0
    programme.save()
    journey = walk(manager, start(manager, programme), Step.APPLIED, Step.SELECTED, Step.TRAINED)
    with pytest.raises(ValidationError) as error:
        services.journey_advance(
            actor=manager, journey=journey, step=Step.CERTIFIED, on=TODAY, registration_number="abc"
        )
    assert error.value.code == "registration_number"
    journey = services.journey_advance(
        actor=manager,
        journey=journey,
        step=Step.CERTIFIED,
        on=TODAY,
        registration_number="0012 3456 78",
    )
    assert (
        journey.registration_verified_by == manager
        and journey.registration_number == "0012 3456 78"
    )
    assert "0012" not in str(list(JourneyChange.objects.values_list("details", flat=True)))
    # Staff who may not see sensitive data see that a number is recorded, not the number.
    viewer = factories.UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="manage_journeys"),
    )
    client.force_login(viewer)
    page = client.get(f"/admin/journeys/{journey.pk}/")
    assert page.status_code == 200 and "0012 3456 78" not in page.content.decode()
    client.force_login(manager)
    assert "0012 3456 78" in client.get(f"/admin/journeys/{journey.pk}/").content.decode()


def test_business_created_needs_a_business_the_person_owns(manager, programme):
    programme.training_sessions_required = 0
    programme.save()
    journey = walk(manager, start(manager, programme), Step.APPLIED, Step.SELECTED, Step.TRAINED)
    journey = services.journey_advance(
        actor=manager,
        journey=journey,
        step=Step.CERTIFIED,
        on=TODAY,
        registration_number="12345678",
    )
    someone_elses = factories.business(factories.UserFactory())
    with pytest.raises(ValidationError) as error:
        services.journey_advance(
            actor=manager,
            journey=journey,
            step=Step.BUSINESS_CREATED,
            on=TODAY,
            business=someone_elses,
        )
    assert error.value.code == "not_owner"
    own = factories.business(journey.person)
    journey = services.journey_advance(
        actor=manager, journey=journey, step=Step.BUSINESS_CREATED, on=TODAY, business=own
    )
    assert journey.business == own
    with pytest.raises(ValidationError) as unfunded:
        services.journey_advance(actor=manager, journey=journey, step=Step.FUNDED, on=TODAY)
    assert unfunded.value.code == "no_grant"
    follow_up = services.follow_up_record(
        actor=manager,
        journey=journey,
        months=6,
        on=TODAY,
        still_active=True,
        jobs=3,
        turnover_band="lt50k",
    )
    journey.refresh_from_db()
    assert journey.step == Step.FOLLOWED_UP and follow_up.jobs == 3
    with pytest.raises(ValidationError) as twice:
        services.follow_up_record(
            actor=manager,
            journey=journey,
            months=6,
            on=TODAY,
            still_active=True,
            jobs=3,
            turnover_band="lt50k",
        )
    assert twice.value.code == "exists"


def test_a_correction_needs_a_reason_and_keeps_what_it_removed(manager, programme):
    journey = walk(manager, start(manager, programme), Step.APPLIED, Step.SELECTED)
    with pytest.raises(ValidationError) as no_reason:
        services.journey_correct(actor=manager, journey=journey, step=Step.INFORMED, reason=" ")
    assert no_reason.value.code == "reason"
    with pytest.raises(ValidationError) as forward:
        services.journey_correct(actor=manager, journey=journey, step=Step.TRAINED, reason="x")
    assert forward.value.code == "not_backwards"
    journey = services.journey_correct(
        actor=manager, journey=journey, step=Step.INFORMED, reason="Applied to another programme"
    )
    assert journey.step == Step.INFORMED
    assert list(journey.records.values_list("step", flat=True)) == ["informed"]
    change = journey.changes.get(action="correct")
    assert change.reason == "Applied to another programme" and change.from_step == "selected"
    assert [row["step"] for row in change.details["removed"]] == ["applied", "selected"]


def test_the_cohort_list_moves_everyone_or_nobody(manager, programme, cohort, client):
    ready = [start(manager, programme, cohort) for _ in range(3)]
    behind = start(manager, programme, cohort, display_name="Awa Diallo")
    for journey in ready:
        walk(manager, journey, Step.APPLIED)
    client.force_login(manager)
    url = f"/admin/journeys/cohorts/{cohort.pk}/"
    page = client.post(
        url,
        {
            "journey": [j.pk for j in [*ready, behind]],
            "step": "selected",
            "on": "2026-10-01",
            "evidence": "Jury du 1er octobre",
        },
    )
    assert page.status_code == 200 and "Awa Diallo" in page.content.decode()
    assert StepRecord.objects.filter(step="selected").count() == 0  # nobody moved
    page = client.post(
        url,
        {
            "journey": [j.pk for j in ready],
            "step": "selected",
            "on": "2026-10-01",
            "evidence": "Jury",
        },
    )
    assert page.status_code == 302
    assert StepRecord.objects.filter(step="selected", evidence="Jury").count() == 3
    # Bad input: a date that is not one changes nothing and says why.
    page = client.post(url, {"journey": [behind.pk], "step": "applied", "on": "demain"})
    assert page.status_code == 200 and StepRecord.objects.filter(step="applied").count() == 3


def test_a_cohort_list_moves_to_trained_in_the_same_queries_however_long(
    manager, programme, cohort, events_index, django_assert_max_num_queries
):
    programme.training_sessions_required = 1
    programme.save()
    training = factories.event_page(
        events_index, starts_in_days=-3, programme=programme, counts_as="trained", slug="atelier"
    )

    def selected_people(count):
        journeys = [start(manager, programme, cohort) for _ in range(count)]
        for journey in journeys:
            walk(manager, journey, Step.APPLIED, Step.SELECTED)
            Attendance.objects.create(
                event=training, person_key=f"u:{journey.person_id}", user=journey.person, name="x"
            )
        return journeys

    few, many = selected_people(2), selected_people(20)
    with django_assert_max_num_queries(12) as few_queries:
        services.journeys_advance(actor=manager, journeys=few, step=Step.TRAINED, on=TODAY)
    with django_assert_max_num_queries(len(few_queries)):
        moved = services.journeys_advance(
            actor=manager, journeys=many, step=Step.TRAINED, on=TODAY, evidence="Atelier 3"
        )
    assert {journey.step for journey in moved} == {Step.TRAINED}
    assert StepRecord.objects.filter(step=Step.TRAINED, evidence="Atelier 3").count() == 20
    changes = JourneyChange.objects.filter(to_step=Step.TRAINED, journey__in=many)
    assert {(c.action, c.from_step, c.actor_id) for c in changes} == {
        ("advance", "selected", manager.pk)
    }
    assert changes.count() == 20
    # Someone who missed the training keeps the whole list where it is.
    behind = start(manager, programme, cohort, display_name="Idrissa Ba")
    walk(manager, behind, Step.APPLIED, Step.SELECTED)
    late = selected_people(3)
    with pytest.raises(ValidationError) as error:
        services.journeys_advance(
            actor=manager, journeys=[*late, behind], step=Step.TRAINED, on=TODAY
        )
    assert error.value.messages == ["Idrissa Ba: 0 séances de formation suivies sur 1."]
    assert not StepRecord.objects.filter(journey__in=[*late, behind], step=Step.TRAINED).exists()


def test_only_staff_with_the_permission_change_journeys(manager, programme, cohort, client):
    journey = start(manager, programme, cohort)
    entrepreneur = journey.person
    with pytest.raises(PermissionDenied):
        services.journey_advance(actor=entrepreneur, journey=journey, step=Step.APPLIED, on=TODAY)
    staff = factories.UserFactory(roles=[roles.INSTITUTION_STAFF])
    factories.institution(staff=[staff])
    for user in (entrepreneur, staff):
        client.force_login(user)
        for url in (
            f"/admin/journeys/{journey.pk}/",
            f"/admin/journeys/cohorts/{cohort.pk}/",
        ):
            assert client.get(url).status_code in (302, 403)
    client.logout()
    assert client.get(f"/admin/journeys/{journey.pk}/").status_code == 302  # to the log-in
    client.force_login(manager)
    assert client.get("/admin/journeys/999999/").status_code == 404


def test_a_deleted_account_leaves_an_anonymous_journey_without_its_number(manager, programme):
    from accounts import services as accounts_services
    from tests.factories import PASSWORD

    programme.training_sessions_required = 0
    programme.save()
    journey = walk(manager, start(manager, programme), Step.APPLIED, Step.SELECTED, Step.TRAINED)
    services.journey_advance(
        actor=manager,
        journey=journey,
        step=Step.CERTIFIED,
        on=TODAY,
        registration_number="87654321",
    )
    accounts_services.user_delete(user=journey.person, password=PASSWORD)
    journey.refresh_from_db()
    assert journey.person is None and journey.registration_number == ""
    assert journey.records.count() == 5  # the programme's figures stay true


def test_staff_make_a_cohort_and_add_people_by_e_mail(manager, programme, client):
    client.force_login(manager)
    response = client.post(
        "/admin/journeys/cohorts/",
        {"programme": programme.pk, "name": "Salé 2", "starts_on": "2026-09-01"},
    )
    cohort = Cohort.objects.get(name="Salé 2")
    assert response.status_code == 302
    again = client.post(
        "/admin/journeys/cohorts/",
        {"programme": programme.pk, "name": "salé 2", "starts_on": "2026-09-01"},
    )
    assert again.status_code == 200 and Cohort.objects.count() == 1
    person = factories.UserFactory(email="awa@example.org")
    url = f"/admin/journeys/cohorts/{cohort.pk}/"
    data = {
        "action": "join",
        "email": "AWA@example.org",
        "region": "rabat-sale",
        "on": "2026-09-02",
    }
    assert client.post(url, data).status_code == 302
    journey = person.journeys.get()
    assert journey.cohort == cohort and journey.step == Step.INFORMED
    twice = client.post(url, data)
    unknown = client.post(url, {**data, "email": "nobody@example.org"})
    assert twice.status_code == 200 and unknown.status_code == 200
    assert person.journeys.count() == 1
