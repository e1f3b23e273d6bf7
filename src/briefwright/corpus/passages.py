"""Where a passage stands in a source: located passages and their locators (paragraphs or pages).

A `Passage` is a run of paragraphs of one source with the source characters to
print. Its locator is `para. 7` / `paras. 7–8`, or in a paged source (one with
`\\f41` page lines) `p. 41` / `pp. 41–42`, by the pages' printed labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .sources import Source


def paragraph_label(first: int, last: int) -> str:
    """Return the locator text for a paragraph range: `para. 7` or `paras. 7–8`."""
    return f"para. {first}" if first == last else f"paras. {first}–{last}"


def page_label(source: Source, first: int, last: int) -> str | None:
    """In a paged source, the pages of paragraphs first–last: `p. 41` or `pp. 41–42`; else None."""
    if not source.paged or not 1 <= first <= last <= len(source.paragraphs):
        return None
    start, end = source.paragraph(first).page, source.paragraph(last).page
    return f"p. {start}" if start == end else f"pp. {start}–{end}"


def source_locator(source: Source, first: int, last: int) -> str:
    """The locator to print for paragraphs first–last: pages in a paged source, else paragraphs."""
    return page_label(source, first, last) or paragraph_label(first, last)


def pages_paragraphs(source: Source, first_page: str, last_page: str) -> tuple[int, int] | None:
    """The paragraphs on the pages labelled first_page to last_page, or None if a page does not exist."""
    labels = source.page_labels
    if first_page not in labels or last_page not in labels or labels.index(first_page) > labels.index(last_page):
        return None
    wanted = set(labels[labels.index(first_page):labels.index(last_page) + 1])
    numbers = [p.number for p in source.paragraphs if p.page in wanted]
    return (numbers[0], numbers[-1]) if numbers else None


def parse_paragraph_range(text: str) -> tuple[int, int] | None:
    """Read `7`, `7-8` or `7–8` as (first, last); None unless 1 <= first <= last."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:[-–—]\s*(\d+))?\s*", text)
    if not match:
        return None
    first, last = int(match[1]), int(match[2] or match[1])
    return (first, last) if 1 <= first <= last else None


def reversed_range(text: str) -> tuple[int, int] | None:
    """`7-6` (a range written backwards) as (6, 7), the way round it should be; else None."""
    match = re.fullmatch(r"\s*(\d+)\s*[-–—]\s*(\d+)\s*", text)
    first, last = (int(match[1]), int(match[2])) if match else (0, 0)
    return (last, first) if 1 <= last < first else None


@dataclass(frozen=True)
class Passage:
    """A located passage: its paragraphs and the source characters to print."""

    source_id: str
    first: int
    last: int
    printed: tuple[str, ...]  # one string per paragraph the passage covers
    span: tuple[int, int] | None = field(default=None, compare=False)  # in the SourceIndex's view

    @property
    def locator(self) -> str:
        return paragraph_label(self.first, self.last)

    @property
    def text(self) -> str:
        return " ".join(self.printed)
