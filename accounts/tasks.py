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
