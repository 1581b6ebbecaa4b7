"""The frame every page shares — the brand link, the main menu, the footer — is rendered once
per site, language and menu section and kept in the cache; any publishing, unpublishing, move
or deletion of a page, or a change of the site settings, starts a new version of it.

It saves about a third of the queries of a page (the localized home page, its menu children,
the site settings and the localized privacy and terms pages)."""

from django.core.cache import cache

VERSION_KEY = "cms:frame-version"


def frame_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY) or 1
    return version


def frame_changed(**kwargs):
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # nothing cached yet: the next page starts a version
        cache.set(VERSION_KEY, 2, None)


def site_settings_saved(created=False, **kwargs):
    # Wagtail creates the settings row, with its defaults, the first time a page reads it:
    # nothing in the frame changes then.
    if not created:
        frame_changed()
