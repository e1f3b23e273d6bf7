"""Print measures read from a finished PDF (poppler's `pdftotext -bbox-layout`), not from briefwright.

- characters per line, per kind of text: body (the commonest size), headings (larger),
  notes, and the other small text (the Sources list, tables, captions, back matter); only
  full lines count (a paragraph's or a note's last, short line does not). A note is told
  by what a reader sees: its first line starts with its number and a period ("7."),
  numbered on from the note before, and its next lines follow close below, indented
  under the note's text, in the note's size;
- words broken by automatic hyphenation (WeasyPrint's hyphen is U+2010, a typed hyphen
  is U+002D): proper nouns (capitalised) broken, and paragraphs ending in a fragment.
"""

from __future__ import annotations

import re
import statistics
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

AUTO_HYPHEN = "\u2010"
FULL_LINE = 0.9        # a line at least this share of its block's widest line is a full line
POINTS_PER_HEIGHT = 1 / 1.14  # pdftotext's word height is about 1.14 times the font size


@dataclass(frozen=True)
class Line:
    page: int
    block: int
    text: str
    size: float        # font size in pt, from the words' height
    left: float
    right: float
    top: float


def pdf_lines(pdf: Path) -> list[Line]:
    """Every line of text of `pdf`, in reading order, with its size and position."""
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    root = ElementTree.fromstring(re.sub(r' xmlns="[^"]+"', "", xhtml, count=1))
    lines, block_number = [], 0
    for page_number, page in enumerate(root.iter("page"), start=1):
        for block in page.iter("block"):
            block_number += 1
            for line in block.iter("line"):
                words = list(line.iter("word"))
                heights = Counter()
                for word in words:
                    heights[round(float(word.get("yMax")) - float(word.get("yMin")), 1)] += len(word.text or "")
                lines.append(Line(page_number, block_number, " ".join(w.text or "" for w in words),
                                  round(heights.most_common(1)[0][0] * POINTS_PER_HEIGHT, 1),
                                  float(line.get("xMin")), float(line.get("xMax")), float(line.get("yMin"))))
    return lines


def body_size(lines: list[Line]) -> float:
    """The commonest font size of the document's lines (by characters): the body text's."""
    sizes = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0]


def kind_of(line: Line, body: float) -> str:
    if line.size > body * 1.1:
        return "headings"
    if line.size < body * 0.86:
        return "small"
    return "body"


NOTE_NUMBER = re.compile(r"(\d+)\.$")
NOTE_LEADING = 1.6     # a note's next line starts at most this many times its size below the line before
NOTE_INDENT = 4        # ... and at most this many times its size right of the note's first line (same column)


def notes(lines: list[Line]) -> list[list[Line]]:
    """Every note, as its lines, numbered 1, 2, … (see the module's docstring; notes in two columns too)."""
    body = body_size(lines)
    small = sorted((line for line in lines if line.size < body * 0.86), key=lambda line: (line.page, line.top))
    starts: dict[int, Line] = {}
    for line in small:
        number = NOTE_NUMBER.match(line.text.split()[0]) if line.text.split() else None
        if number:
            starts.setdefault(int(number[1]), line)
    found = []
    while len(found) + 1 in starts:
        found.append([starts[len(found) + 1]])
    first_lines = {id(note[0]) for note in found}
    for line in small:
        note = next((note for note in found if id(line) not in first_lines and _continues(note, line)), None)
        if note is not None:
            note.append(line)
    return found


def _continues(note: list[Line], line: Line) -> bool:
    """True if `line` is the next line of `note`: on its page, in its size and column, close below its last line."""
    first, last = note[0], note[-1]
    return (line.page == last.page and abs(line.size - first.size) <= 0.6
            and first.left <= line.left <= first.left + NOTE_INDENT * line.size
            and 0 < line.top - last.top <= NOTE_LEADING * line.size)


def full_lines(lines: list[Line]) -> list[Line]:
    """Lines that run the full measure: at least FULL_LINE of their block's widest line, not its last line."""
    by_block: dict[int, list[Line]] = {}
    for line in lines:
        by_block.setdefault(line.block, []).append(line)
    full = []
    for block in by_block.values():
        widest = max(line.right - line.left for line in block)
        full += [line for line in block[:-1] if line.right - line.left >= FULL_LINE * widest]
    return full


def characters_per_line(pdf: Path) -> dict[str, float]:
    """The median number of characters of a full line, per kind of text (body, headings, notes, small)."""
    lines = pdf_lines(pdf)
    body = body_size(lines)
    in_notes = notes(lines)
    note_lines = {id(line) for note in in_notes for line in note}
    by_kind: dict[str, list[int]] = {"notes": [len(line.text) for note in in_notes for line in note[:-1]]}
    for line in full_lines([line for line in lines if id(line) not in note_lines]):
        by_kind.setdefault(kind_of(line, body), []).append(len(line.text))
    return {kind: statistics.median(counts) for kind, counts in sorted(by_kind.items()) if counts}


def hyphenated_proper_nouns(pdf: Path) -> list[str]:
    """Capitalised words broken by automatic hyphenation (their first part, with the hyphen)."""
    return [word for line in pdf_lines(pdf) for word in line.text.split()[-1:]
            if word.endswith(AUTO_HYPHEN) and re.match(r"\W*[A-Z]", word)]


def final_fragments(pdf: Path) -> list[str]:
    """Paragraph ends made of a single fragment: a short one-word line after a line ending in a hyphenation."""
    by_block: dict[int, list[Line]] = {}
    for line in pdf_lines(pdf):
        by_block.setdefault(line.block, []).append(line)
    fragments = []
    for block in by_block.values():
        widest = max(line.right - line.left for line in block)
        fragments += [line.text for before, line in zip(block, block[1:])
                      if before.text.endswith(AUTO_HYPHEN) and len(line.text.split()) == 1
                      and line.right - line.left < widest / 2]
    return fragments


def widest_word_gaps(pdf: Path) -> list[tuple[int, float, str]]:
    """(page, widest gap between two words of the line in ems of its size, text) for every line of `pdf`."""
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    root = ElementTree.fromstring(re.sub(r' xmlns="[^"]+"', "", xhtml, count=1))
    found = []
    for page_number, page in enumerate(root.iter("page"), start=1):
        for line in page.iter("line"):
            words = list(line.iter("word"))
            if len(words) < 2:
                continue
            size = statistics.median(float(w.get("yMax")) - float(w.get("yMin")) for w in words) * POINTS_PER_HEIGHT
            gaps = [float(b.get("xMin")) - float(a.get("xMax")) for a, b in zip(words, words[1:])]
            found.append((page_number, max(gaps) / size, " ".join(w.text or "" for w in words)))
    return found


SHORT_LINE = 0.4   # a line inside a paragraph narrower than this share of the paragraph's widest is broken short


def lines_broken_short(pdf: Path) -> list[tuple[int, str]]:
    """(page, text) of each line of body text that ends far short of the measure inside its paragraph."""
    lines = pdf_lines(pdf)
    body = body_size(lines)
    by_block: dict[int, list[Line]] = {}
    for line in lines:
        by_block.setdefault(line.block, []).append(line)
    measure = statistics.median(line.right - line.left for line in full_lines(lines) if kind_of(line, body) == "body")
    short = []
    for block in by_block.values():
        if max(line.right - line.left for line in block) < 0.75 * measure:
            continue   # not a paragraph of the text column (a title, a caption)
        if any(after.top - before.top < 0.8 * after.size for before, after in zip(block, block[1:])):
            continue   # lines set over one another: the page furniture (hidden, clipped), not a paragraph
        short += [(line.page, line.text) for line in block[:-1]
                  if kind_of(line, body) == "body" and line.right - line.left < SHORT_LINE * measure]
    return short
