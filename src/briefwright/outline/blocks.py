"""Figures, tables and charts: the body blocks that show a picture or data.

`figure:` names an image in the workspace (SVG, PNG or JPEG), `table:` gives a
header and rows or names a CSV file, `chart:` draws columns of a CSV file as bars
or lines. They are read here into plain data (`Figure`, `Table`, `Chart`) that
every edition renders the same way. A caption, a source line and a table cell are
prose, so their citations become notes like any other; `prose()` yields them in
reading order (a table's caption, header, rows, then its source line).

Files are read once, through `workspace.read_inside` (no `..`, no symlink out,
regular files only, size caps), and kept as `DataFile`s whose SHA-256 the lock
records. `BlockReader` is mixed into the outline reader and logs every problem
at its place.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from yaml.nodes import ScalarNode

from ..errors import Position
from ..workspace import UnsafePath, read_inside

MAX_IMAGE_BYTES = 10_000_000
MAX_CSV_BYTES = 1_000_000
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
CHART_TYPES = ("bar", "line")
FIGURE_KEYS = {
    "figure": "the image: a workspace path to an SVG, PNG or JPEG file",
    "caption": "the caption, printed after 'Figure N.'",
    "alt": "the image described in words, for readers who cannot see it (required)",
    "source": "where the figure comes from: prose with citations",
}
TABLE_KEYS = {
    "caption": "the caption, printed after 'Table N.'",
    "header": "the column headings, a list",
    "rows": "the rows, a list of lists of cells",
    "csv": "instead of header and rows: a CSV file in the workspace, first row the header",
    "source": "where the figures come from: prose with citations",
}
CHART_KEYS = {
    "type": "bar or line",
    "csv": "the data: a CSV file in the workspace, first row the header",
    "x": "the column along the horizontal axis",
    "y": "the column (or list of columns) drawn",
    "caption": "the caption, printed after 'Figure N.'",
    "alt": "the chart described in words, for readers who cannot see it (required)",
    "source": "where the figures come from: prose with citations",
}
# A number as tables print them: 2003, 18.7, 1,250, -3, 12%, $4.5, −0.2
_NUMBER = re.compile(r"[-+−]?[$€£¥]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?")


@dataclass
class DataFile:
    """A workspace file an outline uses: its name as written, its path, and the bytes read."""

    name: str
    path: Path
    data: bytes = field(repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Cell:
    """A table cell: prose (None when empty); `numeric` when it holds a number alone."""

    prose: object | None = None   # reader.Prose
    numeric: bool = False


@dataclass
class Figure:
    image: DataFile
    media_type: str
    alt: str
    caption: object | None = None   # reader.Prose
    source: object | None = None
    number: int = 0                 # "Figure N", counted with the charts

    def prose(self):
        yield from (p for p in (self.caption, self.source) if p is not None)

    def files(self) -> list[DataFile]:
        return [self.image]


@dataclass
class Table:
    header: list[Cell]
    rows: list[list[Cell]]
    caption: object | None = None
    source: object | None = None
    csv: DataFile | None = None
    number: int = 0                 # "Table N"

    @property
    def numeric_columns(self) -> list[bool]:
        """For each column: True when every cell of it that is not empty holds a number."""
        columns = []
        for index in range(len(self.header)):
            cells = [row[index] for row in self.rows if index < len(row) and row[index].prose is not None]
            columns.append(bool(cells) and all(cell.numeric for cell in cells))
        return columns

    def prose(self):
        if self.caption is not None:
            yield self.caption
        for row in (self.header, *self.rows):
            yield from (cell.prose for cell in row if cell.prose is not None)
        if self.source is not None:
            yield self.source

    def files(self) -> list[DataFile]:
        return [self.csv] if self.csv else []


@dataclass
class Chart:
    kind: str                       # "bar" or "line"
    csv: DataFile
    x: str
    ys: list[str]
    alt: str
    caption: object | None = None
    source: object | None = None
    number: int = 0                 # "Figure N", counted with the figures

    def prose(self):
        yield from (p for p in (self.caption, self.source) if p is not None)

    def files(self) -> list[DataFile]:
        return [self.csv]

    @property
    def csv_text(self) -> str:
        return decode_csv(self.csv.data)


def number_blocks(sections) -> None:
    """Number figures and charts "Figure 1, 2, …" and tables "Table 1, 2, …" in reading order."""
    figures = tables = 0
    for section in sections:
        for block in section.body:
            if isinstance(block, (Figure, Chart)):
                figures += 1
                block.number = figures
            elif isinstance(block, Table):
                tables += 1
                block.number = tables


def is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text.strip()))


def decode_csv(data: bytes) -> str:
    return data.decode("utf-8").removeprefix("\ufeff")


class BlockReader:
    """Reads `figure:`, `table:` and `chart:` blocks; mixed into the outline reader.

    Needs from its host: `self.folder` (the workspace root), the NodeReader methods,
    `_unknown_keys`, `_prose` and `plain_text`.
    """

    def _figure(self, node, fields) -> Figure | None:
        self._unknown_keys(fields, FIGURE_KEYS, "figure")
        image = self._workspace_file(fields["figure"][1], "figure", MAX_IMAGE_BYTES)
        media_type = self._image_type(fields["figure"][1], image) if image else None
        alt = self._alt(node, fields, "figure")
        caption, source = self._caption_and_source(fields)
        if image is None or media_type is None or alt is None:
            return None
        return Figure(image, media_type, alt, caption, source)

    def _table(self, node, fields) -> Table | None:
        self._unknown_keys(fields, {"table": "the table's keys"}, "table block")
        inner = self.mapping(fields["table"][1], "table")
        if inner is None:
            return None
        self._unknown_keys(inner, TABLE_KEYS, "table")
        caption, source = self._caption_and_source(inner)
        if "csv" in inner:
            if "header" in inner or "rows" in inner:
                self.error(inner["csv"][0], "a table takes either csv: or header: with rows:, not both")
                return None
            return self._csv_table(inner["csv"][1], caption, source)
        if "header" not in inner or "rows" not in inner:
            self.error(fields["table"][1], "a table needs header: and rows:, or csv: (a CSV file, first row the header)")
            return None
        header = self._yaml_row(inner["header"][1], "the table's header")
        rows = [self._yaml_row(r, "a table row") for r in self.sequence(inner["rows"][1], "rows") or []]
        if header is None or any(row is None for row in rows):
            return None
        for row_node, row in zip(inner["rows"][1].value, rows):
            if len(row) != len(header):
                self.error(row_node, f"this row has {_cells(len(row))}; the header has {_cells(len(header))}")
        return Table(header, rows, caption, source)

    def _chart(self, node, fields) -> Chart | None:
        self._unknown_keys(fields, {"chart": "the chart's keys"}, "chart block")
        inner = self.mapping(fields["chart"][1], "chart")
        if inner is None:
            return None
        self._unknown_keys(inner, CHART_KEYS, "chart")
        for required in ("type", "csv", "x", "y"):
            if required not in inner:
                self.error(fields["chart"][1], f"a chart needs '{required}:' ({CHART_KEYS[required]})")
        kind = self.text(inner["type"][1], "type") if "type" in inner else None
        if kind is not None and kind not in CHART_TYPES:
            self.error(inner["type"][1], f"a chart's type is bar or line, not {kind!r}")
            kind = None
        alt = self._alt(fields["chart"][1], inner, "chart")
        caption, source = self._caption_and_source(inner)
        data = self._workspace_file(inner["csv"][1], "csv", MAX_CSV_BYTES) if "csv" in inner else None
        table = self._csv_rows(inner["csv"][1], data) if data else None
        x = self.text(inner["x"][1], "x") if "x" in inner else None
        ys = self._columns(inner["y"][1]) if "y" in inner else None
        if not (table and x and ys):
            return None
        header = [name.strip() for name, _ in table[0]]
        if not self._known_columns([(inner["x"][1], x)] + ys, header, data.name):
            return None
        if not self._numeric_columns(table, [name for _, name in ys], data) or not (kind and alt):
            return None
        return Chart(kind, data, x, [name for _, name in ys], alt, caption, source)

    # -- pieces --------------------------------------------------------------

    def _caption_and_source(self, fields):
        caption = self._prose(fields["caption"][1], "caption") if "caption" in fields else None
        source = self._prose(fields["source"][1], "source") if "source" in fields else None
        return caption, source

    def _alt(self, node, fields, what: str) -> str | None:
        if "alt" not in fields:
            self.error(node, f"a {what} needs 'alt:': the {what} described in words, for readers who cannot see it")
            return None
        return self.plain_text(fields["alt"][1], "alt")

    def _workspace_file(self, node, what: str, limit: int) -> DataFile | None:
        """Read the workspace file a scalar names, or log why not (at the scalar)."""
        name = self.text(node, what)
        if name is None:
            return None
        parts = PurePosixPath(name.replace("\\", "/"))
        if parts.is_absolute() or re.match(r"[A-Za-z]:", name):
            self.error(node, f"{what}: {name}: refused: an absolute path; name a file inside the workspace")
            return None
        if ".." in parts.parts:
            self.error(node, f"{what}: {name}: refused: a path with '..'; name a file inside the workspace")
            return None
        try:
            return DataFile(name, self.folder / parts, read_inside(self.folder / parts, self.folder, limit))
        except UnsafePath as error:
            reason = {"no such file": "no such file in the workspace"}.get(error.reason, error.reason)
            if reason.startswith("refused: the path leaves"):
                reason = "refused: the path leads outside the workspace (a symlink out of it)"
            self.error(node, f"{what}: {name}: {reason}")
        except OSError as error:
            self.error(node, f"{what}: {name}: cannot be read ({error.strerror or error})")
        return None

    def _image_type(self, node, image: DataFile) -> str | None:
        suffix = image.path.suffix.lower()
        if suffix not in IMAGE_TYPES:
            self.error(node, f"figure: {image.name}: not an SVG, PNG or JPEG file (by its name)")
            return None
        head = image.data[:512].lstrip()
        looks = {".png": image.data.startswith(b"\x89PNG\r\n\x1a\n"),
                 ".jpg": image.data.startswith(b"\xff\xd8\xff"), ".jpeg": image.data.startswith(b"\xff\xd8\xff"),
                 ".svg": b"<svg" in head or head.startswith(b"<?xml") and b"<svg" in image.data[:4096]}
        if not looks[suffix]:
            self.error(node, f"figure: {image.name}: the file is not a {suffix[1:].upper()} image")
            return None
        return IMAGE_TYPES[suffix]

    def _columns(self, node) -> list[tuple[object, str]] | None:
        """`y:` as [(node, column name)]: one name, or a list of them."""
        nodes = [node] if isinstance(node, ScalarNode) else self.sequence(node, "y")
        if nodes is None:
            return None
        if not nodes:
            self.error(node, "y: needs at least one column")
            return None
        names = [(n, self.text(n, "a column of y")) for n in nodes]
        return None if any(name is None for _, name in names) else names

    def _known_columns(self, wanted, header: list[str], file: str) -> bool:
        known = True
        for node, name in wanted:
            if name not in header:
                self.error(node, f"no column {name!r} in {file} (its columns: {', '.join(header)})")
                known = False
        return known

    def _numeric_columns(self, table, names: list[str], data: DataFile) -> bool:
        """Log each cell of the columns `names` that is not a number; True when there is none."""
        fine, header = True, [name.strip() for name, _ in table[0]]
        for row in table[1:]:
            for name in names:
                index = header.index(name)
                if index >= len(row):
                    continue
                text, where = row[index]
                plain = text.strip().replace(",", "").replace("−", "-")
                if plain and not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", plain):
                    self.log.error(where, f"column {name!r} of {data.name}: {text.strip()!r} is not a number")
                    fine = False
        return fine

    # -- rows ----------------------------------------------------------------

    def _yaml_row(self, node, what: str) -> list[Cell] | None:
        items = self.sequence(node, what)
        if items is None:
            return None
        return [self._yaml_cell(item) for item in items]

    def _yaml_cell(self, node) -> Cell:
        if isinstance(node, ScalarNode) and node.tag.endswith(("str", "null")) and not node.value.strip():
            return Cell()
        prose = self._prose(node, "a table cell")
        return _cell(prose)

    def _csv_table(self, node, caption, source) -> Table | None:
        data = self._workspace_file(node, "csv", MAX_CSV_BYTES)
        table = self._csv_rows(node, data) if data else None
        if not table:
            return None
        cells = [[_cell(self._csv_prose(text, where)) for text, where in row] for row in table]
        width = len(cells[0])
        for row, first in zip(cells[1:], table[1:]):
            if len(row) != width:
                self.log.error(first[0][1], f"this row of {data.name} has {_cells(len(row))}; its header has {_cells(width)}")
        return Table(cells[0], cells[1:], caption, source, data)

    def _csv_rows(self, node, data: DataFile) -> list[list[tuple[str, Position]]] | None:
        """The rows of a CSV file (blank lines skipped) as [(cell text, its position)], or None (logged)."""
        try:
            text = decode_csv(data.data)
        except UnicodeDecodeError as error:
            self.error(node, f"csv: {data.name}: not UTF-8 text (byte {data.data[error.start]:#04x}): "
                       "save the file as UTF-8")
            return None
        rows, lines = [], text.splitlines()
        try:
            reader = csv.reader(io.StringIO(text, newline=""))
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append(_located_cells(row, data.path, reader.line_num, lines))
        except csv.Error as error:
            self.error(node, f"csv: {data.name}: line {reader.line_num}: {error}")
            return None
        if len(rows) < 2:
            self.error(node, f"csv: {data.name}: needs a header row and at least one row of data")
            return None
        return rows

    def _csv_prose(self, text: str, where: Position):
        if not text.strip():
            return None
        return self.prose_text(text.strip(), lambda offset: Position(where.path, where.line, where.column + offset))


def _located_cells(row: list[str], path: Path, line: int, lines: list[str]) -> list[tuple[str, Position]]:
    """Each cell with its position: the line it ends on, and its column when it can be found there."""
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    cells, start = [], 0
    for cell in row:
        found = source_line.find(cell.strip(), start) if cell.strip() else -1
        column = found + 1 if found >= 0 else 1
        if found >= 0:
            start = found + len(cell.strip())
        cells.append((cell, Position(path, line, column)))
    return cells


def _cell(prose) -> Cell:
    if prose is None:
        return Cell()
    text = "".join(s for s in prose.parsed.segments if isinstance(s, str))
    return Cell(prose, is_number(text))


def _cells(count: int) -> str:
    return f"{count} cell" if count == 1 else f"{count} cells"
