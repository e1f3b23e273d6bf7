"""`briefwright add` and `briefwright refresh`: documents in, corpus text and catalog entry out.

`add_source` reads a file or fetches a URL, extracts it (importers/), and writes
three things, each atomically and only once extraction has succeeded: the
original, byte for byte, as seeds/originals/<id><suffix>; the corpus text
seeds/<id>.txt; and the catalog entry, appended to seeds/sources.yaml (or, for a
source added before, updated field by field). The entry carries, beside its CSL
fields, `original:`, `original-sha256:` and `extractor:`, so the lock's hash of
the entry changes when the original or the extractor does. A source is the same
as one added before when it has the same --id, the same original bytes, the same
URL, or (a local file) the same title; re-adding identical bytes changes nothing.
A replaced original is kept under seeds/originals/history/.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BriefwrightError, ProblemLog, display_path, plural
from ..workspace import MAX_CATALOG_BYTES, UnsafePath, Workspace, read_inside, sha256, write_atomically
from . import catalog_edit
from .importers import SUFFIX_KINDS, SUPPORTED, Extracted, extract
from .sources import ID_PATTERN, load_catalog

if TYPE_CHECKING:
    from .fetch import Fetched

MAX_ORIGINAL_BYTES = 50_000_000
OUR_FIELDS = ("file", "original", "original-sha256", "extractor")
WANTED = ("title", "author", "issued", "container-title")
SUFFIXES = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}


@dataclass
class Document:
    """A document to add: its bytes, name, and where it came from."""

    data: bytes
    name: str
    content_type: str | None = None
    fetched: Fetched | None = None

    @property
    def url(self) -> str | None:
        return self.fetched.url if self.fetched else None


@dataclass
class Added:
    """What `add_source` did, for the command to print."""

    source_id: str
    state: str                                   # added, updated or unchanged
    written: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    redirects: list[str] = field(default_factory=list)
    extracted: Extracted | None = None
    history: Path | None = None


def is_url(target: str) -> bool:
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", target) is not None


def targets_in(targets: list[str]) -> list[str]:
    """The documents named on the command line, a folder standing for every file in it (and in its
    subfolders) whose name says a format briefwright adds, in name order; hidden files are left out."""
    found = []
    for target in targets:
        path = Path(target).expanduser()
        if is_url(target) or not path.is_dir():
            found.append(target)
            continue
        files = [p for p in path.rglob("*") if p.suffix.lower() in SUFFIX_KINDS and p.is_file()
                 and not any(part.startswith(".") for part in p.relative_to(path).parts)]
        if not files:
            raise BriefwrightError(f"{target}: a folder with no document briefwright adds ({SUPPORTED})")
        found += [str(p) for p in sorted(files)]
    return found


def read_document(target: str, *, allow_private: bool = True) -> Document:
    """The document named on the command line: a URL (fetched) or a file (read, with a size cap)."""
    if is_url(target):
        from .fetch import fetch  # the network, only for a URL (and its imports, only then)

        fetched = fetch(target, allow_private=allow_private)
        name = fetched.final_url.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or "index.html"
        return Document(fetched.data, name, fetched.content_type, fetched)
    path = Path(target).expanduser()
    if path.is_dir():
        raise BriefwrightError(f"{target}: a folder; name its files, or pass the folder to briefwright add")
    try:
        data = read_inside(path, path.absolute().parent, MAX_ORIGINAL_BYTES)
    except UnsafePath as error:
        raise BriefwrightError(f"{target}: {error.reason}") from None
    return Document(data, path.name)


def add_source(workspace: Workspace, target: str, source_id: str | None = None, *,
               allow_private: bool = True, document: Document | None = None) -> Added:
    """Add (or update) the source `target`; nothing is written unless it can be extracted."""
    if source_id is not None and not ID_PATTERN.fullmatch(source_id):
        raise BriefwrightError(f"--id {source_id!r}: an id is letters, digits and - _ : .")
    if not workspace.seeds.is_dir():
        raise BriefwrightError(f"no seeds/ folder in {display_path(workspace.root)}: run briefwright in a "
                               "workspace, or pass -C DIR")
    document = document or read_document(target, allow_private=allow_private)
    extracted = extract(document.data, document.name, document.content_type)
    with catalog_edit.catalog_lock(workspace.seeds):  # from reading the catalog to writing it
        return _add_extracted(workspace, source_id, document, extracted)


def _add_extracted(workspace: Workspace, source_id: str | None, document: Document, extracted: Extracted) -> Added:
    entries = catalog_entries(workspace)
    digest = sha256(document.data)
    existing = _same_source(entries, source_id, digest, document, extracted)
    if existing is not None and not existing.get("original") and _awaits_its_text(workspace, existing):
        return _write_first_text(workspace, existing, document, extracted, digest)
    if existing is not None and not existing.get("original"):
        raise BriefwrightError(f"{existing['id']!r} is already in the catalog with a text of its own "
                               f"(seeds/{existing['file']}), not one made by briefwright add; "
                               "add the document under a new --id")
    if existing is None:
        return _write_new(workspace, entries, source_id, document, extracted, digest)
    if existing.get("original-sha256") == digest and existing.get("extractor") == extracted.extractor:
        return Added(existing["id"], "unchanged", extracted=extracted)
    return _write_update(workspace, existing, document, extracted, digest)


def catalog_entries(workspace: Workspace) -> list[dict]:
    log = ProblemLog()
    entries = [entry for entry, _ in load_catalog(workspace, log)]
    log.raise_if_errors()
    return entries


def _same_source(entries: list[dict], source_id, digest: str, document: Document, extracted) -> dict | None:
    if source_id is not None:
        return next((e for e in entries if e["id"] == source_id), None)
    title = extracted.metadata.get("title")
    for test in (lambda e: e.get("original-sha256") == digest,
                 lambda e: document.url is not None and e.get("URL") == document.url,
                 lambda e: document.url is None and e.get("original") and title and e.get("title") == title):
        found = next((e for e in entries if test(e)), None)
        if found is not None:
            return found
    return None


def _write_new(workspace: Workspace, entries: list[dict], source_id, document: Document,
               extracted: Extracted, digest: str) -> Added:
    taken = {e["id"] for e in entries} | {p.stem for p in workspace.seeds.glob("*.*")}
    source_id = source_id or unique_id(default_id(extracted.metadata, document.name), taken)
    original = Path("originals") / (source_id + _suffix(document, extracted))
    entry = {"id": source_id, "file": f"{source_id}.txt"} | csl_entry(extracted, document)
    entry |= {"original": original.as_posix(), "original-sha256": digest, "extractor": extracted.extractor}
    text_path, original_path = workspace.seeds / entry["file"], workspace.seeds / original
    for path in (text_path, original_path):
        if path.exists():
            raise BriefwrightError(f"{display_path(path)} already exists: choose another --id")
    new_catalog = catalog_edit.append_entries(catalog_text(workspace), workspace.catalog, [entry])
    return _write_added(workspace, entry, original_path, text_path, new_catalog, document, extracted)


def _awaits_its_text(workspace: Workspace, entry: dict) -> bool:
    """An entry with no corpus text yet (as `catalog import` writes them): `add --id` gives it one."""
    return isinstance(entry.get("file"), str) and not (workspace.seeds / entry["file"]).exists()


def _write_first_text(workspace: Workspace, entry: dict, document: Document, extracted: Extracted,
                      digest: str) -> Added:
    """Give a catalog entry that has no text yet its text and original; its bibliographic fields stay."""
    original = Path("originals") / (entry["id"] + _suffix(document, extracted))
    text_path, original_path = workspace.seeds / entry["file"], workspace.seeds / original
    if original_path.exists():
        raise BriefwrightError(f"{display_path(original_path)} already exists: choose another --id")
    fields = {"original": original.as_posix()} | _extraction_fields(document, extracted, digest)
    if document.fetched and "URL" not in entry:
        fields["URL"] = document.url
    new_catalog = catalog_edit.update_entry(catalog_text(workspace), workspace.catalog, entry["id"], fields)
    return _write_added(workspace, entry, original_path, text_path, new_catalog, document, extracted)


def _extraction_fields(document: Document, extracted: Extracted, digest: str) -> dict:
    """The fields an entry gets from each extraction: the original's hash, the extractor and, fetched, when."""
    fields = {"original-sha256": digest, "extractor": extracted.extractor}
    if document.fetched:
        fields["accessed"] = _date_parts(document.fetched.fetched_at)
    return fields


def _write_added(workspace: Workspace, entry: dict, original_path: Path, text_path: Path, new_catalog: str,
                 document: Document, extracted: Extracted) -> Added:
    """Write a newly added source's original, text and catalog, and say what its entry lacks."""
    write_atomically(original_path, document.data)
    write_atomically(text_path, extracted.corpus_text().encode("utf-8"))
    write_atomically(workspace.catalog, new_catalog.encode("utf-8"))
    missing = [name for name in WANTED if name not in entry]
    return Added(entry["id"], "added", [original_path, text_path, workspace.catalog], missing,
                 document.fetched.redirects if document.fetched else [], extracted)


def _write_update(workspace: Workspace, entry: dict, document: Document, extracted: Extracted,
                  digest: str) -> Added:
    original_path = workspace.seeds / entry["original"]
    history = None
    if original_path.is_file():
        old = read_inside(original_path, workspace.seeds, MAX_ORIGINAL_BYTES)
        if sha256(old) != digest:
            history = (workspace.seeds / "originals" / "history" /
                       f"{original_path.stem}-{sha256(old)[:12]}{original_path.suffix}")
    fields = _extraction_fields(document, extracted, digest)
    new_catalog = catalog_edit.update_entry(catalog_text(workspace), workspace.catalog, entry["id"], fields)
    text_path = workspace.seeds / entry["file"]
    if history is not None:
        write_atomically(history, old)
    write_atomically(original_path, document.data)
    write_atomically(text_path, extracted.corpus_text().encode("utf-8"))
    write_atomically(workspace.catalog, new_catalog.encode("utf-8"))
    written = [p for p in (history, original_path, text_path, workspace.catalog) if p is not None]
    return Added(entry["id"], "updated", written, [], document.fetched.redirects if document.fetched else [],
                 extracted, history)


def catalog_text(workspace: Workspace) -> str:
    if not workspace.catalog.exists():
        return ""
    return read_inside(workspace.catalog, workspace.seeds, MAX_CATALOG_BYTES).decode("utf-8")


def _suffix(document: Document, extracted: Extracted) -> str:
    suffix = Path(document.name).suffix.lower()
    if extracted.kind == "text":
        return ".txt"
    if extracted.kind == "markdown":
        return suffix if suffix in (".md", ".markdown") else ".md"
    return SUFFIXES[extracted.kind]


def csl_entry(extracted: Extracted, document: Document) -> dict:
    """The CSL fields of a new entry: the document's metadata, plus `URL` and `accessed` when fetched."""
    metadata = dict(extracted.metadata)
    entry = {"type": metadata.pop("type", "document")}
    entry |= metadata
    if document.fetched:
        entry["URL"] = document.url
        entry["accessed"] = _date_parts(document.fetched.fetched_at)
    return entry


def _date_parts(moment: dt.datetime) -> dict:
    return {"date-parts": [[moment.year, moment.month, moment.day]]}


def default_id(metadata: dict, name: str = "") -> str:
    """`family-year` from the metadata (`kazimbeyli-2017`); the site, the title or the file's
    name (`corridor-notes.txt`) stands in for an author, and an unknown year is left out."""
    authors = metadata.get("author") or []
    stem = Path(name).stem if name not in ("", "index.html") else ""
    lead = (authors[0].get("family") if authors else None) or metadata.get("container-title") \
        or metadata.get("title") or stem or "source"
    parts = (metadata.get("issued") or {}).get("date-parts") or [[]]
    return f"{slug(lead)}-{parts[0][0]}" if parts and parts[0] else slug(lead)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:3]) or "source"


def unique_id(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if wanted + letter not in taken:
            return wanted + letter
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


def stale_briefs(workspace: Workspace, source_ids: set[str]) -> list:
    """The status of each brief that cites one of `source_ids` and is now stale (as `status` says it)."""
    from ..build import BuildOptions
    from ..regen.freshness import STALE
    from ..regen.status import brief_status

    if not workspace.briefs.is_dir():
        return []
    wanted = {f"source {i}" for i in source_ids} | {f"catalog entry {i}" for i in source_ids}
    reports = brief_status(workspace, workspace.outlines(), BuildOptions())
    return [r for r in reports if r.state == STALE and wanted & set(r.freshness.reasons)]


@dataclass
class Refreshed:
    source_id: str
    added: Added | None = None
    skipped: str | None = None      # why it was not re-fetched
    error: str | None = None        # why the fetch or extraction failed


def refresh_sources(workspace: Workspace, source_ids: tuple[str, ...], *, allow_private: bool = False,
                    fetcher=None) -> list[Refreshed]:
    """Re-fetch each source added from a URL (or those named), re-extract, update the changed ones."""
    entries = {entry["id"]: entry for entry in catalog_entries(workspace)}
    unknown = [i for i in source_ids if i not in entries]
    if unknown:
        raise BriefwrightError(f"unknown source {', '.join(map(repr, unknown))}; see briefwright sources")
    chosen = [entries[i] for i in source_ids] if source_ids else [e for e in entries.values() if e.get("URL")]
    results = []
    for entry in chosen:
        if not entry.get("URL"):
            results.append(Refreshed(entry["id"], skipped="it has no URL in the catalog"))
        elif not entry.get("original"):
            results.append(Refreshed(entry["id"], skipped="its text was not made by briefwright add "
                                     "(no original is kept): add it from its URL under a new id"))
        else:
            results.append(_refresh_one(workspace, entry, allow_private))
    return results


def _refresh_one(workspace: Workspace, entry: dict, allow_private: bool) -> Refreshed:
    try:
        added = add_source(workspace, entry["URL"], entry["id"], allow_private=allow_private)
    except BriefwrightError as error:
        return Refreshed(entry["id"], error=error.format_message())
    return Refreshed(entry["id"], added)


def outdated_extractions(corpus) -> list[str]:
    """A line for each source extracted by another version of its extractor than the one installed."""
    from .importers import extractor_of

    lines = []
    for source in sorted(corpus.sources.values(), key=lambda s: s.id):
        recorded = (source.entry or {}).get("extractor")
        if not isinstance(recorded, str) or not recorded.split(" ")[0] in ("trafilatura", "pypdfium2", "pandoc"):
            continue
        installed = extractor_of(recorded.split(" ")[0])
        if installed != recorded:
            how = "briefwright refresh " + source.id if source.entry.get("URL") else \
                f"briefwright add seeds/{source.entry.get('original')} --id {source.id}"
            lines.append(f"{source.id}: extracted by {recorded}, but {installed} is installed: "
                         f"re-extract with {how}")
    return lines


# -- what add and refresh print ---------------------------------------------------------

def added_lines(workspace: Workspace, added: Added) -> list[str]:
    """What `add` prints: redirects, files written, what the document lacks, the briefs now stale."""
    lines = [f"redirected to {url}" for url in added.redirects]
    extracted = added.extracted
    if added.state == "unchanged":
        return lines + [f"{added.source_id}: unchanged (the same original, extracted by {extracted.extractor}); "
                        "nothing written"]
    lines += [f"wrote {display_path(path)}" for path in added.written]
    labels = extracted.page_labels
    pages = f" on {len(labels)} pages ({labels[0]}–{labels[-1]})" if labels else ""
    lines.append(f"{added.source_id}: {added.state}, {plural(len(extracted.paragraphs), 'paragraph')}{pages}, "
                 f"extracted by {extracted.extractor}")
    if added.missing:
        lines.append(f"{added.source_id}: not found in the document: {', '.join(added.missing)}; "
                     "complete its entry in seeds/sources.yaml")
    if added.state == "updated":
        reports = stale_briefs(workspace, {added.source_id})
        lines += [line for report in reports for line in report.lines()] or ["no brief cites it"]
    return lines


def refresh_lines(workspace: Workspace, results: list[Refreshed]) -> list[tuple[str, bool]]:
    """What `refresh` prints, each line with whether it goes to stderr."""
    lines, changed = [], set()
    for result in results:
        if result.skipped:
            lines.append((f"{result.source_id}: skipped: {result.skipped}", False))
        elif result.error:
            lines.append((f"{result.source_id}: error: {result.error}", True))
        elif result.added.state == "unchanged":
            lines.append((f"{result.source_id}: unchanged", False))
        else:
            added = result.added
            kept = f"; previous original kept as {display_path(added.history)}" if added.history else ""
            lines.append((f"{result.source_id}: updated ({len(added.extracted.paragraphs)} paragraphs){kept}", False))
            changed.add(result.source_id)
    reports = stale_briefs(workspace, changed) if changed else []
    lines += [(line, False) for report in reports for line in report.lines()]
    if not results:
        lines.append(("no source has a URL to refresh", False))
    return lines
