import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import roles
from marketplace import services
from marketplace.models import BusinessStatus, Membership
from tests import factories

pytestmark = pytest.mark.django_db
S = BusinessStatus

ALLOWED = {
    ("submit", S.DRAFT): S.SUBMITTED,
    ("submit", S.CHANGES_REQUESTED): S.SUBMITTED,
    ("request_changes", S.SUBMITTED): S.CHANGES_REQUESTED,
    ("publish", S.SUBMITTED): S.PUBLISHED,
    ("hide", S.PUBLISHED): S.HIDDEN,
    ("unhide", S.HIDDEN): S.PUBLISHED,
    ("suspend", S.PUBLISHED): S.SUSPENDED,
    ("suspend", S.HIDDEN): S.SUSPENDED,
    ("reinstate", S.SUSPENDED): S.PUBLISHED,
}
STAFF_ACTIONS = {"request_changes", "publish", "suspend", "reinstate"}


def _actor(action, owner, manager):
    return manager if action in STAFF_ACTIONS else owner


@pytest.mark.parametrize("action", sorted(services.TRANSITIONS))
@pytest.mark.parametrize("status", S.values)
def test_every_transition_is_allowed_or_refused_as_designed(
    action, status, business, owner, manager, django_capture_on_commit_callbacks
):
    business.status = status
    business.save()
    actor = _actor(action, owner, manager)
    expected = ALLOWED.get((action, status))
    with django_capture_on_commit_callbacks(execute=True):
        if expected is None:
            with pytest.raises(ValidationError):
                services.business_transition(
                    actor=actor, business=business, action=action, reason="Parce que."
                )
        else:
            services.business_transition(
                actor=actor, business=business, action=action, reason="Parce que."
            )
    business.refresh_from_db()
    if expected is None:
        assert business.status == status
        assert not business.events.filter(action=action).exists()
        assert mail.outbox == []
    else:
        assert business.status == expected
        event = business.events.get(action=action)
        assert (event.actor, event.from_status, event.to_status) == (actor, status, expected)
        # The owners are told, in their language.
        assert owner.email in [address for message in mail.outbox for address in message.to]


@pytest.mark.parametrize("action", sorted(STAFF_ACTIONS))
def test_owners_cannot_moderate_their_own_business(action, business, owner):
    business.status = S.SUBMITTED
    business.save()
    with pytest.raises(PermissionDenied):
        services.business_transition(actor=owner, business=business, action=action, reason="x")


@pytest.mark.parametrize("role", [roles.EDITOR, roles.MENTOR, roles.INSTITUTION_STAFF])
def test_other_roles_cannot_moderate(role, business):
    business.status = S.SUBMITTED
    business.save()
    with pytest.raises(PermissionDenied):
        services.business_transition(
            actor=factories.UserFactory(roles=[role]), business=business, action="publish"
        )


def test_members_and_strangers_cannot_submit_or_hide(business, owner, stranger):
    member = factories.UserFactory()
    Membership.objects.create(business=business, user=member, role=Membership.Role.MEMBER)
    for actor in (member, stranger):
        with pytest.raises(PermissionDenied):
            services.business_transition(actor=actor, business=business, action="submit")
    business.refresh_from_db()
    assert business.status == S.DRAFT


def test_sending_back_or_suspending_needs_a_reason(business, manager):
    business.status = S.SUBMITTED
    business.save()
    with pytest.raises(ValidationError):
        services.business_transition(
            actor=manager, business=business, action="request_changes", reason="  "
        )
    services.business_transition(
        actor=manager, business=business, action="request_changes", reason="Ajoutez une photo."
    )
    assert business.events.first().reason == "Ajoutez une photo."


def test_only_published_businesses_are_public(client, business, owner):
    for status in S.values:
        business.status = status
        business.save()
        response = client.get(business.get_absolute_url())
        assert response.status_code == (200 if status == S.PUBLISHED else 404), status
        directory = client.get("/fr/businesses/").content.decode()
        assert (business.name in directory) == (status == S.PUBLISHED)


def test_owners_preview_their_unpublished_business(client, business, owner, stranger):
    client.force_login(owner)
    response = client.get(business.get_absolute_url())
    assert response.status_code == 200
    assert response.context["preview"]
    client.force_login(stranger)
    assert client.get(business.get_absolute_url()).status_code == 404


def test_a_suspended_business_cannot_be_edited(business, owner):
    business.status = S.SUSPENDED
    business.save()
    with pytest.raises(PermissionDenied):
        services.business_update(actor=owner, business=business, name="Nouveau nom")
