from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from config.bidi import NameField, strip_bidi_controls
from marketplace.geography import CITY_CHOICES, REGION_OF_CITY, REGIONS
from marketplace.images import validate_uploaded_image
from marketplace.models import (
    SPOKEN_LANGUAGES,
    Business,
    Membership,
    Need,
    Offer,
    Sector,
    Stage,
)
from marketplace.services.businesses import PROFILE_FIELDS


def with_blank(choices, label):
    return [("", label), *choices]


class FilterForm(forms.Form):
    """Filters of a listing: unknown values are dropped rather than failing the page."""

    def filters(self):
        if self.is_valid():
            return self.cleaned_data
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class DirectoryFilterForm(FilterForm):
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=with_blank(Sector.choices, _("All sectors"))
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=with_blank(REGIONS, _("All regions"))
    )
    city = forms.ChoiceField(
        label=_("City"), required=False, choices=with_blank(CITY_CHOICES, _("All cities"))
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=with_blank(Stage.choices, _("All stages"))
    )
    language = forms.ChoiceField(
        label=_("Language spoken"),
        required=False,
        choices=with_blank(SPOKEN_LANGUAGES, _("All languages")),
    )
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=100)


class BusinessForm(forms.ModelForm):
    needs = forms.MultipleChoiceField(
        label=_("What help are you looking for?"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you serve customers in"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Words customers may look for, separated by commas."),
    )
    registration_number = forms.CharField(
        label=_("Registration number (ICE, auto-entrepreneur card)"),
        required=False,
        max_length=40,
        help_text=_("Seen only by your business's members and the programme team."),
    )
    logo = forms.ImageField(label=_("Logo"), required=False, validators=[validate_uploaded_image])

    class Meta:
        model = Business
        # Every profile field the service accepts, but the needs (a checkbox list below).
        fields = [name for name in PROFILE_FIELDS if name != "needs"]
        field_classes = {"name": NameField}
        widgets = {"description": forms.Textarea(attrs={"rows": 6, "dir": "auto"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["needs"].initial = self.instance.needs
            self.fields["languages"].initial = [lang.code for lang in self.instance.languages.all()]
            self.fields["tags"].initial = ", ".join(t.name for t in self.instance.tags.all())
            private = getattr(self.instance, "private", None)
            if private:
                self.fields["registration_number"].initial = private.registration_number
        for name in ("name", "tagline"):
            self.fields[name].widget.attrs["dir"] = "auto"

    def clean(self):
        cleaned = super().clean()
        city, region = cleaned.get("city"), cleaned.get("region")
        if city and region and REGION_OF_CITY.get(city) != region:
            self.add_error("city", _("This city is not in the chosen region."))
        return cleaned

    def clean_tags(self):
        names = [strip_bidi_controls(name).strip() for name in self.cleaned_data["tags"].split(",")]
        return [name[:50] for name in dict.fromkeys(names) if name][:10]

    def service_arguments(self):
        data = dict(self.cleaned_data)
        logo = data.pop("logo", None)
        return {**data, "logo": logo if hasattr(logo, "read") else None}


class OfferForm(forms.ModelForm):
    photo = forms.ImageField(label=_("Photo"), required=False, validators=[validate_uploaded_image])

    class Meta:
        model = Offer
        fields = ["title", "description", "price_mad", "availability"]
        field_classes = {"title": NameField}
        widgets = {"description": forms.Textarea(attrs={"rows": 4, "dir": "auto"})}


class PhotoForm(forms.Form):
    image = forms.ImageField(label=_("Photo"), validators=[validate_uploaded_image])
    caption = forms.CharField(label=_("Caption"), max_length=160, required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial="owner",
    )


class InquiryForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
    share_email = forms.BooleanField(
        label=_("Share my e-mail address with the business so that it can answer me"),
        required=False,
        initial=True,
    )
    offer = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InstitutionAdminForm(WagtailAdminModelForm):
    """The institutions' form in the admin: its name is saved as any other name."""

    class Meta:
        field_classes = {"name": NameField}


class OpportunityAdminForm(WagtailAdminModelForm):
    class Meta:
        field_classes = {"title": NameField}


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the owners)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
