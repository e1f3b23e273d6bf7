"""Rendering: the resolved outline, its notes and sources, through a Jinja theme to HTML.

Themes (folders, `extends` chains, settings) are found by `themes.py`; this
module builds the Jinja environment of a theme chain and the context its
templates see. Templates are searched along the chain, most derived theme
first and the workspace's `templates/<theme>/` before the built-in folder;
`briefwright:<theme>/<file>` always names the built-in file and
`<theme>/<file>` that theme's file (so a template can extend either and
replace single blocks). Autoescaping is always on and undefined variables are
errors; values from the outline are data, never templates. `brief_context` is
the one place that builds what templates see.

Themes are shared like code, so templates run in Jinja's sandbox
(`ImmutableSandboxedEnvironment`): no underscored attributes, no methods that
change data; a refused access is an error naming the template file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from .citations import FormattedCitations
from .quotemarks import set_quotation
from .punctuation import PlacedCitation, place, punctuation_inside_quotes
from ..errors import display_path
from ..workspace import UnsafePath, read_inside
from ..outline.blocks import Chart, Figure, Table
from ..outline.reader import BulletList, Outline, Prose, Quote
from .back_matter import back_matter_view
from .blocks import ChartLook, FigureView, TableView, chart_view, figure_view, table_view
from ..outline.prose import CiteGroup
from .theme_settings import ThemeSettings
from .themes import TemplateProblem, Theme, builtin_themes, find_theme, is_builtin

__all__ = ["TemplateProblem", "Theme", "brief_context", "builtin_themes", "environment", "find_theme", "render_html"]

MONTHS = ("January February March April May June July August September October November December").split()
# Emphasis, links and curly quotes; no other "typographic replacements" ((c) → ©): the
# editor's text is printed as typed.
_INLINE_MARKDOWN = MarkdownIt("zero", {"typographer": True}).enable(
    ["emphasis", "link", "escape", "backticks", "smartquotes"])
_PLACEHOLDER = "\ue000{}\ue001"
# the word a citation follows, kept on one line with its note call (no call alone at a line's start)
_WORD_BEFORE_CITATION = re.compile("([^\\s<>]+)\ue000(\\d+)\ue001")
WORD_JOINER = "\u2060"
MAX_TEMPLATE_BYTES = 1_000_000   # a theme's template file, as `check` reads it


class _ContainedLoader(jinja2.FileSystemLoader):
    """A file loader that refuses templates whose real path leaves its folder (symlinks)."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        folder = Path(self.searchpath[0]).resolve()
        if not Path(filename).resolve().is_relative_to(folder):
            raise TemplateProblem(f"{display_path(filename)}: refused: the template leaves {display_path(folder)}/")
        return source, filename, uptodate


class _RecordingLoader(jinja2.BaseLoader):
    """Passes every request to `inner` and notes (template name, file) of each template read.

    A template not found (`{% include "x.html" ignore missing %}`) is noted too, at the
    first folder searched, so that a file appearing there (or anywhere on the chain) later
    makes the brief stale.
    """

    def __init__(self, inner: jinja2.BaseLoader, loaded: list[tuple[str | None, Path]], missing: Path):
        self.inner, self.loaded, self.missing = inner, loaded, missing

    def get_source(self, environment, template):
        try:
            source, filename, uptodate = self.inner.get_source(environment, template)
        except jinja2.TemplateNotFound:
            if not template.startswith("briefwright:"):
                self.loaded.append((template, self.missing / template))
            raise
        if filename:
            name = None if template.startswith("briefwright:") else template  # prefixed names never shadow
            self.loaded.append((name, Path(filename)))
        return source, filename, uptodate


def environment(theme: Theme, loaded: list[tuple[str | None, Path]] | None = None) -> jinja2.Environment:
    """Return the Jinja environment of `theme`: autoescaped, strict, most derived file first.

    `brief.html` is searched through the chain (each theme's workspace folder,
    then its built-in one); `THEME/brief.html` names that file of a theme of the
    chain (as the workspace may have replaced it) and `briefwright:THEME/brief.html`
    always the built-in file. With `loaded`, every template file read is appended
    to it as (the name searched, or None for a fixed `briefwright:` name; its path).
    """
    by_theme = {layer.name: jinja2.ChoiceLoader([_ContainedLoader(f) for f in theme.folders_from(layer.name)])
                for layer in theme.layers}
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({"briefwright": jinja2.FileSystemLoader(builtin_themes())}, delimiter=":"),
        *(_ContainedLoader(folder) for folder in theme.folders),
        jinja2.PrefixLoader(by_theme, delimiter="/"),
    ])
    if loaded is not None:
        loader = _RecordingLoader(loader, loaded, theme.folders[0])
    return ImmutableSandboxedEnvironment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_html(env: jinja2.Environment, context: dict, template: str = "brief.html") -> str:
    """Render `template` with `context`, turning template errors into located messages."""
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateProblem(f"{display_path(error.filename or error.name)}:{error.lineno}: "
                              f"error: template syntax: {error.message}") from None
    except jinja2.TemplateNotFound as error:
        if error.name and (".." in error.name.split("/") or error.name.startswith("/")):
            raise TemplateProblem(f"template {error.name!r}: refused: a template name stays inside the theme "
                                  "folders (no .. and no absolute paths)") from None
        raise TemplateProblem(f"template {error.name!r} not found in the theme or the themes it extends "
                              "(a theme that extends none must have its own brief.html)") from None
    except SecurityError as error:  # the sandbox refused: {{ cycler.__init__.__globals__ }}, {{ list.append(1) }}
        raise TemplateProblem(f"{_template_position(error) or template + ': '}error: refused by the template "
                              f"sandbox: {error}") from None
    except jinja2.UndefinedError as error:
        raise TemplateProblem(f"{_template_position(error)}error: {error.message}") from None
    except RecursionError:
        raise TemplateProblem(f"{template}: error: a template extends itself; in templates/THEME/, "
                              "extend briefwright:THEME/brief.html (the built-in file)") from None
    except TemplateProblem:
        raise
    except Exception as error:  # an expression that fails at render time: {{ 1/0 }}, {{ title + 1 }}
        raise TemplateProblem(f"{_template_position(error) or template + ': '}error: "
                              f"{type(error).__name__}: {error}") from None


def template_syntax_problems(theme: Theme) -> list[tuple[Path, int, str]]:
    """(file, line, message) for each Jinja syntax error in the templates the workspace gives the theme
    (its own `.html` files; the built-in ones are checked by the tool's tests): `check` reports them too."""
    env, found = environment(theme), []
    for folder in theme.folders:
        if is_builtin(folder) or not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.html")):
            try:
                env.parse(read_inside(path, folder, MAX_TEMPLATE_BYTES).decode("utf-8"), path.name, str(path))
            except jinja2.TemplateSyntaxError as error:
                found.append((path, error.lineno, f"template syntax: {error.message}"))
            except (UnsafePath, UnicodeDecodeError):
                continue   # the build reads it through the path rules and says what is wrong
    return found


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
    kind: str                               # "paragraph", "quote", "list", "figure", "chart" or "table"
    html: Markup = Markup("")
    items: list[Markup] = field(default_factory=list)
    quote: QuoteView | None = None
    figure: FigureView | None = None        # a figure or a chart (render/blocks.py)
    table: TableView | None = None


@dataclass
class SectionView:
    number: int
    heading: Markup          # the heading's inline Markdown as HTML
    anchor: str
    blocks: list[BlockView]
    heading_text: str = ""   # the heading as plain text


@dataclass(frozen=True)
class Notes:
    """The formatted citations, and how each shows: in the text, as a footnote, or as a call to an endnote."""

    texts: list[str]
    endnotes: bool = False
    in_text: tuple[str, ...] = ()         # what each citation prints in the sentence ("" for none)
    punctuation_inside: bool = True       # American usage: a moved period or comma goes inside the quote
    quotation_typography: str = "house"   # house: straight quotes in quotations set curly (see quotemarks)
    link_targets: bool = True             # print a link's address after its text

    def is_note(self, group: CiteGroup) -> bool:
        return bool(self.texts[group.number - 1])

    def sentence(self, group: CiteGroup) -> Markup:
        """What the citation prints in the sentence: `(Doe 2020)`, `[1]`, an author's name, or nothing."""
        text = self.in_text[group.number - 1] if self.in_text else ""
        return Markup('<span class="citation">{}</span>').format(Markup(text)) if text else Markup("")

    def note_call(self, group: CiteGroup) -> Markup:
        if not self.is_note(group):
            return Markup("")
        return endnote_call_html(group) if self.endnotes else note_html(group, self.texts)

    def call(self, group: CiteGroup) -> Markup:
        return self.sentence(group) + self.note_call(group)


def brief_context(outline: Outline, citations: FormattedCitations, stylesheet: str,
                  settings: ThemeSettings, theme_name: str = "", notes: Notes | None = None,
                  chart_look: ChartLook | None = None) -> dict:
    """Build everything a theme's templates may use, from a resolved outline and the theme's settings.

    `notes` says how calls show their notes (default: as the theme's `notes` setting says); the
    citations' own data (what in-text styles print, punctuation, quotation typography) fill it.
    `chart_look` is the theme's font and colours for charts (render/blocks.chart_look).
    """
    shared = dict(in_text=tuple(citations.in_text or ()), punctuation_inside=punctuation_inside_quotes(outline.lang or "en"),
                  quotation_typography=settings["quotation_typography"])
    if notes is None:
        notes = Notes(citations.notes, settings["notes"] == "endnotes" and citations.note_style,
                      link_targets=settings["link_targets"] == "after", **shared)
    else:
        notes = replace(notes, **shared)
    look = chart_look or ChartLook(colours=(settings["accent"], settings["rule"], settings["muted"]))
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
            "keywords": ", ".join(outline.keywords or [plain_text(inline_html(s.heading)) for s in outline.sections]),
            "description": outline.subtitle or outline.title,
        },
        "key_points": [prose_html(p, notes) for p in outline.summary],
        "sections": [_section_view(n, s, notes, look) for n, s in enumerate(outline.sections, start=1)],
        "recommendations": [prose_html(p, notes) for p in outline.recommendations],
        "back_matter": back_matter_view(outline, citations, lambda prose: prose_html(prose, notes)),
        "endnotes": [Markup(text) for text in citations.notes] if notes.endnotes else [],
        "sources": [Markup(html) for _, html in citations.bibliography] if settings["sources"] else [],
        "sources_heading": "Sources" if citations.note_style else "References",
        "note_style": citations.note_style,
        "stylesheet": Markup(stylesheet),
        "paper": settings["paper"],
        "theme": settings.context(theme_name),
    }


def long_date(date) -> str:
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def _section_view(number: int, section, notes: Notes, look: ChartLook) -> SectionView:
    blocks = []
    render = lambda prose: prose_html(prose, notes)  # noqa: E731
    for block in section.body:
        if isinstance(block, Figure):
            blocks.append(BlockView("figure", figure=figure_view(block, render)))
        elif isinstance(block, Chart):
            blocks.append(BlockView("chart", figure=chart_view(block, render, look)))
        elif isinstance(block, Table):
            blocks.append(BlockView("table", table=table_view(block, render)))
        elif isinstance(block, Quote):
            blocks.append(BlockView("quote", quote=_quote_view(block, notes)))
        elif isinstance(block, BulletList):
            blocks.append(BlockView("list", items=[prose_html(p, notes) for p in block.items]))
        else:
            blocks.append(BlockView("paragraph", html=prose_html(block, notes)))
    heading_text = plain_text(inline_html(section.heading))
    anchor = re.sub(r"[^a-z0-9]+", "-", heading_text.lower()).strip("-") or f"section-{number}"
    return SectionView(number, inline_html(section.heading, notes.link_targets), f"s{number}-{anchor}", blocks,
                       heading_text)


def inline_html(text: str, link_targets: bool = False) -> Markup:
    """The editor's inline Markdown (emphasis, links, code, curly quotes) as HTML: headings, captions, prose."""
    html = _INLINE_MARKDOWN.renderInline(text.replace("\ue000", "").replace("\ue001", ""))
    return Markup(_show_link_targets(html) if link_targets else html)


def plain_text(html: str) -> str:
    """The text of a piece of HTML, tags removed and entities read."""
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html))


def _show_link_targets(html: str) -> str:
    """After each link whose text is not its address, the address in brackets (hidden on screen by the theme)."""
    def with_target(link: re.Match) -> str:
        if plain_text(link[2]) == plain_text(link[1]):
            return link[0]
        return f'{link[0]}<span class="link-target"> (<span class="url">{link[1]}</span>)</span>'

    return re.sub(r'<a href="([^"]*)">(.*?)</a>', with_target, html)


def _quote_view(quote: Quote, notes: Notes) -> QuoteView:
    paragraphs = [escape(set_quotation(text, notes.quotation_typography)) for text in quote.passage.printed]
    paragraphs[-1] = paragraphs[-1] + notes.call(quote.note)
    return QuoteView(paragraphs, quote.speaker, quote.passage.source_id, quote.passage.locator)


def note_html(group: CiteGroup, notes: list[str]) -> Markup:
    """The call, a link to its note; then the note, inline (WeasyPrint floats it to the page foot)."""
    return Markup('<a class="fn-call" href="#note-{0}" id="call-{0}">{0}</a>'
                  '<span class="fn" id="note-{0}" data-note="{0}">{1}</span>').format(
        group.number, Markup(notes[group.number - 1]))


def endnote_call_html(group: CiteGroup) -> Markup:
    """A superscript call linking to its note in the list at the end."""
    return Markup('<a class="note-call" id="call-{0}" href="#endnote-{0}">{0}</a>').format(group.number)


def quotation_html(placed: PlacedCitation, typography: str = "house") -> Markup:
    """A quotation printed in the text: the source's characters between typographic quotes.

    The editor's punctuation a note call moved stands inside the closing mark
    (American usage) or after it; the quoted characters are the source's.
    """
    passage = placed.group.passage
    inside = Markup('<span class="editorial">{}</span>').format(placed.inside_quote) if placed.inside_quote else ""
    return Markup('<span class="quotation" data-source="{}" data-locator="{}">“{}{}”</span>{}').format(
        passage.source_id, passage.locator, set_quotation(passage.text, typography), inside, placed.before_call)


def _citation_html(placed: PlacedCitation, notes: Notes) -> Markup:
    """A citation in prose: its printed quotation, what it prints in the sentence, the moved punctuation, the call."""
    group = placed.group
    if group.passage:
        return quotation_html(placed, notes.quotation_typography) + _space_before(group, notes) + notes.call(group)
    return notes.sentence(group) + escape(placed.before_call) + notes.note_call(group)


def _space_before(group: CiteGroup, notes: Notes) -> Markup:
    """In-text styles: the space typed between a printed quotation and its citation, `“…” (Doe 2020)`."""
    return Markup(" ") if group.space_before and not notes.is_note(group) else Markup("")


def prose_html(prose: Prose, notes: Notes) -> Markup:
    """Render a prose item: inline Markdown for the editor's text, our HTML for citations."""
    text, pieces = "", []
    for segment in place(prose.parsed.segments, notes.is_note, notes.punctuation_inside):
        if isinstance(segment, PlacedCitation):
            pieces.append(_citation_html(segment, notes))
            if not pieces[-1]:   # prints nothing (MLA's [-@id] for a work with no author): takes no space either
                text = text.rstrip(" ")
            text += _PLACEHOLDER.format(len(pieces) - 1)
        else:
            text += segment.replace("\ue000", "").replace("\ue001", "")
    html = _INLINE_MARKDOWN.renderInline(text)
    html = _show_link_targets(html) if notes.link_targets else html
    html = _WORD_BEFORE_CITATION.sub(lambda m: _kept_with_its_word(m[1], str(pieces[int(m[2])])), html)
    return Markup(re.sub("\ue000(\\d+)\ue001", lambda m: str(pieces[int(m[1])]), html))


def _kept_with_its_word(word: str, citation: str) -> str:
    """The word, a word joiner (U+2060: no line break here, nothing printed) and the citation.

    Not a nowrap span around the word and the call: at a line's end WeasyPrint 70 broke
    the line before such a span far too early, at the first space it could go back to
    ("… Asif," / "in" / "Baku for … cooperation.⁶").
    """
    return f"{word}{WORD_JOINER}{citation}" if citation else word   # a citation that prints nothing needs no joiner

