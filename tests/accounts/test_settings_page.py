import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_user_changes_name_language_and_time_zone(client, user, home):
    client.force_login(user)
    response = client.post(
        reverse("accounts:settings"),
        {"display_name": "Awa", "preferred_language": "en", "time_zone": "Europe/Paris"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/settings/"
    assert response.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language, user.time_zone) == (
        "Awa",
        "en",
        "Europe/Paris",
    )


def test_bad_settings_are_refused_and_change_nothing(client, user, home):
    client.force_login(user)
    for data in (
        {"display_name": "", "preferred_language": "fr", "time_zone": "Africa/Casablanca"},
        {"display_name": "Awa", "preferred_language": "xx", "time_zone": "Africa/Casablanca"},
        {"display_name": "Awa", "preferred_language": "fr", "time_zone": "Mars/Olympus"},
    ):
        response = client.post(reverse("accounts:settings"), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    user.refresh_from_db()
    assert user.display_name != "Awa"


def test_requests_run_in_the_users_time_zone(rf, user):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    from accounts.middleware import UserTimezoneMiddleware

    middleware = UserTimezoneMiddleware(lambda request: timezone.get_current_timezone_name())
    user.time_zone = "America/New_York"
    request = rf.get("/")
    request.user = user
    assert middleware(request) == "America/New_York"
    request.user = AnonymousUser()
    assert middleware(request) == "Africa/Casablanca"


def test_password_change(client, user, home):
    from tests.factories import PASSWORD

    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-pass-123",
            "new_password2": "a-new-pass-123",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-pass-123")
