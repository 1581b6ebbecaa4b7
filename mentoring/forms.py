import re
from datetime import date, datetime, time

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import time_zone_choices
from config.bidi import NameField, strip_bidi_controls
from marketplace.forms import FilterForm, with_blank
from marketplace.models import Need, Sector
from marketplace.models.businesses import REGIONS, SPOKEN_LANGUAGES
from mentoring.models import AvailabilityWindow, Format, MentorProfile
from mentoring.services import PROFILE_FIELDS

CHECKBOXES = forms.CheckboxSelectMultiple


class MentorFilterForm(FilterForm):
    topic = forms.ChoiceField(
        label=_("Expertise"), required=False, choices=with_blank(Need.choices, _("All topics"))
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=with_blank(Sector.choices, _("All sectors"))
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=with_blank(SPOKEN_LANGUAGES, _("All languages")),
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=with_blank(REGIONS, _("All regions"))
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=with_blank(Format.choices, _("All formats"))
    )
    available = forms.BooleanField(label=_("Has room for a new mentee"), required=False)


class MentorProfileForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Expertise"), choices=Need.choices, widget=CHECKBOXES, required=False
    )
    tags = forms.CharField(
        label=_("Other skills"),
        required=False,
        help_text=_("Separated by commas, e.g. pastry, export, Excel."),
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors you know"), choices=Sector.choices, widget=CHECKBOXES, required=False
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can mentor in"), choices=SPOKEN_LANGUAGES, widget=CHECKBOXES
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions where you can meet in person"),
        choices=REGIONS,
        widget=CHECKBOXES,
        required=False,
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats"), choices=Format.choices, widget=CHECKBOXES
    )
    session_lengths = forms.TypedMultipleChoiceField(
        label=_("Session lengths offered"),
        choices=[(30, _("30 minutes")), (45, _("45 minutes")), (60, _("1 hour"))],
        coerce=int,
        widget=CHECKBOXES,
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = MentorProfile
        fields = PROFILE_FIELDS
        labels = {
            "buffer_minutes": _("Break between sessions (minutes)"),
            "minimum_notice_hours": _("Minimum notice (hours)"),
            "booking_horizon_days": _("Bookable up to (days ahead)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tags)
        self.fields["capacity"].widget.attrs.update(min=1, max=30)
        self.fields["session_lengths"].initial = self.instance.session_lengths or [30, 60]

    def clean_tags(self):
        tags = (strip_bidi_controls(tag).strip() for tag in self.cleaned_data["tags"].split(","))
        return [tag for tag in tags if tag]

    def profile_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


_TIME = re.compile(r"^\s*(\d{1,2})[:h.](\d{2})\s*$")
_EXCEPTION = re.compile(
    r"^\s*(\d{4}-\d{2}-\d{2})(?:\s+(\d{1,2}[:h.]\d{2})\s*[-–]\s*(\d{1,2}[:h.]\d{2}))?\s*$"
)


def _parse_time(text):
    match = _TIME.match(text)
    if not match:
        raise ValueError
    return time(int(match[1]), int(match[2]))


class AvailabilityForm(forms.Form):
    """Two windows a weekday, as plain time inputs, and exceptions one per line: works on any
    phone without JavaScript."""

    SLOTS_PER_DAY = 2

    exceptions = forms.CharField(
        label=_("Days off and extra windows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: a date for a day off (2026-12-24), or a date and times for an extra "
            "window (2026-12-27 09:00-12:00)."
        ),
    )

    def __init__(self, *args, mentor, **kwargs):
        super().__init__(*args, **kwargs)
        days = dict(AvailabilityWindow._meta.get_field("weekday").choices)
        existing = {}
        for window in mentor.windows.all():
            existing.setdefault(window.weekday, []).append(window)
        self.days = []
        for weekday, label in days.items():
            pairs = []
            for index in range(self.SLOTS_PER_DAY):
                window = (existing.get(weekday) or [None] * 3)[index:][:1]
                window = window[0] if window else None
                names = (f"d{weekday}_{index}_from", f"d{weekday}_{index}_to")
                for name, value in zip(
                    names, (window and window.starts, window and window.ends), strict=True
                ):
                    self.fields[name] = forms.TimeField(
                        label=label,
                        required=False,
                        initial=value,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )
                pairs.append((self[names[0]], self[names[1]]))
            self.days.append((label, pairs))
        self.fields["exceptions"].initial = "\n".join(
            f"{e.date:%Y-%m-%d}" + (f" {e.starts:%H:%M}-{e.ends:%H:%M}" if e.starts else "")
            for e in mentor.exceptions.filter(date__gte=date.today())
        )

    def clean_exceptions(self):
        result = []
        for number, line in enumerate(self.cleaned_data["exceptions"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _EXCEPTION.match(line)
            try:
                if not match:
                    raise ValueError
                day = date.fromisoformat(match[1])
                starts = _parse_time(match[2]) if match[2] else None
                ends = _parse_time(match[3]) if match[3] else None
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(number)s is not a date, or a date and two times."),
                    params={"number": number},
                ) from None
            if starts and ends <= starts:
                raise forms.ValidationError(
                    _("Line %(number)s: the window must end after it starts."),
                    params={"number": number},
                )
            result.append((day, starts, ends))
        return result

    def clean(self):
        cleaned = super().clean()
        windows = []
        for weekday in range(7):
            for index in range(self.SLOTS_PER_DAY):
                starts = cleaned.get(f"d{weekday}_{index}_from")
                ends = cleaned.get(f"d{weekday}_{index}_to")
                if starts is None and ends is None:
                    continue
                if starts is None or ends is None or ends <= starts:
                    self.add_error(
                        f"d{weekday}_{index}_to", _("Give a start and a later end, or neither.")
                    )
                    continue
                windows.append((weekday, starts, ends))
        cleaned["windows"] = windows
        return cleaned


class RequestForm(forms.Form):
    business = forms.ChoiceField(label=_("For which business?"), required=False)
    message = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What would you like help with?"),
    )

    def __init__(self, *args, businesses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.businesses = {str(b.pk): b for b in businesses}
        self.fields["business"].choices = [("", _("No business yet"))] + [
            (str(b.pk), b.name) for b in businesses
        ]

    def clean_business(self):
        return self.businesses.get(self.cleaned_data["business"])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EndForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How does it end?"),
        choices=[("completed", _("Completed")), ("ended", _("Ended early"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the mentorship ends early."),
    )


class GoalForm(forms.Form):
    title = NameField(label=_("Goal"), max_length=200)
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class GoalProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


def slot_choices(slots):
    """Radio choices for slots: value in UTC ISO, label in the active (viewer's) zone."""
    zone = timezone.get_current_timezone()
    return [
        (
            slot.isoformat(),
            date_format(slot.astimezone(zone), "l j F, H:i"),
        )
        for slot in slots
    ]


class _SlotMixin:
    def clean_slot(self):
        try:
            value = datetime.fromisoformat(self.cleaned_data["slot"])
        except ValueError:
            raise forms.ValidationError(_("Choose a time from the list.")) from None
        if timezone.is_naive(value):
            raise forms.ValidationError(_("Choose a time from the list."))
        return value


class BookingForm(_SlotMixin, forms.Form):
    slot = forms.CharField(label=_("Time"))
    length = forms.TypedChoiceField(label=_("Length"), coerce=int)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    place = forms.CharField(
        label=_("Place or video link"),
        max_length=300,
        required=False,
        help_text=_("An address for a meeting in person, a link for a video call."),
    )
    agenda = forms.CharField(
        label=_("What do you want to talk about?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, mentor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["length"].choices = [
            (length, _("%(minutes)s minutes") % {"minutes": length}) for length in mentor.lengths
        ]
        formats = mentor.formats or Format.values
        self.fields["format"].choices = [c for c in Format.choices if c[0] in formats]


class RescheduleForm(_SlotMixin, forms.Form):
    slot = forms.CharField(label=_("New time"))
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class RecordForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("held", _("Held")), ("no-show", _("Missed"))], widget=forms.RadioSelect
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Private note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you and the other person of this session can read it."),
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the mentor"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
