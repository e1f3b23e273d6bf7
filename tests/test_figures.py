"""Figures, tables and charts: reading them, their errors, their notes, their rendering and their lock."""

from __future__ import annotations

import os
import textwrap

import pytest

from briefwright.build import Pipeline
from briefwright.errors import ProblemsFound
from briefwright.outline.blocks import Chart, Figure, Table
from briefwright.outline.reader import load_outline

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">'
       '<rect width="40" height="20" fill="#1f3a5f"/></svg>')
TRADE_CSV = "Year,Exports,Imports\n2015,10.5,\"1,200\"\n2016,12,14.25\n"


def outline_text(*blocks: str) -> str:
    """An outline whose one section's body holds `blocks` (YAML snippets, dedented)."""
    body = "".join(textwrap.indent(textwrap.dedent(b).strip("\n"), "      ") + "\n" for b in blocks)
    return f'title: "Figures"\nsections:\n  - heading: Data\n    body:\n{body}'


@pytest.fixture
def files(workspace):
    """The workspace with figures/map.svg and data/trade.csv."""
    (workspace.root / "figures").mkdir()
    (workspace.root / "figures" / "map.svg").write_text(SVG, encoding="utf-8")
    (workspace.root / "data").mkdir()
    (workspace.root / "data" / "trade.csv").write_text(TRADE_CSV, encoding="utf-8")
    return workspace


def problems(workspace, text: str) -> list[str]:
    path = workspace.briefs / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        Pipeline(workspace).check(path)
    return [str(p) for p in raised.value.problems]


def checked(workspace, text: str):
    path = workspace.briefs / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return Pipeline(workspace).check(path)


FIGURE = """
- figure: figures/map.svg
  caption: "The corridor[@avdaliani-2020, para. 15]"
  alt: "Map of the corridor"
  source: "Adapted from [@trt-2021, para. 2]"
"""
TABLE = """
- table:
    caption: "Agreements[@kazimbeyli-2017, para. 12]"
    header: [Year, Parties, Count]
    rows:
      - [2003, "Azerbaijan–Pakistan[@cij-2017, para. 4]", "1,250"]
      - [2010, "Azerbaijan–Turkey", 7]
    source: "[@korybko-2021, para. 3]"
"""
CHART = """
- chart:
    type: bar
    csv: data/trade.csv
    x: Year
    y: [Exports, Imports]
    caption: "Trade, US$ million"
    alt: "Bar chart of trade"
    source: "[@cij-2017, para. 5]"
"""


# -- reading -------------------------------------------------------------------

def test_figures_tables_and_charts_are_read_and_numbered_in_reading_order(files):
    brief = checked(files, outline_text(FIGURE, TABLE, CHART, "- table:\n    csv: data/trade.csv"))
    blocks = brief.outline.sections[0].body
    assert [type(b) for b in blocks] == [Figure, Table, Chart, Table]
    assert [b.number for b in blocks] == [1, 1, 2, 2]
    figure, table, chart, from_csv = blocks
    assert figure.media_type == "image/svg+xml" and figure.alt == "Map of the corridor"
    assert table.numeric_columns == [True, False, True]
    assert chart.kind == "bar" and chart.x == "Year" and chart.ys == ["Exports", "Imports"]
    assert [c.prose.text for c in from_csv.header] == ["Year", "Exports", "Imports"]
    assert [c.prose.text for c in from_csv.rows[0]] == ["2015", "10.5", "1,200"]


def test_notes_of_captions_cells_and_sources_follow_reading_order(files):
    brief = checked(files, outline_text("- Before.[@trt-2021, para. 1]", FIGURE, TABLE, CHART))
    cited = [(n.number, n.items[0].key, n.items[0].paragraphs) for n in brief.notes]
    assert cited == [(1, "trt-2021", (1, 1)), (2, "avdaliani-2020", (15, 15)), (3, "trt-2021", (2, 2)),
                     (4, "kazimbeyli-2017", (12, 12)), (5, "cij-2017", (4, 4)), (6, "korybko-2021", (3, 3)),
                     (7, "cij-2017", (5, 5))]


def test_a_citation_in_a_csv_cell_is_resolved_and_its_error_points_into_the_csv(files):
    (files.root / "data" / "cited.csv").write_text(
        'Year,Note\n2017,"Trade[@cij-2017, para. 4]"\n2018,"Gone[@cij-2017, para. 999]"\n', encoding="utf-8")
    found = problems(files, outline_text("- table:\n    csv: data/cited.csv"))
    assert len(found) == 1
    assert found[0].startswith("data/cited.csv:3:") and "para. 999 does not exist in cij-2017" in found[0]


# -- errors ----------------------------------------------------------------------

def test_a_figure_without_alt_is_an_error_at_the_block(files):
    found = problems(files, outline_text("- figure: figures/map.svg\n  caption: Map"))
    assert found == ["briefs/t.yaml:5:9: error: a figure needs 'alt:': the figure described in words, "
                     "for readers who cannot see it"]


def test_a_chart_without_alt_is_an_error(files):
    found = problems(files, outline_text(CHART.replace('    alt: "Bar chart of trade"\n', "")))
    assert len(found) == 1 and "a chart needs 'alt:'" in found[0]


def test_an_unknown_column_is_an_error_naming_the_columns(files):
    found = problems(files, outline_text(CHART.replace("[Exports, Imports]", "[Exports, Tonnes]")))
    assert found == ["briefs/t.yaml:9:24: error: no column 'Tonnes' in data/trade.csv "
                     "(its columns: Year, Exports, Imports)"]


def test_a_chart_column_that_is_not_numbers_is_an_error_in_the_csv(files):
    (files.root / "data" / "trade.csv").write_text("Year,Exports,Imports\n2015,ten,3\n", encoding="utf-8")
    found = problems(files, outline_text(CHART))
    assert found == ["data/trade.csv:2:6: error: column 'Exports' of data/trade.csv: 'ten' is not a number"]


def test_every_problem_of_the_blocks_is_reported_in_one_run(files):
    found = problems(files, outline_text(
        "- figure: ../outside.svg\n  alt: x",
        "- figure: figures/none.png\n  alt: x",
        "- table:\n    header: [A, B]\n    rows:\n      - [1]",
        "- chart:\n    type: pie\n    csv: data/trade.csv\n    x: Year\n    y: Exports\n    alt: x",
        "- table:\n    caption: c"))
    assert found == [
        "briefs/t.yaml:5:17: error: figure: ../outside.svg: refused: a path with '..'; name a file inside the workspace",
        "briefs/t.yaml:7:17: error: figure: figures/none.png: no such file in the workspace",
        "briefs/t.yaml:12:15: error: this row has 1 cell; the header has 2 cells",
        "briefs/t.yaml:14:17: error: a chart's type is bar or line, not 'pie'",
        "briefs/t.yaml:20:11: error: a table needs header: and rows:, or csv: (a CSV file, first row the header)",
    ]


def test_a_csv_symlinked_outside_the_workspace_is_refused(files, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.csv"
    outside.write_text("Year,Exports\n2015,1\n", encoding="utf-8")
    os.symlink(outside, files.root / "data" / "linked.csv")
    found = problems(files, outline_text("- table:\n    csv: data/linked.csv"))
    assert found == ["briefs/t.yaml:6:16: error: csv: data/linked.csv: refused: the path leads outside the "
                     "workspace (a symlink out of it)"]


def test_a_csv_that_is_not_a_regular_file_is_refused(files):
    os.mkfifo(files.root / "data" / "pipe.csv")
    found = problems(files, outline_text("- table:\n    csv: data/pipe.csv"))
    assert found == ["briefs/t.yaml:6:16: error: csv: data/pipe.csv: refused: not a regular file"]


def test_an_image_whose_bytes_are_not_its_kind_is_refused(files):
    (files.root / "figures" / "fake.png").write_text("not a picture", encoding="utf-8")
    found = problems(files, outline_text("- figure: figures/fake.png\n  alt: x"))
    assert found == ["briefs/t.yaml:5:17: error: figure: figures/fake.png: the file is not a PNG image"]


def test_the_outline_loader_reads_the_blocks_without_a_pipeline(files):
    path = files.briefs / "t.yaml"
    path.write_text(outline_text(FIGURE), encoding="utf-8")
    outline = load_outline(path, files.root)
    assert [f.name for f in outline.data_files()] == ["figures/map.svg"]
