"""The JSON API: every app's django-ninja router is mounted here under /api/v1/.

Errors are JSON objects with a human-readable "message" (and "errors" for invalid input).
"""

from django.db import connection
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from marketplace.api import router as marketplace_router
from mentoring.api import router as mentoring_router
from messaging.api import router as messaging_router
from programmes.api import router as programmes_router
from search.api import router as search_router

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["message"],
}


class TremplinAPI(NinjaAPI):
    """Ninja documents only the statuses a route declares; the schema also lists the errors
    that every route can answer through the handlers below and the rate limit
    (config/ratelimit.py), so that clients — and schemathesis — can rely on it."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"$ref": "#/components/schemas/Error"}
        descriptions = {
            "400": "The request cannot be served as asked.",
            "401": "Log in first.",
            "403": "Refused: a write without its CSRF token, or an action not allowed.",
            "404": "No such object, or not one of yours.",
            "422": "The request is not valid.",
            "429": "Too many requests; the Retry-After header says when to try again.",
        }
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                codes = ["400", "404", "422"]
                if operation.get("security"):
                    codes += ["401", "403"]
                if not path.endswith("/health"):
                    codes.append("429")
                # Ninja keys the statuses a route declares by number: as strings, those of
                # the route and these generic ones are one key each (the JSON had both).
                responses = {str(code): answer for code, answer in operation["responses"].items()}
                operation["responses"] = responses
                for code in codes:
                    responses.setdefault(
                        code,
                        {
                            "description": descriptions[code],
                            "content": {"application/json": {"schema": error}},
                        },
                    )
                if "429" in codes:
                    responses["429"]["headers"] = {
                        "Retry-After": {
                            "description": "Seconds to wait.",
                            "schema": {"type": "integer"},
                        }
                    }
        return schema


# Swagger UI comes from django-ninja's own static files (with "ninja" installed), started by a
# script file rather than inline: the site's Content-Security-Policy applies to it unchanged.
# No validator badge: it would call validator.swagger.io with our schema's address.
api = TremplinAPI(
    title="Tremplin API",
    version="1",
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None}),
)


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
