"""Reads used by several callers, each in a fixed number of queries whatever the data size."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch
from taggit.models import TaggedItem

from marketplace.models import Business, BusinessEvent, Membership, Offer, SpokenLanguage


def directory(filters):
    """Published businesses matching the directory's cleaned filters, ready for cards:
    one query for the page of rows plus one per prefetched relation."""
    businesses = Business.objects.published().prefetch_related("tags", "languages")
    for field in ("sector", "region", "city", "stage"):
        if filters.get(field):
            businesses = businesses.filter(**{field: filters[field]})
    # EXISTS rather than joins: no duplicate rows, so no DISTINCT over every column (which
    # sorted all published businesses twice per page, for the count and for the rows:
    # 250 ms at 10,000 businesses, bench/http_load.py).
    if filters.get("language"):
        businesses = businesses.filter(
            Exists(SpokenLanguage.objects.filter(business=OuterRef("pk"), code=filters["language"]))
        )
    if filters.get("tag"):
        businesses = businesses.filter(
            Exists(
                TaggedItem.objects.filter(
                    content_type=ContentType.objects.get_for_model(Business),
                    object_id=OuterRef("pk"),
                    tag__slug=filters["tag"],
                )
            )
        )
    return businesses.order_by("name", "pk")


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


def ranking(opportunity, viewer=None):
    """The opportunity's applications (drafts and withdrawals aside), best first, in two queries.

    Each application's score is the weighted mean of every submitted score it received
    (a reviewer who declared a conflict has none); applications with equal scores share a rank
    and are marked as tied. The applications on which `viewer` declared a conflict come last,
    `recused`, without score: ranks and ties are counted without them, so that neither a gap
    in the ranks nor a neighbour's "tie" tells the viewer where they stand.
    """
    from django.db.models import F, FloatField, Q, Sum
    from django.db.models.functions import Cast

    from marketplace.models import Application

    submitted = Q(reviews__submitted_at__isnull=False, reviews__conflict_of_interest=False)
    applications = list(
        Application.objects.sent()
        .filter(opportunity=opportunity)
        .select_related("applicant", "business")
        .annotate(
            weighted=Sum(
                F("reviews__scores__value") * F("reviews__scores__criterion__weight"),
                filter=submitted,
            ),
            weights=Sum("reviews__scores__criterion__weight", filter=submitted),
        )
        .annotate(score=Cast(F("weighted"), FloatField()) / F("weights"))
        .exclude(status__in=["draft", "withdrawn"])
        .order_by(F("score").desc(nulls_last=True), "submitted_at", "pk")
    )
    recused = recused_application_ids(viewer, opportunity) if viewer is not None else set()
    set_aside = [application for application in applications if application.pk in recused]
    applications = [application for application in applications if application.pk not in recused]
    rank, previous = 0, object()
    for position, application in enumerate(applications, start=1):
        if application.score is not None:
            application.score = round(application.score, 2)
        if application.score != previous:
            rank, previous = position, application.score
        application.rank = rank
    for index, application in enumerate(applications):
        neighbours = applications[max(index - 1, 0) : index] + applications[index + 1 : index + 2]
        application.tied = application.score is not None and any(
            other.score == application.score for other in neighbours
        )
        application.recused = False
    for application in set_aside:
        application.score = application.rank = None
        application.tied, application.recused = False, True
    return applications + set_aside


def recused_application_ids(user, opportunity):
    """The opportunity's applications on which this user declared a conflict of interest."""
    from marketplace.models import Review

    return set(
        Review.objects.filter(
            application__opportunity=opportunity, reviewer=user, conflict_of_interest=True
        ).values_list("application_id", flat=True)
    )


def programme_figures():
    """The counts the programme's dashboard reads, in six queries whatever the data size:
    applications by status, published businesses by stage, legal form, region and sector, and
    their owners by gender (counted only for people who chose to give it)."""
    from django.db.models import Count

    from marketplace.models import Application

    def counted(queryset, field):
        rows = queryset.values(field).annotate(n=Count("pk", distinct=True)).order_by(field)
        return {row[field]: row["n"] for row in rows}

    published = Business.objects.published()
    owners = Membership.objects.filter(
        role=Membership.Role.OWNER, business__status="published"
    ).exclude(user__gender="")
    return {
        "applications_by_status": counted(Application.objects.all(), "status"),
        "businesses_by_stage": counted(published, "stage"),
        "businesses_by_legal_form": counted(published, "legal_form"),
        "businesses_by_region": counted(published, "region"),
        "businesses_by_sector": counted(published, "sector"),
        "owners_by_gender": {
            row["user__gender"]: row["n"]
            for row in owners.values("user__gender")
            .annotate(n=Count("user", distinct=True))
            .order_by("user__gender")
        },
    }
