import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_roles_hold_the_programme_permissions():
    managers = Group.objects.get(name=roles.PROGRAMME_MANAGER)
    staff = Group.objects.get(name=roles.INSTITUTION_STAFF)
    codenames = set(managers.permissions.values_list("codename", flat=True))
    assert {"manage_programme", "take_attendance"} <= codenames
    assert "take_attendance" in set(staff.permissions.values_list("codename", flat=True))
    assert "manage_programme" not in set(staff.permissions.values_list("codename", flat=True))


def test_a_manager_creates_a_programme_with_targets_in_the_admin(client, manager):
    institution = factories.institution()
    client.force_login(manager)
    assert client.get(reverse("programmes_admin:index")).status_code == 200
    add = reverse("programmes_admin:add")
    assert client.get(add).status_code == 200
    data = {
        "name": "Work4Integration",
        "slug": "w4i",
        "funder": "UE",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "budget_eur": "720847",
        "regions": ["rabat-sale", "tanger-tetouan"],
        "institutions": [institution.pk],
        "description": "",
        "fund_eur": "100000",
        "training_sessions_required": "4",
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-indicator": "informed",
        "targets-0-baseline": "0",
        "targets-0-target_value": "800",
        "targets-0-unit": "",
        "targets-0-notes": "",
        "targets-0-ORDER": "1",
        "targets-0-DELETE": "",
        "targets-0-id": "",
        "targets-1-indicator": "certified",
        "targets-1-baseline": "0",
        "targets-1-target_value": "400",
        "targets-1-unit": "",
        "targets-1-notes": "",
        "targets-1-ORDER": "2",
        "targets-1-DELETE": "",
        "targets-1-id": "",
    }
    response = client.post(add, data)
    assert response.status_code == 302, response.context["form"].errors
    programme = Programme.objects.get(slug="w4i")
    assert programme.regions == ["rabat-sale", "tanger-tetouan"]
    assert list(programme.institutions.all()) == [institution]
    assert {t.indicator: t.target_value for t in programme.targets.all()} == {
        "informed": 800,
        "certified": 400,
    }


def test_a_bad_region_or_period_is_a_form_error(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("programmes_admin:add"),
        {
            "name": "X",
            "slug": "x",
            "starts_on": "2026-01-01",
            "ends_on": "2025-01-01",
            "regions": ["mars"],
            "targets-TOTAL_FORMS": "0",
            "targets-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Programme.objects.exists()


@pytest.mark.parametrize("role", [roles.EDITOR, roles.INSTITUTION_STAFF, roles.ENTREPRENEUR])
def test_other_roles_cannot_manage_programmes(client, role):
    programme = factories.programme()
    client.force_login(factories.UserFactory(roles=[role]))
    for url in (
        reverse("programmes_admin:index"),
        reverse("programmes_admin:add"),
        reverse("programmes_admin:edit", args=[programme.pk]),
    ):
        assert client.get(url).status_code in (302, 403), url


def test_events_and_opportunities_have_the_programme_in_their_panels(client, manager, event):
    client.force_login(manager)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[event.pk]))
    assert b'name="programme"' in response.content and b'name="counts_as"' in response.content
    response = client.get(reverse("opportunities:add"))
    assert b'name="programme"' in response.content
