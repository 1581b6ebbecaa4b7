import io
import json
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, QueryDict
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers

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


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    return value


class StripNulMiddleware:
    """A NUL character means nothing in text, and PostgreSQL refuses it (a 500 on user input:
    schemathesis found /api/v1/search?q=%00). It is removed from query strings and from the
    API's JSON bodies before any view reads them; forms already refuse it in POSTed fields."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query_string = request.META.get("QUERY_STRING", "")
        # Looked for in the raw string: parsing every request's query to find none is waste.
        if "%00" in query_string or "\x00" in query_string:
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(_without_nul(key), _without_nul(values))
            cleaned._mutable = False
            request.GET = cleaned
        if request.path_info.startswith("/api/") and request.content_type == "application/json":
            body = request.body
            if b"\x00" in body or b"\\u0000" in body:
                try:
                    data = json.loads(body)
                except ValueError:
                    pass  # the API answers 422 for a body that is not JSON
                else:
                    body = json.dumps(_without_nul(data)).encode()
                    request._body = body
                    request._stream = io.BytesIO(body)
        return self.get_response(request)


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


# --- Personal answers are never stored ------------------------------------------------------


class PrivateResponsesMiddleware:
    """Whatever a signed-in person is answered is theirs (their name sits in every page's
    header, and settings, dashboards and messages are nothing but personal data), and so is the
    answer to a form someone posted: neither may be kept by a shared cache nor by the browser
    once the person logs out on a shared phone. Pages read by token without a session mark
    themselves with `never_cache`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method not in ("GET", "HEAD") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
