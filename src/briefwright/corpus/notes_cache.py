"""The notes `briefwright sources` shows, formatted by pandoc once and cached in .briefwright/.

Formatting 10,000 catalog entries with citeproc takes a minute; reading them back
takes milliseconds. Each entry's (full note, short note) is kept under the SHA-256
of the entry's JSON (as the catalog cache keeps it; for an uncatalogued file, of its
stand-in CSL data), in a file named by the SHA-256 of the style's bytes and of the
pandoc binary's size and mtime: a changed entry, style or pandoc is formatted
again. The cache is never the truth (a damaged or foreign file is ignored, and
where .briefwright/ cannot be written nothing is kept), and formatting an entry
alone gives what it gives among others (citations.format_catalog formats each
entry as a brief citing it alone would print it), so the cache changes no output.
Entries not cached are formatted in batches, which bounds pandoc's memory.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..workspace import OutputError, Workspace, write_atomically
from .catalog_cache import entry_json
from .sources import Corpus, Source

CACHE_VERSION = 2
BATCH = 1000  # entries per pandoc run: its memory grows with the entries it holds


def formatted_notes(corpus: Corpus, workspace: Workspace, style: Path) -> dict[str, tuple[str, str]]:
    """{source id: (full note, short note)} for every source of `corpus`, from the cache where possible."""
    from ..render.citations import format_catalog, pandoc_path

    path = _cache_path(workspace, style, pandoc_path())
    cached = _read(path)
    keys = {source.id: entry_key(source, corpus) for source in corpus.sources.values()}
    missing = sorted(i for i, key in keys.items() if key not in cached)
    for start in range(0, len(missing), BATCH):
        batch = Corpus({i: corpus.sources[i] for i in missing[start:start + BATCH]})
        for source_id, notes in format_catalog(batch, style).items():
            cached[keys[source_id]] = notes
    if missing:
        _write(path, {key: cached[key] for key in keys.values()})
    return {source_id: tuple(cached[key]) for source_id, key in keys.items()}


def entry_key(source: Source, corpus: Corpus | None = None) -> str:
    """The SHA-256 of what citeproc is given for `source`: its catalog entry as JSON (which holds its id), or
    the stand-in CSL data of an uncatalogued file. The entry's JSON comes from the catalog cache where it is."""
    if source.entry is None:
        return hashlib.sha256(json.dumps(source.csl, ensure_ascii=False).encode("utf-8")).hexdigest()
    return hashlib.sha256(corpus.entry_json(source) if corpus else entry_json(source.entry)).hexdigest()


def _cache_path(workspace: Workspace, style: Path, pandoc: Path) -> Path:
    from .index import INDEX_FOLDER

    info = pandoc.stat()
    digest = hashlib.sha256(style.read_bytes())
    digest.update(f"\0{CACHE_VERSION}\0{info.st_size}\0{info.st_mtime_ns}".encode())
    return workspace.root / INDEX_FOLDER / f"notes-{digest.hexdigest()[:32]}.json"


def _read(path: Path) -> dict[str, list[str]]:
    try:
        notes = json.loads(path.read_bytes())
        if isinstance(notes, dict) and all(isinstance(v, list) and len(v) == 2 for v in notes.values()):
            return notes
    except (OSError, ValueError):
        pass
    return {}


def _write(path: Path, notes: dict[str, list[str]]) -> None:
    from .index import _ignore_in_git

    try:
        path.parent.mkdir(exist_ok=True)
        _ignore_in_git(path.parent)
        write_atomically(path, json.dumps(notes, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    except (OSError, OutputError):
        pass  # a read-only workspace: formatted again next time
