"""Signals the apps send about themselves, for the apps that listen (search) to follow.

`objects_changed` tells that rows changed without a save() of each: a QuerySet.update(),
an import. Apps that know nothing of search send it; search re-indexes the rows.
"""

from django.db import models
from django.dispatch import Signal

objects_changed = Signal()  # sender: the model; ids: the primary keys changed


class NotifyingQuerySet(models.QuerySet):
    """A QuerySet whose update() tells objects_changed which rows it changed."""

    def update(self, **kwargs):
        ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        if ids:
            objects_changed.send(sender=self.model, ids=ids)
        return count
