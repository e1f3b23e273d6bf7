"""The PDF stage: HTML to PDF with WeasyPrint, the only module that imports it.

Every resource goes through `LocalFetcher`: it serves the theme's files (workspace
theme folder first, then the built-in one) and regular files inside the
workspace, answers `data:` URLs, and refuses everything else, network URLs
above all. Any refusal, and any warning WeasyPrint logs (a missing image, a bad
stylesheet), fails the build. After layout, `misplaced_notes` checks that each
footnote begins on the page of its call. Output is byte-identical for identical
input: the PDF identifier is derived from the HTML and dates come from the outline.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import FootnoteAreaBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .errors import BriefwrightError
from .render import Theme

# WeasyPrint says this when libharfbuzz-subset is absent; it changes nothing we print.
HARMLESS_WARNINGS = ("Using fontTools instead of HarfBuzz-Subset",)
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


class PdfProblem(BriefwrightError):
    """WeasyPrint refused or failed something: the build stops and writes nothing."""


class LocalFetcher(URLFetcher):
    """Serves theme files and workspace files; refuses every other URL."""

    def __init__(self, theme: Theme, theme_base: Path, workspace_root: Path):
        super().__init__(allowed_protocols={"file", "data"})
        self.theme = theme
        self.theme_base = theme_base.resolve()
        self.workspace_root = workspace_root.resolve()
        self.refused: list[str] = []
        self.missing: list[str] = []
        self.loaded: list[tuple[str | None, Path]] = []  # (name in the theme or None, file served)

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        path = self._local_file(url) if scheme == "file" else None
        if path is None:
            self.refused.append(url)
            raise PermissionError(f"briefwright refuses {url}")
        if not path.is_file():
            self.missing.append(url)
            raise FileNotFoundError(url)
        self.loaded.append((self._theme_name(url), path))
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": mime})

    def _theme_name(self, url: str) -> str | None:
        path = Path(unquote(urlsplit(url).path))
        return str(path.relative_to(self.theme_base)) if path.is_relative_to(self.theme_base) else None

    def _local_file(self, url: str) -> Path | None:
        """Map a file URL to a path in the theme chain or the workspace (None: refused)."""
        path = Path(unquote(urlsplit(url).path))
        if path.is_relative_to(self.theme_base) and ".." not in path.parts:
            relative = str(path.relative_to(self.theme_base))
            return self.theme.find(relative) or self.theme.folders[0] / relative
        resolved = path.resolve()
        return resolved if resolved.is_relative_to(self.workspace_root) else None


class _WarningCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith(HARMLESS_WARNINGS):
            self.messages.append(message)


@dataclass
class RenderedPdf:
    data: bytes
    pages: int
    misplaced: list[tuple[int, int | None, int | None]] = field(default_factory=list)  # (note, call page, note page)
    loaded: list[tuple[str | None, Path]] = field(default_factory=list)  # files served: see LocalFetcher


def render_pdf(html: str, theme: Theme, workspace_root: Path, paper: str = "a4",
               epoch: int = 0) -> RenderedPdf:
    """Lay out `html` and write the PDF; fail on any refused URL or WeasyPrint warning.

    `epoch` (seconds, normally the outline's date) stands in for the clock
    wherever a tool would write the time: fontTools stamps font subsets with it.
    """
    theme_base = workspace_root / "templates" / theme.name
    fetcher = LocalFetcher(theme, theme_base, workspace_root)
    fonts = FontConfiguration()
    page_size = CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}", url_fetcher=fetcher, font_config=fonts)
    collector = _WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        with _fixed_clock(epoch):
            document = HTML(string=html, base_url=theme_base.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=[page_size], font_config=fonts)
            identifier = hashlib.sha256(html.encode("utf-8") + paper.encode()).hexdigest()[:32].encode()
            data = document.write_pdf(pdf_identifier=identifier)
    finally:
        logger.removeHandler(collector)
    problems = [f"refused to load {url} (only files of the theme and the workspace are read)"
                for url in fetcher.refused]
    problems += [f"not found: {url}" for url in fetcher.missing]
    problems += [f"WeasyPrint: {m}" for m in collector.messages
                 if not _about_refused(m, fetcher.refused + fetcher.missing)]
    if problems:
        raise PdfProblem("the PDF was not written:\n  " + "\n  ".join(problems))
    return RenderedPdf(data, len(document.pages), misplaced_notes(document), fetcher.loaded)


@contextmanager
def _fixed_clock(epoch: int):
    """Set SOURCE_DATE_EPOCH (unless the user set it) for the tools that would read the clock."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def _about_refused(message: str, refused: list[str]) -> bool:
    return any(url in message for url in refused)


def note_pages(document) -> dict[int, tuple[int | None, int | None]]:
    """Return {note number: (page of its call, page of the note)}, pages counted from 1.

    Calls are `::footnote-call` boxes in the page's flow; notes are the
    `::footnote-marker` boxes in its footnote area. Both belong to the
    `<span class="fn" data-note="N">` element of the note.
    """
    calls: dict[int, int] = {}
    notes: dict[int, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for child in page._page_box.children:
            in_area = isinstance(child, FootnoteAreaBox)
            for box in child.descendants():
                tag = getattr(box, "element_tag", None)
                element = getattr(box, "element", None)
                if not isinstance(tag, str) or element is None or element.get("data-note") is None:
                    continue
                note = int(element.get("data-note"))
                if tag.endswith("::footnote-call") and not in_area:
                    calls.setdefault(note, number)
                elif tag.endswith("::footnote-marker") and in_area:
                    notes.setdefault(note, number)
    return {n: (calls.get(n), notes.get(n)) for n in sorted(calls.keys() | notes.keys())}


def misplaced_notes(document) -> list[tuple[int, int | None, int | None]]:
    """Return (note, call page, note page) for every note not on the page of its call."""
    return [(n, call, note) for n, (call, note) in note_pages(document).items() if call != note]
