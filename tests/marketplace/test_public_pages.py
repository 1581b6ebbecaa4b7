import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from marketplace import services
from marketplace.models import Inquiry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(owner):
    business = factories.business(
        owner,
        name="Saveurs du Sahel",
        phone="+212 600 000 001",
        phone_visibility="public",
        whatsapp="+212 600 000 002",
        whatsapp_visibility="members",
        email="secret@example.org",
        email_visibility="nobody",
        registration_number="ICE-000987654",
        tags=["traiteur"],
        languages=["fr", "wo"],
    )
    services.offer_save(actor=owner, business=business, title="Plateau", price_mad=250)
    return business


def test_contact_channels_follow_their_visibility(client, published, stranger):
    html = client.get(published.get_absolute_url()).content.decode()
    assert "+212 600 000 001" in html
    assert "+212 600 000 002" not in html  # members only
    assert "secret@example.org" not in html  # nobody
    client.force_login(stranger)
    html = client.get(published.get_absolute_url()).content.decode()
    assert "+212 600 000 002" in html
    assert "secret@example.org" not in html


def test_private_data_never_reaches_public_pages(client, published, owner):
    owner.display_name = "Fatou Diallo"
    owner.save()
    for url in (published.get_absolute_url(), "/fr/businesses/", "/sitemap.xml"):
        html = client.get(url).content.decode()
        assert "ICE-000987654" not in html, url


def test_business_page_has_local_business_json_ld(client, published):
    html = client.get(published.get_absolute_url()).content.decode()
    raw = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    data = json.loads(raw)
    assert data["@type"] == "LocalBusiness"
    assert data["name"] == "Saveurs du Sahel"
    assert data["address"]["addressLocality"] == "Salé"
    assert data["makesOffer"][0]["price"] == "250.00"


def test_json_ld_cannot_break_out_of_its_script(client, owner):
    business = factories.business(owner, name="</script><script>alert(1)</script>")
    html = client.get(business.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html


def test_arabic_business_renders_right_to_left(client, owner):
    business = factories.business(owner, name="تعاونية الأمل", content_language="ar")
    html = client.get(business.get_absolute_url()).content.decode()
    assert '<div lang="ar" dir="auto">' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"Tanger A", "Salé B", "Salé C"}),
        ({"region": "tanger-tetouan-al-hoceima"}, {"Tanger A"}),
        ({"city": "Salé"}, {"Salé B", "Salé C"}),
        ({"sector": "crafts"}, {"Salé C"}),
        ({"stage": "idea"}, {"Salé B"}),
        ({"language": "wo"}, {"Salé B"}),
        ({"tag": "tapis"}, {"Salé C"}),
        ({"sector": "not-a-sector", "page": "x"}, {"Tanger A", "Salé B", "Salé C"}),
    ],
)
def test_directory_filters(client, owner, query, expected):
    factories.business(owner, name="Tanger A", region="tanger-tetouan-al-hoceima", city="Tanger")
    factories.business(owner, name="Salé B", stage="idea", languages=["wo"])
    factories.business(owner, name="Salé C", sector="crafts", tags=["Tapis"])
    factories.business(owner, name="Brouillon D", status="draft")
    response = client.get("/fr/businesses/", query)
    assert response.status_code == 200
    assert {b.name for b in response.context["businesses"]} == expected


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_directory_and_business_page_run_a_constant_number_of_queries(client, owner):
    first = [factories.business(owner, tags=["a", "b"], languages=["fr", "ar"]) for _ in range(5)]
    for business in first:
        for title in ("Un", "Deux"):
            services.offer_save(actor=owner, business=business, title=title, price_mad=10)
    for url in ("/fr/businesses/", first[0].get_absolute_url()):
        client.get(url)  # warm the caches of the page frame
    few = _queries(client, "/fr/businesses/")
    page_few = _queries(client, first[0].get_absolute_url())
    for _ in range(45):
        factories.business(owner, tags=["c"], languages=["wo"])
    for title in ("Trois", "Quatre", "Cinq"):
        services.offer_save(actor=owner, business=first[0], title=title, price_mad=10)
    assert _queries(client, "/fr/businesses/") == few
    assert _queries(client, first[0].get_absolute_url()) == page_few


def test_signed_in_visitor_sends_an_inquiry(
    client, published, owner, stranger, django_capture_on_commit_callbacks
):
    client.force_login(stranger)
    offer = published.offers.get()
    url = reverse("marketplace:inquiry_send", args=[published.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"message": "Bonjour, pour 20 personnes ?", "offer": offer.pk, "share_email": "on"}
        )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert (inquiry.sender, inquiry.offer) == (stranger, offer)
    assert mail.outbox[0].to == [owner.email]
    assert stranger.email in mail.outbox[0].body
    client.force_login(owner)
    assert "Bonjour, pour 20 personnes ?" in client.get("/fr/my-business/").content.decode()


def test_inquiries_need_login_a_message_and_a_published_business(client, published, stranger):
    url = reverse("marketplace:inquiry_send", args=[published.slug])
    assert client.post(url, {"message": "x"}).status_code == 302  # to the login page
    client.force_login(stranger)
    client.post(url, {"message": "   "})
    published.status = "hidden"
    published.save()
    assert client.post(url, {"message": "Bonjour"}).status_code == 404
    assert not Inquiry.objects.exists()


def test_sender_email_is_shared_only_when_asked(
    client, published, owner, stranger, django_capture_on_commit_callbacks
):
    client.force_login(stranger)
    url = reverse("marketplace:inquiry_send", args=[published.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"message": "Bonjour"})
    assert stranger.email not in mail.outbox[0].body


def _image_with_exif(format_="JPEG"):
    picture = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0110] = "Model X"  # camera model
    buffer = io.BytesIO()
    picture.save(buffer, format=format_, exif=exif)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_uploaded_pictures_lose_their_metadata(owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    business = factories.business(owner, logo=_image_with_exif())
    with Image.open(business.logo.path) as stored:
        assert not stored.getexif()


def test_non_images_and_huge_files_are_refused(client, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    fake = SimpleUploadedFile("logo.jpg", b"<?php echo 'hi'; ?>", content_type="image/jpeg")
    data = {
        "name": "Test",
        "content_language": "fr",
        "legal_form": "informal",
        "stage": "idea",
        "sector": "food",
        "region": "rabat-sale-kenitra",
        "city": "Rabat",
        "phone_visibility": "members",
        "whatsapp_visibility": "members",
        "email_visibility": "members",
        "website_visibility": "public",
        "logo": fake,
    }
    response = client.post(reverse("marketplace:business_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    del data["logo"]
    data["city"] = "Tanger"  # not in Rabat-Salé-Kénitra
    response = client.post(reverse("marketplace:business_create"), data)
    assert response.context["form"].errors["city"]
    assert not owner.business_memberships.exists()


def test_owner_creates_a_business_from_the_dashboard(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("marketplace:business_create"),
        {
            "name": "Coopérative Argane",
            "tagline": "Huile d'argan",
            "content_language": "fr",
            "legal_form": "cooperative",
            "stage": "starting",
            "sector": "agriculture",
            "region": "souss-massa",
            "city": "Agadir",
            "needs": ["funding", "marketing"],
            "languages": ["fr", "zgh"],
            "tags": "argan, cosmétique, argan",
            "registration_number": "AE-42",
            "phone_visibility": "members",
            "whatsapp_visibility": "members",
            "email_visibility": "members",
            "website_visibility": "public",
        },
    )
    assert response.status_code == 302
    business = owner.business_memberships.get().business
    assert business.status == "draft"
    assert business.slug == "cooperative-argane"
    assert business.needs == ["funding", "marketing"]
    assert sorted(business.languages.values_list("code", flat=True)) == ["fr", "zgh"]
    assert sorted(business.tags.names()) == ["argan", "cosmétique"]
    assert business.private.registration_number == "AE-42"


def test_the_data_export_includes_my_businesses_private_part(client, published, owner, stranger):
    client.force_login(owner)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert data["businesses"][0]["registration_number"] == "ICE-000987654"
    client.force_login(stranger)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert data["businesses"] == []


def test_published_businesses_are_in_the_sitemap_in_every_language(client, published, owner):
    hidden = factories.business(owner, name="Cachée", status="hidden")
    xml = client.get("/sitemap.xml").content.decode()
    for language in ("fr", "ar", "en"):
        assert f"/{language}/businesses/{published.slug}/" in xml
    assert f'hreflang="ar" href="http://testserver/ar/businesses/{published.slug}/"' in xml
    assert hidden.slug not in xml


def test_owner_adds_and_deletes_photos_and_no_one_else_can(
    client, owner, stranger, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    business = factories.business(owner)
    client.force_login(owner)
    client.post(
        reverse("marketplace:photo_add", args=[business.pk]),
        {"image": _image_with_exif(), "caption": "Notre atelier"},
    )
    photo = business.photos.get()
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()
    assert "Notre atelier" in client.get(business.get_absolute_url()).content.decode()
    client.force_login(stranger)
    url = reverse("marketplace:photo_delete", args=[business.pk, photo.pk])
    assert client.post(url).status_code == 404
    client.force_login(owner)
    client.post(url)
    assert not business.photos.exists()


def test_the_directory_filter_form_is_kept_per_language_and_filters(client, owner):
    """The rendered filter form is cached (bench/http_load.py: half the page's time); a cached copy
    never shows another visitor's choices, and the page number does not matter."""
    factories.business(owner, name="Salé C", sector="crafts")
    plain = client.get("/fr/businesses/").content.decode()
    assert 'value="crafts" selected' not in plain
    chosen = client.get("/fr/businesses/", {"sector": "crafts", "page": 1}).content.decode()
    assert 'value="crafts" selected' in chosen
    assert 'value="crafts" selected' not in client.get("/fr/businesses/").content.decode()
    arabic = client.get("/ar/businesses/").content.decode()
    assert arabic != plain and 'lang="ar"' in arabic


def test_a_directory_form_with_made_up_values_is_not_cached(client, owner):
    from urllib.parse import urlencode

    from django.core.cache import cache
    from django.core.cache.utils import make_template_fragment_key

    def cached(query):
        return cache.get(make_template_fragment_key("directory_filters", ["fr", query])) is not None

    factories.business(owner, name="Salé C", sector="crafts")
    client.get("/fr/businesses/", {"sector": "crafts"})
    assert cached("sector=crafts")
    # Unknown parameters and the page number make no other copy; an invalid value makes none
    # at all, and is never shown to the next visitor.
    client.get("/fr/businesses/", {"sector": "crafts", "utm": "x", "page": 2})
    assert not cached("sector=crafts&utm=x")
    junk = "<b>pas un slug</b>"
    client.get("/fr/businesses/", {"tag": junk})
    assert not cached(urlencode({"tag": junk}))
    assert "pas un slug" not in client.get("/fr/businesses/").content.decode()
