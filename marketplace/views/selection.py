"""Pages for institutions, their opportunities, applying, and the institution's jury."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cms.models import paginate
from config.bidi import IsolatedChoiceField, isolate, isolate_html, safe_filename
from marketplace import exports, queries, services
from marketplace.models import (
    Application,
    ApplicationDocument,
    Business,
    Institution,
    Membership,
    Opportunity,
    Question,
)
from marketplace.models.selection import MAX_SCORE
from marketplace.views import error_text

STAFF_ACTIONS = {
    "start_review": gettext_lazy("Start the review"),
    "shortlist": gettext_lazy("Shortlist"),
    "accept": gettext_lazy("Accept"),
    "waitlist": gettext_lazy("Put on the waiting list"),
    "reject": gettext_lazy("Reject"),
}


# --- public ---------------------------------------------------------------------------------


def institution_list(request):
    institutions = Institution.objects.filter(is_public=True).order_by("name")
    return render(
        request,
        "marketplace/institution_list.html",
        {"institutions": paginate(request, institutions)},
    )


def institution_detail(request, slug):
    institution = get_object_or_404(Institution, slug=slug, is_public=True)
    opportunities = institution.opportunities.filter(
        is_published=True, closes_at__gt=timezone.now()
    )
    return render(
        request,
        "marketplace/institution_detail.html",
        {"institution": institution, "opportunities": opportunities},
    )


def opportunity_list(request):
    now = timezone.now()
    opportunities = (
        Opportunity.objects.filter(is_published=True, closes_at__gt=now)
        .select_related("institution")
        .order_by("closes_at")
    )
    return render(
        request,
        "marketplace/opportunity_list.html",
        {"opportunities": paginate(request, opportunities)},
    )


def opportunity_detail(request, slug):
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("institution"), slug=slug, is_published=True
    )
    application = None
    if request.user.is_authenticated:
        application = Application.objects.filter(
            opportunity=opportunity, applicant=request.user
        ).first()
    return render(
        request,
        "marketplace/opportunity_detail.html",
        {"opportunity": opportunity, "application": application},
    )


# --- applying -------------------------------------------------------------------------------


def application_form_class(opportunity, user):
    """A form with one field per question of the opportunity, plus 'on behalf of'."""
    fields = {}
    for question in opportunity.questions.all():
        # The institution's staff write the questions: their labels are isolated too.
        label = isolate_html(question.label)
        common = {"label": label, "required": False}
        if question.kind == Question.Kind.SHORT:
            field = forms.CharField(max_length=300, **common)
        elif question.kind == Question.Kind.LONG:
            field = forms.CharField(
                max_length=5000, widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}), **common
            )
        elif question.kind == Question.Kind.CHOICE:
            field = forms.ChoiceField(
                choices=[("", "—")] + [(c, isolate(c)) for c in question.choice_list], **common
            )
        elif question.kind == Question.Kind.YES_NO:
            field = forms.ChoiceField(
                choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], **common
            )
        else:
            field = forms.FileField(help_text=_("PDF, JPEG or PNG, 10 MB at most."), **common)
        if question.required:
            field.label = format_html("{} *", label)
        fields[question.field_name] = field
    owned = Business.objects.filter(memberships__user=user, memberships__role=Membership.Role.OWNER)
    fields["business"] = IsolatedChoiceField(
        queryset=owned, required=False, label=_("On behalf of"), empty_label=_("Myself")
    )
    return type("ApplicationForm", (forms.Form,), fields)


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, slug):
    opportunity = get_object_or_404(Opportunity, slug=slug, is_published=True)
    application = Application.objects.filter(
        opportunity=opportunity, applicant=request.user
    ).first()
    if application and application.status != "draft":
        return redirect("marketplace:my_applications")
    form_class = application_form_class(opportunity, request.user)
    # Yes/no answers are stored as booleans; the form shows them as its choices.
    initial = {
        name: ("yes" if value is True else "no" if value is False else value)
        for name, value in (application.answers if application else {}).items()
    }
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        business = data.pop("business", None)
        files = {name: value for name, value in data.items() if hasattr(value, "read")}
        answers = {name: value for name, value in data.items() if name not in files}
        try:
            application = services.application_save(
                actor=request.user,
                opportunity=opportunity,
                answers=answers,
                files=files,
                business=business,
            )
            if "submit" in request.POST:
                services.application_submit(actor=request.user, application=application)
                messages.success(request, _("Your application has been sent."))
                return redirect("marketplace:my_applications")
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("Your draft is saved. Come back to finish it."))
            return redirect("marketplace:apply", slug=opportunity.slug)
    documents = application.documents.select_related("question") if application else []
    return render(
        request,
        "marketplace/apply.html",
        {
            "opportunity": opportunity,
            "form": form,
            "application": application,
            "documents": documents,
        },
    )


@login_required
def my_applications(request):
    applications = (
        Application.objects.filter(applicant=request.user)
        .select_related("opportunity__institution")
        .order_by("-created_at")
    )
    return render(request, "marketplace/my_applications.html", {"applications": applications})


@login_required
@require_POST
def withdraw(request, application_id):
    application = get_object_or_404(Application, pk=application_id, applicant=request.user)
    try:
        services.application_transition(
            actor=request.user, application=application, action="withdraw"
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("marketplace:my_applications")


@login_required
def document_download(request, document_id):
    """Stream a private document to those who may read its application (its applicant; the
    jury once it was sent, unless recused): the jury page links exactly these. 404 to anyone
    else, so that nobody learns that the document exists."""
    document = get_object_or_404(
        ApplicationDocument.objects.select_related("application__opportunity__institution"),
        pk=document_id,
    )
    if not services.may_read_application(request.user, document.application):
        raise Http404
    try:
        stream = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=True,
        # The name the applicant's computer gave it, without what could turn it around.
        filename=safe_filename(document.original_name, default="document"),
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the institution's jury -----------------------------------------------------------------


def _staff_opportunity(request, opportunity_id):
    """An opportunity of an institution the user works for; anyone else's id is a 404."""
    return get_object_or_404(
        Opportunity.objects.select_related("institution"),
        Q(institution__staff__user=request.user),
        pk=opportunity_id,
    )


@login_required
def staff_home(request):
    opportunities = (
        Opportunity.objects.filter(institution__staff__user=request.user)
        .select_related("institution")
        .order_by("-closes_at")
    )
    return render(request, "marketplace/staff_home.html", {"opportunities": opportunities})


@login_required
def staff_applications(request, opportunity_id):
    opportunity = _staff_opportunity(request, opportunity_id)
    ranking = queries.ranking(opportunity, viewer=request.user)
    return render(
        request,
        "marketplace/staff_applications.html",
        {"opportunity": opportunity, "ranking": ranking},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_application(request, opportunity_id, application_id):
    opportunity = _staff_opportunity(request, opportunity_id)
    application = get_object_or_404(
        Application.objects.for_jury(request.user).select_related(
            "applicant", "business", "opportunity__institution"
        ),
        pk=application_id,
        opportunity=opportunity,
    )
    criteria = list(opportunity.criteria.all())
    review = application.reviews.filter(reviewer=request.user).prefetch_related("scores").first()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "conflict":
                services.review_declare_conflict(actor=request.user, application=application)
            elif action == "score":
                scores = {}
                for criterion in criteria:
                    raw = request.POST.get(f"criterion-{criterion.pk}", "")
                    if not (raw.isascii() and raw.isdigit()):  # "²" is a digit to isdigit()
                        raise ValidationError(_("Score every criterion of the rubric."))
                    scores[criterion.pk] = int(raw)
                services.review_submit(
                    actor=request.user,
                    application=application,
                    scores=scores,
                    comment=request.POST.get("comment", "")[:2000],
                )
            elif action in STAFF_ACTIONS:
                services.application_transition(
                    actor=request.user, application=application, action=action
                )
            else:
                raise ValidationError(_("Unknown action."))
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Saved."))
        return redirect(
            "marketplace:staff_application",
            opportunity_id=opportunity.pk,
            application_id=application.pk,
        )
    my_scores = {s.criterion_id: s.value for s in review.scores.all()} if review else {}
    sources = {name: spec[0] for name, spec in services.APPLICATION_TRANSITIONS.items()}
    recused = bool(review and review.conflict_of_interest)
    readable = services.may_read_application(request.user, application)
    return render(
        request,
        "marketplace/staff_application.html",
        {
            "opportunity": opportunity,
            "application": application,
            "readable": readable,
            "recused": recused,
            "may_score": not recused and application.status in services.REVIEWABLE,
            "may_declare_conflict": not recused
            and application.status in services.CONFLICT_DECLARABLE,
            "answers": [
                (q, application.answers.get(q.field_name)) for q in opportunity.questions.all()
            ]
            if readable
            else [],
            "documents": application.documents.select_related("question") if readable else [],
            "criteria": [(c, my_scores.get(c.pk)) for c in criteria],
            "review": review,
            "score_range": range(MAX_SCORE + 1),
            "actions": []
            if recused
            else [
                (name, label)
                for name, label in STAFF_ACTIONS.items()
                if application.status in sources[name]
            ],
            "events": application.events.select_related("actor"),
        },
    )


@login_required
def staff_export(request, opportunity_id, file_format):
    opportunity = _staff_opportunity(request, opportunity_id)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    return exports.applications_response(opportunity, file_format, request.user)
