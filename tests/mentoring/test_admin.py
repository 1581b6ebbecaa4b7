"""The programme team's mentoring screens in the Wagtail admin."""

import pytest
from django.urls import reverse

from accounts import roles
from mentoring.models import MentorProfile, Mentorship
from tests import factories
from tests.mentoring.conftest import make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])


def test_staff_publish_a_submitted_mentor_and_others_cannot(client, manager):
    mentor = make_mentor(is_published=False)
    MentorProfile.objects.filter(pk=mentor.pk).update(submitted_at="2026-11-01T10:00Z")
    for outsider in (mentor.user, factories.UserFactory(roles=[roles.EDITOR])):
        client.force_login(outsider)
        response = client.post(
            reverse("mentoring_admin:mentor_review", args=[mentor.pk]), {"action": "publish"}
        )
        assert response.status_code in (302, 403)
        mentor.refresh_from_db()
        assert not mentor.is_published
    client.force_login(manager)
    listing = client.get(reverse("mentoring_admin:mentor_index"))
    assert mentor.user.display_name in listing.content.decode()
    client.post(reverse("mentoring_admin:mentor_review", args=[mentor.pk]), {"action": "publish"})
    mentor.refresh_from_db()
    assert mentor.is_published


def test_staff_read_the_ratings_and_comments_of_a_mentor(client, manager):
    from datetime import timedelta

    from django.utils import timezone

    from mentoring import services
    from tests.mentoring.conftest import active_mentorship, book

    mentorship = active_mentorship(make_mentor())
    booking = book(mentorship)
    start = timezone.now() - timedelta(hours=2)
    type(booking).objects.filter(pk=booking.pk).update(
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        blocked_until=start + timedelta(minutes=45),
    )
    services.booking_record(actor=mentorship.mentor.user, booking=booking, outcome="held")
    services.session_rate(
        actor=mentorship.entrepreneur, booking=booking, score=2, comment="Toujours en retard"
    )
    client.force_login(manager)
    page = client.get(reverse("mentoring_admin:mentor_review", args=[mentorship.mentor_id]))
    assert "Toujours en retard" in page.content.decode()
    # Nobody else reads it on the public page.
    client.logout()
    public = client.get(mentorship.mentor.get_absolute_url()).content.decode()
    assert "Toujours en retard" not in public and "2/5" not in public


def _cohort():
    """Two businesses, two mentors with one place each; the optimum is not the greedy one."""
    a_owner, b_owner = factories.UserFactory(), factories.UserFactory()
    # A fits both mentors, B only the Wolof one: the best total gives Wolof to B.
    a = factories.business(a_owner, name="A", needs=["accounting"], languages=["fr", "wo"])
    b = factories.business(
        b_owner, name="B", needs=["accounting"], languages=["wo"], content_language="ar"
    )
    wolof = make_mentor(languages=["wo"], topics=["accounting"], capacity=1)
    french = make_mentor(languages=["fr"], topics=["marketing"], capacity=1)
    return a, b, wolof, french


def test_the_cohort_preview_shows_the_optimum_with_reasons(client, manager):
    a, b, wolof, french = _cohort()
    client.force_login(manager)
    page = client.get(reverse("mentoring_admin:cohort"))
    assert page.status_code == 200
    rows = {row["business"]: row for row in page.context["rows"]}
    assert rows[a]["mentor"] == french and rows[b]["mentor"] == wolof
    assert page.context["result"].optimal
    assert rows[b]["reasons"]


def test_applying_proposes_mentorships_that_mentors_confirm(client, manager):
    a, b, wolof, french = _cohort()
    client.force_login(manager)
    response = client.post(
        reverse("mentoring_admin:cohort"), {f"mentor-{a.pk}": french.pk, f"mentor-{b.pk}": wolof.pk}
    )
    assert response.status_code == 302
    proposals = Mentorship.objects.order_by("business__name")
    assert [(m.business, m.mentor, m.status, m.origin) for m in proposals] == [
        (a, french, "requested", "cohort"),
        (b, wolof, "requested", "cohort"),
    ]
    assert proposals[1].match_reasons  # kept for the mentor to see why


def test_an_adjustment_that_breaks_a_rule_is_refused_and_nothing_is_made(client, manager):
    a, b, wolof, french = _cohort()
    client.force_login(manager)
    # B speaks only Wolof: giving it to the French-speaking mentor is refused.
    page = client.post(reverse("mentoring_admin:cohort"), {f"mentor-{b.pk}": french.pk})
    assert page.status_code == 200 and not Mentorship.objects.exists()
    # Two businesses on a mentor with one place: refused too.
    page = client.post(
        reverse("mentoring_admin:cohort"), {f"mentor-{a.pk}": wolof.pk, f"mentor-{b.pk}": wolof.pk}
    )
    assert page.status_code == 200 and not Mentorship.objects.exists()


def test_the_cohort_screen_is_for_programme_managers_only(client):
    client.force_login(factories.UserFactory(roles=[roles.EDITOR]))
    response = client.get(reverse("mentoring_admin:cohort"))
    assert response.status_code in (302, 403)
