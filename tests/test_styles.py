"""Every CSL style: citations in pandoc's syntax equal pandoc's own rendering, note and in-text styles alike.

The golden files (tests/golden/styles/STYLE.json, `make golden`) are pandoc's HTML
for the same citations written as pandoc Markdown; briefwright sends them to pandoc
as JSON and renders the answer itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefwright.build import Pipeline, BuildOptions
from briefwright.render.citations import find_style, format_citations, is_note_style
from briefwright.workspace import Workspace

from .conftest import REPO

GOLDEN = Path(__file__).parent / "golden" / "styles"
SYNTAX = REPO / "tests" / "data" / "pandoc-syntax" / "pandoc-syntax.yaml"
STYLES = ["chicago-notes-bibliography", "chicago-author-date", "apa", "ieee", "mhra-notes", "oscola",
          "harvard-cite-them-right"]
NOTE_STYLES = {"chicago-notes-bibliography", "mhra-notes", "oscola"}


@pytest.fixture(scope="module")
def syntax():
    pipeline = Pipeline(Workspace.at(REPO))
    return pipeline, pipeline.check(SYNTAX)


@pytest.mark.parametrize("name", STYLES)
def test_citations_equal_pandocs_own_rendering(syntax, name):
    pipeline, checked = syntax
    golden = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    result = format_citations(checked.notes, pipeline.corpus, find_style(name, pipeline.workspace))
    assert len(golden["citations"]) == len(checked.notes) == 12
    for number, expected in enumerate(golden["citations"], start=1):
        assert result.text_of(number) == expected["text"], f"citation {number}: {expected['citation']}"
        assert result.notes[number - 1] == expected["note"], f"note {number}: {expected['citation']}"
    assert [list(entry) for entry in result.bibliography] == golden["bibliography"]
    assert result.note_style == (name in NOTE_STYLES) == is_note_style(find_style(name, pipeline.workspace))


def test_the_golden_files_say_what_the_forms_mean(syntax):
    """Spot checks of the golden files themselves, so a wrong regeneration cannot pass unseen."""
    apa = {row["citation"]: row for row in json.loads((GOLDEN / "apa.json").read_text())["citations"]}
    assert apa["[-@cij-2017]"]["text"] == "(2017)"                       # the author suppressed
    assert apa["@avdaliani-2020"]["text"] == "Avdaliani (2020)"          # in-text
    assert apa["[cf. @avdaliani-2020]"]["text"] == "(cf. Avdaliani, 2020)"  # a prefix
    chicago = json.loads((GOLDEN / "chicago-notes-bibliography.json").read_text())["citations"]
    assert chicago[1]["note"].startswith("See ") and chicago[2]["note"].startswith("Cf. ")
    assert "para. 6, emphasis added." in chicago[3]["note"]


def html_of(workspace: Workspace, path: Path) -> str:
    pipeline = Pipeline(workspace)
    checked = pipeline.check(path)
    html = pipeline.html(checked, format_citations(checked.notes, pipeline.corpus, checked.style,
                                                   checked.outline.lang))
    return html.split("</style>", 1)[1]  # the body, not the stylesheet's comments


@pytest.mark.parametrize("name", ["apa", "chicago-author-date", "ieee", "nature", "modern-language-association"])
def test_an_in_text_style_prints_citations_in_the_text_and_lists_references(workspace, name):
    path = workspace.briefs / "in-text.yaml"
    path.write_text(SYNTAX.read_text(encoding="utf-8") + f"style: {name}\n", encoding="utf-8")
    html = html_of(workspace, path)
    assert '<span class="fn"' not in html and '<a class="fn-call"' not in html  # no footnotes at all
    # every citation prints in the text (MLA prints nothing for [-@cij-2017], a work with no author)
    assert html.count('<span class="citation">') == (11 if name == "modern-language-association" else 12)
    assert "<h2>References</h2>" in html and "<h2>Sources</h2>" not in html


def test_a_note_style_lists_sources_and_prints_no_citation_in_the_text(workspace):
    path = workspace.briefs / "notes.yaml"
    path.write_text(SYNTAX.read_text(encoding="utf-8"), encoding="utf-8")
    html = html_of(workspace, path)
    assert html.count('<a class="fn-call"') == 12 and "<h2>Sources</h2>" in html
    assert re.findall(r'<span class="citation">(.*?)</span>', html) == ["Avdaliani", "Andrew Korybko"]


def test_an_author_date_brief_builds_a_pdf_with_no_footnote_area(workspace):
    from pypdf import PdfReader

    path = workspace.briefs / "apa.yaml"
    path.write_text(SYNTAX.read_text(encoding="utf-8") + "style: apa\n", encoding="utf-8")
    pipeline = Pipeline(workspace)
    result = pipeline.build(pipeline.check(path), BuildOptions())
    text = " ".join("".join(page.extract_text() for page in PdfReader(result.pdf).pages).split())
    assert "Armenia (Kazimbeyli, 2017, para. 15)." in text and "REFERENCES" in text.upper()
    assert result.note_pages == {}
