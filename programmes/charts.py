"""Charts drawn on the server as SVG: readable without JavaScript, printable, no library.

`progress_chart` turns a cumulative series (quarter → figure) and its target into the
coordinates that templates/programmes/includes/progress_chart.html draws; the same figures are
always printed beside it as a table, which is what screen readers and exports use.

A point hidden by programmes.disclosure is given as None: it is not drawn (the line breaks
there) and does not count in the axis, whose top would otherwise give it away."""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 320, 160
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 24  # room for the axis labels


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    segments: list = field(default_factory=list)  # (polyline, area) of each run of points
    target_y: float | None = None
    y_ticks: list = field(default_factory=list)  # (y, label)
    x_ticks: list = field(default_factory=list)  # (x, label)
    last: tuple | None = None  # (x, y, label) of the latest figure, unless it is hidden
    empty: bool = True
    all_hidden: bool = False


def nice_ceiling(value):
    """The smallest of 1, 2, 2.5, 5 × 10^n that is at least `value`: round axis labels."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _number(value):
    return f"{value:,.0f}".replace(",", "\u202f") if value >= 1000 else f"{value:g}"


def progress_chart(series, *, target=None, x_labels=None):
    """series: [(label, cumulative value, or None where it is hidden)] in time order; target:
    the figure to reach. x_labels: which labels to print under the axis (the first and last
    by default)."""
    chart = Chart()
    if not series:
        return chart
    chart.empty = False
    shown = [value for _label, value in series if value is not None]
    chart.all_hidden = not shown
    top = nice_ceiling(max(shown + [target or 0]))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x_at(index):
        return LEFT + (plot_width * index / (len(series) - 1) if len(series) > 1 else plot_width)

    def y_at(value):
        return round(TOP + plot_height * (1 - value / top), 1)

    baseline = y_at(0)
    run = []
    for index, (_label, value) in enumerate(series + [(None, None)]):
        if value is not None:
            run.append((round(x_at(index), 1), y_at(value)))
            continue
        if run:
            points = " ".join(f"{x},{y}" for x, y in run)
            area = f"{run[0][0]},{baseline} {points} {run[-1][0]},{baseline}"
            chart.segments.append((points, area))
            run = []
    if target:
        chart.target_y = y_at(target)
    chart.y_ticks = [(y_at(top * share), _number(top * share)) for share in (0, 0.5, 1)]
    wanted = set(x_labels) if x_labels is not None else {series[0][0], series[-1][0]}
    chart.x_ticks = [
        (round(x_at(i), 1), label) for i, (label, _value) in enumerate(series) if label in wanted
    ]
    if series[-1][1] is not None:
        chart.last = (round(x_at(len(series) - 1), 1), y_at(series[-1][1]), _number(series[-1][1]))
    return chart
