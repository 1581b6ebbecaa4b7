"""Requests, answers, the end of a mentorship, cohort proposals, goals and the timeline."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import roles
from mentoring import services
from mentoring.models import BookingStatus, MentorProfile, Mentorship, TimelineEvent
from tests import factories
from tests.mentoring.conftest import active_mentorship, book, make_mentor

pytestmark = pytest.mark.django_db
K = TimelineEvent.Kind


def kinds(mentorship):
    return list(mentorship.timeline.values_list("kind", flat=True))


def test_request_then_accept_tells_each_side_and_fills_the_timeline(
    mentor, django_capture_on_commit_callbacks
):
    entrepreneur = factories.UserFactory(roles=[roles.ENTREPRENEUR])
    with django_capture_on_commit_callbacks(execute=True):
        mentorship = services.mentorship_request(
            actor=entrepreneur, mentor=mentor, message="Je veux tenir mes comptes"
        )
    assert [m.to for m in mail.outbox] == [[mentor.user.email]]
    assert "Je veux tenir mes comptes" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_accept(actor=mentor.user, mentorship=mentorship)
    assert mail.outbox[-1].to == [entrepreneur.email]
    assert kinds(mentorship) == [K.REQUESTED, K.ACCEPTED]


def test_asking_for_someone_elses_business_is_refused(mentor, stranger):
    owner = factories.UserFactory()
    business = factories.business(owner)
    with pytest.raises(PermissionDenied):
        services.mentorship_request(actor=stranger, mentor=mentor, business=business)
    assert not Mentorship.objects.exists()


def test_unpublished_paused_and_self_requests_are_refused(stranger):
    hidden = make_mentor(is_published=False)
    paused = make_mentor(is_paused=True)
    for mentor in (hidden, paused):
        with pytest.raises(ValidationError):
            services.mentorship_request(actor=stranger, mentor=mentor)
    own = make_mentor()
    with pytest.raises(ValidationError):
        services.mentorship_request(actor=own.user, mentor=own)


def test_one_open_request_per_pair_but_a_new_one_after_a_decline(mentor, stranger):
    first = services.mentorship_request(actor=stranger, mentor=mentor)
    with pytest.raises(ValidationError):
        services.mentorship_request(actor=stranger, mentor=mentor)
    services.mentorship_decline(actor=mentor.user, mentorship=first, reason="Pas le temps")
    again = services.mentorship_request(actor=stranger, mentor=mentor)
    assert again.pk != first.pk


def test_the_entrepreneur_withdraws_only_their_own_unanswered_request(mentor, stranger):
    mentorship = services.mentorship_request(actor=stranger, mentor=mentor)
    with pytest.raises(PermissionDenied):
        services.mentorship_withdraw(actor=mentor.user, mentorship=mentorship)
    services.mentorship_withdraw(actor=stranger, mentorship=mentorship)
    mentorship.refresh_from_db()
    assert mentorship.status == "withdrawn"
    with pytest.raises(ValidationError):  # a closed request cannot be accepted any more
        services.mentorship_accept(actor=mentor.user, mentorship=mentorship)


def test_ending_early_needs_a_reason_and_cancels_the_sessions_ahead(
    mentorship, django_capture_on_commit_callbacks
):
    booking = book(mentorship)
    with pytest.raises(ValidationError):
        services.mentorship_end(
            actor=mentorship.entrepreneur, mentorship=mentorship, completed=False
        )
    outsider = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        services.mentorship_end(actor=outsider, mentorship=mentorship, completed=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_end(
            actor=mentorship.entrepreneur,
            mentorship=mentorship,
            completed=False,
            reason="J'ai trouvé un emploi",
        )
    mentorship.refresh_from_db()
    booking.refresh_from_db()
    assert mentorship.status == "ended" and mentorship.reason == "J'ai trouvé un emploi"
    assert booking.status == BookingStatus.CANCELLED and booking.sequence == 1
    assert any("METHOD:CANCEL" in str(m.alternatives) for m in mail.outbox)
    with pytest.raises(ValidationError):  # ended is final
        services.mentorship_end(actor=mentorship.mentor.user, mentorship=mentorship, completed=True)


def test_completing_frees_a_place_for_a_new_mentee():
    mentor = make_mentor(capacity=1)
    first = active_mentorship(mentor)
    waiting = factories.UserFactory()
    with pytest.raises(ValidationError):  # full: nobody can even ask
        services.mentorship_request(actor=waiting, mentor=mentor)
    services.mentorship_end(actor=mentor.user, mentorship=first, completed=True)
    request = services.mentorship_request(actor=factories.UserFactory(), mentor=mentor)
    assert services.mentorship_accept(actor=mentor.user, mentorship=request).status == "active"


def test_staff_propose_a_pair_that_the_mentor_confirms(mentor):
    manager = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    owner = factories.UserFactory(roles=[roles.ENTREPRENEUR])
    business = factories.business(owner)
    with pytest.raises(PermissionDenied):
        services.mentorship_propose(actor=owner, mentor=mentor, business=business)
    proposal = services.mentorship_propose(
        actor=manager, mentor=mentor, business=business, score=72.5, reasons=[["sector", ["food"]]]
    )
    assert proposal.status == "requested" and proposal.origin == "cohort"
    assert proposal.entrepreneur == owner and proposal.proposed_by == manager
    # A second proposal of the same pair is skipped, not an error.
    assert services.mentorship_propose(actor=manager, mentor=mentor, business=business) is None
    services.mentorship_accept(actor=mentor.user, mentorship=proposal)
    assert kinds(proposal) == [K.PROPOSED, K.ACCEPTED]


def test_goals_are_shared_and_only_the_pair_changes_them(mentorship, stranger):
    goal = services.goal_add(
        actor=mentorship.entrepreneur, mentorship=mentorship, title="Ouvrir un compte pro"
    )
    services.goal_update(actor=mentorship.mentor.user, goal=goal, progress=60)
    goal.refresh_from_db()
    assert goal.progress == 60
    with pytest.raises(PermissionDenied):
        services.goal_update(actor=stranger, goal=goal, progress=100)
    with pytest.raises(ValidationError):
        services.goal_update(actor=mentorship.entrepreneur, goal=goal, progress=140)
    with pytest.raises(ValidationError):
        services.goal_add(actor=mentorship.entrepreneur, mentorship=mentorship, title="  ")
    assert kinds(mentorship)[-2:] == [K.GOAL_ADDED, K.GOAL_PROGRESS]
    services.mentorship_end(actor=mentorship.mentor.user, mentorship=mentorship, completed=True)
    with pytest.raises(ValidationError):  # a closed mentorship's goals are frozen
        services.goal_update(actor=mentorship.entrepreneur, goal=goal, progress=100)


def test_a_mentor_profile_is_public_only_after_staff_publish_it(
    django_capture_on_commit_callbacks,
):
    user = factories.UserFactory(roles=[roles.MENTOR])
    entrepreneur = factories.UserFactory(roles=[roles.ENTREPRENEUR])
    with pytest.raises(PermissionDenied):
        services.mentor_profile_save(actor=entrepreneur, bio="Je ne suis pas mentor")
    with pytest.raises(ValidationError) as refused:
        services.mentor_profile_save(actor=user, languages=["fr", "klingon"])
    assert "languages" in refused.value.error_dict
    profile = services.mentor_profile_save(
        actor=user, bio="Vingt ans de marketing", topics=["marketing"], languages=["fr"]
    )
    assert not MentorProfile.objects.published().filter(pk=profile.pk).exists()
    services.mentor_profile_submit(actor=user)
    manager = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    with pytest.raises(PermissionDenied):
        services.mentor_profile_review(actor=user, mentor=profile, publish=True)
    with pytest.raises(ValidationError):  # sending back needs a note
        services.mentor_profile_review(actor=manager, mentor=profile, publish=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_profile_review(actor=manager, mentor=profile, publish=True)
    assert MentorProfile.objects.published().filter(pk=profile.pk).exists()
    assert mail.outbox[0].to == [user.email]


def test_lowering_capacity_to_the_current_load_withdraws_the_open_requests(
    django_capture_on_commit_callbacks,
):
    mentor = make_mentor(capacity=3)
    active_mentorship(mentor)
    waiting = services.mentorship_request(actor=factories.UserFactory(), mentor=mentor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_profile_save(actor=mentor.user, capacity=1)
    waiting.refresh_from_db()
    assert waiting.status == "withdrawn"
    assert mail.outbox[0].to == [waiting.entrepreneur.email]


@pytest.mark.parametrize("closed", ["expired", "declined", "withdrawn"])
def test_a_closed_request_can_be_neither_accepted_nor_declined(mentor, stranger, closed):
    mentorship = services.mentorship_request(actor=stranger, mentor=mentor)
    Mentorship.objects.filter(pk=mentorship.pk).update(status=closed)
    with pytest.raises(ValidationError):
        services.mentorship_accept(actor=mentor.user, mentorship=mentorship)
    with pytest.raises(ValidationError):
        services.mentorship_decline(actor=mentor.user, mentorship=mentorship, reason="Non")
    mentorship.refresh_from_db()
    assert mentorship.status == closed


def test_proposals_hold_places_so_a_second_cohort_run_cannot_overfill_a_mentor():
    manager = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    mentor = make_mentor(capacity=1)
    first = factories.business(factories.UserFactory())
    second = factories.business(factories.UserFactory())
    services.mentorship_propose(actor=manager, mentor=mentor, business=first)
    with pytest.raises(ValidationError):
        services.mentorship_propose(actor=manager, mentor=mentor, business=second)
    assert Mentorship.objects.filter(mentor=mentor).count() == 1
