"""E-mails of mentoring, sent by the task worker (immediately in development).

Every task reads the current state again: a session cancelled after its reminder was queued
gets no reminder, a request answered meanwhile gets no stale e-mail.
"""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from accounts.emails import absolute_url, reverse_in, send_templated_email, send_to_user


def _people(mentorship, to):
    people = []
    if to in ("mentor", "both"):
        people.append(mentorship.mentor.user)
    if to in ("entrepreneur", "both"):
        people.append(mentorship.entrepreneur)
    return people


def _mentorship(pk):
    from mentoring.models import Mentorship

    return (
        Mentorship.objects.select_related("entrepreneur", "mentor__user", "business")
        .filter(pk=pk)
        .first()
    )


def _booking(pk):
    from mentoring.models import Booking

    return (
        Booking.objects.select_related(
            "mentorship__entrepreneur", "mentorship__mentor__user", "mentorship__business"
        )
        .filter(pk=pk)
        .first()
    )


@task()
def notify(*, template, mentorship_id=None, booking_id=None, to="both"):
    booking = _booking(booking_id) if booking_id else None
    mentorship = booking.mentorship if booking else _mentorship(mentorship_id)
    if mentorship is None:
        return
    for person in _people(mentorship, to):
        send_to_user(
            person,
            template,
            {
                "mentorship": mentorship,
                "booking": booking,
                "url": absolute_url(
                    reverse_in(
                        person.preferred_language,
                        "mentoring:mentorship_detail",
                        mentorship_id=mentorship.pk,
                    )
                ),
            },
        )


@task()
def notify_request_closed(*, mentorship_id):
    """Tell the entrepreneur their request expired or was withdrawn, and why."""
    mentorship = _mentorship(mentorship_id)
    if mentorship is None:
        return
    send_to_user(
        mentorship.entrepreneur,
        "mentoring/email/request_closed",
        {
            "mentorship": mentorship,
            "url": absolute_url(
                reverse_in(mentorship.entrepreneur.preferred_language, "mentoring:mentor_list")
            ),
        },
    )


@task()
def send_invitation(*, booking_id):
    """The calendar invitation (or cancellation) of a session, to both people."""
    from mentoring import calendar

    booking = _booking(booking_id)
    if booking is None:
        return
    for person in _people(booking.mentorship, "both"):
        with translation.override(person.preferred_language):
            ics, method = calendar.invitation(booking)
        template = (
            "mentoring/email/session_cancelled" if method == "CANCEL" else "mentoring/email/session"
        )
        send_to_user(
            person,
            template,
            {
                "booking": booking,
                "mentorship": booking.mentorship,
                "url": absolute_url(
                    reverse_in(
                        person.preferred_language,
                        "mentoring:booking_detail",
                        booking_id=booking.pk,
                    )
                ),
            },
            calendar=ics,
            calendar_method=method,
        )


@task()
def send_reminder(*, booking_id, kind):
    from mentoring.models import BookingStatus

    booking = _booking(booking_id)
    if booking is None or booking.status != BookingStatus.BOOKED:
        return
    for person in _people(booking.mentorship, "both"):
        send_to_user(
            person,
            "mentoring/email/reminder",
            {
                "booking": booking,
                "kind": kind,
                "url": absolute_url(
                    reverse_in(
                        person.preferred_language,
                        "mentoring:booking_detail",
                        booking_id=booking.pk,
                    )
                ),
            },
        )


@task()
def notify_staff_profile_submitted(*, mentor_id):
    from mentoring.models import MentorProfile

    mentor = MentorProfile.objects.select_related("user").filter(pk=mentor_id).first()
    if mentor is None:
        return
    send_templated_email(
        to=settings.STAFF_EMAIL,
        language=settings.LANGUAGE_CODE,
        template="mentoring/email/profile_submitted",
        context={"mentor": mentor, "url": absolute_url("/admin/")},
    )


@task()
def notify_mentor_reviewed(*, mentor_id):
    from mentoring.models import MentorProfile

    mentor = MentorProfile.objects.select_related("user").filter(pk=mentor_id).first()
    if mentor is None:
        return
    send_to_user(
        mentor.user,
        "mentoring/email/profile_reviewed",
        {
            "mentor": mentor,
            "url": absolute_url(reverse_in(mentor.user.preferred_language, "mentoring:dashboard")),
        },
    )
