"""The impact figures as a donor logframe (CSV or XLSX), protected as on screen
(programmes.disclosure), and the anonymised records behind them: no names, no contact, no
registration number; a keyed pseudonym per journey, and quasi-identifiers generalised until
every combination is shared by at least five journeys (programmes.anonymity)."""

from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.exports import spreadsheet_response
from programmes import anonymity
from programmes.disclosure import NOTES
from programmes.models import GENDERS, PERSON_REGIONS, STEPS, FollowUp, Journey, Step, StepRecord


def _number(value):
    """Decimals as numbers a spreadsheet adds up; whole figures as integers."""
    return int(value) if value == int(value) else float(value)


def _published(cell):
    """A protected figure as a spreadsheet cell: the number, or the mark of a hidden one."""
    return cell.mark or _number(cell.value)


def _with_notes(rows):
    """A table, then an empty row and what its marks mean: under the table, as on screen."""
    yield from rows
    yield []
    for note in NOTES:
        yield [str(note)]


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
            _published(row.achieved),
            _published(row.progress) if row.progress is not None else "",
            str(row.source),
        ]


def breakdown_rows(figures):
    yield [_("Breakdown"), _("Indicator"), _("Value"), _("Figure")]
    for breakdown in figures["breakdowns"].values():
        for row, cells in breakdown["rows"]:
            for column, cell in zip(breakdown["columns"], cells, strict=True):
                yield [str(breakdown["label"]), str(row.label), str(column), _published(cell)]


def series_rows(figures):
    yield [_("Indicator"), *figures["periods"]]
    for row in figures["rows"]:
        yield [str(row.label), *[_published(cell) for _label, cell in row.series]]


def pseudonym(journey_id, signature):
    """Keyed with the site's secret and the generalisation applied: two files generalised
    alike can be linked journey by journey; files generalised differently cannot be joined
    to narrow someone down."""
    return "J-" + salted_hmac("programmes.records", f"{journey_id}|{signature}").hexdigest()[:10]


def journey_records(programme):
    """One `anonymity.Record` per journey, with codes rather than labels — three queries."""
    dates = {}
    for journey_id, step, reached_on in StepRecord.objects.filter(
        journey__programme=programme
    ).values_list("journey_id", "step", "reached_on"):
        dates[(journey_id, step)] = reached_on
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
    return [
        anonymity.Record(
            key=journey.pk,
            cohort=journey.cohort.name if journey.cohort else "",
            region=journey.region,
            gender=journey.person.gender if journey.person else "",
            step=journey.step,
            legal_form=journey.business.legal_form if journey.business else "",
            sector=journey.business.sector if journey.business else "",
            dates=tuple(dates.get((journey.pk, step)) for step in STEPS),
            rest=follow_ups.get(journey.pk, ("", "")),
        )
        for journey in journeys
    ]


def _precisions():
    return {
        "month": _("month"),
        "quarter": _("quarter"),
        "half_year": _("half-year"),
        "year": _("year"),
        "removed": _("withheld"),
    }


def _domains():
    """Every code a record could hold, for the loss of information of each generalisation."""
    from marketplace.models.businesses import LegalForm, Sector

    return {
        "region": [code for code, _label in PERSON_REGIONS],
        "gender": [code for code, _label in GENDERS],
        "legal_form": LegalForm.values,
        "sector": Sector.values,
    }


def _displayed(attribute, value):
    """A generalised code as a reader sees it."""
    from marketplace.models.businesses import LegalForm, Sector

    if value == anonymity.WITHHELD:
        return _("(withheld)")
    if not value:
        return ""
    labels = {
        "region": dict(PERSON_REGIONS),
        "gender": dict(GENDERS),
        "legal_form": {
            **dict(LegalForm.choices),
            "individual": _("Individual (informal activity or auto-entrepreneur)"),
            "collective": _("Collective (cooperative, SARL or other)"),
        },
        "sector": {
            **dict(Sector.choices),
            anonymity.RARE_SECTORS: _("Other sectors (grouped)"),
        },
    }.get(attribute, {})
    return str(labels.get(value, value))


def record_rows(generalised):
    precision = _precisions()[generalised.levels["dates"]]
    yield [
        _("Pseudonym"),
        _("Cohort"),
        _("Region"),
        _("Gender"),
        _("Step reached"),
        *[
            _("%(step)s (%(precision)s)") % {"step": Step(step).label, "precision": precision}
            for step in STEPS
        ],
        _("Legal form"),
        _("Sector"),
        _("Latest follow-up: active"),
        _("Latest follow-up: jobs"),
    ]
    for record, values in generalised.rows:
        yield [
            pseudonym(record.key, generalised.signature),
            _displayed("cohort", values["cohort"]),
            _displayed("region", values["region"]),
            _displayed("gender", values["gender"]),
            str(Step(record.step).label),
            *[_displayed("dates", value) for value in values["dates"]],
            _displayed("legal_form", values["legal_form"]),
            _displayed("sector", values["sector"]),
            *record.rest,
        ]


def generalisation_rows(generalised, total):
    """What was done to the records, for the second sheet (or under the CSV's table)."""
    from marketplace.models.businesses import Sector

    levels = generalised.levels
    sectors = dict(Sector.choices)
    described = {
        "exact": _("as recorded"),
        "removed": _("withheld"),
        "all": _("withheld"),
        "grouped": _(
            "grouped: individual (informal activity, auto-entrepreneur) or collective "
            "(cooperative, SARL, other)"
        ),
        # Only the sectors kept are named: naming the grouped ones would tell that someone
        # in the programme works in each of them.
        "rare_grouped": _(
            "kept where at least %(k)s journeys share it (%(sectors)s); every other sector "
            "grouped as “Other sectors (grouped)”"
        )
        % {
            "k": anonymity.K,
            "sectors": ", ".join(str(sectors[code]) for code in generalised.kept_sectors)
            or _("none"),
        },
        "month": _("by month"),
        "quarter": _("by quarter"),
        "half_year": _("by half-year"),
        "year": _("by year"),
    }
    names = {
        "cohort": _("Cohort"),
        "region": _("Region"),
        "gender": _("Gender"),
        "legal_form": _("Legal form"),
        "sector": _("Sector"),
        "dates": _("Dates of the steps"),
    }
    yield [_("Attribute"), _("Generalisation applied")]
    for attribute in anonymity.ATTRIBUTES:
        yield [str(names[attribute]), str(described[levels[attribute]])]
    yield [_("Step reached"), str(described["exact"])]
    yield [
        _("Smallest group of identical journeys (k)"),
        generalised.k if generalised.k is not None else "",
    ]
    yield [
        _("Journeys left out"),
        ngettext(
            "%(count)s journey of %(total)s (at most %(budget)s %% may be left out)",
            "%(count)s journeys of %(total)s (at most %(budget)s %% may be left out)",
            generalised.left_out,
        )
        % {
            "count": generalised.left_out,
            "total": total,
            "budget": round(anonymity.SUPPRESSION_BUDGET * 100),
        },
    ]
    yield [
        _("Rule"),
        _(
            "Every combination of cohort, region, gender, step reached, legal form, sector and "
            "dates is shared by at least %(k)s journeys; no names, contacts or numbers."
        )
        % {"k": anonymity.K},
    ]


def impact_response(programme, figures, table, file_format):
    day = timezone.localdate().isoformat()
    if table == "records":
        name = f"{slugify(programme.slug)}-records-{day}"
        records = journey_records(programme)
        generalised = anonymity.generalise(records, domains=_domains())
        about = list(generalisation_rows(generalised, len(records)))
        # A CSV holds one table: the generalisation goes under it, after an empty row.
        rows = list(record_rows(generalised))
        sheets = (
            [(_("Records"), [*rows, [], *about])]
            if file_format == "csv"
            else [(_("Records"), rows), (_("Generalisation"), about)]
        )
    else:
        name = f"{slugify(programme.slug)}-logframe-{day}"
        sheets = [
            (_("Logframe"), _with_notes(logframe_rows(figures))),
            (_("By quarter"), _with_notes(series_rows(figures))),
            (_("Breakdowns"), _with_notes(breakdown_rows(figures))),
        ]
    return spreadsheet_response(name, sheets, file_format)
