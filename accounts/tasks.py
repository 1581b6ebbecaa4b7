from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def send_verification_email(*, user_id):
    from accounts.models import User
    from accounts.services import verification_link_parts

    user = User.objects.filter(pk=user_id, email_verified_at__isnull=True).first()
    if user is None:
        return
    uidb64, token = verification_link_parts(user)
    with translation.override(user.preferred_language):
        path = reverse("accounts:verify_email", kwargs={"uidb64": uidb64, "token": token})
        context = {"user": user, "url": settings.SITE_URL.rstrip("/") + path}
        subject = render_to_string("accounts/email/verify_email_subject.txt", context).strip()
        body = render_to_string("accounts/email/verify_email.txt", context)
    send_mail(subject, body, None, [user.email])
