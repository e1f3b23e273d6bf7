"""`briefwright catalog import FILE`: a Zotero or Better BibTeX export merged into seeds/sources.yaml.

BibTeX and BibLaTeX (.bib) and CSL-JSON (.json) are read by pandoc's own readers
into CSL-JSON. Each entry whose id is new is appended to the catalog as text (the
file's comments and entries stay as they are); an entry whose id is already there
is kept as the catalog has it, and each field that differs is reported as a
conflict. A .bib entry's attached file (Zotero's `file` field) that lies inside
the workspace is added with `briefwright add` under the entry's id, the entry's
fields then replacing what extraction found; an entry without one gets `file:
<id>.txt`, which `briefwright sources` reports as missing until it is added.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BriefwrightError, display_path
from ..workspace import UnsafePath, Workspace, read_inside, write_atomically
from . import catalog_edit
from .adding import add_source, catalog_entries, catalog_text
from .sources import ID_PATTERN

MAX_BIBLIOGRAPHY_BYTES = 100_000_000   # a library of 50,000 entries with abstracts
CHUNK_ENTRIES = 1000
ENTRY_START = re.compile(r"^[ \t]*@", re.M)
SHARED_ENTRY = re.compile(r"\s*@(string|preamble)\s*[{(]", re.I)
READERS = {".bib": "bibtex", ".bibtex": "bibtex", ".json": "csljson"}
BIBLATEX_ONLY = re.compile(r"^\s*(journaltitle|date|urldate|location)\s*=", re.I | re.M)
ENTRY = re.compile(r"@\w+\s*[{(]\s*([^,\s]+)\s*,")
FILE_FIELD = re.compile(r"\bfile\s*=\s*[{\"]((?:[^{}\"]|\{[^{}]*\})*)[}\"]", re.I)


@dataclass
class Imported:
    added: list[str] = field(default_factory=list)           # new entries
    same: list[str] = field(default_factory=list)            # already there, identical
    conflicts: list[str] = field(default_factory=list)       # messages: id and differing fields
    files: list[str] = field(default_factory=list)           # messages about attached files
    refused: list[str] = field(default_factory=list)         # entries that cannot be imported


def import_catalog(workspace: Workspace, path: Path) -> Imported:
    """Merge the bibliography at `path` into the workspace's catalog."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise BriefwrightError(f"{path}: unsupported type; import a .bib (BibTeX, BibLaTeX) or a CSL-JSON .json")
    try:
        data = read_inside(path, path.absolute().parent, MAX_BIBLIOGRAPHY_BYTES)
    except UnsafePath as error:
        raise BriefwrightError(f"{path}: {error.reason}") from None
    if reader == "bibtex" and BIBLATEX_ONLY.search(data.decode("utf-8", "replace")):
        reader = "biblatex"
    entries = _read_with_pandoc(data, reader, path)
    attached = _attached_files(data.decode("utf-8", "replace"), path) if reader != "csljson" else {}
    if not workspace.seeds.is_dir():
        raise BriefwrightError(f"no seeds/ folder in {display_path(workspace.root)}: run briefwright in a "
                               "workspace, or pass -C DIR")
    with catalog_edit.catalog_lock(workspace.seeds):  # from reading the catalog to writing it
        return _merge(workspace, entries, attached)


def _merge(workspace: Workspace, entries: list[dict], attached: dict[str, Path]) -> Imported:
    existing = {entry["id"]: entry for entry in catalog_entries(workspace)}
    result = Imported()
    new_entries = []
    for entry in entries:
        entry_id = entry.get("id")
        if not isinstance(entry_id, str) or not ID_PATTERN.fullmatch(entry_id):
            result.refused.append(f"an entry with id {entry_id!r}: an id is letters, digits and - _ : .")
        elif entry_id in existing:
            _compare(existing[entry_id], entry, result)
        else:
            new_entries.append(entry)
    _write(workspace, new_entries, attached, result)
    return result


def _read_with_pandoc(data: bytes, reader: str, path: Path) -> list[dict]:
    """Every entry, read by pandoc a thousand at a time (its memory grows with the file: a whole
    library read at once would take gigabytes)."""
    entries, chunks = [], _chunks(data, reader)
    for chunk in chunks:
        entries += _pandoc_entries(chunk, reader, path, whole=len(chunks) == 1)
    if not entries:
        raise BriefwrightError(f"{path}: no entries found in it")
    return entries


def _chunks(data: bytes, reader: str) -> list[bytes]:
    """The bibliography in pieces of `size` entries that pandoc reads alike: BibTeX's @string
    abbreviations and @preamble go with every piece; a CSL-JSON list is cut into shorter lists."""
    size = CHUNK_ENTRIES
    if reader == "csljson":
        try:
            items = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return [data]                      # pandoc says what is wrong with it
        if not isinstance(items, list) or len(items) <= size:
            return [data]
        return [json.dumps(items[i:i + size], ensure_ascii=False).encode("utf-8") for i in range(0, len(items), size)]
    text = data.decode("utf-8", "replace")
    starts = [m.start() for m in ENTRY_START.finditer(text)]
    if len(starts) <= size:
        return [data]
    pieces = [text[a:b] for a, b in zip([0, *starts], [*starts, len(text)])]
    shared = "".join(p for p in pieces if SHARED_ENTRY.match(p) or not p.lstrip().startswith("@"))
    records = [p for p in pieces if p.lstrip().startswith("@") and not SHARED_ENTRY.match(p)]
    return [(shared + "".join(records[i:i + size])).encode("utf-8") for i in range(0, len(records), size)]


def _pandoc_entries(data: bytes, reader: str, path: Path, whole: bool = True) -> list[dict]:
    import pypandoc

    command = [pypandoc.get_pandoc_path(), "--sandbox", "-f", reader, "-t", "csljson"]
    answer = subprocess.run(command, input=data, capture_output=True, timeout=120)
    if answer.returncode != 0:
        last_line = data.count(b"\n") + 1 if whole else None
        raise BriefwrightError(_unreadable(answer.stderr.decode("utf-8", "replace"), reader, path, last_line))
    return json.loads(answer.stdout.decode("utf-8") or "[]")


def _unreadable(stderr: str, reader: str, path: Path, last_line: int | None) -> str:
    """pandoc's complaint as `FILE:LINE:COL: …` and its reason ("unexpected end of input"), not its first line alone.

    pandoc says `Error at (line 3, column 1):` and the reason on the next line; the
    line is the file's own only when pandoc read the whole file (`last_line`, its
    last line, is then given: the end of input is placed there, not past it).
    """
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()] or ["unreadable"]
    at = re.search(r"\(line (\d+), column (\d+)\):?$", lines[0])
    if at is None:
        return f"{path}: pandoc cannot read it as {reader}: {lines[0]}"
    reason = lines[1] if len(lines) > 1 else "unreadable"
    place = str(path) if last_line is None else \
        f"{path}:{min(int(at[1]), last_line)}:{at[2] if int(at[1]) <= last_line else 1}"
    return f"{place}: pandoc cannot read it as {reader}: {reason}"


def _attached_files(text: str, path: Path) -> dict[str, Path]:
    """Each .bib entry's first attached file (Zotero's `Description:path:type;…`), by entry key."""
    files = {}
    starts = [(match.start(), match[1]) for match in ENTRY.finditer(text)]
    for (start, key), (end, _) in zip(starts, starts[1:] + [(len(text), "")]):
        found = FILE_FIELD.search(text, start, end)
        if found:
            first = found[1].split(";")[0]
            parts = first.split(":")
            name = ":".join(parts[1:-1]) if len(parts) >= 3 else first
            candidate = Path(name.replace("\\:", ":").strip())
            files[key] = candidate if candidate.is_absolute() else path.absolute().parent / candidate
    return files


def _compare(ours: dict, theirs: dict, result: Imported) -> None:
    differing = [key for key, value in theirs.items() if key != "id" and key in ours and ours[key] != value]
    if differing:
        shown = "; ".join(f"{key}: catalog {ours[key]!r}, import {theirs[key]!r}" for key in differing)
        result.conflicts.append(f"{ours['id']}: already in the catalog; kept the catalog's values ({shown})")
    else:
        result.same.append(ours["id"])


def _write(workspace: Workspace, entries: list[dict], attached: dict[str, Path], result: Imported) -> None:
    plain = []
    for entry in entries:
        document = attached.get(entry["id"])
        inside = document is not None and document.is_file() and document.resolve().is_relative_to(workspace.root)
        if not (inside and _add_attached(workspace, entry, document, result)):
            if document is not None and not inside:
                where = "outside the workspace" if document.exists() else "not found"
                result.files.append(f"{entry['id']}: its file {document} is {where}; "
                                    f"add it with: briefwright add FILE --id {entry['id']}")
            plain.append({"id": entry["id"], "file": f"{entry['id']}.txt", "type": entry.get("type", "document")}
                         | {k: v for k, v in entry.items() if k not in ("id", "type")})
    if plain:
        text = catalog_edit.append_entries(catalog_text(workspace), workspace.catalog, plain)
        write_atomically(workspace.catalog, text.encode("utf-8"))
        result.added += [entry["id"] for entry in plain]


def _add_attached(workspace: Workspace, entry: dict, document: Path, result: Imported) -> bool:
    """Add the entry's file under its id, then lay the entry's fields over the extracted ones."""
    try:
        add_source(workspace, str(document), entry["id"])
    except BriefwrightError as error:
        result.files.append(f"{entry['id']}: its file {display_path(document)} cannot be added: "
                            f"{error.format_message()}")
        return False
    fields = {k: v for k, v in entry.items() if k not in ("id", "file")}
    text = catalog_edit.update_entry(catalog_text(workspace), workspace.catalog, entry["id"], fields)
    write_atomically(workspace.catalog, text.encode("utf-8"))
    result.added.append(entry["id"])
    result.files.append(f"{entry['id']}: added its file {display_path(document)}")
    return True
