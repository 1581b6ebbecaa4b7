import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, email, password, ip="203.0.113.5"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_repeated_failures_lock_the_account_from_that_address(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, user.email, "wrong")
        assert response.status_code == 200
    response = _login(client, user.email, "wrong")
    assert response.status_code == 429
    # Even the right password is refused while the lock holds.
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "15" in response.content.decode()


def test_lockout_does_not_spill_to_other_addresses_or_accounts(client, user, other_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong")
    # Someone else cannot lock the owner out from elsewhere...
    assert _login(client, user.email, PASSWORD, ip="198.51.100.7").status_code == 302
    client.logout()
    # ...and another account from the same address still logs in.
    assert _login(client, other_user.email, PASSWORD).status_code == 302


def test_wagtail_admin_login_is_throttled_too(client, superuser):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": superuser.email, "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
        )
    response = client.post(
        "/admin/login/",
        {"username": superuser.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429
