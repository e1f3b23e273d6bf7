"""Rendering: the resolved outline, its notes and sources, through a Jinja theme to HTML.

Themes are folders of templates, CSS and assets. The workspace's
`templates/<theme>/` is searched before the built-in theme of the same name, and
`briefwright:<theme>/<file>` always names the built-in file (so a workspace
template can extend it and replace single blocks). Autoescaping is always on and
undefined variables are errors; values from the outline are data, never
templates. `brief_context` is the one place that builds what templates see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from .citations import FormattedCitations
from .errors import BriefwrightError, display_path
from .outline import BulletList, Outline, Prose, Quote
from .prose import CiteGroup
from .workspace import Workspace

MONTHS = ("January February March April May June July August September October November December").split()
# Emphasis, links and curly quotes; no other "typographic replacements" ((c) → ©): the
# editor's text is printed as typed.
_INLINE_MARKDOWN = MarkdownIt("zero", {"typographer": True}).enable(
    ["emphasis", "link", "escape", "backticks", "smartquotes"])
_PLACEHOLDER = "\ue000{}\ue001"


class TemplateProblem(BriefwrightError):
    """A theme that cannot be found, or a template that fails to render."""


def builtin_themes() -> Path:
    return Path(str(resources.files("briefwright") / "themes"))


class _ContainedLoader(jinja2.FileSystemLoader):
    """A file loader that refuses templates whose real path leaves its folder (symlinks)."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        folder = Path(self.searchpath[0]).resolve()
        if not Path(filename).resolve().is_relative_to(folder):
            raise TemplateProblem(f"{display_path(filename)}: refused: the template leaves {display_path(folder)}/")
        return source, filename, uptodate


@dataclass(frozen=True)
class Theme:
    """A theme's name and its folders, searched in order (workspace first)."""

    name: str
    folders: tuple[Path, ...]

    def find(self, relative: str) -> Path | None:
        """Return the first file `relative` in the theme's folders, refusing escapes."""
        for folder in self.folders:
            candidate = (folder / relative).resolve()
            if candidate.is_relative_to(folder.resolve()) and candidate.is_file():
                return candidate
        return None


def find_theme(name: str, workspace: Workspace) -> Theme:
    """Return the theme `name`: the workspace's folder, the built-in one, or both."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or ".." in name:
        raise TemplateProblem(f"template must be a theme name such as policy-brief, not a path ({name!r})")
    folders = [f for f in (workspace.templates / name, builtin_themes() / name) if f.is_dir()]
    if folders and not folders[0].resolve().is_relative_to((folders[0].parent).resolve()):
        raise TemplateProblem(f"template {name!r}: refused: the theme folder leaves {display_path(folders[0].parent)}")
    if not folders:
        known = sorted({p.name for root in (workspace.templates, builtin_themes()) if root.is_dir()
                        for p in root.iterdir() if p.is_dir()})
        raise TemplateProblem(f"unknown template {name!r}; themes found: {', '.join(known)}")
    return Theme(name, tuple(folders))


class _RecordingLoader(jinja2.BaseLoader):
    """Passes every request to `inner` and notes (template name, file) of each template read."""

    def __init__(self, inner: jinja2.BaseLoader, loaded: list[tuple[str | None, Path]]):
        self.inner, self.loaded = inner, loaded

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if filename:
            name = None if template.startswith("briefwright:") else template  # prefixed names never shadow
            self.loaded.append((name, Path(filename)))
        return source, filename, uptodate


def environment(theme: Theme, loaded: list[tuple[str | None, Path]] | None = None) -> jinja2.Environment:
    """Return the Jinja environment of `theme`: autoescaped, strict, workspace first.

    With `loaded`, every template file read is appended to it as (name searched
    in the theme's folders, or None for a fixed `briefwright:` name; its path).
    """
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({"briefwright": jinja2.FileSystemLoader(builtin_themes())}, delimiter=":"),
        *(_ContainedLoader(folder) for folder in theme.folders),
    ])
    if loaded is not None:
        loader = _RecordingLoader(loader, loaded)
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_html(env: jinja2.Environment, context: dict, template: str = "brief.html") -> str:
    """Render `template` with `context`, turning template errors into located messages."""
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateProblem(f"{display_path(error.filename or error.name)}:{error.lineno}: "
                              f"error: template syntax: {error.message}") from None
    except jinja2.TemplateNotFound as error:
        raise TemplateProblem(f"template {error.name!r} not found in the theme") from None
    except jinja2.UndefinedError as error:
        raise TemplateProblem(f"{_template_position(error)}error: {error.message}") from None


def _template_position(error: Exception) -> str:
    """Return 'file:line: ' of the innermost template frame of a rendering error."""
    tb, where = error.__traceback__, ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".css", ".j2")):
            where = f"{display_path(filename)}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where


# -- the template context -------------------------------------------------------

@dataclass
class QuoteView:
    paragraphs: list[Markup]
    speaker: str | None
    source_id: str
    locator: str


@dataclass
class BlockView:
    kind: str                               # "paragraph", "quote" or "list"
    html: Markup = Markup("")
    items: list[Markup] = field(default_factory=list)
    quote: QuoteView | None = None


@dataclass
class SectionView:
    number: int
    heading: str
    anchor: str
    blocks: list[BlockView]


def brief_context(outline: Outline, citations: FormattedCitations, stylesheet: str,
                  paper: str = "A4") -> dict:
    """Build everything a theme's templates may use, from a resolved outline."""
    notes = citations.notes
    return {
        "brief": {
            "title": outline.title,
            "short_title": re.split(r":\s", outline.title, maxsplit=1)[0].strip(),
            "subtitle": outline.subtitle,
            "date": long_date(outline.date) if outline.date else None,
            "date_iso": outline.date.isoformat() if outline.date else None,
            "authors": outline.authors,
            "author_names": ", ".join(a.name for a in outline.authors),
            "publisher": outline.publisher,
            "classification": outline.classification,
            "lang": outline.lang,
            "keywords": ", ".join(outline.keywords or [s.heading for s in outline.sections]),
            "description": outline.subtitle or outline.title,
        },
        "key_points": [prose_html(p, notes) for p in outline.summary],
        "sections": [_section_view(n, s, notes) for n, s in enumerate(outline.sections, start=1)],
        "recommendations": [prose_html(p, notes) for p in outline.recommendations],
        "sources": [Markup(html) for _, html in citations.bibliography],
        "stylesheet": Markup(stylesheet),
        "paper": paper,
    }


def long_date(date) -> str:
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def _section_view(number: int, section, notes: list[str]) -> SectionView:
    blocks = []
    for block in section.body:
        if isinstance(block, Quote):
            blocks.append(BlockView("quote", quote=_quote_view(block, notes)))
        elif isinstance(block, BulletList):
            blocks.append(BlockView("list", items=[prose_html(p, notes) for p in block.items]))
        else:
            blocks.append(BlockView("paragraph", html=prose_html(block, notes)))
    anchor = re.sub(r"[^a-z0-9]+", "-", section.heading.lower()).strip("-") or f"section-{number}"
    return SectionView(number, section.heading, f"s{number}-{anchor}", blocks)


def _quote_view(quote: Quote, notes: list[str]) -> QuoteView:
    paragraphs = [escape(text) for text in quote.passage.printed]
    paragraphs[-1] = paragraphs[-1] + note_html(quote.note, notes)
    return QuoteView(paragraphs, quote.speaker, quote.passage.source_id, quote.passage.locator)


def note_html(group: CiteGroup, notes: list[str]) -> Markup:
    """The footnote, placed inline at its call (WeasyPrint floats it to the page foot)."""
    return Markup('<span class="fn" id="note-{0}" data-note="{0}">{1}</span>').format(
        group.number, Markup(notes[group.number - 1]))


def quotation_html(group: CiteGroup) -> Markup:
    """A quotation printed in the text: the source's characters between typographic quotes."""
    passage = group.passage
    return Markup('<span class="quotation" data-source="{}" data-locator="{}">“{}”</span>').format(
        passage.source_id, passage.locator, passage.text)


def prose_html(prose: Prose, notes: list[str]) -> Markup:
    """Render a prose item: inline Markdown for the editor's text, our HTML for citations."""
    text, pieces = "", []
    for segment in prose.parsed.segments:
        if isinstance(segment, CiteGroup):
            html = quotation_html(segment) if segment.passage else Markup("")
            pieces.append(html + note_html(segment, notes))
            text += _PLACEHOLDER.format(len(pieces) - 1)
        else:
            text += segment.replace("\ue000", "").replace("\ue001", "")
    html = _INLINE_MARKDOWN.renderInline(text)
    return Markup(re.sub("\ue000(\\d+)\ue001", lambda m: str(pieces[int(m[1])]), html))
