"""Pages that show personal data are never stored by a cache or kept by the browser (a shared
phone, a cybercafé): every answer to a signed-in person, every answer to a posted form and
pages read by a private link carry Cache-Control: no-store. Public pages read anonymously stay
cacheable."""

import pytest
from django.urls import reverse

from accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = [
    "/fr/",
    "/fr/accounts/settings/",
    "/fr/accounts/settings/password/",
    "/fr/my-business/",
    "/fr/my-mentoring/",
    "/fr/my-applications/",
    "/fr/messages/",
    "/fr/jury/",
    "/fr/businesses/",
    "/admin/",
    "/admin/impact/",
    "/api/v1/messaging/conversations",
    "/api/v1/marketplace/businesses",
]


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_every_answer_to_a_signed_in_person_is_no_store(client, home, path):
    person = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER, roles.ENTREPRENEUR])
    client.force_login(person)
    response = client.get(path)
    assert response.status_code == 200, path
    assert _no_store(response), (path, response.get("Cache-Control"))
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/fr/", "/fr/businesses/", "/api/v1/marketplace/businesses"])
def test_public_pages_read_anonymously_stay_cacheable(client, home, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not _no_store(response)


def test_a_posted_form_is_not_kept(client, home):
    response = client.post(
        reverse("accounts:signup"), {"email": "someone@example.org", "password1": "x"}
    )
    assert response.status_code == 200  # the form again, with the address typed in it
    assert _no_store(response)


def test_a_registration_read_by_its_private_link_is_not_kept(client, home):
    from cms.models import EventIndexPage

    events = factories.add_page(home, EventIndexPage, title="Événements", slug="evenements")
    event = factories.event_page(events, capacity=10)
    registration = factories.registration(event, name="Awa Diallo", phone="+212600000001")
    for name in ("registration_detail", "registration_ics"):
        response = client.get(reverse(f"programmes:{name}", args=[registration.token]))
        assert response.status_code == 200
        assert _no_store(response), name
