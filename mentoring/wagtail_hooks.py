"""The programme team's mentoring screens in the Wagtail admin: publishing mentor profiles,
and assigning a cohort of businesses to mentors (preview, adjust, apply)."""

from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from cms.admin_menu import PermissionMenuItem
from cms.models import paginate
from config.bidi import isolate
from marketplace.forms import DirectoryFilterForm
from marketplace.views import error_text
from mentoring import matching, queries, services
from mentoring.assignment import assign
from mentoring.models import MentorProfile, SessionRating
from mentoring.reasons import describe, refusal

MANAGE = "mentoring.manage_mentoring"
ALTERNATIVES = 5  # other feasible mentors offered per business when adjusting a preview


@permission_required(MANAGE, raise_exception=True)
def mentor_index(request):
    shown = request.GET.get("show", "submitted")
    mentors = queries.with_load(MentorProfile.objects.select_related("user")).annotate(
        rating=Avg("bookings__rating__score"),
        no_shows=Count("bookings", filter=Q(bookings__no_show_party="mentor"), distinct=True),
    )
    if shown == "published":
        mentors = mentors.filter(is_published=True)
    elif shown == "all":
        pass
    else:
        shown = "submitted"
        mentors = mentors.filter(is_published=False, submitted_at__isnull=False)
    return TemplateResponse(
        request,
        "mentoring/admin/mentor_index.html",
        {
            "header_title": _("Mentors"),
            "page_title": _("Mentors"),
            "header_icon": "group",
            "mentors": paginate(request, mentors.order_by("user__display_name"), per_page=50),
            "shown": shown,
            "views": [
                ("submitted", _("Waiting for review")),
                ("published", _("Published")),
                ("all", _("All")),
            ],
        },
    )


@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def mentor_review(request, mentor_id):
    mentor = get_object_or_404(
        queries.with_load(MentorProfile.objects.select_related("user")), pk=mentor_id
    )
    if request.method == "POST":
        publish = request.POST.get("action") == "publish"
        try:
            services.mentor_profile_review(
                actor=request.user,
                mentor=mentor,
                publish=publish,
                note=request.POST.get("note", ""),
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Done: the mentor has been told."))
            return redirect("mentoring_admin:mentor_index")
    return TemplateResponse(
        request,
        "mentoring/admin/mentor_review.html",
        {
            # Wagtail writes these into its heading and <title>: plain text, isolated.
            "header_title": isolate(mentor.user.display_name),
            "page_title": isolate(mentor.user.display_name),
            "header_icon": "group",
            "mentor": mentor,
            # Staff read what mentees said, to follow up; it is never public.
            "ratings": SessionRating.objects.filter(booking__mentor=mentor)
            .select_related("booking__mentorship__entrepreneur")
            .order_by("-created_at")[:20],
        },
    )


def _cohort(filters):
    """Businesses of the cohort, mentors, their facts, and the optimal assignment."""
    businesses = list(queries.cohort_businesses(filters))
    mentors = list(queries.candidate_mentors())
    business_facts = [queries.business_facts(b) for b in businesses]
    mentor_facts = [queries.mentor_facts(m, counting_proposals=True) for m in mentors]
    result = assign(business_facts, mentor_facts, settings.MENTORING_MATCH_WEIGHTS)
    return businesses, mentors, business_facts, mentor_facts, result


@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def cohort(request):
    """Preview the best assignment of the unmentored businesses, adjust it, apply it."""
    form = DirectoryFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    businesses, mentors, b_facts, m_facts, result = _cohort(filters)
    weights = settings.MENTORING_MATCH_WEIGHTS
    mentor_by_id = {m.pk: m for m in mentors}
    facts_by_mentor = {f.id: f for f in m_facts}
    chosen = {pair.business_id: pair for pair in result.pairs}
    rows = []
    for business, facts in zip(businesses, b_facts, strict=True):
        options = matching.suggest(facts, m_facts, weights, limit=ALTERNATIVES)
        pair = chosen.get(business.pk)
        if pair and pair.mentor_id not in {o.mentor_id for o in options}:
            options.insert(0, pair)
        rows.append(
            {
                "business": business,
                "pair": pair,
                "mentor": mentor_by_id.get(pair.mentor_id) if pair else None,
                "reasons": describe(pair.reasons) if pair else "",
                "options": [(o, mentor_by_id[o.mentor_id]) for o in options],
                "unmatched": refusal(
                    result.refusals.get(business.pk) or result.unmatched.get(business.pk, "")
                )
                if not pair
                else "",
            }
        )
    if request.method == "POST":
        applied = _apply(request, businesses, b_facts, facts_by_mentor, mentor_by_id, weights)
        if applied is not None:
            messages.success(
                request,
                _("%(count)s mentorships proposed: each mentor confirms or declines.")
                % {"count": applied},
            )
            return redirect(reverse("mentoring_admin:cohort") + "?" + request.GET.urlencode())
    return TemplateResponse(
        request,
        "mentoring/admin/cohort.html",
        {
            "header_title": _("Cohort assignment"),
            "page_title": _("Cohort assignment"),
            "header_icon": "group",
            "form": form,
            "rows": rows,
            "result": result,
            "matched": len(result.pairs),
            "seats": sum(f.free for f in m_facts if not f.paused),
        },
    )


def _apply(request, businesses, b_facts, facts_by_mentor, mentor_by_id, weights):
    """Propose the pairs the staff kept (and maybe changed), after checking them again:
    hard constraints and each mentor's free places. Returns how many were made, or None."""
    choices = {}
    for business in businesses:
        value = request.POST.get(f"mentor-{business.pk}", "")
        if value.isdecimal() and int(value) in facts_by_mentor:
            choices[business.pk] = int(value)
    facts_by_business = {f.id: f for f in b_facts}
    by_id = {b.pk: b for b in businesses}
    problems = []
    per_mentor = Counter(choices.values())
    for mentor_id, count in per_mentor.items():
        if count > facts_by_mentor[mentor_id].free:
            problems.append(
                _("%(mentor)s has %(free)s free places, not %(count)s.")
                % {
                    "mentor": isolate(mentor_by_id[mentor_id].user.display_name),
                    "free": facts_by_mentor[mentor_id].free,
                    "count": count,
                }
            )
    matches = {}
    for business_id, mentor_id in choices.items():
        match = matching.score(facts_by_business[business_id], facts_by_mentor[mentor_id], weights)
        if match is None:
            problems.append(
                _("Business %(business)s cannot go to mentor %(mentor)s: %(why)s.")
                % {
                    "business": isolate(by_id[business_id].name),
                    "mentor": isolate(mentor_by_id[mentor_id].user.display_name),
                    "why": refusal(
                        matching.refusal(facts_by_business[business_id], facts_by_mentor[mentor_id])
                    ),
                }
            )
        matches[business_id] = match
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return None
    made = 0
    try:
        # All or nothing: a refused pair undoes the ones proposed before it.
        with transaction.atomic():
            for business_id, mentor_id in choices.items():
                business = by_id[business_id]
                made += _propose(request, business, mentor_by_id[mentor_id], matches[business_id])
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, f"{business.name}: {error_text(error)}")
        return None
    return made


def _propose(request, business, mentor, match):
    return (
        services.mentorship_propose(
            actor=request.user,
            mentor=mentor,
            business=business,
            score=round(match.score, 1),
            reasons=[[r.kind, list(r.values)] for r in match.reasons],
        )
        is not None
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", mentor_index, name="mentor_index"),
        path("<int:mentor_id>/", mentor_review, name="mentor_review"),
        path("cohort/", cohort, name="cohort"),
    ]
    return [path("mentoring/", include((urls, "mentoring_admin"), namespace="mentoring_admin"))]


@hooks.register("register_admin_menu_item")
def register_mentors_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Mentors"),
        reverse("mentoring_admin:mentor_index"),
        icon_name="group",
        order=260,
        permission=MANAGE,
    )


@hooks.register("register_admin_menu_item")
def register_cohort_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Cohort assignment"),
        reverse("mentoring_admin:cohort"),
        icon_name="list-ul",
        order=261,
        permission=MANAGE,
    )
