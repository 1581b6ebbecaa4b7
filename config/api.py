"""The JSON API: every app's django-ninja router is mounted here under /api/v1/.

Errors are JSON objects with a human-readable "message" (and "errors" for invalid input).
"""

from django.db import connection
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from marketplace.api import router as marketplace_router
from mentoring.api import router as mentoring_router
from messaging.api import router as messaging_router
from programmes.api import router as programmes_router
from search.api import router as search_router

api = NinjaAPI(title="Tremplin API", version="1", urls_namespace="api")


@api.exception_handler(HttpError)
def http_error(request, error):
    return api.create_response(request, {"message": str(error)}, status=error.status_code)


@api.exception_handler(AuthenticationError)
def authentication_error(request, error):
    return api.create_response(request, {"message": _("Log in first.")}, status=401)


@api.exception_handler(NinjaValidationError)
def validation_error(request, error):
    return api.create_response(
        request,
        {"message": _("The request is not valid."), "errors": error.errors},
        status=422,
    )


@api.get("/health", auth=None, tags=["system"])
def health(request):
    """Answers 200 when the web process can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok"}


api.add_router("/marketplace/", marketplace_router)
api.add_router("/mentoring/", mentoring_router)
api.add_router("/search", search_router)
api.add_router("/messaging/", messaging_router)
api.add_router("/programmes/", programmes_router)
