"""Forms of event registration and attendance: they read the input; the services judge it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.bidi import NameField
from marketplace.forms import with_blank
from programmes.models import GENDERS, PERSON_REGIONS


class PersonForm(forms.Form):
    """A person without an account: name and phone, and optionally who they are for the
    programme's anonymous figures."""

    name = NameField(label=_("Your name"), max_length=120)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("For example 06 12 34 56 78. We use it only about this event."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=with_blank(GENDERS, _("I prefer not to say")),
        required=False,
    )
    region = forms.ChoiceField(
        label=_("Where you live (optional)"),
        choices=with_blank(PERSON_REGIONS, _("I prefer not to say")),
        required=False,
    )

    def apply(self, error):
        """Show a refusal of a service on the fields it names (or above the form)."""
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class RegistrationForm(PersonForm):
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("To receive the confirmation, a calendar invitation and a reminder."),
    )
    field_order = ["name", "phone", "email", "gender", "region"]


class SignedInRegistrationForm(forms.Form):
    """A signed-in person registers with one button: their account says who they are."""

    def apply(self, error):
        self.add_error(None, error)


class WalkInForm(PersonForm):
    name = NameField(label=_("Name"), max_length=120)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=with_blank(GENDERS, _("Not given")), required=False
    )
    region = forms.ChoiceField(
        label=_("Region"), choices=with_blank(PERSON_REGIONS, _("Not given")), required=False
    )
