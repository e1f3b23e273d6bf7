"""Catalog entries in the shapes pandoc's CSL-JSON reader takes, read as its CSL-YAML reader reads them.

The catalog is CSL-YAML, and pandoc, given it as a bibliography, is lenient: `issued: 2020`
is the year 2020, `author: Smith` or `editor: {family: Doe}` is one name, `given: 5` is the
text "5", and a date written as a list is no date. briefwright hands pandoc the cited
entries as JSON, whose reader refuses each of these and fails the whole build ("parsing
Date failed, expected Object"). `as_pandoc_reads_yaml` gives each such value the shape
pandoc's YAML reading gives it; every other value passes unchanged, so a well-formed
entry is sent exactly as it is.
"""

from __future__ import annotations

DATE_FIELDS = frozenset({"accessed", "available-date", "event-date", "issued", "original-date", "submitted"})
NAME_FIELDS = frozenset({
    "author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor",
    "curator", "director", "editor", "editorial-director", "executive-producer", "guest", "host",
    "illustrator", "interviewer", "narrator", "organizer", "original-author", "performer", "producer",
    "recipient", "reviewed-author", "script-writer", "series-creator", "translator",
})


def as_pandoc_reads_yaml(entry: dict) -> dict:
    """`entry` with its dates and names in the shapes pandoc's JSON reader takes (see the module)."""
    fixed = {}
    for key, value in entry.items():
        if key in DATE_FIELDS and isinstance(value, (int, float, list)):
            if isinstance(value, list):
                continue          # pandoc's YAML reading finds no date in a list
            value = str(value)    # a year, as `issued: 2020`
        elif key in NAME_FIELDS:
            value = [_name(name) for name in (value if isinstance(value, list) else [value])]
        fixed[key] = value
    return fixed


def _name(name):
    """One name: its parts as text (`given: 5` is "5"); a plain name as it is."""
    if isinstance(name, dict):
        return {part: str(text) if isinstance(text, (int, float)) else text for part, text in name.items()}
    return str(name) if isinstance(name, (int, float)) else name
