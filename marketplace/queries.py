"""Reads used by several callers, each in a fixed number of queries whatever the data size."""

from django.db.models import Prefetch

from marketplace.models import Business, BusinessEvent, Membership, Offer


def directory(filters):
    """Published businesses matching the directory's cleaned filters, ready for cards:
    one query for the page of rows plus one per prefetched relation."""
    businesses = Business.objects.published().prefetch_related("tags", "languages")
    for field in ("sector", "region", "city", "stage"):
        if filters.get(field):
            businesses = businesses.filter(**{field: filters[field]})
    if filters.get("language"):
        businesses = businesses.filter(languages__code=filters["language"])
    if filters.get("tag"):
        businesses = businesses.filter(tags__slug=filters["tag"])
    return businesses.distinct().order_by("name", "pk")


def public_business(slug):
    """A published business with everything its public page shows."""
    return (
        Business.objects.published()
        .prefetch_related(
            "tags",
            "languages",
            "photos",
            Prefetch("offers", queryset=Offer.objects.order_by("position", "pk")),
        )
        .filter(slug=slug)
        .first()
    )


def businesses_of(user):
    """The businesses a person belongs to, with their role, for the dashboard."""
    return (
        Business.objects.of_member(user)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by("joined_at"),
            ),
            Prefetch("events", queryset=BusinessEvent.objects.select_related("actor")),
        )
        .order_by("name")
    )
