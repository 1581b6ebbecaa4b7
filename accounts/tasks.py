from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def send_verification_email(*, user_id):
    from accounts.models import User
    from accounts.tokens import make_email_verification_token

    user = User.objects.filter(pk=user_id, email_verified_at__isnull=True).first()
    if user is None:
        return
    token = make_email_verification_token(user)
    path = reverse_in(user.preferred_language, "accounts:verify_email", token=token)
    _send(user, "verify_email", {"url": settings.SITE_URL.rstrip("/") + path})


@task()
def send_existing_account_email(*, user_id):
    """Someone signed up with the address of an existing account: tell its owner."""
    from accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    site = settings.SITE_URL.rstrip("/")
    _send(
        user,
        "existing_account",
        {
            "login_url": site + reverse_in(user.preferred_language, "accounts:login"),
            "reset_url": site + reverse_in(user.preferred_language, "accounts:password_reset"),
        },
    )


def reverse_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def _send(user, template, context):
    """Render templates/accounts/email/<template>{_subject,}.txt in the user's language."""
    context = {"user": user, **context}
    with translation.override(user.preferred_language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, None, [user.email])
