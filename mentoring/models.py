"""Mentors, mentorships with their goals and timeline, availability, booked sessions with their
notes and ratings, and each user's private calendar feed."""

import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.signals import NotifyingQuerySet


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")


class MentorProfileQuerySet(NotifyingQuerySet):
    def published(self):
        return self.filter(is_published=True, user__is_active=True)


class MentorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    headline = models.CharField(_("headline"), max_length=120, blank=True)
    bio = models.TextField(_("about me"), blank=True)
    # The same vocabulary as a business's needs (marketplace.models.Need).
    topics = models.JSONField(_("expertise"), default=list, blank=True)
    tags = models.JSONField(_("other skills"), default=list, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    formats = models.JSONField(_("formats"), default=list, blank=True)
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    capacity = models.PositiveSmallIntegerField(_("maximum active mentees"), default=3)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    is_paused = models.BooleanField(_("paused"), default=False)
    # A mentor submits the profile; staff publish it (or send it back with a reason).
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    review_note = models.TextField(_("note from the programme"), blank=True)
    # Booking rules, in the mentor's own time zone.
    session_lengths = models.JSONField(_("session lengths (minutes)"), default=list)
    buffer_minutes = models.PositiveSmallIntegerField(_("break between sessions"), default=15)
    minimum_notice_hours = models.PositiveSmallIntegerField(_("minimum notice"), default=12)
    booking_horizon_days = models.PositiveSmallIntegerField(_("bookable ahead"), default=30)
    daily_maximum = models.PositiveSmallIntegerField(_("sessions a day at most"), default=3)

    objects = MentorProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        permissions = [
            ("manage_mentoring", _("Can publish mentors and assign cohorts to them")),
        ]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("mentoring:mentor_detail", args=[self.pk])

    @property
    def zone(self):
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def lengths(self):
        return sorted(self.session_lengths or [30, 45, 60])


class MentorshipStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ENDED = "ended", _("Ended early")


class Mentorship(models.Model):
    class Origin(models.TextChoices):
        REQUEST = "request", _("Asked by the entrepreneur")
        COHORT = "cohort", _("Proposed by the programme")

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="mentorships")
    entrepreneur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships"
    )
    business = models.ForeignKey(
        "marketplace.Business", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=MentorshipStatus.choices, default=MentorshipStatus.REQUESTED
    )
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.REQUEST)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The score and reasons of a cohort proposal, kept so the mentor sees why.
    match_score = models.FloatField(null=True, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "entrepreneur"],
                condition=Q(status__in=["requested", "active"]),
                name="mentoring_one_open_mentorship_per_pair",
            )
        ]

    def __str__(self):
        return f"{self.entrepreneur} ↔ {self.mentor}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("mentoring:mentorship_detail", args=[self.pk])

    def is_party(self, user):
        return user.pk in (self.entrepreneur_id, self.mentor.user_id)

    @property
    def is_open(self):
        return self.status in (MentorshipStatus.REQUESTED, MentorshipStatus.ACTIVE)


class Goal(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="mentoring_goal_progress_at_most_100"
            )
        ]

    def __str__(self):
        return self.title


class TimelineEvent(models.Model):
    """What happened in a mentorship, in order, for both sides to see."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Request sent")
        PROPOSED = "proposed", _("Proposed by the programme")
        ACCEPTED = "accepted", _("Mentorship started")
        DECLINED = "declined", _("Request declined")
        EXPIRED = "expired", _("Request expired")
        WITHDRAWN = "withdrawn", _("Request withdrawn")
        COMPLETED = "completed", _("Mentorship completed")
        ENDED = "ended", _("Mentorship ended early")
        BOOKED = "booked", _("Session booked")
        RESCHEDULED = "rescheduled", _("Session moved")
        CANCELLED = "cancelled", _("Session cancelled")
        HELD = "held", _("Session held")
        NO_SHOW = "no-show", _("Missed session")
        GOAL_ADDED = "goal", _("Goal set")
        GOAL_PROGRESS = "progress", _("Goal progress")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="timeline")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(blank=True)
    # The session's time, for events about a session: shown in each reader's time zone.
    session_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class AvailabilityWindow(models.Model):
    """A weekly window, in the mentor's time zone: e.g. Mondays 09:00-12:00."""

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(
        _("day"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="mentoring_window_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class AvailabilityException(models.Model):
    """A day off (no times) or an extra window on one date, in the mentor's time zone."""

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    starts = models.TimeField(_("from"), null=True, blank=True)
    ends = models.TimeField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["date", "starts"]

    def __str__(self):
        return f"{self.date} {self.starts or ''}-{self.ends or ''}"

    @property
    def is_day_off(self):
        return self.starts is None


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")
    NO_SHOW = "no-show", _("No-show")


class Booking(models.Model):
    class Party(models.TextChoices):
        MENTOR = "mentor", _("The mentor")
        ENTREPRENEUR = "entrepreneur", _("The entrepreneur")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="bookings")
    # Copied from the mentorship so that the database can refuse overlaps per mentor.
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The end of the mentor's break after the session: what another booking may not overlap.
    blocked_until = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.VIDEO
    )
    place = models.CharField(_("place or video link"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # iCalendar: the UID is derived from the id; SEQUENCE grows with each change sent.
    sequence = models.PositiveIntegerField(default=0)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(_("reason"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    no_show_party = models.CharField(
        _("who missed it"), max_length=12, choices=Party.choices, blank=True
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    reminded_day_before_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_before_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at"))
                & Q(blocked_until__gte=models.F("ends_at")),
                name="mentoring_booking_times_in_order",
            )
        ]
        # On PostgreSQL, migration 0002 adds an exclusion constraint: no two booked sessions
        # of one mentor overlap (starts_at to blocked_until).

    def __str__(self):
        return f"{self.mentor} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("mentoring:booking_detail", args=[self.pk])

    @property
    def uid(self):
        return f"tremplin-session-{self.pk}@{settings.CALENDAR_UID_DOMAIN}"

    @property
    def length_minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SessionNote(models.Model):
    """A note on a session, visible to the mentor and the entrepreneur only (not to staff)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:40]


class SessionRating(models.Model):
    """The entrepreneur's rating of a held session: seen by the mentor and staff, never public."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="mentoring_rating_one_to_five"
            )
        ]

    def __str__(self):
        return f"{self.score}/5"


class CalendarFeed(models.Model):
    """A user's private .ics feed of their sessions; a new token revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.user} feed"

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)
