import json
import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from accounts.models import Consent, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Aminata Diallo",
    "email": "Aminata@Example.org",
    "password": "un-mot-de-passe-solide",
    "role": "Entrepreneurs",
    "preferred_language": "ar",
    "accept_terms": "on",
}


def _verification_link():
    assert len(mail.outbox) == 1
    match = re.search(r"http://\S+/accounts/verify/\S+/", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(0).split("127.0.0.1:8000", 1)[1]


def test_signup_verify_login_export_delete(client, home, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="aminata@example.org")
    assert not user.email_verified
    assert list(user.groups.values_list("name", flat=True)) == ["Entrepreneurs"]
    consent = user.consents.get()
    assert consent.document == Consent.Document.TERMS and consent.accepted_at

    # The e-mail is written in the language the person chose.
    assert mail.outbox[0].to == ["aminata@example.org"]
    assert "ترامبلان" in mail.outbox[0].subject or "Tremplin" in mail.outbox[0].subject

    # Before confirming, the right password is not enough.
    response = client.post(
        reverse("accounts:login"), {"username": SIGNUP["email"], "password": SIGNUP["password"]}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

    link = _verification_link()
    response = client.get(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified

    response = client.post(
        reverse("accounts:login"),
        {"username": "AMINATA@example.org", "password": SIGNUP["password"]},
    )
    # Logged in, and sent to the site in the language chosen at sign-up.
    assert response.status_code == 302
    assert response["Location"].startswith("/ar/")
    assert int(client.session["_auth_user_id"]) == user.pk

    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "aminata@example.org"
    assert data["account"]["roles"] == ["Entrepreneurs"]
    assert data["consents"][0]["document"] == "terms"

    response = client.post(
        reverse("accounts:delete"), {"password": SIGNUP["password"], "confirm": "on"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Consent.objects.filter(user_id=user.pk).exists()
    assert "_auth_user_id" not in client.session


def test_verification_link_confirms_only_its_own_account(
    client, home, django_capture_on_commit_callbacks
):
    other = UserFactory(email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)
    link = _verification_link()
    token = link.rstrip("/").split("/")[-1]
    # A token altered to name another account is refused.
    payload, _, signature = token.partition(":")
    forged = signing.dumps([other.pk, other.email], salt="wrong-salt", compress=True)
    for bad in (forged, f"{payload}x:{signature}", "garbage", token[:-3]):
        assert client.get(reverse("accounts:verify_email", args=[bad])).status_code == 400
    other.refresh_from_db()
    assert not other.email_verified
    assert not User.objects.get(email="aminata@example.org").email_verified
    # The real link works, and opening it twice is harmless.
    assert client.get(link).status_code == 302
    assert client.get(link).status_code == 302
    assert User.objects.get(email="aminata@example.org").email_verified


def test_verification_link_expires(client, home, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)
    settings.EMAIL_VERIFICATION_TIMEOUT = -1
    assert client.get(_verification_link()).status_code == 400
    assert not User.objects.get(email="aminata@example.org").email_verified


def test_verification_link_dies_when_the_address_changes(
    client, home, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)
    User.objects.filter(email="aminata@example.org").update(email="new@example.org")
    assert client.get(_verification_link()).status_code == 400


def test_signing_up_with_a_taken_address_reveals_nothing(
    client, home, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="taken@example.org", display_name="Owner")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": "TAKEN@example.org"})
    # The visitor sees what any new member sees...
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    # ...and the owner of the address is told.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_signup_refuses_bad_input_and_changes_nothing(
    client, home, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.org")
    cases = [
        {**SIGNUP, "accept_terms": ""},
        {**SIGNUP, "password": "12345678"},
        {**SIGNUP, "email": "not-an-address"},
        # Staff roles are granted by the programme team, never chosen at sign-up.
        {**SIGNUP, "role": "Programme managers"},
    ]
    for data in cases:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:signup"), data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_delete_needs_the_password(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert User.objects.filter(pk=user.pk).exists()


def test_export_holds_only_my_data(client, user, other_user):
    client.force_login(user)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert data["account"]["email"] == user.email
    assert other_user.email not in json.dumps(data)


def test_privacy_pages_need_login(client, db):
    for name in ("settings", "export", "delete", "password_change"):
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_resend_does_not_reveal_who_has_an_account(client, home):
    UserFactory(email="unverified@example.org", email_verified_at=None)
    first = client.post(
        reverse("accounts:resend_verification"), {"email": "unverified@example.org"}
    )
    second = client.post(reverse("accounts:resend_verification"), {"email": "nobody@example.org"})
    assert first.status_code == second.status_code == 302
    assert len(mail.outbox) == 1


def test_emails_are_plain_text_not_html_escaped(client, home, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), {**SIGNUP, "display_name": "Fatou N'Diaye & Co"})
    assert "Fatou N'Diaye & Co" in mail.outbox[0].body
    assert "&amp;" not in mail.outbox[0].body and "&#x27;" not in mail.outbox[0].body


def test_password_reset_sends_a_working_link(client, user):
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0).split("127.0.0.1:8000", 1)[1]
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "nouveau-mot-de-passe-9", "new_password2": "nouveau-mot-de-passe-9"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nouveau-mot-de-passe-9")
    assert not user.check_password(PASSWORD)
