"""Figures, tables and charts as the templates see them (and as the web and Word editions can).

`figure_view` and `table_view` turn a resolved block (outline/blocks.py) into plain
data: its label ("Figure 2", "Table 1"), caption and source line as HTML with their
note calls, the image as a `data:` URL (so nothing is fetched while printing), or the
table's cells with the columns of numbers marked. A chart is drawn here, through
render/charts.py (matplotlib, the theme's font and colours), and shown like a figure.
The theme's `blocks.html` prints these views.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from ..outline.blocks import Cell, Chart, Figure, Table


@dataclass
class FigureView:
    """A figure or a chart: an image with its alternative text, label, caption and source line."""

    kind: str                    # "figure" or "chart"
    number: int
    label: str                   # "Figure 3"
    alt: str
    src: str                     # a data: URL
    media_type: str
    caption: Markup | None = None
    source: Markup | None = None
    image: bytes = field(default=b"", repr=False)   # the image itself (for editions that embed it otherwise)


@dataclass
class CellView:
    html: Markup
    numeric: bool                # a column of numbers: set on the right
    short: bool = False          # a column of short entries (or numbers): never broken over two lines

    @property
    def classes(self) -> str:
        return " ".join(name for name, wanted in (("num", self.numeric), ("short", self.short)) if wanted)


@dataclass
class TableView:
    number: int
    label: str                   # "Table 1"
    header: list[CellView]
    rows: list[list[CellView]]
    caption: Markup | None = None
    source: Markup | None = None


@dataclass(frozen=True)
class ChartLook:
    """What a chart takes from the theme: its heading font file and its colours."""

    font_file: Path | None = None
    colours: tuple[str, ...] = ("#1f3a5f", "#9aa8b8", "#5b6673")
    ink: str = "#1b1f24"
    rule: str = "#9aa8b8"


def figure_view(figure: Figure, render_prose) -> FigureView:
    """The view of a figure; `render_prose(prose)` gives a prose item's HTML with its note calls."""
    return FigureView("figure", figure.number, f"Figure {figure.number}", figure.alt,
                      data_url(figure.media_type, figure.image.data), figure.media_type,
                      _optional(figure.caption, render_prose), _optional(figure.source, render_prose),
                      figure.image.data)


def chart_view(chart: Chart, render_prose, look: ChartLook) -> FigureView:
    """The view of a chart: drawn as SVG by render/charts.py, then shown as a figure."""
    svg = draw_chart(chart, look)
    return FigureView("chart", chart.number, f"Figure {chart.number}", chart.alt,
                      data_url("image/svg+xml", svg), "image/svg+xml",
                      _optional(chart.caption, render_prose), _optional(chart.source, render_prose), svg)


CHART_HEIGHT_MM = 60   # 120 mm wide (scaled to the column), a little flatter than charts.py's default
SHORT_CELL = 24   # characters: a column whose entries are all this short is set without line breaks


def table_view(table: Table, render_prose) -> TableView:
    numeric = table.numeric_columns
    width = len(table.header)
    short = [numeric[i] or all(len(_plain(row[i])) <= SHORT_CELL for row in table.rows if i < len(row))
             for i in range(width)]

    def row(cells: list[Cell]) -> list[CellView]:
        padded = cells + [Cell()] * (width - len(cells))
        return [CellView(render_prose(c.prose) if c.prose else Markup(""),
                         numeric[i] if i < width else c.numeric, short[i] if i < width else False)
                for i, c in enumerate(padded)]

    return TableView(table.number, f"Table {table.number}", row(table.header), [row(r) for r in table.rows],
                     _optional(table.caption, render_prose), _optional(table.source, render_prose))


def draw_chart(chart: Chart, look: ChartLook) -> bytes:
    """The chart as SVG bytes: the same data and look always give the same bytes."""
    from .charts import ChartSpec, ChartStyle, chart_svg  # imports matplotlib, which only rendering needs

    style = ChartStyle(colours=look.colours, ink=look.ink, rule=look.rule)
    if look.font_file is not None:
        style = ChartStyle(font_file=look.font_file, colours=look.colours, ink=look.ink, rule=look.rule)
    spec = ChartSpec(chart.kind, chart.x, tuple(chart.ys), height_mm=CHART_HEIGHT_MM)
    return chart_svg(chart.csv_text, spec, style)


def chart_look(settings, stylesheet: str, locate) -> ChartLook:
    """The theme's look for charts: its accent colours, and the regular face of its heading font.

    `locate(relative)` finds a file of the theme chain (Theme.locate); a font not found
    there leaves matplotlib with the built-in one.
    """
    family = settings["heading_font"].split(",")[0].strip().strip("'\"")
    font = None
    for rule in re.finditer(r"@font-face\s*{([^}]*)}", stylesheet):
        body = rule[1]
        named = re.search(r"font-family:\s*['\"]?([^;'\"]+)", body)
        if named and named[1].strip() == family and not re.search(r"font-(weight|style)", body):
            url = re.search(r"url\(\s*['\"]?([^)'\"]+)", body)
            font = locate(url[1]) if url and url[1].lower().endswith((".otf", ".ttf")) else None
            break
    return ChartLook(font, (settings["accent"], settings["rule"], settings["muted"]), settings["ink"],
                     settings["rule"])


def _plain(cell: Cell) -> str:
    """A cell's words as printed, without its citations."""
    if cell.prose is None:
        return ""
    return "".join(s for s in cell.prose.parsed.segments if isinstance(s, str))


def data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _optional(prose, render_prose) -> Markup | None:
    return render_prose(prose) if prose is not None else None
