"""Charts: CSV rows drawn by matplotlib as SVG, in the theme's fonts and colours.

`chart_svg(csv_text, ChartSpec(...), ChartStyle(...))` returns the SVG as bytes.
The first CSV column (or `spec.x`) gives the categories or the x values, the
other columns (or `spec.series`) one bar group or one line each; numbers may
carry thousands separators ("18,735") and a blank cell is a gap.

Identical data and style give identical bytes: matplotlib's object-oriented API
only (no pyplot and its global state), the SVG backend, `svg.hashsalt` fixed,
no date in the metadata, and text drawn as paths from the theme's own font file
(so the picture does not depend on the fonts of the machine that builds it).
Each bar is an SVG group `bar-<series>-<row>`, each line `line-<series>`, so a
reader (or a test) can find them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

KINDS = ("bar", "line")
HASH_SALT = "briefwright"
BUILTIN_FONT = Path(__file__).resolve().parent.parent / "themes" / "policy-brief" / "fonts" / "Inter-Regular.otf"
MM = 1 / 25.4  # inches


class ChartProblem(ValueError):
    """The data cannot be drawn as asked: the message says which row, column or value."""


@dataclass(frozen=True)
class ChartSpec:
    kind: str                              # "bar" or "line"
    x: str | None = None                   # the column of categories / x values (default: the first)
    series: tuple[str, ...] = ()           # the columns drawn (default: every other column)
    y_label: str = ""
    width_mm: float = 120
    height_mm: float = 70


@dataclass(frozen=True)
class ChartStyle:
    """The theme's look: its font file and colours (CSS hex colours)."""

    font_file: Path = BUILTIN_FONT
    colours: tuple[str, ...] = ("#1f3a5f", "#9aa8b8", "#5b6673")   # accent first, then the others
    ink: str = "#1b1f24"
    rule: str = "#9aa8b8"
    size_pt: float = 7.5


@dataclass
class _Table:
    x: str
    labels: list[str]
    series: dict[str, list[float | None]] = field(default_factory=dict)


def chart_svg(csv_text: str, spec: ChartSpec, style: ChartStyle = ChartStyle()) -> bytes:
    """Draw `csv_text` as `spec` says, in `style`; return the SVG document."""
    with laid_out_chart(csv_text, spec, style) as canvas:
        out = io.BytesIO()
        canvas.print_svg(out, metadata={"Date": None})
    return out.getvalue()


@contextmanager
def laid_out_chart(csv_text: str, spec: ChartSpec, style: ChartStyle = ChartStyle()) -> Iterator[FigureCanvasSVG]:
    """The chart drawn and laid out, as an SVG canvas, while matplotlib's settings for it hold."""
    if spec.kind not in KINDS:
        raise ChartProblem(f"unknown chart type {spec.kind!r}: use one of {', '.join(KINDS)}")
    table = read_table(csv_text, spec)
    family = _register_font(style.font_file)
    settings = {"svg.hashsalt": HASH_SALT, "svg.fonttype": "path", "font.family": family,
                "font.size": style.size_pt, "axes.edgecolor": style.rule, "axes.labelcolor": style.ink,
                "xtick.color": style.ink, "ytick.color": style.ink, "text.color": style.ink}
    with rc_context(settings):
        figure = Figure(figsize=(spec.width_mm * MM, spec.height_mm * MM), dpi=72)   # SVG is drawn at 72 dpi: lay it out so
        canvas = FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        (_draw_bars if spec.kind == "bar" else _draw_lines)(axes, table, style)
        _finish(axes, table, spec, style)
        figure.tight_layout(pad=0.4)
        yield canvas


def read_table(csv_text: str, spec: ChartSpec) -> _Table:
    """The CSV's header and rows as labels and numeric series; a bad cell is a ChartProblem naming it."""
    rows = [row for row in csv.reader(io.StringIO(csv_text)) if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise ChartProblem("a chart needs a header row and at least one row of data")
    header = [cell.strip() for cell in rows[0]]
    x = spec.x or header[0]
    wanted = list(spec.series) or [name for name in header if name != x]
    for name in [x, *wanted]:
        if name not in header:
            raise ChartProblem(f"no column {name!r} in the data (columns: {', '.join(header)})")
    table = _Table(x, [row[header.index(x)].strip() for row in rows[1:]])
    for name in wanted:
        column = header.index(name)
        table.series[name] = [_number(row[column] if column < len(row) else "", line, name)
                              for line, row in enumerate(rows[1:], start=2)]
    return table


def _number(cell: str, line: int, column: str) -> float | None:
    text = cell.strip().replace(",", "").replace("\u2212", "-")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ChartProblem(f"row {line}, column {column!r}: {cell.strip()!r} is not a number") from None


def _register_font(path: Path) -> str:
    """Make the font file known to matplotlib and return its family name."""
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _draw_bars(axes, table: _Table, style: ChartStyle) -> None:
    count = len(table.series)
    width = 0.8 / count
    for number, (name, values) in enumerate(table.series.items()):
        offsets = [i - 0.4 + width * (number + 0.5) for i in range(len(table.labels))]
        bars = axes.bar(offsets, [v or 0 for v in values], width, label=name,
                        color=style.colours[number % len(style.colours)], linewidth=0)
        for row, bar in enumerate(bars):
            bar.set_gid(f"bar-{number + 1}-{row + 1}")
    axes.set_xticks(range(len(table.labels)), table.labels)


def _draw_lines(axes, table: _Table, style: ChartStyle) -> None:
    positions = range(len(table.labels))
    for number, (name, values) in enumerate(table.series.items()):
        shown = [(p, v) for p, v in zip(positions, values) if v is not None]
        (line,) = axes.plot([p for p, _ in shown], [v for _, v in shown], label=name, linewidth=1.4,
                            marker="o", markersize=2.5, color=style.colours[number % len(style.colours)])
        line.set_gid(f"line-{number + 1}")
    axes.set_xticks(list(positions), table.labels)


def _finish(axes, table: _Table, spec: ChartSpec, style: ChartStyle) -> None:
    """Plain axes in the theme's manner: no box, light horizontal rules, a legend only for several series."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color=style.rule, linewidth=0.4, alpha=0.6)
    axes.set_axisbelow(True)
    axes.tick_params(length=2, width=0.5)
    # A fixed number of ticks, not one that depends on the axes' height: the layout measures the
    # labels and then resizes the axes, and a locator that then chose finer steps ("12.5" for "12")
    # would print labels wider than the room made for them, cut off at the picture's edge.
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    if spec.y_label:
        axes.set_ylabel(spec.y_label)
    if len(table.series) > 1:
        axes.legend(frameon=False)
