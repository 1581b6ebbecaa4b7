"""The programme's figures, computed from what happened on the platform: each indicator
against its target, by quarter, and broken down by region, gender, legal form and sector.

Every figure comes from six queries, whatever the number of people: attendance rows, journey
step records, grants, the partner institutions' officials, the targets and the disbursements.
Rows are folded in Python into the counts, and every published figure is protected as one set
of linked tables (programmes.disclosure).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import InstitutionStaff
from programmes.disclosure import SMALL, Cell, Tables, protect
from programmes.models import Attendance, Disbursement, Grant, Indicator, StepRecord, Target
from programmes.models.events import GENDERS, PERSON_REGIONS

I = Indicator  # noqa: E741 - reads as the indicator codes below

# Where each indicator's figure comes from, as the logframe's "source" column says it.
SOURCES = {
    I.INFORMED: _(
        "Attendance at information sessions, and journeys' step “informed” (one count per person)"
    ),
    I.REACHED: _("Attendance at outreach events (one count per person)"),
    I.APPLIED: _("Journeys: step “applied”"),
    I.SELECTED: _("Journeys: step “selected”"),
    I.TRAINED: _("Journeys: step “trained” (required sessions attended)"),
    I.CERTIFIED: _("Journeys: registration verified by staff"),
    I.BUSINESS_CREATED: _("Journeys: businesses created (one count per business)"),
    I.FUNDED: _("Grants awarded (one count per business)"),
    I.OFFICIALS_ENGAGED: _("Staff accounts of the partner institutions"),
    I.FUND_COMMITTED_EUR: _("Grants awarded (EUR)"),
}
JOURNEY_STEPS = {
    I.APPLIED: "applied",
    I.SELECTED: "selected",
    I.TRAINED: "trained",
    I.CERTIFIED: "certified",
    I.BUSINESS_CREATED: "business_created",
}
ATTENDANCE_KINDS = {I.INFORMED: "informed", I.REACHED: "reached"}

DIMENSIONS = {
    "region": _("Region"),
    "gender": _("Gender"),
    "legal_form": _("Legal form"),
    "sector": _("Sector"),
}
# Which breakdowns mean something for an indicator (a person has no legal form).
DIMENSIONS_OF = {
    I.INFORMED: ["region", "gender"],
    I.REACHED: ["region", "gender"],
    I.APPLIED: ["region", "gender"],
    I.SELECTED: ["region", "gender"],
    I.TRAINED: ["region", "gender"],
    I.CERTIFIED: ["region", "gender"],
    I.BUSINESS_CREATED: ["region", "gender", "legal_form", "sector"],
    I.FUNDED: ["region", "legal_form", "sector"],
    I.OFFICIALS_ENGAGED: ["gender"],
    I.FUND_COMMITTED_EUR: ["region", "legal_form", "sector"],
}
UNKNOWN = "unknown"
# Businesses use Morocco's twelve regions; people the programme's regions or "elsewhere".
BUSINESS_REGION_TO_PERSON = {
    "rabat-sale-kenitra": "rabat-sale",
    "tanger-tetouan-al-hoceima": "tanger-tetouan",
}


def _labels():
    from marketplace.models.businesses import LegalForm, Sector

    unknown = _("Not stated")
    return {
        "region": {**dict(PERSON_REGIONS), UNKNOWN: unknown},
        "gender": {**dict(GENDERS), UNKNOWN: unknown},
        "legal_form": {**dict(LegalForm.choices), UNKNOWN: unknown},
        "sector": {**dict(Sector.choices), UNKNOWN: unknown},
    }


def _business_region(code):
    return BUSINESS_REGION_TO_PERSON.get(code, "other") if code else UNKNOWN


@dataclass
class Fact:
    """One person (or business, or euro amount) counted for one indicator."""

    key: object  # who is counted: the same key counts once
    on: date
    attributes: dict
    amount: Decimal = Decimal("1")


@dataclass
class IndicatorRow:
    """One indicator as published: `achieved`, `progress` and each point of `series` are
    `disclosure.Cell`s, which print a mark instead of the figure when it is hidden."""

    indicator: str
    label: str
    baseline: Decimal
    target: Decimal | None
    source: str
    unit: str = ""
    achieved: Cell | None = None
    progress: Cell | None = None  # None without a target
    series: list = field(default_factory=list)  # [(quarter label, Cell of the cumulative)]

    @property
    def is_money(self):
        return self.indicator == I.FUND_COMMITTED_EUR

    @property
    def series_hidden(self):
        return any(cell.hidden for _label, cell in self.series)


def _facts(programme):
    """{indicator: [Fact]} — the five queries."""
    facts = defaultdict(list)
    # 1. Attendance: the first time each person came to an event of each kind.
    first_seen = {}
    for kind, person, start_at, gender, region, user_gender in (
        Attendance.objects.filter(
            event__programme=programme, event__counts_as__in=ATTENDANCE_KINDS.values()
        )
        .values_list(
            "event__counts_as", "person_key", "event__start_at", "gender", "region", "user__gender"
        )
        .order_by("event__start_at", "pk")
    ):
        if (kind, person) not in first_seen:
            first_seen[(kind, person)] = Fact(
                person,
                timezone.localtime(start_at).date(),
                {"gender": user_gender or gender or UNKNOWN, "region": region or UNKNOWN},
            )
    for (kind, _person), fact in first_seen.items():
        indicator = next(code for code, value in ATTENDANCE_KINDS.items() if value == kind)
        facts[indicator].append(fact)

    # 2. Journeys: every step record, with who and which business. A journey's "informed"
    # step (often from a paper attendance sheet) counts with attendance, once per person.
    step_to_indicator = {step: code for code, step in JOURNEY_STEPS.items()}
    step_to_indicator["informed"] = I.INFORMED
    for step, on, journey_id, person_id, region, gender, business_id, legal_form, sector in (
        StepRecord.objects.filter(journey__programme=programme, step__in=step_to_indicator)
        .values_list(
            "step",
            "reached_on",
            "journey_id",
            "journey__person_id",
            "journey__region",
            "journey__person__gender",
            "journey__business_id",
            "journey__business__legal_form",
            "journey__business__sector",
        )
        .order_by("reached_on", "pk")
    ):
        indicator = step_to_indicator[step]
        attributes = {
            "region": region or UNKNOWN,
            "gender": gender or UNKNOWN,
            "legal_form": legal_form or UNKNOWN,
            "sector": sector or UNKNOWN,
        }
        if indicator == I.BUSINESS_CREATED:
            if business_id is None:
                continue
            key = business_id
        elif indicator == I.INFORMED:
            key = f"u:{person_id}" if person_id else f"journey:{journey_id}"
        else:
            key = journey_id
        facts[indicator].append(Fact(key, on, attributes))

    # 3. Grants: businesses funded and euros committed.
    for business_id, on, amount, region, legal_form, sector in (
        Grant.objects.filter(programme=programme, status=Grant.Status.AWARDED)
        .values_list(
            "business_id",
            "decided_on",
            "amount_eur",
            "business__region",
            "business__legal_form",
            "business__sector",
        )
        .order_by("decided_on", "pk")
    ):
        attributes = {
            "region": _business_region(region),
            "legal_form": legal_form or UNKNOWN,
            "sector": sector or UNKNOWN,
        }
        facts[I.FUNDED].append(Fact(business_id, on, attributes))
        facts[I.FUND_COMMITTED_EUR].append(Fact(business_id, on, attributes, amount))

    # 4. Officials: staff accounts of the programme's institutions.
    for user_id, joined, gender in (
        InstitutionStaff.objects.filter(institution__programmes=programme)
        .values_list("user_id", "user__date_joined", "user__gender")
        .order_by("user__date_joined")
    ):
        facts[I.OFFICIALS_ENGAGED].append(
            Fact(
                user_id,
                max(timezone.localtime(joined).date(), programme.starts_on),
                {"gender": gender or UNKNOWN},
            )
        )
    return facts


def _distinct(facts):
    """The first fact of each key, in date order."""
    seen, kept = set(), []
    for fact in sorted(facts, key=lambda fact: fact.on):
        if fact.key not in seen:
            seen.add(fact.key)
            kept.append(fact)
    return kept


def quarters(programme, today=None):
    """(last day, label) of each quarter from the programme's start to today or its end."""
    today = today or timezone.localdate()
    last = min(today, programme.ends_on)
    year, quarter = programme.starts_on.year, (programme.starts_on.month - 1) // 3
    found = []
    while True:
        next_year, next_quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
        end = date(next_year, next_quarter * 3 + 1, 1) - timedelta(days=1)
        found.append((end, _("Q%(quarter)s %(year)s") % {"quarter": quarter + 1, "year": year}))
        if end >= last:
            return found
        year, quarter = next_year, next_quarter


def _total(facts, indicator):
    if indicator == I.FUND_COMMITTED_EUR:
        return sum((fact.amount for fact in facts), Decimal("0"))
    return Decimal(len(facts))


# Each of these steps is reached only after the one before, so its people (in every region,
# gender and quarter) are among the previous step's. A reader knows it: the check does too.
FUNNEL = [I.APPLIED, I.SELECTED, I.TRAINED, I.CERTIFIED, I.BUSINESS_CREATED]
# Hiding an indicator's achieved figure also hides its progress and the end of its series.
TOTAL_WEIGHT = 3


@dataclass
class _Folded:
    """One indicator's facts folded into what the dashboard publishes."""

    total: Decimal  # people, businesses or euros
    people: int  # keys counted: for euros, the businesses behind them
    cells: dict  # {dimension: {value: (people, total)}}
    added: list  # [(people, total)] per quarter, then after the last quarter's end


def _fold(counted, indicator, periods, columns):
    """columns: {dimension: its values}; a value stored outside them counts as not stated, so
    that every breakdown line adds up to its total."""
    ends = [end for end, _label in periods]
    cells = {dimension: defaultdict(lambda: [set(), Decimal("0")]) for dimension in DIMENSIONS}
    added = [[set(), Decimal("0")] for _ in range(len(ends) + 1)]
    for fact in counted:
        for dimension in DIMENSIONS_OF[indicator]:
            value = fact.attributes.get(dimension, UNKNOWN)
            cell = cells[dimension][value if value in columns[dimension] else UNKNOWN]
            cell[0].add(fact.key)
            cell[1] += fact.amount
        quarter = next((index for index, end in enumerate(ends) if fact.on <= end), len(ends))
        added[quarter][0].add(fact.key)
        added[quarter][1] += fact.amount
    return _Folded(
        total=_total(counted, indicator),
        people=len({fact.key for fact in counted}),
        cells={
            dimension: {value: (len(keys), total) for value, (keys, total) in found.items()}
            for dimension, found in cells.items()
        },
        added=[(len(keys), total) for keys, total in added],
    )


class _Layout:
    """The keys of the published cells, and how they are linked, for programmes.disclosure."""

    def __init__(self, folded, columns, periods):
        self.folded = folded
        self.columns = columns
        self.quarters = len(periods)

    @staticmethod
    def total(indicator):
        return (indicator, "total")

    @staticmethod
    def cell(indicator, dimension, value):
        return (indicator, dimension, value)

    def point(self, indicator, quarter):
        """The cumulative figure at the end of `quarter`: the total itself for the last
        quarter when nothing was recorded after it (the series ends at the total)."""
        if quarter == self.quarters - 1 and not self.folded[indicator].added[-1][0]:
            return self.total(indicator)
        return (indicator, "point", quarter)

    def tables(self):
        tables = Tables()
        for indicator, folded in self.folded.items():
            total = self.total(indicator)
            self._declare(
                tables, indicator, total, folded.people, folded.total, weight=TOTAL_WEIGHT
            )
            for dimension in DIMENSIONS_OF[indicator]:
                parts = []
                for value in self.columns[dimension]:
                    key = self.cell(indicator, dimension, value)
                    people, amount = folded.cells[dimension].get(value, (0, Decimal("0")))
                    self._declare(tables, indicator, key, people, amount)
                    parts.append(key)
                tables.line(total, parts)
            # The series: each quarter adds a latent figure (never shown, never negative).
            previous = None
            cumulative_people, cumulative = 0, Decimal("0")
            for quarter, (people, amount) in enumerate(folded.added):
                if quarter == self.quarters and previous == total:
                    break  # nothing was recorded after the last quarter
                step = (indicator, "added", quarter)
                self._declare(tables, indicator, step, people, amount, published=False)
                cumulative_people += people
                cumulative += amount
                point = self.point(indicator, quarter) if quarter < self.quarters else total
                if point != total:
                    self._declare(tables, indicator, point, cumulative_people, cumulative)
                tables.line(point, [previous, step] if previous else [step])
                previous = point
        self._nest(tables)
        return tables

    def _declare(self, tables, indicator, key, people, total, *, published=True, weight=1):
        """A count, or for the euros an amount hidden with the matching count of businesses
        funded (the same key with the other indicator)."""
        if indicator != I.FUND_COMMITTED_EUR:
            tables.count(key, people, published=published, weight=weight)
            return
        follows = (I.FUNDED, *key[1:]) if published else None
        if published and key[1] == "point":
            follows = self.point(I.FUNDED, key[2])
        tables.amount(key, total, contributors=people, follows=follows, published=published)

    def _nest(self, tables):
        for outer, inner in zip(FUNNEL, FUNNEL[1:], strict=False):
            pairs = [(self.total(outer), self.total(inner))]
            for dimension in set(DIMENSIONS_OF[outer]) & set(DIMENSIONS_OF[inner]):
                pairs += [
                    (self.cell(outer, dimension, value), self.cell(inner, dimension, value))
                    for value in self.columns[dimension]
                ]
            pairs += [
                (self.point(outer, quarter), self.point(inner, quarter))
                for quarter in range(self.quarters)
            ]
            for outer_key, inner_key in dict.fromkeys(pairs):
                difference = tables.specs[outer_key].value - tables.specs[inner_key].value
                if difference < 0:
                    continue  # not nested in these data: a reader could not rely on it
                slack = ("within", outer_key, inner_key)
                tables.count(slack, difference, published=False, protect=False)
                tables.line(outer_key, [inner_key, slack])


def _progress(achieved, target):
    if not target:
        return None
    value = min(round(float(achieved.value) / float(target) * 100), 999)
    # The progress gives the achieved figure away: it is hidden with it.
    return Cell(value, hidden=achieved.hidden)


def _fund(programme, committed):
    """The start-up fund: committed is the euros indicator's total (hidden with it); what
    was paid out is hidden when it went to one to four businesses."""
    paid_to, disbursed = set(), Decimal("0")
    for business_id, amount in Disbursement.objects.filter(
        tranche__grant__programme=programme
    ).values_list("tranche__grant__business_id", "amount_eur"):
        paid_to.add(business_id)
        disbursed += amount
    fund = programme.fund_eur or Decimal("0")
    return {
        "fund": Cell(fund, money=True),
        "committed": committed,
        "disbursed": Cell(
            disbursed, hidden=committed.hidden or 0 < len(paid_to) < SMALL, money=True
        ),
        "remaining": Cell(fund - committed.value, hidden=committed.hidden, money=True),
    }


def programme_figures(programme, today=None):
    """Every indicator with its baseline, target, achieved figure, progress, source and
    quarterly series, the breakdowns and the start-up fund, protected together:
    {"rows": [IndicatorRow], "breakdowns": {dimension: {"label", "columns", "rows":
    [(IndicatorRow, [Cell])]}}, "periods": [label], "fund": {name: Cell}, "protection"}."""
    targets = {target.indicator: target for target in Target.objects.filter(programme=programme)}
    facts = _facts(programme)
    periods = quarters(programme, today)
    labels = _labels()
    # Every possible value is a column, whatever the data: a column that appeared only when
    # someone had that value would itself tell that someone has it.
    columns = {dimension: list(labels[dimension]) for dimension in DIMENSIONS}
    folded = {
        indicator: _fold(
            facts[indicator] if indicator == I.FUND_COMMITTED_EUR else _distinct(facts[indicator]),
            indicator,
            periods,
            columns,
        )
        for indicator in I.values
    }
    layout = _Layout(folded, columns, periods)
    protection = protect(layout.tables())
    rows = []
    for indicator in I.values:
        target = targets.get(indicator)
        achieved = protection[layout.total(indicator)]
        row = IndicatorRow(
            indicator=indicator,
            label=I(indicator).label,
            baseline=target.baseline if target else Decimal("0"),
            target=target.target_value if target else None,
            source=SOURCES[indicator],
            unit=(target.unit if target else "")
            or ("EUR" if indicator == I.FUND_COMMITTED_EUR else ""),
            achieved=achieved,
            progress=_progress(achieved, target.target_value if target else None),
            series=[
                (label, protection[layout.point(indicator, quarter)])
                for quarter, (_end, label) in enumerate(periods)
            ],
        )
        rows.append(row)
    breakdowns = {}
    for dimension in DIMENSIONS:
        breakdowns[dimension] = {
            "label": DIMENSIONS[dimension],
            "columns": [labels[dimension][value] for value in columns[dimension]],
            "rows": [
                (
                    row,
                    [
                        protection[layout.cell(row.indicator, dimension, value)]
                        for value in columns[dimension]
                    ],
                )
                for row in rows
                if dimension in DIMENSIONS_OF[row.indicator]
            ],
        }
    for breakdown in breakdowns.values():
        breakdown["any_hidden"] = any(
            cell.hidden for _row, cells in breakdown["rows"] for cell in cells
        )
    by_indicator = {row.indicator: row for row in rows}
    return {
        "rows_hidden": any(row.achieved.hidden for row in rows),
        "rows": rows,
        "breakdowns": breakdowns,
        "periods": [label for _end, label in periods],
        "fund": _fund(programme, by_indicator[I.FUND_COMMITTED_EUR].achieved),
        "protection": protection,
    }
