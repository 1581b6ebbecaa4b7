import io
import json

from django.http import QueryDict
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

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
        if "%00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
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
