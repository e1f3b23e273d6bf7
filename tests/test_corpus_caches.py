"""The caches that make a library-sized corpus cheap, on real files: the catalog's index, the lazy corpus.

The catalog cache (.briefwright/catalog.index) is never the truth: a damaged one is
rebuilt, an edit to the catalog is seen even when it keeps the file's size and
modification time, and a corpus built lazily from it finds exactly what a corpus
read in full finds, in the odd cases too (a file claimed by two entries, a file
whose stem is another entry's id, a .md and a .txt of one stem).
"""

from __future__ import annotations

import os

import pytest

from briefwright.corpus import catalog_cache
from briefwright.corpus.catalog_cache import CACHE_FILE
from briefwright.corpus.index import INDEX_FOLDER
from briefwright.corpus.sources import load_catalog, load_corpus
from briefwright.errors import ProblemLog
from briefwright.workspace import Workspace

from .conftest import add_generated_sources


def _fresh_process():
    """Forget what this process read, as a new command would."""
    catalog_cache._READ.clear()


def _cache(workspace: Workspace):
    return workspace.root / INDEX_FOLDER / CACHE_FILE


@pytest.fixture
def big(workspace: Workspace) -> Workspace:
    add_generated_sources(workspace)
    return workspace


def _parsed(workspace: Workspace) -> list:
    """The catalog as its YAML says, parsed afresh (no cache)."""
    _fresh_process()
    _cache(workspace).unlink(missing_ok=True)
    entries = load_catalog(workspace, ProblemLog())
    _fresh_process()
    return entries


def test_the_cache_gives_the_entries_and_positions_the_yaml_gives(big, monkeypatch):
    from briefwright import yamlnodes

    truth = _parsed(big)
    assert _cache(big).is_file()
    monkeypatch.setattr(yamlnodes, "compose", lambda *args, **kw: pytest.fail("parsed again"))
    cached = load_catalog(big, ProblemLog())
    assert cached == truth and [str(p) for _, p in cached] == [str(p) for _, p in truth]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "entry flipped", "table flipped", "empty", "folder"])
def test_a_damaged_catalog_cache_is_ignored_and_rewritten(big, damage):
    truth = _parsed(big)
    cache = _cache(big)
    data = cache.read_bytes()
    if damage == "truncated":
        cache.write_bytes(data[:len(data) // 2])
    elif damage == "garbage":
        cache.write_bytes(b"\x00\xff not a cache at all \n\n")
    elif damage == "entry flipped":  # a title changed in the cached entries: still valid JSON
        cache.write_bytes(data.replace(b'"Generated 7"', b'"Generated 8"'))
    elif damage == "table flipped":  # two ids swapped in the table
        cache.write_bytes(data.replace(b'"gen-3"', b'"gen-X"').replace(b'"gen-4"', b'"gen-3"')
                          .replace(b'"gen-X"', b'"gen-4"'))
    elif damage == "empty":
        cache.write_bytes(b"")
    else:
        cache.unlink()
        cache.mkdir()
    assert load_catalog(big, ProblemLog()) == truth
    if damage != "folder":
        _fresh_process()
        assert cache.read_bytes() == data  # rewritten as it was
    assert load_corpus(big, lazy=True).find("gen-7").entry["title"] == "Generated 7"


def test_an_edit_keeping_the_catalogs_size_and_mtime_is_seen(big):
    load_catalog(big, ProblemLog())
    _fresh_process()
    info = os.stat(big.catalog)
    text = big.catalog.read_text(encoding="utf-8")
    big.catalog.write_text(text.replace('"Generated 12"', '"Generated 21"'), encoding="utf-8")
    os.utime(big.catalog, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert os.stat(big.catalog).st_size == info.st_size
    assert load_corpus(big, lazy=True).find("gen-12").entry["title"] == "Generated 21"


def test_a_cache_made_for_other_catalog_bytes_is_not_used(big, tmp_path):
    load_catalog(big, ProblemLog())
    kept = _cache(big).read_bytes()
    text = big.catalog.read_text(encoding="utf-8")
    big.catalog.write_text(text.replace('"Generated 5"', '"Generated five"'), encoding="utf-8")
    _fresh_process()
    load_catalog(big, ProblemLog())  # caches the new catalog
    _cache(big).write_bytes(kept)    # and puts the old cache back
    _fresh_process()
    assert load_corpus(big, lazy=True).find("gen-5").entry["title"] == "Generated five"


def test_a_lazy_corpus_decodes_only_the_entries_it_finds(big, monkeypatch):
    load_catalog(big, ProblemLog())
    _fresh_process()
    decoded = []
    real = catalog_cache.CatalogIndex.entry
    monkeypatch.setattr(catalog_cache.CatalogIndex, "entry", lambda self, n: decoded.append(n) or real(self, n))
    corpus = load_corpus(big, lazy=True)
    assert decoded == []
    corpus.find("gen-9")
    assert len(set(decoded)) == 1


def _odd_corpus(workspace: Workspace) -> None:
    """Entries and files that resolve in unusual ways."""
    seeds = workspace.seeds
    for name in ("shared.txt", "gen-1.txt", "pair.md", "pair.txt", "extra.txt", "lone.md", "plain.txt", "twin.txt", "twin.md"):
        (seeds / name).write_text(f"The text of {name}.\n", encoding="utf-8")
    with open(workspace.catalog, "a", encoding="utf-8") as out:
        out.write("  - id: first-claim\n    file: shared.txt\n    type: article\n"
                  "  - id: second-claim\n    file: shared.txt\n    type: article\n"   # the same file again
                  "  - id: plain\n    file: gen-2.txt\n    type: article\n"           # an id that is a file's stem
                  "  - id: paired\n    file: pair.md\n    type: article\n"
                  "  - id: shared\n    file: extra.txt\n    type: article\n"            # an id that is another's stem
                  "  - id: missing\n    file: nowhere.txt\n    type: article\n"
                  "  - id: not-text\n    file: notes.pdf\n    type: article\n")
    (seeds / "notes.pdf").write_bytes(b"%PDF-1.4\n")


KEYS = ["first-claim", "second-claim", "shared", "plain", "gen-2", "gen-1", "paired", "pair", "extra", "lone", "missing",
        "nowhere", "not-text", "notes", "twin", "gen-0", "gen-399", "gen-400", "trt-2021", "kazimbeyli-2017",
        "001_2aadb1dbeed98bb9", "sources", ""]


def test_a_lazy_corpus_finds_what_a_corpus_read_in_full_finds(big):
    _odd_corpus(big)
    load_catalog(big, ProblemLog())  # cached: the lazy corpus below reads the cache
    _fresh_process()
    eager, lazy = load_corpus(big), load_corpus(big, lazy=True)
    read = dict(eager.sources)
    for key in KEYS:
        expected = read.get(key) or read.get(eager.stems.get(key, ""))  # a key is an id, else a file's stem
        for corpus in (eager, lazy):
            source = corpus.find(key)
            assert (source and (source.id, source.path, source.entry, source.text)) == \
                (expected and (expected.id, expected.path, expected.entry, expected.text)), key
        assert eager.broken.get(key) == lazy.broken.get(key), key
    assert eager.known_ids() == lazy.known_ids()
    assert eager.stems == lazy.stems
    assert [str(w) for w in eager.warnings.problems] == [str(w) for w in lazy.warnings.problems]
    assert {i: (s.path, s.entry) for i, s in eager.sources.items()} == \
        {i: (s.path, s.entry) for i, s in lazy.sources.items()}


def test_an_entrys_json_is_the_same_from_the_cache_as_from_the_yaml(big):
    """The notes cache is keyed by it: a catalog read from its cache must give the keys a parsed one gives."""
    from briefwright.corpus.catalog_cache import entry_json
    from briefwright.corpus.sources import catalog_index

    truth = [entry_json(entry) for entry, _ in _parsed(big)]
    index = catalog_index(big, ProblemLog())
    assert index._stored is not None  # read from the cache
    assert [index.entry_json(n) for n in range(len(index))] == truth
    corpus = load_corpus(big, lazy=True)
    source = corpus.find("gen-3")
    assert corpus.entry_json(source) == entry_json(source.entry)


def test_status_makes_each_changed_sources_matcher_view_once(workspace, monkeypatch):
    from briefwright.regen import status
    from briefwright.regen.lock import read_lock

    from .conftest import REPO

    lock, _ = read_lock(REPO / "briefs" / "azerbaijan-pakistan-turkey.lock")
    changed = {record.source for record in lock.citations}
    assert sum(1 for r in lock.citations if r.source == "trt-2021") > 1
    made = []
    real = status.SourceIndex
    monkeypatch.setattr(status, "SourceIndex", lambda source: made.append(source.id) or real(source))
    status.quotation_drift(lock, changed, load_corpus(workspace, lazy=True))
    assert sorted(made) == sorted(changed)


def test_the_old_cache_of_parsed_entries_is_removed_once_the_index_is_written(big):
    """briefwright 0.2 kept .briefwright/catalog.json; nothing reads it now, so it is not left behind."""
    old = _cache(big).with_name("catalog.json")
    old.parent.mkdir(exist_ok=True)
    old.write_text('{"version": 1}', encoding="utf-8")
    _parsed(big)
    assert _cache(big).is_file() and not old.exists()
