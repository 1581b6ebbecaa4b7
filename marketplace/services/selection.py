"""Applications to institutions' opportunities, and their selection by the institution's jury.

Status changes lock the application row (select_for_update); every change is written to the
application's audit trail and the applicant is told of decisions, in their language, once the
transaction has committed.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.bidi import isolate, safe_filename
from marketplace import tasks
from marketplace.images import validate_uploaded_image
from marketplace.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    InstitutionStaff,
    Membership,
    Question,
    Review,
    Score,
)
from marketplace.models.selection import MAX_SCORE

__all__ = [
    "APPLICATION_TRANSITIONS",
    "CONFLICT_DECLARABLE",
    "REVIEWABLE",
    "application_save",
    "application_submit",
    "application_transition",
    "is_institution_staff",
    "is_recused",
    "may_read_application",
    "review_declare_conflict",
    "review_submit",
]

A = ApplicationStatus
REVIEWABLE = {A.UNDER_REVIEW, A.SHORTLISTED}
# A juror may find out they know an applicant at any point before the last decision.
CONFLICT_DECLARABLE = {A.SUBMITTED, A.UNDER_REVIEW, A.SHORTLISTED, A.WAITLISTED}
DECISIONS = {A.ACCEPTED, A.WAITLISTED, A.REJECTED}

# action: (statuses it starts from, status it leads to, who may do it)
APPLICATION_TRANSITIONS = {
    "start_review": ({A.SUBMITTED}, A.UNDER_REVIEW, "staff"),
    "shortlist": ({A.UNDER_REVIEW}, A.SHORTLISTED, "staff"),
    "accept": ({A.UNDER_REVIEW, A.SHORTLISTED, A.WAITLISTED}, A.ACCEPTED, "staff"),
    "waitlist": ({A.UNDER_REVIEW, A.SHORTLISTED}, A.WAITLISTED, "staff"),
    "reject": ({A.UNDER_REVIEW, A.SHORTLISTED, A.WAITLISTED}, A.REJECTED, "staff"),
    "withdraw": ({A.DRAFT, A.SUBMITTED, A.UNDER_REVIEW, A.SHORTLISTED}, A.WITHDRAWN, "applicant"),
}

DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# The first bytes of each accepted type: the name and the browser's word are not proof.
DOCUMENT_SIGNATURES = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
# The names each type may carry (the first is the one shown in messages).
DOCUMENT_EXTENSIONS = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
}


def is_institution_staff(user, institution):
    return (
        user.is_authenticated
        and InstitutionStaff.objects.filter(institution=institution, user=user).exists()
    )


def is_recused(user, application):
    """The user declared a conflict of interest with this applicant: they take no part in it."""
    return (
        user.is_authenticated
        and Review.objects.filter(
            application=application, reviewer=user, conflict_of_interest=True
        ).exists()
    )


def may_read_application(user, application):
    """Who reads an application's answers and documents: its applicant, always; the jury (the
    institution's staff) once it was sent, unless they declared a conflict of interest or the
    applicant withdrew it. A draft belongs to its applicant alone."""
    if not user.is_authenticated:
        return False
    if application.applicant_id == user.pk:
        return True
    return (
        application.is_sent
        and application.status != A.WITHDRAWN
        and is_institution_staff(user, application.opportunity.institution)
        and not is_recused(user, application)
    )


def _log(application, actor, action, previous, note=""):
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        action=action,
        from_status=previous,
        to_status=application.status,
        note=note,
    )


def _check_document(upload):
    """The content decides the type; the name must agree with it (a .jpg that is a PDF, a .pdf
    that is a picture are refused), and a picture must open and stay of a sane size."""
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(_("A document may weigh 10 MB at most."), code="too_large")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = next((t for t, magic in DOCUMENT_SIGNATURES.items() if head.startswith(magic)), None)
    if kind is None:
        raise ValidationError(_("Documents must be PDF, JPEG or PNG files."), code="bad_type")
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in DOCUMENT_EXTENSIONS[kind]:
        raise ValidationError(
            _(
                "The file's name does not match its content (a %(kind)s file): "
                "rename it or choose another file."
            )
            % {"kind": DOCUMENT_EXTENSIONS[kind][0].upper()},
            code="extension_mismatch",
        )
    if kind != "application/pdf":
        try:
            validate_uploaded_image(upload, max_bytes=DOCUMENT_MAX_BYTES)
        except ValidationError as error:
            raise ValidationError(
                _("This picture cannot be read or is too large: %(error)s")
                % {"error": " ".join(error.messages)},
                code="bad_image",
            ) from None
    return kind


def _clean_answers(opportunity, answers):
    """Keep only answers to this opportunity's questions, each in the shape its kind allows."""
    cleaned = {}
    for question in opportunity.questions.all():
        if question.kind == Question.Kind.FILE:
            continue
        value = answers.get(question.field_name)
        if value in (None, ""):
            continue
        if question.kind == Question.Kind.CHOICE and value not in question.choice_list:
            raise ValidationError(
                _("“%(value)s” is not one of the choices.") % {"value": isolate(value)}
            )
        if question.kind == Question.Kind.YES_NO:
            value = value in (True, "yes", "true", "on", "1")
        else:
            value = str(value)[:5000]
        cleaned[question.field_name] = value
    return cleaned


def application_save(*, actor, opportunity, answers=None, files=None, business=None):
    """Create or update the actor's draft application; it can be completed later.

    `answers` maps question field names (q<id>) to values; `files` maps them to uploads.
    """
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to apply."))
    if not opportunity.is_published:
        raise PermissionDenied(_("This opportunity is not open to applications."))
    if timezone.now() >= opportunity.closes_at:
        raise ValidationError(_("Applications closed on %(date)s.") % {"date": _local(opportunity)})
    if (
        business is not None
        and not Membership.objects.filter(
            business=business, user=actor, role=Membership.Role.OWNER
        ).exists()
    ):
        raise PermissionDenied(_("Only an owner can apply on behalf of a business."))
    answers = _clean_answers(opportunity, answers or {})
    if (
        business is not None
        and Application.objects.filter(opportunity=opportunity, business=business)
        .exclude(applicant=actor)
        .exists()
    ):
        raise ValidationError(_("Another owner already applied on behalf of this business."))
    with transaction.atomic():
        application, _created = Application.objects.select_for_update().get_or_create(
            opportunity=opportunity, applicant=actor
        )
        if application.status != A.DRAFT:
            raise ValidationError(_("This application was already sent; it can no longer change."))
        application.answers = {**application.answers, **answers}
        application.business = business
        application.save(update_fields=["answers", "business"])
        file_questions = {
            q.field_name: q for q in opportunity.questions.all() if q.kind == Question.Kind.FILE
        }
        for name, upload in (files or {}).items():
            question = file_questions.get(name)
            if question is None or not upload:
                continue
            kind = _check_document(upload)
            document = ApplicationDocument.objects.filter(
                application=application, question=question
            ).first() or ApplicationDocument(application=application, question=question)
            if document.file:
                document.file.delete(save=False)
            document.file = upload
            document.original_name = safe_filename(upload.name, default="document")[-200:]
            document.content_type = kind
            document.size = upload.size
            document.save()
    return application


def _local(opportunity):
    return timezone.localtime(opportunity.closes_at, opportunity.zone).strftime("%Y-%m-%d %H:%M")


def application_submit(*, actor, application):
    """Send a complete draft to the institution, before the deadline.

    The deadline is an instant (stored in UTC): it is the same moment for an applicant in
    Casablanca and a reviewer elsewhere; pages show it in the institution's time zone.
    """
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("opportunity__institution")
            .get(pk=application.pk)
        )
        if application.applicant_id != actor.pk:
            raise PermissionDenied(_("This is not your application."))
        opportunity = application.opportunity
        now = timezone.now()
        if now < opportunity.opens_at:
            raise ValidationError(_("Applications are not open yet."))
        if now >= opportunity.closes_at:
            raise ValidationError(
                _("Applications closed on %(date)s.") % {"date": _local(opportunity)}
            )
        if application.status != A.DRAFT:
            raise ValidationError(_("This application was already sent."))
        documents = set(application.documents.values_list("question_id", flat=True))
        missing = [
            q.label
            for q in opportunity.questions.all()
            if q.required
            and (
                q.pk not in documents
                if q.kind == Question.Kind.FILE
                else application.answers.get(q.field_name) in (None, "")
            )
        ]
        if missing:
            raise ValidationError(
                _("Answer every required question first: %(questions)s.")
                % {"questions": "; ".join(missing)}
            )
        previous = application.status
        application.status = A.SUBMITTED
        application.submitted_at = now
        application.save(update_fields=["status", "submitted_at"])
        _log(application, actor, "submit", previous)
        transaction.on_commit(
            lambda: tasks.notify_application_status.enqueue(application_id=application.pk)
        )
    return application


def application_transition(*, actor, application, action, note=""):
    """Move an application along its statuses; see APPLICATION_TRANSITIONS."""
    if action not in APPLICATION_TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    sources, target, who = APPLICATION_TRANSITIONS[action]
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("opportunity__institution")
            .get(pk=application.pk)
        )
        if who == "staff" and not is_institution_staff(actor, application.opportunity.institution):
            raise PermissionDenied(_("Only the institution's staff can do this."))
        if who == "staff" and is_recused(actor, application):
            raise PermissionDenied(
                _(
                    "You declared a conflict of interest with this applicant: "
                    "the rest of the jury decides."
                )
            )
        if who == "applicant" and application.applicant_id != actor.pk:
            raise PermissionDenied(_("This is not your application."))
        if application.status not in sources:
            raise ValidationError(
                _("This application is “%(status)s”: that is not possible now.")
                % {"status": application.get_status_display()}
            )
        previous = application.status
        application.status = target
        if target in DECISIONS:
            application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
        _log(application, actor, action, previous, note)
        if target in DECISIONS:
            transaction.on_commit(
                lambda: tasks.notify_application_status.enqueue(application_id=application.pk)
            )
    return application


def _review_for(actor, application, statuses=REVIEWABLE):
    """The actor's review of the application, both rows locked (call inside a transaction)."""
    application = (
        Application.objects.select_for_update()
        .select_related("opportunity__institution")
        .get(pk=application.pk)
    )
    if not is_institution_staff(actor, application.opportunity.institution):
        raise PermissionDenied(_("Only the institution's staff review its applications."))
    if application.status not in statuses:
        raise ValidationError(_("This application is not being reviewed."))
    review, _created = Review.objects.select_for_update().get_or_create(
        application=application, reviewer=actor
    )
    return application, review


def review_declare_conflict(*, actor, application):
    """The reviewer knows the applicant: their scores are withdrawn, they leave the conversation
    with the applicant, and they neither score nor decide on this application any more
    (declaring it again changes nothing)."""
    from messaging import services as messaging  # messaging imports marketplace's models

    with transaction.atomic():
        application, review = _review_for(actor, application, CONFLICT_DECLARABLE)
        if review.conflict_of_interest:
            return review
        review.scores.all().delete()
        messaging.leave_application_conversation(application=application, user=actor)
        review.conflict_of_interest = True
        review.submitted_at = None
        review.save(update_fields=["conflict_of_interest", "submitted_at"])
        _log(application, actor, "declare_conflict", application.status)
    return review


def review_submit(*, actor, application, scores, comment=""):
    """Score every criterion of the opportunity's rubric (0 to 10)."""
    with transaction.atomic():
        application, review = _review_for(actor, application)
        if review.conflict_of_interest:
            raise PermissionDenied(_("You declared a conflict of interest with this applicant."))
        criteria = list(application.opportunity.criteria.all())
        if {c.pk for c in criteria} != set(scores):
            raise ValidationError(_("Score every criterion of the rubric."))
        for value in scores.values():
            if not isinstance(value, int) or not 0 <= value <= MAX_SCORE:
                raise ValidationError(_("Scores go from 0 to %(max)s.") % {"max": MAX_SCORE})
        review.scores.all().delete()
        Score.objects.bulk_create(
            [Score(review=review, criterion_id=pk, value=value) for pk, value in scores.items()]
        )
        review.comment = comment
        review.submitted_at = timezone.now()
        review.save(update_fields=["comment", "submitted_at"])
        _log(application, actor, "review", application.status)
    return review
