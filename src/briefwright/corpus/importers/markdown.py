"""Markdown (.md) through pandoc: the text as a reader sees it, one paragraph per line.

A Markdown paragraph may be wrapped over several lines and carries markup
(`**2018**`, `[text](url)`, `# Heading`); pandoc reads it as Markdown and writes
plain text, so a paragraph becomes one corpus line with the words alone, and a
quotation matches the words the reader sees. The YAML front matter (`title:`,
`author:`, `date:`) is the metadata, as for plain text; a form-feed page line
(`\\f41`) stays a page mark.
"""

from __future__ import annotations

import re

from . import PAGE_MARK, Extracted, extractor_of
from .pandoc import plain_paragraphs, run_pandoc
from .text import text_and_metadata

PAGE_TOKEN = "\ue000page\ue001"   # private-use characters: a placeholder pandoc passes through as text
PAGE_LINE = re.compile(r"^\f(.*)$", re.M)


def extract(data: bytes, name: str) -> Extracted:
    text, metadata = text_and_metadata(data, name)
    marked = PAGE_LINE.sub(lambda page: f"\n\n{PAGE_TOKEN}{page[1].strip()}\n\n", text)
    lines = [PAGE_MARK + line[len(PAGE_TOKEN):] if line.startswith(PAGE_TOKEN) else line
             for line in plain_paragraphs(run_pandoc(marked.encode("utf-8"), "markdown", "plain", name, "Markdown file"))]
    return Extracted(lines, metadata, extractor_of("pandoc"))
