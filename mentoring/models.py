"""Mentors, mentorships, availability and booked sessions.

This is the first part of the mentoring issue: the booking core. Matching, the mentors'
directory, calendar invitations, reminders and the dashboards come next.
"""

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MentorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    bio = models.TextField(_("about me"), blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(_("maximum active mentees"), default=3)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    is_paused = models.BooleanField(_("paused"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    # Booking rules, in the mentor's own time zone.
    session_lengths = models.JSONField(_("session lengths (minutes)"), default=list)
    buffer_minutes = models.PositiveSmallIntegerField(_("break between sessions"), default=15)
    minimum_notice_hours = models.PositiveSmallIntegerField(_("minimum notice"), default=12)
    booking_horizon_days = models.PositiveSmallIntegerField(_("bookable ahead"), default=30)
    daily_maximum = models.PositiveSmallIntegerField(_("sessions a day at most"), default=3)

    class Meta:
        verbose_name = _("mentor profile")

    def __str__(self):
        return str(self.user)

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
    message = models.TextField(_("message"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "entrepreneur"],
                condition=Q(status__in=["requested", "active"]),
                name="mentoring_one_open_mentorship_per_pair",
            )
        ]

    def __str__(self):
        return f"{self.entrepreneur} ↔ {self.mentor}"


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
    agenda = models.TextField(_("agenda"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

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
