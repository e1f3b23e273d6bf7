"""Resolution: every citation of an outline checked against the corpus and located.

`Resolver(corpus).resolve(outline, log)` walks the outline in reading order, verifies each printed
quotation, evidence phrase, locator and block quotation, records the passage and
its paragraphs on the outline's objects, numbers the notes, and reports every
problem of the outline at once.
"""

from __future__ import annotations

import re
from difflib import get_close_matches

from ..corpus.sources import Corpus, Source
from ..errors import Position, ProblemLog, plural
from ..outline.reader import Outline, Prose, Quote
from ..outline.prose import CiteGroup, CiteItem
from .matcher import Nearest, OccurrenceMissing, QuotationAmbiguous, QuotationNotFound, SourceIndex, normalise
from ..corpus.passages import Passage, pages_paragraphs, paragraph_label, source_locator
from .wordiff import word_diff

ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")


class Resolver:
    """Resolves citations against one corpus, caching each source's index."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self._indexes: dict[str, SourceIndex] = {}

    def index(self, source: Source) -> SourceIndex:
        if source.id not in self._indexes:
            self._indexes[source.id] = SourceIndex(source)
        return self._indexes[source.id]

    def resolve(self, outline: Outline, log: ProblemLog) -> list[CiteGroup]:
        """Check and locate every citation of `outline`; return its notes in order."""
        notes: list[CiteGroup] = []
        for block in outline.prose():
            groups = block.citations if isinstance(block, Prose) else [self._quote(block, log)]
            for group in groups:
                if group is None:
                    continue
                if isinstance(block, Prose):
                    self._group(group, block, log)
                notes.append(group)
                group.number = len(notes)
        return notes

    # -- prose citations -----------------------------------------------------

    def _group(self, group: CiteGroup, prose: Prose, log: ProblemLog) -> None:
        for item in group.items:
            where = prose.where(item.offset)
            source = self._source(item.key, where, log)
            if source is None:
                continue
            item.source_id = source.id
            if item.locator and item.locator.label == "page" and not source.paged:
                log.warning(where, f"{source.id} has no pages: its text is numbered by paragraph (see: briefwright "
                            f"show {source.id}), so the page {item.locator.value} is printed as written, "
                            "unchecked; write para. N for a locator briefwright verifies")
            if item.explicit:
                self._check_locator(item, source, where, log)
            if item.evidence is not None:
                passage = self._find(source, item.evidence, where, log, "evidence")
                if passage:
                    item.paragraphs = (passage.first, passage.last)
        if group.quotation is not None and group.items and group.items[0].source_id:
            self._printed_quotation(group, prose, log)

    def _printed_quotation(self, group: CiteGroup, prose: Prose, log: ProblemLog) -> None:
        item = group.items[0]
        source = self.corpus.find(item.source_id)
        within = item.paragraphs if item.explicit else None
        where = prose.where(group.quotation_offset)
        passage = self._find(source, group.quotation, where, log, "quotation", within=within)
        if passage:
            group.passage = passage
            if not item.explicit and item.evidence is None and item.locator is None:  # a locator is printed as written
                item.paragraphs = (passage.first, passage.last)

    def _check_locator(self, item: CiteItem, source: Source, where: Position, log: ProblemLog) -> None:
        if item.pages is not None:
            self._check_pages(item, source, where, log)
            return
        first, last = item.paragraphs
        count = len(source.paragraphs)
        if not count:
            log.error(where, f"{paragraph_label(first, last)} does not exist: {source.id} is empty "
                      f"(seeds/{source.path.name} has no text)")
        elif first > last:
            log.error(where, f"{paragraph_label(first, last)} runs backwards: write {paragraph_label(last, first)}")
        elif first < 1 or last > count:
            log.error(where, f"{paragraph_label(first, last)} does not exist in {source.id}, "
                      f"which has paragraphs 1–{count} (see: briefwright show {source.id})")

    def _check_pages(self, item: CiteItem, source: Source, where: Position, log: ProblemLog) -> None:
        """An explicit `p. 41`: the page must exist; the item then covers that page's paragraphs."""
        first, last = item.pages
        shown = f"p. {first}" if first == last else f"pp. {first}–{last}"
        if not source.paged:  # printed as written, with the warning of _group: nothing to check it against
            item.pages, item.explicit = None, False
            return
        paragraphs = pages_paragraphs(source, first, last)
        if paragraphs is None:
            labels = source.page_labels
            log.error(where, f"{shown} does not exist in {source.id}, which has pages "
                      f"{labels[0]}–{labels[-1]} (see: briefwright show {source.id})")
            return
        item.paragraphs = paragraphs

    # -- block quotations ----------------------------------------------------------

    def _quote(self, quote: Quote, log: ProblemLog) -> CiteGroup | None:
        source = self._source(quote.key, quote.position, log)
        if source is None:
            return None
        passage = None
        if quote.text is not None:
            passage = self._find(source, quote.text, quote.positions["text"], log, "quotation",
                                 occurrence=quote.occurrence, block=True)
        elif quote.from_words is not None and quote.to_words is not None:
            passage = self._find_between(source, quote, log)
        elif quote.paragraphs is not None:
            item = CiteItem(quote.key, 0, quote.paragraphs, explicit=True)
            where = quote.positions.get("paragraphs") or quote.positions.get("paragraph")
            before = len(log.errors)
            self._check_locator(item, source, where, log)
            if len(log.errors) == before:
                passage = self.index(source).paragraphs(*quote.paragraphs)
        if passage is None:
            return None
        quote.passage = passage
        quote.note = CiteGroup([CiteItem(quote.key, 0, (passage.first, passage.last),
                                         source_id=source.id)], 0)
        return quote.note

    def _find_between(self, source: Source, quote: Quote, log: ProblemLog) -> Passage | None:
        where = quote.positions["from"]
        try:
            return self.index(source).find_between(quote.from_words, quote.to_words, quote.occurrence)
        except QuotationNotFound as missing:
            reversed_ = self._found_or_none(source, lambda index: index.find_between(quote.to_words, quote.from_words))
            if reversed_ is not None:
                log.error(where, f"from: and to: are the wrong way round: “{_shorten(quote.to_words)}” comes "
                          f"before “{_shorten(quote.from_words)}” in {source.id} ({reversed_.locator}); swap them")
            else:
                log.error(where, f"no passage from “{_shorten(quote.from_words)}” to “{_shorten(quote.to_words)}” "
                          f"in {source.id}" + _nearest_hint(missing.nearest, self._missing_words(source, quote)))
        except QuotationAmbiguous as many:
            log.error(where, _ambiguous_message("the passage", source, many.paragraphs, block=True))
        except OccurrenceMissing as few:
            log.error(quote.positions["occurrence"], _occurrence_message(source, few))
        return None

    def _missing_words(self, source: Source, quote: Quote) -> str:
        """The words of a `from:`/`to:` pair that the nearest passage stands for: `from:` if it is not in the
        source, else `to:` (as the matcher looks for them)."""
        opening = self._found_or_none(source, lambda index: index.find_all(quote.from_words)[0])
        return quote.to_words if opening is not None else quote.from_words

    # -- shared ------------------------------------------------------------------

    def _source(self, key: str, where: Position, log: ProblemLog) -> Source | None:
        source = self.corpus.find(key)
        if source is None and key in self.corpus.broken:
            log.error(where, f"source '{key}': {self.corpus.broken[key]}")
            return None
        if source is None:
            known = self.corpus.known_ids()
            guess = get_close_matches(key, known, n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else f"; known sources: {', '.join(known)}"
            log.error(where, f"unknown source '{key}'{hint}")
            return None
        if source.entry is None:
            log.warning(where, f"source '{key}' has no entry in seeds/sources.yaml; its note shows the file name")
        return source

    def _find(self, source: Source, words: str, where: Position, log: ProblemLog, what: str,
              occurrence: int | None = None, within: tuple[int, int] | None = None,
              block: bool = False) -> Passage | None:
        if not source.paragraphs:
            log.error(where, f"{what} not found: {source.id} is empty (seeds/{source.path.name} has no text)")
            return None
        try:
            return self.index(source).find_unique(words, occurrence, within)
        except QuotationNotFound as missing:
            log.error(where, self._not_found(source, words, what, within, missing.nearest))
        except QuotationAmbiguous as many:
            log.error(where, _ambiguous_message(f"the {what}", source, many.paragraphs, block))
        except OccurrenceMissing as few:
            log.error(where, _occurrence_message(source, few))
        return None


    def _not_found(self, source: Source, words: str, what: str, within: tuple[int, int] | None,
                   nearest: Nearest | None) -> str:
        """Why `words` are not found, in the editor's terms: a wrong locator, an omission across paragraphs, or
        the nearest passage with a word diff."""
        if within:
            elsewhere = self._found_or_none(source, lambda index: index.find_unique(words))
            if elsewhere is not None:
                found, named = source_locator(source, elsewhere.first, elsewhere.last), source_locator(source, *within)
                return (f"{what} found in {found}, not {named}, of {source.id}: "
                        f"“{_shorten(words)}”; correct the locator, or leave it out (briefwright works it out)")
        across = self._across_paragraphs(source, words)
        if across:
            return (f"{what} not found in {source.id}: an omission (…) cannot join paragraphs, and "
                    f"{across}; quote each paragraph on its own, or pull the passage as a block quotation "
                    "with from: and to:")
        place = f" in {paragraph_label(*within)} of {source.id}" if within else f" in {source.id}"
        return f"{what} not found{place}: “{_shorten(words)}”" + _nearest_hint(nearest, words)

    def _across_paragraphs(self, source: Source, words: str) -> str | None:
        """'“a” is in para. 5 and “b” in para. 6' if the fragments around an ellipsis lie in different paragraphs."""
        fragments = [f for f in ELLIPSIS.split(words) if f.strip()]
        if len(fragments) < 2:
            return None
        found = [self._found_or_none(source, lambda index, f=f: index.find_all(f)[0]) for f in fragments]
        if any(f is None for f in found) or len({f.first for f in found}) == 1:
            return None
        places = [(f"“{_shorten(fragment, 40)}”", passage.locator) for fragment, passage in zip(fragments, found)]
        return " and ".join(f"{words} is in {where}" if number == 0 else f"{words} in {where}"
                            for number, (words, where) in enumerate(places))

    def _found_or_none(self, source: Source, find) -> Passage | None:
        try:
            return find(self.index(source))
        except (QuotationNotFound, QuotationAmbiguous, OccurrenceMissing, IndexError):
            return None


def _nearest_hint(nearest: Nearest | None, words: str = "") -> str:
    """The nearest passage, and (for words typed) a word diff from them to it: `[-typed-] {+source+}`."""
    if nearest is None:
        return ""
    hint = (f"; nearest passage: para. {nearest.paragraph} ({nearest.similarity:.0%} similar): "
            f"“{_shorten(nearest.text, 160)}”")
    if words and len(nearest.text) <= 400:
        hint += f"\n    {word_diff(' '.join(words.split()), nearest.text, key=normalise)}"
    return hint


def _ambiguous_message(what: str, source: Source, paragraphs: list[int], block: bool) -> str:
    places = ", ".join(str(p) for p in sorted(set(paragraphs)))
    fix = "quote more words, or add occurrence: N" if block else "quote more words so that it occurs once"
    label = "para." if len(set(paragraphs)) == 1 else "paras."
    return f"{what} occurs {len(paragraphs)} times in {source.id} ({label} {places}): {fix}"


def _occurrence_message(source: Source, few: OccurrenceMissing) -> str:
    numbers = sorted(set(few.paragraphs))
    places = ", ".join(str(p) for p in numbers)
    label = "para." if len(numbers) == 1 else "paras."
    return f"occurrence: is too large: the text occurs {plural(few.count, 'time')} in {source.id} ({label} {places})"


def _shorten(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
