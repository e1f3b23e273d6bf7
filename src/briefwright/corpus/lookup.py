"""Looking things up in the corpus: the catalog listing and the search for words.

Used by `briefwright sources` and `briefwright search`; matching is the same as
for quotations (normalised, case-sensitive), so a hit can be pasted as a citation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..render.citations import find_style, format_catalog
from .sources import Corpus
from ..verify.matcher import SourceIndex
from .passages import source_locator
from ..workspace import Workspace


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


def catalog_rows(corpus: Corpus, workspace: Workspace, style: str) -> list[CatalogRow]:
    """Return one row per source, with its short note in `style`."""
    notes = format_catalog(corpus, find_style(style, workspace)) if corpus.sources else {}
    return [CatalogRow(s.id, notes[s.id][1], len(s.paragraphs), s.path, s.entry is not None)
            for s in sorted(corpus.sources.values(), key=lambda s: s.id)]


def search_corpus(corpus: Corpus, words: str, source_id: str | None = None) -> list[Hit]:
    """Return every passage of the corpus (or of one source) containing `words`."""
    sources = [corpus.find(source_id)] if source_id else sorted(corpus.sources.values(), key=lambda s: s.id)
    hits = []
    for source in sources:
        passages = SourceIndex(source).find_all(words)
        for passage in {(p.first, p.text): p for p in passages}.values():
            quoted = f"\"{passage.text}\"[@{source.id}]"
            locator = source_locator(source, passage.first, passage.last)
            citation = quoted if len(passages) == 1 else f"[@{source.id}, {locator}]"
            paragraph = source.paragraph(passage.first).text.strip()
            hits.append(Hit(source.id, passage.first, passage.text, _around(paragraph, passage.text), citation))
    return hits


def _around(paragraph: str, matched: str, width: int = 90) -> str:
    """Shorten `paragraph` to about `width` characters either side of `matched`."""
    at = paragraph.find(matched.split(" … ")[0])
    if at < 0 or len(paragraph) <= 2 * width + len(matched):
        return paragraph
    start, end = max(0, at - width), min(len(paragraph), at + len(matched) + width)
    return ("…" if start else "") + paragraph[start:end].strip() + ("…" if end < len(paragraph) else "")
