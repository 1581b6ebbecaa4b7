"""The JSON API: every app's django-ninja router is mounted here under /api/v1/."""

from django.db import connection
from ninja import NinjaAPI

api = NinjaAPI(title="Tremplin API", version="1", urls_namespace="api")


@api.get("/health", auth=None, tags=["system"])
def health(request):
    """Answers 200 when the web process can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok"}
