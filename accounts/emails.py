from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation


def absolute_url(path):
    return settings.SITE_URL.rstrip("/") + path


def reverse_in(language, name, **kwargs):
    """The path of a named URL under the given language's prefix."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def send_templated_email(
    *, to, language, template, context, time_zone=None, calendar=None, calendar_method=None
):
    """Render templates/<template>_subject.txt and <template>.txt in `language` and send them.

    `to` is an address or a list of addresses that all read that language; times render in
    `time_zone`. `calendar` (iCalendar bytes) goes both as the text/calendar part that mail
    programs show as an invitation and as an .ics attachment for those that do not.
    """
    with translation.override(language), timezone.override(time_zone or settings.TIME_ZONE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    message = EmailMultiAlternatives(subject, body, None, [to] if isinstance(to, str) else list(to))
    if calendar is not None:
        method = calendar_method or "PUBLISH"
        message.attach_alternative(
            calendar.decode(), f"text/calendar; method={method}; charset=UTF-8"
        )
        message.attach("invitation.ics", calendar, "application/ics")
    message.send()


def send_to_user(user, template, context, **options):
    send_templated_email(
        to=user.email,
        language=user.preferred_language,
        template=template,
        context={"user": user, **context},
        time_zone=user.time_zone,
        **options,
    )
