"""Every interface string is translated in French, Arabic and English."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale"


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_catalogue_is_complete(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy
    assert len(catalogue) > 100


def test_catalogues_hold_the_same_strings():
    ids = {
        language: {
            entry.msgid
            for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
        }
        for language in ("fr", "ar", "en")
    }
    assert ids["fr"] == ids["ar"] == ids["en"]


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_catalogue_compiles_without_errors(language):
    """What `make messages` (pybabel compile) checks: every translation keeps its msgid's
    placeholders, in each plural form. One error there and the build stops."""
    from babel.messages.pofile import read_po

    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as file:
        catalogue = read_po(file, locale=language)
    errors = [(message.id, [str(error) for error in found]) for message, found in catalogue.check()]
    assert errors == []
