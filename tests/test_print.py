"""Print quality: every note on the page of its call (stress corpus), typography checks, PDF/UA and PDF/A."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox

import briefwright.render.layout
from briefwright.render import weasyprint_fix
from briefwright.build import BuildOptions, Pipeline
from briefwright.render.citations import format_citations
from briefwright.render.layout import lay_out
from briefwright.render.pdf import PdfProblem, render_pdf
from briefwright.regen.rebuild import build_stale
from briefwright.render.html import builtin_themes
from briefwright.render.font_check import fallback_fonts
from briefwright.render.typography import find_faults, note_of
from briefwright.workspace import Workspace

from .conftest import EXAMPLE, REPO

DATA = Path(__file__).parent / "data"
STRESS = Path(__file__).parent / "stress"
THEMES = sorted(p.name for p in builtin_themes().iterdir() if (p / "brief.html").is_file())


@pytest.fixture
def unrepaired(monkeypatch):
    """WeasyPrint's own line layout, without `weasyprint_fix`, for the duration of a test."""
    from weasyprint.layout import block
    weasyprint_fix.apply()
    monkeypatch.setattr(block, "_linebox_layout", weasyprint_fix.original)


def defect_page() -> HTML:
    return HTML(string=(DATA / "footnote-defect.html").read_text(encoding="utf-8"))


# -- notes on the page of their call ------------------------------------------------

def test_the_repair_applies_to_the_pinned_weasyprint():
    assert weasyprint_fix.apply() is True


def test_unrepaired_weasyprint_sets_note_10_a_page_late_and_the_check_sees_it(unrepaired):
    layout = lay_out(defect_page(), {}, max_passes=1)
    assert layout.notes[10] == (1, 2)


def test_further_layout_passes_mend_what_the_repair_would(unrepaired):
    layout = lay_out(defect_page(), {})
    assert layout.passes >= 2
    assert all(call == page for call, page in layout.notes.values()), layout.notes


def test_the_repaired_layout_places_every_note_in_one_pass():
    weasyprint_fix.apply()
    layout = lay_out(defect_page(), {})
    assert layout.passes == 1
    assert all(call == page for call, page in layout.notes.values())


def test_the_hole_a_page_break_made_for_a_note_leaves_is_reported_not_excused_as_deliberate(unrepaired):
    layout = lay_out(defect_page(), {})
    assert layout.passes == 2     # the paragraph holding note 10's call was moved to page 2 by a break
    holes = [fault.message for fault in layout.faults if "a hole of" in fault.message]
    assert len(holes) == 1 and holes[0].startswith("page 1: a hole of "), layout.faults


def test_a_note_that_cannot_be_placed_fails_the_build_naming_it(unrepaired, monkeypatch, tmp_path):
    monkeypatch.setattr(briefwright.render.layout, "MAX_PASSES", 1)
    theme = Pipeline(Workspace.at(REPO)).check(EXAMPLE).theme
    with pytest.raises(PdfProblem, match="note 10, called on page 1, would be printed on page 2"):
        render_pdf((DATA / "footnote-defect.html").read_text(encoding="utf-8"), theme, tmp_path)


def stress_workspace(root: Path) -> Workspace:
    """A workspace at `root`: the repository's corpus plus the stand-in sources, and the stress outlines."""
    shutil.copytree(REPO / "seeds", root / "seeds")
    for text in (STRESS / "seeds").glob("*.txt"):
        shutil.copy(text, root / "seeds" / text.name)
    with open(root / "seeds" / "sources.yaml", "a", encoding="utf-8") as catalog:
        catalog.write("\n" + (STRESS / "seeds" / "catalog-extra.yaml").read_text(encoding="utf-8"))
    shutil.copytree(STRESS / "briefs", root / "briefs")
    return Workspace.at(root)


@pytest.fixture(scope="module")
def stress(tmp_path_factory) -> Pipeline:
    return Pipeline(stress_workspace(tmp_path_factory.mktemp("stress")))


def themed(outline: Path, theme: str) -> Path:
    """A copy of `outline` beside it that names `theme` as its template."""
    copy = outline.with_name(f"{outline.stem}--{theme}.yaml")
    copy.write_text(f"template: {theme}\n" + outline.read_text(encoding="utf-8"), encoding="utf-8")
    return copy


def render(pipeline: Pipeline, outline: Path, theme: str):
    """Check `outline` in `theme` and lay it out; return the checked brief and the rendered PDF."""
    checked = pipeline.check(themed(outline, theme))
    html = pipeline.html(checked, format_citations(checked.notes, pipeline.corpus, checked.style))
    return checked, render_pdf(html, checked.theme, pipeline.workspace.root)


def calls_in_last_lines(document) -> int:
    """How many pages end their text with a line holding a note's call."""
    count = 0
    for page in document.pages:
        flow = next(c for c in page._page_box.children if not isinstance(c, FootnoteAreaBox))
        lines = [box for box in flow.descendants() if isinstance(box, LineBox)]
        if lines and any(str(getattr(b, "element_tag", "")).endswith("::footnote-call")
                         for b in lines[-1].descendants()):
            count += 1
    return count


def call_holders(document) -> dict[int, set[str]]:
    """{note: the elements around its call}, each as `tag` and `tag.class` (for each class)."""
    holders: dict[int, set[str]] = {}

    def walk(box, around: frozenset):
        element, tag = getattr(box, "element", None), str(getattr(box, "element_tag", "") or "")
        if element is not None and "::" not in tag:
            around = around | {element.tag} | {f"{element.tag}.{c}" for c in (element.get("class") or "").split()}
        if (note := note_of(box, "footnote-call")) is not None:
            holders.setdefault(note, set()).update(around)
        for child in getattr(box, "children", []):
            walk(child, around)

    for page in document.pages:
        walk(page._page_box, frozenset())
    return holders


def laid_out_ids(document, prefix: str) -> list[int]:
    """The numbers N of the laid-out elements whose id is `prefix`N, in order, each once."""
    found = []
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None else None
            if ident and ident.startswith(prefix) and ident[len(prefix):].isdigit():
                found.append(int(ident[len(prefix):]))
    return list(dict.fromkeys(found))


STRESS_OUTLINES = sorted(p.stem for p in (STRESS / "briefs").glob("*.yaml"))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", STRESS_OUTLINES)
def test_every_stress_outline_sets_every_note_on_the_page_of_its_call(stress, name, theme):
    checked, rendered = render(stress, stress.workspace.briefs / f"{name}.yaml", theme)
    notes = rendered.layout.notes
    # every typographic check holds, but the runt last page (the stress outlines' length is arbitrary)
    # and holes above the notes (made on purpose: notes too long or too many for the text around them)
    assert [m for m in rendered.typography if "the last page holds only" not in m and "a hole of" not in m] == []
    document = rendered.layout.document
    if checked.settings["notes"] == "endnotes":  # no footnotes: every note is in the list at the end
        assert notes == {}
        assert laid_out_ids(document, "endnote-") == list(range(1, len(checked.notes) + 1))
        assert laid_out_ids(document, "call-") == list(range(1, len(checked.notes) + 1))
        return
    assert len(notes) == len(checked.notes)
    assert all(call == page for call, page in notes.values()), notes
    per_page = [sum(call == page for call, _ in notes.values()) for page in range(1, rendered.pages + 1)]
    holders = call_holders(document)
    # each outline really is the case it is named for
    if name == "block-quotations":
        assert any("blockquote" in tags for tags in holders.values()), holders
    elif name == "key-points":
        assert any("aside.key-points" in tags for tags in holders.values()), holders
    elif name == "list-items":
        assert any("li" in tags and "section.recommendations" in tags for tags in holders.values()), holders
        assert any("li" in tags and "section.recommendations" not in tags for tags in holders.values()), holders
    elif name == "dozen-notes":
        assert max(per_page) >= 12, per_page
    elif name == "sixty-notes":
        assert len(notes) == 60
    elif name == "last-lines":
        assert calls_in_last_lines(document) >= 1
    elif name == "long-note":
        longest = max(box.margin_height() for page in document.pages for child in page._page_box.children
                      if isinstance(child, FootnoteAreaBox) for box in child.children)
        assert longest > document.pages[0]._page_box.height / 2


# -- typography --------------------------------------------------------------------

def faults_of(html: str) -> list[str]:
    return [fault.message for fault in find_faults(HTML(string=html).render().pages)]


PAGE = "<style>@page { size: 120mm 80mm; margin: 10mm } body { font: 10pt/14pt serif } {}</style>"


def test_an_orphan_is_found():
    filler = "<p style='height: 44mm'></p>"
    text = " ".join(["word"] * 50)
    faults = faults_of(PAGE.replace("{}", "p { orphans: 1; widows: 1 }") + filler + f"<p>{text}</p>")
    assert faults == ["page 1: an orphan: the paragraph beginning 'word word word word word word …' leaves one "
                      "line at the foot of the page"]


def test_a_widow_is_found():
    filler = "<p style='height: 29mm'></p>"
    text = " ".join(["word"] * 50)
    faults = faults_of(PAGE.replace("{}", "p { orphans: 1; widows: 1; margin: 0 }") + filler + f"<p>{text}</p>")
    assert "page 2: a widow: the paragraph beginning 'word word word word word word …' carries one line over " \
           "to the top of the page" in faults, faults
    assert not any("orphan" in f for f in faults), faults


def test_a_heading_alone_at_the_foot_of_a_page_is_found():
    html = (PAGE.replace("{}", "h2 { break-after: auto; margin: 0 }") + "<div style='height: 52mm'></div>"
            "<h2>Stranded</h2><p style='break-inside: avoid'>" + " ".join(["text"] * 40) + "</p>")
    assert any("the heading 'Stranded' stands alone" in f for f in faults_of(html))


def test_an_overfull_line_is_found():
    html = PAGE.replace("{}", "") + "<p>see https://example.org/" + "a" * 120 + "</p>"
    assert any("overfull line in the text" in f for f in faults_of(html))


def test_a_box_kept_together_split_although_it_fits_is_found():
    """A quotation may split with two lines or more on either side; with one line alone, it is a fault."""
    html = (PAGE.replace("{}", "blockquote p { margin: 0 }") + "<p style='height: 47mm'></p><blockquote "
            "style='margin: 0'><p>quoted alone</p><p>" + " ".join(["quoted"] * 60) + "</p></blockquote>")
    assert any("a block quotation beginning 'quoted alone" in f for f in faults_of(html))
    mended = lay_out(HTML(string=html), {})
    assert mended.passes == 2 and mended.faults == []


def test_runs_of_hyphenated_lines_are_mended_by_another_pass():
    words = " ".join(["internationalisation", "responsibilities", "characteristically"] * 12)
    html = (f"<html lang=en><style>@page {{ size: 60mm 200mm; margin: 5mm }} p {{ hyphens: auto; "
            f"text-align: justify; font: 10pt serif }}</style><p>{words}</p></html>")
    first = lay_out(HTML(string=html), {}, max_passes=1)
    assert any("hyphenated lines in a row" in f.message for f in first.faults)
    mended = lay_out(HTML(string=html), {})
    assert mended.passes == 2
    assert not any("hyphenated" in f.message for f in mended.faults)


def test_text_in_a_font_the_theme_does_not_declare_is_a_fault():
    assert fallback_fonts({"BW Text", "DejaVu Sans"}, {"BW Text", "BW Sans"})[0].message.startswith(
        "text set in 'DejaVu Sans'")
    assert fallback_fonts({"BW Text"}, {"BW Text", "BW Sans"}) == []


def test_the_themes_fonts_hold_every_character_the_corpus_needs(tmp_path):
    checked = Pipeline(Workspace.at(REPO)).check(EXAMPLE)
    theme, css = checked.theme, checked.theme.read_stylesheets() + checked.settings.css()
    text = "Məmmədyarov Çavuşoğlu İlham ş ğ ç — – “quoted” ‘single’ … é ü ö"
    html = f"<style>{css}</style><p>{text}</p><h2>{text}</h2>"
    rendered = render_pdf(html, theme, tmp_path)
    assert rendered.typography == []


# -- the example brief: fonts, accessible and archival variants -----------------------

@dataclass
class Built:
    outline: Path
    pdf: Path


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, Built]:
    """The example brief built (as `briefwright build` does: PDF, then lock) as PDF/UA-1, then as PDF/A-3b."""
    root = tmp_path_factory.mktemp("variants")
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "briefs").mkdir()
    outline = root / "briefs" / EXAMPLE.name
    shutil.copy(EXAMPLE, outline)
    built = {}
    for variant in ("ua-1", "a-3b"):
        options = BuildOptions(output=root / variant, pdf_variant=variant)
        [outcome] = build_stale(Workspace.at(root), [outline], options, force=True, jobs=1)
        assert outcome.status == "built", outcome.messages
        built[variant] = Built(outline, root / variant / f"{EXAMPLE.stem}.pdf")
    return built


def test_every_font_is_embedded_and_comes_from_the_theme(variants):
    listing = subprocess.run(["pdffonts", str(variants["ua-1"].pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert listing
    for row in listing:
        columns = row.split()
        assert "BW-" in columns[0], row
        assert columns[-5] == "yes", row  # emb


def test_a_ua_1_brief_is_tagged_with_language_title_and_structure(variants):
    import pikepdf
    with pikepdf.open(variants["ua-1"].pdf) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en"
        assert bool(root.MarkInfo.Marked)
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        roles = structure_roles(root.StructTreeRoot.K)
        assert {"/H1", "/H2", "/L", "/LI", "/BlockQuote", "/P", "/Link"} <= roles, roles
        assert b"pdfuaid:part" in root.Metadata.read_bytes()
        links = [str(a.Dest) for page in pdf.pages for a in page.get("/Annots", []) if "/Dest" in a]
        assert [d for d in links if d.startswith("note-")] == [f"note-{n}" for n in range(1, 47)]
    info = subprocess.run(["pdfinfo", str(variants["ua-1"].pdf)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info


def structure_roles(node, roles=None) -> set[str]:
    import pikepdf
    roles = set() if roles is None else roles
    if isinstance(node, pikepdf.Array):
        for child in node:
            structure_roles(child, roles)
    elif isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            roles.add(str(node.S))
        if "/K" in node:
            structure_roles(node.K, roles)
    return roles


def test_an_a_3b_brief_carries_its_outline_and_its_own_lock(variants):
    """The lock inside is this build's: the one written beside the outline, less the PDF's own hash."""
    import pikepdf
    result = variants["a-3b"]
    with pikepdf.open(result.pdf) as pdf:
        files = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
        assert files[EXAMPLE.name] == result.outline.read_bytes()
        carried = json.loads(files[EXAMPLE.with_suffix(".lock").name])
        written = json.loads(result.outline.with_suffix(".lock").read_text(encoding="utf-8"))
        assert written["pdf"]["sha256"] == hashlib.sha256(result.pdf.read_bytes()).hexdigest()
        assert carried["pdf"]["sha256"] is None
        carried["pdf"]["sha256"] = written["pdf"]["sha256"]
        assert carried == written
        metadata = pdf.Root.Metadata.read_bytes()
        assert re.search(rb"pdfaid:part(>|=\")3\b", metadata), metadata
        assert re.search(rb"pdfaid:conformance(>|=\")B\b", metadata), metadata
        associated = [(str(spec.UF), str(spec.AFRelationship)) for spec in pdf.Root.AF]
        assert sorted(associated) == sorted([(EXAMPLE.name, "/Source"), (EXAMPLE.with_suffix(".lock").name, "/Source")])


def test_archival_and_accessible_briefs_pass_qpdf_and_repeat_byte_for_byte(variants):
    for result in variants.values():
        subprocess.run(["qpdf", "--check", str(result.pdf)], capture_output=True, check=True)
    first = variants["a-3b"].pdf.read_bytes()
    workspace = Workspace.at(variants["a-3b"].outline.parent.parent)
    build_stale(workspace, [variants["a-3b"].outline], BuildOptions(output=variants["a-3b"].pdf.parent,
                                                                    pdf_variant="a-3b"), force=True, jobs=1)
    assert variants["a-3b"].pdf.read_bytes() == first


def test_pdf_variant_in_the_outline_is_checked(write_outline):
    from .conftest import minimal
    path = write_outline(minimal("Text.") + "pdf_variant: pdf/x-4\n")
    with pytest.raises(Exception, match=r"test.yaml:\d+:14: error: pdf_variant must be one of ua-1, a-3b"):
        Pipeline(Workspace.at(path.parent.parent)).check(path)


def test_a_ua_1_brief_gives_every_figure_its_alt_text(workspace):
    """The institute theme's logo is a figure: PDF/UA needs its alternative text."""
    import pikepdf
    pipeline = Pipeline(workspace)
    outline = workspace.briefs / "azerbaijan-pakistan-economy.yaml"
    result = pipeline.build(pipeline.check(outline), BuildOptions(pdf_variant="ua-1"))
    figures = []

    def collect(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                collect(child)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                figures.append(str(node.get("/Alt", "")))
            if "/K" in node:
                collect(node.K)

    with pikepdf.open(result.pdf) as pdf:
        collect(pdf.Root.StructTreeRoot.K)
    assert figures and all(figures), figures


def test_a_runt_last_page_is_found():
    words = " ".join(["word"] * 20)  # two lines, pushed whole to a page of their own
    html = PAGE.replace("{}", "p { margin: 0 }") + "<p style='height: 55mm'></p>" + f"<p>{words}</p>"
    assert any("the last page holds only" in f for f in faults_of(html))
    assert not any("the last page" in f for f in faults_of(PAGE.replace("{}", "") + f"<p>{words}</p>" * 12))
