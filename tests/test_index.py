"""The search index (.briefwright/index.sqlite3) and what the other commands read, on real files.

The index must follow the corpus (added, edited, removed, renamed files), survive
damage and concurrent runs, never be needed (a workspace where it cannot be
written), and give exactly the hits of a plain scan. `check` must read only the
sources a brief cites.
"""

from __future__ import annotations

import builtins
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from briefwright.cli import main
from briefwright.corpus.index import INDEX_FILE, INDEX_FOLDER, FtsIndex, corpus_files
from briefwright.corpus.lookup import search_corpus, search_workspace
from briefwright.corpus.sources import load_corpus
from briefwright.workspace import Workspace

from .conftest import add_generated_sources

BIN = Path(sys.executable).parent


def found(workspace: Workspace, words: str, **options) -> set[tuple[str, int, str]]:
    warnings = []
    result = search_workspace(workspace, words, limit=10_000, warn=warnings.append, **options)
    assert not warnings, warnings
    return {(hit.source_id, hit.paragraph, hit.matched) for hit in result.hits}


def candidates(workspace: Workspace, words: str) -> set[tuple[str, int]]:
    """What the index itself proposes (unverified), after bringing it in step."""
    index = FtsIndex(workspace, warn=lambda message: None)
    try:
        index.update(corpus_files(workspace))
        return {(c.file, c.paragraph) for c in index.search(words)}
    finally:
        index.close()


def test_index_follows_added_edited_removed_and_renamed_sources(workspace):
    assert ("kazimbeyli-2017", 16, "JF-17") in found(workspace, "JF-17")
    new = workspace.seeds / "zz-new.txt"
    new.write_text("First paragraph.\n\nThe Zanzibar accord was signed in 1964.\n", encoding="utf-8")
    assert found(workspace, "zanzibar accord") == {("zz-new", 2, "Zanzibar accord")}

    new.write_text("First paragraph.\n\nThe Pemba accord was signed in 1964.\n", encoding="utf-8")
    assert candidates(workspace, "Zanzibar") == set()
    assert found(workspace, "pemba accord") == {("zz-new", 2, "Pemba accord")}

    new.rename(workspace.seeds / "zz-renamed.txt")
    assert candidates(workspace, "Pemba") == {("zz-renamed.txt", 2)}
    assert found(workspace, "Pemba accord") == {("zz-renamed", 2, "Pemba accord")}

    (workspace.seeds / "zz-renamed.txt").unlink()
    assert candidates(workspace, "Pemba") == set()
    assert found(workspace, "Pemba accord") == set()


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(workspace):
    path = workspace.seeds / "zz-new.txt"
    path.write_text("Alpha beta.\n", encoding="utf-8")
    found(workspace, "alpha")
    stat = path.stat()
    path.write_text("Gamma beta.\n", encoding="utf-8")   # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime
    assert found(workspace, "gamma beta") == {("zz-new", 1, "Gamma beta")}


def test_unchanged_files_are_not_read_again(workspace, monkeypatch):
    found(workspace, "Kashmir")
    opened = _record_opens(monkeypatch)
    assert found(workspace, "no such words anywhere") == set()
    assert not [p for p in opened if p.parent == workspace.seeds and p.suffix == ".txt"]


def test_a_damaged_index_is_rebuilt_with_a_warning(workspace):
    expected = found(workspace, "Kashmir")
    index = workspace.root / INDEX_FOLDER / INDEX_FILE
    for suffix in ("-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    index.write_bytes(b"this is not an SQLite database" * 100)
    warnings = []
    result = search_workspace(workspace, "Kashmir", limit=1000, warn=warnings.append)
    assert {(h.source_id, h.paragraph, h.matched) for h in result.hits} == expected
    assert any("damaged" in w and "rebuilding" in w for w in warnings), warnings
    assert found(workspace, "Kashmir") == expected  # and it is sound again: no warning


def test_an_index_from_another_version_is_rebuilt_with_a_warning(workspace):
    expected = found(workspace, "Kashmir")
    db = sqlite3.connect(workspace.root / INDEX_FOLDER / INDEX_FILE)
    db.execute("UPDATE meta SET value = '0' WHERE key = 'version'")
    db.execute("DELETE FROM paragraphs")  # what an old version left would not be trusted
    db.commit()
    db.close()
    warnings = []
    result = search_workspace(workspace, "Kashmir", limit=1000, warn=warnings.append)
    assert {(h.source_id, h.paragraph, h.matched) for h in result.hits} == expected
    assert any("another version" in w for w in warnings), warnings


def test_two_processes_building_the_index_at_once(workspace):
    for number in range(300):
        (workspace.seeds / f"gen-{number:03d}.txt").write_text(
            f"Paragraph one of document {number}.\n\nThe Tbilisi meeting number {number} ended.\n", encoding="utf-8")
    command = [str(BIN / "briefwright"), "search", "Tbilisi meeting", "--limit", "1000"]
    runs = [subprocess.Popen(command, cwd=workspace.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0]
    assert outputs[0][0].count("cite as:") == 300
    assert "Traceback" not in outputs[0][1] + outputs[1][1]
    db = sqlite3.connect(workspace.root / INDEX_FOLDER / INDEX_FILE)
    assert db.execute("SELECT count(*) FROM files").fetchone()[0] == len(corpus_files(workspace))
    assert db.execute("SELECT count(*) FROM paragraphs WHERE paragraphs MATCH 'tbilisi'").fetchone()[0] == 300


def test_a_workspace_where_the_index_cannot_be_written_is_scanned_with_a_warning(workspace):
    expected = found(workspace, "Kashmir")
    for path in (workspace.root / INDEX_FOLDER).iterdir():
        path.unlink()
    (workspace.root / INDEX_FOLDER).rmdir()
    (workspace.root / INDEX_FOLDER).write_text("in the way: the folder cannot be created\n")
    warnings = []
    result = search_workspace(workspace, "Kashmir", limit=1000, warn=warnings.append)
    assert {(h.source_id, h.paragraph, h.matched) for h in result.hits} == expected
    assert not result.indexed
    assert any("without an index" in w for w in warnings), warnings
    cli = CliRunner().invoke(main, ["search", "Kashmir"])
    assert cli.exit_code == 0 and "without an index" in cli.output and "Traceback" not in cli.output


def test_a_read_only_index_folder_is_scanned_with_a_warning(workspace, tmp_path):
    found(workspace, "Kashmir")
    folder = workspace.root / INDEX_FOLDER
    for path in folder.iterdir():
        path.unlink()
    if os.geteuid() == 0:  # root writes through permissions: make the database path unusable instead
        (folder / INDEX_FILE).mkdir()
    else:
        folder.chmod(0o555)
    try:
        warnings = []
        result = search_workspace(workspace, "JF-17", limit=1000, warn=warnings.append)
        assert ("kazimbeyli-2017", 16) in {(h.source_id, h.paragraph) for h in result.hits}
        assert not result.indexed and any("without an index" in w for w in warnings), warnings
    finally:
        folder.chmod(0o755)


def test_search_cli_options_and_evidence_citation(workspace):
    runner = CliRunner()
    result = runner.invoke(main, ["search", "the only country", "--source", "kazimbeyli-2017"])
    assert result.exit_code == 0, result.output
    assert 'cite as: [@kazimbeyli-2017 "the only country"]' in result.output
    assert '"words"[@id]' in runner.invoke(main, ["search", "--help"]).output
    assert runner.invoke(main, ["search", "THE ONLY COUNTRY", "--case-sensitive"]).exit_code == 1
    assert "kazimbeyli-2017, para. 15" in runner.invoke(main, ["search", "THE ONLY COUNTRY"]).output
    limited = runner.invoke(main, ["search", "Pakistan", "--limit", "2"])
    assert limited.output.count("cite as:") == 2 and "--limit N shows more" in limited.output
    assert runner.invoke(main, ["search", "x", "--limit", "0"]).exit_code == 2


def test_hits_are_ranked_best_first(workspace):
    (workspace.seeds / "zz-rank.txt").write_text(
        "A long paragraph about other matters entirely, " * 30 + "and Nakhchivan once.\n\nNakhchivan.\n",
        encoding="utf-8")
    hits = search_workspace(workspace, "Nakhchivan", limit=100).hits
    ours = [h.paragraph for h in hits if h.source_id == "zz-rank"]
    assert ours == [2, 1]  # bm25: the short paragraph about it first, not the order in the file


def test_check_never_reads_an_uncited_source(workspace, monkeypatch):
    uncited = workspace.seeds / "zz-uncited.txt"
    uncited.write_text("Nobody cites this paragraph.\n", encoding="utf-8")
    opened = _record_opens(monkeypatch)
    result = CliRunner().invoke(main, ["check", "briefs/azerbaijan-pakistan-turkey.yaml"])
    assert result.exit_code == 0, result.output
    read = {p.name for p in opened if p.parent == workspace.seeds}
    assert "001_2aadb1dbeed98bb9.txt" in read  # cited: read
    assert uncited.name not in read


def _record_opens(monkeypatch) -> list[Path]:
    """Record every file opened from now on (builtins.open and io.open, which pathlib uses)."""
    opened, real = [], builtins.open

    def recording(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)):
            opened.append(Path(file).resolve())
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording)
    monkeypatch.setattr(io, "open", recording)
    return opened


# -- the index gives exactly the hits of a plain scan ---------------------------------

WORDS = ["Baku", "baku", "BAKU", "Pakistan", "Pakistan’s", "Pakistan's", "JF-17", "17", "JF17", "x17",
         "17x", "co-operation", "co–operation", "café", "cafe\u0301", "Çavuşoğlu", "the", "The", "a", "in",
         "$18.735", "(2017)", "“solid”", "\"solid\"", "solid—ties", "naïve", "Straße", "İstanbul", "…", "..."]
TEXT = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join), min_size=1, max_size=6)


@st.composite
def corpus_and_query(draw):
    documents = draw(st.lists(TEXT, min_size=1, max_size=4))
    words = [w for document in documents for paragraph in document for w in paragraph.split(" ")]
    start = draw(st.integers(0, len(words) - 1))
    window = words[start:start + draw(st.integers(1, 4))]
    shape = draw(st.sampled_from(["window", "elision", "insertion", "random"]))
    if shape == "elision" and len(window) > 2:
        query = f"{window[0]} ... {window[-1]}"
    elif shape == "insertion" and len(window) > 1:
        query = "[T]" + " ".join(window)[1:] if window[0][:1].isalpha() else "[X] " + " ".join(window[1:])
    elif shape == "random":
        query = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)))
    else:
        query = " ".join(window)
    return documents, query, draw(st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus_and_query())
def test_search_through_the_index_equals_a_plain_scan(case):
    documents, query, case_sensitive = case
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace.at(folder)
        workspace.seeds.mkdir()
        for number, paragraphs in enumerate(documents):
            (workspace.seeds / f"doc{number}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        scanned = {(h.source_id, h.paragraph, h.matched, h.citation)
                   for h in search_corpus(load_corpus(workspace), query, case_sensitive=case_sensitive)}
        indexed = search_workspace(workspace, query, case_sensitive=case_sensitive, limit=10_000).hits
        assert {(h.source_id, h.paragraph, h.matched, h.citation) for h in indexed} == scanned


# -- the catalog, parsed once per content -----------------------------------------------

def test_a_large_catalog_is_parsed_once_per_content(workspace, monkeypatch):
    from briefwright import yamlnodes
    from briefwright.corpus.sources import load_catalog
    from briefwright.errors import ProblemLog

    add_generated_sources(workspace)
    first = load_catalog(workspace, ProblemLog())
    composed = []
    real = yamlnodes.compose
    monkeypatch.setattr(yamlnodes, "compose", lambda *args, **kw: composed.append(1) or real(*args, **kw))
    assert load_catalog(workspace, ProblemLog()) == first
    assert composed == []
    line = workspace.catalog.read_text(encoding="utf-8").count("\n") + 1
    with open(workspace.catalog, "a", encoding="utf-8") as out:
        out.write("  - id: late\n    file: late.txt\n    type: article\n")
    again = load_catalog(workspace, ProblemLog())
    assert composed == [1] and again[-1][0]["id"] == "late" and str(again[-1][1]).endswith(f":{line}:5")


def test_a_catalog_with_problems_is_never_taken_from_the_cache(workspace):
    from briefwright.corpus.sources import load_catalog
    from briefwright.errors import ProblemLog

    add_generated_sources(workspace)
    with open(workspace.catalog, "a", encoding="utf-8") as out:
        out.write("  - id: gen-3\n    file: x.txt\n    type: article\n")
    for _ in range(2):
        log = ProblemLog()
        load_catalog(workspace, log)
        assert any("used twice" in p.message for p in log.errors)


def test_the_catalog_limit_counts_entries(workspace, monkeypatch):
    from briefwright.corpus import sources
    from briefwright.errors import ProblemLog

    monkeypatch.setattr(sources, "MAX_CATALOG_ENTRIES", 100)
    example = len(sources.load_catalog(workspace, ProblemLog()))
    add_generated_sources(workspace, 101)
    log = ProblemLog()
    assert sources.load_catalog(workspace, log) == []
    assert f"{example + 101} entries, above the limit of 100" in log.errors[0].message


def test_a_long_cold_build_shows_progress_on_a_terminal_only(workspace):
    import pty

    for number in range(250):
        (workspace.seeds / f"gen-{number:03d}.txt").write_text(f"Document {number} on Ganja.\n", encoding="utf-8")
    command = [str(BIN / "briefwright"), "search", "Ganja", "--limit", "1"]
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(command, cwd=workspace.root, stdout=subprocess.PIPE, stderr=follower, timeout=300)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert b"indexing the corpus" in shown and b"100%" in shown
    assert b"indexing" not in done.stdout
    shutil.rmtree(workspace.root / INDEX_FOLDER)
    piped = subprocess.run(command, cwd=workspace.root, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and "indexing" not in piped.stderr


# -- sources: counts from the index, notes from the notes cache -----------------------------

def _sources_output(workspace: Workspace) -> str:
    result = CliRunner().invoke(main, ["sources"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sources_reads_no_file_and_runs_no_pandoc_when_nothing_changed(workspace, monkeypatch):
    first = _sources_output(workspace)
    opened = _record_opens(monkeypatch)
    from briefwright.render import citations

    def no_pandoc(*args, **kwargs):
        raise AssertionError("pandoc run although no entry changed")

    monkeypatch.setattr(citations, "format_catalog", no_pandoc)
    assert _sources_output(workspace) == first
    assert not [p for p in opened if p.parent == workspace.seeds and p.suffix == ".txt"]


def test_sources_from_the_caches_stays_correct_after_an_edit(workspace):
    found(workspace, "Kashmir")  # the index built
    _sources_output(workspace)
    source = workspace.seeds / "001_2aadb1dbeed98bb9.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    catalog = workspace.catalog.read_text(encoding="utf-8")
    workspace.catalog.write_text(catalog.replace('title-short: "New Defense Triangle"',
                                                 'title-short: "A Renamed Triangle"'), encoding="utf-8")
    cached = _sources_output(workspace)
    shutil.rmtree(workspace.root / INDEX_FOLDER, ignore_errors=True)
    assert cached == _sources_output(workspace)  # as computed afresh
    line = next(line for line in cached.splitlines() if line.startswith("kazimbeyli-2017 "))
    assert "A Renamed Triangle" in line and "(22 paras." in line, line


def test_show_reads_only_the_source_shown(workspace, monkeypatch):
    opened = _record_opens(monkeypatch)
    result = CliRunner().invoke(main, ["show", "kazimbeyli-2017", "--para", "16"])
    assert result.exit_code == 0, result.output
    assert "JF-17" in result.stdout
    read = {p.name for p in opened if p.parent == workspace.seeds and p.suffix == ".txt"}
    assert read == {"001_2aadb1dbeed98bb9.txt"}


# -- search: no full check of the files right after one ----------------------------------

def _rewind_last_check(workspace: Workspace) -> None:
    """As if the last full check of the files were long ago (instead of sleeping)."""
    with sqlite3.connect(workspace.root / INDEX_FOLDER / INDEX_FILE) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'checked_ns'")


def test_a_search_right_after_a_full_check_stats_no_file(workspace, monkeypatch):
    from briefwright.corpus import index as index_module

    path = workspace.seeds / "001_2aadb1dbeed98bb9.txt"
    old = path.stat().st_mtime_ns - 10**10
    os.utime(path, ns=(old, old))
    os.utime(workspace.seeds, ns=(old, old))  # nothing changed recently
    found(workspace, "Kashmir")
    checks, real = [], index_module._file_stats
    monkeypatch.setattr(index_module, "_file_stats", lambda *args: checks.append(args) or real(*args))
    found(workspace, "JF-17")
    assert checks == []
    _rewind_last_check(workspace)
    found(workspace, "JF-17")
    assert len(checks) == 1


def test_an_edit_in_place_is_seen_once_the_last_check_is_a_second_old(workspace):
    path = workspace.seeds / "001_2aadb1dbeed98bb9.txt"
    old = path.stat().st_mtime_ns - 10**10
    os.utime(path, ns=(old, old))
    os.utime(workspace.seeds, ns=(old, old))
    found(workspace, "Kashmir")
    path.write_text(path.read_text(encoding="utf-8") + "\nThe Zanzibar accord.\n", encoding="utf-8")
    os.utime(workspace.seeds, ns=(old, old))  # an edit in place leaves seeds/ as it was
    _rewind_last_check(workspace)
    assert found(workspace, "zanzibar accord") == {("kazimbeyli-2017", 22, "Zanzibar accord")}


def test_a_file_added_right_after_a_check_is_seen_at_once(workspace):
    found(workspace, "Kashmir")
    (workspace.seeds / "zz-new.txt").write_text("The Zanzibar accord.\n", encoding="utf-8")
    assert found(workspace, "zanzibar accord") == {("zz-new", 1, "Zanzibar accord")}


def test_a_file_changed_just_before_it_was_indexed_is_hashed_again_without_a_full_check(workspace, monkeypatch):
    from briefwright.corpus import index as index_module

    path = workspace.seeds / "001_2aadb1dbeed98bb9.txt"
    old = path.stat().st_mtime_ns - 10**10
    os.utime(workspace.seeds, ns=(old, old))
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nThe Zanzibar accord.\n", encoding="utf-8")  # just now: too recent to vouch for
    os.utime(workspace.seeds, ns=(old, old))
    assert found(workspace, "zanzibar accord") == {("kazimbeyli-2017", 22, "Zanzibar accord")}
    info = path.stat()
    path.write_text(text + "\nThe Pemba accord.\n\n\n\n", encoding="utf-8")  # same size, same mtime: only a hash tells
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    checks, real = [], index_module._file_stats
    monkeypatch.setattr(index_module, "_file_stats", lambda *args: checks.append(args) or real(*args))
    assert found(workspace, "pemba accord") == {("kazimbeyli-2017", 22, "Pemba accord")}
    assert checks == []  # within a second of the full check: only the recent file was looked at
