"""The site's URLs plus one id-taking route nobody classified (test_permission_matrix)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("secret-things/<int:thing_id>/", lambda request, thing_id: HttpResponse(), name="thing"),
    *site_urlpatterns,
]
