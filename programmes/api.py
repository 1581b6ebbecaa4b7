"""JSON API of programmes: the signed-in person's own event registrations (session
authentication, CSRF-checked writes). Another person's registration id answers 404."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status
from ninja.security import django_auth

from cms.models import EventPage
from config.pagination import BoundedPageNumberPagination
from config.schemas import ErrorOut
from marketplace.views import error_text
from programmes import queries, services
from programmes.models import EventRegistration

router = Router(tags=["programmes"])


class RegistrationOut(Schema):
    id: int
    event_id: int
    event: str
    starts_at: datetime
    ends_at: datetime
    status: str
    waitlist_position: int | None
    created_at: datetime

    @staticmethod
    def resolve_event(registration):
        return registration.event.title

    @staticmethod
    def resolve_starts_at(registration):
        return registration.event.start_at

    @staticmethod
    def resolve_ends_at(registration):
        return registration.event.end_at

    @staticmethod
    def resolve_waitlist_position(registration):
        return queries.waitlist_position(registration)


class RegistrationIn(Schema):
    event_id: int
    region: str = ""


def _own(user):
    return EventRegistration.objects.filter(user=user).select_related("event")


@router.get("/my/registrations", response=list[RegistrationOut], auth=django_auth)
@paginate(BoundedPageNumberPagination, page_size=50)
def my_registrations(request, active: bool = False):
    """The signed-in person's event registrations, soonest event first."""
    registrations = _own(request.user)
    if active:
        registrations = registrations.exclude(status="cancelled")
    return registrations.order_by("event__start_at", "pk")


@router.post(
    "/my/registrations",
    response={201: RegistrationOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def create_registration(request, payload: RegistrationIn):
    page = EventPage.objects.live().public().filter(pk=payload.event_id).first()
    if page is None:
        raise HttpError(404, _("There is no event with this id."))
    try:
        registration = services.registration_create(
            actor=request.user, event=queries.canonical_event(page), region=payload.region
        )
    except ValidationError as error:
        return Status(400, {"message": error_text(error)})
    return Status(201, _own(request.user).get(pk=registration.pk))


@router.post(
    "/my/registrations/{registration_id}/cancel",
    response={200: RegistrationOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def cancel_registration(request, registration_id: int):
    registration = _own(request.user).filter(pk=registration_id).first()
    if registration is None:
        raise HttpError(404, _("You have no registration with this id."))
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except (ValidationError, PermissionDenied) as error:
        return Status(400, {"message": error_text(error)})
    return Status(200, _own(request.user).get(pk=registration.pk))
