"""Print measures read from a finished PDF (poppler's `pdftotext -bbox-layout`), not from briefwright.

- characters per line, per kind of text: body (the commonest size), notes (smaller),
  headings (larger); only full lines count (a paragraph's last, short line does not);
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
        return "notes"
    return "body"


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
    """The median number of characters of a full line, per kind of text (body, notes, headings)."""
    lines = pdf_lines(pdf)
    body = body_size(lines)
    by_kind: dict[str, list[int]] = {}
    for line in full_lines(lines):
        by_kind.setdefault(kind_of(line, body), []).append(len(line.text))
    return {kind: statistics.median(counts) for kind, counts in sorted(by_kind.items())}


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
