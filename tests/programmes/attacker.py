"""A reader who wants the hidden figures back, written independently of programmes.disclosure:
from the published figures only, with SciPy's HiGHS (the engine itself uses OR-Tools' GLOP),
it bounds every hidden figure and lists every rule the publication breaks.

What the reader knows: every published figure; every line (the cells of a breakdown add up
to its total, a cumulative series ends at the total and never goes down, a later funnel step
is within the earlier one); that figures are never negative; and what the marks say: "< 5"
is a count from 0 to 4, "—" on a count is five or more (on euros it says nothing).
"""

import io
import math
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
from scipy.optimize import linprog

SMALL_MARK = "< 5"
HIDDEN_MARK = "—"
MARKS = (SMALL_MARK, HIDDEN_MARK)
EPSILON = 1e-6


@dataclass
class Publication:
    shown: dict  # key -> a number, or a mark
    lines: list  # (total, [parts]); keys not in `shown` are latent (never published)
    money: set = field(default_factory=set)  # keys of amounts in euros
    follows: dict = field(default_factory=dict)  # amount key -> count key it is hidden with
    # Latent figures only used as knowledge (a funnel's leavers), never protected.
    unprotected: set = field(default_factory=set)
    # key of euros -> the businesses behind them (for the latent ones: a quarter's grants).
    contributors: dict = field(default_factory=dict)

    def hidden(self, key):
        return key not in self.shown or self.shown[key] in MARKS


class Attack:
    def __init__(self, publication):
        self.publication = publication
        self.systems = {}

    def _system(self, money):
        if money in self.systems:
            return self.systems[money]
        publication = self.publication
        keys = sorted(
            {
                key
                for total, parts in publication.lines
                for key in (total, *parts)
                if (key in publication.money) == money and publication.hidden(key)
            },
            key=repr,
        )
        index = {key: position for position, key in enumerate(keys)}
        rows, right = [], []
        for total, parts in publication.lines:
            if (total in publication.money) != money:
                continue
            row = np.zeros(len(keys))
            constant = 0.0
            for key, coefficient in [(total, -1.0), *[(part, 1.0) for part in parts]]:
                if key in index:
                    row[index[key]] += coefficient
                else:
                    constant -= coefficient * float(publication.shown[key])
            if row.any():
                rows.append(row)
                right.append(constant)
        system = (keys, index, np.array(rows) if rows else None, np.array(right))
        self.systems[money] = system
        return system

    def bounds(self, expression, *, marks=True):
        """(min, max) of {key: coefficient} over everything the reader knows."""
        money = next(iter(expression)) in self.publication.money
        keys, index, matrix, right = self._system(money)
        limits = []
        for key in keys:
            mark = self.publication.shown.get(key)
            if marks and not money and mark == SMALL_MARK:
                limits.append((0, 4))
            elif marks and not money and mark == HIDDEN_MARK:
                limits.append((5, None))
            else:
                limits.append((0, None))
        objective = np.zeros(len(keys))
        for key, coefficient in expression.items():
            objective[index[key]] = coefficient
        found = []
        for sense in (1, -1):
            result = linprog(
                sense * objective,
                A_eq=matrix,
                b_eq=right if matrix is not None else None,
                bounds=limits,
                method="highs",
            )
            if result.status == 3:
                found.append(math.inf)
                continue
            assert result.status == 0, result.message
            found.append(sense * result.fun)
        return tuple(found)

    def failures(self, truth):
        """Every broken rule, as readable strings. `truth`: key -> true value, for published
        keys and for the latent ones (a quarter's new people) that must be protected."""
        publication = self.publication
        found = self._false_marks(truth)
        if found:
            return found  # a reader's reasoning on false marks proves nothing more
        for key, shown in publication.shown.items():
            if shown not in MARKS:
                continue
            if key in publication.money:
                found += self._amount_failures(key, truth[key])
            else:
                found += self._count_failures(key, truth[key])
        for key, value in truth.items():  # latent figures that must be protected
            if key in publication.shown or key in publication.unprotected:
                continue
            if key in publication.money:
                if publication.contributors.get(key):  # a quarter's euros, if anyone's
                    found += self._amount_failures(key, value)
            elif 0 < value < 5:
                found += self._count_failures(key, value)
        for amount, count in publication.follows.items():
            if publication.hidden(amount) != publication.hidden(count):
                found.append(f"{amount} hidden {publication.hidden(amount)}, its count not so")
        for total, parts in publication.lines:
            members = [total, *parts]
            if (
                total in publication.money
                or publication.shown.get(total) != SMALL_MARK
                or not 0 < truth[total] < 5
                or any(key not in publication.shown for key in members)
            ):
                continue
            for part in parts:
                if publication.hidden(part):
                    _low, high = self.bounds({total: 1.0, part: -1.0})
                    if high < 1 - EPSILON:
                        found.append(f"all of {total} is known to be in {part}")
        return found

    def _false_marks(self, truth):
        found = []
        for key, shown in self.publication.shown.items():
            value = truth[key]
            if shown not in MARKS:
                if float(shown) != float(value):
                    found.append(f"{key}: published {shown}, true {value}")
            elif key in self.publication.money:
                if shown != HIDDEN_MARK:
                    found.append(f"{key}: euros marked {shown!r}")
            elif shown == SMALL_MARK and value > 4:
                found.append(f"{key}: {value} marked '< 5'")
            elif shown == HIDDEN_MARK and value < 5:
                found.append(f"{key}: {value} marked '—', which says five or more")
        return found

    def _amount_failures(self, key, value):
        """Euros of one to four businesses must not be bounded within 20 % of the truth."""
        if self.publication.contributors.get(key, 5) >= 5:
            return []
        value = float(value)
        low, high = self.bounds({key: 1.0}, marks=False)
        if low > 0.8 * value + EPSILON or high < max(1.2 * value, value + 1) - EPSILON:
            return [f"{key}: euros of a few businesses ({value}) bounded to [{low}, {high}]"]
        return []

    def _count_failures(self, key, value):
        found = []
        low, high = self.bounds({key: 1.0}, marks=False)
        if not (high - low >= 5 - EPSILON or (low <= EPSILON and high >= 5 - EPSILON)):
            found.append(f"{key} (true {value}): bounds [{low}, {high}] without the marks")
        if 0 < value < 5:  # with the marks: still at least three possible values
            low, high = self.bounds({key: 1.0})
            if high - low < 2 - EPSILON:
                found.append(f"{key} (true {value}): bounds [{low}, {high}] with the marks")
        return found


# --- The logframe workbook, read back ------------------------------------------------------


def read_logframe(workbook, codes, truth, funnel=(), money=None, funded=None):
    """A `Publication` from the exported XLSX, keyed as `truth_of` keys the true figures.

    codes: the indicator codes in the logframe's row order; funnel: codes whose people are
    within the previous code's; money/funded: the euros indicator and the count of businesses
    it follows (one grant per business in the tests: a quarter's euros come from its new
    businesses)."""
    logframe, by_quarter, breakdowns = (list(sheet.values) for sheet in workbook.worksheets)
    shown, lines = {}, []
    labels = {}
    for code, row in zip(codes, table_of(logframe)[1:], strict=True):
        labels[row[0]] = code
        shown[(code, "total")] = row[4]
        shown[(code, "progress")] = row[5]
    quarters = len(table_of(by_quarter)[0]) - 1
    for row in table_of(by_quarter)[1:]:
        code = labels[row[0]]
        previous = None
        for quarter, value in enumerate(row[1:]):
            point = (code, "total") if quarter == quarters - 1 else (code, "point", quarter)
            if point not in shown:
                shown[point] = value
            step = (code, "added", quarter)
            lines.append((point, [previous, step] if previous else [step]))
            previous = point
    cells = {}
    for breakdown, indicator, column, figure in table_of(breakdowns)[1:]:
        key = (labels[indicator], breakdown, column)
        shown[key] = figure
        cells.setdefault((labels[indicator], breakdown), []).append(key)
    for (code, _breakdown), parts in cells.items():
        lines.append(((code, "total"), parts))
    publication = Publication(
        {key: value for key, value in shown.items() if key[1] != "progress"}, lines
    )
    for outer, inner in zip(funnel, funnel[1:], strict=False):
        for key in list(publication.shown):
            if key[0] == inner and key[1] != "progress":
                wider = (outer, *key[1:])
                if wider in publication.shown:
                    publication.lines.append((wider, [key, ("left", wider, key)]))
                    publication.unprotected.add(("left", wider, key))
    if money:
        for key in publication.shown:
            if key[0] == money:
                publication.money.add(key)
                publication.follows[key] = (funded, *key[1:])
        for _total, parts in publication.lines:
            for part in parts:
                if part[0] == money and part[1] == "added":
                    publication.money.add(part)
        for key in publication.money:
            publication.contributors[key] = truth.get((funded, *key[1:]), 5)
    progress = {code: shown[(code, "progress")] for code in codes}
    return publication, progress


def truth_of(figures, codes):
    """The true figures behind a logframe, keyed as `read_logframe` keys them."""

    def value(figure):
        return float(getattr(figure, "value", figure))

    truth = {}
    rows = {row.indicator: row for row in figures["rows"]}
    for code in codes:
        row = rows[code]
        truth[(code, "total")] = value(row.achieved)
        previous = 0.0
        for quarter, (_label, figure) in enumerate(row.series):
            if quarter < len(row.series) - 1:
                truth[(code, "point", quarter)] = value(figure)
            truth[(code, "added", quarter)] = value(figure) - previous
            previous = value(figure)
    for breakdown in figures["breakdowns"].values():
        for row, cells in breakdown["rows"]:
            for column, cell in zip(breakdown["columns"], cells, strict=True):
                truth[(row.indicator, str(breakdown["label"]), str(column))] = value(cell)
    return truth


def table_of(rows):
    """The rows of a sheet (or CSV) down to the empty row before its notes."""
    found = []
    for row in rows:
        if not any(cell not in (None, "") for cell in row):
            break
        found.append(list(row))
    return found


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self.current = self.tables.setdefault(attrs["data-table"], [])
        elif tag == "tr" and self.current is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def html_tables(html):
    """{data-table: [[cell text]]} of a page."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


CODES = [
    "informed",
    "reached",
    "applied",
    "selected",
    "trained",
    "certified",
    "business_created",
    "funded",
    "officials_engaged",
    "fund_committed_eur",
]
FUNNEL = ["applied", "selected", "trained", "certified", "business_created"]


def attack_the_logframe(client, programme):
    """The logframe workbook as `client` downloads it, and the true figures behind it:
    (Publication, {indicator: progress as published}, truth)."""
    from django.utils import translation
    from openpyxl import load_workbook

    from programmes import indicators

    response = client.get(f"/admin/impact/{programme.pk}/export.xlsx?table=logframe")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    with translation.override(response.get("Content-Language", "fr")):
        truth = truth_of(indicators.programme_figures(programme), CODES)
    publication, progress = read_logframe(
        workbook, CODES, truth, funnel=FUNNEL, money="fund_committed_eur", funded="funded"
    )
    return publication, progress, truth
