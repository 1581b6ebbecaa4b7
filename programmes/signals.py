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
