"""The programme team's screens in the Wagtail admin: the impact dashboard (with its exports
and printable page), the journeys of a cohort, and the grants of a fund. Thin views: the
figures come from programmes.indicators, every change from programmes.services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import formset_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.roles import VIEW_SENSITIVE_DATA
from config.bidi import IsolatedChoiceField, NameField, isolate
from marketplace.models import Business
from marketplace.views import error_text
from programmes import charts, disclosure, exports, indicators, services
from programmes.models import (
    PERSON_REGIONS,
    STEPS,
    Cohort,
    FollowUp,
    Grant,
    Journey,
    Programme,
    Step,
    Tranche,
    TurnoverBand,
    step_index,
)

VIEW_IMPACT = "programmes.view_impact"
MANAGE_JOURNEYS = services.MANAGE_JOURNEYS
MANAGE_GRANTS = services.MANAGE_GRANTS


def _admin_page(request, template, title, context, icon="doc-full-inverse"):
    return TemplateResponse(
        request,
        template,
        {"header_title": title, "page_title": title, "header_icon": icon, **context},
    )


# --- Impact dashboard -----------------------------------------------------------------------


def _choose_programme(request, url_name, title, icon):
    """The programme to work on: straight to it when there is only one."""
    programmes = list(Programme.objects.order_by("-starts_on", "name"))
    if len(programmes) == 1:
        return redirect(url_name, programme_id=programmes[0].pk)
    return _admin_page(
        request,
        "programmes/admin/programme_choice.html",
        title,
        {"programmes": programmes, "url_name": url_name},
        icon=icon,
    )


@permission_required(VIEW_IMPACT, raise_exception=True)
def impact_index(request):
    return _choose_programme(request, "programmes_impact:dashboard", _("Impact"), "table")


def _dashboard_context(request, programme):
    figures = indicators.programme_figures(programme)
    periods = figures["periods"]
    shown = {periods[0], periods[-1]} | set(periods[:: max(1, len(periods) // 4)])
    for row in figures["rows"]:
        row.chart = charts.progress_chart(
            [(label, None if cell.hidden else float(cell.value)) for label, cell in row.series],
            target=float(row.target) if row.target else None,
            x_labels=shown,
        )
    return {
        "programme": programme,
        "figures": figures,
        "fund": figures["fund"],
        "today": timezone.localdate(),
        "may_export_records": request.user.has_perm(VIEW_SENSITIVE_DATA),
        "notes": disclosure.NOTES,
    }


@permission_required(VIEW_IMPACT, raise_exception=True)
def impact_dashboard(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    return _admin_page(
        request,
        "programmes/admin/impact.html",
        _("Impact: %(programme)s") % {"programme": isolate(programme.name)},
        _dashboard_context(request, programme),
        icon="table",
    )


@permission_required(VIEW_IMPACT, raise_exception=True)
def impact_print(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    return TemplateResponse(
        request, "programmes/admin/impact_print.html", _dashboard_context(request, programme)
    )


def impact_export(request, programme_id, file_format):
    table = request.GET.get("table", "logframe")
    if table not in ("logframe", "records") or file_format not in ("csv", "xlsx"):
        raise Http404
    # Row-level records, however generalised, are for staff cleared for sensitive data only:
    # never for funders, whose role reads the protected figures. Refused with a plain 403
    # (Wagtail would turn PermissionDenied into a redirect, which a script misreads).
    needed = [VIEW_IMPACT, VIEW_SENSITIVE_DATA] if table == "records" else [VIEW_IMPACT]
    if not request.user.has_perms(needed):
        response = _admin_page(
            request,
            "programmes/admin/export_refused.html",
            _("Download refused"),
            {
                "programme_id": programme_id,
                "records": table == "records",
                "may_view_impact": request.user.has_perm(VIEW_IMPACT),
            },
            icon="table",
        )
        response.status_code = 403
        return response
    programme = get_object_or_404(Programme, pk=programme_id)
    figures = indicators.programme_figures(programme) if table == "logframe" else None
    return exports.impact_response(programme, figures, table, file_format)


# --- Journeys -------------------------------------------------------------------------------


class BulkAdvanceForm(forms.Form):
    step = forms.ChoiceField(
        label=gettext_lazy("Move to"),
        choices=[(step, Step(step).label) for step in STEPS[1:-1]],
    )
    on = forms.DateField(label=gettext_lazy("On"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(label=gettext_lazy("Evidence"), max_length=300, required=False)


class CohortForm(forms.Form):
    programme = IsolatedChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.order_by("name")
    )
    name = NameField(label=gettext_lazy("Name"), max_length=120)
    starts_on = forms.DateField(
        label=gettext_lazy("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class JoinForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address of the person's account"))
    region = forms.ChoiceField(
        label=gettext_lazy("Region"), choices=[("", "—"), *PERSON_REGIONS], required=False
    )
    on = forms.DateField(
        label=gettext_lazy("Informed on"), widget=forms.DateInput(attrs={"type": "date"})
    )


@permission_required(MANAGE_JOURNEYS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def cohort_index(request):
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            return redirect("programmes_journeys:cohort", cohort_id=cohort.pk)
    cohorts = Cohort.objects.select_related("programme").order_by("-starts_on")
    return _admin_page(
        request,
        "programmes/admin/cohort_index.html",
        _("Cohorts"),
        {"cohorts": cohorts, "form": form},
        "group",
    )


@permission_required(MANAGE_JOURNEYS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def cohort_journeys(request, cohort_id):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_id)
    journeys = cohort.journeys.select_related("person", "business").order_by(
        "person__display_name", "pk"
    )
    joining = request.POST.get("action") == "join"
    form = BulkAdvanceForm(
        None if joining else request.POST or None, initial={"on": timezone.localdate()}
    )
    join = JoinForm(request.POST if joining else None, initial={"on": timezone.localdate()})
    ticked = request.POST.getlist("journey")
    if joining and join.is_valid():
        person = User.objects.filter(email__iexact=join.cleaned_data["email"]).first()
        try:
            if person is None:
                raise ValidationError(_("No account has this e-mail address."), code="no_account")
            services.journey_start(
                actor=request.user,
                programme=cohort.programme,
                person=person,
                cohort=cohort,
                region=join.cleaned_data["region"],
                on=join.cleaned_data["on"],
            )
        except ValidationError as error:
            join.add_error("email", error)
        else:
            messages.success(
                request, _("%(name)s joined the cohort.") % {"name": isolate(person.display_name)}
            )
            return redirect("programmes_journeys:cohort", cohort_id=cohort.pk)
    if request.method == "POST" and not joining and form.is_valid():
        chosen = [journey for journey in journeys if str(journey.pk) in ticked]
        try:
            moved = services.journeys_advance(
                actor=request.user,
                journeys=chosen,
                step=form.cleaned_data["step"],
                on=form.cleaned_data["on"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s person moved to “%(step)s”.",
                    "%(count)s people moved to “%(step)s”.",
                    len(moved),
                )
                % {"count": len(moved), "step": Step(form.cleaned_data["step"]).label},
            )
            return redirect("programmes_journeys:cohort", cohort_id=cohort.pk)
    return _admin_page(
        request,
        "programmes/admin/cohort_journeys.html",
        f"{isolate(cohort.programme.name)} – {isolate(cohort.name)}",
        {
            "cohort": cohort,
            "journeys": journeys,
            "form": form,
            "join": join,
            "ticked": ticked,
            "steps": STEPS,
        },
        "group",
    )


class AdvanceForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("On"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(label=gettext_lazy("Evidence"), max_length=300, required=False)
    registration_number = forms.CharField(
        label=gettext_lazy("Auto-entrepreneur registration number"), max_length=40, required=False
    )
    business = IsolatedChoiceField(
        label=gettext_lazy("Business"), queryset=Business.objects.none(), required=False
    )


class CorrectForm(forms.Form):
    step = forms.ChoiceField(label=gettext_lazy("Back to"), choices=[])
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class FollowUpForm(forms.Form):
    months = forms.TypedChoiceField(
        label=gettext_lazy("After"), choices=FollowUp.MONTHS, coerce=int
    )
    on = forms.DateField(label=gettext_lazy("On"), widget=forms.DateInput(attrs={"type": "date"}))
    still_active = forms.BooleanField(label=gettext_lazy("Business still active"), required=False)
    jobs = forms.IntegerField(label=gettext_lazy("Jobs"), min_value=0, max_value=1000)
    turnover_band = forms.ChoiceField(label=gettext_lazy("Turnover"), choices=TurnoverBand.choices)


@permission_required(MANAGE_JOURNEYS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def journey_detail(request, journey_id):
    journey = get_object_or_404(
        Journey.objects.select_related("programme", "person", "business", "cohort"), pk=journey_id
    )
    index = step_index(journey.step)
    next_step = STEPS[index + 1] if index + 1 < len(STEPS) - 1 else None
    advance = AdvanceForm(
        request.POST if request.POST.get("action") == "advance" else None,
        initial={"on": timezone.localdate()},
    )
    advance.fields["business"].queryset = Business.objects.filter(
        memberships__user_id=journey.person_id
    )
    correct = CorrectForm(request.POST if request.POST.get("action") == "correct" else None)
    correct.fields["step"].choices = [(step, Step(step).label) for step in STEPS[:index]]
    follow_up = FollowUpForm(
        request.POST if request.POST.get("action") == "follow_up" else None,
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "advance" and advance.is_valid() and next_step:
                services.journey_advance(
                    actor=request.user, journey=journey, step=next_step, **advance.cleaned_data
                )
            elif action == "correct" and correct.is_valid():
                services.journey_correct(
                    actor=request.user, journey=journey, **correct.cleaned_data
                )
            elif action == "follow_up" and follow_up.is_valid():
                services.follow_up_record(
                    actor=request.user, journey=journey, **follow_up.cleaned_data
                )
            else:
                raise ValidationError(_("Check the form."), code="invalid")
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The journey is up to date."))
            return redirect("programmes_journeys:journey", journey_id=journey.pk)
    return _admin_page(
        request,
        "programmes/admin/journey_detail.html",
        _journey_title(journey),
        {
            "journey": journey,
            "next_step": Step(next_step) if next_step else None,
            "records": journey.records.select_related("recorded_by"),
            "changes": journey.changes.select_related("actor").order_by("-at", "-pk"),
            "follow_ups": journey.follow_ups.all(),
            "sessions": services.training_sessions_attended(journey),
            "advance": advance,
            "correct": correct,
            "follow_up": follow_up,
            "show_sensitive": request.user.has_perm(VIEW_SENSITIVE_DATA),
        },
        "user",
    )


def _journey_title(journey):
    person = journey.person.display_name if journey.person else _("(deleted account)")
    return f"{isolate(person)} – {isolate(journey.programme.name)}"


# --- Grants ---------------------------------------------------------------------------------


class GrantForm(forms.Form):
    business = IsolatedChoiceField(
        label=gettext_lazy("Business"),
        queryset=Business.objects.filter(status="published").order_by("name"),
    )
    amount_eur = forms.DecimalField(
        label=gettext_lazy("Amount (EUR)"), min_value=1, max_digits=12, decimal_places=2
    )
    exchange_rate = forms.DecimalField(
        label=gettext_lazy("MAD for 1 EUR on the decision date"),
        min_value=0.0001,
        max_digits=10,
        decimal_places=4,
    )
    decided_on = forms.DateField(
        label=gettext_lazy("Decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=300)


class TrancheForm(forms.Form):
    amount_eur = forms.DecimalField(
        label=gettext_lazy("Amount (EUR)"), min_value=1, max_digits=12, decimal_places=2
    )
    condition = forms.CharField(label=gettext_lazy("Condition"), max_length=300)
    due_on = forms.DateField(
        label=gettext_lazy("Due on"), widget=forms.DateInput(attrs={"type": "date"})
    )


TrancheFormSet = formset_factory(TrancheForm, extra=3, max_num=6, min_num=1, validate_min=True)


class DisbursementForm(forms.Form):
    amount_eur = forms.DecimalField(
        label=gettext_lazy("Amount (EUR)"), min_value=1, max_digits=12, decimal_places=2
    )
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=gettext_lazy("Payment reference"), max_length=100)


@permission_required(MANAGE_GRANTS, raise_exception=True)
def grant_programmes(request):
    return _choose_programme(request, "programmes_grants:index", _("Grants"), "doc-full")


@permission_required(MANAGE_GRANTS, raise_exception=True)
def grant_index(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    grants = programme.grants.select_related("business")
    return _admin_page(
        request,
        "programmes/admin/grant_index.html",
        _("Grants: %(programme)s") % {"programme": isolate(programme.name)},
        {"programme": programme, "grants": grants, "fund": services.fund_totals(programme)},
        "doc-full",
    )


@permission_required(MANAGE_GRANTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def grant_award(request, programme_id):
    programme = get_object_or_404(Programme, pk=programme_id)
    form = GrantForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    tranches = TrancheFormSet(request.POST or None, prefix="tranche")
    if request.method == "POST" and form.is_valid() and tranches.is_valid():
        try:
            grant = services.grant_award(
                actor=request.user,
                programme=programme,
                tranches=[part for part in tranches.cleaned_data if part],
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("Grant awarded."))
            return redirect("programmes_grants:grant", grant_id=grant.pk)
    return _admin_page(
        request,
        "programmes/admin/grant_form.html",
        _("Award a grant"),
        {
            "programme": programme,
            "form": form,
            "tranches": tranches,
            "fund": services.fund_totals(programme),
        },
        "doc-full",
    )


@permission_required(MANAGE_GRANTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def grant_detail(request, grant_id):
    grant = get_object_or_404(Grant.objects.select_related("programme", "business"), pk=grant_id)
    disbursement = DisbursementForm(
        request.POST if request.POST.get("action") == "pay" else None,
        initial={"paid_on": timezone.localdate()},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.grant_cancel(
                    actor=request.user, grant=grant, reason=request.POST.get("reason", "")
                )
            elif action in ("condition", "pay"):
                tranche = get_object_or_404(
                    Tranche, pk=request.POST.get("tranche") or 0, grant=grant
                )
                if action == "condition":
                    services.tranche_condition_met(
                        actor=request.user, tranche=tranche, on=timezone.localdate()
                    )
                elif disbursement.is_valid():
                    services.disbursement_record(
                        actor=request.user, tranche=tranche, **disbursement.cleaned_data
                    )
                else:
                    raise ValidationError(_("Check the payment's amount, date and reference."))
            else:
                raise ValidationError(_("Unknown action."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The grant is up to date."))
            return redirect("programmes_grants:grant", grant_id=grant.pk)
    return _admin_page(
        request,
        "programmes/admin/grant_detail.html",
        f"{isolate(grant.business.name)} – {grant.amount_eur} €",
        {
            "grant": grant,
            "tranches": grant.tranches.prefetch_related("disbursements"),
            "disbursement": disbursement,
        },
        "doc-full",
    )
