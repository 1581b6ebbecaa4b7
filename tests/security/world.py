"""One small world for the security tests: objects owned by "A" users, and one user of each
role who must not reach them (B of A's role, and everyone else).

Every private object carries an "alpha" string that must never appear in a refusal's body."""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
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
    published business."""
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
    return world


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
    }
