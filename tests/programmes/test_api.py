import json

import pytest

from programmes.models import EventRegistration
from tests import factories

pytestmark = pytest.mark.django_db
API = "/api/v1/programmes"


def post(client, path, data=None):
    return client.post(path, json.dumps(data or {}), content_type="application/json")


def test_register_list_and_cancel_ones_registrations(client, event, user):
    assert client.get(f"{API}/my/registrations").status_code == 401
    client.force_login(user)
    created = post(client, f"{API}/my/registrations", {"event_id": event.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "confirmed" and body["event_id"] == event.pk
    again = post(client, f"{API}/my/registrations", {"event_id": event.pk})
    assert again.status_code == 400 and again.json()["message"]
    listed = client.get(f"{API}/my/registrations").json()["items"]
    assert [r["id"] for r in listed] == [body["id"]]
    cancelled = post(client, f"{API}/my/registrations/{body['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_another_persons_registration_is_a_404(client, event, user, other_user):
    theirs = factories.registration(event, user=other_user)
    client.force_login(user)
    assert client.get(f"{API}/my/registrations").json()["items"] == []
    assert post(client, f"{API}/my/registrations/{theirs.pk}/cancel").status_code == 404
    assert post(client, f"{API}/my/registrations", {"event_id": 999999}).status_code == 404
    assert post(client, f"{API}/my/registrations", {"event_id": "x"}).status_code == 422
    theirs.refresh_from_db()
    assert theirs.status == "confirmed" and EventRegistration.objects.count() == 1


def test_the_schema_lists_the_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert f"{API}/my/registrations" in paths
    assert f"{API}/my/registrations/{{registration_id}}/cancel" in paths
