import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_PERMISSIONS)


@pytest.mark.parametrize(
    ("role", "admin_access"),
    [
        (roles.ENTREPRENEUR, False),
        (roles.MENTOR, False),
        (roles.INSTITUTION_STAFF, True),  # for their own opportunities
        (roles.EDITOR, True),
        (roles.PROGRAMME_MANAGER, True),
    ],
)
def test_only_editorial_roles_reach_the_admin(client, home, role, admin_access):
    client.force_login(UserFactory(roles=[role]))
    response = client.get("/admin/")
    if admin_access:
        assert response.status_code == 200
    else:
        assert response.status_code == 302  # back to the login page, with a message


def test_editor_edits_but_cannot_publish_manager_can(home):
    editor = UserFactory(roles=[roles.EDITOR])
    manager = UserFactory(roles=[roles.PROGRAMME_MANAGER])
    assert home.permissions_for_user(editor).can_edit()
    assert not home.permissions_for_user(editor).can_publish()
    assert home.permissions_for_user(manager).can_publish()


def test_admin_user_form_uses_display_name(client, superuser, home):
    client.force_login(superuser)
    response = client.get("/admin/users/new/")
    assert response.status_code == 200
    assert 'name="display_name"' in response.content.decode()
    response = client.post(
        "/admin/users/new/",
        {
            "email": "New.Editor@example.org",
            "display_name": "Nouvelle éditrice",
            "preferred_language": "fr",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
            "groups": [Group.objects.get(name=roles.EDITOR).pk],
        },
    )
    assert response.status_code == 302
    from accounts.models import User

    created = User.objects.get(email="new.editor@example.org")
    assert created.groups.filter(name=roles.EDITOR).exists()
    # Staff vouch for the address: the new editor logs in on the public site at once.
    client.logout()
    response = client.post(
        reverse("accounts:login"),
        {"username": "New.Editor@example.org", "password": "un-mot-de-passe-solide"},
    )
    assert response.status_code == 302


def test_a_permission_taken_out_of_a_role_is_taken_away_on_the_next_migrate():
    from django.contrib.auth.models import Permission

    editors = Group.objects.get(name=roles.EDITOR)
    stray = Permission.objects.get(codename="view_sensitive_data")
    editors.permissions.add(stray)
    roles.sync_roles()
    assert not editors.permissions.filter(pk=stray.pk).exists()
    wanted = {dotted.split(".", 1)[1] for dotted in roles.ROLE_PERMISSIONS[roles.EDITOR]}
    assert set(editors.permissions.values_list("codename", flat=True)) == wanted
