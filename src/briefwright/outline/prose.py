"""Citations inside prose, written as pandoc writes them, plus briefwright's evidence form.

`parse_prose` splits a prose string into plain text and citation groups, each
with its character offset so errors can point at the citation itself. The forms:
`[@id]`, `[see @id, p. 3]` (a prefix), `[@id, para. 4, emphasis added]` (a
locator and a suffix), `[-@id]` (the author suppressed), `[see @a, para. 2;
also @b]` (several sources), `@id` in running text (in-text), and ours:
`[@id "words"]` (evidence) and `"quoted"[@id]` (a printed quotation). An `@`
inside a word (an e-mail address), in a code span or in a link's target is text;
`\\@` is an escaped one. Anything that opens like a citation but does not parse,
and a `]` that closes nothing, is a problem at its column: never printed raw.

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
from .locators import Locator, LocatorProblem, read_locator

OPENING_QUOTES = "\"“"
CLOSING_QUOTES = "\"”"
BEFORE_CITATION = re.compile(r"[\"”](?P<trailing>[.,;:!?)]*)(?P<space>\s*)\Z")  # a quotation's end, then the citation
OPENS_AFTER = "([{“‘—–-/:"  # a straight " after one of these (or a space) opens a quotation
KEY = r"\w+(?:[:.#$%&+?<>~/-]+\w+)*"  # pandoc's citation keys: internal punctuation only
NOT_BEFORE_AT = r"(?<![\w.@\\/:+=])"  # an @ after one of these is inside a word, a path or escaped
CITATION_LIKE = re.compile(NOT_BEFORE_AT + r"-?@")
HEAD = re.compile(rf"(?P<prefix>.*?){NOT_BEFORE_AT}(?P<minus>-?)@(?P<key>{KEY})?", re.S)
EVIDENCE = re.compile(r"\s+[\"“](?P<words>[^\"“”]*)[\"”]\s*\Z")
IN_TEXT = re.compile(rf"{NOT_BEFORE_AT}@(?P<key>{KEY})")
SKIPPED = re.compile(r"`+[^`]*`+|\]\([^)\s]*\)|<[a-z]+:[^>\s]*>|\\@")  # code, link targets, autolinks, \@
FORMS = "write [@id], [see @id, para. 15], [-@id], [@id \"words from the source\"], or several joined by ';'"


@dataclass
class CiteItem:
    """One source in a citation; `paragraphs` is set by an explicit locator or by resolution."""

    key: str
    offset: int
    paragraphs: tuple[int, int] | None = None
    evidence: str | None = None
    explicit: bool = False
    source_id: str | None = None  # the catalog id, set by resolution
    prefix: str = ""              # "see", "cf.": printed before the citation
    suffix: str = ""              # after the locator, as typed: ", emphasis added"
    locator: Locator | None = None  # an explicit locator of any kind (para., p., chap., …)
    mode: str = "normal"          # "normal", "suppress-author" ([-@id]) or "author-in-text" (@id)
    pages: tuple[str, str] | None = None  # an explicit `p. 41` / `pp. 41–42` (printed page labels)


@dataclass
class CiteGroup:
    """One citation: its sources, and the quotation it follows if printed in the text."""

    items: list[CiteItem]
    offset: int
    quotation: str | None = None   # the editor's typing of a printed quotation
    quotation_offset: int | None = None  # where its opening mark stands in the prose
    trailing: str = ""              # punctuation typed between its closing mark and the citation
    passage: Passage | None = None  # set by resolution: what the brief prints
    number: int = 0                 # the note number, set by resolution
    in_text: bool = False           # `@id` in running text
    space_before: bool = False      # white space typed between a printed quotation and the citation


@dataclass
class ParsedProse:
    segments: list[str | CiteGroup] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def parse_prose(text: str) -> ParsedProse:
    """Split `text` into strings and citation groups, noting malformed citations."""
    parsed, position, skipped = ParsedProse(), 0, _skipped_spans(text)
    for start, end, kind in _citations(text, skipped, parsed.problems):
        before = text[position:start]
        group = None
        if kind == "bracket":
            quoted = _quotation_before(text, position, start, parsed.problems)
            if quoted:
                before = text[position:quoted[0]]
            group = _parse_group(text[start + 1:end - 1], start, parsed.problems)
            if group and quoted:
                opening, closing, group.trailing, group.space_before = quoted
                group.quotation, group.quotation_offset = text[opening + 1:closing], opening
                if not group.quotation.strip():
                    parsed.problems.append((opening, "the printed quotation is empty"))
        else:
            group = _in_text_group(text, start, end, parsed.problems)
        if before:
            parsed.segments.append(before)
        if group:
            parsed.segments.append(group)
        position = end
    if text[position:]:
        parsed.segments.append(text[position:])
    return parsed


def first_citation(text: str) -> int | None:
    """Where the first citation in `text` starts (or anything that opens like one), or None.

    For the values printed as typed (a title, a heading, a speaker): a citation
    there would be printed raw, so the reader refuses it at this offset.
    """
    parsed = parse_prose(text)
    starts = [s.offset for s in parsed.segments if isinstance(s, CiteGroup)]
    starts += [offset for offset, _ in parsed.problems if text[offset:offset + 1] != "]"]  # a stray ] is text here
    return min(starts, default=None)


def _skipped_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in SKIPPED.finditer(text)]


def _inside(index: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= index < end for start, end in spans)


def _citations(text: str, skipped: list, problems: list):
    """Yield (start, end, kind) of each citation: a bracketed one, or an in-text `@id` (with its `[suffix]`)."""
    index, matched = 0, set()  # the `]` of plain brackets ([sic], link texts) seen so far
    while index < len(text):
        char = text[index]
        if _inside(index, skipped):
            index += 1
            continue
        if char == "[":
            close = _closing_bracket(text, index)
            body = text[index + 1:close] if close != -1 else text[index + 1:]
            if CITATION_LIKE.search(_outer(body)):
                if close == -1:
                    problems.append((index, "this citation has no closing ']': " + FORMS))
                    return
                yield index, close + 1, "bracket"
                index = close + 1
                continue
            matched.add(close)
            index += 1
            continue
        if char == "]" and index not in matched:
            problems.append((index, "this ']' closes nothing: remove it, or open the citation with '[@'"))
        elif char == "@" and (found := IN_TEXT.match(text, index)):
            end = found.end()
            suffix = re.match(r"\s?\[([^\[\]@]*)\](?!\()", text[end:])
            yield index, end + (suffix.end() if suffix else 0), "in-text"
            index = end + (suffix.end() if suffix else 0)
            continue
        index += 1


def _outer(body: str) -> str:
    """`body` without its nested brackets: `[[@a]]` is a plain bracket around a citation."""
    while (inner := re.sub(r"\[[^\[\]]*\]", "", body)) != body:
        body = inner
    return body


def _in_text_group(text: str, start: int, end: int, problems: list) -> CiteGroup | None:
    """`@id` in running text, or `@id [p. 3]`: an author-in-text citation."""
    found = IN_TEXT.match(text, start)
    item = CiteItem(found["key"], start, mode="author-in-text")
    rest = text[found.end():end].strip()
    if rest and not _read_suffix(item, ", " + rest[1:-1].strip(), start, problems):
        return None
    return CiteGroup([item], start, in_text=True)


def _quotation_before(text: str, position: int, start: int, problems: list) -> tuple[int, int, str, bool] | None:
    """Return (opening, closing, trailing punctuation, a space before the citation?) of the quotation just before `text[start]`.

    None if no quotation mark closes just before the citation, or (after logging
    the problem) if the marks between `position` and it do not pair or one is left open.
    """
    end = BEFORE_CITATION.search(text, position, start)
    if end is None:
        if opened := _open_marks(text, position, start):
            problems.append((opened[-1], "this quotation mark is never closed before the citation, so its words "
                             "would print as a quotation unverified: close it right before the citation "
                             "(\"…\"[@id]) to quote the source, or remove it"))
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
    return opening, closing, end["trailing"], bool(end["space"])


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
    """Return the index of the `]` closing the `[` at `start` (nested pairs counted, quoted words skipped), or -1."""
    quoted, depth = False, 0
    for index in range(start + 1, len(text)):
        char = text[index]
        if char in OPENING_QUOTES + CLOSING_QUOTES:
            quoted = not quoted if char == '"' else char == "“"
        elif quoted:
            continue
        elif char == "[":
            depth += 1
        elif char == "]":
            if depth == 0:
                return index
            depth -= 1
    return -1


def _parse_group(body: str, offset: int, problems: list) -> CiteGroup | None:
    parts, items, cursor = _split_items(body), [], offset + 1
    for part in parts:
        item = _parse_item(part, cursor, problems)
        if item:
            items.append(item)
        cursor += len(part) + 1
    return CiteGroup(items, offset) if items and len(items) == len(parts) else None


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
    """One source of a bracketed citation: [prefix] [-]@id [, locator] [, suffix] or @id "evidence"."""
    head = HEAD.match(part)
    if head is None or not CITATION_LIKE.search(part):
        what = f"'{part.strip()}'" if part.strip() else "nothing"
        problems.append((offset, f"expected a source (@id) in this citation, found {what}: " + FORMS))
        return None
    at = offset + head.start("minus") + len(head["minus"])
    if not head["key"]:
        problems.append((at, "expected a source id right after '@' (e.g. @trt-2021): " + FORMS))
        return None
    item = CiteItem(head["key"], at, prefix=" ".join(head["prefix"].split()),
                    mode="suppress-author" if head["minus"] else "normal")
    rest = part[head.end():]
    if CITATION_LIKE.search(rest):
        problems.append((offset + head.end() + CITATION_LIKE.search(rest).start(),
                         "two sources in one citation need a ';' between them: [@a; @b]"))
        return None
    evidence = EVIDENCE.fullmatch(rest)
    if evidence:
        if not evidence["words"].strip():
            problems.append((item.offset, "the evidence words in quotation marks are empty"))
            return None
        item.evidence = evidence["words"]
        return item
    if any(mark in rest for mark in OPENING_QUOTES + CLOSING_QUOTES):
        problems.append((item.offset, "evidence words go in double quotes right after the id, with "
                         "nothing after them: [@id \"words from the source\"]"))
        return None
    return item if _read_suffix(item, rest, item.offset, problems) else None


def _read_suffix(item: CiteItem, rest: str, offset: int, problems: list) -> bool:
    """Read the locator and suffix after the id into `item`; False (after logging) if they cannot be read."""
    if not rest.strip():
        return True
    body = rest.lstrip()
    comma = body.startswith(",")
    body = body[1:].lstrip() if comma else body
    try:
        locator = read_locator(body)
    except LocatorProblem as problem:
        problems.append((offset, str(problem)))
        return False
    if locator is None:
        item.suffix = rest.rstrip()
        return True
    after = body[locator.length:].rstrip()
    if after and not after.startswith(","):
        typed = " ".join(filter(None, (locator.term, locator.value)))
        problems.append((offset, f"after the locator '{typed}' expected ']' or a comma "
                         f"and more words, found '{after}'"))
        return False
    item.locator, item.suffix = locator, after
    if locator.paragraphs:
        item.paragraphs, item.explicit = locator.paragraphs, True
    elif locator.label == "page":  # checked against a paged source's printed labels
        bounds = re.split(r"\s*[-–—]\s*", locator.value)
        item.pages, item.explicit = (bounds[0], bounds[-1]), True
    return True
