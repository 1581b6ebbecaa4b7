import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import MAX_LENGTH


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    # Made when the page is shown: submitting the same form twice stores one message.
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["client_key"] = uuid.uuid4().hex


class ReportForm(forms.Form):
    message = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("What is wrong?"), max_length=1000)
