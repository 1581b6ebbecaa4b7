"""Demo conversations for `seed_demo`: the demo entrepreneur and her mentor, and a buyer
writing to a cooperative, so that `make run` shows a living inbox. Idempotent."""

from accounts.models import User
from marketplace.models import Business
from mentoring.models import Mentorship
from messaging import services
from messaging.models import Conversation

MENTORSHIP_MESSAGES = [
    (
        "entrepreneur",
        "Bonjour Karim, merci d'avoir accepté ! Je vous envoie mon cahier de recettes.",
    ),
    ("mentor", "Avec plaisir, Aminata. Notez aussi les petites dépenses, même 10 dirhams."),
    ("entrepreneur", "D'accord, je le fais dès ce soir."),
]
BUSINESS_MESSAGES = [
    ("buyer", "Bonjour, faites-vous un buffet pour 40 personnes samedi 12 ?"),
    ("owner", "Bonjour Jean-Paul, oui : thieboudienne, mafé et alloco. Je vous envoie un devis."),
]


def _say(conversation, author, text, key):
    services.message_send(actor=author, conversation=conversation, text=text, client_key=key)


def seed_conversations():
    created = 0
    entrepreneur = User.objects.filter(email__iexact="entrepreneur@tremplin.example").first()
    mentorship = (
        Mentorship.objects.filter(entrepreneur=entrepreneur, status="active")
        .select_related("mentor__user")
        .first()
    )
    if mentorship and not Conversation.objects.filter(mentorship=mentorship).exists():
        conversation = services.conversation_for_mentorship(
            actor=entrepreneur, mentorship=mentorship
        )
        people = {"entrepreneur": entrepreneur, "mentor": mentorship.mentor.user}
        for number, (who, text) in enumerate(MENTORSHIP_MESSAGES):
            _say(conversation, people[who], text, f"demo-mentorship-{number}")
        created += 1
    buyer = User.objects.filter(email__iexact="jean@tremplin.example").first()
    business = Business.objects.filter(slug="cooperative-saveurs-du-sahel").first()
    if buyer and business and not Conversation.objects.filter(business=business).exists():
        conversation = services.conversation_with_business(actor=buyer, business=business)
        owner = business.memberships.order_by("pk").first().user
        people = {"buyer": buyer, "owner": owner}
        for number, (who, text) in enumerate(BUSINESS_MESSAGES):
            _say(conversation, people[who], text, f"demo-business-{number}")
        created += 1
    return created


def steps():
    return [("conversations", seed_conversations)]
