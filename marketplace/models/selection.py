"""Institutions, the opportunities they offer, applications and the jury's scores."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from config.signals import NotifyingQuerySet
from marketplace.geography import REGIONS
from marketplace.images import validate_uploaded_image
from marketplace.models.businesses import AuditEvent
from marketplace.storage import private_storage


class InstitutionKind(models.TextChoices):
    PUBLIC_AGENCY = "public-agency", _("Public agency")
    NGO = "ngo", _("NGO or association")
    FUNDER = "funder", _("Funder")
    TRAINING = "training", _("Training centre")
    CHAMBER = "chamber", _("Chamber or cooperative office")


class Institution(ClusterableModel):
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("address on the site"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    description = models.TextField(_("description"), blank=True)
    regions = models.JSONField(_("regions served"), default=list, blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="institutions/", blank=True, validators=[validate_uploaded_image]
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    is_public = models.BooleanField(_("shown in the directory"), default=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("regions"),
        FieldPanel("logo"),
        FieldRowPanel([FieldPanel("website"), FieldPanel("email"), FieldPanel("phone")]),
        FieldRowPanel([FieldPanel("time_zone"), FieldPanel("is_public")]),
        InlinePanel("staff", heading=_("Staff who act for it"), label=_("Staff member")),
    ]

    # Bulk changes tell the search index (config.signals).
    objects = NotifyingQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("marketplace:institution_detail", kwargs={"slug": self.slug})

    @property
    def region_labels(self):
        labels = dict(REGIONS)
        return [labels[code] for code in self.regions if code in labels]


class InstitutionStaff(models.Model):
    """A user who acts for an institution: publishes its opportunities and reviews applicants."""

    institution = ParentalKey(Institution, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_roles"
    )

    panels = [FieldPanel("user")]

    class Meta:
        verbose_name = _("institution staff member")
        constraints = [
            models.UniqueConstraint(fields=["institution", "user"], name="marketplace_staff_once")
        ]

    def __str__(self):
        return f"{self.user} @ {self.institution}"


class OpportunityKind(models.TextChoices):
    TRAINING = "training", _("Training")
    FUNDING = "funding", _("Funding")
    CERTIFICATION = "certification", _("Certification support")
    CALL = "call", _("Call for applications")
    EVENT = "event", _("Event")


class OpportunityStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Opportunity(ClusterableModel):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address on the site"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OpportunityKind.choices)
    description = models.TextField(_("description"), blank=True)
    eligibility = models.TextField(_("who can apply"), blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )

    panels = [
        FieldPanel("institution"),
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("title"), FieldPanel("slug")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("capacity")]),
        FieldPanel("description"),
        FieldPanel("eligibility"),
        FieldPanel("regions"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")])],
            heading=_("Dates"),
        ),
        InlinePanel("questions", heading=_("Application form"), label=_("Question")),
        InlinePanel("criteria", heading=_("Scoring rubric"), label=_("Criterion")),
        FieldPanel("is_published"),
    ]

    # Bulk changes tell the search index (config.signals).
    objects = NotifyingQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["closes_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="marketplace_opportunity_closes_after_opening",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("marketplace:opportunity_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("It must close after it opens.")})

    def status_at(self, moment):
        if moment < self.opens_at:
            return OpportunityStatus.UPCOMING
        if moment < self.closes_at:
            return OpportunityStatus.OPEN
        return OpportunityStatus.CLOSED

    @property
    def status(self):
        return self.status_at(timezone.now())

    @property
    def zone(self):
        try:
            return zoneinfo.ZoneInfo(self.institution.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT = "short", _("Short text")
        LONG = "long", _("Long text")
        CHOICE = "choice", _("Choice")
        YES_NO = "yes-no", _("Yes or no")
        FILE = "file", _("File")

    opportunity = ParentalKey(Opportunity, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=8, choices=Kind.choices)
    choices = models.TextField(_("choices, one per line"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveIntegerField(default=0)

    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("choices"),
        FieldPanel("position"),
    ]

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label

    @property
    def choice_list(self):
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    @property
    def field_name(self):
        return f"q{self.pk}"


class Criterion(models.Model):
    opportunity = ParentalKey(Opportunity, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveIntegerField(default=0)

    panels = [FieldRowPanel([FieldPanel("label"), FieldPanel("weight"), FieldPanel("position")])]

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.label} (×{self.weight})"


MAX_SCORE = 10


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under-review", _("Under review")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("Waitlisted")
    REJECTED = "rejected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicationQuerySet(models.QuerySet):
    def sent(self):
        """Applications their applicant sent: a draft, even one withdrawn before it was sent,
        belongs to its applicant alone."""
        return self.filter(submitted_at__isnull=False)

    def for_jury(self, user):
        """What the jury pages list for this user: sent applications to the institutions the
        user works for."""
        if not user.is_authenticated:
            return self.none()
        return self.sent().filter(opportunity__institution__staff__user=user)


class Application(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    business = models.ForeignKey(
        "marketplace.Business",
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "applicant"], name="marketplace_apply_once"
            ),
            # A business applies once too, whichever of its owners fills in the form.
            models.UniqueConstraint(
                fields=["opportunity", "business"],
                condition=Q(business__isnull=False),
                name="marketplace_business_applies_once",
            ),
        ]

    def __str__(self):
        return f"{self.applicant} → {self.opportunity}"

    @property
    def is_sent(self):
        return self.submitted_at is not None


class ApplicationDocument(models.Model):
    """A file an applicant joined. Stored outside MEDIA_ROOT: no public URL reaches it; the
    download view serves it to the applicant and the institution's reviewers only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(storage=private_storage, upload_to="applications/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="marketplace_one_document_per_question"
            )
        ]

    def __str__(self):
        return self.original_name


class ApplicationEvent(AuditEvent):
    """The audit trail of an application: status changes, reviews and conflicts declared.

    A review or a conflict changes no status (its from and to are the same): the history
    names each line by its action, so one move reads as one line."""

    ACTION_LABELS = {
        "submit": _("Sent"),
        "start_review": _("Review started"),
        "shortlist": _("Shortlisted"),
        "accept": _("Accepted"),
        "waitlist": _("Put on the waiting list"),
        "reject": _("Not selected"),
        "withdraw": _("Withdrawn by the applicant"),
        "review": _("Scores saved"),
        "declare_conflict": _("Conflict of interest declared"),
    }

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=ApplicationStatus.choices)
    to_status = models.CharField(max_length=16, choices=ApplicationStatus.choices)
    note = models.TextField(blank=True)

    def __str__(self):
        return f"{self.application}: {self.from_status} → {self.to_status}"

    @property
    def label(self):
        return self.ACTION_LABELS.get(self.action, self.get_to_status_display())


class Review(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    conflict_of_interest = models.BooleanField(_("I have a conflict of interest"), default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment for the jury"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="marketplace_review_once"
            ),
            models.CheckConstraint(
                condition=Q(conflict_of_interest=False) | Q(submitted_at__isnull=True),
                name="marketplace_no_scores_with_conflict",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.application}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(MAX_SCORE)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="marketplace_score_once"),
            models.CheckConstraint(
                condition=Q(value__lte=MAX_SCORE), name="marketplace_score_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"
