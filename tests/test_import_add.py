"""`briefwright add PATH`: corpus text, original kept byte for byte, catalog entry appended with the
file's comments intact; idempotent; a changed file updates the text and names the stale briefs;
bad input is a clear message with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefwright.cli import main
from briefwright.corpus import catalog_edit
from briefwright.corpus.adding import add_source, catalog_entries
from briefwright.corpus.sources import load_corpus

from . import import_fixtures as fixtures
from .import_helpers import snapshot


@pytest.fixture
def news(tmp_path):
    path = tmp_path / "downloads" / "defense-triangle.html"
    path.parent.mkdir()
    path.write_bytes(fixtures.news_page(headline=fixtures.TEST_HEADLINE))
    return path


def test_add_web_page_writes_text_original_and_entry(run, workspace, news):
    catalog_before = workspace.catalog.read_text(encoding="utf-8")
    result = run("add", str(news))
    assert result.exit_code == 0, result.output
    assert "wrote seeds/originals/kazimbeyli-2017b.html" in result.output
    assert "wrote seeds/kazimbeyli-2017b.txt" in result.output
    assert (workspace.seeds / "originals" / "kazimbeyli-2017b.html").read_bytes() == news.read_bytes()
    catalog = workspace.catalog.read_text(encoding="utf-8")
    assert catalog.startswith(catalog_before.rstrip("\n"))          # comments and entries kept as written
    source = load_corpus(workspace).find("kazimbeyli-2017b")
    assert source.entry["container-title"] == "Caspian News"
    assert source.entry["author"] == [{"family": "Kazimbeyli", "given": "Yaver"}]
    assert source.entry["extractor"].startswith("trafilatura ")
    assert len(source.entry["original-sha256"]) == 64
    assert [p.text for p in source.paragraphs] == [" ".join(p.split()) for p in fixtures.news_article_paragraphs()]


def test_add_says_what_the_document_lacks(run, workspace, tmp_path):
    pdf = tmp_path / "article.pdf"
    pdf.write_bytes(fixtures.journal_pdf())
    result = run("add", str(pdf), "--id", "cij-2017-journal")
    assert result.exit_code == 0, result.output
    assert "11 paragraphs on 2 pages (41–42)" in result.output
    assert "not found in the document: author, container-title" in result.output
    text = (workspace.seeds / "cij-2017-journal.txt").read_text(encoding="utf-8")
    assert text.startswith("\f41\n")


def test_add_same_file_twice_changes_nothing(run, workspace, news):
    assert run("add", str(news)).exit_code == 0
    before = snapshot(workspace.root)
    result = run("add", str(news))
    assert result.exit_code == 0
    assert "kazimbeyli-2017b: unchanged" in result.output
    assert snapshot(workspace.root) == before


def test_add_changed_file_updates_text_keeps_history_and_names_stale_briefs(run, workspace, news, write_outline):
    assert run("add", str(news)).exit_code == 0
    write_outline("""
        title: "Imported"
        sections:
          - heading: One
            body:
              - '"the only country in the world"[@kazimbeyli-2017b] indeed.'
    """, "imported.yaml")
    assert run("build", "briefs/imported.yaml").exit_code == 0
    old = news.read_bytes()
    news.write_bytes(old.replace(b"the only country in the world", b"the sole country in the world"))
    result = run("add", str(news))
    assert result.exit_code == 0, result.output
    assert "kazimbeyli-2017b: updated" in result.output
    assert "briefs/imported.yaml: stale: source kazimbeyli-2017b" in result.output
    assert "edited:" in result.output and "the [-only-] {+sole+} country" in result.output
    history = list((workspace.seeds / "originals" / "history").iterdir())
    assert [p.read_bytes() for p in history] == [old]
    assert "the sole country" in (workspace.seeds / "kazimbeyli-2017b.txt").read_text(encoding="utf-8")
    assert run("status", "briefs/imported.yaml").output.startswith("briefs/imported.yaml: stale")


@pytest.mark.parametrize("make, name, message", [
    (fixtures.scanned_pdf, "scan.pdf", "no text layer"),
    (fixtures.encrypted_pdf, "locked.pdf", "encrypted"),
    (fixtures.broken_fonts_pdf, "garbled.pdf", "cannot be read (its fonts do not map to characters)"),
    (fixtures.no_article_page, "index.html", "no article body"),
    (lambda: b"PK\x03\x04 a spreadsheet", "sheet.xlsx", "unsupported type"),
])
def test_add_refuses_unusable_documents_and_writes_nothing(run, workspace, tmp_path, make, name, message):
    path = tmp_path / name
    path.write_bytes(make())
    before = snapshot(workspace.root)
    result = run("add", str(path))
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert snapshot(workspace.root) == before


def test_add_missing_file_and_bad_usage(run, workspace, news):
    before = snapshot(workspace.root)
    missing = run("add", "nowhere/article.html")
    assert missing.exit_code == 1 and "no such file" in missing.output
    bad_id = run("add", str(news), "--id", "no spaces please")
    assert bad_id.exit_code == 2 and "--id" in bad_id.output
    assert run("add").exit_code == 2
    assert snapshot(workspace.root) == before


def test_add_refuses_to_replace_a_hand_made_source(run, workspace, news):
    before = snapshot(workspace.root)
    result = run("add", str(news), "--id", "kazimbeyli-2017")
    assert result.exit_code == 1
    assert "already in the catalog with a text of its own (seeds/001_2aadb1dbeed98bb9.txt)" in result.output
    assert snapshot(workspace.root) == before


def test_add_to_a_workspace_without_a_catalog_starts_one(tmp_path, news):
    (tmp_path / "fresh" / "seeds").mkdir(parents=True)
    result = CliRunner().invoke(main, ["-C", str(tmp_path / "fresh"), "add", str(news)])
    assert result.exit_code == 0, result.output
    catalog = (tmp_path / "fresh" / "seeds" / "sources.yaml").read_text(encoding="utf-8")
    assert catalog.startswith("# The catalog") and "\nreferences:\n  - id: kazimbeyli-2017\n" in catalog
    from briefwright.workspace import Workspace
    assert load_corpus(Workspace.at(tmp_path / "fresh")).find("kazimbeyli-2017").entry["file"] == "kazimbeyli-2017.txt"


def test_add_help_has_examples(run):
    result = run("add", "--help")
    assert result.exit_code == 0 and "briefwright add ~/Downloads/article.html" in result.output


def test_an_imported_copy_of_a_seed_leaves_the_seeds_citation_as_it_was(run):
    listing = run("sources").output
    assert "kazimbeyli-2017      Kazimbeyli, “New Defense Triangle.”  (21 paras." in listing
    assert "kazimbeyli-2017-web  Kazimbeyli, “New Defense Triangle Emerges Between Azerbaijan, Turkey, " \
           "Pakistan.”  (16 paras., seeds/kazimbeyli-2017-web.txt)" in listing
    assert "cij-2017-pdf         “Response to Regional Challenges.”  (11 paras., seeds/cij-2017-pdf.txt)" in listing


def test_add_word_file_keeps_it_and_puts_its_footnotes_last(run, workspace, tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(fixtures.word_docx())
    result = run("add", str(path))
    assert result.exit_code == 0, result.output
    assert "wrote seeds/originals/aliyeva-2017.docx" in result.output
    assert (workspace.seeds / "originals" / "aliyeva-2017.docx").read_bytes() == path.read_bytes()
    source = load_corpus(workspace).find("aliyeva-2017")
    assert source.paragraphs[-1].text == f"[2] {fixtures.FOOTNOTES[2]}"
    assert source.entry["extractor"].startswith("pandoc 3.") and not source.paged


def test_a_source_extracted_by_another_extractor_version_is_flagged_and_re_extracted(run, workspace):
    catalog = workspace.catalog.read_text(encoding="utf-8")
    installed = next(line for line in catalog.splitlines() if "extractor: \"trafilatura" in line)
    workspace.catalog.write_text(catalog.replace(installed, '    extractor: "trafilatura 1.0.0"'), encoding="utf-8")
    listing = run("sources")
    assert ("warning: kazimbeyli-2017-web: extracted by trafilatura 1.0.0, but trafilatura 2." in listing.output
            and "re-extract with briefwright add seeds/originals/kazimbeyli-2017-web.html --id "
                "kazimbeyli-2017-web" in listing.output)
    again = run("add", "seeds/originals/kazimbeyli-2017-web.html", "--id", "kazimbeyli-2017-web")
    assert again.exit_code == 0 and "kazimbeyli-2017-web: updated" in again.output
    assert workspace.catalog.read_text(encoding="utf-8") == catalog
    assert "warning: kazimbeyli-2017-web" not in run("sources").output


def test_the_lock_records_the_extractor_and_a_new_extractor_version_makes_the_brief_stale(run, workspace,
                                                                                         write_outline):
    write_outline("""
        title: "Imported"
        sections:
          - heading: One
            body:
              - '"A new defense alliance in Asia is in the making"[@kazimbeyli-2017-web] said the paper.'
    """, "imported.yaml")
    write_outline("""
        title: "Seeds only"
        sections:
          - heading: One
            body:
              - 'Hand-made.[@kazimbeyli-2017 "the only country in the world"]'
    """, "seeds-only.yaml")
    assert run("build", "briefs/imported.yaml", "briefs/seeds-only.yaml").exit_code == 0
    recorded = load_corpus(workspace).find("kazimbeyli-2017-web").entry["extractor"]
    imported = json.loads((workspace.briefs / "imported.lock").read_text(encoding="utf-8"))
    assert imported["extractors"] == {"kazimbeyli-2017-web": recorded} and recorded.startswith("trafilatura ")
    assert "extractors" not in json.loads((workspace.briefs / "seeds-only.lock").read_text(encoding="utf-8"))

    # re-extracted by a newer trafilatura: the same text, a new extractor in the entry
    catalog = workspace.catalog.read_text(encoding="utf-8")
    workspace.catalog.write_text(catalog.replace(f'extractor: "{recorded}"', 'extractor: "trafilatura 9.0.0"'),
                                 encoding="utf-8")
    status = run("status")
    assert (f"briefs/imported.yaml: stale: extractor of kazimbeyli-2017-web ({recorded} → trafilatura 9.0.0)"
            in status.output)
    assert "briefs/seeds-only.yaml: up to date" in status.output
    assert run("build").exit_code == 0
    assert "briefs/imported.yaml: up to date" in run("status").output


def _waiting_on_a_lock(pid: int) -> bool:
    """Whether process `pid` is blocked waiting for a file lock (the kernel lists waiters with `->`)."""
    return any(line.split()[1] == "->" and line.split()[5] == str(pid)
               for line in Path("/proc/locks").read_text().splitlines() if len(line.split()) > 5)


def test_two_adds_at_once_take_turns_and_neither_entry_is_lost(workspace, news, tmp_path):
    """One add holds the catalog (this process); a second, in another process, must wait for it, then
    read the catalog as the first left it: both entries are there."""
    other = tmp_path / "downloads" / "other.html"
    other.write_bytes(fixtures.news_page(headline="A second article, added at the same moment"))
    with catalog_edit.catalog_lock(workspace.seeds):
        child = subprocess.Popen([sys.executable, "-m", "briefwright", "add", str(other), "--id", "second-web"],
                                 cwd=workspace.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while child.poll() is None and not _waiting_on_a_lock(child.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        waited = _waiting_on_a_lock(child.pid)
        add_source(workspace, str(news), "first-web")          # the first add, while the second waits
    output = child.communicate(timeout=120)[0].decode()
    assert waited, f"the second add did not wait for the catalog lock: {output}"
    assert child.returncode == 0, output
    ids = [entry["id"] for entry in catalog_entries(workspace)]
    assert "first-web" in ids and "second-web" in ids
    assert ids.count("first-web") == ids.count("second-web") == 1


NOTE_MD = """---
title: "Notes on the Corridor"
author: Jane Serjeant
date: 2020-03-04
---

# Notes on the Corridor

The corridor opened in **2018** and carried its first
freight in the spring, as [the ministry](https://example.org/mfa) *announced*.

- Traders in Baku say the route halved the journey to Karachi.
"""


def test_add_markdown_keeps_the_words_a_reader_sees_one_paragraph_a_line(run, workspace, tmp_path, write_outline):
    note = tmp_path / "corridor-notes.md"
    note.write_text(NOTE_MD, encoding="utf-8")
    result = run("add", str(note))
    assert result.exit_code == 0, result.output
    assert "wrote seeds/originals/serjeant-2020.md" in result.output
    assert (workspace.seeds / "originals" / "serjeant-2020.md").read_bytes() == note.read_bytes()
    source = load_corpus(workspace).find("serjeant-2020")
    assert [p.text for p in source.paragraphs][:2] == [
        "Notes on the Corridor",
        "The corridor opened in 2018 and carried its first freight in the spring, as the ministry announced."]
    assert source.entry["extractor"].startswith("pandoc 3.")
    write_outline("""
        title: Corridor
        sections:
          - heading: One
            body:
              - 'It "opened in 2018 and carried its first freight in the spring"[@serjeant-2020].'
    """)
    checked = run("check", "briefs/test.yaml")
    assert checked.exit_code == 0 and "ok, 1 note from 1 source" in checked.output, checked.output


def test_add_appends_to_a_catalog_of_library_size(run, workspace, tmp_path):
    """A Zotero library's catalog is megabytes: `add` reads it under the catalog's own limit."""
    (workspace.seeds / "filler.txt").write_text("A paragraph.\n", encoding="utf-8")
    entries = "".join(f"  - id: filler-{n}\n    file: filler.txt\n    type: report\n    title: \"{'A long filler title ' * 8}{n}\"\n"
                      for n in range(15_000))
    workspace.catalog.write_text(workspace.catalog.read_text(encoding="utf-8") + entries, encoding="utf-8")
    assert workspace.catalog.stat().st_size > 2_500_000
    note = tmp_path / "corridor-notes.txt"
    note.write_text("The corridor opened in 2018.\n", encoding="utf-8")
    result = run("add", str(note))
    assert result.exit_code == 0, result.output
    assert "corridor-notes" in [entry["id"] for entry in catalog_entries(workspace)]


def test_add_a_folder_adds_every_document_in_it_and_reports_the_one_it_cannot(run, workspace, tmp_path, news):
    folder = tmp_path / "downloads"                       # holds the news page already
    (folder / "notes").mkdir()
    (folder / "notes" / "corridor-notes.md").write_text(NOTE_MD, encoding="utf-8")
    (folder / "scan.pdf").write_bytes(fixtures.scanned_pdf())
    (folder / ".cache").mkdir()
    (folder / ".cache" / "old.txt").write_text("Not a source.\n", encoding="utf-8")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = run("add", str(folder))
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert [line for line in lines if line.startswith("[")] == [
        f"[1/3] {folder / 'defense-triangle.html'}", f"[2/3] {folder / 'notes' / 'corridor-notes.md'}",
        f"[3/3] {folder / 'scan.pdf'}"]
    assert "error: scan.pdf: " in result.output and "no text layer" in result.output
    assert lines[-1] == "2 added, 1 failed"
    ids = [entry["id"] for entry in catalog_entries(workspace)]
    assert "kazimbeyli-2017b" in ids and "serjeant-2020" in ids and "old" not in ids
    assert not (workspace.seeds / "scan.txt").exists()


def test_add_one_id_for_several_documents_is_bad_usage(run, workspace, tmp_path, news):
    other = tmp_path / "other.txt"
    other.write_text("A paragraph.\n", encoding="utf-8")
    catalog = workspace.catalog.read_bytes()
    result = run("add", str(news), str(other), "--id", "one-id")
    assert result.exit_code == 2 and "one id for 2 documents" in result.output, result.output
    assert workspace.catalog.read_bytes() == catalog
