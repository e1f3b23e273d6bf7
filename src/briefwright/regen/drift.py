"""Drift: what happened to each locked quotation since the last build.

Each quotation recorded in the brief's lock (see lock.py) is looked for again in
today's source, by its exact characters and its context, and put in one class:

- unchanged: the same text, in the same paragraph;
- moved: the same text, in another paragraph (the locator follows it);
- edited: the text is gone, but between the same context stands a passage that is
  clearly the same one reworded (or, if the context changed too, a very similar
  passage): the build fails with a word-level diff until `--accept`;
- ambiguous: the text now occurs more often than it did: the build fails, listing
  the paragraphs;
- gone: nothing close remains: the build fails, naming the old paragraph and text.

In a paged source (page lines `\f41`) a quotation's place is its page, as its note
prints it: one that moved to another page is "moved from p. 41 to p. 42", and one
that only changed paragraph on the same page is unchanged. What the outline numbers
by paragraph (`paragraph: 6`, `para. 6`) is still compared by paragraph.

`record_citations` makes the records a lock stores; `classify` compares one record
with a source; `review_drift` applies both to an outline during a check, reporting
at the quotation's line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..errors import Position, ProblemLog
from .lock import CONTEXT_CHARS, CitationRecord, FileHashes, Lock
from ..outline.reader import Outline, Quote
from ..outline.prose import CiteGroup, CiteItem
from ..verify.matcher import SourceIndex, normalise
from ..verify.wordiff import word_diff
from ..corpus.passages import Passage, page_label, paragraph_label

CLASSES = ("unchanged", "moved", "edited", "ambiguous", "gone")
NUMBERED = ("paragraphs", "locator")  # citations whose paragraph numbers are written in the outline
EDITED_SIMILARITY = 0.6         # between the same context, a passage at least this similar is "edited"
EDITED_WITHOUT_CONTEXT = 0.85   # with the context changed too, the nearest passage must be this similar
CONTEXT_SIMILARITY = 0.7
PAGE_LOCATOR_TYPED = re.compile(r"pp?\. ")  # how an explicit page locator's words are recorded: `p. 41`


@dataclass
class Drift:
    """The class of one quotation, with what the report and `--accept` need."""

    record: CitationRecord
    kind: str                                   # one of CLASSES
    paragraphs: list[int] = field(default_factory=list)  # where it is now (moved, edited: first, last)
    new_text: str | None = None                 # edited: today's passage
    position: Position | None = None            # in the outline, when known
    accepted: bool = False
    pages: list[str] = field(default_factory=list)  # in a paged source: the page of each of `paragraphs`

    @property
    def by_page(self) -> bool:
        """Whether its place is a page: a quotation (or page locator) of a source paged then and now."""
        record = self.record
        if not record.pages or (self.paragraphs and not self.pages):
            return False
        return record.kind in ("quotation", "text", "from-to") or bool(PAGE_LOCATOR_TYPED.match(record.typed))

    @property
    def was(self) -> str:
        """Where the last build found it: `p. 41` or `para. 7`."""
        return self.record.pages if self.by_page else paragraph_label(self.record.first, self.record.last)

    @property
    def locator(self) -> str:
        """Where it is now: `p. 42` or `para. 8` (empty if gone)."""
        if not self.paragraphs:
            return ""
        if self.by_page:
            return _pages_label(self.pages[0], self.pages[-1])
        return paragraph_label(self.paragraphs[0], self.paragraphs[-1])

    @property
    def relocated(self) -> bool:
        """Whether it now stands somewhere else than the last build found it."""
        return bool(self.paragraphs) and self.locator != self.was

    def _places(self) -> str:
        if self.by_page:
            labels = list(dict.fromkeys(self.pages))
            return ("p. " if len(labels) == 1 else "pp. ") + ", ".join(labels)
        return "paras. " + ", ".join(map(str, sorted(set(self.paragraphs))))

    def message(self) -> str:
        record, old = self.record, self.was
        quoted = f"“{shorten(record.text.replace(chr(10), ' '))}”"
        if self.kind == "moved":
            if self.by_page:
                return f"moved: {quoted} in {record.source} moved from {old} to {self.locator}"
            return f"moved: {quoted} in {record.source} is now {self.locator} (was {old})"
        if self.kind == "ambiguous":
            return (f"ambiguous: {quoted} now occurs {len(self.paragraphs)} times in {record.source} "
                    f"({self._places()}); it was in {old}: quote more words so that it occurs once")
        if self.kind == "gone":
            return f"gone: {quoted} ({record.source}, {old}) is no longer in the source, nor anything close to it"
        if self.kind == "edited":
            state = "accepted" if self.accepted else "run briefwright build --accept to take the new text"
            where = "" if self.locator == old else f" in {self.locator}"   # "in para. 11" only if it moved too
            return (f"edited: {record.source}, {old} now reads differently{where} ({state}):\n"
                    f"    {word_diff(record.text, self.new_text or '')}")
        return f"unchanged: {quoted}"

    def as_data(self) -> dict:
        data = {"class": self.kind, "source": self.record.source, "kind": self.record.kind,
                "text": self.record.text, "was": [self.record.first, self.record.last],
                "now": [self.paragraphs[0], self.paragraphs[-1]] if self.paragraphs else None,
                "new_text": self.new_text, "position": str(self.position) if self.position else None}
        if self.by_page:
            data |= {"was_pages": self.was, "now_pages": self.locator or None}
        return data


def _pages_label(first: str, last: str) -> str:
    return f"p. {first}" if first == last else f"pp. {first}–{last}"


# -- recording -------------------------------------------------------------------

@dataclass
class OutlineCitation:
    """A quotation of today's outline: what identifies it, where it stands, what it resolved to."""

    kind: str
    key: str
    typed: str
    position: Position
    passage: Passage | None
    quote: Quote | None = None                  # for block quotations
    group: CiteGroup | None = None              # for printed quotations
    item: CiteItem | None = None                # for explicit locators (`[@id, para. 15]`)
    prose: str = ""                             # the prose string that holds it (printed quotations, locators)

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.kind, self.key, self.typed)


def outline_citations(outline: Outline) -> list[OutlineCitation]:
    """Every quotation of `outline` in reading order (printed in prose, or block), and every
    explicit locator (`[@id, para. 15]`: the paragraphs it names are its passage)."""
    found = []
    for block in outline.prose():
        if isinstance(block, Quote):
            kind, typed, where = _quote_form(block)
            if kind:
                found.append(OutlineCitation(kind, block.key, typed, block.positions.get(where, block.position),
                                             block.passage, quote=block))
            continue
        for group in block.citations:
            if group.quotation is not None and group.items:
                where = block.where(group.quotation_offset)
                found.append(OutlineCitation("quotation", group.items[0].key, group.quotation, where,
                                             group.passage, group=group))
            found += [OutlineCitation("locator", item.key, _locator_typed(item), block.where(item.offset),
                                      None, group=group, item=item, prose=block.text)
                      for item in group.items if item.explicit and (item.paragraphs or item.pages)]
    return found


def _locator_typed(item: CiteItem) -> str:
    """What identifies an explicit locator: its pages as written (`p. 41`), or its paragraphs (`12-12`)."""
    if item.pages is not None:
        return _pages_label(*item.pages)
    return "{}-{}".format(*item.paragraphs)


def _quote_form(quote: Quote) -> tuple[str | None, str, str]:
    if quote.text is not None:
        return "text", quote.text, "text"
    if quote.from_words is not None and quote.to_words is not None:
        return "from-to", f"{quote.from_words} … {quote.to_words}", "from"
    if quote.paragraphs is not None:
        where = "paragraphs" if "paragraphs" in quote.positions else "paragraph"
        return "paragraphs", f"{quote.paragraphs[0]}-{quote.paragraphs[1]}", where
    return None, "", ""


def record_citations(outline: Outline, index_of, editorial: dict[int, str] | None = None) -> list[CitationRecord]:
    """The lock's records for a resolved outline; `index_of(source_id)` gives a SourceIndex.

    `editorial` maps a printed quotation's group (by id) to the editor's punctuation
    printed inside its closing mark (see render.punctuation.editorial_marks).
    """
    records, editorial = [], editorial or {}
    for citation in outline_citations(outline):
        passage = citation.passage
        if citation.kind == "locator" and citation.item.source_id:
            passage = index_of(citation.item.source_id).paragraphs(*citation.item.paragraphs)
        if passage is None or passage.span is None:
            continue
        index = index_of(passage.source_id)
        start, end = passage.span
        text = "\n".join(index.printed(start, end))
        places = _occurrences(index, _view(text))
        records.append(CitationRecord(
            citation.kind, citation.key, citation.typed, passage.source_id, passage.first, passage.last, text,
            index.text[max(0, start - CONTEXT_CHARS):start], index.text[end:end + CONTEXT_CHARS],
            places.index(start) + 1 if start in places else 1, max(1, len(places)),
            page_label(index.source, passage.first, passage.last) or "",
            editorial.get(id(citation.group), "") if citation.kind == "quotation" else ""))
    return records


# -- classifying -------------------------------------------------------------------

def classify(record: CitationRecord, index: SourceIndex) -> Drift:
    """Put one locked quotation in its class against today's source."""
    view = _view(record.text)
    places = _occurrences(index, view)
    if places and len(places) == record.occurrences:
        start = places[record.occurrence - 1]
        drift = _found(record, index, "moved", [index.paragraph_of[start], index.paragraph_of[start + len(view) - 1]])
        drift.kind = "moved" if drift.relocated else "unchanged"
        return drift
    if places:
        return _found(record, index, "ambiguous", [index.paragraph_of[p] for p in places])
    span = _between_same_context(record, index, view) or _nearest_similar(record, index, view)
    if span is None:
        return Drift(record, "gone")
    start, end = span
    return _found(record, index, "edited", [index.paragraph_of[start], index.paragraph_of[end - 1]],
                  "\n".join(index.printed(start, end)))


def _found(record: CitationRecord, index: SourceIndex, kind: str, paragraphs: list[int],
           new_text: str | None = None) -> Drift:
    """A drift whose text stands today in `paragraphs`, with their pages if the source is paged."""
    source = index.source
    pages = [source.paragraph(number).page for number in paragraphs] if source.paged else []
    return Drift(record, kind, paragraphs, new_text, pages=pages)


def _view(text: str) -> str:
    """The matcher's view of recorded text (paragraphs joined by a line break)."""
    return "\n".join(normalise(line) for line in text.split("\n"))


def _occurrences(index: SourceIndex, view: str) -> list[int]:
    places, start = [], index.text.find(view)
    while view and start != -1:
        places.append(start)
        start = index.text.find(view, start + 1)
    return places


def _between_same_context(record: CitationRecord, index: SourceIndex, view: str) -> tuple[int, int] | None:
    """The most similar passage standing between the recorded context, if similar enough."""
    text, limit = index.text, 2 * len(view) + 80
    starts = [p + len(record.before) for p in _occurrences(index, record.before)] if record.before else [0]
    best = None
    for start in starts:
        end = text.find(record.after, start) if record.after else len(text)
        if end == -1 or end - start > limit or end <= start:
            continue
        score = _similarity(view, text[start:end])
        if score >= EDITED_SIMILARITY and (best is None or score > best[0]):
            best = (score, start, end)
    return best[1:] if best else None


def _nearest_similar(record: CitationRecord, index: SourceIndex, view: str) -> tuple[int, int] | None:
    """The nearest passage, if nearly the same and one side of its context still alike."""
    nearest = index.nearest(view.replace("\n", " "))
    if nearest is None or nearest.span is None or nearest.similarity < EDITED_WITHOUT_CONTEXT:
        return None
    start, end = nearest.span
    before = index.text[max(0, start - len(record.before)):start]
    after = index.text[end:end + len(record.after)]
    if max(_similarity(record.before, before), _similarity(record.after, after)) < CONTEXT_SIMILARITY:
        return None
    return start, end


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- during a check ------------------------------------------------------------------

def review_drift(outline: Outline, lock: Lock, resolver, log: ProblemLog, accept: bool = False) -> list[Drift]:
    """Classify each quotation of `outline` that the lock knows and whose source changed.

    Moved quotations are re-anchored by resolution itself and reported; an
    edited, ambiguous or gone one is an error at the quotation's position (in
    place of the resolver's own "not found" for it), except an edited passage the
    resolver still finds when `accept` is set. A block quotation by paragraph
    number that moved also needs `--accept`, which rewrites the number.
    """
    drifts = []
    for citation, drift in match_drifts(outline, lock, resolver):
        drift.accepted = accept and drift.kind == "edited" and (citation.passage is not None or
                                                                 citation.kind == "locator")
        if drift.kind != "unchanged":
            drifts.append(drift)
            _report(drift, citation, log)
    return drifts


def match_drifts(outline: Outline, lock: Lock, resolver) -> list[tuple[OutlineCitation, Drift]]:
    """Pair each quotation of `outline` with its lock record, and classify those whose source changed.

    Records are matched by (kind, source key, words typed), in order; a
    quotation the lock does not know is new and left to resolution alone.
    """
    records: dict[tuple, list[CitationRecord]] = {}
    for record in lock.citations:
        records.setdefault(record.identity, []).append(record)
    pairs, file_hash = [], FileHashes()
    for citation in outline_citations(outline):
        if _names_its_passage_now(citation, records, resolver):
            continue
        matching = records.get(citation.identity)
        if not matching:
            continue
        record = matching.pop(0)
        source = resolver.corpus.find(citation.key)
        if source is None or record.source != source.id:
            continue
        if file_hash(source.path) == lock.sources.get(source.id, {}).get("sha256"):
            continue  # the source is as it was: unchanged
        drift = classify(record, resolver.index(source))
        drift.position = citation.position
        pairs.append((citation, drift))
    return pairs


def _names_its_passage_now(citation: OutlineCitation, records: dict[tuple, list[CitationRecord]], resolver) -> bool:
    """A numbered citation whose paragraphs today hold a recorded passage of its kind: nothing moved.

    This is what `--accept` leaves behind: `para. 13` where the lock, written
    before a paragraph was inserted, says 12. That record is used up, so it is
    not paired with another citation that still names the old number.
    """
    if citation.kind not in NUMBERED:
        return False
    source = resolver.corpus.find(citation.key)
    numbers = citation.item.paragraphs if citation.item else citation.quote.paragraphs
    if source is None or numbers is None or numbers[1] > len(source.paragraphs):
        return False
    index = resolver.index(source)
    start, end = index.paragraphs(*numbers).span
    today = "\n".join(index.printed(start, end))
    by_page = bool(PAGE_LOCATOR_TYPED.match(citation.typed))
    for identity, candidates in records.items():
        if identity[:2] == (citation.kind, citation.key):
            for record in candidates:
                elsewhere = record.pages != citation.typed if by_page else [record.first, record.last] != list(numbers)
                if record.text == today and elsewhere:
                    candidates.remove(record)
                    return True
    return False


def _report(drift: Drift, citation: OutlineCitation, log: ProblemLog) -> None:
    where = citation.position
    numbered = citation.kind in NUMBERED  # the outline itself names the paragraphs
    if drift.kind == "moved" and not numbered:
        return  # reported by the build; resolution has re-anchored it
    log.problems[:] = [p for p in log.problems if not (p.severity == "error" and p.position == where)]
    if drift.kind == "moved" or (numbered and drift.accepted and drift.relocated):
        log.error(where, f"{drift.message()}: the outline still says {drift.was}; "
                  "run briefwright build --accept to update it")
    elif not drift.accepted:
        log.error(where, drift.message())
