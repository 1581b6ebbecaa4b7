from collections import defaultdict

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class MultilingualSitemap(Sitemap):
    """Every live public page of every language, each with its translations as alternates.

    Wagtail's own sitemap stops at the default language's home page; translations of the home
    page are its siblings, so their trees are gathered here.
    """

    def items(self):
        site = self.get_wagtail_site()
        roots = site.root_page.get_translations(inclusive=True)
        in_any_tree = Q()
        for root in roots:
            in_any_tree |= Q(path__startswith=root.path)
        return (
            Page.objects.filter(in_any_tree)
            .live()
            .public()
            .select_related("locale")
            .order_by("path")
            .defer_streamfields()
        )

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        by_key = defaultdict(list)
        for item in self.items().filter(translation_key__in={p.translation_key for p in pages}):
            by_key[item.translation_key].append(item)
        urls = []
        last_mods = set()
        for item in pages:
            lastmod = item.last_published_at or item.latest_revision_created_at
            alternates = [
                {
                    "location": translation.get_full_url(self.request),
                    "lang_code": translation.locale.language_code,
                }
                for translation in by_key[item.translation_key]
            ]
            urls.append(
                {
                    "item": item,
                    "location": item.get_full_url(self.request),
                    "lastmod": lastmod,
                    "alternates": alternates if len(alternates) > 1 else [],
                }
            )
            last_mods.add(lastmod)
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
