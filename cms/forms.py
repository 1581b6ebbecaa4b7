import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

# A person needs more than this to read and fill in a form; bots post at once.
MINIMUM_SECONDS_TO_FILL = 3
_signer = signing.TimestampSigner(salt="cms.forms.started")


class SpamProtectedForm:
    """Mixed into Wagtail's form-builder forms: a honeypot field and a signed start time.

    A submission that trips either is marked `is_spam`; the page then thanks the sender as usual
    but neither stores nor e-mails it, so bots learn nothing.
    """

    # A name no editor's field label turns into (Wagtail derives field names from labels).
    honeypot_name = "tremplin_website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_spam = False
        self.fields[self.honeypot_name] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields["started"] = forms.CharField(
            required=False,
            widget=forms.HiddenInput,
            initial=_signer.sign(str(int(time.time()))),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(self.honeypot_name):
            self.is_spam = True
        try:
            started = int(_signer.unsign(cleaned.get("started") or "", max_age=60 * 60 * 24))
        except (signing.BadSignature, ValueError):
            self.is_spam = True
        else:
            if time.time() - started < MINIMUM_SECONDS_TO_FILL:
                self.is_spam = True
        cleaned.pop(self.honeypot_name, None)
        cleaned.pop("started", None)
        return cleaned
