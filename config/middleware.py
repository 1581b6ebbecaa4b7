import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.template import loader
from django.utils import translation

logger = logging.getLogger(__name__)

# Addresses that have no language prefix and never will.
UNPREFIXED = ("/api/", "/admin/", "/calendar/", "/documents/", "/media/", "/static/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, except for addresses outside the translated site.

    On a 404, Django's middleware redirects to the same path under a language prefix when that
    path would resolve; Wagtail's catch-all route resolves everything, so an API 404 would turn
    into a redirect to an HTML page.
    """

    def process_response(self, request, response):
        if request.path_info.startswith(UNPREFIXED):
            return response
        return super().process_response(request, response)


# --- The database is unavailable ------------------------------------------------------------

RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = (OperationalError, InterfaceError)


def database_unavailable(request):
    """The friendly 503 page, in the language of the address, with Retry-After.

    Rendered from a template that needs no database: no request context, no context processors
    (they read the site's settings, menus and the user from the database)."""
    path = getattr(request, "path_info", "") or ""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        retry = request.get_full_path() if request.method == "GET" else f"/{language}/"
        body = loader.get_template("503.html").render(
            {"LANGUAGE_CODE": language, "retry_url": retry}
        )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def is_database_down(error):
    return isinstance(error, DATABASE_DOWN)


class DatabaseUnavailableMiddleware:
    """A view that fails because the database cannot be reached answers with the 503 page.

    Errors raised inside other middleware (loading the session's user, say) never reach
    process_exception: Django turns them into a call of handler500, which
    `cms.views.server_error` answers with the same page (`is_database_down`). Connections are
    not kept in a broken state — Django closes an unusable one at the end of the request and
    `conn_health_checks` checks a kept one before reuse — so the site recovers by itself once
    the database is back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_down(exception):
            logger.warning("Database unavailable, answered 503 for %s: %s", request.path, exception)
            return database_unavailable(request)
        return None
