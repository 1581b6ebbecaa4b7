from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_page, never_cache
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views import account as wagtailadmin_account
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views
from config.api import api
from config.ratelimit import limit_form_posts
from config.sitemaps import sitemap
from mentoring import views as mentoring_views

urlpatterns = [
    # The admin's own log-in and password-reset forms count against the same per-address
    # limits as the site's: otherwise they would be the way around them. (Never cached, as
    # Wagtail's include would have them.)
    path(
        "admin/login/",
        never_cache(limit_form_posts("login")(wagtailadmin_account.LoginView.as_view())),
        name="wagtailadmin_login",
    ),
    path(
        "admin/password_reset/",
        never_cache(
            limit_form_posts("password_reset", field="email")(
                wagtailadmin_account.PasswordResetView.as_view()
            )
        ),
        name="wagtailadmin_password_reset",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("sitemap.xml", cache_page(60 * 15)(sitemap), name="sitemap"),
    path("robots.txt", cms_views.robots_txt, name="robots_txt"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Calendar programs fetch this without a language or a session: the token is the key.
    path("calendar/<str:token>.ics", mentoring_views.calendar_feed, name="calendar_feed"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("", include("marketplace.urls")),
    path("", include("mentoring.urls")),
    path("", include("search.urls")),
    path("", include("messaging.urls")),
    path("", include("programmes.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler404 = "cms.views.page_not_found"
handler500 = "cms.views.server_error"
