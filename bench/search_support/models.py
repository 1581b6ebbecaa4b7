"""One row per benchmark document, for Wagtail's search backend (modelsearch).

No migration: bench/search.py creates the table with `migrate --run-syncdb` in its own
throw-away database. The fields mirror a search document (search.documents): the original
title, tags and body text (not folded: Wagtail analyses text itself), and the facets the
benchmark filters and counts on as FilterFields. Multi-valued facets (languages of a
business, sectors and regions of a mentor) keep their first value only: a column can hold
one value, and that is what a Wagtail model would facet on.
"""

from django.db import models
from wagtail.search import index


class BenchText(index.Indexed, models.Model):
    doc_type = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    tags = models.TextField(blank=True)
    body = models.TextField(blank=True)
    sector = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=100, blank=True)

    # The same relative weights as the database backend: name 10, tags 4, description 1.
    search_fields = [
        index.SearchField("title", boost=10),
        index.SearchField("tags", boost=4),
        index.SearchField("body"),
        index.FilterField("doc_type"),
        index.FilterField("sector"),
        index.FilterField("region"),
        index.FilterField("language"),
    ]

    class Meta:
        app_label = "search_support"

    def __str__(self):
        return self.title
