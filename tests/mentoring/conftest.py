from datetime import date, time, timedelta

import pytest

from accounts import roles
from mentoring import services
from mentoring.models import AvailabilityWindow, MentorProfile
from tests import factories


def make_mentor(time_zone="Africa/Casablanca", capacity=3, **fields):
    user = factories.UserFactory(roles=[roles.MENTOR])
    profile = {
        "bio": "Comptable depuis vingt ans.",
        "topics": ["accounting", "funding"],
        "sectors": ["food"],
        "languages": ["fr", "ary"],
        "regions": ["rabat-sale-kenitra"],
        "formats": ["in_person", "video"],
        "years_experience": 10,
        "is_published": True,
    } | fields
    mentor = MentorProfile.objects.create(
        user=user,
        time_zone=time_zone,
        capacity=capacity,
        session_lengths=[30, 60],
        buffer_minutes=15,
        minimum_notice_hours=0,
        booking_horizon_days=400,
        daily_maximum=10,
        **profile,
    )
    for weekday in range(7):
        AvailabilityWindow.objects.create(
            mentor=mentor, weekday=weekday, starts=time(10), ends=time(12)
        )
    return mentor


def active_mentorship(mentor, entrepreneur=None, business=None):
    entrepreneur = entrepreneur or factories.UserFactory(roles=[roles.ENTREPRENEUR])
    mentorship = services.mentorship_request(
        actor=entrepreneur, mentor=mentor, business=business, message="Aidez-moi"
    )
    return services.mentorship_accept(actor=mentor.user, mentorship=mentorship)


def slot_in(mentor, days=2, length=30, index=0):
    day = date.today() + timedelta(days=days)
    return services.mentor_free_slots(mentor, length=length, first_day=day, last_day=day)[index]


def book(mentorship, days=2, length=30, index=0, **fields):
    return services.booking_create(
        actor=mentorship.entrepreneur,
        mentorship=mentorship,
        starts_at=slot_in(mentorship.mentor, days, length, index),
        length=length,
        **fields,
    )


@pytest.fixture
def mentor(db):
    return make_mentor()


@pytest.fixture
def mentorship(mentor):
    return active_mentorship(mentor)


@pytest.fixture
def stranger(db):
    return factories.UserFactory(roles=[roles.ENTREPRENEUR])
