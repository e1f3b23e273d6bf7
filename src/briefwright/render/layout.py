"""Laying a brief out: until every note begins on the page of its call, a figure floats, typography is mended.

Every footnote must begin on the page of its call. `weasyprint_fix` repairs the
WeasyPrint defect that breaks this; after each layout `note_pages` checks every
note all the same, and where one is off its page, the paragraph (or list item)
holding its call starts a new page and the brief is laid out again, at most
`MAX_PASSES` times. A figure that went whole to the next page and left a hole floats
there while the text after it fills the page (`floats`), and is taken back if that did
not help. Then `typography` checks the pages, and mends what one more layout can.
After each layout, `page_fill` spreads a hole at a page's foot over the page's gaps,
where it can. The `pdf` stage calls `lay_out` and writes the PDF of its document.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cssselect2
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import BlockBox, FootnoteAreaBox, ParentBox

from .floats import Float, NotesInOrder, figure_float
from .page_fill import fill_holes
from .typography import REPAIR_BREAK, Fault, figure_label, find_faults, note_of

MAX_PASSES = 4  # layouts per brief: the first, and up to three after moving paragraphs
NOTE_REPAIR = "break-before: page"   # a paragraph whose note is off its page starts the next one


class WeasyPrintStopped(Exception):
    """WeasyPrint itself failed while laying out (a rule of the theme's CSS it accepts but cannot lay out)."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


@dataclass
class Layout:
    document: object                  # weasyprint.Document
    passes: int
    seconds: float
    notes: dict[int, tuple[int | None, int | None]]
    faults: list[Fault]
    floats: list[Float] = field(default_factory=list)   # each figure floated to fill a hole, in order

    @property
    def floated(self) -> list[tuple[str, int]]:
        """("figure 1", the page it floated to) for each float."""
        return [(figure_label(move.figure), move.page + 1) for move in self.floats]


def lay_out(source: HTML, render_options: dict, max_passes: int | None = None,
            notes_in_order: NotesInOrder | None = None) -> Layout:
    """Lay out `source` until every note begins on the page of its call, then mend typography.

    First, before any other repair (it moves everything after it), a figure that
    left a hole by going whole to the next page floats there while the text after
    it fills the hole (`floats`; with `notes_in_order`, which numbers the notes
    again); it is taken back if that did not help or moved a note off its call's
    page. After a layout with a misplaced note, the innermost block holding its
    call (a paragraph, list item or quotation) starts a new page, so the call moves
    to the page where its note can stand. Once every note is in place, typographic
    faults that carry a repair (see `typography`) are mended. Each round of repairs costs one
    more layout; an element is repaired once at most, and there are at most
    `MAX_PASSES` layouts.
    """
    start, repaired, tried, floated = time.perf_counter(), set(), set(), []
    passes, limit, trial = 0, max_passes or MAX_PASSES, None
    while True:
        passes += 1
        document = _render(source, render_options)
        fill_holes(document.pages)
        notes = note_pages(document)
        if trial is not None:
            move, before, notes_before = trial
            if move.helped(document.pages) and not _misplaced(notes):   # no note moved off its call's page
                floated.append(move)
            else:   # the layout before the float is true again once the figure is back
                move.take_back(source.etree_element)
                _reparsed(source)
                document, notes = before, notes_before
            trial = None
        if notes_in_order and passes < limit and \
                (move := figure_float(document.pages, source.etree_element, tried)) is not None:
            move.make(source.etree_element, notes_in_order)   # before any other repair: it moves everything after
            _reparsed(source)
            trial = (move, document, notes)
            continue
        misplaced = _misplaced(notes)
        if misplaced:  # notes first: typography is judged only on pages whose notes are in place
            faults = []
            repairs = [(element, NOTE_REPAIR) for element in _blocks_holding_calls(document, misplaced)]
        else:
            faults = find_faults(document.pages)
            repairs = [(fault.element, fault.repair) for fault in faults if fault.repair]
        repairs = [(element, css) for element, css in repairs if (id(element), css) not in repaired]
        if passes == limit or not repairs:
            break
        for element, css in repairs:
            repaired.add((id(element), css))
            element.set("style", "; ".join(filter(None, [element.get("style"), css])))
            if css == NOTE_REPAIR:
                element.set(REPAIR_BREAK, "")   # the hole this break leaves is still a fault
    faults = [fault for fault in faults if fault.message]
    return Layout(document, passes, time.perf_counter() - start, notes, faults, floated)


def _misplaced(notes: dict[int, tuple[int | None, int | None]]) -> set[int]:
    """The notes not on the page of their call."""
    return {n for n, (call, page) in notes.items() if call != page}


def _render(source: HTML, render_options: dict):
    try:
        return source.render(**render_options)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise WeasyPrintStopped(error) from error


def _reparsed(source: HTML) -> None:
    """Let WeasyPrint see a changed tree: its element wrappers remember children and siblings."""
    source.wrapper_element = cssselect2.ElementWrapper.from_html_root(source.etree_element)


def _blocks_holding_calls(document, wanted: set[int]) -> list:
    """Return the elements of the innermost block boxes holding the calls of the `wanted` notes."""
    found: dict[int, object] = {}

    def walk(box, holder):
        if isinstance(box, BlockBox) and box.element is not None and "::" not in (box.element_tag or "::"):
            holder = box.element
        if (note := note_of(box, "footnote-call")) in wanted and holder is not None:
            found.setdefault(note, holder)
        if isinstance(box, ParentBox):
            for child in box.children:
                walk(child, holder)

    for page in document.pages:
        for child in page._page_box.children:
            if not isinstance(child, FootnoteAreaBox):
                walk(child, None)
    return list({id(element): element for element in found.values()}.values())


def note_pages(document) -> dict[int, tuple[int | None, int | None]]:
    """Return {note number: (page of its call, page of the note)}, pages counted from 1.

    Calls are `::footnote-call` boxes in the page's flow; notes are the
    `::footnote-marker` boxes in its footnote area. Both belong to the
    `<span class="fn" data-note="N">` element of the note.
    """
    calls: dict[int, int] = {}
    notes: dict[int, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for child in page._page_box.children:
            in_area = isinstance(child, FootnoteAreaBox)
            found, pseudo = (notes, "footnote-marker") if in_area else (calls, "footnote-call")
            for box in child.descendants():
                if (note := note_of(box, pseudo)) is not None:
                    found.setdefault(note, number)
    return {n: (calls.get(n), notes.get(n)) for n in sorted(calls.keys() | notes.keys())}
