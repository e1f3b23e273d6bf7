"""Outlines: briefs/<slug>.yaml read into typed objects that remember where each value stands.

The keys an outline may use are listed once, in `OUTLINE_KEYS`, `AUTHOR_KEYS`,
`SECTION_KEYS` and `QUOTE_KEYS`; `outline-format.md` (and the README) describe
them. `load_outline` reports every problem it finds, then raises once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Callable

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import yamlnodes
from ..errors import Position, Problem, ProblemLog, ProblemsFound
from .blocks import BlockReader, Chart, DataFile, Figure, Table, number_blocks
from .prose import CiteGroup, ParsedProse, first_citation, parse_prose
from ..corpus.passages import Passage, parse_paragraph_range, reversed_range
from ..settings import DEFAULT_STYLE, PDF_VARIANTS, SETTINGS, unknown_setting_message
from ..workspace import MAX_OUTLINE_BYTES, UnsafePath, read_inside
from ..yamlnodes import Declared

OUTLINE_KEYS = {
    "title": "the brief's title (required)",
    "subtitle": "a line under the title, e.g. 'Policy brief'",
    "date": "publication date, YYYY-MM-DD; printed and stored in the PDF (never defaults to today)",
    "authors": "a list of names, or of {name, affiliation}",
    "publisher": "the issuing institute",
    "classification": "a banner printed on every page, e.g. 'For official use'",
    "template": "the theme, e.g. policy-brief (default)",
    "theme": "overrides of the theme's settings, e.g. {accent: \"#7a1f2b\", paper: letter}",
    "style": "a CSL style id (default chicago-notes-bibliography) or a path to a .csl file",
    "summary": "the key points: a list of prose items",
    "sections": "the body (required): a list of {heading, body}",
    "recommendations": "a numbered list of prose items",
    "keywords": "a list of words for the PDF's metadata",
    "lang": "the language of the brief (default en), for hyphenation",
    "pdf_variant": "ua-1 (tagged, accessible PDF/UA-1) or a-3b (archival PDF/A-3b carrying the outline)",
    "about": "back matter: about the authors, prose (one paragraph, or a list of them)",
    "series": "back matter: the series the brief belongs to, e.g. 'Policy Briefs'",
    "number": "back matter: the brief's number in its series, e.g. 7 or 2026/3",
    "licence": "back matter: the licence, e.g. 'CC BY 4.0'",
}
AUTHOR_KEYS = {"name": "the author's name", "affiliation": "their programme or institution"}
SECTION_KEYS = {"heading": "the section's heading", "body": "a list of blocks"}
QUOTE_KEYS = {
    "quote": "the source id",
    "text": "the words quoted (with … for omissions, [ ] for insertions)",
    "from": "the first words of the passage",
    "to": "the last words of the passage",
    "paragraph": "a paragraph number",
    "paragraphs": "a paragraph range, e.g. 6-7",
    "speaker": "who is quoted, printed as the attribution",
    "occurrence": "which occurrence, where the text occurs more than once",
}
TEXT_KEYS = {"title", "subtitle", "publisher", "classification", "style", "template", "series", "number", "licence"}
PRINTED_AS_TYPED = {"title", "subtitle", "publisher", "classification", "series", "licence"}  # no citations
DEFAULT_THEME = "policy-brief"


@dataclass
class Prose:
    """A prose string with its citations; `where(offset)` gives a position inside it."""

    text: str
    parsed: ParsedProse
    where: Callable[[int], Position]

    @property
    def citations(self) -> list[CiteGroup]:
        return [s for s in self.parsed.segments if isinstance(s, CiteGroup)]


@dataclass
class Author:
    name: str
    affiliation: str | None = None


@dataclass
class Quote:
    """A block quotation pulled from a source by text, by first and last words, or by paragraph."""

    key: str
    position: Position
    text: str | None = None
    from_words: str | None = None
    to_words: str | None = None
    paragraphs: tuple[int, int] | None = None
    speaker: str | None = None
    occurrence: int | None = None
    positions: dict[str, Position] = field(default_factory=dict)
    passage: Passage | None = None   # set by resolution
    note: CiteGroup | None = None    # set by resolution


@dataclass
class BulletList:
    items: list[Prose]


Block = Prose | Quote | BulletList | Figure | Table | Chart


@dataclass
class Section:
    heading: str
    body: list[Block]


@dataclass
class Outline:
    path: Path
    title: str
    sections: list[Section]
    subtitle: str | None = None
    date: dt.date | None = None
    authors: list[Author] = field(default_factory=list)
    publisher: str | None = None
    classification: str | None = None
    template: str = DEFAULT_THEME
    style: str = DEFAULT_STYLE
    summary: list[Prose] = field(default_factory=list)
    recommendations: list[Prose] = field(default_factory=list)
    about: list[Prose] = field(default_factory=list)   # back matter: about the authors
    series: str | None = None
    number: str | None = None
    licence: str | None = None
    keywords: list[str] = field(default_factory=list)
    lang: str = "en"
    pdf_variant: str | None = None
    theme: dict[str, Declared] = field(default_factory=dict)   # setting overrides, checked with the theme
    positions: dict[str, Position] = field(default_factory=dict)
    sha256: str | None = None   # of the bytes read (the lock records them, not a later re-read)

    @property
    def slug(self) -> str:
        return self.path.stem

    def prose(self):
        """Yield every prose item and quotation in reading order (the order of the notes)."""
        yield from self.summary
        for section in self.sections:
            for block in section.body:
                if isinstance(block, BulletList):
                    yield from block.items
                elif isinstance(block, (Figure, Table, Chart)):
                    yield from block.prose()
                else:
                    yield block
        yield from self.recommendations
        yield from self.about

    def data_files(self) -> list[DataFile]:
        """Every workspace file the outline's figures, tables and charts read, in reading order."""
        return [file for section in self.sections for block in section.body
                if isinstance(block, (Figure, Table, Chart)) for file in block.files()]


def load_outline(path: Path, folder: Path, log: ProblemLog | None = None) -> Outline:
    """Read and check the outline at `path` (which must lie inside `folder`).

    Problems go to `log`, so that the caller can add those it finds later and
    report all at once; without a log, any error raises `ProblemsFound` here.
    An unreadable or unparsable file always raises at once.
    """
    try:
        data = read_inside(path, folder, MAX_OUTLINE_BYTES)
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnsafePath as error:
        raise ProblemsFound([Problem(Position(path, 1, 1), error.reason)]) from None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ProblemsFound([Problem(Position(path, line, column),
                                     f"not UTF-8 text (byte {data[error.start]:#04x}): save the file as UTF-8")]) from None
    root = yamlnodes.compose(text, path)
    own_log = log if log is not None else ProblemLog()
    outline = _OutlineReader(path, own_log, text, folder).outline(root)
    if outline is not None:
        outline.sha256 = hashlib.sha256(data).hexdigest()
    if log is None or outline is None:
        own_log.raise_if_errors()
    return outline


class _OutlineReader(BlockReader, yamlnodes.NodeReader):
    """Turns the node tree of an outline into an `Outline`, logging every problem."""

    def __init__(self, path: Path, log: ProblemLog, source_text: str, folder: Path):
        super().__init__(path, log, source_text)
        self.folder = Path(folder).resolve()   # the workspace: figures, tables and charts read files inside it

    def outline(self, root: Node | None) -> Outline | None:
        if root is None:
            self.log.error(Position(self.path, 1, 1), "the outline is empty: it needs at least title: and sections:")
            return None
        fields = self.mapping(root, "an outline")
        if fields is None:
            return None
        self._unknown_keys(fields, OUTLINE_KEYS, "outline")
        for required in ("title", "sections"):
            if required not in fields:
                self.error(root, f"the outline has no '{required}:' ({OUTLINE_KEYS[required]})")
        outline = Outline(self.path, "", [])
        outline.positions = {k: self.at(v) for k, (_, v) in fields.items()}
        for key, (_, node) in fields.items():
            if key in PRINTED_AS_TYPED:
                value = self.plain_text(node, key)
            elif key in TEXT_KEYS:
                value = self.text(node, key)
            elif key in OUTLINE_KEYS:
                value = getattr(self, f"_read_{key}")(node)
            else:
                continue
            if value is not None:
                setattr(outline, key, value)
        number_blocks(outline.sections)
        return outline

    def _unknown_keys(self, fields: dict, known: dict, what: str) -> None:
        for name, (key_node, _) in fields.items():
            if name not in known:
                guess = get_close_matches(str(name), known, n=1)
                hint = f" (did you mean '{guess[0]}'?)" if guess else f"; known keys: {', '.join(known)}"
                self.error(key_node, f"unknown key '{name}' in the {what}{hint}")

    # -- top-level keys ----------------------------------------------------

    def _read_date(self, node):
        return self.iso_date(node, "date")

    def _read_lang(self, node):
        value = self.text(node, "lang")
        if value and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
            self.error(node, f"lang must be a language tag such as en or en-GB, not {value!r}")
            return None
        return value

    def _read_pdf_variant(self, node):
        value = self.text(node, "pdf_variant")
        if value is not None and value not in PDF_VARIANTS:
            self.error(node, f"pdf_variant must be one of {', '.join(PDF_VARIANTS)}, not {value!r}")
            return None
        return value

    def _read_theme(self, node):
        """Read `theme:` settings as given; `render.theme_settings.resolve_settings` checks names and values."""
        fields = self.mapping(node, "theme")
        if fields is None:
            return None
        overrides = {}
        for name, (key_node, value_node) in fields.items():
            if name not in SETTINGS:
                self.error(key_node, unknown_setting_message(name, "the outline's theme:"))
            elif (declared := self.scalar(value_node, f"theme: {name}")) is not None:
                overrides[name] = declared
        return overrides

    def _read_keywords(self, node):
        items = self.sequence(node, "keywords")
        return None if items is None else [k for k in (self.text(i, "a keyword") for i in items) if k]

    def _read_authors(self, node):
        items = self.sequence(node, "authors")
        return None if items is None else [a for a in map(self._author, items) if a]

    def _author(self, node) -> Author | None:
        if isinstance(node, ScalarNode):
            name = self._name(node, "an author")
            return Author(name) if name else None
        fields = self.mapping(node, "an author")
        if fields is None:
            return None
        self._unknown_keys(fields, AUTHOR_KEYS, "author")
        if "name" not in fields:
            self.error(node, "an author needs a 'name:'")
            return None
        affiliation = fields.get("affiliation")
        return Author(self._name(fields["name"][1], "name") or "",
                      self.plain_text(affiliation[1], "affiliation") if affiliation else None)

    def _name(self, node, what: str) -> str | None:
        """A person's name: text, never a number (`authors: [7]` is a slip, not a name)."""
        if isinstance(node, ScalarNode) and node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            self.error(node, f"{what} must be a name, not a number ({node.value}); write it in quotes if it is one")
            return None
        return self.plain_text(node, what)

    def _read_summary(self, node):
        return self._prose_list(node, "summary")

    def _read_recommendations(self, node):
        return self._prose_list(node, "recommendations")

    def _read_about(self, node):
        return self._prose_list(node, "about") if isinstance(node, SequenceNode) else [p for p in [self._prose(node, "about")] if p]

    def _read_sections(self, node):
        items = self.sequence(node, "sections")
        if items is None:
            return None
        if not items:
            self.error(node, "sections: needs at least one section")
        return [s for s in map(self._section, items) if s]

    # -- sections and blocks -------------------------------------------------

    def _section(self, node) -> Section | None:
        fields = self.mapping(node, "a section")
        if fields is None:
            return None
        self._unknown_keys(fields, SECTION_KEYS, "section")
        if "heading" not in fields:
            self.error(node, "a section needs a 'heading:'")
        heading = self.plain_text(fields["heading"][1], "heading") if "heading" in fields else ""
        body = []
        if "body" not in fields:
            self.error(node, "a section needs a 'body:' list of paragraphs and quotations")
        else:
            blocks = self.sequence(fields["body"][1], "body") or []
            body = [b for b in map(self._block, blocks) if b]
        return Section(heading or "", body)

    def _block(self, node) -> Block | None:
        if isinstance(node, MappingNode):
            fields = self.mapping(node, "a block")
            if "quote" in fields:
                return self._quote(node, fields)
            if "list" in fields:
                self._unknown_keys(fields, {"list": "a bulleted list"}, "list block")
                items = self._prose_list(fields["list"][1], "list")
                return BulletList(items) if items is not None else None
            for kind in ("figure", "table", "chart"):
                if kind in fields:
                    return getattr(self, f"_{kind}")(node, fields)
            self.error(node, "a body block is a prose string, or a 'quote:', 'list:', 'figure:', 'table:' "
                       "or 'chart:' mapping")
            return None
        return self._prose(node, "a body paragraph")

    def _quote(self, node, fields) -> Quote | None:
        self._unknown_keys(fields, QUOTE_KEYS, "quotation")
        key = self.text(fields["quote"][1], "quote (a source id)")
        quote = Quote(key or "", self.at(fields["quote"][1]))
        quote.positions = {k: self.at(v) for k, (_, v) in fields.items()}
        for name, attribute in (("text", "text"), ("from", "from_words"), ("to", "to_words")):
            if name in fields:
                setattr(quote, attribute, self._quotation_text(fields[name][1], name))
        if "speaker" in fields:
            quote.speaker = self.plain_text(fields["speaker"][1], "speaker")
        if "occurrence" in fields:
            quote.occurrence = self.integer(fields["occurrence"][1], "occurrence")
        if "paragraph" in fields:
            number = self.integer(fields["paragraph"][1], "paragraph")
            quote.paragraphs = (number, number) if number else None
        if "paragraphs" in fields:
            quote.paragraphs = self._paragraph_range(fields["paragraphs"][1])
        self._check_quote_form(node, fields)
        return quote if key else None

    def _check_quote_form(self, node, fields) -> None:
        forms = [f for f in (("text",), ("from", "to"), ("paragraph",), ("paragraphs",))
                 if any(k in fields for k in f)]
        if len(forms) != 1:
            self.error(node, "a quotation takes exactly one of: text:, from: with to:, paragraph:, paragraphs:")
        elif forms[0] == ("from", "to") and not all(k in fields for k in forms[0]):
            self.error(node, "from: and to: go together: give the first and the last words of the passage")
        if "occurrence" in fields and forms and forms[0][0].startswith("paragraph"):
            self.error(fields["occurrence"][0], "occurrence: applies to text: or from:, not to a paragraph")

    def _quotation_text(self, node, name: str) -> str | None:
        value = self.text(node, name)
        if value is not None and self.comment_follows(node):
            self.error(node, f"{name}: the text after '#' was read as a YAML comment and dropped; "
                       "put the quotation in double quotes")
            return None
        return value

    def _paragraph_range(self, node) -> tuple[int, int] | None:
        paragraphs = parse_paragraph_range(node.value) if isinstance(node, ScalarNode) else None
        if paragraphs:
            return paragraphs
        if isinstance(node, ScalarNode) and (turned := reversed_range(node.value)):
            self.error(node, f"paragraphs: {node.value} runs backwards: write {turned[0]}-{turned[1]}")
            return None
        self.error(node, "paragraphs must be a range such as 6-7 (first and last paragraph)")
        return None

    # -- prose -------------------------------------------------------------------

    def plain_text(self, node, what: str) -> str | None:
        """A value printed as typed (a title, a heading): refused where it holds a citation, which would print raw."""
        value = self.text(node, what)
        start = first_citation(value) if value is not None else None
        if start is not None:
            self.log.error(self.value_position(node, start), f"{what}: a citation here would be printed as typed, "
                           "not as a note: cite in a paragraph, a list item or a caption instead")
            return None
        return value

    def _prose_list(self, node, what: str) -> list[Prose] | None:
        items = self.sequence(node, what)
        article = "an" if what[:1] in "aeiou" else "a"   # "an about item", "a summary item"
        return None if items is None else [p for p in (self._prose(i, f"{article} {what} item") for i in items) if p]

    def _prose(self, node, what: str) -> Prose | None:
        text = self.text(node, what)
        if text is None:
            return None
        if self.comment_follows(node):
            self.log.warning(self.at(node), f"{what}: YAML read the text after ' #' as a comment and dropped it; "
                             "if it belongs to the text, put the item in single quotes or a block scalar (>-)")
        return self.prose_text(text, lambda offset, node=node: self.value_position(node, offset))

    def prose_text(self, text: str, where: Callable[[int], Position]) -> Prose:
        """Parse prose whose character `offset` stands at `where(offset)` (an outline scalar, a CSV cell)."""
        parsed = parse_prose(text)
        for offset, message in parsed.problems:
            self.log.error(where(offset), message)
        return Prose(text, parsed, where)
