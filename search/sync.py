"""Keeping the index in step with the data: after the transaction commits, never before.

Saves and deletions of searchable models, pages published or unpublished, and bulk changes
(config.signals.objects_changed) queue a re-index of the objects concerned once the
transaction commits; a rolled-back change queues nothing. The task reads the objects again:
what is public now is (re)indexed, what is not is removed.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from config.signals import objects_changed


def _queue(type_, ids):
    """Re-index these objects once the transaction commits (nothing if it rolls back)."""
    ids = sorted({str(pk) for pk in ids})
    if ids:
        transaction.on_commit(lambda: _enqueue(type_, ids))


def _enqueue(type_, ids):
    from search import tasks

    tasks.reindex.enqueue(type_=type_, ids=ids)


def _business_changed(ids):
    from marketplace.models import Offer

    _queue("business", ids)
    _queue("offer", Offer.objects.filter(business_id__in=ids).values_list("pk", flat=True))


def _institution_changed(ids):
    from marketplace.models import Opportunity

    _queue("institution", ids)
    _queue(
        "opportunity",
        Opportunity.objects.filter(institution_id__in=ids).values_list("pk", flat=True),
    )


def _handlers():
    from marketplace.models import Business, Institution, Offer, Opportunity
    from mentoring.models import MentorProfile

    return {
        Business: _business_changed,
        Offer: lambda ids: _queue("offer", ids),
        Institution: _institution_changed,
        Opportunity: lambda ids: _queue("opportunity", ids),
        MentorProfile: lambda ids: _queue("mentor", ids),
    }


def _on_save(sender, instance, **kwargs):
    handler = _handlers().get(sender)
    if handler:
        handler([instance.pk])


def _on_bulk(sender, ids, **kwargs):
    handler = _handlers().get(sender)
    if handler:
        handler(ids)


def _on_page(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        _queue("page", [instance.pk])


def _on_user_saved(sender, instance, **kwargs):
    # A mentor's name is their display name.
    from mentoring.models import MentorProfile

    _queue("mentor", MentorProfile.objects.filter(user=instance).values_list("pk", flat=True))


def connect():
    from django.contrib.auth import get_user_model
    from wagtail.signals import page_published, page_unpublished

    for model in _handlers():
        post_save.connect(_on_save, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_on_save, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    objects_changed.connect(_on_bulk, dispatch_uid="search-bulk")
    page_published.connect(_on_page, dispatch_uid="search-page-published")
    page_unpublished.connect(_on_page, dispatch_uid="search-page-unpublished")
    post_delete.connect(_on_page, dispatch_uid="search-page-deleted")
    post_save.connect(_on_user_saved, sender=get_user_model(), dispatch_uid="search-user")
