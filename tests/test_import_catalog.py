"""`briefwright catalog import`: BibTeX / BibLaTeX and CSL-JSON read by pandoc, merged into the
catalog as text (comments and entries kept), conflicts reported, attached files added."""

from __future__ import annotations

import json

import pytest

from briefwright.corpus.sources import load_corpus

from . import import_fixtures as fixtures
from .import_helpers import snapshot

BIB = """
@article{aliyeva-2017,
  title = {Response to {Regional} {Challenges}},
  author = {Aliyeva, Nigar and Mammadov, Farid},
  journaltitle = {Caucasus International Journal},
  volume = {7}, number = {2}, pages = {41--60}, date = {2017},
  file = {Full Text:papers/cij.pdf:application/pdf}
}
@article{kazimbeyli-2017,
  title = {New Defence Triangle},
  author = {Kazimbeyli, Yaver},
  journaltitle = {Caspian News}, date = {2017-12-05}
}
@book{serjeant-2020, title = {A Book on Ports}, author = {Serjeant, Anne}, date = {2020}, publisher = {Press},
  file = {/nowhere/serjeant.pdf}}
"""


@pytest.fixture
def library(workspace):
    (workspace.root / "papers").mkdir()
    (workspace.root / "papers" / "cij.pdf").write_bytes(fixtures.journal_pdf())
    path = workspace.root / "library.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def test_bib_entries_are_merged_keeping_the_catalog_text(run, workspace, library):
    before = workspace.catalog.read_text(encoding="utf-8")
    result = run("catalog", "import", "library.bib")
    assert result.exit_code == 0, result.output
    after = workspace.catalog.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n")) and "# The catalog: CSL-YAML" in after
    assert "2 added, 0 already there, 1 conflicts" in result.output
    corpus = load_corpus(workspace)
    book = corpus.broken.get("serjeant-2020")
    assert book and "seeds/serjeant-2020.txt does not exist" in book
    assert "serjeant-2020: its file /nowhere/serjeant.pdf is not found" in result.output


def test_an_attached_file_in_the_workspace_is_added_with_the_entry_fields(run, workspace, library):
    result = run("catalog", "import", "library.bib")
    assert "aliyeva-2017: added its file papers/cij.pdf" in result.output
    source = load_corpus(workspace).find("aliyeva-2017")
    assert source.paged and source.page_labels == ["41", "42"]
    assert source.entry["author"][0] == {"family": "Aliyeva", "given": "Nigar"}
    assert source.entry["container-title"] == "Caucasus International Journal"
    assert source.entry["page"] == "41-60"
    assert (workspace.seeds / "originals" / "aliyeva-2017.pdf").read_bytes() == fixtures.journal_pdf()


def test_an_imported_entry_without_its_file_gets_its_text_from_add_with_its_id(run, workspace, library, tmp_path):
    """The import says 'add it with: briefwright add FILE --id ID': that command must then work."""
    result = run("catalog", "import", "library.bib")
    assert "add it with: briefwright add FILE --id serjeant-2020" in result.output
    assert ("warning: catalog entry 'serjeant-2020': its file seeds/serjeant-2020.txt does not exist; add its "
            "document with: briefwright add FILE --id serjeant-2020") in run("sources").output
    book = tmp_path / "ports.md"
    book.write_text("# Ports\n\nThe harbour at Gwadar was\ndeepened in 2016.\n", encoding="utf-8")
    added = run("add", str(book), "--id", "serjeant-2020")
    assert added.exit_code == 0, added.output
    assert "serjeant-2020: added, 2 paragraphs" in added.output
    source = load_corpus(workspace).find("serjeant-2020")
    assert [p.text for p in source.paragraphs] == ["Ports", "The harbour at Gwadar was deepened in 2016."]
    assert source.entry["title"] == "A book on ports" and source.entry["publisher"] == "Press"   # the library's
    assert source.entry["original"] == "originals/serjeant-2020.md" and source.entry["extractor"].startswith("pandoc")
    again = run("add", str(book), "--id", "serjeant-2020")
    assert again.exit_code == 0 and "unchanged" in again.output, again.output
    listing = run("sources").output.splitlines()
    assert not [line for line in listing if "serjeant-2020" in line and "warning" in line], listing
    assert any(line.startswith("serjeant-2020") and "(2 paras., seeds/serjeant-2020.txt)" in line for line in listing)


def test_an_existing_id_keeps_the_catalog_values_and_reports_the_conflict(run, workspace, library):
    result = run("catalog", "import", "library.bib")
    assert "conflict: kazimbeyli-2017: already in the catalog; kept the catalog's values" in result.output
    assert "title: catalog 'New Defense Triangle Emerges Between Azerbaijan, Turkey, Pakistan'" in result.output
    entry = load_corpus(workspace).find("kazimbeyli-2017").entry
    assert entry["title"] == "New Defense Triangle Emerges Between Azerbaijan, Turkey, Pakistan"


def test_csl_json_import_and_same_entry_twice(run, workspace):
    export = [{"id": "doe-2019", "type": "report", "title": "Ports of the Caspian",
               "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2019]]}}]
    (workspace.root / "export.json").write_text(json.dumps(export), encoding="utf-8")
    first = run("catalog", "import", "export.json")
    assert first.exit_code == 0 and "doe-2019: added to seeds/sources.yaml" in first.output
    second = run("catalog", "import", "export.json")
    assert "doe-2019: already in the catalog, the same" in second.output
    assert "doe-2019" in load_corpus(workspace).broken      # catalogued; its text is still to be added


def test_a_library_import_names_its_thousands_of_entries_in_one_line(run, workspace):
    export = [{"id": f"doe-{n}", "type": "report", "title": f"Ports {n}"} for n in range(1, 1201)]
    (workspace.root / "export.json").write_text(json.dumps(export), encoding="utf-8")
    first = run("catalog", "import", "export.json")
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-2:] == [
        "1,200 entries added to seeds/sources.yaml: doe-1, doe-2, doe-3, doe-4, doe-5, … doe-1200",
        "1200 added, 0 already there, 0 conflicts"]
    second = run("catalog", "import", "export.json")
    assert second.output.splitlines()[0] == ("1,200 entries already in the catalog, the same: "
                                             "doe-1, doe-2, doe-3, doe-4, doe-5, … doe-1200")
    listing = run("sources")
    warnings = [line for line in listing.output.splitlines() if "warning" in line]
    assert warnings == ["seeds/sources.yaml: warning: 1,200 catalog entries have no file in seeds/ yet (doe-1, "
                        "doe-2, doe-3, doe-4, doe-5, … doe-1200): add each document with: briefwright add FILE --id ID"]


@pytest.mark.parametrize("suffix", [".bib", ".json"])
def test_a_library_read_in_pieces_gives_the_catalog_read_whole(run, workspace, monkeypatch, suffix):
    """pandoc reads a big library a thousand entries at a time: the pieces must say what the whole says."""
    from briefwright.corpus import catalog_import

    bib = "@string{cij = {Caucasus International Journal}}\n" + "".join(
        f"@article{{doe-{n},\n  title = {{Ports {n}}},\n  author = {{Doe, Jane}},\n  journal = cij,\n  year = {{{2000 + n}}}\n}}\n"
        for n in range(1, 8))
    json_export = json.dumps([{"id": f"doe-{n}", "type": "report", "title": f"Ports {n}"} for n in range(1, 8)])
    (workspace.root / f"library{suffix}").write_text(bib if suffix == ".bib" else json_export, encoding="utf-8")
    before = workspace.catalog.read_bytes()
    assert run("catalog", "import", f"library{suffix}").exit_code == 0
    whole = workspace.catalog.read_bytes()
    workspace.catalog.write_bytes(before)
    monkeypatch.setattr(catalog_import, "CHUNK_ENTRIES", 2)
    assert len(catalog_import._chunks((workspace.root / f"library{suffix}").read_bytes(),
                                      "bibtex" if suffix == ".bib" else "csljson")) == 4
    result = run("catalog", "import", f"library{suffix}")
    assert result.exit_code == 0 and "7 added" in result.output, result.output
    assert workspace.catalog.read_bytes() == whole
    if suffix == ".bib":
        assert "container-title: \"Caucasus International Journal\"" in workspace.catalog.read_text(encoding="utf-8").split("- id: doe-7\n")[1]


@pytest.mark.parametrize("name, content, message", [
    ("library.xls", "id,title", "unsupported type"),
    ("broken.json", "{not json", "pandoc cannot read it as csljson"),
    ("empty.bib", "% nothing here\n", "no entries found"),
])
def test_bad_bibliographies_are_refused_and_nothing_written(run, workspace, name, content, message):
    (workspace.root / name).write_text(content, encoding="utf-8")
    before = snapshot(workspace.root)
    result = run("catalog", "import", name)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert snapshot(workspace.root) == before


def test_catalog_import_usage(run):
    assert run("catalog", "import").exit_code == 2
    assert "briefwright catalog import ~/zotero/library.bib" in run("catalog", "import", "--help").output
