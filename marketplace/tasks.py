from django.conf import settings
from django_tasks import task

from accounts.emails import absolute_url, reverse_in, send_templated_email, send_to_user


@task()
def notify_business_status(*, event_id):
    """Tell the owners what happened to their business (and why, when staff gave a reason)."""
    from marketplace.models import BusinessEvent, BusinessStatus

    event = BusinessEvent.objects.select_related("business").filter(pk=event_id).first()
    if event is None:
        return
    business = event.business
    for membership in business.memberships.select_related("user"):
        language = membership.user.preferred_language
        send_to_user(
            membership.user,
            "marketplace/email/business_status",
            {
                "business": business,
                "event": event,
                "url": absolute_url(reverse_in(language, "marketplace:dashboard")),
            },
        )
    if event.to_status == BusinessStatus.SUBMITTED:
        send_templated_email(
            to=settings.STAFF_EMAIL,
            language=settings.LANGUAGE_CODE,
            template="marketplace/email/business_submitted",
            context={"business": business, "url": absolute_url("/admin/")},
        )


@task()
def send_invitation(*, invitation_id):
    from marketplace.models import Invitation

    invitation = (
        Invitation.objects.select_related("business", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    inviter = invitation.invited_by
    language = inviter.preferred_language if inviter else settings.LANGUAGE_CODE
    path = reverse_in(language, "marketplace:invitation_accept", invitation_id=invitation.pk)
    send_templated_email(
        to=invitation.email,
        language=language,
        template="marketplace/email/invitation",
        context={"invitation": invitation, "inviter": inviter, "url": absolute_url(path)},
    )


@task()
def notify_inquiry(*, inquiry_id):
    from marketplace.models import Inquiry

    inquiry = (
        Inquiry.objects.select_related("business", "offer", "sender").filter(pk=inquiry_id).first()
    )
    if inquiry is None:
        return
    for membership in inquiry.business.memberships.select_related("user"):
        language = membership.user.preferred_language
        send_to_user(
            membership.user,
            "marketplace/email/inquiry",
            {
                "inquiry": inquiry,
                "url": absolute_url(reverse_in(language, "marketplace:dashboard")),
            },
        )


@task()
def notify_application_status(*, application_id):
    """Confirm a submission, or announce a decision, to the applicant in their language."""
    from marketplace.models import Application

    application = (
        Application.objects.select_related("opportunity__institution", "applicant")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return
    language = application.applicant.preferred_language
    send_to_user(
        application.applicant,
        "marketplace/email/application_status",
        {
            "application": application,
            "url": absolute_url(reverse_in(language, "marketplace:my_applications")),
        },
    )
