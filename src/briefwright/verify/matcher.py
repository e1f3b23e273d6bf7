"""Finding quotations in a source: normalised matching that prints the source's own characters.

Both texts are compared on a normalised view (NFC; white-space runs as one space;
all single quotes as one character, all double quotes as one, hyphen/en/em dash as
one, `...` as `…`) that keeps, for every character, the span of source characters
it came from. A match is therefore printed from the source, never from the
editor's typing. In a quotation, `...`/`…` marks an omission (each fragment must
occur, in order, within one paragraph) and `[text]` an editorial insertion that
stands for at most 40 source characters. A quotation that is not found, or found
more than once, raises an exception carrying what the error message needs: the
nearest passage, or every paragraph where it occurs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property

from ..corpus.sources import Source

SINGLE_QUOTES = "'‘’‚‛ʼ"
DOUBLE_QUOTES = '"“”„‟'
DASHES = "-‐‑‒–—―"
FOLD = str.maketrans({**{c: "'" for c in SINGLE_QUOTES}, **{c: '"' for c in DOUBLE_QUOTES},
                      **{c: "-" for c in DASHES}})
ELLIPSIS = "…"
INSERTION_LIMIT = 40
PRINTED_ELLIPSIS = " … "
PARAGRAPH_BREAK = "\n"  # joins paragraphs in the normalised view; never inside one
LETTER_BEFORE = r"(?<![^\W\d_])"
LETTER_AFTER = r"(?![^\W\d_])"
DIGIT_BEFORE = r"(?<!\d)"
DIGIT_AFTER = r"(?!\d)"


def normalise(text: str) -> str:
    """Return the normalised view of `text` used for every comparison."""
    return "".join(char for char, _, _ in _normalised_chars(text)).strip(" ")


def _normalised_chars(raw: str):
    """Yield (normalised char, raw start, raw end) for `raw`."""
    i, length = 0, len(raw)
    while i < length:
        if raw[i].isspace():
            j = i
            while j < length and raw[j].isspace():
                j += 1
            yield " ", i, j
            i = j
        elif raw.startswith("...", i):
            yield ELLIPSIS, i, i + 3
            i += 3
        else:
            j = i + 1
            while j < length and unicodedata.combining(raw[j]):
                j += 1
            for char in unicodedata.normalize("NFC", raw[i:j]).translate(FOLD):
                yield char, i, j
            i = j


def paragraph_label(first: int, last: int) -> str:
    """Return the locator text for a paragraph range: `para. 7` or `paras. 7–8`."""
    return f"para. {first}" if first == last else f"paras. {first}–{last}"


def parse_paragraph_range(text: str) -> tuple[int, int] | None:
    """Read `7`, `7-8` or `7–8` as (first, last); None unless 1 <= first <= last."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:[-–—]\s*(\d+))?\s*", text)
    if not match:
        return None
    first, last = int(match[1]), int(match[2] or match[1])
    return (first, last) if 1 <= first <= last else None


@dataclass(frozen=True)
class Passage:
    """A located passage: its paragraphs and the source characters to print."""

    source_id: str
    first: int
    last: int
    printed: tuple[str, ...]  # one string per paragraph the passage covers
    span: tuple[int, int] | None = field(default=None, compare=False)  # in the SourceIndex's view

    @property
    def locator(self) -> str:
        return paragraph_label(self.first, self.last)

    @property
    def text(self) -> str:
        return " ".join(self.printed)


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


class SourceIndex:
    """The normalised view of one source, with the map back to its characters."""

    def __init__(self, source: Source):
        self.source = source
        chars, self.paragraph_of, self.starts, self.ends = [], [], [], []
        for paragraph in source.paragraphs:
            if chars:
                chars.append(PARAGRAPH_BREAK)
                self.paragraph_of.append(paragraph.number - 1)
                self.starts.append(len(source.paragraph(paragraph.number - 1).text))
                self.ends.append(self.starts[-1])
            raw = paragraph.text
            lead = len(raw) - len(raw.lstrip())
            for char, start, end in _normalised_chars(raw.strip()):
                chars.append(char)
                self.paragraph_of.append(paragraph.number)
                self.starts.append(start + lead)
                self.ends.append(end + lead)
        self.text = "".join(chars)

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
        pieces = parse_quotation(quotation)
        pattern = _pattern(pieces, re.IGNORECASE if ignore_case else 0)
        if pattern is None:
            return []
        return [self._printed_match(match, pieces) for match in pattern.finditer(self.text)]

    def _printed_match(self, match: re.Match, pieces: list[_Piece]) -> Passage:
        """Build the printed form: source characters for fragments, insertions as written."""
        out, group, spans = "", 1, []
        for index, piece in enumerate(pieces):
            if piece.kind == "gap":
                out = out.rstrip() + PRINTED_ELLIPSIS
            elif piece.kind == "insert":
                out += (" " if _space_before(pieces, index) and out and not out.endswith(" ") else "")
                out += piece.value + (" " if _space_after(pieces, index) else "")
            elif normalise(piece.value):
                start, end = match.span(group)
                group += 1
                spans.append((start, end))
                out += " ".join(self.printed(start, end))
        first, last = spans[0][0], spans[-1][1]
        return Passage(self.source.id, self.paragraph_of[first], self.paragraph_of[last - 1],
                       (out.strip(),), (first, last))

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
        for opening in starts.finditer(self.text):
            closing = ends.search(self.text, opening.end())
            if closing is None:
                continue
            passages.append(self.passage(opening.start(), closing.end()))
        if not passages:
            missing = last_words if starts.search(self.text) else first_words
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


def _pattern(pieces: list[_Piece], flags: int = 0) -> re.Pattern | None:
    """Compile quotation pieces into a regular expression over the normalised view.

    Each text fragment is a capturing group; an elision matches anything within
    the paragraph; an insertion in the middle stands for up to 40 characters (or
    none), one at either end needs nothing at all. A fragment edge at either end
    of the quotation or at an elision must not cut a word or a number; an edge
    beside an insertion may (`[T]he`, `Pakistan[’s]`).
    """
    texts = [i for i, p in enumerate(pieces) if p.kind == "text" and normalise(p.value)]
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
        elif normalise(piece.value):
            text = normalise(piece.value)
            before = _boundary_before(text[0]) if _edge(pieces, index, -1) else ""
            after = _boundary_after(text[-1]) if _edge(pieces, index, +1) else ""
            parts.append(f"{before}({re.escape(text)}){after}")
    return re.compile("".join(parts), flags)


def _edge(pieces: list[_Piece], index: int, step: int) -> bool:
    """True if the fragment at `index` meets the quotation's end or an elision on that side."""
    neighbour = index + step
    while 0 <= neighbour < len(pieces) and pieces[neighbour].kind == "text" and not normalise(pieces[neighbour].value):
        neighbour += step
    return not 0 <= neighbour < len(pieces) or pieces[neighbour].kind == "gap"


def _boundary_before(char: str) -> str:
    """Forbid a letter before a fragment starting with a letter, a digit before a digit."""
    return LETTER_BEFORE if char.isalpha() else DIGIT_BEFORE if char.isdigit() else ""


def _boundary_after(char: str) -> str:
    return LETTER_AFTER if char.isalpha() else DIGIT_AFTER if char.isdigit() else ""
