"""The corpus: source texts in seeds/, their paragraphs, and the catalog.

Each non-blank line of a corpus file is one paragraph, numbered from 1. The
catalog, seeds/sources.yaml, is CSL-YAML (a list of entries, or a mapping with
`references:`) plus our field `file:`. A source is found by its catalog id or by
its file's stem; a corpus file with no entry is still citable by its stem.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import yamlnodes
from ..errors import BriefwrightError, Position, ProblemLog, display_path
from ..workspace import MAX_CATALOG_BYTES, MAX_CATALOG_ENTRIES, MAX_SOURCE_BYTES, UnsafePath, Workspace, read_inside
from .catalog_cache import cached_entries, store_entries

CORPUS_SUFFIXES = (".txt", ".md")
FAST_YAML_CHARS = 100_000  # a larger catalog is parsed with libyaml
ID_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*")


@dataclass(frozen=True)
class Paragraph:
    number: int
    text: str  # the line as it stands in the file, without its line break


@dataclass
class Source:
    """One corpus document: its id, file, paragraphs and (if catalogued) CSL entry."""

    id: str
    path: Path
    text: str | None  # None until read, in a corpus loaded lazily (see Corpus.find)
    entry: dict | None = None

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        lines = [line.rstrip("\r") for line in self.text.split("\n")]
        numbered = (line for line in lines if line.strip())
        return [Paragraph(number, line) for number, line in enumerate(numbered, start=1)]

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


@dataclass
class Corpus:
    """All sources of a workspace, with warnings about catalog gaps."""

    sources: dict[str, Source] = field(default_factory=dict)
    stems: dict[str, str] = field(default_factory=dict)
    warnings: ProblemLog = field(default_factory=ProblemLog)
    broken: dict[str, str] = field(default_factory=dict)  # id or stem → why it cannot be cited
    workspace: Workspace | None = None  # where unread sources are read from

    def find(self, key: str) -> Source | None:
        """Return the source with catalog id or file stem `key`, reading its file if not read yet."""
        source = self.sources.get(key) or self.sources.get(self.stems.get(key, ""))
        if source is not None and source.text is None:
            del self.sources[source.id]
            if not _add_source(self, source.id, source.path, self.workspace, source.entry):
                self.stems.pop(source.stem, None)
                return None
            source = self.sources[source.id]
        return source

    def known_ids(self) -> list[str]:
        return sorted(self.sources)


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
    entries = load_catalog(workspace, log)
    log.raise_if_errors()
    corpus = Corpus(warnings=log, workspace=workspace)
    add = _add_unread if lazy else _add_source
    seeds = workspace.seeds
    files = {name: seeds / name for name in corpus_file_names(seeds)}
    for entry, where in entries:
        name = entry["file"]
        if name not in files:
            reason = f"it is in the catalog, but its file seeds/{name} does not exist"
            log.warning(where, f"catalog entry {entry['id']!r}: its file seeds/{name} does not exist")
            corpus.broken[entry["id"]] = reason
            continue
        add(corpus, entry["id"], files.pop(name), workspace, entry)
    for path in files.values():
        if add(corpus, path.stem, path, workspace, None):
            log.warning(Position(path), f"no catalog entry in seeds/sources.yaml: cite it as @{path.stem}; "
                        "its notes will show the file name until you add one")
    corpus.stems = {s.stem: s.id for s in corpus.sources.values()}
    return corpus


def corpus_file_names(seeds: Path) -> list[str]:
    """The names of the corpus files in `seeds`, sorted (names, not paths: fast for thousands)."""
    with os.scandir(seeds) as entries:
        return sorted(e.name for e in entries if os.path.splitext(e.name)[1] in CORPUS_SUFFIXES)


def _add_unread(corpus: Corpus, source_id: str, path: Path, workspace: Workspace, entry) -> bool:
    """Note a corpus file without reading it (Corpus.find reads it)."""
    corpus.sources[source_id] = Source(source_id, path, None, entry)
    return True


def _add_source(corpus: Corpus, source_id: str, path: Path, workspace: Workspace, entry) -> bool:
    """Read one corpus file into `corpus`; an unreadable one is a warning, and an error where cited."""
    try:
        text = read_inside(path, workspace.seeds, MAX_SOURCE_BYTES).decode("utf-8")
    except UnsafePath as error:
        reason = error.reason
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 text (byte {error.start}); save the file as UTF-8"
    else:
        corpus.sources[source_id] = Source(source_id, path, text.removeprefix("\ufeff"), entry)
        return True
    corpus.warnings.warning(Position(path), reason)
    corpus.broken[source_id] = f"seeds/{path.name} cannot be read: {reason}"
    corpus.broken[path.stem] = corpus.broken[source_id]
    return False


def load_catalog(workspace: Workspace, log: ProblemLog) -> list[tuple[dict, Position]]:
    """Return the catalog's entries (plain CSL dicts) with their positions."""
    path = workspace.catalog
    if not path.exists():
        return []
    try:
        data = read_inside(path, workspace.seeds, MAX_CATALOG_BYTES)
        text = data.decode("utf-8")
    except (UnsafePath, UnicodeDecodeError) as error:
        log.error(Position(path), getattr(error, "reason", "not UTF-8 text: save the file as UTF-8"))
        return []
    cached = cached_entries(workspace, data)
    if cached is not None:
        return cached
    problems = len(log.problems)
    entries = _parse_catalog(text, path, log)
    if len(log.problems) == problems:
        store_entries(workspace, data, entries)
    return entries


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
    entry = {key: _plain(value) for key, (_, value) in fields.items()}
    if not isinstance(entry["id"], str) or not ID_PATTERN.fullmatch(entry["id"]):
        reader.error(fields["id"][1], f"catalog id {entry['id']!r} must be letters, digits and - _ : .")
        return None
    name = entry["file"]
    if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
        reader.error(fields["file"][1], f"'file' must name a file directly inside seeds/, not {name!r}")
        return None
    return entry


def _plain(node: Node):
    """Turn a checked node into plain data for CSL (scalars stay text, numbers numbers)."""
    if isinstance(node, MappingNode):
        return {k.value: _plain(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [_plain(v) for v in node.value]
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:int":
        return int(node.value)
    return node.value
