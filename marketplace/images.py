"""Uploaded pictures: checked to be real images of a reasonable size, re-encoded without their
metadata (EXIF can hold the GPS position of a home)."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
LONGEST_SIDE = 2000


def validate_uploaded_image(file, max_bytes=MAX_BYTES):
    """A JPEG, PNG or WebP picture of at most `max_bytes` and MAX_PIXELS pixels.

    The pixel count is read from the header before anything is decoded, so a small file that
    declares huge dimensions (a decompression bomb) is refused without being expanded; Pillow's
    own DecompressionBombError is caught for the most extreme ones."""
    if file.size > max_bytes:
        raise ValidationError(_("The picture is too large (5 MB at most)."), code="too_large")
    try:
        file.seek(0)
        with Image.open(file) as picture:
            picture_format = picture.format
            width, height = picture.size
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a picture we can read (JPEG, PNG or WebP)."), code="not_image"
        ) from None
    finally:
        file.seek(0)
    if picture_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("This file is not a picture we can read (JPEG, PNG or WebP)."), code="not_image"
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(_("The picture has too many pixels."), code="too_many_pixels")


def without_metadata(file, name):
    """A re-encoded copy of an uploaded picture: upright, at most 2000 px, no EXIF."""
    file.seek(0)
    with Image.open(file) as picture:
        picture = ImageOps.exif_transpose(picture)
        picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
        output = io.BytesIO()
        if picture.mode in ("RGBA", "LA", "P"):
            picture.save(output, format="PNG", optimize=True)
            extension = "png"
        else:
            picture.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
            extension = "jpg"
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:60] or "picture"
    return ContentFile(output.getvalue(), name=f"{stem}.{extension}")
