"""Thin HTML views of mentoring: the directory, "My mentoring", a mentorship, booking, a
session, the mentor's profile and availability, and the private calendar feed.

Every page that takes an id looks it up among the user's own mentorships or sessions, so
another person's id is a 404, never their data.
"""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from cms.models import paginate
from marketplace.views import error_text
from mentoring import calendar, queries, services
from mentoring.forms import (
    AvailabilityForm,
    BookingForm,
    EndForm,
    GoalForm,
    GoalProgressForm,
    MentorFilterForm,
    MentorProfileForm,
    NoteForm,
    RatingForm,
    ReasonForm,
    RecordForm,
    RequestForm,
    RescheduleForm,
    slot_choices,
)
from mentoring.models import BookingStatus, CalendarFeed, Goal, MentorProfile, MentorshipStatus
from mentoring.reasons import describe

BOOKING_DAYS = 7
MAX_DAYS_AHEAD = 400  # beyond any mentor's booking horizon; keeps date arithmetic in range


def mentor_list(request):
    form = MentorFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    mentors = paginate(request, queries.mentor_directory(filters))
    return render(
        request,
        "mentoring/mentor_list.html",
        {"form": form, "mentors": mentors, "filtered": any(filters.values())},
    )


def mentor_detail(request, mentor_id):
    mentor = queries.public_mentor(mentor_id)
    if mentor is None:
        raise Http404
    context = {"mentor": mentor}
    if request.user.is_authenticated and request.user.pk != mentor.user_id:
        businesses = list(services.businesses_for_help(request.user))
        context["request_form"] = RequestForm(businesses=businesses)
        context["open_mentorship"] = (
            mentor.mentorships.filter(entrepreneur=request.user, status__in=queries.OPEN)
            .only("pk", "status")
            .first()
        )
    return render(request, "mentoring/mentor_detail.html", context)


@login_required
@require_POST
def mentorship_request(request, mentor_id):
    mentor = get_object_or_404(MentorProfile.objects.published(), pk=mentor_id)
    form = RequestForm(request.POST, businesses=list(services.businesses_for_help(request.user)))
    if not form.is_valid():
        messages.error(request, _("Write a few words to the mentor."))
        return redirect(mentor.get_absolute_url())
    try:
        mentorship = services.mentorship_request(
            actor=request.user,
            mentor=mentor,
            business=form.cleaned_data["business"],
            message=form.cleaned_data["message"],
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
        return redirect(mentor.get_absolute_url())
    messages.success(request, _("Your request has been sent. The mentor answers within 7 days."))
    return redirect(mentorship.get_absolute_url())


@login_required
def dashboard(request):
    user = request.user
    mentorships = list(queries.mentorships_of(user))
    profile = MentorProfile.objects.filter(user=user).first()
    as_mentor = [m for m in mentorships if profile and m.mentor_id == profile.pk]
    as_mentee = [m for m in mentorships if m.entrepreneur_id == user.pk]
    context = {
        "profile": profile,
        "is_mentor": user.groups.filter(name=roles.MENTOR).exists(),
        "as_mentee": as_mentee,
        "mentees": [m for m in as_mentor if m.status == MentorshipStatus.ACTIVE],
        "past_mentees": [m for m in as_mentor if not m.is_open],
        "upcoming": queries.upcoming_sessions(user, limit=20),
        "to_record": queries.sessions_to_record(user),
    }
    if profile:
        context["requests"] = [
            (mentorship, match, describe(match.reasons) if match else "")
            for mentorship, match in queries.requests_ranked(profile)
        ]
    context["suggestions"] = [
        (
            business,
            [
                (mentor, match, describe(match.reasons))
                for mentor, match in queries.suggestions(business, limit=3)
            ],
        )
        for business in services.businesses_for_help(user).prefetch_related("languages")
    ]
    return render(request, "mentoring/dashboard.html", context)


def _own_mentorship(request, mentorship_id):
    mentorship = queries.mentorship_for(request.user, mentorship_id)
    if mentorship is None:
        raise Http404
    return mentorship


@login_required
def mentorship_detail(request, mentorship_id):
    mentorship = _own_mentorship(request, mentorship_id)
    is_mentor = mentorship.mentor.user_id == request.user.pk
    return render(
        request,
        "mentoring/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "is_mentor": is_mentor,
            "reasons": describe_stored(mentorship.match_reasons),
            "decline_form": ReasonForm(),
            "end_form": EndForm(),
            "goal_form": GoalForm(),
        },
    )


def describe_stored(reasons):
    """Reasons kept on a cohort proposal (lists of [kind, values]) as a sentence."""
    from mentoring.matching import Reason

    return describe([Reason(kind, tuple(values)) for kind, values in reasons or []])


MENTORSHIP_ACTIONS = {"accept", "decline", "withdraw", "end"}


@login_required
@require_POST
def mentorship_action(request, mentorship_id, action):
    mentorship = _own_mentorship(request, mentorship_id)
    if action not in MENTORSHIP_ACTIONS:
        raise Http404
    try:
        if action == "accept":
            services.mentorship_accept(actor=request.user, mentorship=mentorship)
            messages.success(request, _("You are now this entrepreneur's mentor."))
        elif action == "decline":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.mentorship_decline(actor=request.user, mentorship=mentorship, reason=reason)
            messages.success(request, _("The request is declined; the entrepreneur is told why."))
        elif action == "withdraw":
            services.mentorship_withdraw(actor=request.user, mentorship=mentorship)
            messages.success(request, _("Your request is withdrawn."))
        else:
            form = EndForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say whether the mentorship is completed or ended early."))
            services.mentorship_end(
                actor=request.user,
                mentorship=mentorship,
                completed=form.cleaned_data["outcome"] == "completed",
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The mentorship is closed."))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
    return redirect(mentorship.get_absolute_url())


@login_required
@require_POST
def goal_add(request, mentorship_id):
    mentorship = _own_mentorship(request, mentorship_id)
    form = GoalForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the goal a title and a valid date."))
        services.goal_add(actor=request.user, mentorship=mentorship, **form.cleaned_data)
        messages.success(request, _("Goal added."))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
    return redirect(mentorship.get_absolute_url() + "#goals")


@login_required
@require_POST
def goal_update(request, mentorship_id, goal_id):
    mentorship = _own_mentorship(request, mentorship_id)
    goal = get_object_or_404(Goal, pk=goal_id, mentorship=mentorship)
    form = GoalProgressForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Progress is a percentage between 0 and 100."))
        services.goal_update(actor=request.user, goal=goal, progress=form.cleaned_data["progress"])
        messages.success(request, _("Progress saved."))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
    return redirect(mentorship.get_absolute_url() + "#goals")


def _first_day(request):
    """The first day shown on a booking page: ?from=YYYY-MM-DD, today at the earliest."""
    today = timezone.localdate()
    try:
        first = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return today
    return min(max(first, today), today + timedelta(days=MAX_DAYS_AHEAD))


def _week(request, mentor, length, ignoring=None):
    first = _first_day(request)
    slots = services.mentor_free_slots(
        mentor,
        length=length,
        first_day=first,
        last_day=first + timedelta(days=BOOKING_DAYS),
        ignoring=ignoring,
    )
    return first, slots


@login_required
@require_http_methods(["GET", "POST"])
def book(request, mentorship_id):
    """Pick a free slot: the week's slots as radio buttons, in the viewer's time zone."""
    mentorship = _own_mentorship(request, mentorship_id)
    if mentorship.entrepreneur_id != request.user.pk:
        raise Http404
    if mentorship.status != MentorshipStatus.ACTIVE:
        messages.error(request, _("Sessions are booked within an active mentorship."))
        return redirect(mentorship.get_absolute_url())
    mentor = mentorship.mentor
    try:
        length = int(request.GET.get("length") or mentor.lengths[0])
    except ValueError:
        length = mentor.lengths[0]
    if length not in mentor.lengths:
        length = mentor.lengths[0]
    form = BookingForm(request.POST or None, mentor=mentor, initial={"length": length})
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_create(
                actor=request.user,
                mentorship=mentorship,
                starts_at=form.cleaned_data["slot"],
                length=form.cleaned_data["length"],
                format=form.cleaned_data["format"],
                place=form.cleaned_data["place"],
                agenda=form.cleaned_data["agenda"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request, _("Your session is booked. The invitation is in your mailbox.")
            )
            return redirect(booking.get_absolute_url())
    first, slots = _week(request, mentor, length)
    return render(
        request,
        "mentoring/book.html",
        {
            "mentorship": mentorship,
            "mentor": mentor,
            "form": form,
            "length": length,
            "slots": _by_day(slots),
            "first": first,
            "previous": first - timedelta(days=BOOKING_DAYS),
            "next": first + timedelta(days=BOOKING_DAYS),
            "today": timezone.localdate(),
            "viewer_zone": timezone.get_current_timezone_name(),
        },
    )


def _by_day(slots):
    """Slots grouped by the viewer's local day: [(date, [(value, label)])]."""
    days = {}
    zone = timezone.get_current_timezone()
    for value, label in slot_choices(slots):
        day = datetime.fromisoformat(value).astimezone(zone).date()
        days.setdefault(day, []).append((value, label.rsplit(",", 1)[-1].strip()))
    return list(days.items())


def _own_booking(request, booking_id):
    booking = queries.booking_for(request.user, booking_id)
    if booking is None:
        raise Http404
    return booking


@login_required
def booking_detail(request, booking_id):
    booking = _own_booking(request, booking_id)
    is_mentor = booking.mentorship.mentor.user_id == request.user.pk
    context = {
        "booking": booking,
        "is_mentor": is_mentor,
        "now": timezone.now(),
        "cancel_form": ReasonForm(),
        "note_form": NoteForm(),
        "record_form": RecordForm(),
        "rating": getattr(booking, "rating", None),
    }
    if booking.status == BookingStatus.BOOKED and booking.starts_at > timezone.now():
        first, slots = _week(request, booking.mentor, booking.length_minutes, ignoring=booking)
        context.update(
            reschedule_form=RescheduleForm(),
            slots=_by_day(slots),
            first=first,
            next=first + timedelta(days=BOOKING_DAYS),
        )
    if booking.status == BookingStatus.HELD and not is_mentor:
        rating = context["rating"]
        context["rating_form"] = RatingForm(
            initial={"score": rating.score, "comment": rating.comment} if rating else None
        )
    return render(request, "mentoring/booking_detail.html", context)


BOOKING_ACTIONS = {"cancel", "reschedule", "record", "note", "rate"}


@login_required
@require_POST
def booking_action(request, booking_id, action):
    booking = _own_booking(request, booking_id)
    if action not in BOOKING_ACTIONS:
        raise Http404
    user = request.user
    try:
        if action == "cancel":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.booking_cancel(actor=user, booking=booking, reason=reason)
            messages.success(request, _("The session is cancelled; both of you got an e-mail."))
        elif action == "reschedule":
            form = RescheduleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a new time and say why."))
            services.booking_reschedule(
                actor=user,
                booking=booking,
                starts_at=form.cleaned_data["slot"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The session has moved; both of you got an e-mail."))
        elif action == "record":
            form = RecordForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose held or missed."))
            services.booking_record(
                actor=user, booking=booking, outcome=form.cleaned_data["outcome"]
            )
            messages.success(request, _("Recorded."))
        elif action == "note":
            form = NoteForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Write the note (at most 4,000 characters)."))
            services.session_note_add(actor=user, booking=booking, text=form.cleaned_data["text"])
            messages.success(request, _("Note saved."))
        else:
            form = RatingForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give a rating from 1 to 5."))
            services.session_rate(actor=user, booking=booking, **form.cleaned_data)
            messages.success(request, _("Thank you for your rating."))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
    return redirect(booking.get_absolute_url())


@login_required
def booking_ics(request, booking_id):
    """The session's invitation as a file, for people who add it to a calendar by hand."""
    booking = _own_booking(request, booking_id)
    ics, _method = calendar.invitation(booking)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{booking.pk}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    if request.method == "POST":
        services.calendar_feed_token(actor=request.user, renew=True)
        messages.success(request, _("New address made: the old one no longer works."))
        return redirect("mentoring:calendar_settings")
    token = services.calendar_feed_token(actor=request.user)
    feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    return render(request, "mentoring/calendar_settings.html", {"feed_url": feed_url})


def calendar_feed(request, token):
    """A user's sessions as .ics, for calendar programs: the secret address is the key."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    with translation.override(feed.user.preferred_language):
        ics = calendar.feed(queries.feed_bookings(feed.user), name="Tremplin")
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def _require_mentor(request):
    if not request.user.groups.filter(name=roles.MENTOR).exists():
        raise PermissionDenied(_("Only mentors have a mentor profile."))


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    _require_mentor(request)
    profile = MentorProfile.objects.filter(user=request.user).first() or MentorProfile(
        user=request.user, time_zone=request.user.time_zone
    )
    form = MentorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_profile_save(actor=request.user, **form.profile_fields())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error_text(error))
        else:
            messages.success(request, _("Your mentor profile is saved."))
            return redirect("mentoring:dashboard")
    return render(request, "mentoring/profile_form.html", {"form": form, "profile": profile})


PROFILE_ACTIONS = {"submit", "pause", "resume"}


@login_required
@require_POST
def profile_action(request, action):
    _require_mentor(request)
    if action not in PROFILE_ACTIONS:
        raise Http404
    profile = get_object_or_404(MentorProfile, user=request.user)
    try:
        if action == "submit":
            services.mentor_profile_submit(actor=request.user)
            messages.success(request, _("Your profile is sent to the programme team for review."))
        else:
            services.mentor_pause(actor=request.user, mentor=profile, paused=action == "pause")
            messages.success(
                request,
                _("You are paused: no new requests reach you.")
                if action == "pause"
                else _("You take new mentees again."),
            )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
    return redirect("mentoring:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def availability_edit(request):
    _require_mentor(request)
    profile = MentorProfile.objects.filter(user=request.user).first()
    if profile is None:
        messages.error(request, _("Write your mentor profile first."))
        return redirect("mentoring:profile_edit")
    form = AvailabilityForm(request.POST or None, mentor=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_save(
                actor=request.user,
                windows=form.cleaned_data["windows"],
                exceptions=form.cleaned_data["exceptions"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("Your availability is saved."))
            return redirect("mentoring:dashboard")
    return render(request, "mentoring/availability_form.html", {"form": form, "profile": profile})
