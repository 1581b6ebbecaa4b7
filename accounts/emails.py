from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def absolute_url(path):
    return settings.SITE_URL.rstrip("/") + path


def reverse_in(language, name, **kwargs):
    """The path of a named URL under the given language's prefix."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def send_templated_email(*, to, language, template, context):
    """Render templates/<template>_subject.txt and <template>.txt in `language` and send them.

    `to` is an address or a list of addresses that all read that language.
    """
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [to] if isinstance(to, str) else list(to))


def send_to_user(user, template, context):
    send_templated_email(
        to=user.email,
        language=user.preferred_language,
        template=template,
        context={"user": user, **context},
    )
