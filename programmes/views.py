"""Thin HTML views of programmes: registering for an event, a registration's own page (reached
through its secret link), and the staff's attendance pages.

Every page works without JavaScript. An attendance page checks that the user may take the
attendance of that event (403 otherwise), and only the event's own registrations can be ticked.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cms.models import EventPage
from config.bidi import isolate
from programmes import calendar, queries, services
from programmes.forms import RegistrationForm, SignedInRegistrationForm, WalkInForm
from programmes.models import Attendance, EventRegistration, RegistrationStatus


def _public_event(event_id):
    page = get_object_or_404(
        EventPage.objects.live().public().select_related("locale"), pk=event_id
    )
    return page, queries.canonical_event(page)


@require_http_methods(["GET", "POST"])
def event_register(request, event_id):
    """The registration form on its own page: where the event page's form posts, and where it
    comes back with its errors."""
    page, event = _public_event(event_id)
    signed_in = request.user.is_authenticated
    existing = queries.active_registration(event, request.user)
    if existing is not None:
        return redirect(existing.get_absolute_url())
    form_class = SignedInRegistrationForm if signed_in else RegistrationForm
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = services.registration_create(
                    actor=request.user, event=event, **form.cleaned_data
                )
            except ValidationError as error:
                form.apply(error)
            else:
                if registration.status == RegistrationStatus.CONFIRMED:
                    messages.success(request, _("You are registered. See you there!"))
                else:
                    messages.info(request, _("The event is full: you are on the waiting list."))
                return redirect(registration.get_absolute_url())
        status = 400
    return render(
        request,
        "programmes/register.html",
        {"page": page, "event": event, "form": form, "seats": queries.seats(event)},
        status=status,
    )


def _registration(token):
    return get_object_or_404(EventRegistration.objects.select_related("event", "user"), token=token)


@never_cache  # a person's name and phone, read by whoever holds the link
def registration_detail(request, token):
    registration = _registration(token)
    return render(
        request,
        "programmes/registration_detail.html",
        {
            "registration": registration,
            "event": registration.event,
            "position": queries.waitlist_position(registration),
        },
    )


@require_POST
def registration_cancel(request, token):
    registration = _registration(token)
    try:
        services.registration_cancel(actor=request.user, registration=registration, token=token)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(registration.get_absolute_url())


@never_cache
def registration_ics(request, token):
    registration = _registration(token)
    if registration.status == RegistrationStatus.WAITLISTED:
        raise Http404
    ics, _method = calendar.invitation(registration)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="event.ics"'
    return response


# --- Attendance (staff) ---------------------------------------------------------------------


@login_required
def attendance_index(request):
    if not request.user.has_perm(services.TAKE_ATTENDANCE):
        raise PermissionDenied
    events = list(queries.events_for_attendance(request.user)[:50])
    return render(request, "programmes/attendance_index.html", {"events": events})


def _attendance_event(request, event_id):
    event = get_object_or_404(
        EventPage.objects.select_related("programme"),
        pk=event_id,
        locale__language_code=settings.LANGUAGE_CODE,
    )
    if not services.can_take_attendance(request.user, event):
        raise PermissionDenied
    return event


def _attendance_page(request, event, walk_in_form, status=200):
    registrations = list(
        EventRegistration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .order_by("name", "pk")
    )
    attendance = list(Attendance.objects.filter(event=event).order_by("name"))
    present = {a.person_key for a in attendance}
    registered_keys = {r.person_key for r in registrations}
    return render(
        request,
        "programmes/attendance.html",
        {
            "event": event,
            "rows": [(r, r.person_key in present) for r in registrations],
            "walk_ins": [a for a in attendance if a.person_key not in registered_keys],
            "present_count": len(present),
            "form": walk_in_form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance_take(request, event_id):
    event = _attendance_event(request, event_id)
    if request.method == "POST":
        values = request.POST.getlist("present")
        if not all(value.isdecimal() for value in values):
            raise Http404
        added, removed = services.attendance_set(
            actor=request.user, event=event, present={int(v) for v in values}
        )
        messages.success(
            request,
            _("Saved: %(added)s marked present, %(removed)s unmarked.")
            % {"added": added, "removed": removed},
        )
        return redirect("programmes:attendance_take", event_id=event.pk)
    return _attendance_page(request, event, WalkInForm())


@login_required
@require_POST
def attendance_walk_in(request, event_id):
    event = _attendance_event(request, event_id)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_add_walk_in(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            form.apply(error)
        else:
            messages.success(
                request,
                _("%(name)s is recorded as present.")
                % {"name": isolate(form.cleaned_data["name"])},
            )
            return redirect("programmes:attendance_take", event_id=event.pk)
    return _attendance_page(request, event, form, status=400)
