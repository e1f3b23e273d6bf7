"""Plain text: each non-blank line is a paragraph, as in the corpus itself.

A YAML front matter block (`title:`, `author:`, `date:`) at the top is read as the
file's metadata and is not text; form-feed page lines (`\\f41`) are kept as page
marks. Markdown has its own reader (markdown.py), which uses this one's front matter.
"""

from __future__ import annotations

import re

import yaml

from . import PAGE_MARK, ExtractionError, Extracted, extractor_of
from .metadata import csl_authors, csl_date

FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.S)


def text_and_metadata(data: bytes, name: str) -> tuple[str, dict]:
    """The file's text after its front matter (UTF-8, a byte-order mark dropped, line ends as LF),
    and the CSL metadata the front matter gives."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        raise ExtractionError(f"{name}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    match = FRONT_MATTER.match(text)
    if not match:
        return text, {}
    return text[match.end():], _front_matter(match[1])


def extract(data: bytes, name: str) -> Extracted:
    text, metadata = text_and_metadata(data, name)
    lines = [line.rstrip() if not line.startswith(PAGE_MARK) else line.strip(" \t")
             for line in text.split("\n") if line.strip(" \t\r\n") or line.startswith(PAGE_MARK)]
    return Extracted(lines, metadata, extractor_of("briefwright"))


def _front_matter(block: str) -> dict:
    """The title, authors and date of a YAML front matter block, as CSL metadata."""
    try:
        fields = yaml.safe_load(block)
    except yaml.YAMLError:
        return {}
    if not isinstance(fields, dict):
        return {}
    metadata = {}
    if isinstance(fields.get("title"), str):
        metadata["title"] = fields["title"]
    author = fields.get("author")
    names = [author] if isinstance(author, str) else [a for a in author or [] if isinstance(a, str)]
    if names:
        metadata["author"] = csl_authors(names)
    if fields.get("date"):
        issued = csl_date(str(fields["date"]))
        if issued:
            metadata["issued"] = issued
    return metadata
