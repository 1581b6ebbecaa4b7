from django.conf import settings
from django.utils.functional import SimpleLazyObject

from cms.frame import frame_version


def site_meta(request):
    """Site-wide text for templates (`settings` in templates is Wagtail's settings proxy), and the
    version of the cached page frame: read from the cache once per page, and only by a page
    whose templates use it (the header and the footer each name it)."""
    return {
        "site_description": settings.SITE_DESCRIPTION,
        "frame_version": SimpleLazyObject(frame_version),
    }
