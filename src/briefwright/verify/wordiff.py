"""Word-level differences, printed `the only country [-which-] {+that+} does not`.

Used where a quotation and a passage differ: a misquotation and its nearest
passage, a locked quotation and the source's new text.
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher


def word_diff(old: str, new: str, key: Callable[[str], str] | None = None) -> str:
    """A word-level diff: unchanged words as they are, [-removed-] and {+added+}.

    With `key`, words are compared by `key(word)` (e.g. the matcher's normalised
    view, so that `Pakistan's` and `Pakistan’s` are the same word); the new
    text's own words are printed where they are equal. Long unchanged runs are
    shortened to their first and last three words.
    """
    a, b = old.split(), new.split()
    same = key or (lambda word: word)
    out = []
    matcher = SequenceMatcher(None, [same(w) for w in a], [same(w) for w in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            words = b[j1:j2]
            out.append(" ".join(words if len(words) <= 8 else words[:3] + ["…"] + words[-3:]))
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)
