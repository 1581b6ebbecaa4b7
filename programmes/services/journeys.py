"""Changes to people's journeys: start, move forward (one person or a cohort list at once),
correct with a reason, record follow-ups. Every change writes a JourneyChange row in the same
transaction; the journey row is locked while it changes."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from config.bidi import strip_bidi_controls
from programmes.models import (
    STEPS,
    Attendance,
    Cohort,
    FollowUp,
    Grant,
    Journey,
    JourneyChange,
    Step,
    StepRecord,
    step_index,
)

MANAGE_JOURNEYS = "programmes.manage_journeys"
# An auto-entrepreneur number as printed on the card: digits, possibly grouped.
REGISTRATION_NUMBER = re.compile(r"^[0-9][0-9 \-/]{3,38}[0-9]$")


def _require(actor):
    if actor is None or not actor.has_perm(MANAGE_JOURNEYS):
        raise PermissionDenied(_("You cannot change journeys."))


def _training_attended(journeys):
    """{journey pk: training events of its programme the person attended}, in one query."""
    people = {journey.pk: journey.person_id for journey in journeys if journey.person_id}
    if not people:
        return {}
    rows = (
        Attendance.objects.filter(
            event__programme_id__in={journey.programme_id for journey in journeys},
            event__counts_as=Step.TRAINED,
            person_key__in=[f"u:{person}" for person in people.values()],
        )
        .values("event__programme_id", "person_key")
        .annotate(events=Count("event_id", distinct=True))
    )
    counts = {(row["event__programme_id"], row["person_key"]): row["events"] for row in rows}
    return {
        journey.pk: counts.get((journey.programme_id, f"u:{journey.person_id}"), 0)
        for journey in journeys
    }


def training_sessions_attended(journey):
    """Training events of the journey's programme that the person attended."""
    return _training_attended([journey]).get(journey.pk, 0)


def _funded_businesses(journeys):
    """{(business pk, programme pk)} of the journeys' businesses holding an awarded grant."""
    businesses = {journey.business_id for journey in journeys if journey.business_id}
    if not businesses:
        return set()
    return set(
        Grant.objects.filter(business_id__in=businesses, status=Grant.Status.AWARDED).values_list(
            "business_id", "programme_id"
        )
    )


def cohort_create(*, actor, programme, name, starts_on):
    _require(actor)
    name = strip_bidi_controls(name or "").strip()
    if not name:
        raise ValidationError(_("Name the cohort."), code="name")
    if Cohort.objects.filter(programme=programme, name__iexact=name).exists():
        raise ValidationError(_("This programme already has a cohort of this name."), code="exists")
    return Cohort.objects.create(programme=programme, name=name[:120], starts_on=starts_on)


def journey_start(*, actor, programme, person, on, cohort=None, region="", evidence=""):
    """Open a person's journey at its first step (informed); one per person and programme."""
    _require(actor)
    if cohort is not None and cohort.programme_id != programme.pk:
        raise ValidationError(_("This cohort belongs to another programme."), code="cohort")
    with transaction.atomic():
        if Journey.objects.filter(programme=programme, person=person).exists():
            raise ValidationError(
                _("This person already has a journey in this programme."), code="exists"
            )
        journey = Journey.objects.create(
            programme=programme, person=person, cohort=cohort, region=region, step=Step.INFORMED
        )
        StepRecord.objects.create(
            journey=journey, step=Step.INFORMED, reached_on=on, evidence=evidence, recorded_by=actor
        )
        JourneyChange.objects.create(
            journey=journey, actor=actor, action=JourneyChange.Action.START, to_step=Step.INFORMED
        )
    return journey


def _check_step(journey, step, *, on, business, registration_number, attended, funded):
    """Why `journey` cannot move to `step` now: a ValidationError, or None. `attended` and
    `funded` come from `_training_attended` and `_funded_businesses` over the journeys
    checked together."""
    if step not in STEPS:
        return ValidationError(_("Unknown step."), code="unknown_step")
    if step == Step.FOLLOWED_UP:
        return ValidationError(_("Record a follow-up to reach this step."), code="follow_up_needed")
    current = step_index(journey.step)
    if step_index(step) <= current:
        return ValidationError(
            _("A journey only moves forward; correct it with a reason to go back."),
            code="backwards",
        )
    if step_index(step) != current + 1:
        return ValidationError(
            _("The next step is “%(step)s”.") % {"step": Step(STEPS[current + 1]).label},
            code="skipped",
        )
    if on > timezone.localdate():
        return ValidationError(_("This date is in the future."), code="future")
    if step == Step.TRAINED:
        required = journey.programme.training_sessions_required
        attended = attended.get(journey.pk, 0)
        if attended < required:
            return ValidationError(
                _("%(attended)s of %(required)s training sessions attended.")
                % {"attended": attended, "required": required},
                code="training_incomplete",
            )
    if step == Step.CERTIFIED and not REGISTRATION_NUMBER.match(registration_number or ""):
        return ValidationError(
            _("Enter the auto-entrepreneur registration number as on the card."),
            code="registration_number",
        )
    if step == Step.BUSINESS_CREATED:
        if business is None:
            return ValidationError(_("Choose the business that was created."), code="business")
        if not business.memberships.filter(user_id=journey.person_id).exists():
            return ValidationError(
                _("This person is not an owner of this business."), code="not_owner"
            )
    if step == Step.FUNDED and (journey.business_id, journey.programme_id) not in funded:
        return ValidationError(_("The business has no grant from this programme."), code="no_grant")
    return None


def _facts(journeys, step):
    """What `_check_step` needs to know of these journeys beyond their rows: one query for
    the step that needs it, none for the others."""
    return {
        "attended": _training_attended(journeys) if step == Step.TRAINED else {},
        "funded": _funded_businesses(journeys) if step == Step.FUNDED else set(),
    }


def _advance_locked(actor, journey, step, *, on, evidence, business, registration_number):
    error = _check_step(
        journey,
        step,
        on=on,
        business=business,
        registration_number=registration_number,
        **_facts([journey], step),
    )
    if error is not None:
        raise error
    fields = []
    if step == Step.CERTIFIED:
        # Staff saw the card: the number is verified by whoever records this step.
        journey.registration_number = registration_number.strip()
        journey.registration_verified_by = actor
        journey.registration_verified_at = timezone.now()
        fields += ["registration_number", "registration_verified_by", "registration_verified_at"]
    if step == Step.BUSINESS_CREATED:
        journey.business = business
        fields.append("business")
    if fields:
        journey.save(update_fields=fields)
    _record_advance(actor, [journey], step, on=on, evidence=evidence)


def _record_advance(actor, journeys, step, *, on, evidence):
    """Move checked, locked journeys to `step`: the step, its record and the audit row, in three
    statements however many journeys."""
    now = timezone.now()
    Journey.objects.filter(pk__in=[journey.pk for journey in journeys]).update(
        step=step, updated_at=now
    )
    StepRecord.objects.bulk_create(
        StepRecord(journey=journey, step=step, reached_on=on, evidence=evidence, recorded_by=actor)
        for journey in journeys
    )
    JourneyChange.objects.bulk_create(
        JourneyChange(
            journey=journey,
            actor=actor,
            action=JourneyChange.Action.ADVANCE,
            from_step=journey.step,
            to_step=step,
            # The registration number stays out of the audit's details: it is sensitive.
            details={"on": on.isoformat(), "evidence": evidence},
        )
        for journey in journeys
    )
    for journey in journeys:
        journey.step, journey.updated_at = step, now


def journey_advance(
    *, actor, journey, step, on, evidence="", business=None, registration_number=""
):
    """Move one journey to its next step."""
    _require(actor)
    with transaction.atomic():
        journey = (
            Journey.objects.select_for_update(of=("self",))
            .select_related("programme", "business")
            .get(pk=journey.pk)
        )
        _advance_locked(
            actor,
            journey,
            step,
            on=on,
            evidence=(evidence or "").strip()[:300],
            business=business,
            registration_number=registration_number,
        )
    return journey


def journeys_advance(*, actor, journeys, step, on, evidence=""):
    """Move several journeys (ticked on a cohort list) to the same next step: all or none.

    Returns the journeys moved; raises a ValidationError naming each person who cannot move
    (and then nobody moves)."""
    _require(actor)
    evidence = (evidence or "").strip()[:300]
    with transaction.atomic():
        locked = list(
            Journey.objects.select_for_update(of=("self",))
            .select_related("programme", "business", "person")
            .filter(pk__in=[journey.pk for journey in journeys])
            .order_by("pk")
        )
        if not locked:
            raise ValidationError(_("Tick at least one person."), code="nobody")
        facts = _facts(locked, step)
        problems = []
        for journey in locked:
            error = _check_step(
                journey, step, on=on, business=None, registration_number="", **facts
            )
            if error is not None:
                who = journey.person.display_name if journey.person else str(journey.pk)
                problems.append(f"{who}: {' '.join(error.messages)}")
        if problems:
            raise ValidationError(problems, code="some_cannot_move")
        # The steps a list can reach never carry a business or a registration number.
        _record_advance(actor, locked, step, on=on, evidence=evidence)
    return locked


def journey_correct(*, actor, journey, step, reason):
    """Staff take a journey back to an earlier step: later step records are removed (and kept
    in the audit row), with the reason why."""
    _require(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the journey is corrected."), code="reason")
    if step not in STEPS:
        raise ValidationError(_("Unknown step."), code="unknown_step")
    with transaction.atomic():
        journey = Journey.objects.select_for_update().get(pk=journey.pk)
        if step_index(step) >= step_index(journey.step):
            raise ValidationError(
                _("A correction goes back to an earlier step."), code="not_backwards"
            )
        later = STEPS[step_index(step) + 1 :]
        removed = list(
            StepRecord.objects.filter(journey=journey, step__in=later).values(
                "step", "reached_on", "evidence"
            )
        )
        StepRecord.objects.filter(journey=journey, step__in=later).delete()
        previous = journey.step
        journey.step = step
        fields = ["step", "updated_at"]
        if step_index(step) < step_index(Step.CERTIFIED):
            journey.registration_number = ""
            journey.registration_verified_by = None
            journey.registration_verified_at = None
            fields += [
                "registration_number",
                "registration_verified_by",
                "registration_verified_at",
            ]
        if step_index(step) < step_index(Step.BUSINESS_CREATED):
            journey.business = None
            fields.append("business")
        journey.save(update_fields=fields)
        JourneyChange.objects.create(
            journey=journey,
            actor=actor,
            action=JourneyChange.Action.CORRECT,
            from_step=previous,
            to_step=step,
            reason=reason[:500],
            details={
                "removed": [{**row, "reached_on": row["reached_on"].isoformat()} for row in removed]
            },
        )
    return journey


def follow_up_record(*, actor, journey, months, on, still_active, jobs, turnover_band):
    """A follow-up 6, 12 or 24 months after the business was created; the first one moves the
    journey to its last step."""
    _require(actor)
    if months not in dict(FollowUp.MONTHS):
        raise ValidationError(_("Follow-ups are at 6, 12 or 24 months."), code="months")
    with transaction.atomic():
        journey = Journey.objects.select_for_update().get(pk=journey.pk)
        if step_index(journey.step) < step_index(Step.BUSINESS_CREATED):
            raise ValidationError(
                _("A follow-up comes after the business is created."), code="too_early"
            )
        if FollowUp.objects.filter(journey=journey, months=months).exists():
            raise ValidationError(_("This follow-up is already recorded."), code="exists")
        follow_up = FollowUp.objects.create(
            journey=journey,
            months=months,
            recorded_on=on,
            still_active=still_active,
            jobs=jobs,
            turnover_band=turnover_band,
            recorded_by=actor,
        )
        previous = journey.step
        if journey.step != Step.FOLLOWED_UP:
            journey.step = Step.FOLLOWED_UP
            journey.save(update_fields=["step", "updated_at"])
            StepRecord.objects.create(
                journey=journey, step=Step.FOLLOWED_UP, reached_on=on, recorded_by=actor
            )
        JourneyChange.objects.create(
            journey=journey,
            actor=actor,
            action=JourneyChange.Action.FOLLOW_UP,
            from_step=previous,
            to_step=journey.step,
            details={"months": months, "active": still_active, "jobs": jobs},
        )
    return follow_up
