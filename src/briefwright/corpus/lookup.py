"""Looking things up in the corpus: the catalog listing and the search for words.

Used by `briefwright sources` and `briefwright search`. Search asks the index
(index.py) for candidate paragraphs, best first, and verifies each against the
source file itself with the quotation matcher (normalised; case-insensitive unless
asked), so every hit can be pasted as a citation. Without an index (a read-only
workspace) the same matching runs over every source: slower, same hits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import BriefwrightError, ProblemLog, display_path
from ..verify.matcher import DOUBLE_QUOTES, SourceIndex
from ..workspace import Workspace
from .index import Progress, SearchBackend, corpus_files, open_index, read_source_text
from .sources import Corpus, Source, load_catalog, load_corpus

DEFAULT_LIMIT = 20
NOT_EVIDENCE = set(DOUBLE_QUOTES) | {"[", "]", "…"}  # characters an evidence phrase cannot hold as such


@dataclass(frozen=True)
class CatalogRow:
    id: str
    short: str
    paragraphs: int
    file: Path
    catalogued: bool


@dataclass(frozen=True)
class Hit:
    source_id: str
    paragraph: int
    matched: str      # the source's characters that matched
    context: str      # the paragraph, shortened around the match
    citation: str     # ready to paste into an outline


@dataclass
class SearchResult:
    hits: list[Hit]
    more: bool = False          # the limit was reached: there may be more hits
    indexed: bool = True        # False: no index could be kept, the corpus was scanned


def catalog_rows(corpus: Corpus, workspace: Workspace, style: str) -> list[CatalogRow]:
    """Return one row per source, with its short note in `style`."""
    from ..render.citations import find_style, format_catalog  # pandoc: only the listing needs it

    notes = format_catalog(corpus, find_style(style, workspace)) if corpus.sources else {}
    return [CatalogRow(s.id, notes[s.id][1], len(s.paragraphs), s.path, s.entry is not None)
            for s in sorted(corpus.sources.values(), key=lambda s: s.id)]


def search_workspace(workspace: Workspace, words: str, source_id: str | None = None, *,
                     case_sensitive: bool = False, limit: int = DEFAULT_LIMIT,
                     warn: Callable[[str], None] = lambda message: None,
                     progress: Callable[[int], Progress | None] = lambda count: None) -> SearchResult:
    """Search the corpus of `workspace` through its index; hits best first, at most `limit`.

    `source_id` (a catalog id or a file stem) restricts the search to one source;
    an unknown one raises LookupError. `progress(count)` may return a callback for
    an index update that reads `count` files.
    """
    if not workspace.seeds.is_dir():
        raise BriefwrightError(f"no seeds/ folder in {display_path(workspace.root)}: the corpus lives there")
    index = open_index(workspace, warn)
    if index is None:
        return _scanned(load_corpus(workspace), words, source_id, case_sensitive, limit)
    try:
        ids = _catalog_ids(workspace, warn)
        files = corpus_files(workspace)
        only = _only(files, ids, source_id)
        index.update(files, _progress_for(index, files, progress))
        return _verified(index, workspace, ids, words, only, case_sensitive, limit)
    finally:
        index.close()


def _progress_for(index, files, progress) -> Progress | None:
    """Ask for a progress callback only when there is much to read (a cold build)."""
    known = index.db.execute("SELECT count(*) FROM files").fetchone()[0]
    return progress(len(files)) if len(files) - known > 200 else None


def _catalog_ids(workspace: Workspace, warn: Callable[[str], None]) -> dict[str, str]:
    """{file name: catalog id} for catalogued files (others are cited by their stem)."""
    log = ProblemLog()
    entries = load_catalog(workspace, log)
    if log.errors:
        warn("the catalog seeds/sources.yaml has errors (see briefwright sources): citations use file stems")
        return {}
    ids = {}
    for entry, _ in entries:
        ids.setdefault(entry["file"], entry["id"])
    return ids


def _only(files: list[Path], ids: dict[str, str], source_id: str | None) -> list[str] | None:
    if source_id is None:
        return None
    for path in files:
        if ids.get(path.name, path.stem) == source_id or path.stem == source_id:
            return [path.name]
    raise LookupError(source_id)


def _verified(index: SearchBackend, workspace: Workspace, ids: dict[str, str], words: str,
              only: list[str] | None, case_sensitive: bool, limit: int) -> SearchResult:
    """Verify the index's candidates, best first, until `limit` hits."""
    hits, matches = [], {}
    for candidate in index.search(words, only):
        if candidate.file not in matches:
            matches[candidate.file] = _matches(workspace, ids, candidate.file, words, case_sensitive)
        for hit in matches[candidate.file].get(candidate.paragraph, []):
            if len(hits) == limit:
                return SearchResult(hits, more=True)
            hits.append(hit)
    return SearchResult(hits)


def _matches(workspace: Workspace, ids: dict[str, str], name: str, words: str,
             case_sensitive: bool) -> dict[int, list[Hit]]:
    """Every hit of `words` in one corpus file, read now, by paragraph."""
    path = workspace.seeds / name
    text = read_source_text(path, workspace)
    if text is None:
        return {}
    by_paragraph: dict[int, list[Hit]] = {}
    for hit in source_hits(Source(ids.get(name, path.stem), path, text), words, case_sensitive):
        by_paragraph.setdefault(hit.paragraph, []).append(hit)
    return by_paragraph


def source_hits(source: Source, words: str, case_sensitive: bool = False) -> list[Hit]:
    """Every passage of one source holding `words`, in reading order."""
    view = SourceIndex(source)
    passages = view.find_all(words, ignore_case=not case_sensitive)
    hits = []
    for passage in {(p.first, p.text): p for p in passages}.values():
        paragraph = source.paragraph(passage.first).text.strip()
        hits.append(Hit(source.id, passage.first, passage.text, _around(paragraph, passage.text),
                        _citation(view, source.id, passage)))
    return hits


def _citation(view: SourceIndex, source_id: str, passage) -> str:
    """The evidence form `[@id "words"]` where the words occur once; else the paragraph's locator."""
    if NOT_EVIDENCE.isdisjoint(passage.text) and "..." not in passage.text \
            and len(view.find_all(passage.text)) == 1:
        return f"[@{source_id} \"{passage.text}\"]"
    return f"[@{source_id}, {passage.locator}]"


def search_corpus(corpus: Corpus, words: str, source_id: str | None = None,
                  case_sensitive: bool = False) -> list[Hit]:
    """Every passage of the corpus (or of one source) holding `words`: the plain scan, no index."""
    sources = [corpus.find(source_id)] if source_id else sorted(corpus.sources.values(), key=lambda s: s.id)
    return [hit for source in sources for hit in source_hits(source, words, case_sensitive)]


def _scanned(corpus: Corpus, words: str, source_id: str | None, case_sensitive: bool,
             limit: int) -> SearchResult:
    if source_id is not None and corpus.find(source_id) is None:
        raise LookupError(source_id)
    hits = search_corpus(corpus, words, source_id, case_sensitive)
    return SearchResult(hits[:limit], more=len(hits) > limit, indexed=False)


def _around(paragraph: str, matched: str, width: int = 90) -> str:
    """Shorten `paragraph` to about `width` characters either side of `matched`."""
    at = paragraph.find(matched.split(" … ")[0])
    if at < 0 or len(paragraph) <= 2 * width + len(matched):
        return paragraph
    start, end = max(0, at - width), min(len(paragraph), at + len(matched) + width)
    return ("…" if start else "") + paragraph[start:end].strip() + ("…" if end < len(paragraph) else "")
