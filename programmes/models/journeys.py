"""The journey of each person through a programme: its steps with dates and evidence, the
follow-ups after the business is created, and an audit row for every change."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models.events import PERSON_REGIONS


class Step(models.TextChoices):
    """In the order a person goes through them; a journey only moves forward, one step at a
    time, unless staff correct it with a reason."""

    INFORMED = "informed", _("Informed")
    APPLIED = "applied", _("Applied")
    SELECTED = "selected", _("Selected")
    TRAINED = "trained", _("Trained")
    CERTIFIED = "certified", _("Certified as auto-entrepreneur")
    BUSINESS_CREATED = "business_created", _("Business created")
    FUNDED = "funded", _("Funded")
    FOLLOWED_UP = "followed_up", _("Followed up")


STEPS = list(Step.values)


def step_index(step):
    return STEPS.index(step)


class TurnoverBand(models.TextChoices):
    NONE = "none", _("No turnover yet")
    UNDER_50K = "lt50k", _("Under 50,000 MAD a year")
    UNDER_200K = "lt200k", _("50,000 to 200,000 MAD a year")
    OVER_200K = "gte200k", _("200,000 MAD a year or more")


class Cohort(models.Model):
    """A group of people who go through the programme together (an intake)."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="cohorts",
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["programme", "starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="programmes_cohort_name_unique"
            )
        ]

    def __str__(self):
        return f"{self.programme} – {self.name}"


class Journey(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="journeys",
    )
    # Kept (without the person) when the account is deleted: the programme's figures stay true.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="journeys",
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="journeys",
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices, default=Step.INFORMED)
    region = models.CharField(_("region"), max_length=20, choices=PERSON_REGIONS, blank=True)
    business = models.ForeignKey(
        "marketplace.Business",
        verbose_name=_("business"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="journeys",
    )
    # Sensitive: the auto-entrepreneur registration number, shown only to staff who may see
    # sensitive data; never in an export, the API or a public page.
    registration_number = models.CharField(_("registration number"), max_length=40, blank=True)
    registration_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registration_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")
        ordering = ["programme", "pk"]
        permissions = [("manage_journeys", _("Can record the steps of people's journeys"))]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=Q(person__isnull=False),
                name="programmes_one_journey_per_person",
            )
        ]

    def __str__(self):
        name = self.person.display_name if self.person else _("(deleted account)")
        return f"{name} – {self.programme}"

    @property
    def step_number(self):
        return step_index(self.step) + 1


class StepRecord(models.Model):
    """When a journey reached a step, and on what evidence."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="records")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    reached_on = models.DateField(_("reached on"))
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["journey", "reached_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "step"], name="programmes_step_recorded_once"
            )
        ]
        indexes = [models.Index(fields=["step", "reached_on"])]

    def __str__(self):
        return f"{self.get_step_display()} ({self.reached_on})"


class FollowUp(models.Model):
    MONTHS = [(6, _("6 months")), (12, _("12 months")), (24, _("24 months"))]

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("after"), choices=MONTHS)
    recorded_on = models.DateField(_("recorded on"))
    still_active = models.BooleanField(_("business still active"))
    jobs = models.PositiveSmallIntegerField(_("jobs"), help_text=_("People working in it."))
    turnover_band = models.CharField(_("turnover"), max_length=10, choices=TurnoverBand.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["journey", "months"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "months"], name="programmes_follow_up_once")
        ]

    def __str__(self):
        return f"{self.journey} – {self.get_months_display()}"


class JourneyChange(models.Model):
    """The audit trail: every change of a journey, who made it, when and why."""

    class Action(models.TextChoices):
        START = "start", _("Started")
        ADVANCE = "advance", _("Moved forward")
        CORRECT = "correct", _("Corrected")
        FOLLOW_UP = "follow_up", _("Follow-up recorded")

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    from_step = models.CharField(max_length=20, choices=Step.choices, blank=True)
    to_step = models.CharField(max_length=20, choices=Step.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["journey", "at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.from_step} → {self.to_step}"
