"""Citations inside prose: `[@id]`, `[@id, para. 15]`, `[@id "words"]`, `"quoted"[@id]`, `[@a; @b]`.

`parse_prose` splits a prose string into plain text and citation groups, each
with its character offset so errors can point at the citation itself.

A quoted phrase directly followed by a citation is a printed quotation, whether
or not white space or closing punctuation stands between them (`"…"[@id]`,
`"…" [@id]`, `"…".[@id]`). Its marks are paired from the previous citation on:
curly ones by their shape, a straight one as opening after a space, an opening
bracket or dash, and as closing otherwise. In a straight-quoted quotation the
nested marks must pair (`"the minister said "no" today"`); in a curly-quoted one
the straight marks inside are words of the quotation, verified with the rest. A
mark left open before the quotation, or a closing mark with no opening one, is
an error at its column, so no quoted words are ever printed unverified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..corpus.passages import Passage

OPENING_QUOTES = "\"“"
CLOSING_QUOTES = "\"”"
BEFORE_CITATION = re.compile(r"[\"”](?P<trailing>[.,;:!?)]*)\s*\Z")  # a quotation's end, then the citation
OPENS_AFTER = "([{“‘—–-/:"  # a straight " after one of these (or a space) opens a quotation
KEY = r"[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*"
ITEM = re.compile(
    rf"""\s*@(?P<key>{KEY}?)(?=[\s,]|$)          # @id
    (?:\s*,\s*(?P<locator>[^"“”]*?)              # , para. 15
      |\s+[\"“](?P<evidence>[^"“”]*)[\"”])?     # "evidence words"
    \s*$""",
    re.VERBOSE,
)
LOCATOR = re.compile(r"(?:paras?\.|paragraphs?|¶)\s*(\d+)(?:\s*[-–—]\s*(\d+))?", re.IGNORECASE)
PAGE_LOCATOR = re.compile(r"(?:pp?\.|pages?)\s*([0-9A-Za-z]+)(?:\s*[-–—]\s*([0-9A-Za-z]+))?", re.IGNORECASE)


@dataclass
class CiteItem:
    """One source in a citation; `paragraphs` is set by an explicit locator or by resolution."""

    key: str
    offset: int
    paragraphs: tuple[int, int] | None = None
    evidence: str | None = None
    explicit: bool = False
    source_id: str | None = None  # the catalog id, set by resolution
    pages: tuple[str, str] | None = None  # an explicit `p. 41` / `pp. 41–42` (printed page labels)


@dataclass
class CiteGroup:
    """One footnote: its sources, and the quotation it follows if printed in the text."""

    items: list[CiteItem]
    offset: int
    quotation: str | None = None   # the editor's typing of a printed quotation
    quotation_offset: int | None = None  # where its opening mark stands in the prose
    trailing: str = ""              # punctuation typed between its closing mark and the citation
    passage: Passage | None = None  # set by resolution: what the brief prints
    number: int = 0                 # the note number, set by resolution


@dataclass
class ParsedProse:
    segments: list[str | CiteGroup] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def parse_prose(text: str) -> ParsedProse:
    """Split `text` into strings and citation groups, noting malformed citations."""
    parsed, position = ParsedProse(), 0
    while (start := text.find("[@", position)) != -1:
        end = _closing_bracket(text, start)
        if end == -1:
            parsed.problems.append((start, "citation '[@' has no closing ']'"))
            break
        before, quoted = text[position:start], _quotation_before(text, position, start, parsed.problems)
        if quoted:
            before = text[position:quoted[0]]
        group = _parse_group(text[start + 1:end], start, parsed.problems)
        if before:
            parsed.segments.append(before)
        if group:
            if quoted:
                opening, closing, group.trailing = quoted
                group.quotation, group.quotation_offset = text[opening + 1:closing], opening
                if not group.quotation.strip():
                    parsed.problems.append((opening, "the printed quotation is empty"))
            parsed.segments.append(group)
        position = end + 1
    if text[position:]:
        parsed.segments.append(text[position:])
    return parsed


def _quotation_before(text: str, position: int, start: int, problems: list) -> tuple[int, int, str] | None:
    """Return (opening, closing, trailing punctuation) of the quotation just before `text[start]`.

    None if no quotation mark closes just before the citation, or (after logging
    the problem) if the marks between `position` and it do not pair.
    """
    end = BEFORE_CITATION.search(text, position, start)
    if end is None:
        return None
    closing = end.start()
    opening = _curly_opening(text, position, closing) if text[closing] == "”" else None
    if opening is not None:
        opened = _open_marks(text, position, opening)
    else:  # a straight closing mark, or a curly one closing a straight opening mark
        opened = _open_marks(text, position, closing)
        opening = opened.pop() if opened else None
    if opening is None:
        problems.append((closing, "a quotation mark closes a quotation that was never opened"))
        return None
    if opened:
        problems.append((opened[-1], "this quotation mark is never closed, so the quotation before the "
                         "citation is unclear: quotation marks inside a quotation must pair"))
        return None
    return opening, closing, end["trailing"]


def _curly_opening(text: str, start: int, closing: int) -> int | None:
    """The “ that the ” at `closing` closes, counting nested curly pairs (straight marks inside are verified words)."""
    depth = 0
    for index in range(closing - 1, start - 1, -1):
        if text[index] == "”":
            depth += 1
        elif text[index] == "“":
            if depth == 0:
                return index
            depth -= 1
    return None


def _open_marks(text: str, start: int, end: int) -> list[int]:
    """The double quotation marks of `text[start:end]` left open, in order.

    A straight closing mark closes the last mark opened; a curly ” closes only a “.
    A closing mark that closes nothing is text.
    """
    opened = []
    for index in range(start, end):
        char = text[index]
        if char == "“" or char == '"' and _opens(text, index, start):
            opened.append(index)
        elif char in CLOSING_QUOTES and opened and (char == '"' or text[opened[-1]] == "“"):
            opened.pop()
    return opened


def _opens(text: str, index: int, start: int) -> bool:
    """True if the straight quotation mark at `index` opens a quotation (see the module's rule)."""
    return index == start or text[index - 1].isspace() or text[index - 1] in OPENS_AFTER


def _closing_bracket(text: str, start: int) -> int:
    """Return the index of the `]` closing the citation at `start`, skipping quoted words."""
    quoted = False
    for index in range(start + 2, len(text)):
        char = text[index]
        if char in OPENING_QUOTES + CLOSING_QUOTES:
            quoted = not quoted if char == '"' else char == "“"
        elif char == "]" and not quoted:
            return index
    return -1


def _parse_group(body: str, offset: int, problems: list) -> CiteGroup | None:
    items, cursor = [], offset + 1
    for part in _split_items(body):
        item = _parse_item(part, cursor, problems)
        if item:
            items.append(item)
        cursor += len(part) + 1
    return CiteGroup(items, offset) if items and len(items) == len(_split_items(body)) else None


def _split_items(body: str) -> list[str]:
    """Split on semicolons that are not inside quoted evidence."""
    parts, current, quoted = [], "", False
    for char in body:
        if char in OPENING_QUOTES + CLOSING_QUOTES:
            quoted = not quoted if char == '"' else char == "“"
        if char == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return parts + [current]


def _parse_item(part: str, offset: int, problems: list) -> CiteItem | None:
    match = ITEM.fullmatch(part)
    if not match or not match["key"]:
        problems.append((offset, f"cannot read the citation {part.strip()!r}: write [@id], "
                         "[@id, para. 15], [@id \"words from the source\"] or several joined by ';'"))
        return None
    item = CiteItem(match["key"], offset + part.index("@"))
    if match["evidence"] is not None:
        if not match["evidence"].strip():
            problems.append((item.offset, "the evidence words in quotation marks are empty"))
            return None
        item.evidence = match["evidence"]
    elif match["locator"] is not None:
        locator = LOCATOR.fullmatch(match["locator"].strip())
        pages = PAGE_LOCATOR.fullmatch(match["locator"].strip())
        if pages:
            item.pages = (pages[1], pages[2] or pages[1])
            item.explicit = True
            return item
        if not locator:
            problems.append((item.offset, f"cannot read the locator {match['locator'].strip()!r}: the corpus "
                             "is numbered by paragraph, so write 'para. 15' or 'paras. 15–16'"))
            return None
        first = int(locator[1])
        item.paragraphs = (first, int(locator[2] or first))
        item.explicit = True
    return item
