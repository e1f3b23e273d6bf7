"""Finding quotations in a source: normalised matching that prints the source's own characters.

Both texts are compared on a normalised view (see view.py: grapheme clusters in
NFC; white space and control characters as one space; quotes and dashes folded;
`...` as `…`) that keeps, for every character, the span of source characters
it came from. A match is therefore printed from the source, never from the
editor's typing. In a quotation, `...`/`…` marks an omission (each fragment must
occur, in order, within one paragraph) and `[text]` an editorial insertion that
stands for at most 40 source characters. A quotation that is not found, or found
more than once, raises an exception carrying what the error message needs: the
nearest passage, or every paragraph where it occurs.

Searching runs over the view's coded copy, one character per cluster, so a
match can neither end inside a cluster (`Ọkọ` does not match `Ọkọ́`) nor between
a consonant and its vowel sign (`कम` is not in `कमी`), and every place where the
quotation starts is tried (overlapping occurrences count). An ellipsis that omits nothing of the source (it stands only for white space or
the source's own `...`) prints the source's characters, not ` … `.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

from ..corpus.passages import Passage
from ..corpus.sources import Source
from .view import CLUSTER, ELLIPSIS, FOLD, boundary_after, boundary_before, code_of, coded, normalise, units

__all__ = ["normalise", "SourceIndex", "Nearest", "QuotationNotFound", "QuotationAmbiguous",
           "OccurrenceMissing", "parse_quotation"]

INSERTION_LIMIT = 40
PRINTED_ELLIPSIS = " … "
PARAGRAPH_BREAK = "\n"  # joins paragraphs in the normalised view; never inside one


@dataclass(frozen=True)
class Nearest:
    paragraph: int
    text: str
    similarity: float
    span: tuple[int, int] | None = None  # in the SourceIndex's view


class QuotationNotFound(Exception):
    def __init__(self, nearest: Nearest | None):
        self.nearest = nearest


class QuotationAmbiguous(Exception):
    def __init__(self, paragraphs: list[int]):
        self.paragraphs = paragraphs


class OccurrenceMissing(Exception):
    def __init__(self, count: int, paragraphs: list[int]):
        self.count = count
        self.paragraphs = paragraphs


@dataclass(frozen=True)
class _Piece:
    kind: str  # "text", "insert" or "gap"
    value: str = ""


def parse_quotation(quotation: str) -> list[_Piece]:
    """Split a quotation into text fragments, bracketed insertions and elisions."""
    pieces: list[_Piece] = []
    for token in re.split(r"(\[[^\[\]]*\]|\.\.\.|…)", quotation):
        if token in ("...", ELLIPSIS):
            pieces.append(_Piece("gap"))
        elif token.startswith("[") and token.endswith("]"):
            pieces.append(_Piece("insert", token))
        elif token:
            pieces.append(_Piece("text", token))
    return pieces


def _plain(text: str) -> bool:
    """Whether each character of `text` is a cluster of its own whose normalised view is itself, folded.

    Printable (no control, no white space but the space), no run of spaces, no
    `...`, in NFC, and no character joined to the next in a cluster: the case of
    most prose, whose view is then made without going through it cluster by cluster.
    """
    return (text.isprintable() and "  " not in text and "..." not in text
            and unicodedata.is_normalized("NFC", text) and len(CLUSTER.findall(text)) == len(text))


class SourceIndex:
    """The normalised view of one source, with the map back to its characters."""

    def __init__(self, source: Source):
        self.source = source
        chars, self.paragraph_of, self.starts, self.ends = [], [], [], []
        coded, self._unit_start = [], []  # the coded view, and where each of its characters starts in `text`
        for paragraph in source.paragraphs:
            if chars:
                coded.append(PARAGRAPH_BREAK)
                self._unit_start.append(len(chars))
                chars.append(PARAGRAPH_BREAK)
                self.paragraph_of.append(paragraph.number - 1)
                self.starts.append(len(source.paragraph(paragraph.number - 1).text))
                self.ends.append(self.starts[-1])
            raw = paragraph.text
            lead = len(raw) - len(raw.lstrip())
            if _plain(body := raw.strip()):  # its view is itself, folded, character for character
                first, count = len(chars), len(body)
                chars.extend(body.translate(FOLD))
                coded.append(body.translate(FOLD))
                self._unit_start.extend(range(first, first + count))
                self.paragraph_of.extend([paragraph.number] * count)
                self.starts.extend(range(lead, lead + count))
                self.ends.extend(range(lead + 1, lead + count + 1))
                continue
            for unit, start, end in units(body):
                coded.append(code_of(unit))
                self._unit_start.append(len(chars))
                for char in unit:
                    chars.append(char)
                    self.paragraph_of.append(paragraph.number)
                    self.starts.append(start + lead)
                    self.ends.append(end + lead)
        self.text = "".join(chars)
        self.coded = "".join(coded)
        self._unit_start.append(len(chars))

    def _span(self, start: int, end: int) -> tuple[int, int]:
        """Turn a span of the coded view into the same span of `text`."""
        return self._unit_start[start], self._unit_start[end]

    def printed(self, start: int, end: int) -> tuple[str, ...]:
        """Return the source characters behind normalised span [start, end), per paragraph."""
        first, last = self.paragraph_of[start], self.paragraph_of[end - 1]
        pieces = []
        for number in range(first, last + 1):
            raw = self.source.paragraph(number).text
            begin = self.starts[start] if number == first else 0
            finish = self.ends[end - 1] if number == last else len(raw)
            pieces.append(raw[begin:finish].strip())
        return tuple(pieces)

    def passage(self, start: int, end: int) -> Passage:
        return Passage(self.source.id, self.paragraph_of[start], self.paragraph_of[end - 1],
                       self.printed(start, end), (start, end))

    # -- searching -------------------------------------------------------

    def find_all(self, quotation: str, ignore_case: bool = False) -> list[Passage]:
        """Return every occurrence of `quotation` (with elisions and insertions); `ignore_case` for search."""
        pieces, pattern = _compiled(quotation, re.IGNORECASE if ignore_case else 0)
        if pattern is None:
            return []
        return [self._printed_match(match, pieces) for match in self._matches(pattern)]

    def _matches(self, pattern: re.Pattern):
        """Every match of `pattern`, one per starting place, overlapping ones included."""
        at = 0
        while (match := pattern.search(self.coded, at)) is not None:
            yield match
            at = match.start() + 1

    def _printed_match(self, match: re.Match, pieces: list[_Piece]) -> Passage:
        """Build the printed form: source characters for fragments, insertions as written."""
        spans = {index: self._span(*match.span(group))
                 for group, index in enumerate(_fragments(pieces), start=1)}
        out = ""
        for index, piece in enumerate(pieces):
            if piece.kind == "gap":
                out = self._gap(out, spans, index)
            elif piece.kind == "insert":
                out += (" " if _space_before(pieces, index) and out and not out.endswith(" ") else "")
                out += piece.value + (" " if _space_after(pieces, index) else "")
            elif index in spans:
                out += " ".join(self.printed(*spans[index]))
        first, last = min(spans.values())[0], max(spans.values())[1]
        return Passage(self.source.id, self.paragraph_of[first], self.paragraph_of[last - 1],
                       (out.strip(),), (first, last))

    def _gap(self, out: str, spans: dict[int, tuple[int, int]], index: int) -> str:
        """Print an elision: ` … `, or the source's own characters if it omits nothing."""
        before = [i for i in spans if i < index]
        after = [i for i in spans if i > index]
        if before and after and max(before) + 1 == index == min(after) - 1:
            end, start = spans[max(before)][1], spans[min(after)][0]
            if self.text[end:start].replace(" ", "") in ("", ELLIPSIS):
                raw = self.source.paragraph(self.paragraph_of[start]).text
                return out + raw[self.ends[end - 1]:self.starts[start]]
        return out.rstrip() + PRINTED_ELLIPSIS

    def find_unique(self, quotation: str, occurrence: int | None = None,
                    within: tuple[int, int] | None = None) -> Passage:
        """Return the one occurrence of `quotation`, or the `occurrence`-th.

        `within` restricts the search to a paragraph range (an explicit locator).
        Raises QuotationNotFound, QuotationAmbiguous or OccurrenceMissing.
        """
        found = self.find_all(quotation)
        if within:
            found = [p for p in found if within[0] <= p.first and p.last <= within[1]]
        return self._choose(found, quotation, occurrence)

    def find_between(self, first_words: str, last_words: str, occurrence: int | None = None) -> Passage:
        """Return the passage from `first_words` to the next `last_words` (may span paragraphs)."""
        starts = _pattern(parse_quotation(first_words))
        ends = _pattern(parse_quotation(last_words))
        if starts is None or ends is None:
            raise QuotationNotFound(None)
        passages = []
        for opening in self._matches(starts):
            closing = ends.search(self.coded, opening.end())
            if closing is None:
                continue
            passages.append(self.passage(*self._span(opening.start(), closing.end())))
        if not passages:
            missing = last_words if starts.search(self.coded) else first_words
            raise QuotationNotFound(self.nearest(missing))
        return self._choose(passages, first_words, occurrence)

    def paragraphs(self, first: int, last: int) -> Passage:
        numbers = range(first, last + 1)
        start = self.paragraph_of.index(first)
        end = len(self.paragraph_of) - self.paragraph_of[::-1].index(last)
        end -= self.text[end - 1] == PARAGRAPH_BREAK  # the break after `last` counts as `last`
        return Passage(self.source.id, first, last,
                       tuple(self.source.paragraph(n).text.strip() for n in numbers), (start, end))

    def _choose(self, found: list[Passage], quotation: str, occurrence: int | None) -> Passage:
        if not found:
            raise QuotationNotFound(self.nearest(quotation))
        if occurrence is not None:
            if occurrence > len(found):
                raise OccurrenceMissing(len(found), [p.first for p in found])
            return found[occurrence - 1]
        if len(found) > 1:
            raise QuotationAmbiguous([p.first for p in found])
        return found[0]

    # -- the nearest passage -----------------------------------------------

    @cached_property
    def _words(self) -> list[tuple[int, int]]:
        return [m.span() for m in re.finditer(r"[^ \n]+", self.text)]

    def nearest(self, quotation: str) -> Nearest | None:
        """Return the passage of the source most like `quotation`, by word windows."""
        wanted = normalise(" ".join(p.value for p in parse_quotation(quotation) if p.kind == "text"))
        size = max(1, len(wanted.split()))
        if not self._words or not wanted:
            return None
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(wanted)
        best = (0.0, 0, 0)
        for i in range(max(1, len(self._words) - size + 1)):
            start, end = self._words[i][0], self._words[min(i + size, len(self._words)) - 1][1]
            window = self.text[start:end]
            if PARAGRAPH_BREAK in window:
                continue
            matcher.set_seq1(window)
            if matcher.real_quick_ratio() > best[0] and matcher.quick_ratio() > best[0]:
                best = max(best, (matcher.ratio(), start, end))
        score, start, end = best
        if end == 0:
            return None
        return Nearest(self.paragraph_of[start], " ".join(self.printed(start, end)), score, (start, end))


def _space_before(pieces: list[_Piece], index: int) -> bool:
    return index > 0 and pieces[index - 1].value.endswith((" ", "\u00a0"))


def _space_after(pieces: list[_Piece], index: int) -> bool:
    return index + 1 < len(pieces) and pieces[index + 1].value.startswith((" ", "\u00a0"))


@lru_cache(maxsize=1024)
def _compiled(quotation: str, flags: int) -> tuple[tuple[_Piece, ...], re.Pattern | None]:
    """A quotation's pieces and pattern, made once per process (a search tries one on many paragraphs)."""
    pieces = tuple(parse_quotation(quotation))
    return pieces, _pattern(list(pieces), flags)


def _pattern(pieces: list[_Piece], flags: int = 0) -> re.Pattern | None:
    """Compile quotation pieces into a regular expression over the normalised view.

    Each text fragment is a capturing group; an elision matches anything within
    the paragraph; an insertion in the middle stands for up to 40 characters (or
    none), one at either end needs nothing at all. A fragment edge at either end
    of the quotation or at an elision must not cut a word or a number; an edge
    beside an insertion may (`[T]he`, `Pakistan[’s]`).
    """
    texts = _fragments(pieces)
    if not texts:
        return None
    parts = []
    for index in range(texts[0], texts[-1] + 1):
        piece = pieces[index]
        if piece.kind == "gap":
            parts.append(r"[^\n]*?")
        elif piece.kind == "insert":
            wild = rf"[^\n]{{0,{INSERTION_LIMIT}}}?"
            both = _space_before(pieces, index) and _space_after(pieces, index)
            parts.append(rf"(?: (?:{wild} )?)" if both else wild)
        elif coded(piece.value):
            text = coded(piece.value)
            before = boundary_before(text[0]) if _edge(pieces, index, -1) else ""
            after = boundary_after(text[-1]) if _edge(pieces, index, +1) else ""
            parts.append(f"{before}({re.escape(text)}){after}")
    return re.compile("".join(parts), flags)


def _fragments(pieces: list[_Piece]) -> list[int]:
    """The indexes of the text pieces that hold words (each a group of the pattern)."""
    return [i for i, p in enumerate(pieces) if p.kind == "text" and normalise(p.value)]


def _edge(pieces: list[_Piece], index: int, step: int) -> bool:
    """True if the fragment at `index` meets the quotation's end or an elision on that side."""
    neighbour = index + step
    while 0 <= neighbour < len(pieces) and pieces[neighbour].kind == "text" and not normalise(pieces[neighbour].value):
        neighbour += step
    return not 0 <= neighbour < len(pieces) or pieces[neighbour].kind == "gap"
