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


def test_behind_the_proxy_each_client_address_counts_apart(client, user, settings):
    """In production the app sees nginx's address; the client's is in X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1

    def login(password, client_address, forged=""):
        chain = f"{forged}, {client_address}" if forged else client_address
        return client.post(
            reverse("accounts:login"),
            {"username": user.email, "password": password},
            REMOTE_ADDR="172.18.0.5",
            HTTP_X_FORWARDED_FOR=chain,
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        # An attacker cannot dodge the counter by writing its own X-Forwarded-For entry.
        login("wrong", "203.0.113.66", forged=f"10.9.9.{_}")
    assert login(PASSWORD, "203.0.113.66").status_code == 429
    # The account's owner, elsewhere, behind the same proxy, still logs in.
    assert login(PASSWORD, "198.51.100.20").status_code == 302


def test_choosing_a_new_password_lifts_the_lockout(client, user):
    import re

    from django.core import mail

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong")
    assert _login(client, user.email, PASSWORD).status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0).split("127.0.0.1:8000", 1)[1]
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "brand-new-pass-7", "new_password2": "brand-new-pass-7"}
    )
    assert _login(client, user.email, "brand-new-pass-7").status_code == 302


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
