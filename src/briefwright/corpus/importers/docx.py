"""Word files (.docx) through pandoc: paragraphs in order, the footnotes as paragraphs at the end.

pandoc reads the document to plain text with its notes collected at the end as
`[1] …`; its metadata (title, author, date, from the document's properties) comes
from a second, JSON, reading.
"""

from __future__ import annotations

import json
import re
import subprocess

from . import ExtractionError, Extracted, extractor_of
from .metadata import csl_authors, csl_date

NOTE_CALL = re.compile(r"\[(\d+)\]")


def _pandoc(data: bytes, output: str, name: str) -> str:
    import pypandoc

    command = [pypandoc.get_pandoc_path(), "--sandbox", "-f", "docx", "-t", output, "--wrap=none"]
    result = subprocess.run(command, input=data, capture_output=True, timeout=60)
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["unreadable"]
        raise ExtractionError(f"{name}: pandoc cannot read this Word file: {reason[0]}")
    return result.stdout.decode("utf-8")


def extract(data: bytes, name: str) -> Extracted:
    text = _pandoc(data, "plain", name)
    lines = [" ".join(line.split()) for line in text.split("\n\n") if line.strip()]
    metadata = _metadata(json.loads(_pandoc(data, "json", name)).get("meta", {}))
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
