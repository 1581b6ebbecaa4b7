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
