"""Statistical disclosure control: which published figures to hide so that nobody can work
out a small count, and how to mark what is hidden. Pure: figures in, marks out, no models.

The input is a set of linked tables (`Tables`): cells with their true values and lines
(`total = sum of parts`). A cell may be a part of several lines and a total may close several
lines: an indicator's achieved figure is the total of its region line, its gender line, ... and
the last point of its cumulative series. Cells are

- counts of people or businesses, or amounts of euros; an amount `follows` a count and is
  hidden exactly where that count is (a sum of euros tells as much as the people behind it);
- published, or *latent*: figures never shown that a reader can still work out or bound from
  the published ones, such as the people a quarter added to a cumulative series (the series
  never goes down: each quarter adds a latent, non-negative figure).

Marks. A hidden count of 0 to 4 is marked "< 5"; every other hidden figure (a count of five or
more hidden to protect another, any hidden amount) is marked "—". Both are true statements
about the value, and what they tell a reader (0–4, at least 5) is part of the attacker model
below. A hidden zero is marked "< 5", not "—": "—" on a count means "at least five", so a zero
marked "—" beside a total under five would be known to be 0 and would protect nothing.

1. Primary cells: every count from 1 to 4 (published or latent, parts and totals), and every
   amount behind 1 to 4 contributors. Zeros are never primary.
2. Complementary cells, chosen by CP-SAT (OR-Tools) at least cost: fewest cells (weighted: an
   indicator's total counts for more, hiding it takes its progress too), then smallest values,
   under these rules for every line: a hidden cell is never alone in its line; a part and its
   total are never the only hidden cells of a line; and when the total is published, the hidden
   parts add up to at least five.
3. Verification, exactly, before anything is returned: the attacker's linear programme over the
   hidden cells, with every published figure fixed, every line's equation, non-negativity and
   the marks' meaning ("< 5" ≤ 4, "—" ≥ 5 on counts). For each hidden count the bounds must be
   5 apart or span 0 to 5 without the marks' bounds; with them, a count of 1 to 4 must keep at
   least three possible values (the marks alone may narrow it a little: a row of "< 5" cells
   under a "—" total cannot all be 0); a hidden total of 1 to 4 must never be forced to sit in
   a single part of a line ("everyone here is a woman"); a hidden amount behind fewer than five
   contributors must not be bounded within 20 % of its value. A failure adds a constraint
   ("hide one of the published cells that pin it", from the LP's duals) and the pattern is
   solved again; the last resorts are hiding the failing cells' whole lines, then the whole
   linked table. No pattern that fails the check is ever returned: if even that fails, the
   tables are malformed and `DisclosureError` is raised.
   The programme is solved with OR-Tools' GLOP, re-solved for each bound from the previous
   basis (some 15 times faster than a fresh solve per bound); the tests check every pattern
   again with SciPy's HiGHS, from the published marks alone.

The rules of step 2 are what makes most patterns pass at once; step 3 is what guarantees it.
"""

import math
import time
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

SMALL = 5  # counts below this (1 to 4) are never published
MONEY_MARGIN = 0.2  # an attacker must not bound a small group's euros within 20 % of the truth
# With what the marks say, a count of 1 to 4 must keep at least three possible values.
MARKED_SPREAD = 2
SMALL_MARK = _("< 5")
HIDDEN_MARK = "—"
ROUNDS = 30  # patterns tried with cuts before hiding whole lines
LINE_ROUNDS = 10  # then patterns tried with whole lines hidden, before the whole table
TOLERANCE = 1e-6


class DisclosureError(Exception):
    """The tables cannot be protected even with everything hidden (a malformed line)."""


def format_number(value):
    return f"{value:,.0f}".replace(",", "\u202f")


@dataclass(frozen=True)
class Cell:
    """A figure as published: its value, or a mark if it is hidden."""

    value: object
    hidden: bool = False
    small: bool = False  # hidden, and a count from 0 to 4
    money: bool = False

    @property
    def mark(self):
        if not self.hidden:
            return ""
        return str(SMALL_MARK) if self.small else HIDDEN_MARK

    def __str__(self):
        return self.mark or format_number(self.value)

    @property
    def export_value(self):
        """What a CSV or XLSX cell holds: the number, or the mark."""
        return self.mark or self.value

    @property
    def in_euros(self):
        return self.mark or f"{self} €"


# What the marks mean, under every table that has them (on screen and in the exports).
NOTES = [
    _("< 5: fewer than five people or businesses (from 0 to 4); the figure is hidden."),
    _(
        "—: hidden so that no hidden figure can be worked out from the figures shown and their "
        "totals (a count of five or more, a sum of euros, or a percentage)."
    ),
]


@dataclass
class _Spec:
    value: float
    money: bool
    published: bool
    protect: bool  # latent cells: whether the figure must be protected like a published one
    follows: object = None
    contributors: int | None = None
    weight: int = 1
    shown: object = None  # the value as given (a Decimal of euros stays one)

    @property
    def primary(self):
        people = self.contributors if self.money else self.value
        return self.protect and people is not None and 0 < people < SMALL


class Tables:
    """Linked tables to protect: `count`, `amount` and `line` declare them."""

    def __init__(self):
        self.specs = {}
        self.lines = []  # (total key, [part keys])

    def _add(self, key, spec):
        if key in self.specs:
            raise ValueError(f"cell {key!r} declared twice")
        self.specs[key] = spec
        return key

    def count(self, key, value, *, published=True, protect=True, weight=1):
        """A count of people or businesses. A latent count (`published=False`) is protected
        when `protect` (a quarter's new people) or only used as what a reader knows (the
        applicants who were not selected, a difference that is never shown)."""
        if value != int(value) or value < 0:
            raise ValueError(f"count {key!r} must be a whole number ≥ 0, not {value!r}")
        return self._add(
            key,
            _Spec(int(value), False, published, published or protect, weight=weight, shown=value),
        )

    def amount(self, key, value, *, contributors, follows=None, published=True):
        """A sum of euros from `contributors` people or businesses, hidden where the count
        `follows` is hidden (required when published)."""
        if value < 0:
            raise ValueError(f"amount {key!r} must be ≥ 0")
        if published and follows is None:
            raise ValueError(f"published amount {key!r} must follow a count")
        return self._add(
            key,
            _Spec(float(value), True, published, True, follows, int(contributors), shown=value),
        )

    def line(self, total, parts):
        self.lines.append((total, list(parts)))

    def validate(self):
        for key, spec in self.specs.items():
            if spec.follows is not None:
                count = self.specs.get(spec.follows)
                if count is None or count.money or (spec.published and not count.published):
                    raise ValueError(f"amount {key!r} must follow a published count")
        for total, parts in self.lines:
            unknown = [key for key in [total, *parts] if key not in self.specs]
            if unknown:
                raise ValueError(f"line of {total!r} names undeclared cells {unknown!r}")
            cells = [self.specs[key] for key in [total, *parts]]
            if len({spec.money for spec in cells}) != 1:
                raise ValueError(f"line of {total!r} mixes counts and amounts")
            if not parts or (len(parts) < 2 and all(spec.published for spec in cells)):
                raise ValueError(f"line of {total!r} needs two parts to protect anything")
            difference = sum(spec.value for spec in cells[1:]) - cells[0].value
            if abs(difference) > TOLERANCE * max(1.0, cells[0].value):
                raise ValueError(f"the parts of {total!r} do not add up to it")


@dataclass
class Protection:
    """The pattern applied: `cells` maps every published key to its `Cell`."""

    cells: dict
    primary: frozenset  # published and latent
    hidden: frozenset  # published cells hidden
    rounds: int = 0  # patterns tried, over all the linked tables
    seconds: float = 0.0
    fallbacks: list = field(default_factory=list)  # components that needed a last resort
    components: int = 0  # independent linked tables (cells joined by lines)

    def __getitem__(self, key):
        return self.cells[key]

    @property
    def complementary(self):
        return self.hidden - self.primary


def protect(tables):
    """Choose the hidden cells of `tables` and return them as a `Protection`."""
    started = time.perf_counter()
    tables.validate()
    specs = tables.specs
    primary = frozenset(key for key, spec in specs.items() if spec.primary)
    hidden, rounds, fallbacks = set(), 0, []
    components = _components(tables)
    for component in components:
        chosen, used, fallback = _Component(specs, tables.lines, component).solve()
        hidden |= chosen
        rounds += used
        if fallback:
            fallbacks.append(fallback)
    cells = {}
    for key, spec in specs.items():
        if not spec.published:
            continue
        is_hidden = key in hidden
        cells[key] = Cell(
            spec.shown, is_hidden, is_hidden and not spec.money and spec.value < SMALL, spec.money
        )
    return Protection(
        cells,
        primary,
        frozenset(hidden),
        rounds,
        time.perf_counter() - started,
        fallbacks,
        len(components),
    )


def _components(tables):
    """Sets of keys linked by lines or by an amount following a count."""
    parent = {key: key for key in tables.specs}

    def root(key):
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def join(a, b):
        parent[root(a)] = root(b)

    for total, parts in tables.lines:
        for part in parts:
            join(total, part)
    for key, spec in tables.specs.items():
        if spec.follows is not None:
            join(key, spec.follows)
    groups = {}
    for key in tables.specs:
        groups.setdefault(root(key), []).append(key)
    return list(groups.values())


class _Component:
    def __init__(self, specs, lines, keys):
        members = set(keys)
        self.specs = {key: specs[key] for key in keys}
        self.lines = [(total, parts) for total, parts in lines if total in members]
        self.lines_of = {key: [] for key in keys}
        for index, (total, parts) in enumerate(self.lines):
            for key in (total, *parts):
                self.lines_of[key].append(index)

    # --- the pattern: CP-SAT ----------------------------------------------------------

    def _decision(self, key):
        """The count whose hidden/shown decision `key` shares, or None for a latent cell."""
        spec = self.specs[key]
        if not spec.published:
            return None
        return spec.follows if spec.money else key

    def _build(self):
        model = cp_model.CpModel()
        self.model = model
        self.choice = {
            key: model.new_bool_var(f"h{index}")
            for index, (key, spec) in enumerate(self.specs.items())
            if spec.published and not spec.money
        }

        def hidden(key):
            decision = self._decision(key)
            return 1 if decision is None else self.choice[decision]

        for key, spec in self.specs.items():
            if spec.primary and self._decision(key) is not None:
                model.add(self.choice[self._decision(key)] == 1)
        for total, parts in self.lines:
            members = [total, *parts]
            has_latent = any(not self.specs[key].published for key in members)
            for key in members:
                spec = self.specs[key]
                if not spec.published and not spec.primary:
                    continue  # a latent figure only used as knowledge needs no protection
                others = [hidden(other) for other in members if other != key]
                self._enforce(sum(others) >= 1, hidden(key))
            if not has_latent:
                for part in parts:
                    others = [hidden(other) for other in parts if other != part]
                    self._enforce(sum(others) >= 1, hidden(total), hidden(part))
            if not self.specs[total].money:
                for part in parts:
                    spec = self.specs[part]
                    if spec.published or spec.primary:
                        hidden_sum = sum(self.specs[p].value * hidden(p) for p in parts)
                        self._enforce(hidden_sum >= SMALL, hidden(part), _negate(hidden(total)))
        counts = [key for key in self.choice if not self.specs[key].primary]
        unit = 1 + sum(self.specs[key].value for key in counts)
        model.minimize(
            sum(
                (self.specs[key].weight * unit + self.specs[key].value) * self.choice[key]
                for key in counts
            )
        )

    def _enforce(self, constraint, *conditions):
        """`constraint` if every condition holds; conditions are BoolVars or constants."""
        literals = []
        for condition in conditions:
            if isinstance(condition, int):
                if not condition:
                    return
                continue
            literals.append(condition)
        if isinstance(constraint, bool):
            if not constraint:
                self.model.add_bool_or([literal.Not() for literal in literals])
            return
        self.model.add(constraint).only_enforce_if(literals)

    def _solve_pattern(self):
        solver = cp_model.CpSolver()
        # One worker and a deterministic limit: the same figures give the same pattern,
        # whatever the machine's load (two patterns of the same table would reveal more).
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 0
        solver.parameters.max_deterministic_time = 20.0
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return {key for key, var in self.choice.items() if solver.boolean_value(var)}

    def solve(self):
        self._build()
        rounds = 0
        for stage in ("cuts", "lines", "all"):
            limit = {"cuts": ROUNDS, "lines": LINE_ROUNDS, "all": 1}[stage]
            if stage == "all":
                for var in self.choice.values():
                    self.model.add(var == 1)
            for _round in range(limit):
                rounds += 1
                decided = self._solve_pattern()
                if decided is None:
                    break
                hidden = self._published_hidden(decided)
                failures = _Attacker(self, hidden).failures()
                if not failures:
                    return hidden, rounds, (None if stage == "cuts" else stage)
                for key, binding in failures:
                    if stage == "lines":
                        self._hide_lines_of(key)
                    else:
                        self._cut(key, binding, decided)
        raise DisclosureError("the tables cannot be protected, even with every cell hidden")

    def _published_hidden(self, decided):
        return {
            key
            for key, spec in self.specs.items()
            if spec.published and self._decision(key) in decided
        }

    def _cut(self, key, binding, decided):
        """Hide at least one more of the cells that pin `key`: the shown cells of the lines
        the LP found binding, else of its own lines, else of the whole table."""
        for candidates in (
            binding,
            {cell for index in self.lines_of[key] for cell in _members(self.lines[index])},
            set(self.specs),
        ):
            shown = {self._decision(cell) for cell in candidates} - {None} - decided
            if shown:
                self.model.add_bool_or([self.choice[cell] for cell in sorted(shown, key=repr)])
                return

    def _hide_lines_of(self, key):
        for index in self.lines_of[key]:
            for cell in _members(self.lines[index]):
                decision = self._decision(cell)
                if decision is not None:
                    self.model.add(self.choice[decision] == 1)


def _members(line):
    total, parts = line
    return [total, *parts]


def _negate(condition):
    return 1 - condition if isinstance(condition, int) else condition.Not()


class _Attacker:
    """What a reader can work out from the published figures: the bounds of every hidden
    cell by linear programming, and the failures of the protection rules."""

    def __init__(self, component, hidden):
        self.component = component
        self.specs = component.specs
        self.hidden = hidden

    def failures(self):
        """[(key, keys of the cells that pin it)] for every cell not protected enough."""
        found = []
        for money in (False, True):
            system = _System(self.component, self.hidden, money)
            if not system.keys:
                continue
            for key in system.keys:
                spec = self.specs[key]
                if not (spec.published or spec.primary):
                    continue
                if money:
                    binding = self._amount_failure(system, key, spec)
                else:
                    binding = self._count_failure(system, key, spec)
                if binding is not None:
                    found.append((key, binding))
            if not money:
                found += self._group_failures(system)
        return found

    def _count_failure(self, system, key, spec):
        small = 0 < spec.value < SMALL
        low, binding_low = system.bound(key, +1, marks=True)
        high, binding_high = system.bound(key, -1, marks=True)
        if small and high - low < MARKED_SPREAD - TOLERANCE:
            return binding_low | binding_high
        # Without the marks' bounds (never tighter than with them).
        if low > TOLERANCE:
            low, binding_low = system.bound(key, +1, marks=False)
        if not _spread(low, high):
            high, binding_high = system.bound(key, -1, marks=False)
            if not _spread(low, high):
                return binding_high | binding_low
        return None

    def _amount_failure(self, system, key, spec):
        if spec.contributors >= SMALL:
            return None
        low, binding_low = system.bound(key, +1, marks=False)
        if low > (1 - MONEY_MARGIN) * spec.value + TOLERANCE:
            return binding_low
        high, binding_high = system.bound(key, -1, marks=False)
        if high < max((1 + MONEY_MARGIN) * spec.value, spec.value + 1) - TOLERANCE:
            return binding_high
        return None

    def _group_failures(self, system):
        """A hidden total under five must not be forced into one part of a line."""
        found = []
        for total, parts in self.component.lines:
            spec = self.specs[total]
            members = [total, *parts]
            if (
                spec.money
                or total not in self.hidden
                or not 0 < spec.value < SMALL
                or any(not self.specs[key].published for key in members)
            ):
                continue
            for part in parts:
                if part not in self.hidden:
                    continue
                difference = {total: 1.0, part: -1.0}
                high, binding = system.bound_of(difference, -1, marks=True)
                if high < 1 - TOLERANCE:
                    found.append((part, binding))
        return found


def _spread(low, high):
    """The protection of a hidden count: bounds 5 apart, or from 0 (or below) to 5."""
    return high - low >= SMALL - TOLERANCE or (low <= TOLERANCE and high >= SMALL - TOLERANCE)


class _System:
    """The attacker's linear programme for the counts (or the amounts) of a component: one
    GLOP model with the marks' bounds and one without, re-solved for each objective."""

    def __init__(self, component, hidden, money):
        specs = component.specs
        self.specs = specs
        self.keys = [
            key
            for key, spec in specs.items()
            if spec.money == money and (key in hidden or not spec.published)
        ]
        # A cap far above every true figure keeps each programme bounded (GLOP may report an
        # unbounded maximum as infeasible); reaching it means "no upper bound".
        self.cap = 10 * (1 + sum(spec.value for spec in specs.values() if spec.money == money))
        self.models = {marks: self._model(component, money, marks) for marks in (False, True)}

    def _model(self, component, money, marks):
        solver = pywraplp.Solver.CreateSolver("GLOP")
        variables = {}
        for key in self.keys:
            low, high = self._marked_bounds(key) if marks else (0, None)
            variables[key] = solver.NumVar(low, self.cap if high is None else high, "")
        constraints = []
        for total, parts in component.lines:
            if self.specs[total].money != money:
                continue
            coefficients = {total: -1.0}
            for part in parts:
                coefficients[part] = coefficients.get(part, 0.0) + 1.0
            hidden = {key: c for key, c in coefficients.items() if key in variables}
            if not hidden:
                continue
            constant = -sum(
                c * self.specs[key].value for key, c in coefficients.items() if key not in hidden
            )
            constraint = solver.Constraint(constant, constant)
            for key, coefficient in hidden.items():
                constraint.SetCoefficient(variables[key], coefficient)
            constraints.append((constraint, [total, *parts]))
        return solver, variables, constraints

    def _marked_bounds(self, key):
        spec = self.specs[key]
        if spec.money or not spec.published:
            return (0, None)
        return (0, SMALL - 1) if spec.value < SMALL else (SMALL, None)

    def bound(self, key, sense, *, marks):
        return self.bound_of({key: 1.0}, sense, marks=marks)

    def bound_of(self, expression, sense, *, marks):
        """min (sense +1) or max (sense -1) of a linear expression of hidden cells, and the
        cells of the lines that bind it (non-zero duals)."""
        solver, variables, constraints = self.models[marks]
        objective = solver.Objective()
        objective.Clear()
        for key, coefficient in expression.items():
            objective.SetCoefficient(variables[key], coefficient)
        if sense > 0:
            objective.SetMinimization()
        else:
            objective.SetMaximization()
        status = solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise DisclosureError(f"the attacker's programme ended with status {status}")
        value = objective.Value()
        if sense < 0 and value >= self.cap / 2:
            return math.inf, set()
        binding = set()
        for constraint, cells in constraints:
            if abs(constraint.dual_value()) > TOLERANCE:
                binding.update(cells)
        return value, binding
