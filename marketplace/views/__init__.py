"""Thin HTML views: businesses and their owners' dashboard (businesses.py); institutions,
opportunities, applying and the jury (selection.py)."""

from django.core.exceptions import ValidationError


def error_text(error):
    """What a refused service call says, as one line for a message or a form error."""
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
