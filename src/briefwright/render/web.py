"""The web edition: `build/<slug>.html`, one self-contained, accessible page of a brief.

The same text and notes as the PDF, through the same Jinja environment (html.py)
and the same template context (`brief_context`), rendered with the theme's
`web.html` and `web.css` (searched along the chain like `brief.html`; the
built-in policy-brief theme has both). Notes become linked footnotes (calls with
`role="doc-noteref"`, a list with back links), repeated as sidenotes that the
stylesheet shows in the margin of wide screens. Fonts and images named by
`url(...)` in web.css are inlined as data URIs, read through the theme folder's
path rules, so the page needs nothing beside it.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from .citations import FormattedCitations
from .html import Notes, brief_context, environment, render_html
from .theme_settings import ThemeSettings
from .themes import MAX_THEME_BYTES, TemplateProblem, Theme, origin_label
from ..corpus.sources import Corpus
from ..outline.prose import CiteGroup
from ..outline.reader import Outline, Quote
from ..corpus.passages import Passage
from ..workspace import UnsafePath, read_inside

WEB_TEMPLATE, WEB_STYLESHEET = "web.html", "web.css"
MAX_INLINED_BYTES = 4_000_000
_URL = re.compile(r"url\(\s*['\"]?([^'\")\s]+)['\"]?\s*\)")
FRAGMENT_WORDS = 4  # words at each end of a text fragment


@dataclass(frozen=True)
class WebNotes(Notes):
    """Note calls for the web: a link to the footnote, and the note again as a sidenote."""

    endnotes: bool = True  # the context then carries the notes' list
    deep_links: dict[int, str] = field(default_factory=dict)  # note number → the quoted words on the source's page

    link_targets: bool = False  # the web keeps real links

    def note_call(self, group: CiteGroup) -> Markup:
        if not self.is_note(group):  # an in-text style: the citation stands in the sentence
            return Markup("")
        return Markup('<a class="note-ref" id="fnref-{0}" href="#fn-{0}" role="doc-noteref" '
                      'aria-label="note {0}"><sup>{0}</sup></a>'
                      '<span class="sidenote" aria-hidden="true"><sup>{0}</sup> {1}</span>').format(
            group.number, Markup(self.texts[group.number - 1]) + self.after_note(group))

    def after_note(self, group: CiteGroup) -> Markup:
        """What follows a note's text: the deep link, if any (the preview adds links to the source view)."""
        if group.number not in self.deep_links:
            return Markup("")
        return Markup(' <a class="deep-link" href="{}" rel="noreferrer">(the quoted words)</a>').format(
            self.deep_links[group.number])


def text_fragment_link(url: str, text: str) -> str:
    """`url` with a text fragment selecting `text` (its first and last words when it is long)."""
    words = text.replace("…", " ").split()

    def encode(part: str) -> str:
        return quote(part, safe="").replace("-", "%2D")  # "-" and "," are the syntax of text fragments

    if len(words) <= 2 * FRAGMENT_WORDS:
        fragment = encode(" ".join(words))
    else:
        fragment = encode(" ".join(words[:FRAGMENT_WORDS])) + "," + encode(" ".join(words[-FRAGMENT_WORDS:]))
    return f"{url.split('#', 1)[0]}#:~:text={fragment}"


def is_web_address(url) -> bool:
    """Whether a catalog `URL` is an http(s) address: a deep link is never `javascript:`, `file:` or `data:`."""
    return isinstance(url, str) and re.match(r"https?://[^\s/]", url, re.I) is not None


def note_passages(outline: Outline) -> dict[int, Passage]:
    """Each note's passage: the printed quotation of a prose note, the pulled passage of a block quotation."""
    passages = {}
    for block in outline.prose():
        if isinstance(block, Quote):
            passages[block.note.number] = block.passage
        else:
            passages.update({group.number: group.passage for group in block.citations if group.passage})
    return passages


def deep_links(outline: Outline, corpus: Corpus, settings: ThemeSettings) -> dict[int, str]:
    """With the `deep_links` setting, each quoting note's link to the quoted words on its source's page."""
    if not settings["deep_links"]:
        return {}
    links = {}
    for number, passage in note_passages(outline).items():
        url = (corpus.find(passage.source_id).entry or {}).get("URL")
        if is_web_address(url):
            links[number] = text_fragment_link(url, passage.text)
    return links


def render_web(outline: Outline, notes: list[CiteGroup], citations: FormattedCitations, theme: Theme,
               settings: ThemeSettings, loaded: list[tuple[str | None, Path]] | None = None,
               calls: WebNotes | None = None, env: jinja2.Environment | None = None,
               asset_url: Callable[[Path, bytes], str] | None = None) -> str:
    """Render the web edition of a resolved brief (`notes`: its notes in order).

    With `loaded`, every theme file read is noted there for the lock; `calls`
    may add to each note (the preview's links to the source view); `env`, the
    theme's environment from an earlier call (the preview keeps it warm);
    `asset_url`, the URL to give a font or image (path, bytes) instead of a data URI.
    """
    calls = calls or WebNotes(citations.notes)
    stylesheet = web_stylesheet(theme, loaded, asset_url) + "\n" + settings.css()
    context = brief_context(outline, citations, stylesheet, settings, theme.name, calls)
    context["web"] = {
        "logo": _logo_uri(theme, settings, loaded, asset_url),
        # an in-text style prints its citations in the sentence: no notes to list
        "notes": [{"number": group.number, "html": Markup(citations.notes[group.number - 1]) + calls.after_note(group)}
                  for group in notes] if citations.note_style else [],
    }
    return render_html(env or environment(theme, loaded), context, WEB_TEMPLATE)


def web_stylesheet(theme: Theme, loaded: list[tuple[str | None, Path]] | None = None,
                   asset_url: Callable[[Path, bytes], str] | None = None) -> str:
    """The theme's web.css with every relative url(...) inlined as a data URI (or as `asset_url` says)."""
    path = theme.locate(WEB_STYLESHEET)
    if path is None:
        raise TemplateProblem(f"{WEB_STYLESHEET} not found in the theme or the themes it extends "
                              "(the web edition needs one; policy-brief has it)")
    if loaded is not None:
        loaded.append((f"{path.parent.name}/{WEB_STYLESHEET}", path))
    css = _read(path, path.parent, MAX_THEME_BYTES * 10).decode("utf-8")
    return _URL.sub(lambda match: f"url({_data_uri(path.parent, match[1], loaded, asset_url)})", css)


def _data_uri(folder: Path, relative: str, loaded: list | None, asset_url: Callable | None = None) -> str:
    if re.match(r"^[a-z][a-z0-9+.-]*:", relative, re.I) or relative.startswith("#"):
        raise TemplateProblem(f"{origin_label(folder)}/{WEB_STYLESHEET}: refused: url({relative}) is not a file "
                              "of the theme (the web edition inlines its fonts and images)")
    path = folder / relative
    try:
        data = read_inside(path, folder, MAX_INLINED_BYTES)
    except UnsafePath as error:
        raise TemplateProblem(f"{origin_label(folder)}/{WEB_STYLESHEET}: url({relative}): {error.reason}") from None
    if loaded is not None:
        loaded.append((None, path))
    if asset_url is not None:
        return asset_url(path, data)
    return f"data:{media_type(path)};base64,{base64.b64encode(data).decode('ascii')}"


def media_type(path: Path) -> str:
    """The media type of a font or image file."""
    return mimetypes.guess_type(path.name)[0] or _FONT_TYPES.get(path.suffix.lower(), "application/octet-stream")


_FONT_TYPES = {".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2"}


def _logo_uri(theme: Theme, settings: ThemeSettings, loaded: list | None, asset_url: Callable | None) -> str | None:
    logo = settings["logo"]
    path = theme.locate(logo) if logo else None
    return _data_uri(path.parent, path.name, loaded, asset_url) if path else None


def _read(path: Path, folder: Path, limit: int) -> bytes:
    try:
        return read_inside(path, folder, limit)
    except UnsafePath as error:
        raise TemplateProblem(f"{origin_label(folder)}/{path.name}: {error.reason}") from None
