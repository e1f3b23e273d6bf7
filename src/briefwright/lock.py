"""The lock: `briefs/<slug>.lock`, a record of what the last build of a brief read and wrote.

A lock is JSON (indent 2, sorted keys, one line per value) so that it reads well in
code review. It holds the SHA-256 of every input that shapes the PDF (the outline,
each cited source file, the catalog entries used, every theme file actually read,
the CSL style), the versions and build options, the hash of the PDF written, and
for each citation the passage it resolved to: paragraphs, exact source characters
and about 32 characters of context either side. Paths inside the workspace are
relative to it; built-in files are written `builtin:…` (themes) or `csl:…` (styles)
so that a lock does not depend on where briefwright is installed.

`read_lock` never raises on a damaged file: it returns None and a warning, and
the brief is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import display_path

LOCK_FORMAT = 1
CONTEXT_CHARS = 32


@dataclass
class CitationRecord:
    """One quotation as the last build resolved it."""

    kind: str          # "quotation" (printed in prose), "text", "from-to" or "paragraphs" (block quotations)
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
    versions: dict[str, str] = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    citations: list[CitationRecord] = field(default_factory=list)

    def to_text(self) -> str:
        data = {"briefwright-lock": LOCK_FORMAT, **asdict(self)}
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_text(cls, text: str) -> Lock:
        data = json.loads(text)
        if not isinstance(data, dict) or data.pop("briefwright-lock", None) != LOCK_FORMAT:
            raise ValueError("not a briefwright lock of format 1")
        records = [CitationRecord(**record) for record in data.pop("citations")]
        lock = cls(**data, citations=records)
        if not isinstance(lock.outline.get("sha256"), str) or not isinstance(lock.pdf.get("sha256"), str):
            raise TypeError("the outline or PDF hash is missing")
        return lock


def lock_path(outline: Path) -> Path:
    """The lock of an outline: beside it, `<slug>.lock`."""
    return outline.with_suffix(".lock")


def read_lock(path: Path) -> tuple[Lock | None, str | None]:
    """Return (lock, None), (None, None) if there is none, or (None, warning) if it is damaged."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as error:
        return None, f"{display_path(path)}: warning: unreadable lock ({error}); the brief will be rebuilt"
    try:
        return Lock.from_text(text), None
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return None, f"{display_path(path)}: warning: damaged lock ({error}); the brief will be rebuilt"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_hash(entry: dict | None) -> str:
    """The hash of a catalog entry (None: the source has no entry)."""
    return sha256(json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))


class FileHashes:
    """SHA-256 of files, each read once per run; None for a file that cannot be read."""

    def __init__(self):
        self._known: dict[Path, str | None] = {}

    def __call__(self, path: Path) -> str | None:
        if path not in self._known:
            try:
                self._known[path] = sha256(path.read_bytes())
            except OSError:
                self._known[path] = None
        return self._known[path]


class Places:
    """Writes paths portably (workspace-relative, `builtin:`, `csl:`) and reads them back."""

    def __init__(self, root: Path):
        from .citations import styles_folder
        from .render import builtin_themes

        self.prefixes = {"builtin:": builtin_themes().resolve(), "csl:": styles_folder().resolve(), "": root}

    def portable(self, path: Path) -> str:
        path = Path(path).resolve()
        for prefix, folder in self.prefixes.items():
            if path.is_relative_to(folder):
                return prefix + path.relative_to(folder).as_posix()
        return str(path)

    def local(self, text: str) -> Path:
        for prefix, folder in self.prefixes.items():
            if prefix and text.startswith(prefix):
                return folder / text[len(prefix):]
        return self.prefixes[""] / text
