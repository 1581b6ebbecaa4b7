"""Programmes and their targets; registration for the CMS's events, and who attended.

A person is one "person key" everywhere in this app: "u:<user id>" for someone with an account,
"p:<normalised phone>" for someone without, so counting people is counting distinct keys.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from cms.models import Region


class Indicator(models.TextChoices):
    """What a programme counts. The codes are stable: journeys, grants and the impact dashboard
    are built on them."""

    INFORMED = "informed", _("People informed")
    REACHED = "reached", _("People reached by outreach")
    APPLIED = "applied", _("People who applied")
    SELECTED = "selected", _("People selected")
    TRAINED = "trained", _("People trained")
    CERTIFIED = "certified", _("People certified as auto-entrepreneurs")
    BUSINESS_CREATED = "business_created", _("Businesses created")
    FUNDED = "funded", _("Businesses funded")
    OFFICIALS_ENGAGED = "officials_engaged", _("Officials of partner institutions engaged")
    FUND_COMMITTED_EUR = "fund_committed_eur", _("Fund committed (EUR)")


GENDERS = [("woman", _("Woman")), ("man", _("Man")), ("other", _("Other"))]
# Where a person lives, for the programme's breakdowns: its regions, or elsewhere.
PERSON_REGIONS = [
    (Region.RABAT_SALE.value, Region.RABAT_SALE.label),
    (Region.TANGER_TETOUAN.value, Region.TANGER_TETOUAN.label),
    ("other", _("Elsewhere")),
]
PROGRAMME_REGIONS = [(code, label) for code, label in Region.choices]


def person_key(*, user=None, phone=""):
    """One person, one key: their account if they have one, else their normalised phone."""
    if user is not None:
        return f"u:{user.pk}"
    return f"p:{phone}"


class Programme(ClusterableModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    budget_eur = models.DecimalField(
        _("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # A list of cms.models.Region codes (JSON works on SQLite and PostgreSQL alike).
    regions = models.JSONField(_("regions"), default=list, blank=True)
    institutions = models.ManyToManyField(
        "marketplace.Institution",
        verbose_name=_("institutions"),
        related_name="programmes",
        blank=True,
        help_text=_("Their staff take attendance at the programme's events."),
    )
    description = models.TextField(_("description"), blank=True)
    fund_eur = models.DecimalField(
        _("start-up fund (EUR)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("Grants are awarded from it, never beyond what remains."),
    )
    training_sessions_required = models.PositiveSmallIntegerField(
        _("training sessions required"),
        default=4,
        help_text=_("Sessions a person attends before their journey can be marked “trained”."),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("funder"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")])],
            heading=_("Period"),
        ),
        FieldRowPanel([FieldPanel("budget_eur"), FieldPanel("fund_eur")]),
        FieldPanel("training_sessions_required"),
        FieldPanel("regions"),
        FieldPanel("institutions"),
        FieldPanel("description"),
        InlinePanel("targets", heading=_("Targets"), label=_("Target")),
    ]

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]
        permissions = [
            ("manage_programme", _("Can manage programmes and their targets")),
            ("take_attendance", _("Can take attendance at events")),
            ("view_impact", _("Can see the impact dashboard and its exports")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="programmes_programme_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The programme must end after it starts.")
        if not isinstance(self.regions, list) or any(
            code not in Region.values for code in self.regions
        ):
            errors["regions"] = _("Choose from the list.")
        if errors:
            raise ValidationError(errors)

    def get_regions_display(self):
        labels = dict(Region.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.regions)


class Target(models.Model):
    programme = ParentalKey(Programme, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    panels = [
        FieldRowPanel(
            [FieldPanel("indicator"), FieldPanel("baseline"), FieldPanel("target_value")]
        ),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("notes")]),
    ]

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["programme", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "indicator"], name="programmes_target_once_per_indicator"
            )
        ]

    def __str__(self):
        return f"{self.get_indicator_display()}: {self.target_value}"


# --- Event registration ---------------------------------------------------------------------


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


def new_token():
    return secrets.token_urlsafe(24)


class EventRegistration(models.Model):
    """A seat (or a place on the waiting list) at a CMS event, with or without an account.

    Always attached to the event page of the default language, whichever translation the person
    registered on, so that one event has one capacity."""

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    person_key = models.CharField(max_length=40, editable=False)
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    gender = models.CharField(_("gender"), max_length=8, choices=GENDERS, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=PERSON_REGIONS, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, db_index=True
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The secret of the "manage or cancel my registration" link sent by e-mail.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # The iCalendar SEQUENCE of the invitation: grows with every change sent.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # The times the last invitation sent carried: when an editor moves the event, the confirmed
    # people whose invitation differs get a new one (SEQUENCE + 1).
    invited_start_at = models.DateTimeField(null=True, blank=True, editable=False)
    invited_end_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person_key"],
                condition=~Q(status="cancelled"),
                name="programmes_one_active_registration_per_person",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self):
        return f"{self.name} – {self.event}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programmes:registration_detail", kwargs={"token": self.token})

    @property
    def is_active(self):
        return self.status != RegistrationStatus.CANCELLED

    @property
    def uid(self):
        return f"event-{self.event_id}-registration-{self.pk}@{settings.CALENDAR_UID_DOMAIN}"


# --- Attendance -----------------------------------------------------------------------------


class Attendance(models.Model):
    """One person present at one event: a registrant ticked on the list, or a walk-in."""

    event = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    person_key = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendance",
    )
    registration = models.ForeignKey(
        EventRegistration,
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendance",
    )
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=GENDERS, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=PERSON_REGIONS, blank=True)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["event", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person_key"], name="programmes_attended_once_per_person"
            )
        ]

    def __str__(self):
        return f"{self.name} @ {self.event}"
