from django.conf import settings

from cms.frame import frame_version


def site_meta(request):
    """Site-wide text for templates (`settings` in templates is Wagtail's settings proxy), and the
    version of the cached page frame (a callable: read only by templates that use it)."""
    return {"site_description": settings.SITE_DESCRIPTION, "frame_version": frame_version}
