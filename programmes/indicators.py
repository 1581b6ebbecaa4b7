"""The programme's figures, computed from what happened on the platform: each indicator
against its target, by quarter, and broken down by region, gender, legal form and sector.

Every figure comes from five queries, whatever the number of people: attendance rows, journey
step records, grants, the partner institutions' officials, and the targets. Rows are folded in
Python into the counts; breakdown cells under five people are hidden (programmes.disclosure).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import InstitutionStaff
from programmes.disclosure import suppress
from programmes.models import Attendance, Grant, Indicator, StepRecord, Target
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
    indicator: str
    label: str
    baseline: Decimal
    target: Decimal | None
    achieved: Decimal
    source: str
    unit: str = ""
    series: list = field(default_factory=list)  # [(quarter label, cumulative)]

    @property
    def progress(self):
        if not self.target:
            return None
        return min(round(float(self.achieved) / float(self.target) * 100), 999)

    @property
    def is_money(self):
        return self.indicator == I.FUND_COMMITTED_EUR


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


def programme_figures(programme, today=None):
    """Every indicator with its baseline, target, achieved figure, source and quarterly series,
    plus the breakdowns: {"rows": [IndicatorRow], "breakdowns": {dimension: {"columns": [...],
    "rows": [(IndicatorRow, [Cell])]}}}."""
    targets = {target.indicator: target for target in Target.objects.filter(programme=programme)}
    facts = _facts(programme)
    periods = quarters(programme, today)
    labels = _labels()
    rows = []
    breakdown_counts = {dimension: {} for dimension in DIMENSIONS}
    for indicator in I.values:
        counted = (
            facts[indicator] if indicator == I.FUND_COMMITTED_EUR else _distinct(facts[indicator])
        )
        target = targets.get(indicator)
        row = IndicatorRow(
            indicator=indicator,
            label=I(indicator).label,
            baseline=target.baseline if target else Decimal("0"),
            target=target.target_value if target else None,
            achieved=_total(counted, indicator),
            source=SOURCES[indicator],
            unit=(target.unit if target else "")
            or ("EUR" if indicator == I.FUND_COMMITTED_EUR else ""),
        )
        row.series = [
            (label, _total([fact for fact in counted if fact.on <= end], indicator))
            for end, label in periods
        ]
        rows.append(row)
        for dimension in DIMENSIONS_OF[indicator]:
            amounts = defaultdict(Decimal)
            contributors = defaultdict(set)  # hiding goes by people (or businesses), not euros
            for fact in counted:
                value = fact.attributes.get(dimension, UNKNOWN)
                amounts[value] += fact.amount
                contributors[value].add(fact.key)
            breakdown_counts[dimension][indicator] = (
                {value: len(keys) for value, keys in contributors.items()},
                amounts if indicator == I.FUND_COMMITTED_EUR else None,
            )
    breakdowns = {}
    for dimension, per_indicator in breakdown_counts.items():
        values = [
            value
            for value in labels[dimension]
            if any(value in counts for counts, _a in per_indicator.values())
        ]
        table = []
        for row in rows:
            if row.indicator not in per_indicator:
                continue
            counts, amounts = per_indicator[row.indicator]
            cells = suppress({value: counts.get(value, 0) for value in values}, amounts=amounts)
            table.append((row, [cells[value] for value in values]))
        breakdowns[dimension] = {
            "label": DIMENSIONS[dimension],
            "columns": [labels[dimension][value] for value in values],
            "rows": table,
        }
    return {"rows": rows, "breakdowns": breakdowns, "periods": [label for _end, label in periods]}
