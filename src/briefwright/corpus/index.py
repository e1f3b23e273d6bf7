"""The search index: SQLite FTS5 over the corpus's paragraphs, kept in the workspace's .briefwright/.

The index is a cache, never the truth. It only proposes paragraphs that may hold
the words searched for, best first (bm25); lookup.py verifies every one against
the source file itself with the quotation matcher before showing it, so a stale
index can cost time but never a wrong passage.

What is indexed: each paragraph's words, as the matcher sees them (its normalised
view: NFC, quotes and dashes folded), cut into runs of letters and runs of digits
and lower-cased. A quotation can only match where each of its words is such a run
(it starts and ends on word boundaries), so the index never misses a paragraph the
matcher would find, whatever the case.

Kept in step incrementally: a file whose size and mtime are unchanged is not read;
one whose content hash is unchanged is not re-indexed. A file modified in the last
few seconds is read and hashed again at each search until it is older (an edit
within one mtime tick could otherwise keep both). Right after a full check (for
SWEEP_NS), while seeds/ keeps its mtime (no file added, removed or renamed), a
search stats no other file: an edit in place within that second may be missed by
search (never misquoted: hits are verified against the file). An index that is corrupt or
was written by another version is rebuilt, with a warning. SQLite's WAL lets any
number of readers work while one process writes; writers take turns
(`BEGIN IMMEDIATE`). Where .briefwright/ cannot be written, `open_index` returns
None and callers scan the corpus instead.

`SearchBackend` is the interface the rest of briefwright uses; `FtsIndex` is its
only implementation. Another engine (a server's full-text search) would implement
the same two methods.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..verify.matcher import normalise, parse_quotation
from ..workspace import MAX_SOURCE_BYTES, UnsafePath, Workspace, read_inside
from .sources import Source, corpus_file_names

INDEX_FOLDER = ".briefwright"
INDEX_FILE = "index.sqlite3"
INDEX_VERSION = "2"           # bump when what is indexed, or how, changes
WORD = re.compile(r"\d+|[^\W\d_]+")
ROWS_PER_FILE = 1 << 32       # a paragraph's rowid is file id × this + its number
BUSY_SECONDS = 60.0           # how long a writer waits for another one
RANKED_POOL = 4000            # matching paragraphs ranked together (see _rows)
SWEEP_NS = 1_000_000_000      # a full check of the files is skipped for this long after one (see in_step)
RACY_NS = 3_000_000_000       # a file changed this recently may change again within one mtime tick
SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS files (id INTEGER PRIMARY KEY, name TEXT UNIQUE, size INTEGER, "
    "mtime_ns INTEGER, sha256 TEXT, paragraphs INTEGER)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS paragraphs USING fts5(words, tokenize='ascii')",
]


@dataclass(frozen=True)
class Candidate:
    """A paragraph that may contain the words searched for (not yet verified)."""

    file: str        # the corpus file's name in seeds/
    paragraph: int   # its number, from 1


@dataclass
class UpdateReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0


Progress = Callable[[int, int], None]  # (files indexed so far, files to index)


class SearchBackend(Protocol):
    """What search needs from an index: keeping it in step, and candidates for words.

    `update` brings the index in step with the corpus files named (in seeds/)
    and forgets every other file. `search` returns the paragraphs that may
    contain `words` (a quotation: `...` elisions and `[insertions]` allowed), best
    first, restricted to `files` when given. It may return paragraphs that do not
    hold the words (they are verified afterwards), but must never leave one out.
    """

    def update(self, files: Iterable[str], progress: Progress | None = None) -> UpdateReport: ...

    def search(self, words: str, files: Iterable[str] | None = None) -> Iterable[Candidate]: ...


def corpus_files(workspace: Workspace) -> list[str]:
    """The names of the corpus files of `workspace` (in seeds/), sorted."""
    return corpus_file_names(workspace.seeds)


def index_words(text: str) -> str:
    """A text's words as the index holds them: runs of letters or digits of its normalised view, lower-cased."""
    view = text if unicodedata.is_normalized("NFC", text) else normalise(text)
    return " ".join(WORD.findall(view.lower()))


def paragraph_lines(text: str) -> list[str]:
    """The paragraphs of a source text, as Source.paragraphs counts them (page lines, control characters)."""
    return [paragraph.text for paragraph in Source("", Path(), text).paragraphs]


def fts_query(words: str) -> str | None:
    """The FTS5 query for a quotation: one phrase per fragment, all required; None if it has no words.

    The matcher checks no word boundary beside an insertion (`[T]he`, `[X] 17`
    matching in `2017`), so such an edge word is dropped at the start of a
    fragment and taken as a prefix at its end.
    """
    pieces = parse_quotation(words)
    phrases = []
    for index, piece in enumerate(pieces):
        if piece.kind != "text":
            continue
        tokens = index_words(piece.value).split()
        if index > 0 and pieces[index - 1].kind == "insert":
            tokens = tokens[1:]  # the matcher checks no word boundary beside an insertion
        if tokens:
            prefix = "*" if index + 1 < len(pieces) and pieces[index + 1].kind == "insert" else ""
            phrases.append('"' + " ".join(tokens) + '"' + prefix)
    return " AND ".join(phrases) or None


class IndexUnavailable(Exception):
    """The index cannot be created or written here (e.g. a read-only workspace)."""


class FtsIndex:
    """The SQLite FTS5 index of one workspace's corpus (see the module docstring)."""

    def __init__(self, workspace: Workspace, warn: Callable[[str], None]):
        self.workspace, self.warn = workspace, warn
        self.path = workspace.root / INDEX_FOLDER / INDEX_FILE
        self.db = self._open()

    # -- opening --------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(exist_ok=True)
            _ignore_in_git(self.path.parent)
        except OSError as error:
            raise IndexUnavailable(f"cannot create {INDEX_FOLDER}/: {error.strerror or error}") from None
        try:
            db = self._connect()
            found = _stored_version(db)
            if found == INDEX_VERSION:
                return db
            if found is not None:
                db.close()
                self.warn(f"the search index in {INDEX_FOLDER}/ is from another version of briefwright: rebuilding it")
                return self._recreate()
            return self._create(db)
        except sqlite3.DatabaseError as error:
            if _read_only(error):
                raise IndexUnavailable(f"cannot write {INDEX_FOLDER}/{INDEX_FILE}: {error}") from None
            self.warn(f"the search index in {INDEX_FOLDER}/ is damaged ({error}): rebuilding it")
            return self._recreate()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _recreate(self) -> sqlite3.Connection:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return self._create(self._connect())

    @staticmethod
    def _create(db: sqlite3.Connection) -> sqlite3.Connection:
        db.execute("BEGIN IMMEDIATE")
        if _stored_version(db) is None:  # another process may have created it meanwhile
            for statement in SCHEMA:
                db.execute(statement)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
        db.execute("COMMIT")
        return db

    def close(self) -> None:
        self.db.close()

    # -- keeping in step -------------------------------------------------------

    def in_step(self, progress_for: Callable[[int], Progress | None] = lambda count: None) -> None:
        """Bring the index in step with seeds/.

        A full check (a stat of every file) runs unless the last one was less
        than SWEEP_NS ago and seeds/ has the mtime it had then (no file added,
        removed or renamed); then only the files that had changed within RACY_NS
        of being indexed are read and hashed again. `progress_for(count)` may give
        a callback when `count` files are to be read.
        """
        now, folder_mtime = time.time_ns(), _mtime(self.workspace.seeds)
        checked = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('checked_ns', 'seeds_mtime')"))
        if (folder_mtime is not None and checked.get("seeds_mtime") == str(folder_mtime)
                and 0 <= now - int(checked.get("checked_ns", 0)) < SWEEP_NS):
            self._recheck([name for (name,) in self.db.execute("SELECT name FROM files WHERE mtime_ns = -1")])
            return
        files = corpus_files(self.workspace)
        known = self.db.execute("SELECT count(*) FROM files").fetchone()[0]
        self.update(files, progress_for(len(files)) if len(files) - known > 200 else None)
        racy = folder_mtime is None or folder_mtime > now - RACY_NS  # a later change could keep this mtime
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                            [("checked_ns", str(now)), ("seeds_mtime", "-1" if racy else str(folder_mtime))])
        self.db.execute("COMMIT")

    def update(self, files: Iterable[str], progress: Progress | None = None) -> UpdateReport:
        """Bring the index in step with the files named; only changed files are read, only new content indexed.

        One pass over seeds/ stats the files; only those new, gone, or whose size
        or mtime differ from the index's record are looked at again, under the lock.
        """
        folder = self.workspace.seeds
        names = set(files)
        known = {name: (size, mtime) for name, size, mtime in self.db.execute("SELECT name, size, mtime_ns FROM files")}
        stats = _file_stats(folder, names)
        changed = sorted(name for name in names if name not in known or stats.get(name) != known[name])
        gone = sorted(set(known) - names)
        if not changed and not gone:
            return UpdateReport(unchanged=len(names))
        self.db.execute("BEGIN IMMEDIATE")  # one writer at a time; then look again, under the lock
        try:
            report = self._update_locked(changed, gone, stats, progress)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        report.unchanged += len(names) - len(changed)
        return report

    def _update_locked(self, changed: list[str], gone: list[str], stats: dict[str, tuple[int, int]],
                       progress: Progress | None) -> UpdateReport:
        report = UpdateReport()
        for name in gone:
            row = self._row(name)
            if row is not None:
                self._forget(row[0])
                report.removed += 1
        for done, name in enumerate(changed, start=1):
            row, stat = self._row(name), stats.get(name)
            if row is not None and stat is not None and row[1:3] == stat:
                report.unchanged += 1  # another process has indexed it meanwhile
            else:
                self._refresh(name, os.path.join(self.workspace.seeds, name), stat, row, report)
            if progress:
                progress(done, len(changed))
        return report

    def _recheck(self, names: list[str]) -> None:
        """Read and hash again the files `names` (indexed too recently to vouch for their mtime)."""
        if not names:
            return
        folder = self.workspace.seeds
        stats = {name: stat for name in names if (stat := _stat(os.path.join(folder, name))) is not None}
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._update_locked(names, [], stats, None)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _row(self, name: str) -> tuple | None:
        """(id, size, mtime_ns, sha256) of an indexed file, or None."""
        return self.db.execute("SELECT id, size, mtime_ns, sha256 FROM files WHERE name = ?", (name,)).fetchone()

    def _refresh(self, name: str, path: str, stat: tuple[int, int] | None, row, report: UpdateReport) -> None:
        """Index one new or changed file (or forget it, if it cannot be read)."""
        if stat is not None and stat[1] > time.time_ns() - RACY_NS:
            stat = (stat[0], -1)  # too recent to vouch for: hash it again next time (as git does)
        text = read_source_text(Path(path), self.workspace) if stat is not None else None
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else None
        if row is not None and digest is not None and digest == row[3]:
            self.db.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE id = ?", (*stat, row[0]))
            report.unchanged += 1
            return
        if row is not None:
            self._forget(row[0])
        if text is None:
            return  # unreadable: `sources` warns about it, and it is not searched
        lines = paragraph_lines(text)
        file_id = self.db.execute("INSERT INTO files (name, size, mtime_ns, sha256, paragraphs) "
                                  "VALUES (?, ?, ?, ?, ?)", (name, *stat, digest, len(lines))).lastrowid
        self.db.executemany("INSERT INTO paragraphs (rowid, words) VALUES (?, ?)",
                            ((file_id * ROWS_PER_FILE + number, index_words(line))
                             for number, line in enumerate(lines, start=1)))
        if row is None:
            report.added += 1
        else:
            report.changed += 1

    def _forget(self, file_id: int) -> None:
        self.db.execute("DELETE FROM paragraphs WHERE rowid >= ? AND rowid < ?",
                        (file_id * ROWS_PER_FILE, (file_id + 1) * ROWS_PER_FILE))
        self.db.execute("DELETE FROM files WHERE id = ?", (file_id,))

    def paragraph_counts(self) -> dict[str, int]:
        """{file name: its number of paragraphs} for every readable file indexed (as of the last update)."""
        return dict(self.db.execute("SELECT name, paragraphs FROM files"))

    # -- searching --------------------------------------------------------------

    def search(self, words: str, files: Iterable[str] | None = None) -> Iterable[Candidate]:
        """Paragraphs that may hold `words`, best first (bm25), or in file order within given `files`.

        Every paragraph is a candidate when `words` has no word at all.
        """
        if files is None:
            names = _FileNames(self.db)
        else:
            wanted = sorted(set(files))
            names = dict(self.db.execute(f"SELECT id, name FROM files WHERE name IN ({','.join('?' * len(wanted))})",
                                         wanted))
        ranges = [(0, 1 << 62)] if files is None else \
            [(i * ROWS_PER_FILE, (i + 1) * ROWS_PER_FILE) for i in sorted(names)]
        query = fts_query(words)
        for low, high in ranges:
            for rowid in self._rows(query, low, high, ranked=files is None):
                name = names.get(rowid // ROWS_PER_FILE)
                if name is not None:
                    yield Candidate(name, rowid % ROWS_PER_FILE)

    def _rows(self, query: str | None, low: int, high: int, ranked: bool) -> Iterable[int]:
        """The rowids in [low, high) matching `query`, best first when `ranked`, else in reading order.

        bm25 is computed in SQL for pools of RANKED_POOL matching paragraphs in
        reading order, each pool ranked best first, since a search usually stops
        at its first hits and ranking all 80,000 paragraphs holding a common word
        costs more than the rest of the search.
        """
        if query is None:
            yield from (r for (r,) in self.db.execute("SELECT rowid FROM paragraphs WHERE rowid >= ? "
                                                      "AND rowid < ? ORDER BY rowid", (low, high)))
            return
        if not ranked:  # within given files: reading order, no ranking needed
            yield from (r for (r,) in self.db.execute("SELECT rowid FROM paragraphs WHERE paragraphs MATCH ? "
                                                      "AND rowid >= ? AND rowid < ? ORDER BY rowid",
                                                      (query, low, high)))
            return
        for offset in itertools.count(0, RANKED_POOL):
            rows = [r for (r,) in self.db.execute(
                "SELECT rowid FROM (SELECT rowid, rank FROM paragraphs WHERE paragraphs MATCH ? ORDER BY rowid "
                "LIMIT ? OFFSET ?) ORDER BY rank, rowid", (query, RANKED_POOL, offset))]
            yield from rows
            if len(rows) < RANKED_POOL:
                return


class _FileNames(dict):
    """{file id: name}, looked up as needed (a search usually stops after a few files)."""

    def __init__(self, db: sqlite3.Connection):
        super().__init__()
        self.db = db

    def __missing__(self, file_id: int) -> str | None:
        row = self.db.execute("SELECT name FROM files WHERE id = ?", (file_id,)).fetchone()
        self[file_id] = row[0] if row else None
        return self[file_id]

    def get(self, file_id, default=None):
        return self[file_id]


def open_index(workspace: Workspace, warn: Callable[[str], None]) -> FtsIndex | None:
    """The workspace's index, or None (with a warning) where it cannot be kept."""
    try:
        return FtsIndex(workspace, warn)
    except IndexUnavailable as error:
        warn(f"{error}; searching without an index, which is slower")
        return None


def _stored_version(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return None
        raise
    return row[0] if row else "unknown"


def _read_only(error: sqlite3.DatabaseError) -> bool:
    message = str(error).lower()
    return "readonly" in message or "read-only" in message or "unable to open" in message


def _file_stats(folder: Path, names: set[str]) -> dict[str, tuple[int, int]]:
    """{name: (size, mtime_ns)} of the files `names` in `folder`, in one pass over it (less any that vanished)."""
    stats = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name in names:
                try:
                    info = entry.stat()
                except OSError:
                    continue
                stats[entry.name] = (info.st_size, info.st_mtime_ns)
    return stats


def _stat(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _mtime(path: Path) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def read_source_text(path: Path, workspace: Workspace) -> str | None:
    try:
        return read_inside(path, workspace.seeds, MAX_SOURCE_BYTES).decode("utf-8").removeprefix("\ufeff")
    except (UnsafePath, UnicodeDecodeError):
        return None


def _ignore_in_git(folder: Path) -> None:
    """Keep the cache out of version control even where .gitignore does not name it."""
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# briefwright's caches: safe to delete\n*\n", encoding="utf-8")
