"""Saved web pages: the article body by trafilatura, without navigation, adverts or comments.

trafilatura keeps the article's paragraphs, block quotations, list items and
subheadings, one a line; its metadata (title, author, site name, date, URL) fills
the CSL entry. The headline, which the entry's title already holds, is not a
paragraph: numbering counts the article's own paragraphs only.
"""

from __future__ import annotations

from . import ExtractionError, Extracted, extractor_of
from .metadata import csl_authors, csl_date, split_names

MINIMUM_ARTICLE_CHARACTERS = 200


def extract(data: bytes, name: str) -> Extracted:
    import trafilatura

    document = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=False, include_images=False,
        include_links=False, favor_precision=True, deduplicate=False)
    fields = document.as_dict() if document is not None else {}
    text = fields.get("text") or ""
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    title = fields.get("title")
    if lines and title and " ".join(title.split()) == lines[0]:
        lines = lines[1:]
    if sum(map(len, lines)) < MINIMUM_ARTICLE_CHARACTERS:
        raise ExtractionError(f"{name}: no article body found in this page (only navigation or "
                              "page furniture); save the article's own page, or its text as .txt")
    return Extracted(lines, _metadata(fields), extractor_of("trafilatura"))


def _metadata(fields: dict) -> dict:
    metadata = {"type": "webpage"}
    if fields.get("pagetype") == "article" or fields.get("sitename"):
        metadata["type"] = "article-newspaper" if fields.get("author") else "webpage"
    if fields.get("title"):
        metadata["title"] = " ".join(fields["title"].split())
    if fields.get("author"):
        metadata["author"] = csl_authors(split_names(fields["author"]))
    if fields.get("sitename"):
        metadata["container-title"] = fields["sitename"]
    if fields.get("date"):
        issued = csl_date(fields["date"])
        if issued:
            metadata["issued"] = issued
    if fields.get("url"):
        metadata["URL"] = fields["url"]
    if fields.get("language"):
        metadata["language"] = fields["language"]
    return metadata
