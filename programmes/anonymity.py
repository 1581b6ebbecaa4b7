"""Row-level records that identify nobody: k-anonymity by global recoding. Pure: records in,
generalised records out, no models.

Quasi-identifiers are what someone could know about a person from elsewhere (the public
directory lists a business's region, sector and legal form; a neighbour knows when someone
joined): cohort, region, gender, the step reached, legal form, sector and the date of every
step. Each has a few levels of generalisation:

    cohort      exact | removed
    region      exact | all
    gender      exact | all
    legal form  exact | grouped (individual / collective) | all
    sector      exact | rare sectors grouped (fewer than k businesses) | all
    dates       month | quarter | half-year | year | removed

`generalise` tries every combination (the lattice has 360 nodes) in order of information
lost, and keeps the least general one for which every combination of quasi-identifiers is
shared by at least k = 5 journeys, leaving out at most 2 % of the journeys (those whose
combination stays rarer than k). The loss is Iyengar's loss metric: for each journey and
attribute, (values the published one stands for − 1) / (values possible − 1), averaged over the
journeys and summed over the attributes; so grouping the rare sectors costs little when they
are few and as much as withholding the sector when every sector is rare. Ties go to fewer
journeys left out, then to smaller classes (the discernibility metric). One
level applies to the whole file (global recoding): a reader learns one rule, not a rule per
row that could itself give someone away. If no node is within the budget (tiny
programmes), the most general one is used and every journey still in a class under k is left
out; the file says how many.

The step reached is never generalised: it is what the file is for. Follow-up answers (still
active, jobs) are not quasi-identifiers: nobody outside the programme holds them.
"""

import itertools
from collections import Counter
from dataclasses import dataclass, field

K = 5
SUPPRESSION_BUDGET = 0.02  # the share of journeys that may be left out
WITHHELD = "*"

LEVELS = {
    "cohort": ("exact", "removed"),
    "region": ("exact", "all"),
    "gender": ("exact", "all"),
    "legal_form": ("exact", "grouped", "all"),
    "sector": ("exact", "rare_grouped", "all"),
    "dates": ("month", "quarter", "half_year", "year", "removed"),
}
ATTRIBUTES = list(LEVELS)
# Legal forms an individual holds alone, and forms held together (or anything else).
LEGAL_FORM_GROUPS = {
    "informal": "individual",
    "auto-entrepreneur": "individual",
    "cooperative": "collective",
    "sarl": "collective",
    "other": "collective",
}
RARE_SECTORS = "rare"


@dataclass
class Record:
    """One journey's quasi-identifiers as codes (empty when unknown or without a business),
    its step reached and the rest of its row, which is passed through."""

    key: object
    cohort: str
    region: str
    gender: str
    step: str
    legal_form: str
    sector: str
    dates: tuple  # a date or None per step, in the steps' order
    rest: tuple = ()


@dataclass
class Generalised:
    levels: dict  # attribute -> level
    rows: list  # [(Record, {attribute: generalised value})], the journeys kept, in order
    left_out: int
    k: int | None  # the smallest class kept; None when nothing is kept
    kept_sectors: list = field(default_factory=list)  # when rare ones are grouped, the others

    @property
    def signature(self):
        """The generalisation as a string: two files with the same one can be linked."""
        levels = ",".join(f"{name}={self.levels[name]}" for name in ATTRIBUTES)
        return f"{levels};sectors={'|'.join(self.kept_sectors)}"


def _date(value, level):
    if value is None:
        return ""
    if level == "month":
        return f"{value.year}-{value.month:02d}"
    if level == "quarter":
        return f"{value.year}-Q{(value.month - 1) // 3 + 1}"
    if level == "half_year":
        return f"{value.year}-H{(value.month - 1) // 6 + 1}"
    if level == "year":
        return str(value.year)
    return WITHHELD


def _columns(records, k):
    """{attribute: {level: [value per record]}}, and the sectors of at least k journeys (the
    others are grouped as rare)."""
    with_business = Counter(record.sector for record in records if record.sector)
    common = sorted(sector for sector, count in with_business.items() if count >= k)

    def column(attribute, level, grouped=None):
        values = []
        for record in records:
            value = getattr(record, attribute)
            if not value and attribute in ("legal_form", "sector"):
                values.append("")  # no business: nothing to generalise
            elif level in ("removed", "all"):
                values.append(WITHHELD)
            else:
                values.append(grouped(value) if grouped else value)
        return values

    columns = {
        attribute: {level: column(attribute, level) for level in LEVELS[attribute]}
        for attribute in ("cohort", "region", "gender")
    }
    columns["legal_form"] = {
        "exact": column("legal_form", "exact"),
        "grouped": column(
            "legal_form", "grouped", lambda form: LEGAL_FORM_GROUPS.get(form, "collective")
        ),
        "all": column("legal_form", "all"),
    }
    columns["sector"] = {
        "exact": column("sector", "exact"),
        "rare_grouped": column(
            "sector", "rare_grouped", lambda sector: sector if sector in common else RARE_SECTORS
        ),
        "all": column("sector", "all"),
    }
    columns["dates"] = {
        level: [tuple(_date(value, level) for value in record.dates) for record in records]
        for level in LEVELS["dates"]
    }
    return columns, common


MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def _losses(records, columns, common, domains):
    """{attribute: {level: loss}}: Iyengar's loss metric averaged over the journeys."""
    count = max(len(records), 1)

    def share(stands_for, possible):
        return (stands_for - 1) / (possible - 1) if possible > 1 else 0.0

    losses = {}
    for attribute in ("cohort", "region", "gender", "legal_form", "sector"):
        possible = len(domains.get(attribute) or {v for v in columns[attribute]["exact"] if v})
        losses[attribute] = {}
        for level, values in columns[attribute].items():
            total = 0.0
            for exact, value in zip(columns[attribute]["exact"], values, strict=True):
                if not exact:
                    continue
                if value == WITHHELD:
                    total += share(possible, possible)
                elif value == RARE_SECTORS:
                    # The group stands for every sector not kept, present or not.
                    total += share(max(possible - len(common), 1), possible)
                elif value in ("individual", "collective"):
                    members = [f for f, g in LEGAL_FORM_GROUPS.items() if g == value]
                    total += share(len(members), possible)
            losses[attribute][level] = total / count
    dated = [value for record in records for value in record.dates if value is not None]
    span = (
        (max(dated).year - min(dated).year) * 12 + max(dated).month - min(dated).month + 1
        if dated
        else 1
    )
    losses["dates"] = {
        level: (min(share(MONTHS[level], span), 1.0) if level in MONTHS else 1.0)
        for level in LEVELS["dates"]
    }
    return losses


def generalise(records, *, k=K, budget=SUPPRESSION_BUDGET, domains=None):
    """The least general recoding of `records` whose every class holds at least k journeys.

    domains: {attribute: every possible code} for the loss metric (legal forms and sectors:
    what could have been published); by default, the codes present."""
    records = list(records)
    columns, common = _columns(records, k)
    losses = _losses(records, columns, common, domains or {})
    allowed = int(budget * len(records))

    def loss(node):
        return sum(
            losses[name][LEVELS[name][index]] for name, index in zip(ATTRIBUTES, node, strict=True)
        )

    nodes = sorted(
        (
            node
            for node in itertools.product(*(range(len(LEVELS[name])) for name in ATTRIBUTES))
            # With no sector shared by k journeys, grouping the rare ones is withholding all.
            if common or LEVELS["sector"][node[ATTRIBUTES.index("sector")]] != "rare_grouped"
        ),
        key=lambda node: (loss(node), node),
    )
    best = None
    for node in nodes:
        if best is not None and loss(node) > best[0][0] + 1e-9:
            break
        evaluation = _evaluate(records, columns, node, k)
        if evaluation["left_out"] <= allowed:
            rank = (loss(node), evaluation["left_out"], evaluation["discernibility"], node)
            if best is None or rank < best[0]:
                best = (rank, node, evaluation)
    if best is None:  # nothing within the budget: the most general node, whatever it leaves
        node = tuple(len(LEVELS[name]) - 1 for name in ATTRIBUTES)
        best = (None, node, _evaluate(records, columns, node, k))
    _rank, node, evaluation = best
    levels = {name: LEVELS[name][index] for name, index in zip(ATTRIBUTES, node, strict=True)}
    rows = [
        (
            record,
            {name: columns[name][levels[name]][position] for name in ATTRIBUTES},
        )
        for position, record in enumerate(records)
        if position in evaluation["kept"]
    ]
    return Generalised(
        levels=levels,
        rows=rows,
        left_out=evaluation["left_out"],
        k=evaluation["k"],
        kept_sectors=common if levels["sector"] == "rare_grouped" else [],
    )


def _evaluate(records, columns, node, k):
    picked = [
        columns[name][LEVELS[name][index]] for name, index in zip(ATTRIBUTES, node, strict=True)
    ]
    keys = [(record.step, *values) for record, *values in zip(records, *picked, strict=True)]
    sizes = Counter(keys)
    kept = {position for position, key in enumerate(keys) if sizes[key] >= k}
    kept_sizes = [size for size in sizes.values() if size >= k]
    return {
        "kept": kept,
        "left_out": len(records) - len(kept),
        "k": min(kept_sizes) if kept_sizes else None,
        "discernibility": sum(size * size for size in kept_sizes)
        + len(records) * (len(records) - len(kept)),
    }


def smallest_class(rows):
    """k of a table already released: the size of its smallest equivalence class, for rows
    given as tuples of their quasi-identifiers' values."""
    sizes = Counter(tuple(row) for row in rows)
    return min(sizes.values()) if sizes else None
