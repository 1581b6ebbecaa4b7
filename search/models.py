"""The database backend's index, kept for every deployment: it answers searches when no
Elasticsearch is configured, and when the configured one fails."""

from django.db import models
from django.utils import timezone


class Entry(models.Model):
    """One indexed document. The full-text structures live beside this table: an FTS5
    virtual table on SQLite, a tsvector column with a GIN index on PostgreSQL (migration
    0002)."""

    type = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    locale = models.CharField(max_length=8, blank=True)
    group_key = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=300)
    title_folded = models.CharField(max_length=300)
    tags_folded = models.TextField(blank=True)
    body_folded = models.TextField(blank=True)
    document = models.JSONField()
    date = models.DateField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "key"], name="search_entry_one_per_object")
        ]
        indexes = [models.Index(fields=["group_key", "locale"])]

    def __str__(self):
        return f"{self.type}:{self.key}"


class EntryFacet(models.Model):
    """A facet value of an entry, in a narrow table so that counting is a GROUP BY."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="facet_values")
    name = models.CharField(max_length=20)
    value = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["name", "value", "entry"])]

    def __str__(self):
        return f"{self.name}={self.value}"


class Term(models.Model):
    """Words of names and tags, for "did you mean" and for typo-tolerant retries."""

    word = models.CharField(max_length=100, unique=True)

    def __str__(self):
        return self.word


class PendingUpdate(models.Model):
    """An index update Elasticsearch refused or missed, retried by `search_index --retry`."""

    type = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "key"], name="search_pending_one_per_object")
        ]

    def __str__(self):
        return f"{self.type}:{self.key}"
