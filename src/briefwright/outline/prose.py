"""Citations inside prose: `[@id]`, `[@id, para. 15]`, `[@id "words"]`, `"quoted"[@id]`, `[@a; @b]`.

`parse_prose` splits a prose string into plain text and citation groups, each
with its character offset so errors can point at the citation itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..verify.matcher import Passage

OPENING_QUOTES = "\"“"
CLOSING_QUOTES = "\"”"
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
        before, quotation, quote_start = text[position:start], None, start
        if start > position and text[start - 1] in CLOSING_QUOTES:
            opening = _opening_quote(text, position, start - 1)
            if opening == -1:
                parsed.problems.append((start - 1, "a quotation mark closes a quotation that was never opened"))
            else:
                before, quotation, quote_start = text[position:opening], text[opening + 1:start - 1], opening
        group = _parse_group(text[start + 1:end], start, parsed.problems)
        if before:
            parsed.segments.append(before)
        if group:
            group.quotation = quotation
            if quotation is not None and not quotation.strip():
                parsed.problems.append((quote_start, "the printed quotation is empty"))
            parsed.segments.append(group)
        position = end + 1
    if text[position:]:
        parsed.segments.append(text[position:])
    return parsed


def _opening_quote(text: str, start: int, closing: int) -> int:
    """Return the index of the mark opening the quotation that `text[closing]` closes, or -1.

    A curly ” pairs with its “ (counting nested pairs, so straight quotes inside
    are the source's own); a straight " pairs with the previous straight ",
    or failing that with the last “.
    """
    if text[closing] == "”":
        depth = 0
        for index in range(closing - 1, start - 1, -1):
            if text[index] == "”":
                depth += 1
            elif text[index] == "“":
                if depth == 0:
                    return index
                depth -= 1
        return text.rfind('"', start, closing)
    straight = text.rfind('"', start, closing)
    return straight if straight != -1 else text.rfind("“", start, closing)


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
