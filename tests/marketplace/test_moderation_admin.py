import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db


def test_programme_manager_publishes_from_the_admin(
    client, business, owner, manager, django_capture_on_commit_callbacks
):
    business.status = "submitted"
    business.save()
    client.force_login(manager)
    index = client.get(reverse("marketplace_admin:index"))
    assert index.status_code == 200
    assert business.name in index.content.decode()
    url = reverse("marketplace_admin:detail", args=[business.pk])
    page = client.get(url).content.decode()
    # Staff see the private part, which the public never does.
    assert "ICE-000123456" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "publish", "reason": ""})
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.status == "published"
    assert mail.outbox[0].to == [owner.email]


def test_sending_back_without_a_reason_changes_nothing(client, business, manager):
    business.status = "submitted"
    business.save()
    client.force_login(manager)
    url = reverse("marketplace_admin:detail", args=[business.pk])
    client.post(url, {"action": "request_changes", "reason": ""})
    business.refresh_from_db()
    assert business.status == "submitted"
    client.post(url, {"action": "request_changes", "reason": "Précisez vos tarifs."})
    business.refresh_from_db()
    assert business.status == "changes-requested"


@pytest.mark.parametrize("role", [roles.EDITOR, roles.ENTREPRENEUR])
def test_other_roles_cannot_reach_the_moderation_screens(client, business, role):
    client.force_login(factories.UserFactory(roles=[role]))
    for url in (
        reverse("marketplace_admin:index"),
        reverse("marketplace_admin:detail", args=[business.pk]),
    ):
        assert client.get(url).status_code in (302, 403)
    response = client.post(
        reverse("marketplace_admin:detail", args=[business.pk]), {"action": "publish"}
    )
    assert response.status_code in (302, 403)
    business.refresh_from_db()
    assert business.status == "draft"


def test_programme_manager_sets_up_an_institution_and_its_opportunity(client, manager):
    from marketplace.models import Institution, Opportunity

    staff_member = factories.UserFactory(roles=[roles.INSTITUTION_STAFF])
    client.force_login(manager)
    for url in ("/admin/institutions/", "/admin/institutions/new/", "/admin/opportunities/new/"):
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/admin/institutions/new/",
        {
            "name": "ODCO",
            "slug": "odco",
            "kind": "chamber",
            "description": "",
            "regions": "[]",
            "time_zone": "Africa/Casablanca",
            "is_public": "on",
            "staff-TOTAL_FORMS": "1",
            "staff-INITIAL_FORMS": "0",
            "staff-MIN_NUM_FORMS": "0",
            "staff-MAX_NUM_FORMS": "1000",
            "staff-0-user": staff_member.pk,
            "staff-0-id": "",
            "staff-0-ORDER": "1",
            "staff-0-DELETE": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    institution = Institution.objects.get(slug="odco")
    assert list(institution.staff.values_list("user", flat=True)) == [staff_member.pk]
    response = client.post(
        "/admin/opportunities/new/",
        {
            "institution": institution.pk,
            "title": "Appui aux coopératives",
            "slug": "appui-cooperatives",
            "kind": "certification",
            "capacity": "",
            "description": "",
            "eligibility": "",
            "regions": "[]",
            "opens_at": "2026-12-01 09:00",
            "closes_at": "2026-11-01 09:00",  # before it opens: refused
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "criteria-TOTAL_FORMS": "0",
            "criteria-INITIAL_FORMS": "0",
            "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert not Opportunity.objects.exists()


def test_entrepreneurs_cannot_manage_institutions(client, owner):
    client.force_login(owner)
    assert client.get("/admin/institutions/new/").status_code in (302, 403)


def test_institution_staff_manage_only_their_own_opportunities(client):
    from marketplace.models import Opportunity

    mine_staff = factories.UserFactory(roles=[roles.INSTITUTION_STAFF])
    mine = factories.institution(name="Maroc PME", staff=[mine_staff])
    theirs = factories.institution(name="Autre")
    my_opportunity = factories.opportunity(mine, title="La mienne")
    their_opportunity = factories.opportunity(theirs, title="La leur")
    client.force_login(mine_staff)
    listing = client.get("/admin/opportunities/").content.decode()
    assert "La mienne" in listing and "La leur" not in listing
    assert client.get(f"/admin/opportunities/edit/{my_opportunity.pk}/").status_code == 200
    response = client.get(f"/admin/opportunities/edit/{their_opportunity.pk}/")
    assert response.status_code in (302, 403, 404)
    # The institutions they may choose are theirs only.
    form = client.get("/admin/opportunities/new/").context["form"]
    assert list(form.fields["institution"].queryset) == [mine]
    # No deleting, and no institutions screen.
    response = client.get(f"/admin/opportunities/delete/{my_opportunity.pk}/")
    assert response.status_code in (302, 403)
    assert Opportunity.objects.filter(pk=my_opportunity.pk).exists()
    assert client.get("/admin/institutions/").status_code in (302, 403)
