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
MIN_CACHED_BYTES = 16_000  # smaller catalogs parse in less time than the cache takes to check


def _cache_path(workspace: Workspace) -> Path:
    from .index import INDEX_FOLDER

    return workspace.root / INDEX_FOLDER / CACHE_FILE


def cached_entries(workspace: Workspace, data: bytes) -> list[tuple[dict, Position]] | None:
    """The entries parsed from catalog bytes `data` before, or None if not cached."""
    if len(data) < MIN_CACHED_BYTES:
        return None
    try:
        cache = json.loads(_cache_path(workspace).read_bytes())
        if cache.get("version") != CACHE_VERSION or cache.get("sha256") != hashlib.sha256(data).hexdigest():
            return None
        return [(entry, Position(workspace.catalog, line, column)) for entry, line, column in cache["entries"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def store_entries(workspace: Workspace, data: bytes, entries: list[tuple[dict, Position]]) -> None:
    """Cache the entries parsed from `data` (silently not, where .briefwright/ cannot be written)."""
    if len(data) < MIN_CACHED_BYTES:
        return
    cache = {"version": CACHE_VERSION, "sha256": hashlib.sha256(data).hexdigest(),
             "entries": [[entry, where.line, where.column] for entry, where in entries]}
    try:
        _cache_path(workspace).parent.mkdir(exist_ok=True)
        write_atomically(_cache_path(workspace), json.dumps(cache, ensure_ascii=False).encode("utf-8"))
    except (OSError, OutputError):
        pass
