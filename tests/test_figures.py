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
    (workspace.root / "data").mkdir(exist_ok=True)
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
      - [2003, "Azerbaijan–Pakistan[@cij-2017, para. 4]", "4,321"]
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


# -- rendering -------------------------------------------------------------------

LONG_ROWS = "".join(f"{2000 + n},{n * 3.5:.1f},\"{n * 1250:,}\"\n" for n in range(1, 91))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A brief with a figure, a table from rows and a long table from a CSV, built as PDF/UA with its HTML."""
    import shutil
    from click.testing import CliRunner
    from briefwright.cli import main
    from .conftest import REPO

    root = tmp_path_factory.mktemp("rendered")
    shutil.copytree(REPO / "seeds", root / "seeds")
    for folder in ("briefs", "figures", "data"):
        (root / folder).mkdir()
    (root / "figures" / "map.svg").write_text(SVG, encoding="utf-8")
    (root / "data" / "long.csv").write_text("Year,Exports,Tonnes\n" + LONG_ROWS, encoding="utf-8")
    text = outline_text("- Before.[@trt-2021, para. 1]", FIGURE, TABLE,
                        '- table:\n    caption: "A long series"\n    csv: data/long.csv')
    (root / "briefs" / "t.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(root), "build", "--html", "--pdf-variant", "ua-1"])
    assert result.exit_code == 0, result.output
    return root


def page_texts(pdf) -> list[str]:
    import subprocess
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def test_figures_and_tables_are_numbered_and_captioned_in_the_html(rendered):
    html = (rendered / "build" / "t.print.html").read_text(encoding="utf-8")
    assert '<span class="label">Figure 1.</span> The corridor\u2060<a class="fn-call" href="#note-2"' in html
    assert '<span class="label">Table 1.</span> Agreements\u2060<a class="fn-call" href="#note-4"' in html
    assert '<span class="label">Table 2.</span> A long series' in html
    assert 'Source: Adapted from\u2060<a class="fn-call" href="#note-3"' in html
    assert '<img src="data:image/svg+xml;base64,' in html and 'alt="Map of the corridor"' in html


def test_the_notes_of_captions_cells_and_sources_are_numbered_in_reading_order(rendered):
    import re
    html = (rendered / "build" / "t.print.html").read_text(encoding="utf-8")
    calls = [int(n) for n in re.findall(r'class="fn-call" href="#note-(\d+)"', html)]
    assert calls == [1, 2, 3, 4, 5, 6]
    note = dict(re.findall(r'data-note="(\d+)">(.*?)</span>(?=<|\s)', html))
    assert "Avdaliani" in note["2"] and "TRT World" in note["3"] and "Kazimbeyli" in note["4"]
    assert "Korybko" in note["6"]


def test_cells_of_number_columns_are_marked_and_set_on_the_right(rendered):
    import subprocess
    from xml.etree import ElementTree
    html = (rendered / "build" / "t.print.html").read_text(encoding="utf-8")
    assert '<th scope="col" class="num short">Count</th>' in html and '<th scope="col" class="short">Parties</th>' in html
    assert '<td class="num short">4,321</td>' in html
    layout = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(rendered / "build" / "t.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout
    words = [(w.text, float(w.get("xMin")), float(w.get("xMax")))
             for w in ElementTree.fromstring(layout).iter("{http://www.w3.org/1999/xhtml}word")]
    column = [w for w in words if w[0] in ("Count", "4,321", "7")]
    assert len(column) == 3, column
    assert max(w[2] for w in column) - min(w[2] for w in column) < 0.5   # one right edge
    assert max(w[1] for w in column) - min(w[1] for w in column) > 5     # different left edges


def test_only_columns_of_short_entries_are_kept_on_one_line(files):
    from briefwright.render.blocks import SHORT_CELL, table_view

    long_cell = "x" * (SHORT_CELL + 1)
    brief = checked(files, outline_text(f"- table:\n    header: [A, B]\n    rows:\n      - [{'y' * SHORT_CELL}, {long_cell}]"))
    view = table_view(brief.outline.sections[0].body[0], lambda prose: prose.text)
    assert [cell.short for cell in view.rows[0]] == [True, False]
    assert [cell.short for cell in view.header] == [True, False]


def test_a_long_table_breaks_across_pages_with_its_header_repeated(rendered):
    pages = [p for p in page_texts(rendered / "build" / "t.pdf") if p.strip()]
    with_rows = [p for p in pages if "2045" in p or "2090" in p or "2001" in p]
    assert len(with_rows) >= 2
    for page in with_rows:
        assert "Year" in page and "Exports" in page and "Tonnes" in page, page
    assert sum(page.count("Tonnes") for page in pages) == len(with_rows)


def test_figures_carry_their_alt_and_tables_their_cells_in_the_pdf_ua_structure(rendered):
    import pikepdf
    with pikepdf.open(rendered / "build" / "t.pdf") as pdf:
        elements = list(structure_elements(pdf.Root.StructTreeRoot.K))
    figures = [str(e.Alt) for e in elements if e.S == "/Figure"]
    assert figures == ["Map of the corridor"]
    roles = [str(e.S) for e in elements]
    # the long table breaks across pages and is still one Table: its header once, then its 90 rows
    assert roles.count("/Table") == 2 and roles.count("/THead") == 2 and roles.count("/TH") == 3 * 2
    assert roles.count("/TD") == 2 * 3 + 90 * 3 and roles.count("/TR") == 1 + 2 + 1 + 90


def structure_elements(node):
    import pikepdf
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from structure_elements(child)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        if "/K" in node:
            yield from structure_elements(node.K)


# -- the lock --------------------------------------------------------------------

def test_editing_a_csv_or_an_image_makes_the_brief_stale(files):
    import json
    from click.testing import CliRunner
    from briefwright.cli import main

    path = files.briefs / "t.yaml"
    path.write_text(outline_text(FIGURE, "- table:\n    csv: data/trade.csv"), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["build", "briefs/t.yaml"]).exit_code == 0
    lock = json.loads((files.briefs / "t.lock").read_text(encoding="utf-8"))
    assert [record["path"] for record in lock["data"]] == ["data/trade.csv", "figures/map.svg"]
    assert runner.invoke(main, ["status", "--check", "briefs/t.yaml"]).exit_code == 0

    (files.root / "data" / "trade.csv").write_text(TRADE_CSV.replace("10.5", "11.5"), encoding="utf-8")
    (files.root / "figures" / "map.svg").write_text(SVG.replace("#1f3a5f", "#000000"), encoding="utf-8")
    status = runner.invoke(main, ["status", "--check", "briefs/t.yaml"])
    assert status.exit_code == 1
    assert "stale: data data/trade.csv, data figures/map.svg" in status.output


def test_the_web_and_word_editions_carry_the_figures_and_tables(files):
    import zipfile
    from click.testing import CliRunner
    from briefwright.cli import main

    (files.briefs / "t.yaml").write_text(outline_text(FIGURE, TABLE), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--format", "pdf,html,docx", "briefs/t.yaml"])
    assert result.exit_code == 0, result.output
    web = (files.build / "t.html").read_text(encoding="utf-8")
    assert 'alt="Map of the corridor"' in web and '<span class="label">Table 1.</span>' in web
    assert '<td class="num short">4,321</td>' in web
    with zipfile.ZipFile(files.build / "t.docx") as docx:
        document = docx.read("word/document.xml").decode("utf-8")
        footnotes = docx.read("word/footnotes.xml").decode("utf-8")
    assert document.count("<w:tbl>") == 1 and 'descr="Map of the corridor"' in document
    assert "Figure 1." in document and "Table 1." in document
    assert "Avdaliani" in footnotes and "Korybko" in footnotes   # the caption's and the source line's notes


# -- charts ----------------------------------------------------------------------

def test_a_chart_is_an_svg_figure_in_the_theme_s_colours_with_its_alt(files):
    import base64
    import re
    from click.testing import CliRunner
    from briefwright.cli import main

    text = outline_text(FIGURE, CHART).replace("title: \"Figures\"", "title: \"Figures\"\ntheme:\n  accent: \"#7a1f2b\"")
    (files.briefs / "t.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--html", "--pdf-variant", "ua-1", "briefs/t.yaml"])
    assert result.exit_code == 0, result.output
    html = (files.build / "t.print.html").read_text(encoding="utf-8")
    assert '<figure class="figure chart" id="figure-2">' in html
    assert '<span class="label">Figure 2.</span> Trade, US$ million' in html
    svg = base64.b64decode(re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="Bar chart of trade">',
                                     html)[1]).decode("utf-8")
    assert svg.count('id="bar-1-') == 2 and svg.count('id="bar-2-') == 2   # two years, two series
    assert "#7a1f2b" in svg   # the outline's accent
    import pikepdf
    with pikepdf.open(files.build / "t.pdf") as pdf:
        alts = [str(e.Alt) for e in structure_elements(pdf.Root.StructTreeRoot.K) if e.S == "/Figure"]
    assert alts == ["Map of the corridor", "Bar chart of trade"]


def test_the_same_data_draws_the_same_chart_and_other_data_another(files):
    from briefwright.render.blocks import ChartLook, draw_chart

    brief = checked(files, outline_text(CHART))
    chart = brief.outline.sections[0].body[0]
    first = draw_chart(chart, ChartLook())
    assert draw_chart(chart, ChartLook()) == first
    chart.csv.data = TRADE_CSV.replace("14.25", "24.25").encode("utf-8")
    assert draw_chart(chart, ChartLook()) != first


def test_accept_never_rewrites_a_quotation_that_stands_in_a_csv_file(files):
    from click.testing import CliRunner
    from briefwright.cli import main
    from .test_drift import TRT, edit

    csv_text = 'Country,Position\nPakistan,"""the only country which does not recognise Armenia""[@trt-2021]"\n'
    (files.root / "data" / "stances.csv").write_text(csv_text, encoding="utf-8")
    path = files.briefs / "t.yaml"
    outline = outline_text("- table:\n    csv: data/stances.csv")
    path.write_text(outline, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["build", "briefs/t.yaml"]).exit_code == 0
    edit(files, TRT, "the only country which does not", "the only country that does not")
    result = runner.invoke(main, ["build", "--accept", "briefs/t.yaml"])
    assert result.exit_code == 1
    assert "data/stances.csv:2:1: error: cannot accept automatically: the quotation stands in a table's CSV file, " \
        "which --accept does not rewrite; edit it by hand:\n    the only country [-which-] {+that+} does not" \
        in result.output
    assert (files.root / "data" / "stances.csv").read_text(encoding="utf-8") == csv_text
    assert path.read_text(encoding="utf-8") == outline
