"""Looking things up in the corpus: the catalog listing and the search for words.

Used by `briefwright sources` and `briefwright search`. Search asks the index
(index.py) for candidate paragraphs, best first, and verifies each against the
source file itself with the quotation matcher (normalised; case-insensitive unless
asked), so every hit can be pasted as a citation. Without an index (a read-only
workspace) the same matching runs over every source: slower, same hits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import BriefwrightError, ProblemLog, display_path
from ..verify.matcher import SourceIndex
from ..verify.view import DOUBLE_QUOTES
from ..workspace import Workspace
from .index import Progress, SearchBackend, corpus_files, open_index, read_source_text
from .passages import source_locator
from .sources import Corpus, Source, catalog_index, load_corpus

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


def catalog_rows(corpus: Corpus, workspace: Workspace, style: str,
                 warn: Callable[[str], None] = lambda message: None) -> list[CatalogRow]:
    """Return one row per source, with its short note in `style` and its number of paragraphs.

    `corpus` may be lazy: the counts come from the index (kept in step first, so
    only changed files are read) and the notes from the notes cache; a file the
    index does not hold (unreadable, or no index here) is read, which records its
    problem on the corpus.
    """
    from ..render.citations import find_style  # pandoc: only the listing needs it
    from .notes_cache import formatted_notes

    counts = _paragraph_counts(corpus, workspace, warn)
    rows = []
    for source_id in sorted(corpus.sources):
        source = corpus.sources[source_id]
        count = counts.get(source.path.name)
        if count is None:
            read = corpus.find(source_id)
            if read is None:
                continue  # unreadable: a warning on the corpus
            count = len(read.paragraphs)
        rows.append((source, count))
    notes = formatted_notes(corpus, workspace, find_style(style, workspace)) if corpus.sources else {}
    return [CatalogRow(s.id, notes[s.id][1], count, s.path, s.entry is not None) for s, count in rows]


def _paragraph_counts(corpus: Corpus, workspace: Workspace, warn: Callable[[str], None]) -> dict[str, int]:
    """{file name: paragraphs} from the index, brought in step first; empty where there is no index."""
    index = open_index(workspace, warn)
    if index is None:
        return {}
    try:
        index.update(corpus_files(workspace))
        return index.paragraph_counts()
    finally:
        index.close()


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
        index.in_step(progress)
        only = _only(corpus_files(workspace), ids, source_id) if source_id else None
        return _verified(index, workspace, ids, words, only, case_sensitive, limit)
    finally:
        index.close()


def _catalog_ids(workspace: Workspace, warn: Callable[[str], None]) -> dict[str, str]:
    """{file name: catalog id} for catalogued files (others are cited by their stem)."""
    log = ProblemLog()
    catalog = catalog_index(workspace, log)
    if log.errors:
        warn("the catalog seeds/sources.yaml has errors (see briefwright sources): citations use file stems")
        return {}
    return catalog.file_ids()


def _only(files: list[str], ids: dict[str, str], source_id: str) -> list[str]:
    for name in files:
        stem = Path(name).stem
        if ids.get(name, stem) == source_id or stem == source_id:
            return [name]
    raise LookupError(source_id)


class _Verifier:
    """Checks the index's candidate paragraphs against the source files, read now.

    Matches never cross paragraphs, so each paragraph is checked on its own and
    only the paragraphs the index proposes are normalised.
    """

    def __init__(self, index: SearchBackend, workspace: Workspace, ids: dict[str, str], case_sensitive: bool):
        self.index, self.workspace, self.ids, self.case_sensitive = index, workspace, ids, case_sensitive
        self._sources: dict[str, Source | None] = {}
        self._views: dict[tuple[str, int], SourceIndex | None] = {}

    def source(self, name: str) -> Source | None:
        """The source file `name` as it is now (read once per search), or None if it cannot be read."""
        if name not in self._sources:
            path = self.workspace.seeds / name
            text = read_source_text(path, self.workspace)
            self._sources[name] = None if text is None else Source(self.ids.get(name, path.stem), path, text)
        return self._sources[name]

    def paragraph(self, name: str, number: int) -> str | None:
        source = self.source(name)
        return source.paragraph(number).text if source and number <= len(source.paragraphs) else None

    def view(self, name: str, number: int) -> SourceIndex | None:
        """The matcher's view of one paragraph, as a source of its own (made once per search)."""
        if (name, number) not in self._views:
            line, source = self.paragraph(name, number), self._sources.get(name)
            self._views[name, number] = None if line is None else SourceIndex(Source(source.id, source.path, line))
        return self._views[name, number]

    def hits(self, name: str, number: int, words: str) -> list[Hit]:
        view = self.view(name, number)
        if view is None:
            return []
        return [replace(hit, paragraph=number)
                for hit in source_hits(view.source, words, self.case_sensitive, cite=False, view=view)]

    def occurs_once(self, name: str, matched: str) -> bool:
        """True if `matched` occurs once, case and all, in the whole file (as an evidence phrase must)."""
        count = 0
        for candidate in self.index.search(matched, [name]):
            view = self.view(name, candidate.paragraph)
            if view is not None:
                count += len(view.find_all(matched))
            if count > 1:
                return False
        return count == 1

    def citation(self, name: str, hit: Hit) -> str:
        if _evidence_possible(hit.matched) and self.occurs_once(name, hit.matched):
            return _evidence(hit.source_id, hit.matched)
        return f"[@{hit.source_id}, {source_locator(self.source(name), hit.paragraph, hit.paragraph)}]"


def _verified(index: SearchBackend, workspace: Workspace, ids: dict[str, str], words: str,
              only: list[str] | None, case_sensitive: bool, limit: int) -> SearchResult:
    """Verify the index's candidates, best first, until `limit` hits."""
    verifier, hits = _Verifier(index, workspace, ids, case_sensitive), []
    for candidate in index.search(words, only):
        for hit in verifier.hits(candidate.file, candidate.paragraph, words):
            if len(hits) == limit:
                return SearchResult(hits, more=True)
            hits.append(replace(hit, citation=verifier.citation(candidate.file, hit)))
    return SearchResult(hits)


def source_hits(source: Source, words: str, case_sensitive: bool = False, cite: bool = True,
                view: SourceIndex | None = None) -> list[Hit]:
    """Every passage of one source holding `words`, in reading order (`view`: its SourceIndex, if made)."""
    view = view or SourceIndex(source)
    passages = view.find_all(words, ignore_case=not case_sensitive)
    hits = []
    for passage in {(p.first, p.text): p for p in passages}.values():
        paragraph = source.paragraph(passage.first).text.strip()
        citation = _citation(view, source.id, passage) if cite else ""
        hits.append(Hit(source.id, passage.first, passage.text, _around(paragraph, passage.text), citation))
    return hits


def _citation(view: SourceIndex, source_id: str, passage) -> str:
    """The evidence form `[@id "words"]` where the words occur once; else the paragraph's locator."""
    if _evidence_possible(passage.text) and len(view.find_all(passage.text)) == 1:
        return _evidence(source_id, passage.text)
    return f"[@{source_id}, {source_locator(view.source, passage.first, passage.last)}]"


def _evidence_possible(text: str) -> bool:
    return NOT_EVIDENCE.isdisjoint(text) and "..." not in text


def _evidence(source_id: str, words: str) -> str:
    return f'[@{source_id} "{words}"]'


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
