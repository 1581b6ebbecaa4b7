"""Types for the API's schemas that say exactly what the forms behind them accept, so that a
value the schema allows is never refused by the form (and the reverse): a filter's choices
become an enum, a slug a pattern."""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field


def one_of(form_class, name):
    """The non-blank values of a form's ChoiceField, as a Literal type (an enum in OpenAPI)."""
    values = tuple(str(value) for value, _label in form_class.base_fields[name].choices if value)
    return Literal[values]


Slug = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=100)]


class ErrorOut(Schema):
    """A refusal, in the reader's language. One name for every router: the OpenAPI document
    holds one schema per name, so two schemas sharing a name describe routes wrongly."""

    message: str
