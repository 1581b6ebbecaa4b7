from django.conf import settings
from django.urls import reverse
from django_tasks import task

from accounts.emails import absolute_url, reverse_in, send_to_user


@task()
def send_verification_email(*, user_id):
    from accounts.models import User
    from accounts.tokens import make_email_verification_token

    user = User.objects.filter(pk=user_id, email_verified_at__isnull=True).first()
    if user is None:
        return
    token = make_email_verification_token(user)
    path = reverse_in(user.preferred_language, "accounts:verify_email", token=token)
    send_to_user(user, "accounts/email/verify_email", {"url": absolute_url(path)})


@task()
def send_existing_account_email(*, user_id):
    """Someone signed up with the address of an existing account: tell its owner."""
    from accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    language = user.preferred_language
    send_to_user(
        user,
        "accounts/email/existing_account",
        {
            "login_url": absolute_url(reverse_in(language, "accounts:login")),
            "reset_url": absolute_url(reverse_in(language, "accounts:password_reset")),
        },
    )


@task()
def send_login_alarm(*, alarm_id):
    """Many failed log-ins on an account: tell its owner, and the administrators (each in their
    own language) with a link to the account in the admin."""
    from accounts.models import LoginAlarm, User

    alarm = LoginAlarm.objects.select_related("user").filter(pk=alarm_id).first()
    if alarm is None:
        return
    user = alarm.user
    hours = int(settings.LOGIN_ALARM_WINDOW.total_seconds() // 3600)
    context = {"alarm": alarm, "hours": hours}
    send_to_user(
        user,
        "accounts/email/login_alarm",
        {
            **context,
            "reset_url": absolute_url(
                reverse_in(user.preferred_language, "accounts:password_reset")
            ),
        },
    )
    account_url = absolute_url(reverse("wagtailusers_users:edit", args=[user.pk]))
    for administrator in User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk):
        send_to_user(
            administrator,
            "accounts/email/login_alarm_staff",
            {**context, "account": user, "account_url": account_url},
        )
