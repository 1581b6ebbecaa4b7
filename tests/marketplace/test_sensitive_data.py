"""Nationality and residence status: on the person, never public, exported only with purpose."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from marketplace import services
from tests import factories

pytestmark = pytest.mark.django_db
NATIONALITY = "Sénégalaise-XYZ"


@pytest.fixture
def person(owner):
    owner.nationality = NATIONALITY
    owner.residence_status = "refugee"
    owner.save()
    return owner


def test_person_sets_them_in_their_settings_and_finds_them_in_their_export(client, owner):
    client.force_login(owner)
    client.post(
        reverse("accounts:settings"),
        {
            "display_name": "Fatou",
            "preferred_language": "fr",
            "time_zone": "Africa/Casablanca",
            "gender": "woman",
            "nationality": NATIONALITY,
            "residence_status": "permit",
        },
    )
    owner.refresh_from_db()
    assert (owner.nationality, owner.residence_status) == (NATIONALITY, "permit")
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert data["account"]["nationality"] == NATIONALITY


def test_never_on_public_pages_or_the_api(client, person):
    business = factories.business(person, name="Saveurs")
    for url in (
        business.get_absolute_url(),
        "/fr/businesses/",
        f"/api/v1/marketplace/businesses/{business.slug}",
        "/api/v1/marketplace/businesses",
    ):
        body = client.get(url).content.decode()
        assert NATIONALITY not in body and "refugee" not in body, url


def test_exports_include_them_only_for_staff_allowed_to_see_them(
    client, person, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    reviewer = factories.UserFactory(roles=["Institution staff"])
    institution = factories.institution(staff=[reviewer])
    opportunity = factories.opportunity(institution, questions=[("Projet", "long", False)])
    application = services.application_save(actor=person, opportunity=opportunity)
    services.application_submit(actor=person, application=application)
    url = reverse("marketplace:staff_export", args=[opportunity.pk, "csv"])

    client.force_login(reviewer)
    body = client.get(url).content.decode("utf-8-sig")
    assert NATIONALITY not in body
    reviewer.user_permissions.add(
        Permission.objects.get(codename="view_sensitive_data", content_type__app_label="accounts")
    )
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # fresh permission cache
    client.force_login(reviewer)
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert len(rows[0]) == len(rows[1])
    assert NATIONALITY in rows[1]
