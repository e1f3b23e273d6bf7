"""The Word edition: real Word footnotes carrying the PDF's notes, styled by the theme, same bytes each time."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import pytest
from pypdf import PdfReader

from briefwright.build import BuildOptions, Pipeline
from briefwright.regen.lock import lock_path, read_lock
from briefwright.regen.rebuild import build_one
from briefwright.render.citations import pandoc_path
from briefwright.workspace import Workspace

from .conftest import EXAMPLE, REPO


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ws")
    for name in ("seeds", "briefs", "data"):
        shutil.copytree(REPO / name, folder / name, ignore=shutil.ignore_patterns("*.lock"))
    workspace = Workspace.at(folder)
    pipeline = Pipeline(workspace)
    outline = folder / "briefs" / EXAMPLE.name
    outcome = build_one(pipeline, outline, BuildOptions(formats=("pdf", "html", "docx")))
    assert outcome.status == "built", outcome.messages
    return workspace, outline


def pandoc_json(path) -> dict:
    """The .docx as pandoc reads it back."""
    return json.loads(subprocess.run([str(pandoc_path()), "--from=docx", "--to=json", str(path)],
                                     capture_output=True, check=True).stdout)


def plain(node) -> str:
    """The text of a pandoc AST node (Str, Space, and everything inside)."""
    if isinstance(node, list):
        return "".join(plain(item) for item in node)
    if isinstance(node, dict):
        if node.get("t") == "Str":
            return node["c"]
        if node.get("t") in ("Space", "SoftBreak", "LineBreak"):
            return " "
        return plain(node.get("c", []))
    return ""


def footnotes(node) -> list[str]:
    """The text of every Note in the document, in order."""
    found = []
    if isinstance(node, list):
        for item in node:
            found += footnotes(item)
    elif isinstance(node, dict):
        if node.get("t") == "Note":
            return [plain(node["c"])]
        found += footnotes(node.get("c", []))
    return found


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_word_edition_has_a_real_footnote_for_each_note_of_the_pdf(built):
    workspace, _ = built
    docx = workspace.build / "azerbaijan-pakistan-turkey.docx"
    notes = footnotes(pandoc_json(docx)["blocks"])
    with zipfile.ZipFile(docx) as archive:
        footnotes_xml = archive.read("word/footnotes.xml").decode("utf-8")
    assert len(re.findall(r'<w:footnote (?![^>]*w:type=)', footnotes_xml)) == len(notes) == 46
    pdf_text = squashed(" ".join(page.extract_text() for page in PdfReader(workspace.build /
                                                                             "azerbaijan-pakistan-turkey.pdf").pages))
    for number, note in enumerate(notes, start=1):
        assert squashed(note) in pdf_text, f"note {number} of the .docx is not in the PDF: {note}"
    assert notes[0].startswith("Yaver Kazimbeyli")


def test_the_word_edition_carries_headings_lists_and_quotations(built):
    workspace, _ = built
    blocks = pandoc_json(workspace.build / "azerbaijan-pakistan-turkey.docx")["blocks"]
    kinds = {block["t"] for block in blocks}
    assert {"Header", "BulletList", "OrderedList", "BlockQuote", "Para"} <= kinds
    headings = [plain(block["c"][2]) for block in blocks if block["t"] == "Header"]
    assert "Key points" in headings and "Recommendations" in headings and "Sources" in headings


def test_the_word_edition_is_styled_by_the_themes_reference_document(built):
    workspace, _ = built
    with zipfile.ZipFile(workspace.build / "azerbaijan-pakistan-turkey.docx") as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    assert 'w:ascii="Linux Libertine O"' in styles and 'w:ascii="Inter"' in styles
    assert 'w:val="1F3A5F"' in styles


def test_the_word_edition_is_recorded_in_the_lock_and_rebuilt_to_the_same_bytes(built):
    workspace, outline = built
    docx = workspace.build / "azerbaijan-pakistan-turkey.docx"
    first = docx.read_bytes()
    lock, _ = read_lock(lock_path(outline))
    assert lock.outputs["docx"]["path"] == "build/azerbaijan-pakistan-turkey.docx"
    assert any(entry["path"] == "builtin:policy-brief/reference.docx" for entry in lock.files)
    docx.unlink()
    from briefwright.regen.freshness import FreshnessChecker
    options = BuildOptions(formats=("pdf", "docx"))
    assert FreshnessChecker(workspace, options).check(outline).reasons == ["docx edition missing"]
    assert FreshnessChecker(workspace, BuildOptions()).check(outline).state == "up to date"
    assert build_one(Pipeline(workspace), outline, options).status == "built"
    assert docx.read_bytes() == first


def test_when_pandoc_cannot_write_the_word_edition_nothing_is_written_and_nothing_is_left_behind(
        workspace, write_outline, tmp_path, monkeypatch):
    import tempfile

    from .conftest import minimal

    theme = workspace.templates / "broken-word"
    theme.mkdir()
    (theme / "theme.yaml").write_text("extends: policy-brief\ndocx_reference: not-a-word-file.docx\n",
                                      encoding="utf-8")
    (theme / "not-a-word-file.docx").write_bytes(b"this is not a zip archive\n")
    outline = write_outline("template: broken-word\n" + minimal('"A paragraph.[@trt-2021, para. 3]"'))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))   # where pandoc's folder is made
    outcome = build_one(Pipeline(workspace), outline, BuildOptions(formats=("pdf", "docx")))
    assert outcome.status == "failed"
    assert any("pandoc failed to write the Word edition" in m for m in outcome.messages), outcome.messages
    assert not (workspace.build / "test.pdf").exists() and not (workspace.build / "test.docx").exists()
    assert not lock_path(outline).exists()
    assert list(scratch.glob("briefwright-docx-*")) == []   # pandoc's temporary folder is gone


WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def table_cells(docx) -> list[list[tuple[str, str | None]]]:
    """Every row of the document's first table: (the cell's text, its paragraphs' alignment `w:jc`, or None)."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(docx) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    table = next(root.iter(f"{WORD}tbl"))
    rows = []
    for row in table.iter(f"{WORD}tr"):
        cells = []
        for cell in row.iter(f"{WORD}tc"):
            text = "".join(t.text or "" for t in cell.iter(f"{WORD}t"))
            alignments = {jc.get(f"{WORD}val") for jc in cell.iter(f"{WORD}jc")}
            cells.append((text, alignments.pop() if len(alignments) == 1 else None))
        rows.append(cells)
    return rows


def test_the_word_edition_sets_numbers_in_tables_on_the_right_as_the_pdf_does(built):
    """Table 1's Year column (numbers: set on the right in the PDF) is right-aligned in Word, heading too."""
    workspace, _ = built
    rows = table_cells(workspace.build / "azerbaijan-pakistan-turkey.docx")
    assert [cells[0] for cells in rows[:3]] == [("Year", "right"), ("2003", "right"), ("2010", "right")]
    assert len(rows) == 5 and all(cells[0][1] == "right" for cells in rows)
    assert all(alignment != "right" for cells in rows for _, alignment in cells[1:]), rows
