"""Editing seeds/sources.yaml as text: new entries appended, fields of one entry replaced in place.

The catalog is the editor's file, with their comments and layout: it is never
re-dumped. A new entry is appended at the end of the references list in the
file's own indentation; an update replaces only the values of the fields it
changes (or adds a line for a field the entry lacks). Values are written as
JSON, which YAML reads as it is (double-quoted strings, flow lists and mappings).

Whoever reads the catalog to change it holds `catalog_lock` from the read to the
write (which is atomic: a temporary file renamed), so two `add`s run at once take
turns and neither loses the other's entry.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import yamlnodes
from ..errors import BriefwrightError

PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")   # read back by YAML as this very string
YAML_WORDS = {"yes", "no", "y", "n", "true", "false", "on", "off", "null", "nan", "inf"}
HEADER = ("# The catalog: CSL-YAML, one entry per corpus document.\n"
          "# `file:` (ours) names the corpus text, relative to seeds/.\n"
          "references:\n")


_held = threading.local()   # how deeply this thread holds the catalog lock (catalog import calls add)


@contextmanager
def catalog_lock(seeds: Path):
    """Hold an exclusive lock on the corpus folder `seeds` while the catalog is read, changed and written.

    The folder is locked, not the catalog: the catalog is replaced by a rename, and a
    lock on the old file would not stop a process that opens the new one. Locking
    the folder (read-only) writes nothing. Re-entrant within a thread.
    """
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    try:
        folder = os.open(seeds, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise BriefwrightError(f"{seeds}: cannot lock the corpus folder ({error.strerror})") from None
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        _held.depth = 1
        yield
    finally:
        _held.depth = 0
        os.close(folder)  # closing releases the lock


def yaml_value(value) -> str:
    """A value as a one-line YAML flow value (CSL keys such as date-parts stay unquoted)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {yaml_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(item) for item in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    value = str(value)
    if PLAIN.fullmatch(value) and value.lower() not in YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def _references(text: str, path: Path) -> SequenceNode | None:
    # libyaml's parser: the same nodes and marks, several times faster; the catalog being edited
    # has been read (and any error in it reported in plain words) before it is edited
    root = yamlnodes.compose(text, path, fast=True) if text.strip() else None
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if key.value == "references" and isinstance(value, SequenceNode):
                return value
            if key.value == "references" and isinstance(value, ScalarNode) and value.value in ("", "~", "null"):
                return None   # `references:` with nothing under it yet
        raise BriefwrightError(f"{path}: the catalog has no 'references:' list to add to")
    if root is not None and not isinstance(root, SequenceNode):
        raise BriefwrightError(f"{path}: the catalog must be a list of entries or have a 'references:' list")
    return root


def append_entries(text: str, path: Path, entries: list[dict]) -> str:
    """`text` with `entries` appended to its references, in the file's own indentation."""
    if not text.strip():
        text = HEADER
    sequence = _references(text, path)
    if sequence is not None and sequence.value:
        indent = sequence.value[0].start_mark.column - 2
    else:
        indent = 2 if text.rstrip().endswith("references:") else 0
    if sequence is not None and sequence.flow_style:
        raise BriefwrightError(f"{path}: the references are written as a [flow] list; write them "
                               "as a block list (one '- id:' per entry) so entries can be added")
    blocks = [_entry_block(entry, indent) for entry in entries]
    separator = "\n" if sequence is not None and sequence.value else ""
    return text.rstrip("\n") + "\n" + separator + "\n".join(blocks)


def _entry_block(entry: dict, indent: int) -> str:
    pad = " " * indent
    lines = []
    for number, (key, value) in enumerate(entry.items()):
        lead = f"{pad}- " if number == 0 else f"{pad}  "
        lines.append(f"{lead}{key}: {yaml_value(value)}\n")
    return "".join(lines)


def entry_node(text: str, path: Path, entry_id: str) -> MappingNode | None:
    sequence = _references(text, path)
    for node in sequence.value if sequence is not None else []:
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if key.value == "id" and isinstance(value, ScalarNode) and value.value == entry_id:
                    return node
    return None


def update_entry(text: str, path: Path, entry_id: str, fields: dict) -> str:
    """`text` with the given fields of entry `entry_id` set, every other character kept."""
    node = entry_node(text, path, entry_id)
    if node is None:
        raise BriefwrightError(f"{path}: no entry {entry_id!r} to update")
    edits: list[tuple[int, int, str]] = []
    present = {key.value: value for key, value in node.value}
    missing = []
    for key, value in fields.items():
        if key in present:
            old: Node = present[key]
            edits.append((old.start_mark.index, old.end_mark.index, yaml_value(value)))
        else:
            missing.append(f"{key}: {yaml_value(value)}")
    if missing:
        last = node.value[-1][1]
        line_end = text.find("\n", last.end_mark.index)
        line_end = len(text) if line_end < 0 else line_end
        pad = " " * node.start_mark.column
        edits.append((line_end, line_end, "".join(f"\n{pad}{line}" for line in missing)))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text
