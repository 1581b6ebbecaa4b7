"""Small-cell suppression: no breakdown, on screen or exported, lets anyone pick out a person.

A count from 1 to 4 is shown as "< 5". When a breakdown has exactly one such cell, its total
would give it away (total − the others), so the next smallest cell is hidden too."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SMALL_CELL = 5
HIDDEN = _("< 5")


@dataclass(frozen=True)
class Cell:
    value: object  # a count, or a sum of euros
    hidden: bool = False

    def __str__(self):
        if self.hidden:
            return str(HIDDEN)
        return f"{self.value:,.0f}".replace(",", "\u202f")

    @property
    def export_value(self):
        """What a CSV or XLSX cell holds: the number, or the "< 5" text."""
        return str(HIDDEN) if self.hidden else self.value


def _small(value):
    return 0 < value < SMALL_CELL


def suppress(counts, amounts=None):
    """{label: count} → {label: Cell}, in the same order, with small cells hidden.

    With `amounts` ({label: sum}), the cells show the sums, hidden where fewer than five
    people (or businesses) make them up."""
    shown = amounts or counts
    cells = {label: Cell(shown.get(label, 0), _small(count)) for label, count in counts.items()}
    hidden = [label for label, cell in cells.items() if cell.hidden]
    if len(hidden) == 1:
        others = [
            (counts[label], label)
            for label, cell in cells.items()
            if not cell.hidden and counts[label]
        ]
        if others:
            _count, label = min(others)
            cells[label] = Cell(cells[label].value, True)
    return cells
