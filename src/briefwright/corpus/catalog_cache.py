"""The parsed catalog, indexed, and cached by the SHA-256 of seeds/sources.yaml's bytes in .briefwright/.

`CatalogIndex` holds the catalog's entries in file order: every id, file and
position at once (what a corpus needs to know which sources exist), each entry's
CSL data only when asked (what a brief needs for the few sources it cites). Read
from the cache, loading a 10,000-entry catalog is one read and two small JSON
decodes; each entry is decoded from its own slice of the file when first asked for.

The cache file, catalog.index, is a header line (JSON: version, the catalog's
SHA-256, the SHA-256 of the rest of the file), a line with the ids, files, lines,
columns and offsets (JSON), then one JSON line per entry. Only a catalog that
parsed without any problem is cached, so every error and warning is still reported
from the file itself. The cache is never the truth: it is used only when its
catalog hash equals the hash of the bytes read now and its own content hash holds,
a damaged or foreign file is ignored (the catalog is parsed again and the cache
rewritten), and where .briefwright/ cannot be written nothing is cached.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import Position
from ..workspace import OutputError, UnsafePath, Workspace, read_inside, write_atomically

CACHE_VERSION = 2
CACHE_FILE = "catalog.index"
OLD_CACHE_FILE = "catalog.json"    # briefwright 0.2's cache of parsed entries: removed once the index is written
MAX_CACHE_BYTES = 200_000_000     # a 40 MB catalog's index and entries, with room to spare
MIN_CACHED_BYTES = 16_000         # smaller catalogs parse in less time than the cache takes to check
_READ: dict[tuple[str, str], "CatalogIndex"] = {}  # (catalog path, content hash) → index, within one process


class CatalogIndex:
    """The catalog's entries in file order: ids, files and positions; each entry's data when asked."""

    def __init__(self, path: Path, ids: list[str], files: list[str], lines: list[int], columns: list[int],
                 entries: list[dict | None], stored: "_StoredEntries | None" = None):
        self.path, self.ids, self.files, self.lines, self.columns = path, ids, files, lines, columns
        self._entries, self._stored = entries, stored  # decoded entries (None: not yet); their JSON in the cache
        self._numbers: dict[str, int] | None = None
        self._file_ids: dict[str, str] | None = None

    @classmethod
    def parsed(cls, path: Path, entries: list[tuple[dict, Position]]) -> "CatalogIndex":
        """The index of entries just parsed (all decoded already)."""
        return cls(path, [e["id"] for e, _ in entries], [e["file"] for e, _ in entries],
                   [p.line for _, p in entries], [p.column for _, p in entries], [e for e, _ in entries])

    def __len__(self) -> int:
        return len(self.ids)

    def entry(self, number: int) -> dict:
        """The CSL data of entry `number` (from 0, in file order)."""
        if self._entries[number] is None:
            self._entries[number] = json.loads(self._stored.json(number))
        return self._entries[number]

    def entry_json(self, number: int) -> bytes:
        """Entry `number` as JSON (`entry_json` of its data), taken from the cache file where there is one."""
        return self._stored.json(number) if self._stored is not None else entry_json(self.entry(number))

    def decode_all(self) -> None:
        """Decode every entry now, at once (much faster than one by one, for a listing of them all)."""
        if self._stored is not None and None in self._entries:
            self._entries = [known or new for known, new in zip(self._entries, self._stored.decode_all())]

    def position(self, number: int) -> Position:
        return Position(self.path, self.lines[number], self.columns[number])

    def number(self, source_id: str) -> int | None:
        """The number of the entry with id `source_id`, or None."""
        if self._numbers is None:
            self._numbers = {}
            for number, known in enumerate(self.ids):
                self._numbers.setdefault(known, number)
        return self._numbers.get(source_id)

    def by_id(self, source_id: str) -> dict | None:
        number = self.number(source_id)
        return None if number is None else self.entry(number)

    def first_with_file(self, name: str) -> dict | None:
        """The first entry whose `file:` is `name`, or None."""
        number = next((n for n, file in enumerate(self.files) if file == name), None)
        return None if number is None else self.entry(number)

    def file_ids(self) -> dict[str, str]:
        """{file: id of the first entry naming it} (made once; do not change it)."""
        if self._file_ids is None:
            self._file_ids = {}
            for source_id, name in zip(reversed(self.ids), reversed(self.files)):
                self._file_ids[name] = source_id  # the first entry, read last, wins
        return self._file_ids

    def pairs(self) -> list[tuple[dict, Position]]:
        """Every (entry, position), in file order (decodes every entry)."""
        self.decode_all()
        return [(self.entry(n), self.position(n)) for n in range(len(self))]


def entry_json(entry: dict) -> bytes:
    """An entry's data as the cache keeps it: JSON, keys in the catalog's order, UTF-8."""
    return json.dumps(entry, ensure_ascii=False).encode("utf-8")


def _cache_path(workspace: Workspace) -> Path:
    from .index import INDEX_FOLDER

    return workspace.root / INDEX_FOLDER / CACHE_FILE


def cached_index(workspace: Workspace, data: bytes) -> CatalogIndex | None:
    """The index of the entries parsed from catalog bytes `data` before, or None if not cached (or damaged)."""
    if len(data) < MIN_CACHED_BYTES:
        return None
    digest = hashlib.sha256(data).hexdigest()
    key = (str(workspace.catalog), digest)
    if key not in _READ:
        index = _read_cache(workspace, digest)
        if index is None:
            return None
        _READ[key] = index
    return _READ[key]


def _read_cache(workspace: Workspace, digest: str) -> CatalogIndex | None:
    path = _cache_path(workspace)
    try:
        cache = read_inside(path, path.parent, MAX_CACHE_BYTES)
        head_end = cache.index(b"\n")
        head = json.loads(cache[:head_end])
        if head != {"version": CACHE_VERSION, "sha256": digest, "body": head["body"]} or \
                hashlib.sha256(memoryview(cache)[head_end + 1:]).hexdigest() != head["body"]:
            return None
        table_end = cache.index(b"\n", head_end + 1)
        ids, files, lines, columns, offsets = json.loads(cache[head_end + 1:table_end])
        if not len(ids) == len(files) == len(lines) == len(columns) == len(offsets) - 1:
            return None
    except (UnsafePath, ValueError, TypeError, KeyError):
        return None
    return CatalogIndex(workspace.catalog, ids, files, lines, columns, [None] * len(ids),
                        _StoredEntries(cache, table_end + 1, offsets))


class _StoredEntries:
    """The entries' JSON lines in the cache file's bytes (checked by its hash), one per entry."""

    def __init__(self, cache: bytes, start: int, offsets: list[int]):
        self.cache, self.start, self.offsets = cache, start, offsets

    def json(self, number: int) -> bytes:
        return self.cache[self.start + self.offsets[number]:self.start + self.offsets[number + 1] - 1]

    def decode_all(self) -> list[dict]:
        """Every entry, decoded in one read of JSON (much faster than one by one)."""
        lines = self.cache[self.start:].rstrip(b"\n")
        return json.loads(b"[" + lines.replace(b"\n", b",") + b"]") if lines else []


def store_index(workspace: Workspace, data: bytes, index: CatalogIndex) -> None:
    """Cache the index parsed from `data` (silently not, where .briefwright/ cannot be written)."""
    if len(data) < MIN_CACHED_BYTES:
        return
    lines, offsets = [], [0]
    for number in range(len(index)):
        lines.append(entry_json(index.entry(number)) + b"\n")
        offsets.append(offsets[-1] + len(lines[-1]))
    table = json.dumps([index.ids, index.files, index.lines, index.columns, offsets], ensure_ascii=False)
    body = table.encode("utf-8") + b"\n" + b"".join(lines)
    head = {"version": CACHE_VERSION, "sha256": hashlib.sha256(data).hexdigest(),
            "body": hashlib.sha256(body).hexdigest()}
    from .index import _ignore_in_git

    try:
        _cache_path(workspace).parent.mkdir(exist_ok=True)
        _ignore_in_git(_cache_path(workspace).parent)
        write_atomically(_cache_path(workspace), json.dumps(head).encode("utf-8") + b"\n" + body)
        _cache_path(workspace).with_name(OLD_CACHE_FILE).unlink(missing_ok=True)
    except (OSError, OutputError):
        pass
