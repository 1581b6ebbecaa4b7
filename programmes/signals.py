"""What the CMS's events tell programmes: a published change of times or capacity."""

from django.conf import settings


def on_page_published(sender, instance, **kwargs):
    from cms.models import EventPage
    from programmes import services

    if not isinstance(instance, EventPage):
        return
    if instance.locale.language_code != settings.LANGUAGE_CODE:
        return  # registrations hang on the default language's page
    services.event_published(event=instance)


def on_user_deleted(sender, instance, **kwargs):
    """A deleted account leaves its journey to the programme's figures, anonymous: the
    registration number goes with the person."""
    from programmes.models import Journey

    Journey.objects.filter(person=instance).update(
        registration_number="", registration_verified_by=None
    )
