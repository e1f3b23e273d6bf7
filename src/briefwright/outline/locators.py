"""Locator terms: the words that open a citation's locator, mapped to CSL locator labels.

pandoc's citeproc reads a locator from the start of a citation's suffix by the
terms of the CSL locale (`p. 3`, `paras. 4–5`, `chap. 2`, `§ 7`, …). `read_locator`
reads the same terms, so briefwright knows which locators name paragraphs of
the corpus (and must exist) and which it passes on to the style unverified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches

# The en-US CSL locale's locator terms (long and short forms, singular and plural, symbols).
_TERMS = {
    "act": ["act", "acts"], "appendix": ["app.", "apps.", "appendix", "appendices"],
    "article-locator": ["art.", "arts.", "article", "articles"],
    "book": ["bk.", "bks.", "book", "books"], "canon": ["can.", "canon", "canons"],
    "chapter": ["chap.", "chaps.", "chapter", "chapters", "ch."],
    "column": ["col.", "cols.", "column", "columns"], "equation": ["eq.", "eqq.", "equation", "equations"],
    "figure": ["fig.", "figs.", "figure", "figures"], "folio": ["fol.", "fols.", "folio", "folios"],
    "issue": ["no.", "nos.", "number", "numbers", "issue", "issues"],
    "line": ["l.", "ll.", "line", "lines"], "note": ["n.", "nn.", "note", "notes"],
    "opus": ["op.", "opp.", "opus", "opera"], "page": ["p.", "pp.", "page", "pages"],
    "paragraph": ["para.", "paras.", "paragraph", "paragraphs", "¶", "¶¶"],
    "part": ["pt.", "pts.", "part", "parts"], "rule": ["r.", "rr.", "rule", "rules"],
    "scene": ["sc.", "scs.", "scene", "scenes"], "section": ["sec.", "secs.", "section", "sections", "§", "§§"],
    "sub-verbo": ["s.v.", "s.vv.", "sub verbo", "sub verbis"], "table": ["tbl.", "tbls.", "table", "tables"],
    "verse": ["v.", "vv.", "verse", "verses"], "volume": ["vol.", "vols.", "volume", "volumes"],
}
LOCATOR_TERMS = {term: label for label, terms in _TERMS.items() for term in terms}
_BY_LENGTH = sorted(LOCATOR_TERMS, key=len, reverse=True)
_TERM = re.compile("(?P<term>" + "|".join(re.escape(t) for t in _BY_LENGTH) + r")(?![A-Za-z])\s*", re.IGNORECASE)
_NUMBER = r"(?:\d+[A-Za-z]?|[ivxlcdm]+\b|[IVXLCDM]+\b)"
_VALUE = re.compile(rf"(?P<value>{_NUMBER}(?:\s*[-–—]\s*{_NUMBER})?)")
_RANGE = re.compile(r"(\d+)(?:\s*[-–—]\s*(\d+))?\Z")
_LOOKS_LIKE_TERM = re.compile(r"(?P<word>[^\W\d]+\.?)\s*\d")


class LocatorProblem(ValueError):
    """A suffix that starts like a locator but cannot be read; the message says what was expected."""


@dataclass(frozen=True)
class Locator:
    label: str                        # the CSL label: "paragraph", "page", "chapter", …
    term: str                         # as typed: "para.", "pp.", "§"
    value: str                        # as typed: "15", "15–16", "iv"
    paragraphs: tuple[int, int] | None = None  # for paragraph locators: the range named
    length: int = 0                   # characters of the suffix the locator takes


def read_locator(suffix: str) -> Locator | None:
    """Read the locator at the start of `suffix` (after its comma), or None if it starts with none.

    A number without a term (`33`) is a page, as pandoc reads it. Raises
    LocatorProblem for an unknown term
    (`para 15`, `pg. 3`), a term without a value, or a paragraph locator that is
    not a number or a range of numbers.
    """
    term = _TERM.match(suffix)
    if term is None:
        return _no_locator(suffix)
    value = _VALUE.match(suffix, term.end())
    typed = term["term"]
    label = LOCATOR_TERMS[typed.lower()] if typed.lower() in LOCATOR_TERMS else LOCATOR_TERMS[typed]
    if value is None and typed[-1:].isalpha():
        return None  # a word such as "line" or "note" opening a plain suffix
    if value is None:
        raise LocatorProblem(f"the locator '{typed}' has no number after it: write e.g. '{typed} 4'")
    paragraphs = None
    if label == "paragraph":
        numbers = _RANGE.match(value["value"])
        if numbers is None:
            raise LocatorProblem(f"cannot read the paragraphs '{value['value']}': write 'para. 15' or 'paras. 15–16'")
        first = int(numbers[1])
        paragraphs = (first, int(numbers[2] or first))
    return Locator(label, typed, value["value"], paragraphs, value.end())


def _no_locator(suffix: str) -> Locator | None:
    bare = _VALUE.match(suffix)
    if bare and suffix[:1].isdigit():
        return Locator("page", "", bare["value"], None, bare.end())  # pandoc reads a bare number as a page
    looks = _LOOKS_LIKE_TERM.match(suffix)
    if looks:
        guess = get_close_matches(looks["word"].lower(), LOCATOR_TERMS, n=1, cutoff=0.5)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        raise LocatorProblem(f"'{looks['word']}' is not a locator term: {hint}write 'para. 15', 'p. 3', "
                             "'chap. 2', 'sec. 4', 'fig. 1', 'n. 7', …")
    return None
