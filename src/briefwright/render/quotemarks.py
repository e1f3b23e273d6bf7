"""House typography inside printed quotations: the source's straight marks set as curly ones.

The Chicago Manual (13.7) lets a quotation's typography follow the house style:
with the theme setting `quotation_typography: house` (the default), inside every
printed quotation (in prose or as a block, the editor's bracketed insertions
included) exactly these characters change, one for one:

- `"` becomes `“` at the start or after a space, an opening bracket or a dash, and `”` elsewhere;
- `'` becomes `‘` at the start or after a space, an opening bracket or a dash when a letter
  follows, and `’` elsewhere (apostrophes: `it's` → `it’s`, `'90s` → `’90s`);
- a hyphen with a space on each side (` - `) becomes an en dash (` – `).

Letters, digits, spaces and every other character are printed as the source has
them. `as-source` prints the source's characters untouched. Only what is printed
changes: matching, the lock and `show` keep the source's characters.
"""

from __future__ import annotations

OPENS_AFTER = " \t\n([{—–-/“‘"


def house_typography(text: str) -> str:
    """`text` with straight quotes and spaced hyphens set as curly quotes and en dashes (same length)."""
    out = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char == '"':
            char = "“" if before in OPENS_AFTER else "”"
        elif char == "'":
            char = "‘" if before in OPENS_AFTER and after.isalpha() else "’"
        elif char == "-" and before == " " and after == " ":
            char = "–"
        out.append(char)
    return "".join(out)


def set_quotation(text: str, mode: str) -> str:
    """The printed form of a quotation's characters under the `quotation_typography` setting."""
    return house_typography(text) if mode == "house" else text
