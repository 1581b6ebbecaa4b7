"""The impact figures as a donor logframe (CSV or XLSX), and the anonymised records behind
them: no names, no contact, no registration number; a keyed pseudonym per journey, months
instead of days, and the same small-cell hiding as on screen for every breakdown."""

from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.exports import spreadsheet_response
from programmes.models import STEPS, FollowUp, Journey, Step, StepRecord


def _number(value):
    """Decimals as numbers a spreadsheet adds up; whole figures as integers."""
    return int(value) if value == int(value) else float(value)


def logframe_rows(figures):
    yield [
        _("Indicator"),
        _("Unit"),
        _("Baseline"),
        _("Target"),
        _("Achieved"),
        _("Progress (%)"),
        _("Source"),
    ]
    for row in figures["rows"]:
        yield [
            str(row.label),
            row.unit,
            _number(row.baseline),
            _number(row.target) if row.target is not None else "",
            _number(row.achieved),
            row.progress if row.progress is not None else "",
            str(row.source),
        ]


def breakdown_rows(figures):
    yield [_("Breakdown"), _("Indicator"), _("Value"), _("Figure")]
    for breakdown in figures["breakdowns"].values():
        for row, cells in breakdown["rows"]:
            for column, cell in zip(breakdown["columns"], cells, strict=True):
                value = cell.export_value
                yield [
                    str(breakdown["label"]),
                    str(row.label),
                    str(column),
                    _number(value) if not isinstance(value, str) else value,
                ]


def series_rows(figures):
    yield [_("Indicator"), *figures["periods"]]
    for row in figures["rows"]:
        yield [str(row.label), *[_number(value) for _label, value in row.series]]


def pseudonym(journey_id):
    return "J-" + salted_hmac("programmes.records", str(journey_id)).hexdigest()[:10]


def record_rows(programme):
    """One row per journey — three queries."""
    steps = list(STEPS)
    yield [
        _("Pseudonym"),
        _("Cohort"),
        _("Region"),
        _("Gender"),
        _("Step reached"),
        *[_("%(step)s (month)") % {"step": Step(step).label} for step in steps],
        _("Legal form"),
        _("Sector"),
        _("Latest follow-up: active"),
        _("Latest follow-up: jobs"),
    ]
    months = {}
    for journey_id, step, reached_on in StepRecord.objects.filter(
        journey__programme=programme
    ).values_list("journey_id", "step", "reached_on"):
        months[(journey_id, step)] = reached_on.strftime("%Y-%m")
    follow_ups = {}
    for journey_id, still_active, jobs in (
        FollowUp.objects.filter(journey__programme=programme)
        .order_by("months")
        .values_list("journey_id", "still_active", "jobs")
    ):
        follow_ups[journey_id] = (_("Yes") if still_active else _("No"), jobs)
    journeys = (
        Journey.objects.filter(programme=programme)
        .select_related("cohort", "person", "business")
        .order_by("pk")
    )
    for journey in journeys:
        active, jobs = follow_ups.get(journey.pk, ("", ""))
        yield [
            pseudonym(journey.pk),
            journey.cohort.name if journey.cohort else "",
            journey.get_region_display(),
            journey.person.get_gender_display() if journey.person else "",
            journey.get_step_display(),
            *[months.get((journey.pk, step), "") for step in steps],
            journey.business.get_legal_form_display() if journey.business else "",
            journey.business.get_sector_display() if journey.business else "",
            active,
            jobs,
        ]


def impact_response(programme, figures, table, file_format):
    day = timezone.localdate().isoformat()
    if table == "records":
        name = f"{slugify(programme.slug)}-records-{day}"
        sheets = [(_("Records"), record_rows(programme))]
    else:
        name = f"{slugify(programme.slug)}-logframe-{day}"
        sheets = [
            (_("Logframe"), logframe_rows(figures)),
            (_("By quarter"), series_rows(figures)),
            (_("Breakdowns"), breakdown_rows(figures)),
        ]
    return spreadsheet_response(name, sheets, file_format)
