from django.conf import settings


def site_meta(request):
    """Site-wide text for templates (`settings` in templates is Wagtail's settings proxy)."""
    return {"site_description": settings.SITE_DESCRIPTION}
