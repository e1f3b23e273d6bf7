"""The lock: `briefs/<slug>.lock`, a record of what the last build of a brief read and wrote.

A lock is JSON (indent 2, sorted keys, one line per value) so that it reads well in
code review. It holds the SHA-256 of every input that shapes the PDF (the outline,
each cited source file, the catalog entries used, every theme file actually read,
the CSL style, the images and CSV files of figures, tables and charts), the versions and build options, the extractor (name and version)
that made the text of each cited source imported with `add`, the hash of the PDF written, and
for each citation the passage it resolved to: paragraphs, exact source characters
and about 32 characters of context either side. Paths inside the workspace are
relative to it; built-in files are written `builtin:…` (themes) or `csl:…` (styles)
so that a lock does not depend on where briefwright is installed.

`read_lock` never raises on a damaged file: it returns None and a warning, and
the brief is rebuilt. A lock is input too: it is read like any other file (a
regular file beside its outline, no symlink out, size-capped), and what it says
is checked for shape and sense (an occurrence it cannot have, nesting) before use.
"""

from __future__ import annotations

import json
import stat
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import display_path
from ..workspace import UnsafePath, read_inside, sha256

LOCK_FORMAT = 1
MAX_LOCK_BYTES = 20_000_000
MAX_HASHED_BYTES = 200_000_000  # a file named by a lock larger than this is not read (it counts as changed)
CONTEXT_CHARS = 32
CHANGED_DURING_BUILD = "changed during the build"
CLOCK_REALTIME_COARSE = getattr(time, "CLOCK_REALTIME_COARSE", 5)  # Linux's id; Python does not name it


@dataclass
class CitationRecord:
    """One quotation as the last build resolved it."""

    kind: str          # "quotation" (printed in prose), "locator" (`[@id, para. N]`), or a block quotation's
                       # form: "text", "from-to" or "paragraphs"
    key: str           # the source as the outline names it
    typed: str         # what the outline says: the words typed, "FROM … TO", or "6-7"
    source: str        # the catalog id
    first: int         # paragraphs of the passage
    last: int
    text: str          # the exact source characters, one line per paragraph
    before: str        # context before and after (the matcher's normalised view)
    after: str
    occurrence: int = 1   # which occurrence of `text` in the source it was
    occurrences: int = 1  # of how many
    pages: str = ""       # in a paged source: the pages of the passage, `p. 41` or `pp. 41–42`
    editor_punctuation: str = ""  # a period or comma of the editor's printed inside the closing mark
                                  # (American usage), which is not part of `text`

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.kind, self.key, self.typed)


@dataclass
class Lock:
    """What one build of a brief read and wrote (see the module docstring)."""

    outline: dict                                     # {"path", "sha256"}
    pdf: dict                                         # {"path", "sha256"}
    sources: dict[str, dict] = field(default_factory=dict)   # id → {"file", "sha256"}
    catalog: dict[str, str] = field(default_factory=dict)    # id → sha256 of its entry
    theme: dict = field(default_factory=dict)         # {"name", "folders": [search order]}
    files: list[dict] = field(default_factory=list)   # [{"name", "path", "sha256"}] theme files read
    style: dict = field(default_factory=dict)         # {"path", "sha256"}
    data: list[dict] = field(default_factory=list)    # [{"path", "sha256"}] images and CSV files of figures,
                                                      # tables and charts, as read
    versions: dict[str, str] = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    citations: list[CitationRecord] = field(default_factory=list)
    outputs: dict[str, dict] = field(default_factory=dict)  # edition ("html", "docx") → {"path", "sha256"}
    extractors: dict[str, str] = field(default_factory=dict)  # imported source id → what extracted its text

    def to_text(self) -> str:
        data = {"briefwright-lock": LOCK_FORMAT, **asdict(self)}
        for optional in ("outputs", "extractors", "data"):  # written only when there is something: old locks keep
            if not data[optional]:                      # their bytes (PDF only; hand-made sources; no figures)
                del data[optional]
        for record in data["citations"]:  # pages only where a source is paged: other locks keep their bytes
            if not record["pages"]:
                del record["pages"]
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_text(cls, text: str) -> Lock:
        """Read a lock; raise ValueError or TypeError for anything not shaped as `to_text` writes it."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.pop("briefwright-lock", None) != LOCK_FORMAT:
            raise ValueError("not a briefwright lock of format 1")
        _check_shape(data)
        records = [CitationRecord(**record) for record in data.pop("citations")]
        for number, record in enumerate(records):
            _check_sense(record, f"lock.citations[{number}]")
        return cls(**data, citations=records)


def _check_sense(record: CitationRecord, where: str) -> None:
    """Raise ValueError for numbers a build never writes: occurrence 5 of 1, paragraphs 9 to 3."""
    if not 1 <= record.occurrence <= record.occurrences:
        raise ValueError(f"{where}: occurrence {record.occurrence} of {record.occurrences}")
    if not 1 <= record.first <= record.last:
        raise ValueError(f"{where}: paragraphs {record.first} to {record.last}")


_TEXT, _HASH, _NUMBER = str, (str, type(None)), int
_FILE = {"path": _TEXT, "sha256": _HASH}
OPTIONAL_RECORD_KEYS = {"pages", "editor_punctuation"}  # absent from the locks written before it existed
_SHAPE = {
    "outline": {"path": _TEXT, "sha256": _TEXT}, "pdf": {"path": _TEXT, "sha256": _TEXT},
    "sources": ("each", {"file": _TEXT, "sha256": _HASH}), "catalog": ("each", _TEXT),
    "theme": {"name?": _TEXT, "folders?": ("list", _TEXT)}, "files": ("list", {"name": _HASH, **_FILE}),
    "style": {"path?": _TEXT, "sha256?": _HASH}, "versions": ("each", _TEXT), "options": dict,
    "data?": ("list", _FILE),
    "outputs?": ("each", {"path": _TEXT, "sha256": _TEXT}), "extractors?": ("each", _TEXT),
    "citations": ("list", {name + ("?" if name in OPTIONAL_RECORD_KEYS else ""):
                           (_NUMBER if name in ("first", "last", "occurrence", "occurrences") else _TEXT)
                           for name in CitationRecord.__dataclass_fields__}),
}


def _check_shape(value, shape=None, where: str = "lock") -> None:
    """Raise TypeError naming the first key of `value` whose type differs from `shape` (`key?`: optional)."""
    shape = _SHAPE if shape is None else shape
    if isinstance(shape, dict):
        keys = {key.rstrip("?") for key in shape}
        required = {key for key in shape if not key.endswith("?")}
        if not isinstance(value, dict) or not required <= set(value) <= keys:
            raise TypeError(f"{where} must have the keys {', '.join(sorted(keys))}")
        for key, inner in shape.items():
            if key.rstrip("?") in value:
                _check_shape(value[key.rstrip("?")], inner, f"{where}.{key.rstrip('?')}")
    elif isinstance(shape, tuple) and shape and shape[0] in ("each", "list"):
        kind = dict if shape[0] == "each" else list
        if not isinstance(value, kind):
            raise TypeError(f"{where} must be a {'mapping' if kind is dict else 'list'}")
        for key, inner in (value.items() if kind is dict else enumerate(value)):
            _check_shape(inner, shape[1], f"{where}[{key!r}]")
    elif not isinstance(value, shape) or isinstance(value, bool) and shape is _NUMBER:
        raise TypeError(f"{where} has the wrong type")


def lock_path(outline: Path) -> Path:
    """The lock of an outline: beside it, `<slug>.lock`."""
    return outline.with_suffix(".lock")


def read_lock(path: Path) -> tuple[Lock | None, str | None]:
    """Return (lock, None), (None, None) if there is none, or (None, warning) if it is damaged."""
    if not path.exists() and not path.is_symlink():
        return None, None
    try:
        text = read_inside(path, path.parent, MAX_LOCK_BYTES).decode("utf-8")
    except UnsafePath as error:
        return None, f"{display_path(path)}: warning: unreadable lock ({error.reason}); the brief will be rebuilt"
    except (OSError, UnicodeDecodeError) as error:
        return None, f"{display_path(path)}: warning: unreadable lock ({error}); the brief will be rebuilt"
    try:
        return Lock.from_text(text), None
    except RecursionError:
        return None, f"{display_path(path)}: warning: damaged lock (nested too deeply); the brief will be rebuilt"
    except json.JSONDecodeError as error:  # in words, not the JSON parser's ("Expecting value: … (char 0)")
        return None, (f"{display_path(path)}: warning: damaged lock (not JSON from line {error.lineno}, "
                      f"column {error.colno}); the brief will be rebuilt")
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return None, f"{display_path(path)}: warning: damaged lock ({error}); the brief will be rebuilt"


def entry_hash(entry: dict | None) -> str:
    """The hash of a catalog entry (None: the source has no entry)."""
    return sha256(json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))


def file_system_now() -> int:
    """Now, in nanoseconds, by the clock the kernel stamps file modification times with (its coarse one)."""
    try:
        return time.clock_gettime_ns(CLOCK_REALTIME_COARSE)
    except (AttributeError, OSError):
        return time.time_ns()


class FileHashes:
    """SHA-256 of regular files, each read once per run; None for a path that is not one (or too big).

    With `since` (a `file_system_now()`), a file modified since then gets `CHANGED_DURING_BUILD`
    instead, which no file's hash equals: the brief stays stale rather than record bytes it may not have read.
    """

    def __init__(self, since: int | None = None):
        self._known: dict[Path, str | None] = {}
        self.since = since

    def __call__(self, path: Path | None) -> str | None:
        if path is None:
            return None
        if path not in self._known:
            try:
                mode = path.stat()
                regular = stat.S_ISREG(mode.st_mode) and mode.st_size <= MAX_HASHED_BYTES
                if regular and self.since is not None and mode.st_mtime_ns >= self.since:
                    self._known[path] = CHANGED_DURING_BUILD
                    return CHANGED_DURING_BUILD
                self._known[path] = sha256(path.read_bytes()) if regular else None
            except OSError:
                self._known[path] = None
        return self._known[path]


class Places:
    """Writes paths portably (workspace-relative, `builtin:`, `csl:`) and reads them back."""

    def __init__(self, root: Path):
        from ..render.citations import styles_folder
        from ..render.themes import builtin_themes

        self.prefixes = {"builtin:": builtin_themes().resolve(), "csl:": styles_folder().resolve(), "": root}

    def portable(self, path: Path) -> str:
        path = Path(path).resolve()
        for prefix, folder in self.prefixes.items():
            if path.is_relative_to(folder):
                return prefix + path.relative_to(folder).as_posix()
        return str(path)

    def local(self, text: str) -> Path | None:
        """The path a lock's `text` names, or None if it leaves its folder (a lock is input, too)."""
        for prefix, folder in self.prefixes.items():  # the workspace's "" comes last
            if text.startswith(prefix):
                path = folder / text[len(prefix):]
                return path if path.resolve().is_relative_to(folder.resolve()) else None
        return None
