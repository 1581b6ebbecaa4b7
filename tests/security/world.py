"""One small world for the security tests: objects owned by "A" users, and one user of each
role who must not reach them (B of A's role, and everyone else).

Every private object carries an "alpha" string that must never appear in a refusal's body."""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from PIL import Image

from accounts import roles
from tests import factories

# Strings only A's people (and the staff who are meant to) may ever read.
SECRETS = [
    "Coopérative Alpha Secrète",
    "ICE-ALPHA-SECRET-0001",
    "Offre alpha privée",
    "Message alpha confidentiel",
    "Projet alpha confidentiel",
    "Agenda alpha confidentiel",
    "Objectif alpha confidentiel",
    "alpha-owner@example.org",
    "Alpha Propriétaire",
    "Brouillon alpha confidentiel",  # a page's unpublished revision
    "Contact alpha confidentiel",  # a contact-form submission
]


def png_bytes(size=(20, 20), color="red"):
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, format="PNG")
    return output.getvalue()


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world():
    """Users: ent_a, ent_b, mentor_a, mentor_b, staff_a, staff_b, editor, manager, funder.

    A's objects: a draft business of ent_a (offer, photo, co-owner, invitation), a mentorship
    between ent_a and mentor_a (goal, booking, conversation, message, report), an application
    of ent_a to institution A's opportunity (document), ent_a's registration to an event of a
    programme institution A takes part in, ent_a's journey in a cohort and a grant to the
    published business. Then what Wagtail's admin acts on (`_wagtail_world`)."""
    from cms.models import EventIndexPage
    from marketplace import services as marketplace
    from mentoring import services as mentoring
    from messaging import services as messaging
    from programmes import services as programmes
    from tests.mentoring.conftest import book, make_mentor

    world = World()
    u = world.users
    o = world.objects
    u["ent_a"] = factories.UserFactory(
        roles=[roles.ENTREPRENEUR],
        email="alpha-owner@example.org",
        display_name="Alpha Propriétaire",
    )
    u["ent_b"] = factories.UserFactory(roles=[roles.ENTREPRENEUR])
    mentor_a = make_mentor(bio="Mentor alpha.")
    mentor_b = make_mentor(bio="Mentor beta.")
    u["mentor_a"], u["mentor_b"] = mentor_a.user, mentor_b.user
    u["staff_a"] = factories.UserFactory(roles=[roles.INSTITUTION_STAFF])
    u["staff_b"] = factories.UserFactory(roles=[roles.INSTITUTION_STAFF])
    u["editor"] = factories.UserFactory(roles=[roles.EDITOR])
    u["manager"] = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    u["funder"] = factories.UserFactory(roles=[roles.FUNDER])
    co_owner = factories.UserFactory(roles=[roles.ENTREPRENEUR])

    # --- marketplace ---------------------------------------------------------------------
    business = factories.business(
        u["ent_a"],
        status="draft",
        name="Coopérative Alpha Secrète",
        registration_number="ICE-ALPHA-SECRET-0001",
    )
    o["business"] = business
    o["public_business"] = factories.business(u["ent_a"], status="published", name="Vitrine")
    o["offer"] = marketplace.offer_save(
        actor=u["ent_a"], business=business, title="Offre alpha privée", description="x"
    )
    o["photo"] = marketplace.business_photo_add(
        actor=u["ent_a"],
        business=business,
        image=SimpleUploadedFile("p.png", png_bytes(), "image/png"),
        caption="Photo alpha",
    )
    invitation = marketplace.member_invite(
        actor=u["ent_a"], business=business, email=co_owner.email
    )
    marketplace.invitation_accept(actor=co_owner, invitation_id=invitation.pk)
    o["co_owner"] = co_owner
    o["invitation"] = marketplace.member_invite(
        actor=u["ent_a"], business=business, email="future-alpha@example.org"
    )

    institution_a = factories.institution(name="Institution Alpha", staff=[u["staff_a"]])
    institution_b = factories.institution(name="Institution Beta", staff=[u["staff_b"]])
    o["institution"] = institution_a
    o["institution_b"] = institution_b
    opportunity = factories.opportunity(
        institution_a,
        questions=[("Votre projet", "long", True), ("Statuts", "file", True)],
        criteria=[("Viabilité", 2)],
    )
    o["opportunity"] = opportunity
    text, document_question = opportunity.questions.order_by("position")
    application = marketplace.application_save(
        actor=u["ent_a"],
        opportunity=opportunity,
        answers={text.field_name: "Projet alpha confidentiel"},
        files={
            document_question.field_name: SimpleUploadedFile(
                "statuts.pdf", b"%PDF-1.4\nalpha\n%%EOF", "application/pdf"
            )
        },
    )
    o["application"] = marketplace.application_submit(actor=u["ent_a"], application=application)
    o["document"] = o["application"].documents.get()

    # --- mentoring ------------------------------------------------------------------------
    mentorship = mentoring.mentorship_request(
        actor=u["ent_a"], mentor=mentor_a, message="Aidez-moi alpha", business=None
    )
    mentorship = mentoring.mentorship_accept(actor=mentor_a.user, mentorship=mentorship)
    o["mentor"], o["mentor_b"], o["mentorship"] = mentor_a, mentor_b, mentorship
    o["goal"] = mentoring.goal_add(
        actor=u["ent_a"], mentorship=mentorship, title="Objectif alpha confidentiel"
    )
    o["booking"] = book(mentorship, agenda="Agenda alpha confidentiel")

    # --- messaging ------------------------------------------------------------------------
    conversation = messaging.conversation_for_mentorship(actor=u["ent_a"], mentorship=mentorship)
    o["conversation"] = conversation
    o["message"], _created = messaging.message_send(
        actor=u["ent_a"],
        conversation=conversation,
        text="Message alpha confidentiel",
        client_key="alpha-1",
    )

    # --- programmes -----------------------------------------------------------------------
    home = factories.build_home()
    events_index = factories.add_page(home, EventIndexPage, title="Événements", slug="evenements")
    programme = factories.programme(institutions=[institution_a], fund_eur=Decimal("100000"))
    o["programme"] = programme
    o["event"] = factories.event_page(
        events_index, capacity=20, programme=programme, counts_as="informed", slug="atelier"
    )
    o["registration"] = factories.registration(o["event"], user=u["ent_a"])
    o["cohort"] = programmes.cohort_create(
        actor=u["manager"], programme=programme, name="Cohorte alpha", starts_on=date(2026, 3, 1)
    )
    o["journey"] = programmes.journey_start(
        actor=u["manager"],
        programme=programme,
        person=u["ent_a"],
        on=date(2026, 3, 2),
        cohort=o["cohort"],
    )
    o["grant"] = programmes.grant_award(
        actor=u["manager"],
        programme=programme,
        business=o["public_business"],
        amount_eur="5000",
        exchange_rate="10.8512",
        decided_on=date(2026, 6, 1),
        purpose="Four alpha",
        tranches=[{"amount_eur": "5000", "condition": "Étape 1", "due_on": date(2026, 6, 1)}],
    )
    _wagtail_world(world, home)
    return world


def _wagtail_world(world, home):
    """What Wagtail's admin screens act on: pages (with revisions, a workflow in progress, an
    alias), a contact form with a submission, an image and a document in a collection, files
    waiting in a multiple upload, a redirect, an editing session and a disabled workflow and
    task (so that "enable" has something to enable)."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from wagtail.admin.models import EditingSession
    from wagtail.contrib.forms.models import FormSubmission
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import (
        Collection,
        GroupApprovalTask,
        Locale,
        Site,
        UploadedFile,
        Workflow,
    )

    from cms.models import FormField, FormPage, SiteSettings, StandardPage
    from cms.setup import WORKFLOW_NAME

    u = world.users
    o = world.objects
    editor = u["editor"]

    # A live page whose latest revision is an unpublished draft.
    page = factories.add_page(home, StandardPage, title="À propos", slug="a-propos", intro="x")
    page = StandardPage.objects.get(pk=page.pk)  # as published (live_revision set)
    o["first_revision"] = page.live_revision
    page.intro = "Brouillon alpha confidentiel"
    o["draft_revision"] = page.save_revision(user=editor)
    o["page"] = page
    # Another with a change scheduled to go live later (Wagtail locks such a page, hence two).
    scheduled = factories.add_page(home, StandardPage, title="Bientôt", slug="bientot", intro="x")
    scheduled = StandardPage.objects.get(pk=scheduled.pk)
    scheduled.go_live_at = timezone.now() + timedelta(days=30)
    o["scheduled_revision"] = scheduled.save_revision(user=editor)
    o["scheduled_revision"].publish(user=u["manager"])
    o["scheduled_page"] = scheduled
    o["other_page"] = factories.add_page(home, StandardPage, title="Destination", slug="dest")
    o["alias"] = page.create_alias(parent=o["other_page"], update_slug="alias-a-propos")

    # A draft an editor submitted for the programme managers' review.
    draft = StandardPage(title="En relecture", slug="en-relecture", intro="x", live=False)
    home.add_child(instance=draft)
    draft.save_revision(user=editor)
    o["workflow_state"] = draft.get_workflow().start(draft, editor)
    o["task_state"] = o["workflow_state"].current_task_state
    o["draft"] = draft

    form = FormPage(title="Contact", slug="contact", to_address="staff@example.org")
    form.form_fields.add(FormField(label="Message", field_type="multiline", required=True))
    home.add_child(instance=form)
    form.save_revision().publish()
    o["form_page"] = form
    o["submission"] = FormSubmission.objects.create(
        page=form, form_data={"message": "Contact alpha confidentiel"}
    )

    # Uploaded by a manager, so that what editors may do with them comes from their collection
    # permissions and not from Wagtail's rule that uploaders may change their own.
    collection = Collection.get_first_root_node().add_child(name="Collection alpha")
    o["collection"] = collection
    o["image"] = get_image_model().objects.create(
        title="Image alpha",
        file=ContentFile(png_bytes(), "alpha.png"),
        collection=collection,
        uploaded_by_user=u["manager"],
    )
    o["wagtail_document"] = get_document_model().objects.create(
        title="Document alpha",
        file=ContentFile(b"%PDF-1.4\nalpha\n%%EOF", "alpha.pdf"),
        collection=collection,
        uploaded_by_user=u["manager"],
    )
    # Files the editor dropped into a multiple upload, not yet turned into images/documents.
    for name, model, content in (
        ("uploaded_image", get_image_model(), png_bytes()),
        ("uploaded_document", get_document_model(), b"%PDF-1.4\n%%EOF"),
    ):
        o[name] = UploadedFile.objects.create(
            for_content_type=ContentType.objects.get_for_model(model),
            file=ContentFile(content, f"{name}.bin"),
            uploaded_by_user=editor,
        )

    o["redirect"] = Redirect.objects.create(old_path="/ancien-a-propos", redirect_page=page)
    o["editing_session"] = EditingSession.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(page, for_concrete_model=False),
        object_id=str(page.pk),
        last_seen_at=timezone.now(),
    )
    o["workflow"] = Workflow.objects.get(name=WORKFLOW_NAME)
    o["task"] = o["workflow"].tasks.get()
    o["disabled_workflow"] = Workflow.objects.create(name="Ancien circuit", active=False)
    o["disabled_task"] = GroupApprovalTask.objects.create(name="Ancienne étape", active=False)
    o["root_collection"] = Collection.get_first_root_node()
    o["home"] = home
    o["root_page"] = home.get_parent()
    o["person"] = u["ent_a"]  # whom the user screens are about
    o["site"] = Site.objects.get(is_default_site=True)
    # Wagtail creates it on first read otherwise: a refused request would count as a change.
    SiteSettings.for_site(o["site"])
    o["locale"] = Locale.objects.get(language_code="ar")
    o["group"] = Group.objects.get(name=roles.EDITOR)


# --- user text that would reverse what surrounds it ---------------------------------------------

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
# Text fields that hold no text a person typed: codes, keys, tokens.
MACHINE_FIELDS = {
    "accounts.User.password",
    "accounts.Consent.version",
    "marketplace.BusinessEvent.action",
    "marketplace.ApplicationEvent.action",
    "marketplace.ApplicationDocument.content_type",
    "marketplace.Institution.time_zone",
    "mentoring.MentorProfile.time_zone",
    "mentoring.CalendarFeed.token",
    "messaging.Message.client_key",
    "programmes.EventRegistration.person_key",
    "programmes.EventRegistration.token",
    "programmes.Attendance.person_key",
}
TEXT_APPS = ("accounts", "marketplace", "mentoring", "messaging", "programmes")


def build_text_world():
    """build_world(), with one more object of each kind that holds text a person typed and the
    first world lacks (an inquiry, a photo and an offer on the public business, a reason sent by
    the programme team, a jury comment, a held session with its note and rating, a report, a
    walk-in), then every user-entered text field of every object holding U+202E at its end —
    so that wherever it is shown, what follows it shows whether it was isolated. Long texts
    also start with a stray POP DIRECTIONAL ISOLATE, which must not close the isolate around
    them.

    The texts are written straight to the database, as rows saved before names were cleaned
    (and long texts keep what was typed)."""
    from datetime import timedelta

    from django.utils import timezone

    from marketplace import services as marketplace
    from mentoring import services as mentoring
    from mentoring.models import Booking, MentorProfile
    from messaging import services as messaging
    from programmes import services as programmes
    from tests.mentoring.conftest import book

    world = build_world()
    u, o = world.users, world.objects
    public = o["public_business"]
    o["public_offer"] = marketplace.offer_save(
        actor=u["ent_a"], business=public, title="Pain", description="Du four"
    )
    o["public_photo"] = marketplace.business_photo_add(
        actor=u["ent_a"],
        business=public,
        image=SimpleUploadedFile("q.png", png_bytes(), "image/png"),
        caption="La boutique",
    )
    public.tags.set(["pain"])
    o["inquiry"] = marketplace.inquiry_send(
        actor=u["ent_b"], business=public, message="Bonjour", offer=o["public_offer"]
    )
    o["beta_invitation"] = marketplace.member_invite(
        actor=u["ent_a"], business=public, email=u["ent_b"].email, role="member"
    )
    o["business_conversation"] = messaging.conversation_with_business(
        actor=u["ent_b"], business=public
    )
    messaging.message_send(
        actor=u["ent_b"],
        conversation=o["business_conversation"],
        text="Avez-vous du pain ?",
        client_key="beta-1",
    )
    marketplace.business_transition(actor=u["ent_a"], business=o["business"], action="submit")
    marketplace.business_transition(
        actor=u["manager"], business=o["business"], action="request_changes", reason="Photo"
    )
    application = marketplace.application_transition(
        actor=u["staff_a"], application=o["application"], action="start_review", note="Vu"
    )
    marketplace.review_submit(
        actor=u["staff_a"],
        application=application,
        scores={criterion.pk: 7 for criterion in o["opportunity"].criteria.all()},
        comment="Solide",
    )
    held = book(o["mentorship"], days=3, agenda="Bilan")
    Booking.objects.filter(pk=held.pk).update(
        status="held",
        starts_at=timezone.now() - timedelta(days=2, hours=1),
        ends_at=timezone.now() - timedelta(days=2),
    )
    o["held_booking"] = held
    mentoring.session_note_add(actor=u["mentor_a"], booking=held, text="Bon départ")
    o["rating"] = mentoring.session_rate(actor=u["ent_a"], booking=held, score=4, comment="Utile")
    o["report"] = messaging.report(
        actor=u["mentor_a"], message_id=o["message"].pk, reason="Hors sujet"
    )
    o["walk_in"] = programmes.attendance_add_walk_in(
        actor=u["manager"], event=o["event"], name="Passant", phone="0611223344"
    )
    # A second programme: the admin's screens then ask which one to show.
    o["programme_b"] = factories.programme(name="Programme bêta")
    MentorProfile.objects.filter(pk=o["mentor"].pk).update(
        review_note="Ajoutez une photo", tags=["compta"]
    )
    fill_user_texts()
    from search import service

    service.rebuild()
    return world


def fill_user_texts():
    """Every user-entered text field of every row of our apps ends with U+202E (long texts
    start with a stray PDI too); so do answers, mentors' skills and businesses' tags."""
    from django.apps import apps
    from taggit.models import Tag

    from marketplace.models import Application
    from mentoring.models import MentorProfile

    for label in TEXT_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [
                field
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField)
                and not field.choices
                and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
                and f"{model._meta.label}.{field.name}" not in MACHINE_FIELDS
            ]
            if not fields:
                continue
            for row in model._base_manager.all():
                values = {field.name: marked(getattr(row, field.name), field) for field in fields}
                model._base_manager.filter(pk=row.pk).update(**values)
    for application in Application.objects.all():
        answers = {
            key: marked(value, models.TextField()) if isinstance(value, str) else value
            for key, value in application.answers.items()
        }
        Application.objects.filter(pk=application.pk).update(answers=answers)
    for mentor in MentorProfile.objects.all():
        tags = [marked(tag, models.CharField(max_length=40)) for tag in mentor.tags or ["x"]]
        MentorProfile.objects.filter(pk=mentor.pk).update(tags=tags)
    for tag in Tag.objects.all():
        Tag.objects.filter(pk=tag.pk).update(name=marked(tag.name, Tag._meta.get_field("name")))


def marked(value, field):
    """`value` (or "x") ending with U+202E; a long text starting with a stray PDI too."""
    value = value or "x"
    if isinstance(field, models.TextField):
        return f"{PDI}{value}{RLO}"
    return f"{value[: (field.max_length or 1000) - 1]}{RLO}"


def snapshot(world):
    """What a refused request must leave unchanged."""
    from marketplace.models import (
        Application,
        Business,
        BusinessPhoto,
        Invitation,
        Membership,
        Offer,
    )
    from mentoring.models import Booking, Goal, Mentorship
    from messaging.models import Block, Conversation, Message, Report
    from programmes.models import EventRegistration, Grant, Journey

    def rows(model, *fields):
        return sorted(model.objects.values_list("pk", *fields))

    return {
        "businesses": rows(Business, "status", "name"),
        "members": rows(Membership, "user_id", "role"),
        "invitations": rows(Invitation, "accepted_at", "email"),
        "offers": rows(Offer, "title"),
        "photos": rows(BusinessPhoto),
        "applications": rows(Application, "status"),
        "mentorships": rows(Mentorship, "status"),
        "goals": rows(Goal, "progress"),
        "bookings": rows(Booking, "status", "starts_at"),
        "conversations": rows(Conversation),
        "messages": rows(Message, "text"),
        "reports": rows(Report),
        "blocks": rows(Block),
        "registrations": rows(EventRegistration, "status"),
        "journeys": rows(Journey),
        "grants": rows(Grant, "status"),
        **_wagtail_snapshot(rows),
    }


def _wagtail_snapshot(rows):
    from django.contrib.auth.models import Group
    from taggit.models import Tag
    from wagtail.admin.models import EditingSession
    from wagtail.contrib.forms.models import FormSubmission
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import (
        Collection,
        CollectionViewRestriction,
        GroupCollectionPermission,
        GroupPagePermission,
        Locale,
        Page,
        PageViewRestriction,
        Revision,
        Site,
        Task,
        TaskState,
        UploadedFile,
        Workflow,
        WorkflowPage,
        WorkflowState,
        WorkflowTask,
    )

    from accounts.models import User
    from cms.models import SiteSettings

    return {
        # path: moved or reordered; alias_of: an alias converted; locked: (un)locked.
        "pages": rows(Page, "live", "title", "path", "locked", "alias_of_id", "latest_revision_id"),
        "revisions": rows(Revision, "approved_go_live_at"),
        "page_restrictions": rows(PageViewRestriction, "page_id", "restriction_type"),
        "collection_restrictions": rows(CollectionViewRestriction, "collection_id"),
        "form_submissions": rows(FormSubmission, "page_id"),
        "collections": rows(Collection, "name", "path"),
        "images": rows(get_image_model(), "title", "collection_id"),
        "wagtail_documents": rows(get_document_model(), "title", "collection_id"),
        "uploaded_files": rows(UploadedFile),
        "tags": rows(Tag, "name"),
        "redirects": rows(Redirect, "old_path", "redirect_page_id"),
        "editing_sessions": rows(EditingSession, "user_id", "last_seen_at"),
        "users": rows(User, "email", "is_active", "is_superuser"),
        "user_groups": rows(User.groups.through, "user_id", "group_id"),
        "groups": rows(Group, "name"),
        "group_permissions": rows(Group.permissions.through, "group_id", "permission_id"),
        "group_page_permissions": rows(GroupPagePermission, "group_id", "permission_id"),
        "group_collection_permissions": rows(
            GroupCollectionPermission, "group_id", "permission_id"
        ),
        "workflows": rows(Workflow, "name", "active"),
        "tasks": rows(Task, "name", "active"),
        "workflow_tasks": rows(WorkflowTask, "workflow_id", "task_id"),
        "workflow_pages": rows(WorkflowPage, "workflow_id"),
        "workflow_states": rows(WorkflowState, "status"),
        "task_states": rows(TaskState, "status"),
        "sites": rows(Site, "hostname", "port", "root_page_id", "is_default_site"),
        "locales": rows(Locale, "language_code"),
        "site_settings": rows(SiteSettings, "contact_email"),
    }
