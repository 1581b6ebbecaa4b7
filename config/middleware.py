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
