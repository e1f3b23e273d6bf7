"""The corpus: source texts in seeds/, their paragraphs, and the catalog.

Each non-blank line of a corpus file is one paragraph, numbered from 1; a line
ends at LF, CRLF or a lone CR. Control characters inside a line (NUL, VT, FF,
U+0085, U+2028, U+2029 and the rest of Unicode's Cc class) are white space: a
paragraph's text holds a space in their place, so `show`, `search`, matching and
the PDF all see the same characters. The catalog, seeds/sources.yaml, is CSL-YAML (a list of entries, or a mapping with
`references:`) plus our field `file:`. A source is found by its catalog id or by
its file's stem; a corpus file with no entry is still citable by its stem.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import yamlnodes
from ..errors import BriefwrightError, Position, ProblemLog, display_path, first_few
from ..workspace import MAX_CATALOG_BYTES, MAX_CATALOG_ENTRIES, MAX_SOURCE_BYTES, UnsafePath, Workspace, read_inside
from .catalog_cache import CatalogIndex, cached_index, entry_json, store_index

CORPUS_SUFFIXES = (".txt", ".md")
FAST_YAML_CHARS = 100_000  # a larger catalog is parsed with libyaml
ID_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*")
LINE_END = re.compile(r"\r\n|\r|\n")
DECIMAL = re.compile(r"[-+]?[0-9]+")
INT_TAG = "tag:yaml.org,2002:int"


def is_control(char: str) -> bool:
    """True for a control character (Unicode Cc) or a line or paragraph separator (Zl, Zp)."""
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def controls_as_spaces(line: str) -> str:
    """Return `line` with every control character replaced by a space (tabs included)."""
    if line.isprintable():  # no control character (every Cc, Zl and Zp is unprintable): the common case
        return line
    return "".join(" " if is_control(char) else char for char in line)


def source_lines(text: str) -> list[str]:
    """Split a corpus text into its lines at LF, CRLF or a lone CR, as written (controls kept)."""
    return LINE_END.split(text)


PAGE_MARK = "\f"  # a line `\f41` starts printed page 41 of a paged source; it is not a paragraph


@dataclass(frozen=True)
class Paragraph:
    number: int
    text: str  # the line as it stands in the file, without its line break
    page: str | None = None  # in a paged source: the printed label of the page it starts on


@dataclass
class Source:
    """One corpus document: its id, file, paragraphs and (if catalogued) CSL entry."""

    id: str
    path: Path
    text: str | None  # None until read, in a corpus loaded lazily (see Corpus.find)
    entry: dict | None = None
    sha256: str | None = None  # of the bytes read (the lock records them, not a later re-read)

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        paragraphs, page = [], None
        for line in source_lines(self.text):
            if line.startswith(PAGE_MARK):
                page = controls_as_spaces(line[1:]).strip() or page
            elif (cleaned := controls_as_spaces(line)).strip():
                paragraphs.append(Paragraph(len(paragraphs) + 1, cleaned, page))
        return paragraphs

    @property
    def paged(self) -> bool:
        """Whether the text has page lines (`\f41`): then its locators are pages."""
        return bool(self.paragraphs) and self.paragraphs[0].page is not None

    @cached_property
    def page_labels(self) -> list[str]:
        """The printed labels of the pages, in order (empty for an unpaged source)."""
        labels = [controls_as_spaces(line[1:]).strip() for line in source_lines(self.text)
                  if line.startswith(PAGE_MARK)]
        return list(dict.fromkeys(label for label in labels if label))

    def paragraph(self, number: int) -> Paragraph:
        return self.paragraphs[number - 1]

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def csl(self) -> dict:
        """The CSL entry for citeproc: the catalog's, or a stand-in naming the file."""
        if self.entry:
            return {k: v for k, v in self.entry.items() if k != "file"} | {"id": self.id}
        return {"id": self.id, "type": "document", "title": self.path.name}


class Corpus:
    """All sources of a workspace, with warnings about catalog gaps.

    A lazy corpus (`load_corpus(workspace, lazy=True)`) knows every source's id,
    file and catalog entry number from the start, as plain strings; it makes a
    source, reads its file and decodes its entry only when `find` first returns it.
    `sources` makes every source (unread) at once, for the commands that list them all.
    """

    def __init__(self, sources: dict[str, Source] | None = None, stems: dict[str, str] | None = None,
                 warnings: ProblemLog | None = None, broken: dict[str, str] | None = None,
                 workspace: Workspace | None = None):
        self._made: dict[str, Source] = dict(sources or {})
        self._listed: dict[str, tuple[str, int | None]] = {}  # id → (file name, entry number): not made yet
        self._catalog: CatalogIndex | None = None
        self.stems = stems if stems is not None else {}
        self._warnings = warnings if warnings is not None else ProblemLog()
        self._uncatalogued: list[str] = []  # file names whose warning is still to be worded
        self.broken = broken if broken is not None else {}  # id or stem → why it cannot be cited
        self.workspace = workspace  # where unread sources are read from

    @property
    def warnings(self) -> ProblemLog:
        """The warnings about catalog gaps and unreadable files (in a lazy corpus, worded when first asked for)."""
        if self._uncatalogued:
            names, self._uncatalogued = self._uncatalogued, []
            for name in names:
                self._warnings.warning(Position(self.workspace.seeds / name), _no_entry(name))
        return self._warnings

    @property
    def sources(self) -> dict[str, Source]:
        """Every source by id (in a lazy corpus, the ones not found yet are made now, unread)."""
        if self._listed:
            self._catalog.decode_all()
            seeds = self.workspace.seeds
            self._made.update((i, self._unread(i, name, number, seeds)) for i, (name, number) in self._listed.items())
            self._listed = {}
        return self._made

    def _unread(self, source_id: str, name: str, number: int | None, seeds: Path | None = None) -> Source:
        entry = None if number is None else self._catalog.entry(number)
        return Source(source_id, (seeds or self.workspace.seeds) / name, None, entry)

    def _known(self, source_id: str) -> bool:
        return source_id in self._made or source_id in self._listed

    def find(self, key: str) -> Source | None:
        """Return the source with catalog id or file stem `key`, reading its file if not read yet."""
        source_id = key if self._known(key) else self.stems.get(key, "")
        if not self._known(source_id):
            return None
        source = self._made.get(source_id)
        if source is None:
            source = self._unread(source_id, *self._listed.pop(source_id))
        if source.text is None:
            self._made.pop(source_id, None)
            if not _add_source(self, source.id, source.path, self.workspace, source.entry):
                self.stems.pop(source.stem, None)
                return None
            source = self._made[source.id]
        return source

    def entry_json(self, source: Source) -> bytes:
        """The catalog entry of `source` as JSON (catalog_cache.entry_json), from the catalog cache where it can."""
        number = self._catalog.number(source.id) if self._catalog is not None else None
        if number is not None and self._catalog.entry(number) is source.entry:
            return self._catalog.entry_json(number)
        return entry_json(source.entry)

    def known_ids(self) -> list[str]:
        return sorted({*self._made, *self._listed})


def load_corpus(workspace: Workspace, lazy: bool = False) -> Corpus:
    """Read the catalog and every corpus file of `workspace` (with `lazy`, each file when first found).

    Raises `ProblemsFound` if the catalog is broken; missing files and
    uncatalogued files are warnings kept on the corpus. A lazy corpus reads a
    file only when `find` first returns its source, so a brief costs the sources
    it cites, whatever the corpus size.
    """
    if not workspace.seeds.is_dir():
        raise BriefwrightError(f"no seeds/ folder in {display_path(workspace.root)}: the corpus lives there")
    log = ProblemLog()
    catalog = catalog_index(workspace, log)
    log.raise_if_errors()
    corpus = Corpus(warnings=log, workspace=workspace)
    corpus._catalog = catalog
    add = _list_unread if lazy else _read_now
    files = dict.fromkeys(corpus_file_names(workspace.seeds))  # sorted, and quick to look up
    awaiting = []
    for number, (source_id, name) in enumerate(zip(catalog.ids, catalog.files)):
        if name not in files:
            awaiting.append((number, source_id, name))
            corpus.broken[source_id] = f"it is in the catalog, but its file seeds/{name} does not exist"
            continue
        del files[name]
        add(corpus, source_id, name, number)
    _warn_about_missing_texts(log, catalog, awaiting, workspace.catalog)
    for name in files:
        if add(corpus, name[:name.rindex(".")], name, None):
            corpus._uncatalogued.append(name)  # worded only if asked for: there may be thousands
    listed = [(i, name) for i, (name, _) in corpus._listed.items()] or \
        [(s.id, s.path.name) for s in corpus._made.values()]
    corpus.stems = {name[:name.rindex(".")]: source_id for source_id, name in listed}  # every name has a suffix
    return corpus


def _warn_about_missing_texts(log: ProblemLog, catalog, awaiting: list, path: Path, most: int = 20) -> None:
    """A warning for each catalog entry whose file is missing; for a library's thousands (a Zotero
    import whose documents are still to come), one warning naming the first few."""
    if len(awaiting) <= most:
        for number, source_id, name in awaiting:
            log.warning(catalog.position(number), f"catalog entry {source_id!r}: its file seeds/{name} does not "
                                                  f"exist; add its document with: briefwright add FILE --id {source_id}")
        return
    ids = [source_id for _, source_id, _ in awaiting]
    log.warning(Position(path), f"{len(ids):,} catalog entries have no file in seeds/ yet "
                                f"({first_few(ids)}): add each document with: "
                                "briefwright add FILE --id ID")


def _no_entry(name: str) -> str:
    stem = name[:name.rindex(".")]
    return (f"no catalog entry in seeds/sources.yaml: cite it as @{stem}; "
            "its notes will show the file name until you add one")


def corpus_stem(name: str) -> str | None:
    """The stem of a corpus file's name (`a.txt` → `a`), or None for another name (as os.path.splitext says)."""
    for suffix in CORPUS_SUFFIXES:
        if name.endswith(suffix) and name[:-len(suffix)].strip("."):
            return name[:-len(suffix)]
    return None


def corpus_file_names(seeds: Path) -> list[str]:
    """The names of the corpus files in `seeds`, sorted (names, not paths: fast for thousands)."""
    return sorted(name for name in os.listdir(seeds)  # (only a name starting with "." can be all dots and suffix)
                  if name.endswith(CORPUS_SUFFIXES) and (name[0] != "." or corpus_stem(name) is not None))


def _list_unread(corpus: Corpus, source_id: str, name: str, number: int | None) -> bool:
    """Note a corpus file without reading it (Corpus.find reads it)."""
    corpus._listed[source_id] = (name, number)
    return True


def _read_now(corpus: Corpus, source_id: str, name: str, number: int | None) -> bool:
    entry = None if number is None else corpus._catalog.entry(number)
    return _add_source(corpus, source_id, corpus.workspace.seeds / name, corpus.workspace, entry)


def _add_source(corpus: Corpus, source_id: str, path: Path, workspace: Workspace, entry) -> bool:
    """Read one corpus file into `corpus`; an unreadable one is a warning, and an error where cited."""
    try:
        data = read_inside(path, workspace.seeds, MAX_SOURCE_BYTES)
        text = data.decode("utf-8")
    except UnsafePath as error:
        reason = error.reason
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 text (byte {error.start}); save the file as UTF-8"
    else:
        corpus._made[source_id] = Source(source_id, path, text.removeprefix("\ufeff"), entry,
                                         hashlib.sha256(data).hexdigest())
        return True
    corpus.warnings.warning(Position(path), reason)
    corpus.broken[source_id] = f"seeds/{path.name} cannot be read: {reason}"
    corpus.broken[path.stem] = corpus.broken[source_id]
    return False


def load_catalog(workspace: Workspace, log: ProblemLog) -> list[tuple[dict, Position]]:
    """Return the catalog's entries (plain CSL dicts) with their positions."""
    return catalog_index(workspace, log).pairs()


def catalog_index(workspace: Workspace, log: ProblemLog) -> CatalogIndex:
    """The catalog's entries, indexed (each decoded when asked, if read from the cache); problems go to `log`."""
    path = workspace.catalog
    if not path.exists():
        return CatalogIndex.parsed(path, [])
    try:
        data = read_inside(path, workspace.seeds, MAX_CATALOG_BYTES)
        cached = cached_index(workspace, data)  # bytes that parsed well before are UTF-8
        if cached is not None:
            return cached
        text = data.decode("utf-8")
    except (UnsafePath, UnicodeDecodeError) as error:
        log.error(Position(path), getattr(error, "reason", "not UTF-8 text: save the file as UTF-8"))
        return CatalogIndex.parsed(path, [])
    problems = len(log.problems)
    index = CatalogIndex.parsed(path, _parse_catalog(text, path, log))
    if len(log.problems) == problems:
        store_index(workspace, data, index)
    return index


def _parse_catalog(text: str, path: Path, log: ProblemLog) -> list[tuple[dict, Position]]:
    root = yamlnodes.compose(text, path, fast=len(text) > FAST_YAML_CHARS)
    if root is None:
        return []
    reader = yamlnodes.NodeReader(path, log, text)
    if isinstance(root, MappingNode):
        keys = reader.mapping(root, "the catalog") or {}
        if "references" not in keys:
            reader.error(root, "the catalog must be a list of CSL entries or have a 'references:' list")
            return []
        root = keys["references"][1]
    nodes = reader.sequence(root, "the catalog's references") or []
    if len(nodes) > MAX_CATALOG_ENTRIES:
        reader.error(root, f"the catalog has {len(nodes):,} entries, above the limit of {MAX_CATALOG_ENTRIES:,}")
        return []
    entries, seen = [], {}
    for node in nodes:
        entry = _catalog_entry(node, reader)
        if entry is None:
            continue
        if entry["id"] in seen:
            reader.error(node, f"catalog id {entry['id']!r} is used twice (first on line {seen[entry['id']]})")
            continue
        seen[entry["id"]] = node.start_mark.line + 1
        entries.append((entry, reader.at(node)))
    return entries


def _catalog_entry(node: Node, reader: yamlnodes.NodeReader) -> dict | None:
    fields = reader.mapping(node, "a catalog entry")
    if fields is None:
        return None
    missing = [k for k in ("id", "file", "type") if k not in fields]
    if missing:
        reader.error(node, f"catalog entry lacks {', '.join(missing)}")
        return None
    entry = _plain(node, reader)
    if entry is None:
        return None
    if not isinstance(entry["id"], str) or not ID_PATTERN.fullmatch(entry["id"]):
        reader.error(fields["id"][1], f"catalog id {entry['id']!r} must be letters, digits and - _ : .")
        return None
    name = entry["file"]
    if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
        reader.error(fields["file"][1], f"'file' must name a file directly inside seeds/, not {name!r}")
        return None
    return entry


def _plain(node: Node, reader: yamlnodes.NodeReader):
    """Turn a checked node into plain data for CSL, or None after logging a located error.

    Scalars stay text as typed: only a plain decimal integer becomes a number, so
    `page: 1:30`, `volume: 0x10` or `number: 0b101` keep their characters, as CSL
    expects of such fields. A key that is not plain text (`? [a, b]`) is an error.
    """
    if isinstance(node, MappingNode):
        plain = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                reader.error(key, "a catalog key must be plain text, not a list or a mapping")
                return None
            plain[key.value] = _plain(value, reader)
            if plain[key.value] is None:
                return None
        return plain
    if isinstance(node, SequenceNode):
        items = [_plain(v, reader) for v in node.value]
        return None if any(item is None for item in items) else items
    if node.tag == INT_TAG and DECIMAL.fullmatch(node.value):
        return int(node.value)
    return node.value
