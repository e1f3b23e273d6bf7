"""YAML syntax errors in plain words: what the editor did, where, and how to fix it.

PyYAML says "mapping values are not allowed here" or "expected <block end>, but
found '<block mapping start>'"; an editor needs "`text:` is indented more than
`quote:` above it; align them". `explain` turns a parse error into a position
(at the thing to fix) and a sentence, followed by the line itself with a caret
under that column. A list or mapping left open (`title: [draft`), a second document
(`---`), a line that is neither a key nor a list item and a list item indented past
its neighbour are named as such; anything else gets a plain sentence on indentation
and quoting, never PyYAML's own words.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[^\s:#'\"][^:#]*?):(?:\s|$)")
UNREAD = ("YAML cannot read this line: check its indentation against the lines above, and put in quotes a value "
          "that holds ': ' or ' #', or that begins with one of [ ] { } \" ' @ ` ! & * | > %")
_FLOW = {"[": ("list", "]"), "{": ("mapping", "}")}
_PROSE_ITEM = ("a prose item that begins with {what} must be quoted as a whole: put it in single quotes "
               "('{value}') or write it as a block (>-)")


def explain(problem: str, context: str | None, problem_mark, context_mark, text: str) -> tuple[int, int, str]:
    """Return (line, column) from 1 and the plain-words message for a PyYAML parse error."""
    lines = text.splitlines() or [""]
    mark = problem_mark or context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    line = min(line, len(lines) - 1)
    found = _explained(problem or "", context or "", line, column, lines, context_mark)
    if found is None:
        found = line, column, UNREAD
    line, column, message = found
    return line + 1, column + 1, message + _caret(lines, line, column)


def _explained(problem: str, context: str, line: int, column: int, lines: list[str], context_mark):
    here = lines[line] if line < len(lines) else ""
    value = re.sub(r"^\s*(-\s+)?([\w-]+:\s+)?", "", here)
    if "cannot start any token" in problem:
        return line, column, _bad_start(problem, value, here, column)
    if "quoted scalar" in context and context_mark is not None:
        return (context_mark.line, context_mark.column, "this quotation mark is never closed: close it on the "
                "same value, or write the value as a block (>-), which needs no quotation marks")
    if "while parsing a flow" in context and context_mark is not None:
        return _unclosed_flow(context_mark, lines)
    if "another document" in problem:
        return line, column, ("a line '---' starts a second YAML document here, and a file holds one: remove the "
                              "line, or put what follows in a file of its own")
    if "could not find expected ':'" in problem and context_mark is not None:
        return (context_mark.line, context_mark.column, "this line is neither `key: value` nor a list item "
                "(`- …`): if it continues the value above, put that whole value in quotes or write it as a "
                "block (>-); otherwise give it its key")
    if problem == "mapping values are not allowed here":
        return _colon(line, column, lines)
    if "expected <block end>" in problem or "expected <block mapping start>" in problem:
        return _misaligned(problem, line, column, lines, value)
    return None


def _bad_start(problem: str, value: str, here: str, column: int) -> str:
    char = re.search(r"found character '(.*?)'", problem)
    char = char[1] if char else "?"
    if char == "\\t":
        return "a tab indents this line: YAML indents with spaces only; replace the tab with spaces"
    if value.startswith(("\"", "“")):
        return _prose_item("a quotation mark", value) + "; YAML read the quoted words as the whole value"
    if value.startswith("["):
        return _prose_item("'['", value) + "; YAML read it as a list"
    return (f"a YAML value cannot begin with '{char}': put the whole value in single quotes "
            f"('{value.strip()}') or write it as a block (>-)")


def _prose_item(what: str, value: str) -> str:
    return _PROSE_ITEM.format(what=what, value=_quoted(value))


def _quoted(value: str) -> str:
    """`value` as it goes between single quotes (an apostrophe doubled), cut to 60 characters."""
    value = value.strip().replace("'", "''")
    return value if len(value) <= 60 else value[:59] + "…"


def _colon(line: int, column: int, lines: list[str]):
    """`key: value: more`, or a key indented under a `key: value` line."""
    here = lines[line]
    key = _KEY.match(here)
    above = _key_above(lines, line)
    if key and key.end("key") + 1 >= column and above is not None:
        start = key.start("key")
        name, above_line, above_column = key["key"].strip(), above[1], above[2]
        if start > above_column:
            return (line, start, f"`{name}:` is indented more than `{above[0]}:` above it (line {above_line + 1}); "
                    f"align them (both at column {above_column + 1})")
    first = _KEY.match(here)
    if first:
        name = first["key"].strip()
        rest = here[first.end():].strip()
        return (line, column, f"the value of `{name}:` contains ': ', which YAML reads as the start of another "
                f"key; put the whole value in quotes: {name}: \"{rest}\"")
    return line, column, "a ': ' here reads as a key, but no key can start here; put the text in quotes"


def _misaligned(problem: str, line: int, column: int, lines: list[str], value: str):
    here = lines[line]
    if value.startswith("'") and "<scalar>" in problem:
        return (line, column, "the value in single quotes ends at the apostrophe before this: inside single "
                "quotes write an apostrophe twice (Baku''s), or use double quotes or a block (>-)")
    if value.startswith(("\"", "“")) and "<scalar>" in problem:
        return line, column, _prose_item("a quotation mark", value) + "; YAML read the quoted words as the whole value"
    if value.startswith("[") and "<scalar>" in problem:
        return line, column, _prose_item("'['", value) + "; YAML read it as a list"
    if "<block sequence start>" in problem:
        return _list_item_misaligned(line, column, lines)
    if "found '-'" in problem:
        return (line, column, "a list item (`- …`) stands where YAML expected another `key: value` of the "
                "mapping above; indent it under its key (e.g. `sections:`), or align it with the items above")
    key = _KEY.match(here)
    above = _key_above(lines, line)
    if key and above is not None:
        start, name = key.start("key"), key["key"].strip()
        side = "less" if start < above[2] else "more"
        return (line, start, f"`{name}:` is indented {side} than `{above[0]}:` above it (line {above[1] + 1}); "
                f"align them (both at column {above[2] + 1})")
    return None


def _unclosed_flow(mark, lines: list[str]):
    """`title: [unclosed`: a value that begins with [ or { is a YAML list or mapping, closed on its line."""
    opening = lines[mark.line][mark.column:mark.column + 1] if mark.line < len(lines) else "["
    kind, closing = _FLOW.get(opening, _FLOW["["])
    value = _quoted(lines[mark.line][mark.column:] if mark.line < len(lines) else opening)
    return (mark.line, mark.column, f"this '{opening}' opens a YAML {kind} that is never closed: if the value is "
            f"text, put the whole of it in single quotes ('{value}'); if it is a {kind}, close it with '{closing}'")


def _list_item_misaligned(line: int, column: int, lines: list[str]):
    """A `- item` indented more than the list item above it."""
    for index in range(line - 1, -1, -1):
        above = lines[index]
        if above.strip() and not above.lstrip().startswith("#"):
            dash = re.match(r"\s*-(\s|$)", above)
            if dash:
                start = len(above) - len(above.lstrip())
                return (line, column, f"this list item is indented more than the item above it (line {index + 1}); "
                        f"align their dashes (both at column {start + 1})")
            return (line, column, f"this list item (`- …`) is indented under a line that holds a value already "
                    f"(line {index + 1}); give that line's key no value, or align the item with its list")
    return None


def _key_above(lines: list[str], line: int) -> tuple[str, int, int] | None:
    """(key, line, column) of the nearest `key:` on a line above `line`, skipping blank and comment lines."""
    for index in range(line - 1, -1, -1):
        text = lines[index]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        key = _KEY.match(text)
        return (key["key"].strip(), index, key.start("key")) if key else None
    return None


def _caret(lines: list[str], line: int, column: int) -> str:
    if line >= len(lines):
        return ""
    number = str(line + 1)
    return f"\n    {number} | {lines[line]}\n    {' ' * len(number)} | {' ' * column}^"
