"""Rate limits: log-in, sign-up, password reset, e-mail verification, messaging and the API
answer 429 with Retry-After beyond their limit, per client address or per user: someone else
is not blocked. Limits are settings; the tests lower them."""

import pytest
from django.urls import reverse

from accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db

IP_1 = "203.0.113.7"
IP_2 = "198.51.100.9"


@pytest.fixture
def limits(settings):
    def set_limit(scope, limit, window=300):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: (limit, window)}

    return set_limit


def assert_429(response, window):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= window


def test_login_is_limited_per_address(client, limits, home):
    limits("login", 3)
    url = reverse("accounts:login")
    for number in range(3):
        data = {"username": f"someone{number}@example.org", "password": "wrong"}
        assert client.post(url, data, REMOTE_ADDR=IP_1).status_code == 200
    response = client.post(url, {"username": "x@example.org", "password": "y"}, REMOTE_ADDR=IP_1)
    assert_429(response, 300)
    assert "429.html" in [template.name for template in response.templates]
    # Another address is not blocked, and the form can still be shown.
    user = factories.UserFactory()
    other = client.post(
        url, {"username": user.email, "password": factories.PASSWORD}, REMOTE_ADDR=IP_2
    )
    assert other.status_code == 302
    assert client.get(url, REMOTE_ADDR=IP_1).status_code in (200, 302)


def test_the_429_page_is_in_the_users_language(client, limits, home):
    limits("login", 0)
    response = client.post(
        "/ar/accounts/login/", {"username": "a@example.org", "password": "b"}, REMOTE_ADDR=IP_1
    )
    assert response.status_code == 429
    body = response.content.decode()
    assert 'lang="ar"' in body and 'dir="rtl"' in body


def test_signup_is_limited_per_address(client, limits, home):
    limits("signup", 2, 3600)
    url = reverse("accounts:signup")
    for _number in range(2):
        assert client.post(url, {"email": "not-an-email"}, REMOTE_ADDR=IP_1).status_code == 200
    assert_429(client.post(url, {"email": "not-an-email"}, REMOTE_ADDR=IP_1), 3600)
    assert client.post(url, {"email": "not-an-email"}, REMOTE_ADDR=IP_2).status_code == 200


def test_password_reset_is_limited_per_address_and_per_e_mail(client, limits, home, mailoutbox):
    limits("password_reset", 3, 900)
    limits("password_reset_per_email", 2, 3600)
    user = factories.UserFactory()
    url = reverse("accounts:password_reset")
    for _number in range(2):
        assert client.post(url, {"email": user.email}, REMOTE_ADDR=IP_1).status_code == 302
    # The same address a third time, even from elsewhere: no more mail to that person.
    assert_429(client.post(url, {"email": user.email}, REMOTE_ADDR=IP_2), 3600)
    assert len(mailoutbox) == 2
    # Another e-mail from the first address is still served once, then the address is done.
    assert client.post(url, {"email": "other@example.org"}, REMOTE_ADDR=IP_1).status_code == 302
    assert_429(client.post(url, {"email": "third@example.org"}, REMOTE_ADDR=IP_1), 900)


def test_verification_resend_is_limited(client, limits, home):
    limits("verification_per_email", 1, 3600)
    url = reverse("accounts:resend_verification")
    assert client.post(url, {"email": "a@example.org"}, REMOTE_ADDR=IP_1).status_code == 302
    assert_429(client.post(url, {"email": "a@example.org"}, REMOTE_ADDR=IP_1), 3600)
    assert client.post(url, {"email": "b@example.org"}, REMOTE_ADDR=IP_1).status_code == 302


def test_the_api_is_limited_per_user_reads_and_writes(client, limits):
    limits("api", 4, 60)
    first, second = factories.UserFactory(), factories.UserFactory()
    client.force_login(first)
    url = "/api/v1/messaging/conversations"
    for _number in range(3):
        assert client.get(url).status_code == 200
    # A write counts as well.
    write = client.post(
        "/api/v1/programmes/my/registrations", {"event_id": 0}, content_type="application/json"
    )
    assert write.status_code == 404
    response = client.get(url)
    assert_429(response, 60)
    assert response.json()["message"]
    assert_429(client.post("/api/v1/messaging/conversations/1/read", {}, "application/json"), 60)
    # Another user on the same address is not blocked.
    client.force_login(second)
    assert client.get(url).status_code == 200
    # The containers' health check is never limited.
    assert client.get("/api/v1/health").status_code == 200


def test_the_anonymous_api_is_limited_per_address(client, limits):
    limits("api", 2, 60)
    url = "/api/v1/marketplace/businesses"
    for _number in range(2):
        assert client.get(url, REMOTE_ADDR=IP_1).status_code == 200
    assert_429(client.get(url, REMOTE_ADDR=IP_1), 60)
    assert client.get(url, REMOTE_ADDR=IP_2).status_code == 200


def test_messaging_is_limited_per_sender(client, limits):
    limits("messaging", 2, 10)
    owner, buyer, conversation = factories.conversation_about_business()
    url = f"/api/v1/messaging/conversations/{conversation.pk}/messages"

    def send(user, number):
        client.force_login(user)
        payload = {"text": f"Bonjour {number}", "client_key": f"{user.pk}-{number}"}
        return client.post(url, payload, content_type="application/json")

    assert [send(buyer, n).status_code for n in range(2)] == [201, 201]
    response = send(buyer, 3)
    assert_429(response, 10)
    assert response.json()["message"]
    # The other participant still writes.
    assert send(owner, 1).status_code == 201


def test_the_conversation_page_answers_429_when_sending_too_fast(client, limits):
    limits("messaging", 1, 10)
    owner, buyer, conversation = factories.conversation_about_business()
    client.force_login(buyer)
    url = reverse("messaging:conversation", args=[conversation.pk])
    assert client.post(url, {"text": "Un", "client_key": "k-1"}).status_code == 302
    response = client.post(url, {"text": "Deux", "client_key": "k-2"})
    assert_429(response, 10)
    assert "Deux" in response.content.decode()  # the text is kept in the box


def test_the_admin_log_in_shares_the_sites_limit(client, limits, home):
    limits("login", 2)
    data = {"username": "x@example.org", "password": "wrong"}
    assert client.post("/fr/accounts/login/", data, REMOTE_ADDR=IP_1).status_code == 200
    assert client.post("/admin/login/", data, REMOTE_ADDR=IP_1).status_code == 200
    assert_429(client.post("/admin/login/", data, REMOTE_ADDR=IP_1), 300)
    assert_429(client.post("/fr/accounts/login/", data, REMOTE_ADDR=IP_1), 300)
    # Another address still logs in to the admin.
    manager = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    response = client.post(
        "/admin/login/",
        {"username": manager.email, "password": factories.PASSWORD},
        REMOTE_ADDR=IP_2,
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/login/", REMOTE_ADDR=IP_1).status_code in (200, 302)


def test_the_admin_password_reset_is_limited_per_e_mail(client, limits, home, mailoutbox):
    limits("password_reset_per_email", 1, 3600)
    manager = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    url = "/admin/password_reset/"
    assert "no-store" in client.get(url)["Cache-Control"]  # never kept by a cache
    assert client.post(url, {"email": manager.email}, REMOTE_ADDR=IP_1).status_code == 302
    assert_429(client.post(url, {"email": manager.email}, REMOTE_ADDR=IP_2), 3600)
    assert len(mailoutbox) == 1
