"""JSON API of mentoring: the mentors' directory and free slots (public), and the signed-in
person's own sessions and suggestions (session authentication, CSRF-checked writes).

Ids of mentorships, sessions and businesses are looked up among the caller's own: another
person's id answers 404, as if it did not exist.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status
from ninja.security import django_auth

from config.pagination import BoundedPageNumberPagination
from config.schemas import ErrorOut, one_of
from marketplace.views import error_text
from mentoring import queries, services
from mentoring.forms import MentorFilterForm
from mentoring.models import Booking, Mentorship
from mentoring.reasons import describe

router = Router(tags=["mentoring"])
MAX_SLOT_DAYS = 31
MAX_DAYS_AHEAD = 400


class MentorOut(Schema):
    id: int
    name: str
    headline: str
    bio: str
    topics: list[str]
    tags: list[str]
    sectors: list[str]
    languages: list[str]
    regions: list[str]
    formats: list[str]
    years_experience: int
    session_lengths: list[int]
    time_zone: str
    has_room: bool
    sessions_held: int
    url: str

    @staticmethod
    def resolve_name(mentor):
        return mentor.user.display_name

    @staticmethod
    def resolve_session_lengths(mentor):
        return mentor.lengths

    @staticmethod
    def resolve_has_room(mentor):
        return not mentor.is_paused and mentor.active < mentor.capacity

    @staticmethod
    def resolve_sessions_held(mentor):
        return mentor.held

    @staticmethod
    def resolve_url(mentor, context):
        return context["request"].build_absolute_uri(mentor.get_absolute_url())


class MentorFilters(Schema):
    # The mentor directory form's choices: a value the schema allows is one the form accepts.
    topic: one_of(MentorFilterForm, "topic") | None = None
    sector: one_of(MentorFilterForm, "sector") | None = None
    language: one_of(MentorFilterForm, "language") | None = None
    region: one_of(MentorFilterForm, "region") | None = None
    format: one_of(MentorFilterForm, "format") | None = None
    available: bool | None = None


@router.get("/mentors", response=list[MentorOut], auth=None)
@paginate(BoundedPageNumberPagination, page_size=20)
def list_mentors(request, filters: Query[MentorFilters]):
    """Published mentors, with the directory's filters."""
    form = MentorFilterForm(filters.dict(exclude_none=True))
    if not form.is_valid():
        fields = ", ".join(sorted(form.errors))
        raise HttpError(400, _("Invalid filter: %(fields)s.") % {"fields": fields})
    return queries.mentor_directory(form.cleaned_data)


def _public_mentor(mentor_id):
    mentor = queries.public_mentor(mentor_id)
    if mentor is None:
        raise HttpError(404, _("No published mentor has this id."))
    return mentor


@router.get("/mentors/{mentor_id}", response=MentorOut, auth=None)
def get_mentor(request, mentor_id: int):
    return _public_mentor(mentor_id)


class SlotsOut(Schema):
    length: int
    slots: list[datetime]


@router.get("/mentors/{mentor_id}/slots", response=SlotsOut, auth=None)
def mentor_slots(request, mentor_id: int, start: date, end: date, length: int | None = None):
    """Free start times (UTC) between two dates of the mentor's calendar, 31 days at most."""
    mentor = _public_mentor(mentor_id)
    length = length or mentor.lengths[0]
    if length not in mentor.lengths:
        raise HttpError(400, _("This mentor does not offer sessions of that length."))
    if end < start or (end - start).days >= MAX_SLOT_DAYS:
        raise HttpError(400, _("Ask for 1 to 31 days, the end after the start."))
    today = timezone.localdate()
    if end < today - timedelta(days=1) or start > today + timedelta(days=MAX_DAYS_AHEAD):
        # Nothing is bookable there; also keeps date arithmetic away from year 9999.
        return {"length": length, "slots": []}
    slots = services.mentor_free_slots(mentor, length=length, first_day=start, last_day=end)
    return {"length": length, "slots": slots}


class BookingOut(Schema):
    id: int
    mentorship_id: int
    mentor_id: int
    mentor: str
    entrepreneur: str
    starts_at: datetime
    ends_at: datetime
    status: str
    format: str
    place: str
    agenda: str
    ics_sequence: int

    @staticmethod
    def resolve_mentor(booking):
        return booking.mentor.user.display_name

    @staticmethod
    def resolve_entrepreneur(booking):
        return booking.mentorship.entrepreneur.display_name

    @staticmethod
    def resolve_ics_sequence(booking):
        return booking.sequence


class BookingIn(Schema):
    mentorship_id: int
    starts_at: datetime
    length: int
    format: str = "video"
    place: str = Field("", max_length=300)
    agenda: str = Field("", max_length=2000)


class CancelIn(Schema):
    reason: str = Field(..., max_length=2000)


def _own_bookings(user):
    return (
        Booking.objects.filter(mentorship__entrepreneur=user)
        | Booking.objects.filter(mentor__user=user)
    ).select_related("mentor__user", "mentorship__entrepreneur")


@router.get("/my/bookings", response=list[BookingOut], auth=django_auth)
@paginate(BoundedPageNumberPagination, page_size=50)
def my_bookings(request, upcoming: bool = False):
    """The caller's sessions, as mentee or as mentor; `upcoming` keeps those still ahead."""
    bookings = _own_bookings(request.user)
    if upcoming:
        bookings = bookings.filter(status="booked", ends_at__gt=timezone.now())
    return bookings.order_by("starts_at", "pk")


@router.post(
    "/my/bookings",
    response={201: BookingOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=django_auth,
)
def create_booking(request, payload: BookingIn):
    """Book a free slot of one of the caller's active mentorships."""
    mentorship = (
        Mentorship.objects.select_related("mentor")
        .filter(pk=payload.mentorship_id, entrepreneur=request.user)
        .first()
    )
    if mentorship is None:
        raise HttpError(404, _("You have no mentorship with this id."))
    if timezone.is_naive(payload.starts_at):
        raise HttpError(400, _("Give the time with its offset, e.g. 2026-12-01T10:00:00Z."))
    try:
        booking = services.booking_create(
            actor=request.user,
            mentorship=mentorship,
            starts_at=payload.starts_at,
            length=payload.length,
            format=payload.format,
            place=payload.place,
            agenda=payload.agenda,
        )
    except ValidationError as error:
        status = 409 if getattr(error, "code", None) == "slot_taken" else 400
        return Status(status, {"message": error_text(error)})
    except PermissionDenied as error:
        return Status(404, {"message": str(error)})
    return Status(201, _own_bookings(request.user).get(pk=booking.pk))


@router.post(
    "/my/bookings/{booking_id}/cancel",
    response={200: BookingOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def cancel_booking(request, booking_id: int, payload: CancelIn):
    booking = _own_bookings(request.user).filter(pk=booking_id).first()
    if booking is None:
        raise HttpError(404, _("You have no session with this id."))
    try:
        services.booking_cancel(actor=request.user, booking=booking, reason=payload.reason)
    except (ValidationError, PermissionDenied) as error:
        return Status(400, {"message": error_text(error)})
    return Status(200, _own_bookings(request.user).get(pk=booking.pk))


class MentorSuggestionOut(Schema):
    mentor: MentorOut
    score: float
    reasons: str


@router.get("/my/suggestions", response=list[MentorSuggestionOut], auth=django_auth)
def my_suggestions(request, business_id: int, limit: int = 5):
    """The mentors who fit one of the caller's businesses best, each with its reasons."""
    business = services.businesses_for_help(request.user).filter(pk=business_id).first()
    if business is None:
        raise HttpError(404, _("You have no business with this id."))
    limit = max(1, min(limit, 20))
    return [
        {"mentor": mentor, "score": round(match.score, 1), "reasons": describe(match.reasons)}
        for mentor, match in queries.suggestions(business, limit=limit)
    ]
