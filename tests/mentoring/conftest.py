from datetime import time

import pytest

from accounts import roles
from mentoring.models import AvailabilityWindow, MentorProfile
from tests import factories


def make_mentor(time_zone="Africa/Casablanca", capacity=3, **fields):
    user = factories.UserFactory(roles=[roles.MENTOR])
    mentor = MentorProfile.objects.create(
        user=user,
        time_zone=time_zone,
        capacity=capacity,
        is_published=True,
        session_lengths=[30, 60],
        buffer_minutes=15,
        minimum_notice_hours=0,
        booking_horizon_days=400,
        daily_maximum=10,
        **fields,
    )
    for weekday in range(7):
        AvailabilityWindow.objects.create(
            mentor=mentor, weekday=weekday, starts=time(10), ends=time(12)
        )
    return mentor


@pytest.fixture
def mentor(db):
    return make_mentor()
