"""The site map: every app's sitemap in one /sitemap.xml."""

from django.contrib.sitemaps.views import sitemap as django_sitemap

from cms.sitemaps import MultilingualSitemap
from marketplace.sitemaps import BusinessSitemap


def sitemap(request):
    return django_sitemap(
        request,
        sitemaps={"pages": MultilingualSitemap(request), "businesses": BusinessSitemap()},
        template_name="cms/sitemap.xml",
    )
