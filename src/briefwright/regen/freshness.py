"""Freshness: is a brief's PDF up to date, and if not, which inputs changed?

Computed from hashes alone: the lock (lock.py) against the files on disk today.
Nothing here resolves a quotation, renders a template or imports WeasyPrint (its
version comes from the package metadata), so a build with nothing to do stays
fast. A brief is `never built` without a lock, `stale` with the reasons, or
`up to date`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..build import BuildOptions, edition_path, output_path, print_html_path
from ..corpus.catalog_cache import CatalogIndex
from ..corpus.sources import catalog_index
from ..errors import ProblemLog
from .lock import FileHashes, Lock, Places, entry_hash, lock_path, read_lock
from ..workspace import Workspace

UP_TO_DATE, NEVER_BUILT, STALE = "up to date", "never built", "stale"


def current_versions() -> dict[str, str]:
    """The versions that shape the PDF: briefwright, WeasyPrint, and pandoc (through pypandoc-binary)."""
    return {"briefwright": __version__, "weasyprint": metadata.version("weasyprint"),
            "pypandoc-binary": metadata.version("pypandoc-binary")}


def options_record(options: BuildOptions) -> dict:
    """The build options that shape the PDF, as the lock records them (--html only adds a file)."""
    return {"paper": options.paper, "pdf_variant": options.pdf_variant}


def _search(folders: list[Path], name: str) -> Path | None:
    """Where the theme chain finds `name` now: `THEME/file` searches from THEME's folders on."""
    head, _, rest = name.partition("/")
    start = next((i for i, folder in enumerate(folders) if folder.name == head), None)
    if rest and start is not None:
        folders, name = folders[start:], rest
    return next((folder / name for folder in folders if (folder / name).is_file()), None)


@dataclass
class Freshness:
    outline: Path
    state: str
    reasons: list[str] = field(default_factory=list)
    lock: Lock | None = None
    warning: str | None = None   # a damaged lock


class FreshnessChecker:
    """Judges the briefs of one workspace, reading each shared file (and the catalog) once."""

    def __init__(self, workspace: Workspace, options: BuildOptions):
        self.workspace, self.options = workspace, options
        self.hash = FileHashes()
        self.places = Places(workspace.root)
        self.versions = current_versions()
        self._catalog: CatalogIndex | None = None
        self._catalog_broken = False

    @property
    def catalog(self) -> CatalogIndex | None:
        """Today's catalog, indexed (None if it has errors); only the entries looked up are decoded."""
        if self._catalog is None:
            log = ProblemLog()
            self._catalog = catalog_index(self.workspace, log)
            self._catalog_broken = bool(log.errors)
        return None if self._catalog_broken else self._catalog

    def check(self, outline: Path) -> Freshness:
        lock, warning = read_lock(lock_path(outline))
        if lock is None:
            return Freshness(outline, STALE if warning else NEVER_BUILT,
                             ["lock damaged"] if warning else [], None, warning)
        reasons = self.reasons(outline, lock)
        return Freshness(outline, STALE if reasons else UP_TO_DATE, reasons, lock)

    def reasons(self, outline: Path, lock: Lock) -> list[str]:
        """Every input that differs from the lock, in words: outline, source X, template Y, …"""
        reasons = []
        if self.hash(outline) != lock.outline.get("sha256"):
            reasons.append("outline")
        for source_id, source in sorted(lock.sources.items()):
            if self.hash(self.places.local(source["file"])) != source["sha256"]:
                reasons.append(f"source {source_id}")
        catalog = self.catalog
        if catalog is not None:
            reasons += self._extractor_reasons(lock)
        for source_id, digest in sorted(lock.catalog.items()):
            if catalog is None or entry_hash(self._entry(source_id, lock)) != digest:
                reasons.append(f"catalog entry {source_id}")
        reasons += self._theme_reasons(lock)
        reasons += [f"data {record['path']}" for record in lock.data
                    if self.hash(self.places.local(record["path"])) != record["sha256"]]
        if self.hash(self.places.local(lock.style.get("path", ""))) != lock.style.get("sha256"):
            reasons.append("style")
        reasons += [f"version ({name} {lock.versions.get(name)} → {version})"
                    for name, version in self.versions.items() if lock.versions.get(name) != version]
        if lock.options != options_record(self.options):
            reasons.append("options")
        reasons += self._pdf_reasons(outline, lock)
        return reasons

    def _extractor_reasons(self, lock: Lock) -> list[str]:
        """A cited source whose text another extractor (or version) has made since: `extractor of X (a → b)`."""
        reasons = []
        for source_id in sorted(lock.catalog):
            entry = self._entry(source_id, lock) or {}
            today = entry.get("extractor") if isinstance(entry.get("extractor"), str) else None
            recorded = lock.extractors.get(source_id)
            if today != recorded and (today or recorded):
                reasons.append(f"extractor of {source_id} ({recorded or 'none'} → {today or 'none'})")
        return reasons

    def _entry(self, source_id: str, lock: Lock) -> dict | None:
        """Today's catalog entry of a locked source: by its id, or else by its file (a source cited by
        its file's stem that has since been catalogued under another id)."""
        entry = self.catalog.by_id(source_id)
        if entry is not None:
            return entry
        file = Path(lock.sources.get(source_id, {}).get("file", "")).name
        return self.catalog.first_with_file(file) if file else None

    def _theme_reasons(self, lock: Lock) -> list[str]:
        reasons = []
        folders = [f for f in map(self.places.local, lock.theme.get("folders", [])) if f is not None]
        for loaded in lock.files:
            shown = loaded.get("name") or loaded["path"]
            if self.hash(self.places.local(loaded["path"])) != loaded["sha256"]:
                reasons.append(f"template {shown}")
            elif loaded.get("name"):
                now = _search(folders, loaded["name"])
                if now is None and loaded["sha256"] is None:
                    continue  # looked up and not found (`include … ignore missing`), and still nowhere
                if now is None or self.places.portable(now) != loaded["path"]:
                    where = self.places.portable(now) if now else "nowhere"
                    reasons.append(f"template {shown} (now {where})")
        return reasons

    def _pdf_reasons(self, outline: Path, lock: Lock) -> list[str]:
        pdf = output_path(self.workspace, outline, self.options)
        if lock.pdf.get("path") != self.places.portable(pdf):
            return ["output path"]
        digest = self.hash(pdf)
        if digest is None:
            return ["PDF missing"]
        if digest != lock.pdf["sha256"]:
            return ["PDF differs from the lock"]
        if self.options.html and not print_html_path(pdf).is_file():
            return ["HTML missing"]
        return self._edition_reasons(pdf, lock)

    def _edition_reasons(self, pdf: Path, lock: Lock) -> list[str]:
        """The web and Word editions asked for that are missing, or differ from what the lock recorded."""
        reasons = []
        for edition in (f for f in self.options.formats if f != "pdf"):
            path, recorded = edition_path(pdf, edition), lock.outputs.get(edition, {})
            if recorded.get("path") != self.places.portable(path) or self.hash(path) is None:
                reasons.append(f"{edition} edition missing")
            elif self.hash(path) != recorded.get("sha256"):
                reasons.append(f"{edition} edition differs from the lock")
        return reasons
