import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from marketplace import services
from marketplace.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def test_owner_invites_a_co_owner_who_accepts(
    client, business, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.member_invite(actor=owner, business=business, email="Moussa@Example.org")
    assert mail.outbox[0].to == ["moussa@example.org"]
    path = re.search(r"http://\S+(/\w\w/my-business/invitations/\d+/)", mail.outbox[0].body)
    moussa = factories.UserFactory(email="moussa@example.org")
    client.force_login(moussa)
    assert client.get(path.group(1)).status_code == 200
    response = client.post(path.group(1))
    assert response.status_code == 302
    membership = Membership.objects.get(business=business, user=moussa)
    assert membership.role == Membership.Role.OWNER


def test_an_invitation_works_only_for_the_invited_address(client, business, owner, stranger):
    invitation = services.member_invite(actor=owner, business=business, email="moussa@example.org")
    client.force_login(stranger)
    url = reverse("marketplace:invitation_accept", args=[invitation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=stranger, invitation_id=invitation.pk)
    assert not Membership.objects.filter(business=business, user=stranger).exists()


def test_members_cannot_invite(business):
    member = factories.UserFactory()
    Membership.objects.create(business=business, user=member, role=Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied):
        services.member_invite(actor=member, business=business, email="x@example.org")


def test_the_last_owner_cannot_leave(business, owner):
    with pytest.raises(ValidationError):
        services.member_remove(actor=owner, business=business, user=owner)
    co_owner = factories.UserFactory()
    Membership.objects.create(business=business, user=co_owner, role=Membership.Role.OWNER)
    services.member_remove(actor=owner, business=business, user=owner)
    assert list(business.memberships.values_list("user", flat=True)) == [co_owner.pk]
    # ...and now the co-owner is the last one.
    with pytest.raises(ValidationError):
        services.member_remove(actor=co_owner, business=business, user=co_owner)


def test_only_owners_remove_others(business, owner):
    member = factories.UserFactory()
    other = factories.UserFactory()
    Membership.objects.create(business=business, user=member, role=Membership.Role.MEMBER)
    Membership.objects.create(business=business, user=other, role=Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied):
        services.member_remove(actor=member, business=business, user=other)
    services.member_remove(actor=member, business=business, user=member)  # leaving is fine
    services.member_remove(actor=owner, business=business, user=other)
    assert list(business.memberships.values_list("user", flat=True)) == [owner.pk]


@pytest.mark.parametrize(
    ("name", "method", "kwargs"),
    [
        ("dashboard_business", "get", {}),
        ("business_edit", "get", {}),
        ("business_edit", "post", {}),
        ("business_action", "post", {"action": "submit"}),
        ("member_invite", "post", {}),
        ("offer_create", "get", {}),
    ],
)
def test_another_users_business_id_is_refused(client, business, stranger, name, method, kwargs):
    client.force_login(stranger)
    url = reverse(f"marketplace:{name}", kwargs={"business_id": business.pk, **kwargs})
    response = getattr(client, method)(url, {"email": "x@example.org", "name": "Piraté"})
    assert response.status_code == 404
    business.refresh_from_db()
    assert business.name != "Piraté" and business.status == "draft"
    assert not business.invitations.exists()


def test_another_businesses_offer_id_is_refused(client, business, owner, stranger):
    theirs = factories.business(stranger, status="published")
    offer = services.offer_save(actor=stranger, business=theirs, title="Leur offre")
    client.force_login(owner)
    for name in ("offer_edit", "offer_delete"):
        url = reverse(
            f"marketplace:{name}", kwargs={"business_id": business.pk, "offer_id": offer.pk}
        )
        assert client.post(url, {"title": "Volée"}).status_code == 404
    offer.refresh_from_db()
    assert offer.title == "Leur offre"
    url = reverse("marketplace:member_remove", args=[theirs.pk, stranger.pk])
    assert client.post(url).status_code == 404
