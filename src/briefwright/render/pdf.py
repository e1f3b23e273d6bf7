"""The PDF stage: HTML to PDF with WeasyPrint.

Every resource goes through `LocalFetcher`: it serves the theme's files (the
theme chain's folders, most derived theme first, each workspace folder before
the built-in one) and regular files inside the workspace, answers `data:` URLs,
and refuses everything else, network URLs above all. Any refusal, and any
warning WeasyPrint logs (a missing image, a bad stylesheet), fails the build.

The brief is laid out by `layout.lay_out`: until every note begins on the page of its
call (a note that still cannot be placed fails the build), with floating figures,
filled holes and mended typography. Before the
first layout, `hyphenation` sets the patterns and finds the words never to break
(paragraph-final words and proper nouns, refused by WeasyPrint's dictionaries).
Output is byte-identical for identical input: the PDF identifier is derived
from the HTML and dates come from the outline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import mimetypes
import os
import re
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fontTools.ttLib import TTFont
from PIL import Image
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import hyphenation, weasy_messages, weasyprint_fix
from ..errors import BriefwrightError
from ..workspace import UnsafePath, read_inside
from .floats import NotesInOrder
from .font_check import font_faults
from .layout import Layout, WeasyPrintStopped, lay_out
from .pdf_tags import mend_tags
from .themes import TemplateProblem, Theme, origin_label

# WeasyPrint says this when libharfbuzz-subset is absent; it changes nothing we print.
HARMLESS_WARNINGS = ("Using fontTools instead of HarfBuzz-Subset",)
MAX_ASSET_BYTES = 20_000_000  # an image, font or stylesheet a theme or the workspace serves
MAX_IMAGE_PIXELS = 40_000_000  # a full A4 page at 600 dpi is 35 million


class PdfProblem(BriefwrightError):
    """WeasyPrint refused or failed something: the build stops and writes nothing."""


class LocalFetcher(URLFetcher):
    """Serves theme files and workspace files; refuses every other URL.

    A theme file is looked up along the chain with `Theme.locate`: one that leaves
    its folder (a symlink out) is refused, never served from another folder. Every
    file is read through `read_inside` (regular files only, a size cap).
    """

    def __init__(self, theme: Theme, theme_base: Path, workspace_root: Path):
        super().__init__(allowed_protocols={"file", "data"})
        self.theme = theme
        self.theme_base = theme_base.resolve()
        self.workspace_root = workspace_root.resolve()
        self.refused: list[str] = []
        self.reasons: dict[str, str] = {}          # url: why it was refused, when we know better than "outside"
        self.missing: list[str] = []
        self.loaded: list[tuple[str | None, Path]] = []  # (name in the theme or None, file served)

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            response = super().fetch(url, headers)
            body = response.read()
            if problem := image_problem(body):
                return self._refuse(url, f"a data: URL: refused: {problem}")
            return URLFetcherResponse(response.url, body=body, headers=response.headers)
        try:
            found = self._local_file(url) if scheme == "file" else None
            if found is None:
                raise UnsafePath(Path(url), "refused")
            path, folder = found
            body = read_inside(path, folder, MAX_ASSET_BYTES)
            if problem := image_problem(body):
                raise UnsafePath(path, f"refused: {problem}")
        except UnsafePath as error:
            if error.reason == "no such file":
                self.missing.append(url)
                raise FileNotFoundError(url) from None
            return self._refuse(url, None if error.reason == "refused" else error.message)
        except TemplateProblem as error:
            return self._refuse(url, error.message)
        self.loaded.append((self._theme_name(url), path))
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": mime})

    def _refuse(self, url: str, reason: str | None):
        self.refused.append(url)
        if reason:
            self.reasons[url] = reason
        raise PermissionError(f"briefwright refuses {url}")

    def _theme_name(self, url: str) -> str | None:
        path = Path(unquote(urlsplit(url).path))
        return str(path.relative_to(self.theme_base)) if path.is_relative_to(self.theme_base) else None

    def _local_file(self, url: str) -> tuple[Path, Path] | None:
        """Map a file URL to (path, the folder it must stay in): a theme file or a workspace file (None: refused)."""
        path = Path(unquote(urlsplit(url).path))
        if path.is_relative_to(self.theme_base):
            if ".." in path.parts:
                return None
            relative = str(path.relative_to(self.theme_base))
            found = self.theme.locate(relative)  # raises TemplateProblem for a path leaving its folder
            if found is None:
                raise UnsafePath(path, "no such file")
            return found, next(f for f in self.theme.folders if found.is_relative_to(f))
        resolved = path.resolve()
        return (resolved, self.workspace_root) if resolved.is_relative_to(self.workspace_root) else None


def image_problem(body: bytes) -> str | None:
    """Why a raster image is refused (too many pixels: an image bomb), or None (also for what is no image)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(body)) as image:   # reads the header only
                pixels = image.size[0] * image.size[1]
                size = f"{image.size[0]:,} × {image.size[1]:,} pixels"
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            found = re.search(r"\((\d+) pixels\)", str(error))
            pixels, size = MAX_IMAGE_PIXELS + 1, f"{int(found[1]):,} pixels" if found else "too many pixels"
        except Exception:  # not a raster image: a font, a stylesheet, an SVG
            return None
    if pixels > MAX_IMAGE_PIXELS:
        return f"an image of {size}, above the limit of {MAX_IMAGE_PIXELS:,} pixels (an image bomb?)"
    return None


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
    layout: Layout                   # the laid-out document, its passes, time and note pages
    typography: list[str] = field(default_factory=list)  # what the typographic check found, page by page
    loaded: list[tuple[str | None, Path]] = field(default_factory=list)  # files served: see LocalFetcher

    @property
    def passes(self) -> int:
        return self.layout.passes


# The files a PDF/A carries: (file name, description, content). They are asked for once the
# brief is laid out, given the files the layout read, so a lock among them can list those too.
Attachments = Callable[[list[tuple[str | None, Path]]], list[tuple[str, str, bytes]]]


@dataclass(frozen=True)
class PdfOptions:
    variant: str | None = None        # None, "ua-1" or "a-3b" (see PDF_VARIANTS)
    epoch: int = 0                    # seconds since 1970: the outline's date stands in for the clock
    attachments: Attachments | None = None  # for a-3b
    fonts: FontConfiguration | None = None  # a warm DeclaredFonts to reuse (the preview's); None: a new one
    stylesheets: tuple = ()           # parsed CSS objects (made with `fonts`) laid out with the HTML
    notes_in_order: NotesInOrder | None = None  # the notes' texts in another order: lets a figure float


PDF_VARIANTS = {"ua-1": "pdf/ua-1", "a-3b": "pdf/a-3b"}


def render_pdf(html: str, theme: Theme, workspace_root: Path, options: PdfOptions = PdfOptions()) -> RenderedPdf:
    """Lay out `html` with every note on its call's page and write the PDF.

    Paper size and margins come from the HTML's own stylesheet (the theme's settings).

    Fails on any refused URL or WeasyPrint warning, and on a note that cannot be
    set on the page of its call in `MAX_PASSES` layouts.
    """
    weasyprint_fix.apply()
    theme_base = workspace_root / "templates" / theme.name
    fetcher = LocalFetcher(theme, theme_base, workspace_root)
    fonts = options.fonts or DeclaredFonts()
    variant = PDF_VARIANTS.get(options.variant or "")
    collector = _WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        source = HTML(string=html, base_url=theme_base.as_uri() + "/", url_fetcher=fetcher)
        with _fixed_clock(options.epoch), hyphenation.kept_whole(hyphenation.prepare(source.etree_element)):
            try:
                layout = lay_out(source, {"font_config": fonts, "pdf_variant": variant,
                                          "stylesheets": list(options.stylesheets)},
                                 notes_in_order=options.notes_in_order)
            except WeasyPrintStopped as stopped:
                raise PdfProblem("the PDF was not written: "
                                 + weasy_messages.crash_message(stopped.error, html, _stylesheet_names(theme))) from None
            files = options.attachments(fetcher.loaded) if options.attachments and options.variant == "a-3b" else []
            data = layout.document.write_pdf(pdf_identifier=_identifier(html, options, files),
                                             pdf_variant=variant, attachments=_attachments(files, options.epoch),
                                             finisher=_finish)
    finally:
        logger.removeHandler(collector)
    problems = [fetcher.reasons.get(url) or f"refused to load {url} (only files of the theme and the workspace "
                "are read)" for url in fetcher.refused]
    problems += [f"not found: {_shown(url, workspace_root)} (the theme's folders and the workspace were searched)"
                 for url in fetcher.missing]
    problems += weasy_messages.located([m for m in collector.messages
                                        if not _about_refused(m, fetcher.refused + fetcher.missing)],
                                       html, _stylesheet_names(theme))
    problems += [_misplaced_message(note, call, page, layout.passes)
                 for note, (call, page) in layout.notes.items() if call != page]
    if problems:
        raise PdfProblem("the PDF was not written:\n  " + "\n  ".join(problems))
    faults = layout.faults + font_faults(layout.document.pages, fonts.faces,
                                         {f.family for f in layout.document.fonts.values()})
    return RenderedPdf(data, len(layout.document.pages), layout, [fault.message for fault in faults], fetcher.loaded)


def _stylesheet_names(theme: Theme) -> dict[str, str]:
    """{the header `read_stylesheets` gives each stylesheet: the name people know it by}."""
    return {f"{path.parent.name}/{path.name}": f"{origin_label(path.parent)}/{path.name}"
            for path in theme.stylesheets()}


class DeclaredFonts(FontConfiguration):
    """A font configuration that remembers each face declared with @font-face, and its characters."""

    def __init__(self):
        super().__init__()
        self.faces: dict[str, dict[tuple[bool, bool], set[int]]] = {}  # family: {(bold, italic): characters}

    def add_font_face(self, rule_descriptors, url_fetcher):
        result = super().add_font_face(rule_descriptors, url_fetcher)
        weight = rule_descriptors.get("font_weight", "normal")
        face = (weight == "bold" or (isinstance(weight, int) and weight >= 600),
                rule_descriptors.get("font_style", "normal") != "normal")
        self.faces.setdefault(rule_descriptors.get("font_family"), {})[face] = self._characters(rule_descriptors)
        return result

    def _characters(self, rule_descriptors) -> set[int]:
        """The characters of the font file WeasyPrint just stored for these descriptors (none if it failed)."""
        digest = hashlib.md5(str(rule_descriptors).encode(), usedforsecurity=False).hexdigest()
        path = Path(self._folder) / digest if self._folder else None
        if path is None or not path.is_file():
            return set()
        content = hashlib.sha256(path.read_bytes()).digest()
        if content not in _FONT_CHARACTERS:   # the same fonts serve every brief of a build: read each once
            _FONT_CHARACTERS[content] = font_characters(path)
        return set(_FONT_CHARACTERS[content])


_FONT_CHARACTERS: dict[bytes, frozenset[int]] = {}   # a font file's digest: the characters it holds


def font_characters(path: Path) -> frozenset[int]:
    """The characters a font file maps to glyphs, read from its cmap table alone.

    fontTools names the glyphs a cmap points at, and for a CFF font (.otf) would parse
    the whole CFF table to learn those names; numbered names serve as well here, at a
    third of the cost.
    """
    font = TTFont(path, lazy=True)
    font.setGlyphOrder([f"glyph{number}" for number in range(font["maxp"].numGlyphs)])
    return frozenset(font.getBestCmap() or {})


def _identifier(html: str, options: PdfOptions, files: list[tuple[str, str, bytes]]) -> bytes:
    """The PDF's identifier: a digest of what it is made from (never of where the workspace lies)."""
    digest = hashlib.sha256(html.encode("utf-8"))
    digest.update(f"{options.variant}:{options.epoch}".encode())
    for name, _, content in files:
        digest.update(name.encode() + b"\0" + content)
    return digest.hexdigest()[:32].encode()


def _finish(document, pdf) -> None:
    """Mend WeasyPrint's PDF objects before they are written: attachments listed once, and (PDF/UA) the page
    furniture made artifacts, a table split across pages tagged as one (`pdf_tags`)."""
    _list_each_attachment_once(document, pdf)
    mend_tags(document, pdf)


def _list_each_attachment_once(document, pdf) -> None:
    """WeasyPrint 70 names each PDF/A attachment twice in the catalog's /AF; validators object."""
    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = type(pdf.catalog["AF"])(dict.fromkeys(pdf.catalog["AF"]))


def _attachments(files: list[tuple[str, str, bytes]], epoch: int) -> list:
    """WeasyPrint attachments, dated by the outline (not the clock) so the bytes repeat."""
    from weasyprint import Attachment

    when = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    return [Attachment(file_obj=io.BytesIO(content), name=name, description=description,
                       created=when, modified=when, relationship="Source")
            for name, description, content in files]


def _misplaced_message(note: int, call: int | None, page: int | None, passes: int) -> str:
    if call is None:
        return f"note {note} is printed on page {page} but its call is missing from the text"
    where = "is missing from the PDF" if page is None else f"would be printed on page {page}"
    return (f"note {note}, called on page {call}, {where}: it could not be set on the page of its call "
            f"in {passes} layouts; shorten the note or the text around it")


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


def _shown(url: str, workspace_root: Path) -> str:
    """A file URL as the editor knows it: its path in the workspace (templates/THEME/logo.png), else as it is."""
    path = Path(unquote(urlsplit(url).path)) if urlsplit(url).scheme == "file" else None
    root = workspace_root.resolve()
    return str(path.relative_to(root)) if path is not None and path.is_relative_to(root) else url


def _about_refused(message: str, refused: list[str]) -> bool:
    return any(url in message for url in refused)


