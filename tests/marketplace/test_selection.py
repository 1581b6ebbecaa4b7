from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketplace import queries, services
from marketplace.models import ApplicationStatus, InstitutionStaff
from tests import factories

pytestmark = pytest.mark.django_db
A = ApplicationStatus
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def reviewer(db):
    return factories.UserFactory(roles=["Institution staff"])


@pytest.fixture
def institution(reviewer):
    return factories.institution(name="Maroc PME", staff=[reviewer])


@pytest.fixture
def opportunity(institution):
    return factories.opportunity(
        institution,
        questions=[("Votre projet", "long", True), ("Business plan", "file", True)],
        criteria=[("Viabilité", 3), ("Impact", 1)],
    )


@pytest.fixture
def applicant(owner):
    return owner


def _question(opportunity, kind):
    return opportunity.questions.get(kind=kind)


def _complete(applicant, opportunity):
    text, document = _question(opportunity, "long"), _question(opportunity, "file")
    return services.application_save(
        actor=applicant,
        opportunity=opportunity,
        answers={text.field_name: "Une coopérative de couture."},
        files={document.field_name: SimpleUploadedFile("plan.pdf", PDF, "application/pdf")},
    )


def _submitted(applicant, opportunity):
    application = _complete(applicant, opportunity)
    return services.application_submit(actor=applicant, application=application)


def test_draft_is_saved_and_completed_later(applicant, opportunity, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    text = _question(opportunity, "long")
    draft = services.application_save(
        actor=applicant, opportunity=opportunity, answers={text.field_name: "Début"}
    )
    with pytest.raises(ValidationError):  # the business plan is missing
        services.application_submit(actor=applicant, application=draft)
    application = _complete(applicant, opportunity)
    assert application.pk == draft.pk  # one application per opportunity
    services.application_submit(actor=applicant, application=application)
    application.refresh_from_db()
    assert application.status == A.SUBMITTED
    with pytest.raises(ValidationError):
        services.application_save(actor=applicant, opportunity=opportunity, answers={})


def test_documents_must_really_be_pdf_or_images(applicant, opportunity, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    document = _question(opportunity, "file")
    for upload in (
        SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        SimpleUploadedFile("plan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf"),
    ):
        with pytest.raises(ValidationError):
            services.application_save(
                actor=applicant, opportunity=opportunity, files={document.field_name: upload}
            )


@pytest.mark.parametrize(
    ("opens", "closes", "allowed"),
    [(-2, 1, True), (-2, -1, False), (1, 3, False)],
)
def test_deadlines_are_enforced(applicant, institution, settings, tmp_path, opens, closes, allowed):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    opportunity = factories.opportunity(
        institution,
        opens_in_days=-5,
        closes_in_days=5,
        questions=[("Votre projet", "long", True), ("Business plan", "file", True)],
    )
    application = _complete(applicant, opportunity)
    now = timezone.now()
    opportunity.opens_at = now + timedelta(days=opens)
    opportunity.closes_at = now + timedelta(days=closes)
    opportunity.save()
    if allowed:
        services.application_submit(actor=applicant, application=application)
    else:
        with pytest.raises(ValidationError):
            services.application_submit(actor=applicant, application=application)
        application.refresh_from_db()
        assert application.status == A.DRAFT


def test_the_deadline_is_one_instant_whatever_the_time_zone(
    applicant, institution, settings, tmp_path
):
    """Closing at 23:59 in Casablanca is 22:59 UTC in winter: a minute later, it is closed for
    an applicant whose account is set to Dakar or to Paris too."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    opportunity = factories.opportunity(
        institution, questions=[("Votre projet", "long", True), ("Plan", "file", True)]
    )
    application = _complete(applicant, opportunity)
    applicant.time_zone = "Africa/Dakar"
    applicant.save()
    opportunity.closes_at = timezone.now() - timedelta(minutes=1)
    opportunity.save()
    with timezone.override("Africa/Dakar"), pytest.raises(ValidationError) as error:
        services.application_submit(actor=applicant, application=application)
    # The message gives the deadline in the institution's time zone.
    local = timezone.localtime(opportunity.closes_at, opportunity.zone).strftime("%H:%M")
    assert local in str(error.value)


ALLOWED = {
    ("start_review", A.SUBMITTED): A.UNDER_REVIEW,
    ("shortlist", A.UNDER_REVIEW): A.SHORTLISTED,
    ("accept", A.UNDER_REVIEW): A.ACCEPTED,
    ("accept", A.SHORTLISTED): A.ACCEPTED,
    ("accept", A.WAITLISTED): A.ACCEPTED,
    ("waitlist", A.UNDER_REVIEW): A.WAITLISTED,
    ("waitlist", A.SHORTLISTED): A.WAITLISTED,
    ("reject", A.UNDER_REVIEW): A.REJECTED,
    ("reject", A.SHORTLISTED): A.REJECTED,
    ("reject", A.WAITLISTED): A.REJECTED,
    ("withdraw", A.DRAFT): A.WITHDRAWN,
    ("withdraw", A.SUBMITTED): A.WITHDRAWN,
    ("withdraw", A.UNDER_REVIEW): A.WITHDRAWN,
    ("withdraw", A.SHORTLISTED): A.WITHDRAWN,
}


@pytest.mark.parametrize("action", sorted(services.APPLICATION_TRANSITIONS))
@pytest.mark.parametrize("status", A.values)
def test_every_application_transition_is_allowed_or_refused(
    action, status, applicant, reviewer, opportunity, django_capture_on_commit_callbacks
):
    application = services.application_save(actor=applicant, opportunity=opportunity)
    application.status = status
    application.save()
    actor = applicant if action == "withdraw" else reviewer
    expected = ALLOWED.get((action, status))
    with django_capture_on_commit_callbacks(execute=True):
        if expected is None:
            with pytest.raises(ValidationError):
                services.application_transition(actor=actor, application=application, action=action)
        else:
            services.application_transition(actor=actor, application=application, action=action)
    application.refresh_from_db()
    assert application.status == (expected or status)
    if expected in (A.ACCEPTED, A.WAITLISTED, A.REJECTED):
        assert mail.outbox[-1].to == [applicant.email]
        assert application.events.get(action=action).actor == reviewer


def test_another_institutions_staff_cannot_decide(applicant, opportunity):
    outsider = factories.UserFactory(roles=["Institution staff"])
    factories.institution(staff=[outsider])
    application = services.application_save(actor=applicant, opportunity=opportunity)
    application.status = A.UNDER_REVIEW
    application.save()
    for action in ("accept", "reject", "shortlist"):
        with pytest.raises(PermissionDenied):
            services.application_transition(actor=outsider, application=application, action=action)
    with pytest.raises(PermissionDenied):
        services.review_submit(actor=outsider, application=application, scores={})
    with pytest.raises(PermissionDenied):  # nor can another applicant withdraw it
        services.application_transition(
            actor=factories.UserFactory(), application=application, action="withdraw"
        )


def test_ranking_is_the_weighted_mean_and_a_conflict_removes_a_reviewer(
    reviewer, institution, opportunity, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    second = factories.UserFactory(roles=["Institution staff"])
    InstitutionStaff.objects.create(institution=institution, user=second)
    viability, impact = opportunity.criteria.order_by("position")
    people = [factories.UserFactory() for _ in range(3)]
    applications = []
    for person in people:
        application = _submitted(person, opportunity)
        services.application_transition(
            actor=reviewer, application=application, action="start_review"
        )
        applications.append(application)
    a, b, c = applications

    def score(who, application, v, i):
        services.review_submit(
            actor=who, application=application, scores={viability.pk: v, impact.pk: i}
        )

    score(reviewer, a, 8, 4)  # (8×3 + 4×1) / 4 = 7
    score(second, a, 6, 6)  # 6  → a: (28 + 24) / 8 = 6.5
    score(reviewer, b, 6, 8)  # (18 + 8) / 4 = 6.5
    score(reviewer, c, 10, 10)  # 10 ...
    services.review_declare_conflict(actor=reviewer, application=c)  # ... withdrawn
    with pytest.raises(PermissionDenied):
        score(reviewer, c, 10, 10)
    score(second, c, 2, 2)

    ranked = queries.ranking(opportunity)
    assert [(x.pk, x.score, x.rank, x.tied) for x in ranked] == [
        (a.pk, 6.5, 1, True),
        (b.pk, 6.5, 1, True),
        (c.pk, 2.0, 3, False),
    ]


def test_scores_must_cover_the_rubric_within_range(
    applicant, reviewer, opportunity, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    application = _submitted(applicant, opportunity)
    services.application_transition(actor=reviewer, application=application, action="start_review")
    viability, impact = opportunity.criteria.order_by("position")
    for scores in (
        {viability.pk: 5},
        {viability.pk: 5, impact.pk: 11},
        {viability.pk: -1, impact.pk: 2},
    ):
        with pytest.raises(ValidationError):
            services.review_submit(actor=reviewer, application=application, scores=scores)
    assert not application.reviews.filter(submitted_at__isnull=False).exists()


def test_a_business_applies_once_whichever_owner_fills_the_form(owner, opportunity):
    from marketplace.models import Membership

    business = factories.business(owner)
    partner = factories.UserFactory()
    Membership.objects.create(business=business, user=partner, role=Membership.Role.OWNER)
    services.application_save(actor=owner, opportunity=opportunity, business=business)
    with pytest.raises(ValidationError):
        services.application_save(actor=partner, opportunity=opportunity, business=business)
    # A member who is not an owner cannot apply for the business at all.
    helper = factories.UserFactory()
    Membership.objects.create(business=business, user=helper, role=Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied):
        services.application_save(actor=helper, opportunity=opportunity, business=business)
