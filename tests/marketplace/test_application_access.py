"""Who reads an application, and who decides on it.

A draft belongs to its applicant alone; the jury (the institution's staff) reads what was sent,
unless a juror declared a conflict of interest (then they neither read, score nor decide) or
the applicant withdrew it. The document download answers exactly as the jury page links.
"""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from accounts import roles
from marketplace import services
from marketplace.models import Application, ApplicationEvent, Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Pages are read in English here: the texts asserted below are the English ones.
    with translation.override("en"):
        yield


PDF = b"%PDF-1.4\nstatuts\n%%EOF"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "public"


# How each status is reached, through the services, from a saved draft. "recuse" is where the
# recused juror declares their conflict (possible once the application was sent).
PATHS = {
    "draft": [],
    "withdrawn-draft": ["withdraw"],
    "submitted": ["submit", "recuse"],
    "under-review": ["submit", "start_review", "recuse"],
    "shortlisted": ["submit", "start_review", "recuse", "shortlist"],
    "accepted": ["submit", "start_review", "recuse", "shortlist", "accept"],
    "waitlisted": ["submit", "start_review", "recuse", "shortlist", "waitlist"],
    "rejected": ["submit", "start_review", "recuse", "reject"],
    "withdrawn-sent": ["submit", "start_review", "recuse", "withdraw"],
}
SENT_AND_KEPT = {"submitted", "under-review", "shortlisted", "accepted", "waitlisted", "rejected"}
ROLES = [
    "applicant",
    "co_owner",
    "juror",
    "recused_juror",
    "other_institution_staff",
    "programme_manager",
    "funder",
    "editor",
    "anonymous",
]


def _world():
    people = {
        "applicant": factories.UserFactory(roles=[roles.ENTREPRENEUR]),
        "co_owner": factories.UserFactory(roles=[roles.ENTREPRENEUR]),
        "juror": factories.UserFactory(roles=[roles.INSTITUTION_STAFF]),
        "recused_juror": factories.UserFactory(roles=[roles.INSTITUTION_STAFF]),
        "other_institution_staff": factories.UserFactory(roles=[roles.INSTITUTION_STAFF]),
        "programme_manager": factories.UserFactory(roles=[roles.PROGRAMME_MANAGER]),
        "funder": factories.UserFactory(roles=[roles.FUNDER]),
        "editor": factories.UserFactory(roles=[roles.EDITOR]),
    }
    business = factories.business(people["applicant"])
    Membership.objects.create(
        business=business, user=people["co_owner"], role=Membership.Role.OWNER
    )
    institution = factories.institution(staff=[people["juror"], people["recused_juror"]])
    factories.institution(staff=[people["other_institution_staff"]])
    opportunity = factories.opportunity(
        institution, questions=[("Statuts", "file", True)], criteria=[("Viabilité", 1)]
    )
    return people, business, opportunity


def _application_in(status, people, business, opportunity):
    question = opportunity.questions.get()
    application = services.application_save(
        actor=people["applicant"],
        opportunity=opportunity,
        business=business,
        files={question.field_name: SimpleUploadedFile("statuts.pdf", PDF, "application/pdf")},
    )
    for step in PATHS[status]:
        if step == "submit":
            services.application_submit(actor=people["applicant"], application=application)
        elif step == "recuse":
            services.review_declare_conflict(actor=people["recused_juror"], application=application)
        elif step == "withdraw":
            services.application_transition(
                actor=people["applicant"], application=application, action="withdraw"
            )
        else:
            services.application_transition(
                actor=people["juror"], application=application, action=step
            )
    application.refresh_from_db()
    assert application.status == status.split("-")[0] if "withdrawn" in status else status
    return application


def _expected_download(role, status):
    if role == "anonymous":
        return 302  # to the log-in page, which then refuses as below
    if role == "applicant":
        return 200
    if role == "juror" and status in SENT_AND_KEPT:
        return 200
    return 404


@pytest.mark.parametrize("status", list(PATHS))
@pytest.mark.parametrize("role", ROLES)
def test_who_downloads_an_application_document(client, role, status):
    people, business, opportunity = _world()
    application = _application_in(status, people, business, opportunity)
    document = application.documents.get()
    url = reverse("marketplace:document_download", args=[document.pk])
    if role != "anonymous":
        client.force_login(people[role])
    response = client.get(url)
    assert response.status_code == _expected_download(role, status)
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("status", list(PATHS))
@pytest.mark.parametrize("role", ["juror", "recused_juror", "other_institution_staff"])
def test_the_jury_page_links_exactly_the_documents_the_download_serves(client, role, status):
    people, business, opportunity = _world()
    application = _application_in(status, people, business, opportunity)
    document = application.documents.get()
    download = reverse("marketplace:document_download", args=[document.pk])
    page = reverse("marketplace:staff_application", args=[opportunity.pk, application.pk])
    client.force_login(people[role])
    response = client.get(page)
    sent = status not in ("draft", "withdrawn-draft")
    in_jury = role in ("juror", "recused_juror")
    assert response.status_code == (200 if sent and in_jury else 404)
    linked = response.status_code == 200 and download in response.content.decode()
    assert linked == (client.get(download).status_code == 200)
    ranking = client.get(reverse("marketplace:staff_applications", args=[opportunity.pk]))
    if in_jury:
        listed = people["applicant"].display_name in ranking.content.decode()
        assert listed == (status in SENT_AND_KEPT)


STAFF_DECISIONS = [
    ("under-review", "shortlist"),
    ("under-review", "accept"),
    ("under-review", "waitlist"),
    ("under-review", "reject"),
    ("shortlisted", "accept"),
    ("shortlisted", "waitlist"),
    ("shortlisted", "reject"),
    ("waitlisted", "accept"),
    ("waitlisted", "reject"),
]


@pytest.mark.parametrize(("status", "action"), STAFF_DECISIONS)
def test_a_declared_conflict_removes_every_decision(status, action):
    people, business, opportunity = _world()
    application = _application_in(status, people, business, opportunity)
    events = application.events.count()
    with pytest.raises(PermissionDenied):
        services.application_transition(
            actor=people["recused_juror"], application=application, action=action
        )
    application.refresh_from_db()
    assert application.status == status
    assert application.events.count() == events
    # The rest of the jury still decides.
    services.application_transition(actor=people["juror"], application=application, action=action)


def test_the_recused_juror_page_offers_no_decision_and_refuses_a_forged_one(client):
    people, business, opportunity = _world()
    application = _application_in("shortlisted", people, business, opportunity)
    page = reverse("marketplace:staff_application", args=[opportunity.pk, application.pk])
    client.force_login(people["recused_juror"])
    html = client.get(page).content.decode()
    assert "conflict of interest" in html.lower()
    for action in ("accept", "reject", "waitlist", "score", "conflict"):
        assert f'value="{action}"' not in html
    response = client.post(page, {"action": "accept"}, follow=True)
    application.refresh_from_db()
    assert application.status == "shortlisted"
    assert "conflict of interest" in response.content.decode().lower()
    # The ranking shows them no score for it, and the export leaves it out.
    services.review_submit(
        actor=people["juror"],
        application=application,
        scores={opportunity.criteria.get().pk: 8},
    )
    ranking = client.get(reverse("marketplace:staff_applications", args=[opportunity.pk]))
    assert "8.0" not in ranking.content.decode()
    export = client.get(reverse("marketplace:staff_export", args=[opportunity.pk, "csv"]))
    assert people["applicant"].display_name not in export.content.decode("utf-8-sig")
    client.force_login(people["juror"])
    export = client.get(reverse("marketplace:staff_export", args=[opportunity.pk, "csv"]))
    assert people["applicant"].display_name in export.content.decode("utf-8-sig")


def test_declaring_a_conflict_twice_records_it_once():
    people, business, opportunity = _world()
    application = _application_in("under-review", people, business, opportunity)
    services.review_declare_conflict(actor=people["recused_juror"], application=application)
    assert application.events.filter(action="declare_conflict").count() == 1


def test_the_history_shows_one_line_per_move(client):
    people, business, opportunity = _world()
    application = _application_in("shortlisted", people, business, opportunity)
    services.review_submit(
        actor=people["juror"],
        application=application,
        scores={opportunity.criteria.get().pk: 6},
    )
    client.force_login(people["juror"])
    html = client.get(
        reverse("marketplace:staff_application", args=[opportunity.pk, application.pk])
    ).content.decode()
    history = html.split('id="history"')[1].split("</ul>")[0]
    lines = [line.split("</li>")[0] for line in history.split("<li>")[1:]]
    said = [line.split("—", 1)[1].split("(")[0].strip() for line in lines]
    assert sorted(said) == sorted(
        [
            "Sent",
            "Review started",
            "Conflict of interest declared",
            "Shortlisted",
            "Scores saved",
        ]
    )
    moves = ApplicationEvent.objects.filter(application=application).exclude(
        from_status=F("to_status")
    )
    assert moves.count() == 3  # submitted, under review, shortlisted: one event each


def test_a_draft_is_not_discussed_with_the_jury_even_once_withdrawn():
    from messaging import services as messaging

    people, business, opportunity = _world()
    application = _application_in("withdrawn-draft", people, business, opportunity)
    for actor in (people["applicant"], people["juror"]):
        with pytest.raises(PermissionDenied):
            messaging.conversation_for_application(actor=actor, application=application)
    assert Application.objects.for_jury(people["juror"]).count() == 0


def test_a_recused_juror_leaves_the_conversation_with_the_applicant(client):
    from messaging import services as messaging

    people, business, opportunity = _world()
    application = _application_in("submitted", people, business, opportunity)
    application.reviews.all().delete()  # nobody recused yet
    conversation = messaging.conversation_for_application(
        actor=people["applicant"], application=application
    )
    messaging.message_send(
        actor=people["applicant"], conversation=conversation, text="Mes papiers", client_key="1"
    )
    services.review_declare_conflict(actor=people["recused_juror"], application=application)
    client.force_login(people["recused_juror"])
    assert client.get(conversation.get_absolute_url()).status_code == 404
    assert people["recused_juror"].pk not in set(
        conversation.participants.values_list("user_id", flat=True)
    )
    with pytest.raises(PermissionDenied):
        messaging.conversation_for_application(
            actor=people["recused_juror"], application=application
        )
    # Opened again by the applicant or the jury, the conversation does not take them back.
    messaging.conversation_for_application(actor=people["juror"], application=application)
    assert people["recused_juror"].pk not in set(
        conversation.participants.values_list("user_id", flat=True)
    )
    page = reverse("marketplace:staff_application", args=[opportunity.pk, application.pk])
    write = reverse("messaging:start", args=["application", application.pk])
    assert write not in client.get(page).content.decode()


def test_the_ranking_tells_a_recused_juror_nothing_of_where_the_application_stands(client):
    people, business, opportunity = _world()
    criterion = opportunity.criteria.get()
    others = []
    for score in (9, 2):
        applicant = factories.UserFactory(roles=[roles.ENTREPRENEUR])
        other = services.application_save(
            actor=applicant,
            opportunity=opportunity,
            files={
                opportunity.questions.get().field_name: SimpleUploadedFile(
                    "s.pdf", PDF, "application/pdf"
                )
            },
        )
        services.application_submit(actor=applicant, application=other)
        services.application_transition(
            actor=people["juror"], application=other, action="start_review"
        )
        services.review_submit(
            actor=people["juror"], application=other, scores={criterion.pk: score}
        )
        others.append(other)
    application = _application_in("under-review", people, business, opportunity)
    services.review_submit(actor=people["juror"], application=application, scores={criterion.pk: 5})
    client.force_login(people["recused_juror"])
    ranking = client.get(reverse("marketplace:staff_applications", args=[opportunity.pk]))
    table = BeautifulSoup(ranking.content, "html.parser").select("table.ranking tbody tr")
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all("td")] for row in table]
    assert [row[0] for row in rows] == ["1", "2", ""]  # no gap where it would stand
    assert [row[1] for row in rows] == ["9.0", "2.0", "Conflict of interest"]


@pytest.mark.parametrize("typed", ["²", "٣", "-1", "11", "", "7.5", "1e1"])
def test_a_score_that_is_not_0_to_10_is_refused_with_a_message(client, typed):
    people, business, opportunity = _world()
    application = _application_in("under-review", people, business, opportunity)
    criterion = opportunity.criteria.get()
    client.force_login(people["juror"])
    page = reverse("marketplace:staff_application", args=[opportunity.pk, application.pk])
    response = client.post(
        page, {"action": "score", f"criterion-{criterion.pk}": typed}, follow=True
    )
    assert response.status_code == 200
    assert not application.reviews.filter(reviewer=people["juror"], scores__isnull=False).exists()
    assert "Score" in response.content.decode()
