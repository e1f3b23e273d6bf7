"""Extractors: a saved web page, a PDF, a Word file or plain text in, paragraphs and CSL metadata out.

Each format has its module (`html`, `pdf`, `docx`, `markdown`, `text`), built on a library made
for the job (trafilatura, pypdfium2, pandoc). `extract` picks one by the file's
bytes and name and returns an `Extracted`: the corpus lines (one paragraph a line;
for paged sources a line `\\f<label>` before each page's paragraphs), the CSL fields
the document itself gives, and the extractor's name and version, which the lock
records because a new extractor version may change the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import BriefwrightError

PAGE_MARK = "\f"


class ExtractionError(BriefwrightError):
    """A document whose text cannot be extracted (scanned, encrypted, empty, unsupported)."""


@dataclass
class Extracted:
    """What an extractor found in one document."""

    lines: list[str]                      # paragraphs, and `\f<label>` page lines for paged sources
    metadata: dict = field(default_factory=dict)   # CSL fields: title, author, issued, …
    extractor: str = ""                   # e.g. "trafilatura 2.3.1"
    kind: str = ""                        # html, pdf, docx, markdown, text

    @property
    def paged(self) -> bool:
        return any(line.startswith(PAGE_MARK) for line in self.lines)

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.lines if not line.startswith(PAGE_MARK)]

    @property
    def page_labels(self) -> list[str]:
        return [line[1:] for line in self.lines if line.startswith(PAGE_MARK)]

    def corpus_text(self) -> str:
        """The corpus file's text: one line per paragraph or page mark, ending with a newline."""
        return "".join(f"{line}\n" for line in self.lines)


SUFFIX_KINDS = {".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx",
                ".txt": "text", ".md": "markdown", ".markdown": "markdown"}
CONTENT_TYPE_KINDS = {"text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf",
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
                      "text/plain": "text", "text/markdown": "markdown"}
SUPPORTED = "a saved web page (.html, .htm), a .pdf, a .docx, a .md or a .txt"


PDF_LAYOUT = "briefwright pdf layout 2"   # bump when pdf.py's reading of pages changes


def extractor_of(tool: str) -> str:
    """The name and version of the installed extractor `tool` (trafilatura, pypdfium2, pandoc, briefwright)."""
    from importlib.metadata import version

    if tool == "pandoc":
        import pypandoc

        return f"pandoc {pypandoc.get_pandoc_version()}"
    if tool == "pypdfium2":
        return f"pypdfium2 {version('pypdfium2')} ({PDF_LAYOUT})"
    if tool == "trafilatura":
        return f"trafilatura {version('trafilatura')}"
    return "briefwright text"


def kind_of(name: str, data: bytes, content_type: str | None = None) -> str:
    """Return the format of a document from its leading bytes, then its content type, then its name."""
    head = data[:1024].lstrip().lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    if content_type:
        kind = CONTENT_TYPE_KINDS.get(content_type.split(";")[0].strip().lower())
        if kind:
            return kind
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = SUFFIX_KINDS.get(suffix)
    if kind in ("pdf", "docx") or kind is None:
        # the name promises a binary format the bytes do not have, or names none we read
        raise ExtractionError(f"{name}: unsupported type; briefwright adds {SUPPORTED}")
    return kind


def extract(data: bytes, name: str, content_type: str | None = None) -> Extracted:
    """Extract `data` (a document called `name`) with the extractor for its format."""
    kind = kind_of(name, data, content_type)
    if kind == "html":
        from . import html as module
    elif kind == "pdf":
        from . import pdf as module
    elif kind == "docx":
        from . import docx as module
    elif kind == "markdown":
        from . import markdown as module
    else:
        from . import text as module
    extracted = module.extract(data, name)
    extracted.kind = kind
    if not extracted.paragraphs:
        raise ExtractionError(f"{name}: no text found in it")
    return extracted
