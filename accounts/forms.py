from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm as WagtailUserCreationForm
from wagtail.users.forms import UserEditForm as WagtailUserEditForm

from accounts import roles
from accounts.models import DEFAULT_TIME_ZONE, User, time_zone_choices
from config.bidi import NameField


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _("The e-mail address or the password is not correct."),
        "inactive": _("This account has been deactivated."),
        "unverified": _(
            "Please confirm your e-mail address first: follow the link we sent you. "
            "No e-mail? Ask for a new link below."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_verified:
            raise forms.ValidationError(self.error_messages["unverified"], code="unverified")


class SignupForm(forms.Form):
    display_name = NameField(
        label=_("Your name"),
        max_length=120,
        help_text=_("As you want other members to see it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    role = forms.ChoiceField(
        label=_("I am joining as"),
        choices=[(name, roles.ROLE_LABELS[name]) for name in roles.SELF_SERVICE_ROLES],
        widget=forms.RadioSelect,
        initial=roles.ENTREPRENEUR,
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of use and the privacy notice."),
        error_messages={"required": _("You must accept the terms of use to create an account.")},
    )

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(
                email=cleaned.get("email", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class SettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = [
            "display_name",
            "preferred_language",
            "time_zone",
            "gender",
            "nationality",
            "residence_status",
        ]
        field_classes = {"display_name": NameField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = DEFAULT_TIME_ZONE


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my data will be deleted for good.")
    )


# Wagtail's user admin asks for first and last names; our users have one display name.
_ADMIN_FIELDS = {"email", "display_name", "preferred_language", "is_superuser", "groups"}


class AdminEmailMixin:
    def clean_email(self):
        return self.cleaned_data["email"].lower()


class AdminUserCreationForm(AdminEmailMixin, WagtailUserCreationForm):
    """Staff create accounts for institution staff and editors: they vouch for the address."""

    first_name = None
    last_name = None

    class Meta(WagtailUserCreationForm.Meta):
        fields = _ADMIN_FIELDS
        field_classes = {"display_name": NameField}

    def save(self, commit=True):
        if self.instance.email_verified_at is None:
            self.instance.email_verified_at = timezone.now()
        return super().save(commit=commit)


class AdminUserEditForm(AdminEmailMixin, WagtailUserEditForm):
    first_name = None
    last_name = None

    class Meta(WagtailUserEditForm.Meta):
        fields = _ADMIN_FIELDS | {"is_active"}
        field_classes = {"display_name": NameField}
