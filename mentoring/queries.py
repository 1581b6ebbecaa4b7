"""Reads of mentoring used by pages, the API and the admin, in a fixed number of queries."""

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from marketplace.models import Business
from mentoring import matching
from mentoring.models import (
    Booking,
    BookingStatus,
    Goal,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    TimelineEvent,
)

OPEN = [MentorshipStatus.REQUESTED, MentorshipStatus.ACTIVE]


def with_load(mentors):
    """Annotate `active` (current mentees), `proposed` (cohort proposals waiting for the
    mentor) and `held` (sessions held) on mentor profiles."""
    return mentors.annotate(
        active=Count(
            "mentorships", filter=Q(mentorships__status=MentorshipStatus.ACTIVE), distinct=True
        ),
        proposed=Count(
            "mentorships",
            filter=Q(
                mentorships__status=MentorshipStatus.REQUESTED,
                mentorships__origin=Mentorship.Origin.COHORT,
            ),
            distinct=True,
        ),
        held=Count("bookings", filter=Q(bookings__status=BookingStatus.HELD), distinct=True),
    )


def _json_has(field, value):
    # A JSON list holds the code as a quoted string, on SQLite and on PostgreSQL alike.
    return Q(**{f"{field}__icontains": f'"{value}"'})


def mentor_directory(filters):
    """Published mentors matching the directory's cleaned filters, with their load."""
    mentors = with_load(MentorProfile.objects.published().select_related("user"))
    for name, field in (
        ("topic", "topics"),
        ("sector", "sectors"),
        ("language", "languages"),
        ("region", "regions"),
        ("format", "formats"),
    ):
        if filters.get(name):
            mentors = mentors.filter(_json_has(field, filters[name]))
    if filters.get("available"):
        mentors = mentors.filter(is_paused=False, capacity__gt=F("active"))
    return mentors.order_by("user__display_name", "pk")


def public_mentor(mentor_id):
    return (
        with_load(MentorProfile.objects.published().select_related("user"))
        .filter(pk=mentor_id)
        .first()
    )


# --- Matching ----------------------------------------------------------------------------


def mentor_facts(mentor, *, counting_proposals=False):
    """What matching knows of a mentor (needs the annotations of with_load).

    For a cohort, places promised to earlier proposals still waiting for the mentor are taken.
    """
    return matching.MentorFacts(
        id=mentor.pk,
        languages=frozenset(mentor.languages),
        regions=frozenset(mentor.regions),
        formats=frozenset(mentor.formats),
        topics=frozenset(mentor.topics),
        sectors=frozenset(mentor.sectors),
        years_experience=mentor.years_experience,
        capacity=mentor.capacity,
        active=mentor.active + (mentor.proposed if counting_proposals else 0),
        paused=mentor.is_paused,
    )


def business_facts(business):
    """What matching knows of a business (prefetch "languages" for many)."""
    languages = {language.code for language in business.languages.all()}
    languages.add(business.content_language)
    return matching.BusinessFacts(
        id=business.pk,
        languages=frozenset(languages),
        region=business.region,
        sector=business.sector,
        needs=frozenset(business.needs or []),
    )


def candidate_mentors():
    return with_load(MentorProfile.objects.published().select_related("user"))


def suggestions(business, *, limit=5):
    """The best mentors for a business, as (mentor, match) pairs, best first.

    Mentors the entrepreneurs of this business already have an open mentorship with are left
    out: they need no suggestion.
    """
    taken = Mentorship.objects.filter(business=business, status__in=OPEN).values_list(
        "mentor_id", flat=True
    )
    mentors = {m.pk: m for m in candidate_mentors().exclude(pk__in=list(taken))}
    matches = matching.suggest(
        business_facts(business),
        [mentor_facts(m) for m in mentors.values()],
        settings.MENTORING_MATCH_WEIGHTS,
        limit=limit,
    )
    return [(mentors[match.mentor_id], match) for match in matches]


def requests_ranked(mentor):
    """A mentor's open requests, the most promising first, each with its match (or None)."""
    requests = list(
        mentor.mentorships.filter(status=MentorshipStatus.REQUESTED)
        .select_related("entrepreneur", "business")
        .prefetch_related("business__languages")
        .order_by("requested_at")
    )
    with_business = [r for r in requests if r.business is not None]
    mentor = with_load(MentorProfile.objects.filter(pk=mentor.pk)).get()
    ranked = matching.rank_requests(
        mentor_facts(mentor),
        [business_facts(r.business) for r in with_business],
        settings.MENTORING_MATCH_WEIGHTS,
    )
    scores = {match.business_id: match for match in ranked}
    pairs = [(r, scores.get(r.business_id) if r.business_id else None) for r in requests]
    # Best first; requests without a business (or no fit) after, oldest first.
    pairs.sort(key=lambda pair: -(pair[1].score if pair[1] else -1))
    return pairs


# --- Dashboards ---------------------------------------------------------------------------


def mentorships_of(user):
    """Every mentorship the user is in, on either side, with what the dashboard shows."""
    return (
        Mentorship.objects.filter(Q(entrepreneur=user) | Q(mentor__user=user))
        .select_related("entrepreneur", "mentor__user", "business")
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("target_date", "pk")))
        .order_by("-requested_at")
    )


def upcoming_sessions(user, *, limit=None):
    sessions = (
        Booking.objects.filter(
            Q(mentorship__entrepreneur=user) | Q(mentor__user=user),
            status=BookingStatus.BOOKED,
            ends_at__gt=timezone.now(),
        )
        .select_related("mentorship__entrepreneur", "mentor__user")
        .order_by("starts_at")
    )
    return sessions[:limit] if limit else sessions


def sessions_to_record(user):
    """Past sessions still marked booked: the mentor should say whether they were held."""
    return (
        Booking.objects.filter(
            Q(mentorship__entrepreneur=user) | Q(mentor__user=user),
            status=BookingStatus.BOOKED,
            starts_at__lte=timezone.now(),
        )
        .select_related("mentorship__entrepreneur", "mentor__user")
        .order_by("starts_at")
    )


def mentorship_for(user, mentorship_id):
    """A mentorship the user is a party of, with its timeline, goals and sessions; or None."""
    return (
        Mentorship.objects.filter(Q(entrepreneur=user) | Q(mentor__user=user), pk=mentorship_id)
        .select_related("entrepreneur", "mentor__user", "business")
        .prefetch_related(
            Prefetch("timeline", queryset=TimelineEvent.objects.select_related("actor")),
            "goals",
            Prefetch("bookings", queryset=Booking.objects.order_by("-starts_at")),
        )
        .first()
    )


def booking_for(user, booking_id):
    """A session the user is a party of, with its notes and rating; or None."""
    return (
        Booking.objects.filter(
            Q(mentorship__entrepreneur=user) | Q(mentor__user=user), pk=booking_id
        )
        .select_related(
            "mentorship__entrepreneur", "mentorship__mentor__user", "mentor__user", "rating"
        )
        .prefetch_related("notes__author")
        .first()
    )


def feed_bookings(user):
    """The sessions of a user's calendar feed: the last 90 days and everything ahead."""
    since = timezone.now() - timezone.timedelta(days=90)
    return (
        Booking.objects.filter(
            Q(mentorship__entrepreneur=user) | Q(mentor__user=user), starts_at__gte=since
        )
        .select_related("mentorship__entrepreneur", "mentorship__mentor__user")
        .order_by("starts_at")
    )


def cohort_businesses(filters=None):
    """Published businesses without an open mentorship: the pool for cohort assignment."""
    engaged = Mentorship.objects.filter(status__in=OPEN, business__isnull=False).values(
        "business_id"
    )
    businesses = (
        Business.objects.published()
        .exclude(pk__in=engaged)
        .prefetch_related("languages")
        .order_by("name")
    )
    filters = filters or {}
    if filters.get("region"):
        businesses = businesses.filter(region=filters["region"])
    if filters.get("sector"):
        businesses = businesses.filter(sector=filters["sector"])
    return businesses
