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


def test_failures_spread_over_addresses_raise_one_alarm_and_lock_nobody_out(
    client, user, superuser, mailoutbox, settings, django_capture_on_commit_callbacks
):
    """16 wrong passwords from 4 addresses stay under every address's own limit; the account
    as a whole raises an alarm to its owner and the administrators, once, and its owner still
    logs in from a fifth address."""
    addresses = [f"203.0.113.{n}" for n in range(1, 5)]
    per_address = settings.AXES_FAILURE_LIMIT - 1
    with django_capture_on_commit_callbacks(execute=True):
        for address in addresses:
            for _ in range(per_address):
                assert _login(client, user.email, "wrong", ip=address).status_code == 200
    alarms = [m for m in mailoutbox if "log-in" in m.subject.lower() or "connexion" in m.subject]
    assert sorted(recipient for m in alarms for recipient in m.to) == sorted(
        [user.email, superuser.email]
    )
    to_owner = next(m for m in alarms if m.to == [user.email])
    assert "/accounts/password-reset/" in to_owner.body
    assert str(len(addresses)) in to_owner.body
    to_staff = next(m for m in alarms if m.to == [superuser.email])
    assert f"/admin/users/edit/{user.pk}/" in to_staff.body
    assert user.login_alarms.count() == 1
    # More failures within the window do not repeat it.
    _login(client, user.email, "wrong", ip="198.51.100.9")
    assert user.login_alarms.count() == 1
    # Nobody is locked out by the alarm.
    assert _login(client, user.email, PASSWORD, ip="192.0.2.77").status_code == 302


@pytest.mark.parametrize(
    ("failures", "raised"), [(9, False), (10, True)], ids=["below", "at-the-threshold"]
)
def test_the_alarm_counts_failures_of_the_account_only(client, user, failures, raised, settings):
    settings.LOGIN_ALARM_FAILURES = 10
    for n in range(failures):
        _login(client, user.email.upper(), "wrong", ip=f"198.51.100.{n}")
        _login(client, "nobody-here@example.org", "wrong", ip=f"198.51.100.{n}")
    assert user.login_alarms.exists() == raised
