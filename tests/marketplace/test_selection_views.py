import csv
import io

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from marketplace import services
from marketplace.models import Application
from tests import factories

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "public"


@pytest.fixture
def reviewer(db):
    return factories.UserFactory(roles=["Institution staff"])


@pytest.fixture
def opportunity(reviewer):
    institution = factories.institution(name="ODCO", staff=[reviewer])
    return factories.opportunity(
        institution,
        questions=[("Votre projet", "long", True), ("Statuts", "file", True)],
        criteria=[("Viabilité", 2)],
    )


def _apply_through_the_page(client, opportunity, submit):
    text, document = opportunity.questions.order_by("position")
    data = {
        text.field_name: '=HYPERLINK("http://evil")',
        document.field_name: SimpleUploadedFile("statuts.pdf", PDF, "application/pdf"),
    }
    if submit:
        data["submit"] = "1"
    return client.post(reverse("marketplace:apply", args=[opportunity.slug]), data)


def test_apply_save_then_send(client, owner, opportunity):
    client.force_login(owner)
    assert _apply_through_the_page(client, opportunity, submit=False).status_code == 302
    application = Application.objects.get()
    assert application.status == "draft"
    assert client.get(reverse("marketplace:apply", args=[opportunity.slug])).status_code == 200
    response = _apply_through_the_page(client, opportunity, submit=True)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    assert "ODCO" in client.get(reverse("marketplace:my_applications")).content.decode()


def test_documents_are_private(client, owner, reviewer, stranger, opportunity):
    client.force_login(owner)
    _apply_through_the_page(client, opportunity, submit=True)
    document = Application.objects.get().documents.get()
    # Stored outside the public media folder: no address of the web server leads to it.
    assert str(django_settings.PRIVATE_MEDIA_ROOT) in document.file.path
    assert str(django_settings.MEDIA_ROOT) not in document.file.path
    url = reverse("marketplace:document_download", args=[document.pk])
    assert client.get(url).status_code == 200
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    outsider = factories.UserFactory(roles=["Institution staff"])
    factories.institution(staff=[outsider])
    for person in (stranger, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_jury_pages_refuse_another_institutions_ids(client, owner, opportunity):
    application = services.application_save(actor=owner, opportunity=opportunity)
    Application.objects.filter(pk=application.pk).update(
        status="under-review", submitted_at=timezone.now()
    )
    outsider = factories.UserFactory(roles=["Institution staff"])
    factories.institution(staff=[outsider])
    client.force_login(outsider)
    urls = [
        reverse("marketplace:staff_applications", args=[opportunity.pk]),
        reverse("marketplace:staff_application", args=[opportunity.pk, application.pk]),
        reverse("marketplace:staff_export", args=[opportunity.pk, "csv"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(urls[1], {"action": "accept"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == "under-review"


def test_applicants_cannot_withdraw_someone_elses_application(client, owner, stranger, opportunity):
    application = services.application_save(actor=owner, opportunity=opportunity)
    client.force_login(stranger)
    assert client.post(reverse("marketplace:withdraw", args=[application.pk])).status_code == 404
    application.refresh_from_db()
    assert application.status == "draft"


def test_jury_scores_decides_and_exports(client, owner, reviewer, opportunity):
    client.force_login(owner)
    _apply_through_the_page(client, opportunity, submit=True)
    application = Application.objects.get()
    client.force_login(reviewer)
    page = reverse("marketplace:staff_application", args=[opportunity.pk, application.pk])
    client.post(page, {"action": "start_review"})
    criterion = opportunity.criteria.get()
    client.post(page, {"action": "score", f"criterion-{criterion.pk}": "7"})
    client.post(page, {"action": "score", f"criterion-{criterion.pk}": "eleven"})  # refused
    client.post(page, {"action": "accept"})
    application.refresh_from_db()
    assert application.status == "accepted"
    assert application.reviews.get().scores.get().value == 7

    response = client.get(reverse("marketplace:staff_export", args=[opportunity.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "7.0"
    assert rows[1][2] == owner.display_name
    # A formula written by an applicant stays text in the spreadsheet.
    assert rows[1][7].startswith("'=")
    assert rows[1][8] == "statuts.pdf"
    response = client.get(reverse("marketplace:staff_export", args=[opportunity.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=3).value == owner.display_name
    assert (
        client.get(reverse("marketplace:staff_export", args=[opportunity.pk, "pdf"])).status_code
        == 404
    )


def test_closed_or_unpublished_opportunities_take_no_applications(client, owner, opportunity):
    client.force_login(owner)
    opportunity.is_published = False
    opportunity.save()
    assert client.get(reverse("marketplace:apply", args=[opportunity.slug])).status_code == 404
    assert not Application.objects.exists()


def test_export_runs_a_fixed_number_of_queries(client, reviewer, opportunity):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("marketplace:staff_export", args=[opportunity.pk, "csv"])
    client.force_login(reviewer)

    def count():
        client.get(url)  # warm the session and permission caches
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    def add_applicants(number):
        for _ in range(number):
            person = factories.UserFactory()
            client.force_login(person)
            _apply_through_the_page(client, opportunity, submit=True)
        client.force_login(reviewer)

    add_applicants(2)
    few = count()
    add_applicants(4)
    assert count() == few


def test_a_document_missing_from_disk_is_a_404_not_an_error(client, owner, opportunity):
    client.force_login(owner)
    _apply_through_the_page(client, opportunity, submit=True)
    document = Application.objects.get().documents.get()
    document.file.delete(save=False)
    url = reverse("marketplace:document_download", args=[document.pk])
    assert client.get(url).status_code == 404
