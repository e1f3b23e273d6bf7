"""Word files (.docx) through pandoc: paragraphs in order, the footnotes as paragraphs at the end.

pandoc reads the document once, to its JSON tree. Each footnote is taken out of the
text it is called from (a reader sees a superscript mark there, not "[1]", so a
quotation running past a call matches the words as typed) and set at the end as a
paragraph of its own, `[1] …`; the tree is then written as plain text, one paragraph
per block. The metadata (title, author, date, from the document's properties) comes
from the same tree.
"""

from __future__ import annotations

import json

from . import Extracted, extractor_of
from .metadata import csl_authors, csl_date
from .pandoc import plain_paragraphs, run_pandoc

def extract(data: bytes, name: str) -> Extracted:
    document = json.loads(run_pandoc(data, "docx", "json", name, "Word file"))
    notes: list[list] = []
    document["blocks"] = _without_notes(document["blocks"], notes) + [
        _numbered(number, note) for number, note in enumerate(notes, start=1)]
    text = run_pandoc(json.dumps(document).encode("utf-8"), "json", "plain", name, "Word file")
    return Extracted(plain_paragraphs(text), _metadata(document.get("meta", {})), extractor_of("pandoc"))


def _without_notes(node, notes: list[list]):
    """`node` (a pandoc JSON tree) with each footnote taken out, its blocks appended to `notes` in order."""
    if isinstance(node, list):
        kept = []
        for item in node:
            if isinstance(item, dict) and item.get("t") == "Note":
                notes.append(_without_notes(item["c"], notes))
            else:
                kept.append(_without_notes(item, notes))
        return kept
    if isinstance(node, dict) and "c" in node:
        return {**node, "c": _without_notes(node["c"], notes)}
    return node


def _numbered(number: int, blocks: list) -> dict:
    """A footnote as one paragraph at the end: "[1] " and its text (its paragraphs run together)."""
    inlines = [{"t": "Str", "c": f"[{number}]"}]
    for block in blocks:
        if block.get("t") in ("Para", "Plain"):
            inlines += [{"t": "Space"}, *block["c"]]
    return {"t": "Para", "c": inlines}


def _inlines_text(node) -> str:
    """The plain text of a pandoc JSON metadata value."""
    if isinstance(node, list):
        return "".join(_inlines_text(item) for item in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node.get("t"), node.get("c")
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    return _inlines_text(content)


def _metadata(meta: dict) -> dict:
    metadata = {"type": "report"}
    if "title" in meta:
        metadata["title"] = _inlines_text(meta["title"]).strip()
    if "author" in meta:
        value = meta["author"]
        names = [_inlines_text(a) for a in value["c"]] if value.get("t") == "MetaList" else [_inlines_text(value)]
        metadata["author"] = csl_authors(names)
    if "date" in meta:
        issued = csl_date(_inlines_text(meta["date"]))
        if issued:
            metadata["issued"] = issued
    return {key: value for key, value in metadata.items() if value}
