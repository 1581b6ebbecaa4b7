from django.contrib.sitemaps import Sitemap

from marketplace.models import Business


class BusinessSitemap(Sitemap):
    """Published business pages, under every language prefix, each with its alternates."""

    i18n = True
    alternates = True
    x_default = False
    changefreq = "weekly"

    def items(self):
        return Business.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, business):
        return business.updated_at
