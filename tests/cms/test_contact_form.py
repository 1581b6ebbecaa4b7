import time

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from cms import forms as cms_forms
from cms import models as cms

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(home):
    page = cms.FormPage(
        title="Contact", slug="contact", to_address="staff@example.org", subject="Contact"
    )
    page.form_fields.add(cms.FormField(label="Name", field_type="singleline", required=True))
    page.form_fields.add(cms.FormField(label="Message", field_type="multiline", required=True))
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _started(seconds_ago):
    return cms_forms._signer.sign(str(int(time.time() - seconds_ago)))


def _post(client, page, **overrides):
    data = {"name": "Awa", "message": "Bonjour", "tremplin_website": "", "started": _started(30)}
    data.update(overrides)
    return client.post(page.url, data)


def test_a_person_can_write_to_staff(client, contact):
    response = _post(client, contact)
    assert response.status_code == 200
    submission = FormSubmission.objects.get(page=contact)
    assert submission.get_data()["message"] == "Bonjour"
    assert "tremplin_website" not in submission.form_data and "started" not in submission.form_data
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["staff@example.org"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"tremplin_website": "http://spam.example"},  # the hidden field people never see
        {"started": "just now"},  # sent back faster than anyone can type
        {"started": "forged"},
        {"started": ""},
    ],
)
def test_spam_is_thanked_but_neither_stored_nor_sent(client, contact, overrides):
    if overrides.get("started") == "just now":
        overrides = {"started": _started(0)}
    response = _post(client, contact, **overrides)
    assert response.status_code == 200
    assert FormSubmission.objects.count() == 0
    assert mail.outbox == []


def test_missing_required_field_shows_the_error(client, contact):
    response = _post(client, contact, message="")
    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    assert FormSubmission.objects.count() == 0


def test_a_website_field_added_by_an_editor_is_kept(client, home):
    page = cms.FormPage(title="Partenaires", slug="partenaires", to_address="staff@example.org")
    page.form_fields.add(cms.FormField(label="Website", field_type="url", required=False))
    home.add_child(instance=page)
    page.save_revision().publish()
    response = _post(client, page, website="https://cooperative.example")
    assert response.status_code == 200
    assert FormSubmission.objects.get().get_data()["website"] == "https://cooperative.example"


def test_only_staff_cleared_for_personal_data_read_the_messages(client, contact):
    from accounts import roles
    from tests import factories

    _post(client, contact, message="Mon titre de séjour expire le 3 mars")
    editor = factories.UserFactory(roles=[roles.EDITOR])
    manager = factories.UserFactory(roles=[roles.PROGRAMME_MANAGER])
    submissions = f"/admin/forms/submissions/{contact.pk}/"

    client.force_login(editor)
    assert contact.permissions_for_user(editor).can_edit()  # the page itself, yes
    assert "Contact" not in client.get("/admin/forms/").content.decode()
    response = client.get(submissions)
    assert response.status_code in (302, 403)
    assert "titre de séjour" not in response.content.decode()

    # Nor how many messages came, nor where their copies are sent.
    edit = client.get(f"/admin/pages/{contact.pk}/edit/").content.decode()
    assert 'name="to_address"' not in edit and 'name="from_address"' not in edit
    assert "Nombre total de soumissions" not in edit

    client.force_login(manager)
    assert "Contact" in client.get("/admin/forms/").content.decode()
    assert "titre de séjour" in client.get(submissions).content.decode()
    edit = client.get(f"/admin/pages/{contact.pk}/edit/").content.decode()
    assert 'name="to_address"' in edit and "Nombre total de soumissions" in edit
