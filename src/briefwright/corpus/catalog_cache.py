"""The parsed catalog, cached by the SHA-256 of seeds/sources.yaml's bytes, in .briefwright/.

Parsing a catalog of thousands of entries costs seconds; reading its parsed
entries back costs milliseconds. Only a catalog that parsed without any problem is
cached, so every error and warning is still reported from the file itself. The
cache is never the truth: its key is the content hash, a damaged or foreign cache
file is ignored, and where .briefwright/ cannot be written nothing is cached.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import Position
from ..workspace import OutputError, Workspace, write_atomically

CACHE_VERSION = 1
CACHE_FILE = "catalog.json"
IDS_FILE = "catalog-ids.json"   # only {file: id}, for search
_READ: dict[tuple[str, str], list] = {}  # (catalog path, content hash) → entries, within one process
MIN_CACHED_BYTES = 16_000  # smaller catalogs parse in less time than the cache takes to check


def _cache_path(workspace: Workspace, name: str = CACHE_FILE) -> Path:
    from .index import INDEX_FOLDER

    return workspace.root / INDEX_FOLDER / name


def cached_entries(workspace: Workspace, data: bytes) -> list[tuple[dict, Position]] | None:
    """The entries parsed from catalog bytes `data` before, or None if not cached."""
    if len(data) < MIN_CACHED_BYTES:
        return None
    digest = hashlib.sha256(data).hexdigest()
    key = (str(workspace.catalog), digest)
    if key in _READ:  # status reads the catalog twice in one run
        return _READ[key]
    try:
        cache = json.loads(_cache_path(workspace).read_bytes())
        if cache.get("version") != CACHE_VERSION or cache.get("sha256") != digest:
            return None
        path = workspace.catalog
        _READ[key] = [(entry, Position(path, line, column)) for entry, line, column in cache["entries"]]
        return _READ[key]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def cached_file_ids(workspace: Workspace, data: bytes) -> dict[str, str] | None:
    """{file: id} of the entries parsed from catalog bytes `data` before (what search needs), or None."""
    try:
        cache = json.loads(_cache_path(workspace, IDS_FILE).read_bytes())
        if cache.get("version") == CACHE_VERSION and cache.get("sha256") == hashlib.sha256(data).hexdigest():
            return dict(cache["ids"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    return None


def store_entries(workspace: Workspace, data: bytes, entries: list[tuple[dict, Position]]) -> None:
    """Cache the entries parsed from `data` (silently not, where .briefwright/ cannot be written)."""
    if len(data) < MIN_CACHED_BYTES:
        return
    digest = hashlib.sha256(data).hexdigest()
    ids: dict[str, str] = {}
    for entry, _ in entries:
        ids.setdefault(entry["file"], entry["id"])
    caches = {CACHE_FILE: {"version": CACHE_VERSION, "sha256": digest,
                           "entries": [[entry, where.line, where.column] for entry, where in entries]},
              IDS_FILE: {"version": CACHE_VERSION, "sha256": digest, "ids": ids}}
    try:
        _cache_path(workspace).parent.mkdir(exist_ok=True)
        for name, cache in caches.items():
            write_atomically(_cache_path(workspace, name), json.dumps(cache, ensure_ascii=False).encode("utf-8"))
    except (OSError, OutputError):
        pass
