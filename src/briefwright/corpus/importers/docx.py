"""Word files (.docx) through pandoc: paragraphs in order, the footnotes as paragraphs at the end.

pandoc reads the document to plain text with its notes collected at the end as
`[1] …`; its metadata (title, author, date, from the document's properties) comes
from a second, JSON, reading.
"""

from __future__ import annotations

import json

from . import Extracted, extractor_of
from .metadata import csl_authors, csl_date
from .pandoc import plain_paragraphs, run_pandoc

def extract(data: bytes, name: str) -> Extracted:
    lines = plain_paragraphs(run_pandoc(data, "docx", "plain", name, "Word file"))
    metadata = _metadata(json.loads(run_pandoc(data, "docx", "json", name, "Word file")).get("meta", {}))
    return Extracted(lines, metadata, extractor_of("pandoc"))


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
