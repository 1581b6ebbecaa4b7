"""Hostile uploads through the real forms: a business's logo, its photos, an offer's photo and
an application's document. Each is refused with a message and nothing is stored (no file on
disk, no row)."""

import io
import struct
import zlib

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts import roles
from marketplace.models import Application, ApplicationDocument, BusinessPhoto, Offer
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
ZIP = b"PK\x03\x04" + b"\x00" * 60
SCRIPT = b"<?php system($_GET['c']); ?><script>alert(1)</script>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width, height):
    """A few dozen bytes that claim to be a width × height picture: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def png(width=20, height=20):
    output = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(output, format="PNG")
    return output.getvalue()


def big_jpeg():
    """Over 5 MB: random pixels do not compress."""
    import os

    side = 2600
    picture = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    output = io.BytesIO()
    picture.save(output, format="JPEG", quality=100)
    data = output.getvalue()
    assert len(data) > 5 * 1024 * 1024
    return data


HOSTILE_PICTURES = {
    "a .jpg that is a PDF": ("logo.jpg", PDF, "image/jpeg"),
    "a .jpg that is a script": ("logo.jpg", SCRIPT, "image/jpeg"),
    "a .png that is a ZIP": ("logo.png", ZIP, "image/png"),
    "an SVG with a script": ("logo.svg", SVG, "image/svg+xml"),
    "an SVG named .png": ("logo.png", SVG, "image/png"),
    "a PNG declaring 100000 × 100000 pixels (bomb)": (
        "logo.png",
        png_declaring(100_000, 100_000),
        "image/png",
    ),
    "a PNG declaring 9000 × 5000 pixels": ("logo.png", png_declaring(9000, 5000), "image/png"),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "public"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


def stored_files(root):
    return sorted(str(path) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def owner(db):
    return factories.UserFactory(roles=[roles.ENTREPRENEUR])


@pytest.fixture
def business(owner):
    return factories.business(owner, status="draft")


def _business_data(business):
    return {
        "name": business.name,
        "content_language": "fr",
        "legal_form": business.legal_form,
        "stage": business.stage,
        "sector": business.sector,
        "region": business.region,
        "city": business.city,
        "phone_visibility": "members",
        "whatsapp_visibility": "members",
        "email_visibility": "members",
        "website_visibility": "public",
    }


@pytest.mark.parametrize(
    "name, content, content_type", HOSTILE_PICTURES.values(), ids=list(HOSTILE_PICTURES)
)
def test_a_hostile_logo_is_refused(client, owner, business, media, name, content, content_type):
    client.force_login(owner)
    before = stored_files(media)
    data = _business_data(business) | {"logo": SimpleUploadedFile(name, content, content_type)}
    response = client.post(reverse("marketplace:business_edit", args=[business.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    business.refresh_from_db()
    assert not business.logo
    assert stored_files(media) == before


@pytest.mark.parametrize(
    "name, content, content_type", HOSTILE_PICTURES.values(), ids=list(HOSTILE_PICTURES)
)
def test_a_hostile_photo_is_refused(client, owner, business, media, name, content, content_type):
    client.force_login(owner)
    before = stored_files(media)
    response = client.post(
        reverse("marketplace:photo_add", args=[business.pk]),
        {"image": SimpleUploadedFile(name, content, content_type), "caption": "x"},
    )
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert not BusinessPhoto.objects.exists()
    assert stored_files(media) == before


def test_a_hostile_offer_photo_is_refused(client, owner, business, media):
    client.force_login(owner)
    before = stored_files(media)
    response = client.post(
        reverse("marketplace:offer_create", args=[business.pk]),
        {
            "title": "Couscous",
            "kind": "product",
            "availability": "available",
            "photo": SimpleUploadedFile("plat.jpg", SCRIPT, "image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    assert not Offer.objects.exists()
    assert stored_files(media) == before


def test_an_oversized_picture_is_refused_by_its_weight(client, owner, business, media):
    client.force_login(owner)
    response = client.post(
        reverse("marketplace:photo_add", args=[business.pk]),
        {"image": SimpleUploadedFile("grand.jpg", big_jpeg(), "image/jpeg")},
    )
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert not BusinessPhoto.objects.exists()
    assert stored_files(media) == []


def test_a_real_picture_is_still_accepted(client, owner, business, media):
    client.force_login(owner)
    client.post(
        reverse("marketplace:photo_add", args=[business.pk]),
        {"image": SimpleUploadedFile("atelier.png", png(), "image/png")},
    )
    assert BusinessPhoto.objects.count() == 1


# --- an application's document ---------------------------------------------------------------


@pytest.fixture
def opportunity(db):
    institution = factories.institution(staff=[factories.UserFactory()])
    return factories.opportunity(institution, questions=[("Statuts", "file", True)])


HOSTILE_DOCUMENTS = {
    "a .pdf that is a ZIP": ("statuts.pdf", ZIP, "application/pdf"),
    "a .pdf that is a script": ("statuts.pdf", SCRIPT, "application/pdf"),
    "a .jpg that is a PDF": ("statuts.jpg", PDF, "image/jpeg"),
    "a .pdf that is a PNG": ("statuts.pdf", png(), "application/pdf"),
    "an SVG with a script": ("statuts.svg", SVG, "image/svg+xml"),
    "a PNG declaring 100000 × 100000 pixels (bomb)": (
        "scan.png",
        png_declaring(100_000, 100_000),
        "image/png",
    ),
    "a PNG declaring 9000 × 5000 pixels": ("scan.png", png_declaring(9000, 5000), "image/png"),
    "a truncated PNG": ("scan.png", png()[:40], "image/png"),
    "over 10 MB": ("statuts.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf"),
}


@pytest.mark.parametrize(
    "name, content, content_type", HOSTILE_DOCUMENTS.values(), ids=list(HOSTILE_DOCUMENTS)
)
def test_a_hostile_document_is_refused(
    client, owner, opportunity, media, name, content, content_type
):
    client.force_login(owner)
    question = opportunity.questions.get()
    response = client.post(
        reverse("marketplace:apply", args=[opportunity.slug]),
        {question.field_name: SimpleUploadedFile(name, content, content_type)},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ApplicationDocument.objects.exists()
    assert not Application.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "name, content",
    [("statuts.pdf", PDF), ("scan.PNG", png()), ("scan.jpeg", None)],
)
def test_honest_documents_are_accepted(client, owner, opportunity, media, name, content):
    if content is None:
        output = io.BytesIO()
        Image.new("RGB", (30, 30)).save(output, format="JPEG")
        content = output.getvalue()
    client.force_login(owner)
    question = opportunity.questions.get()
    response = client.post(
        reverse("marketplace:apply", args=[opportunity.slug]),
        {question.field_name: SimpleUploadedFile(name, content, "application/octet-stream")},
    )
    assert response.status_code == 302
    assert ApplicationDocument.objects.count() == 1
