"""Accepting drift: rewrite a quotation in the outline file, and nothing else.

`build --accept` takes today's source text for quotations classed "edited" (and
today's number for a block quotation by paragraph that "moved"). Only the YAML
scalar that holds the quotation is replaced, at the exact start and end the YAML
composer reports; every other byte of the file (comments, layout, quoting) stays
as it was. The new scalar keeps a block scalar's style (`>-`, `|`) and
indentation; any other scalar is written double-quoted, escaped as YAML requires.
"""

from __future__ import annotations

import json
import re
import stat
import textwrap
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import yamlnodes
from .drift import Drift, OutlineCitation, match_drifts
from ..errors import Position
from ..outline.reader import Outline
from ..workspace import write_atomically

WRAP = 88
# the numbers of a locator: `para. 12`, `paras. 12–13` (the forms prose.LOCATOR reads)
LOCATOR_NUMBERS = re.compile(r"(?:paras?\.|paragraphs?|¶)\s*(\d+(?:\s*[-–—]\s*\d+)?)", re.IGNORECASE)
# a page locator, `p. 41`, `pp. 41–42` (the forms prose.PAGE_LOCATOR reads), rewritten whole
PAGE_LOCATOR = re.compile(r"\b(?:pp?\.|pages?)\s*[0-9A-Za-z]+(?:\s*[-–—]\s*[0-9A-Za-z]+)?", re.IGNORECASE)


@dataclass
class Rewrite:
    """Replace `old` by `new` at `offset` in the value of the scalar found at `position`."""

    position: Position
    offset: int
    old: str
    new: str
    what: str  # for the report


def planned_rewrites(outline: Outline, lock, resolver) -> tuple[list[Rewrite], list[str]]:
    """The rewrites `--accept` makes for `outline`, and the drifts it cannot take (as messages)."""
    rewrites, refused = [], []
    for citation, drift in match_drifts(outline, lock, resolver):
        rewritten = drift.kind == "edited" or drift.kind == "moved" and citation.kind == "locator"
        if rewritten and Path(citation.position.path).resolve() != Path(outline.path).resolve():
            refused.append(f"{citation.position}: error: cannot accept automatically: the quotation stands in "
                           "a table's CSV file, which --accept does not rewrite; edit it by hand:\n    "
                           + drift.message().split("\n", 1)[-1].strip())
            continue
        if drift.kind == "moved" and citation.kind == "paragraphs":
            first, last = drift.paragraphs
            rewrites.append(_number_rewrite(citation, first, last))
        elif citation.kind == "locator":
            if drift.kind in ("moved", "edited") and drift.relocated:
                rewrites.append(_locator_rewrite(citation, drift))
        elif drift.kind == "edited" and citation.passage is None:
            rewrite, reason = _text_rewrite(citation, drift)
            if rewrite is None:
                refused.append(f"{citation.position}: error: cannot accept automatically: {reason}; "
                               "edit it by hand:\n    " + drift.message().split("\n", 1)[-1].strip())
            else:
                rewrites.append(rewrite)
    return rewrites, refused


def _number_rewrite(citation: OutlineCitation, first: int, last: int) -> Rewrite:
    quote = citation.quote
    old = citation.typed if "paragraphs" in quote.positions else str(quote.paragraphs[0])
    new = f"{first}-{last}" if "paragraphs" in quote.positions else str(first)
    return Rewrite(citation.position, 0, old, new, f"paragraph {old} → {new}")


def _locator_rewrite(citation: OutlineCitation, drift: Drift) -> Rewrite:
    """`para. 12` → `para. 13`, or `p. 41` → `p. 42` (or a range), where the citation's locator stands."""
    value, offset = citation.prose, citation.item.offset
    if drift.by_page:
        match = PAGE_LOCATOR.search(value, offset)
        old, new, start = match[0], drift.locator, match.start()
    else:
        match = LOCATOR_NUMBERS.search(value, offset)
        first, last = drift.paragraphs
        old, new, start = match[1], str(first) if first == last else f"{first}–{last}", match.start(1)
    return Rewrite(citation.position, start, old, new, f"locator {old} → {new} ({citation.item.source_id})")


def _text_rewrite(citation: OutlineCitation, drift: Drift) -> tuple[Rewrite | None, str]:
    """The rewrite of an edited quotation's words, or None and the reason it cannot be made."""
    typed = citation.typed
    if citation.kind not in ("quotation", "text"):
        return None, "the passage is pulled by its first and last words"
    if any(mark in typed for mark in ("...", "…", "[", "]")):
        return None, "the quotation has omissions (…) or insertions ([ ])"
    new = " ".join(drift.new_text.split("\n"))
    if citation.kind == "text":
        return Rewrite(citation.position, 0, typed, new, "quotation"), ""
    if any(mark in new for mark in '"“”'):
        return None, "the new text holds double quotation marks, which would end the printed quotation early"
    offset = citation.group.quotation_offset + 1  # just after the opening quotation mark
    return Rewrite(citation.position, offset, typed, new, "quotation"), ""


def apply_rewrites(path, rewrites: list[Rewrite]) -> None:
    """Rewrite the scalars of `rewrites` in the outline file at `path`; leave every other byte.

    Line ends (a file all CRLF stays CRLF), a byte-order mark and the file's mode are kept.
    """
    text = path.read_bytes().decode("utf-8")
    bom, text = ("\ufeff", text[1:]) if text.startswith("\ufeff") else ("", text)
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    text = text.replace("\r\n", "\n") if crlf else text
    root = yamlnodes.compose(text, path)
    by_node: dict[int, tuple[ScalarNode, list[Rewrite]]] = {}
    for rewrite in rewrites:
        node = _scalar_at(root, rewrite.position)
        if node is None or node.value[rewrite.offset:rewrite.offset + len(rewrite.old)] != rewrite.old:
            raise ValueError(f"{rewrite.position}: the quotation is not where the outline had it")
        by_node.setdefault(id(node), (node, []))[1].append(rewrite)
    for node, group in sorted(by_node.values(), key=lambda pair: -pair[0].start_mark.index):
        text = _rewrite_scalar(text, node, group)
    text = text.replace("\n", "\r\n") if crlf else text
    replace_keeping_mode(path, (bom + text).encode("utf-8"))


def replace_keeping_mode(path, data: bytes) -> None:
    """Replace the outline at `path` atomically, keeping its permissions (0600 stays 0600)."""
    write_atomically(path, data, stat.S_IMODE(path.stat().st_mode))


def _rewrite_scalar(text: str, node: ScalarNode, rewrites: list[Rewrite]) -> str:
    """Edit the words in place where they stand verbatim in the file; else write the scalar anew."""
    start, end = node.start_mark.index, node.end_mark.index
    segment: str | None = text[start:end]
    value = node.value
    for rewrite in sorted(rewrites, key=lambda r: -r.offset):
        value = value[:rewrite.offset] + rewrite.new + value[rewrite.offset + len(rewrite.old):]
        segment = _in_place(segment, rewrite, node.style) if segment is not None else None
    return text[:start] + (segment if segment is not None else _new_scalar(text[start:end], node, value)) + text[end:]


def _in_place(segment: str, rewrite: Rewrite, style: str | None) -> str | None:
    """Replace the old words in the scalar's own text, if they stand there once and the new need no escape."""
    unsafe = {'"': '"\\', "'": "'", None: "#:\"',[]{}"}.get(style, "")  # a plain scalar may be in a flow {…}
    if segment.count(rewrite.old) != 1 or "\n" in rewrite.new or any(c in rewrite.new for c in unsafe):
        return None
    return segment.replace(rewrite.old, rewrite.new)


def _scalar_at(node: Node | None, position: Position) -> ScalarNode | None:
    """The scalar whose text contains `position` (line and column count from 1)."""
    if node is None:
        return None
    if isinstance(node, ScalarNode):
        where = (position.line - 1, position.column - 1)
        inside = (node.start_mark.line, node.start_mark.column) <= where <= (node.end_mark.line, node.end_mark.column)
        return node if inside else None
    children = [v for pair in node.value for v in pair] if isinstance(node, MappingNode) else \
        node.value if isinstance(node, SequenceNode) else []
    for child in children:
        found = _scalar_at(child, position)
        if found is not None:
            return found
    return None


def _new_scalar(original: str, node: ScalarNode, value: str) -> str:
    """The scalar written anew: a block scalar keeps its header and indentation; others are double-quoted."""
    if node.style in (">", "|"):
        body = original.rstrip("\n")
        trailing = original[len(body):]
        header, *lines = body.split("\n")
        indent = next((line[: len(line) - len(line.lstrip(" "))] for line in lines if line.strip()), "  ")
        if node.style == ">":
            new_lines = textwrap.wrap(value, WRAP - len(indent), break_long_words=False, break_on_hyphens=False)
        else:
            new_lines = value.split("\n")
        return "\n".join([header] + [indent + line for line in new_lines]) + trailing
    if node.style is None and re.fullmatch(r"\d+(-\d+)?", value):
        return value  # a paragraph number stays a plain number
    return json.dumps(value, ensure_ascii=False)
