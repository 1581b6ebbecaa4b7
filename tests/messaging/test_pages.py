"""The inbox and conversation pages without JavaScript, the API, and other people's ids."""

import json

import pytest
from django.core.cache import cache

from accounts import roles
from messaging import services
from messaging.models import Message, Report
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def pair():
    owner = factories.UserFactory(roles=[roles.ENTREPRENEUR], display_name="Fatou")
    buyer = factories.UserFactory(display_name="Karim")
    business = factories.business(owner, name="Atelier Argan")
    conversation = services.conversation_with_business(actor=buyer, business=business)
    return buyer, owner, conversation


def test_writing_without_javascript_and_a_double_submit_stores_one_message(client, pair):
    buyer, owner, conversation = pair
    client.force_login(buyer)
    page = client.get(conversation.get_absolute_url())
    key = page.context["form"].initial["client_key"]
    xss = "<img src=x onerror=alert(1)>"
    for _ in range(2):  # the same form sent twice (a slow connection, a second tap)
        response = client.post(conversation.get_absolute_url(), {"text": xss, "client_key": key})
        assert response.status_code == 302
    assert Message.objects.count() == 1
    client.force_login(owner)
    html = client.get(conversation.get_absolute_url()).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    inbox = client.get("/fr/messages/")
    assert inbox.context["conversations"][0].unread == 0  # the page was read just now


def test_the_inbox_counts_unread_and_finds_people(client, pair):
    buyer, owner, conversation = pair
    services.message_send(actor=buyer, conversation=conversation, text="Prix ?", client_key="a")
    client.force_login(owner)
    page = client.get("/fr/messages/")
    row = page.context["conversations"][0]
    assert row.unread == 1 and row.last_text == "Prix ?"
    assert [p.user for p in row.others] == [buyer]
    assert "data-unread-total>1<" in page.content.decode()  # the header badge
    assert list(client.get("/fr/messages/", {"q": "karim"}).context["conversations"]) == [row]
    assert list(client.get("/fr/messages/", {"q": "personne"}).context["conversations"]) == []


def test_older_messages_by_link(client, pair):
    buyer, _owner, conversation = pair
    for number in range(60):
        cache.clear()
        services.message_send(
            actor=buyer, conversation=conversation, text=f"n{number}", client_key=f"k{number}"
        )
    client.force_login(buyer)
    page = client.get(conversation.get_absolute_url())
    assert len(page.context["messages_page"]) == 50 and page.context["older"]
    older = client.get(conversation.get_absolute_url(), {"before": page.context["older"]})
    assert [m.text for m in older.context["messages_page"]] == [f"n{n}" for n in range(10)]
    assert client.get(conversation.get_absolute_url(), {"before": "abc"}).status_code == 200


def test_other_peoples_conversations_are_not_found(client, pair):
    buyer, owner, conversation = pair
    message, _ = services.message_send(
        actor=buyer, conversation=conversation, text="Secret", client_key="s"
    )
    stranger = factories.UserFactory()
    client.force_login(stranger)
    url = conversation.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "intrus", "client_key": "x"}).status_code == 404
    assert client.post(f"{url}report/", {"message": message.pk, "reason": "x"}).status_code == 404
    assert client.post(f"{url}block/{buyer.pk}/").status_code == 404
    api = f"/api/v1/messaging/conversations/{conversation.pk}"
    assert client.get(f"{api}/messages").status_code == 404
    assert (
        client.post(
            f"{api}/messages",
            json.dumps({"text": "intrus", "client_key": "y"}),
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.post(f"{api}/read", "{}", content_type="application/json").status_code == 404
    assert client.get("/api/v1/messaging/conversations").json()["items"] == []
    # Starting a conversation about someone else's mentorship or application: not found.
    from tests.mentoring.conftest import active_mentorship, make_mentor

    mentorship = active_mentorship(make_mentor())
    assert client.post(f"/fr/messages/new/mentorship/{mentorship.pk}/").status_code == 404
    assert client.post("/fr/messages/new/planet/1/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert Message.objects.count() == 1 and not Report.objects.exists()


def test_a_message_from_another_conversation_cannot_be_reported_through_ones_own(client, pair):
    buyer, owner, conversation = pair
    elsewhere = services.conversation_with_business(
        actor=factories.UserFactory(), business=factories.business(factories.UserFactory())
    )
    foreign, _ = services.message_send(
        actor=elsewhere.created_by, conversation=elsewhere, text="Ailleurs", client_key="f"
    )
    client.force_login(buyer)
    response = client.post(
        f"{conversation.get_absolute_url()}report/", {"message": foreign.pk, "reason": "x"}
    )
    assert response.status_code == 404 and not Report.objects.exists()


def test_starting_from_a_business_page(client, pair):
    _buyer, owner, conversation = pair
    other_buyer = factories.UserFactory()
    client.force_login(other_buyer)
    response = client.post(f"/fr/messages/new/business/{conversation.business_id}/")
    assert response.status_code == 302
    assert response.url != conversation.get_absolute_url()  # their own conversation
    client.force_login(owner)
    response = client.post(f"/fr/messages/new/business/{conversation.business_id}/", follow=True)
    assert response.status_code == 200  # one's own business: told, not an error page


def test_the_api_sends_once_per_key_and_marks_read(client, pair):
    buyer, owner, conversation = pair
    client.force_login(buyer)
    api = f"/api/v1/messaging/conversations/{conversation.pk}"
    body = json.dumps({"text": "Bonjour", "client_key": "api-1"})
    first = client.post(f"{api}/messages", body, content_type="application/json")
    again = client.post(f"{api}/messages", body, content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    too_long = json.dumps({"text": "x" * 4001, "client_key": "api-2"})
    assert (
        client.post(f"{api}/messages", too_long, content_type="application/json").status_code == 422
    )
    client.force_login(owner)
    listed = client.get("/api/v1/messaging/conversations").json()["items"]
    assert listed[0]["unread"] == 1 and listed[0]["others"] == ["Karim"]
    assert client.get(f"{api}/messages").json()["items"][0]["text"] == "Bonjour"
    assert client.post(f"{api}/read", "{}", content_type="application/json").status_code == 204
    assert client.get("/api/v1/messaging/conversations").json()["items"][0]["unread"] == 0


def test_blocking_from_the_page(client, pair):
    buyer, owner, conversation = pair
    client.force_login(owner)
    client.post(f"{conversation.get_absolute_url()}block/{buyer.pk}/")
    client.force_login(buyer)
    response = client.post(
        conversation.get_absolute_url(), {"text": "Encore", "client_key": "b"}, follow=True
    )
    assert response.status_code == 200 and not Message.objects.exists()


def test_staff_read_reports_with_the_text_kept_and_others_cannot(client, pair):
    buyer, owner, conversation = pair
    message, _ = services.message_send(
        actor=buyer, conversation=conversation, text="Insulte", client_key="r"
    )
    services.report(actor=owner, message_id=message.pk, reason="Grossier")
    services.message_delete(actor=buyer, message_id=message.pk)
    client.force_login(owner)
    assert client.get("/admin/message-reports/").status_code in (302, 403)
    client.force_login(factories.UserFactory(roles=[roles.PROGRAMME_MANAGER]))
    page = client.get("/admin/message-reports/")
    assert "Insulte" in page.content.decode() and "Grossier" in page.content.decode()
    report = Report.objects.get()
    client.post("/admin/message-reports/", {"report": report.pk, "status": "acted"})
    report.refresh_from_db()
    assert report.status == "acted"


def test_the_api_answers_too_many_messages_with_429_and_retry_after(client, pair):
    buyer, _owner, conversation = pair
    client.force_login(buyer)
    api = f"/api/v1/messaging/conversations/{conversation.pk}/messages"
    statuses = [
        client.post(
            api,
            json.dumps({"text": f"n{n}", "client_key": f"rl{n}"}),
            content_type="application/json",
        )
        for n in range(21)
    ]
    assert [r.status_code for r in statuses[:20]] == [201] * 20
    assert statuses[20].status_code == 429 and 1 <= int(statuses[20]["Retry-After"]) <= 10
    assert Message.objects.count() == 20


def test_the_admin_menu_shows_each_screen_to_those_allowed_only(client):
    manager = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    editor = factories.UserFactory(roles=[roles.EDITOR])
    client.force_login(manager)
    html = client.get("/admin/").content.decode()
    for url in (
        "/admin/message-reports/",
        "/admin/mentoring/",
        "/admin/mentoring/cohort/",
        "/admin/businesses/",
    ):
        assert url in html, url
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "/admin/message-reports/" not in html and "/admin/mentoring/cohort/" not in html


def test_wagtails_own_reports_still_answer(client):
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/admin/reports/locked/").status_code == 200


def test_a_message_arriving_while_the_page_is_built_is_replayed_and_left_unread(
    client, pair, monkeypatch
):
    """The page's history, its resume point and "read up to" are read one after the other: a
    message committed in between must reach the reader (the socket replays it) and stay
    unread, never be marked read unseen."""
    from messaging import queries

    buyer, owner, conversation = pair
    services.message_send(actor=buyer, conversation=conversation, text="Bonjour", client_key="1")
    real_history = queries.history

    def history_then_a_late_message(*args, **kwargs):
        page = real_history(*args, **kwargs)
        services.message_send(actor=buyer, conversation=conversation, text="LATE", client_key="2")
        return page

    monkeypatch.setattr(queries, "history", history_then_a_late_message)
    client.force_login(owner)
    response = client.get(conversation.get_absolute_url())
    assert "LATE" not in response.content.decode()
    replayed = services.events_after(owner, response.context["last_event"])
    assert [event.get("text") for event in replayed if event["type"] == "message.new"] == ["LATE"]
    assert services.unread_counts_for(owner.pk)["total"] == 1
