import sys

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token

from config.middleware import database_unavailable, is_database_down


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        *(f"Disallow: /{code}/accounts/" for code, _name in settings.LANGUAGES),
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def _language_from_path(path):
    first = path.lstrip("/").split("/", 1)[0]
    codes = {code for code, _name in settings.LANGUAGES}
    return first if first in codes else settings.LANGUAGE_CODE


@requires_csrf_token
def server_error(request):
    # Django calls this while handling the exception: a database that cannot be reached (from
    # a middleware loading the user, say) gets the friendly 503 page, not a 500.
    if is_database_down(sys.exc_info()[1]):
        return database_unavailable(request)
    # Rendered without a request context: after an error, the database or a context processor
    # may be what failed.
    with translation.override(_language_from_path(request.path)):
        template = loader.get_template("500.html")
        return HttpResponseServerError(
            template.render({"LANGUAGE_CODE": translation.get_language()})
        )
