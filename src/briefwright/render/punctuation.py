"""Punctuation around note calls, as pandoc's citeproc places it.

In a note style, a note call stands after the punctuation that follows the
cited words: `… Turkey [@id].` prints `… Turkey.¹`, and the space before the
citation goes. Where the citation follows a printed quotation and the language
puts punctuation inside quotation marks (American English: `lang: en` or
`en-US`, as CSL's en-US locale says), a closing period or comma moves inside
the closing mark: `"… agreements"[@id].` prints `“… agreements.”³`; British
English (`en-GB`) and other languages keep it outside: `“… agreements”.³`.
Punctuation typed between the closing mark and the citation (`"…".[@id]`)
stays where it was typed, as in pandoc. Only the editor's punctuation moves;
the quoted words (the source's characters) are unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..outline.prose import CiteGroup

MOVED = re.compile(r"[.,;:!?]+")
INSIDE = ".,"  # what American usage sets inside the closing quotation mark


@dataclass
class PlacedCitation:
    """A citation, with the punctuation printed before its call (after any printed quotation)."""

    group: CiteGroup
    before_call: str = ""     # punctuation printed between the quotation (or the words) and the call
    inside_quote: str = ""    # punctuation printed inside the quotation's closing mark


def punctuation_inside_quotes(lang: str) -> bool:
    """True for the languages whose CSL locale sets a period or comma inside the closing mark (en, en-US)."""
    return lang.lower() in ("en", "en-us")


def place(segments: list, is_note, inside: bool) -> list:
    """Return `segments` (prose text and citation groups) with punctuation moved before note calls.

    `is_note(group)` says whether the group's citation is a note (and so moves).
    Text segments are returned as strings and groups as `PlacedCitation`.
    """
    segments, out = list(segments), []
    for index, segment in enumerate(segments):
        if not isinstance(segment, CiteGroup):
            out.append(segment)
            continue
        placed = PlacedCitation(segment, segment.trailing)
        if is_note(segment):
            _move_following(placed, segments, index, out)
            if inside and segment.passage is not None and not segment.trailing:
                _move_inside(placed)
        out.append(placed)
    return out


def _move_following(placed: PlacedCitation, segments: list, index: int, out: list) -> None:
    """Take the punctuation after the citation before its call, and the space before it away."""
    if placed.group.quotation is None and not placed.group.in_text and out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
    following = segments[index + 1] if index + 1 < len(segments) else None
    if isinstance(following, str) and (punctuation := MOVED.match(following)):
        segments[index + 1] = following[punctuation.end():]
        placed.before_call += punctuation[0]


def _move_inside(placed: PlacedCitation) -> None:
    """en-US: a leading period or comma of the punctuation goes inside the closing quotation mark."""
    if placed.before_call[:1] in tuple(INSIDE):
        placed.inside_quote, placed.before_call = placed.before_call[0], placed.before_call[1:]


def editorial_marks(blocks, note_style: bool, lang: str) -> dict[int, str]:
    """For the lock: {id of a printed quotation's group: the editor's punctuation set inside its closing mark}."""
    inside, marks = punctuation_inside_quotes(lang), {}
    for block in blocks:
        for segment in place(block.parsed.segments, lambda group: note_style, inside):
            if isinstance(segment, PlacedCitation) and segment.inside_quote:
                marks[id(segment.group)] = segment.inside_quote
    return marks
