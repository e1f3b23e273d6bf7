"""The normalised view of a text, by grapheme cluster, and its coded copy for searching.

Quotations and sources are compared on this view: each grapheme cluster (a letter
with its combining marks, a consonant with its vowel signs, a Hangul syllable in
jamo) is put in NFC whole; a run of white space or control characters (NUL, VT,
FF, U+0085, U+2028, …) is one space; single quotes fold to `'`, double quotes to
`"`, dashes to `-` (U+02BC, a letter, does not fold); `...` is `…`. The coded copy
has one character per cluster (a cluster of several code points gets a private-use
code, in a plane for letters, one for digits and one for the rest), so a regular
expression over it can neither end inside a cluster nor miss a cluster's letters at
a word boundary. Codes are made per process and never leave it.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache

import regex

from ..corpus.sources import is_control

SINGLE_QUOTES = "'‘’‚‛"  # not U+02BC, a letter (modifier letter apostrophe)
DOUBLE_QUOTES = '"“”„‟'
DASHES = "-‐‑‒–—―"
FOLD = str.maketrans({**{c: "'" for c in SINGLE_QUOTES}, **{c: '"' for c in DOUBLE_QUOTES},
                      **{c: "-" for c in DASHES}})
ELLIPSIS = "…"
CLUSTER = regex.compile(r"\X")
# Codes standing for clusters of more than one character in the coded view, by kind.
CODE_PLANES = {"letter": (0xF0000, 0xFFFFD), "digit": (0x100000, 0x1007FF), "other": (0x100800, 0x10FFFD)}
LETTER_CODES = f"{chr(CODE_PLANES['letter'][0])}-{chr(CODE_PLANES['letter'][1])}"
DIGIT_CODES = f"{chr(CODE_PLANES['digit'][0])}-{chr(CODE_PLANES['digit'][1])}"
LETTER_BEFORE = rf"(?<![^\W\d_])(?<![{LETTER_CODES}])"
LETTER_AFTER = rf"(?![^\W\d_]|[{LETTER_CODES}])"
DIGIT_BEFORE = rf"(?<![\d{DIGIT_CODES}])"
DIGIT_AFTER = rf"(?![\d{DIGIT_CODES}])"


def normalise(text: str) -> str:
    """Return the normalised view of `text` used for every comparison."""
    return "".join(unit for unit, _, _ in units(text)).strip(" ")


def units(raw: str):
    """Yield (normalised cluster, raw start, raw end) for each grapheme cluster of `raw`.

    A run of white space or control characters is one space, `...` is `…`, and
    any other cluster is put in NFC whole; a one-character cluster is folded
    (quotes, dashes).
    """
    clusters = CLUSTER.findall(raw)
    index, position, count = 0, 0, len(clusters)
    while index < count:
        cluster, start = clusters[index], position
        if cluster == "." and clusters[index + 1:index + 3] == [".", "."]:
            index, position = index + 3, position + 3
            yield ELLIPSIS, start, position
            continue
        unit = _unit(cluster)
        index, position = index + 1, position + len(cluster)
        while unit == " " and index < count and _unit(clusters[index]) == " ":
            index, position = index + 1, position + len(clusters[index])
        yield unit, start, position


@lru_cache(maxsize=65536)
def _unit(cluster: str) -> str:
    """The normalised form of one grapheme cluster: a space if blank, else NFC (folded if one character)."""
    if all(char.isspace() or is_control(char) for char in cluster):
        return " "
    unit = unicodedata.normalize("NFC", cluster)
    return unit.translate(FOLD) if len(unit) == 1 else unit


_codes: dict[str, str] = {}
_codes_used = {kind: 0 for kind in CODE_PLANES}
_codes_lock = threading.Lock()


def code_of(unit: str) -> str:
    """One character for a normalised cluster: itself if a single ordinary character."""
    if len(unit) == 1 and ord(unit) < CODE_PLANES["letter"][0]:
        return unit
    with _codes_lock:
        if unit not in _codes:
            kind = ("letter" if any(c.isalpha() for c in unit) else "digit" if unit[0].isdigit()
                    else "other")
            low, high = CODE_PLANES[kind]
            if low + _codes_used[kind] > high:
                raise MemoryError("too many distinct grapheme clusters in one process")
            _codes[unit] = chr(low + _codes_used[kind])
            _codes_used[kind] += 1
        return _codes[unit]


def coded(text: str) -> str:
    """The coded view of `text`: one character per normalised cluster (for the regular expressions)."""
    return "".join(code_of(unit) for unit, _, _ in units(text)).strip(" ")


def is_letter(code: str) -> bool:
    return code.isalpha() or CODE_PLANES["letter"][0] <= ord(code) <= CODE_PLANES["letter"][1]


def is_digit(code: str) -> bool:
    return code.isdigit() or CODE_PLANES["digit"][0] <= ord(code) <= CODE_PLANES["digit"][1]


def boundary_before(char: str) -> str:
    """Forbid a letter before a fragment starting with a letter, a digit before a digit."""
    return LETTER_BEFORE if is_letter(char) else DIGIT_BEFORE if is_digit(char) else ""


def boundary_after(char: str) -> str:
    return LETTER_AFTER if is_letter(char) else DIGIT_AFTER if is_digit(char) else ""
