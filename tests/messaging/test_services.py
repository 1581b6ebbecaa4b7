"""Who may talk with whom, and what a message may be: services, tested per rule."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import roles
from marketplace.models import Application
from messaging import services
from messaging.models import Event, Message, Participant, Report
from tests import factories
from tests.mentoring.conftest import active_mentorship, make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def pair():
    """A buyer talking with a published business's owner."""
    owner = factories.UserFactory(roles=[roles.ENTREPRENEUR])
    buyer = factories.UserFactory()
    business = factories.business(owner, name="Atelier Argan")
    conversation = services.conversation_with_business(actor=buyer, business=business)
    return buyer, owner, conversation


def send(actor, conversation, text="Bonjour", key=None):
    return services.message_send(
        actor=actor,
        conversation=conversation,
        text=text,
        client_key=key or f"k{timezone.now().timestamp()}{text}",
    )


def test_anyone_signed_in_writes_to_a_published_business_and_its_team_answers(pair):
    buyer, owner, conversation = pair
    assert set(conversation.participants.values_list("user_id", flat=True)) == {buyer.pk, owner.pk}
    # Asking again reopens the same conversation.
    again = services.conversation_with_business(actor=buyer, business=conversation.business)
    assert again.pk == conversation.pk


def test_refused_starts():
    owner = factories.UserFactory()
    draft = factories.business(owner, status="draft")
    with pytest.raises(PermissionDenied):  # not published
        services.conversation_with_business(actor=factories.UserFactory(), business=draft)
    published = factories.business(owner)
    with pytest.raises(ValidationError):  # one's own business
        services.conversation_with_business(actor=owner, business=published)
    mentor = make_mentor()
    entrepreneur = factories.UserFactory()
    from mentoring import services as mentoring

    request = mentoring.mentorship_request(actor=entrepreneur, mentor=mentor)
    with pytest.raises(PermissionDenied):  # not started yet
        services.conversation_for_mentorship(actor=entrepreneur, mentorship=request)
    mentorship = active_mentorship(make_mentor())
    with pytest.raises(PermissionDenied):  # someone else's mentorship
        services.conversation_for_mentorship(actor=entrepreneur, mentorship=mentorship)
    conversation = services.conversation_for_mentorship(
        actor=mentorship.entrepreneur, mentorship=mentorship
    )
    assert conversation.participants.count() == 2
    institution = factories.institution(staff=[factories.UserFactory()])
    opportunity = factories.opportunity(institution)
    draft_application = Application.objects.create(opportunity=opportunity, applicant=entrepreneur)
    with pytest.raises(PermissionDenied):  # a draft is not discussed
        services.conversation_for_application(actor=entrepreneur, application=draft_application)
    Application.objects.filter(pk=draft_application.pk).update(
        status="submitted", submitted_at=timezone.now()
    )
    draft_application.refresh_from_db()
    with pytest.raises(PermissionDenied):  # a stranger to the application
        services.conversation_for_application(
            actor=factories.UserFactory(), application=draft_application
        )
    conversation = services.conversation_for_application(
        actor=entrepreneur, application=draft_application
    )
    assert conversation.participants.count() == 2


def test_the_same_client_key_twice_is_one_message(pair):
    buyer, _owner, conversation = pair
    first, created = send(buyer, conversation, "Prix ?", key="abc")
    again, created_again = send(buyer, conversation, "Prix ?", key="abc")
    assert created and not created_again and first.pk == again.pk
    assert Message.objects.count() == 1 and Event.objects.filter(kind="message.new").count() == 1


def test_size_emptiness_outsiders_and_blocked_people_are_refused(pair):
    buyer, owner, conversation = pair
    with pytest.raises(ValidationError) as refused:
        send(buyer, conversation, "x" * 4001)
    assert refused.value.code == "too_long"
    with pytest.raises(ValidationError):
        send(buyer, conversation, "   ")
    with pytest.raises(PermissionDenied):
        send(factories.UserFactory(), conversation, "Je m'invite")
    services.block(actor=owner, user=buyer)
    with pytest.raises(PermissionDenied):
        send(buyer, conversation, "Encore moi")
    services.unblock(actor=owner, user=buyer)
    send(buyer, conversation, "Pardon")
    assert Message.objects.count() == 1


def test_rate_limit_twenty_messages_in_ten_seconds(pair):
    buyer, _owner, conversation = pair
    for number in range(20):
        send(buyer, conversation, f"message {number}")
    with pytest.raises(ValidationError) as refused:
        send(buyer, conversation, "one too many")
    assert refused.value.code == "rate_limited"
    assert Message.objects.count() == 20


def test_edit_within_fifteen_minutes_and_delete_for_everyone(pair):
    buyer, owner, conversation = pair
    message, _created = send(buyer, conversation, "Bonjuor")
    with pytest.raises(PermissionDenied):
        services.message_edit(actor=owner, message_id=message.pk, text="piraté")
    services.message_edit(actor=buyer, message_id=message.pk, text="Bonjour")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    with pytest.raises(ValidationError):
        services.message_edit(actor=buyer, message_id=message.pk, text="Trop tard")
    report = services.report(actor=owner, message_id=message.pk, reason="Insulte")
    services.message_delete(actor=buyer, message_id=message.pk)
    message.refresh_from_db()
    assert message.is_deleted and message.text == ""
    report.refresh_from_db()
    assert report.text == "Bonjour"  # kept for the moderators
    kinds = list(Event.objects.values_list("kind", flat=True))
    assert kinds == ["message.new", "message.edited", "message.deleted"]
    with pytest.raises(PermissionDenied):  # only people of the conversation report
        services.report(actor=factories.UserFactory(), message_id=message.pk, reason="x")
    assert Report.objects.count() == 1


def test_reading_updates_the_unread_counts(pair):
    buyer, owner, conversation = pair
    first, _ = send(buyer, conversation, "Un")
    second, _ = send(buyer, conversation, "Deux")
    assert services.unread_counts_for(owner.pk) == {
        "conversations": {str(conversation.pk): 2},
        "total": 2,
    }
    assert services.unread_counts_for(buyer.pk)["total"] == 0  # one's own messages
    services.mark_read(actor=owner, conversation=conversation, up_to=first.pk)
    assert services.unread_counts_for(owner.pk)["total"] == 1
    services.mark_read(actor=owner, conversation=conversation)
    assert services.unread_counts_for(owner.pk)["total"] == 0
    read_events = Event.objects.filter(kind="read")
    assert [e.payload["up_to"] for e in read_events] == [first.pk, second.pk]
    with pytest.raises(PermissionDenied):
        services.mark_read(actor=factories.UserFactory(), conversation=conversation)


def test_events_after_an_id_are_the_users_own_in_order(pair):
    buyer, owner, conversation = pair
    other = services.conversation_with_business(
        actor=factories.UserFactory(), business=factories.business(factories.UserFactory())
    )
    send(buyer, conversation, "a")
    send(other.created_by, other, "not for the buyer")
    send(owner, conversation, "b")
    texts = [event["text"] for event in services.events_after(buyer, 0)]
    assert texts == ["a", "b"]
    last = services.events_after(buyer, 0)[0]["id"]
    assert [event["text"] for event in services.events_after(buyer, last)] == ["b"]
    # Where a socket that does not resume starts: the buyer's latest, not anyone's latest.
    send(other.created_by, other, "later, elsewhere")
    assert services.last_event_id(buyer.pk) == services.events_after(buyer, 0)[-1]["id"]
    assert services.last_event_id(factories.UserFactory().pk) == 0


def test_one_digest_per_person_never_one_per_message_and_none_if_read(
    pair, settings, django_capture_on_commit_callbacks
):
    settings.MESSAGING_DIGEST_MINUTES = 30
    buyer, owner, conversation = pair
    for text in ("Un", "Deux", "Trois"):
        send(buyer, conversation, text)
    later = timezone.now() + timedelta(minutes=31)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(now=later) == 1
        assert services.digests_send(now=later) == 0  # told once
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    assert "Trois" in mail.outbox[0].body and "3" in mail.outbox[0].subject
    # A new message, read in time: no e-mail.
    fresh, _ = send(buyer, conversation, "Quatre")
    services.mark_read(actor=owner, conversation=conversation)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(now=timezone.now() + timedelta(minutes=31)) == 0
    assert len(mail.outbox) == 1
    assert Participant.objects.get(conversation=conversation, user=owner).last_read_id == fresh.pk
