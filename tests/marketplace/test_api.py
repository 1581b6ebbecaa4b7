import pytest

from marketplace import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(owner):
    public = factories.business(
        owner,
        name="Saveurs",
        phone="+212 600 000 001",
        phone_visibility="members",
        registration_number="ICE-0001",
        tags=["traiteur"],
    )
    services.offer_save(actor=owner, business=public, title="Plateau", price_mad=250)
    factories.business(owner, name="Tanger", region="tanger-tetouan-al-hoceima", city="Tanger")
    factories.business(owner, name="Brouillon", status="draft")
    return public


def test_list_published_businesses_with_filters(client, catalogue):
    response = client.get("/api/v1/marketplace/businesses")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {item["name"] for item in body["items"]} == {"Saveurs", "Tanger"}
    body = client.get("/api/v1/marketplace/businesses?region=tanger-tetouan-al-hoceima").json()
    assert [item["name"] for item in body["items"]] == ["Tanger"]


def test_bad_filters_get_a_json_message(client, catalogue):
    # The schema lists the sectors (an enum): another value is refused as invalid input.
    response = client.get("/api/v1/marketplace/businesses?sector=spaceships")
    assert response.status_code == 422
    assert response.json()["message"]
    assert "sector" in response.json()["errors"][0]["loc"]
    response = client.get("/api/v1/marketplace/businesses?page=abc")
    assert response.status_code == 422
    assert response.json()["message"]


def test_business_detail_hides_private_and_members_only_data(client, catalogue, stranger):
    url = f"/api/v1/marketplace/businesses/{catalogue.slug}"
    body = client.get(url).json()
    assert body["offers"][0]["title"] == "Plateau"
    assert body["contact"] == []
    assert "ICE-0001" not in str(body)
    client.force_login(stranger)
    assert client.get(url).json()["contact"] == [{"kind": "phone", "value": "+212 600 000 001"}]


def test_unpublished_business_is_a_json_404(client, owner):
    draft = factories.business(owner, name="Secret", status="draft")
    response = client.get(f"/api/v1/marketplace/businesses/{draft.slug}")
    assert response.status_code == 404
    assert response.json()["message"]


def test_openapi_schema_documents_the_marketplace(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/marketplace/businesses" in schema["paths"]
    assert "/api/v1/marketplace/businesses/{slug}" in schema["paths"]


def test_institutions_opportunities_and_my_applications(client, owner, stranger):
    from marketplace import services

    institution = factories.institution(name="ODCO")
    open_one = factories.opportunity(institution, title="Ouvert")
    factories.opportunity(institution, title="Clos", opens_in_days=-9, closes_in_days=-1)
    factories.opportunity(institution, title="Caché", is_published=False)
    assert client.get("/api/v1/marketplace/institutions").json()["items"][0]["name"] == "ODCO"
    titles = [o["title"] for o in client.get("/api/v1/marketplace/opportunities").json()["items"]]
    assert titles == ["Ouvert"]
    # Someone's applications need a session, and only show their own.
    response = client.get("/api/v1/marketplace/my/applications")
    assert response.status_code == 401
    assert response.json()["message"]
    services.application_save(actor=owner, opportunity=open_one)
    client.force_login(stranger)
    assert client.get("/api/v1/marketplace/my/applications").json() == []
    client.force_login(owner)
    mine = client.get("/api/v1/marketplace/my/applications").json()
    assert [(a["opportunity"], a["status"]) for a in mine] == [(open_one.slug, "draft")]


def test_offers_of_published_businesses_only(client, catalogue, owner):
    hidden = factories.business(owner, name="Cachée", status="hidden")
    services.offer_save(actor=owner, business=hidden, title="Invisible")
    titles = [o["title"] for o in client.get("/api/v1/marketplace/offers").json()["items"]]
    assert titles == ["Plateau"]


@pytest.mark.django_db
def test_a_page_number_out_of_range_is_refused_not_a_server_error(client):
    for path in ("businesses", "offers", "opportunities", "institutions"):
        response = client.get(f"/api/v1/marketplace/{path}", {"page": "99999999999999999999"})
        assert response.status_code == 422, path
