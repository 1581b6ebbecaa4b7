"""E-mails of event registrations, sent by the task worker (immediately in development).

Each task reads the registration again: a reminder queued for a registration cancelled meanwhile
is not sent, a waiting-list position is the one of the moment the mail leaves. People without an
e-mail address (they registered with a phone number) get no mail.
"""

from django.utils import translation
from django_tasks import task

from accounts.emails import absolute_url, reverse_in, send_templated_email

# kind: (template, whether the status must still be, whether the invitation goes along)
KINDS = {
    "confirmed": ("programmes/email/confirmed", "confirmed", True),
    "promoted": ("programmes/email/promoted", "confirmed", True),
    "moved": ("programmes/email/moved", "confirmed", True),
    "waitlisted": ("programmes/email/waitlisted", "waitlisted", False),
    "cancelled": ("programmes/email/cancelled", "cancelled", True),
    "left_waitlist": ("programmes/email/cancelled", "cancelled", False),
    "reminder": ("programmes/email/reminder", "confirmed", False),
}


@task()
def send_registration_mail(*, registration_id, kind):
    from programmes import calendar, queries
    from programmes.models import EventRegistration

    template, status, with_invitation = KINDS[kind]
    registration = (
        EventRegistration.objects.select_related("event", "user").filter(pk=registration_id).first()
    )
    if registration is None or registration.status != status or not registration.email:
        return
    language = registration.language
    options = {}
    if with_invitation:
        with translation.override(language):
            options["calendar"], options["calendar_method"] = calendar.invitation(registration)
    send_templated_email(
        to=registration.email,
        language=language,
        template=template,
        context={
            "registration": registration,
            "event": registration.event,
            "position": queries.waitlist_position(registration),
            "url": absolute_url(
                reverse_in(language, "programmes:registration_detail", token=registration.token)
            ),
        },
        time_zone=registration.user.time_zone
        if registration.user
        else registration.event.time_zone,
        **options,
    )
