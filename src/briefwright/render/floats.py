"""Floating figures: a figure that went whole to the next page lets the text after it fill the hole.

A figure (or a table kept whole) too tall for the space left at the foot of a page
goes to the next page, and leaves a hole above the notes: the economy example's
chart left eleven lines. A typesetter floats it: the text that follows it runs on
to fill the page, and the figure stands on the next page, after that text. In the
PDF's reading order (and its tags) the figure then comes after the paragraph that
carried the text past it, as it does in LaTeX.

`figure_float` finds such a hole after a layout (a page's hole of more than
`MAX_HOLE_LINES` lines, the next page opening with a figure, and enough text after
the figure on that page to fill it) and says which blocks the figure should follow:
the fewest that fill the hole, never ending on a heading, never passing another
figure or table, and all in the same kind of section as the figure (the figure of
section 2 may move past the heading of section 3, never into the recommendations).
`Float.make` moves the figure's element in the parsed HTML and numbers the notes
again in their new reading order: a note's text can change with its place (a
style's short form or "Ibid." after the first citation), so the texts come from the
citation processor again (`notes_in_order`, given the old numbers in their new
order). `Float.take_back` restores the element and the notes exactly, so the layout
before the float stays true of the document when a float does not help (the `pdf`
stage takes back a float that leaves the hole, adds a page or moves a note off its
call's page). A figure a colon introduces ("… in 2014–2015:") completes its sentence
and stays; the hole's message says so.

The web and Word editions have no pages, but carry the PDF's notes: `outline_as_printed`
gives them a copy of the outline with each floated figure where the PDF prints it
(moved past as many blocks of the sections' bodies as in the HTML) and the notes
numbered in that order, checked against the PDF's order.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import tinyhtml5
from weasyprint.formatting_structure.boxes import BlockBox, FootnoteAreaBox

from ..outline.blocks import Chart, Figure, Table
from ..outline.prose import CiteGroup
from ..outline.reader import Outline, Prose
from .hyphenation import text_runs
from .page_fill import stacked_blocks
from .typography import (HEADINGS, INTRODUCED, MAX_HOLE_LINES, figure_label, figure_starting, flow_boxes, holes,
                         is_floating, note_of)

NotesInOrder = Callable[[list[int]], list[str]]   # the notes' outline numbers in a new order: each note's new text
BODIES = {"section", "main", "article", "body"}   # what holds the blocks a figure may stand between
OUTLINE_NUMBER = "data-outline-note"   # a renumbered note (or call) keeps its number in the outline's order


@dataclass
class Float:
    """A figure moved after the blocks that will fill the hole it left on page `page`."""

    figure: Element
    after: Element
    page: int                         # the page with the hole (from 1); the figure should stand on the next
    hole_lines: float
    pages: int                        # pages before the float: a float that adds one is taken back
    passed: int = 0                   # the blocks of the sections' bodies it moved past (for the other editions)
    order: list[int] = field(default_factory=list)  # the notes' outline numbers in the PDF's order after it
    _home: tuple[Element | None, int] = (None, 0)   # (parent, index) the figure came from
    _saved: list = field(default_factory=list)  # (element, attributes, text, children) of each renumbered element

    def make(self, root: Element, notes_in_order: NotesInOrder) -> None:
        """Move the figure after `after`, and number the notes in their new reading order."""
        parents = _parents(root)
        self.passed = _blocks_between(self.figure, self.after, parents)
        home = parents[self.figure]
        self._home = (home, list(home).index(self.figure))
        home.remove(self.figure)
        target = parents[self.after]
        target.insert(list(target).index(self.after) + 1, self.figure)
        self.order, self._saved = _renumber(root, notes_in_order)

    def take_back(self, root: Element) -> None:
        """Put the figure and the notes back exactly as they were."""
        parents = _parents(root)
        parents[self.figure].remove(self.figure)
        home, index = self._home
        home.insert(index, self.figure)
        for element, attributes, text, children in self._saved:
            element.attrib.clear()
            element.attrib.update(attributes)
            element.text = text
            element[:] = children

    def helped(self, pages) -> bool:
        """True if the layout after the float has no more pages, a hole a line smaller or more on the page,
        and the figure on the next page (or on the page itself)."""
        if len(pages) > self.pages or self.page >= len(pages):
            return False
        after = next((hole.lines for hole in holes(pages) if hole.page == self.page), 0.0)
        return after <= self.hole_lines - 1 and _page_of(pages, self.figure) in (self.page, self.page + 1)


def figure_float(pages, root: Element, tried: set[int]) -> Float | None:
    """The float that would fill the first hole a figure left, or None (a figure is floated once at most).

    Runs after every layout: the parsed HTML is walked only once a hole with a figure after it is found."""
    parents = None
    for hole in holes(pages):
        box = figure_starting(pages[hole.page]._page_box) if hole.lines > MAX_HOLE_LINES else None
        if box is None or id(box.element) in tried or _page_of(pages, box.element) != hole.page + 1:
            continue   # no figure, one tried already, or a long table's rows continued from the page
        if parents is None:
            if not _renumberable(root):
                return None
            parents = _parents(root)
        figure = box.element
        tried.add(id(figure))
        if _introduced_by_colon(figure, parents):
            figure.set(INTRODUCED, "")
            continue
        after = _blocks_to_follow(box, parents, hole.height, pages[hole.page:hole.page + 2])
        if after is not None:
            return Float(figure, after, hole.page, hole.lines, len(pages))
    return None


def _introduced_by_colon(figure: Element, parents: dict) -> bool:
    """True if the block before the figure ends with a colon ("… in 2014–2015:"): the figure completes it.
    Another figure before it introduces nothing (its source line "Source: ¹" ends in a colon once its
    note call is left out)."""
    siblings = list(parents[figure])
    index = siblings.index(figure)
    before = siblings[index - 1] if index else None
    return before is not None and not is_floating(before) and "".join(text_runs(before)).rstrip().endswith(":")


def _blocks_to_follow(figure: BlockBox, parents: dict, hole: float, pages: list) -> Element | None:
    """The element of the last block the figure should follow: the fewest blocks after it that fill `hole`,
    if the figure still fits on its page after the part of them that runs on (or None).

    `pages` are the page of the figure and the next: a block split between them counts whole."""
    inside, section = set(figure.element.iter()), _section_of(figure.element, parents)
    notes = {n: height for page in pages for n, height in _note_heights(page._page_box).items()}
    figure_height = figure.margin_height() + sum(notes.get(n, 0.0) for n in _calls(figure))
    needed, blocks = 0.0, {}
    for page in pages:
        for atom in (a for flow in flow_boxes(page._page_box) for a in stacked_blocks(flow)):
            if atom.element is not None and atom.element not in inside:
                blocks.setdefault(atom.element, []).append(atom)
    for element, parts in blocks.items():
        if _in_figure(element, parents) or _section_of(element, parents) != section:
            return None            # another figure or table, or another kind of section: the figure stays
        needed += sum(part.margin_height() + sum(notes.get(n, 0.0) for n in _calls(part)) for part in parts)
        if needed >= hole and element.tag not in HEADINGS:
            runs_on = needed - hole   # what no longer fits on the page with the hole: it comes before the figure
            return _body_block(element, parents) if runs_on + figure_height <= pages[0]._page_box.height else None
    return None


def _body_block(element: Element, parents: dict) -> Element:
    """The block of a section's body that holds `element` (a list, not its item): what the figure may follow."""
    while parents.get(element) is not None and parents[element].tag not in BODIES:
        element = parents[element]
    return element


def _in_figure(element: Element, parents: dict) -> bool:
    while element is not None:
        if is_floating(element):
            return True
        element = parents.get(element)
    return False


def _section_of(element: Element, parents: dict) -> tuple[str, str] | None:
    """The tag and class of the nearest <section> (or <aside>) around `element`: the kind of section it is in."""
    while element is not None:
        if element.tag in ("section", "aside"):
            return element.tag, element.get("class") or ""
        element = parents.get(element)
    return None


def _note_heights(page_box) -> dict[int, float]:
    """{note number: the height of its note} for the notes at the foot of the page."""
    heights = {}
    for area in page_box.children:
        if isinstance(area, FootnoteAreaBox):
            for note in area.children:
                number = next((n for box in note.descendants() if (n := note_of(box, "footnote-marker"))), None)
                if number is not None:
                    heights[number] = note.margin_height()
    return heights


def _calls(atom) -> set[int]:
    return {n for box in atom.descendants() if (n := note_of(box, "footnote-call")) is not None}


def _page_of(pages, element: Element) -> int | None:
    """The page (from 1) on which `element` begins, or None."""
    for number, page in enumerate(pages, start=1):
        if any(getattr(box, "element", None) is element for box in page._page_box.descendants()):
            return number
    return None


def _blocks_between(figure: Element, after: Element, parents: dict) -> int:
    """How many blocks of the sections' bodies (a heading is none) stand from `figure` to `after`, `after` too."""
    passed, element = 0, figure
    while element is not after:
        element = _next_block(element, parents)
        if element is None:
            return 0
        passed += element.tag not in HEADINGS
    return passed


def _next_block(element: Element, parents: dict) -> Element | None:
    """The block after `element` in reading order: its next sibling, else the first child of the next section."""
    while element is not None:
        parent = parents.get(element)
        if parent is None:
            return None
        siblings = list(parent)
        index = siblings.index(element)
        if index + 1 < len(siblings):
            following = siblings[index + 1]
            return following[0] if following.tag == "section" and len(following) else following
        element = parent
    return None


def _parents(root: Element) -> dict[Element, Element]:
    return {child: parent for parent in root.iter() for child in parent}


# -- notes numbered again in their new reading order -----------------------------------------

def _renumber(root: Element, notes_in_order: NotesInOrder) -> tuple[list[int], list]:
    """Number footnotes (or endnote calls) in document order, with their texts for that order.

    Return the notes' numbers in the outline in their new order, and what changed (to take it back).
    Each renumbered element keeps its number in the outline (`OUTLINE_NUMBER`), so a second float
    asks for the texts by the same numbers."""
    notes = [e for e in root.iter() if _has_class(e, "fn") and e.get("data-note")]
    calls = [e for e in root.iter() if _has_class(e, "fn-call") or _has_class(e, "note-call")]
    order = [_outline_number(e, e.get("data-note")) for e in notes] or \
        [_outline_number(e, e.text) for e in calls if (e.text or "").isdigit()]
    if order == sorted(order) and all(e.get(OUTLINE_NUMBER) is None for e in notes + calls):
        return order, []
    new_number = {old: new for new, old in enumerate(order, start=1)}
    texts = notes_in_order(order)
    saved = [(e, dict(e.attrib), e.text, list(e)) for e in notes + calls]
    for call in calls:
        old = _outline_number(call, call.text)
        kind = "endnote" if _has_class(call, "note-call") else "note"
        call.set(OUTLINE_NUMBER, str(old))
        call.text = str(new_number[old])
        call.set("id", f"call-{new_number[old]}")
        call.set("href", f"#{kind}-{new_number[old]}")
    for note in notes:
        old = _outline_number(note, note.get("data-note"))
        note.set(OUTLINE_NUMBER, str(old))
        note.set("id", f"note-{new_number[old]}")
        note.set("data-note", str(new_number[old]))
        _set_content(note, texts[new_number[old] - 1])
    endnotes = {e.get("id"): e for e in root.iter() if (e.get("id") or "").startswith("endnote-")}
    for new in range(1, len(order) + 1) if endnotes else ():
        if (item := endnotes.get(f"endnote-{new}")) is not None:
            saved.append((item, dict(item.attrib), item.text, list(item)))
            _set_content(item, texts[new - 1])
    return order, saved


def _outline_number(element: Element, shown: str) -> int:
    """The note's number in the outline's order: kept by an earlier float, else the one it shows."""
    return int(element.get(OUTLINE_NUMBER) or shown)


def _set_content(element: Element, html: str) -> None:
    """Replace what `element` holds (not its attributes) with the HTML fragment `html`."""
    document = tinyhtml5.parse(f"<!DOCTYPE html><html><body><span>{html}</span></body></html>",
                               namespace_html_elements=False)
    parsed = document.find("body/span")
    element.text = parsed.text
    element[:] = list(parsed)


def _has_class(element: Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _renumberable(root: Element) -> bool:
    """True if the notes can be numbered again: no footnotes, or footnotes numbered 1 to N (none skipped)."""
    notes = [int(e.get("data-note")) for e in root.iter() if _has_class(e, "fn") and e.get("data-note")]
    return not notes or sorted(notes) == list(range(1, len(notes) + 1))


# -- the other editions: the outline as the PDF prints it -------------------------------------

def outline_as_printed(outline: Outline, floats: list[Float]) -> tuple[Outline, list[CiteGroup]] | None:
    """A copy of `outline` with each floated figure where the PDF prints it, and its notes numbered in that order,
    for the web and Word editions to carry the PDF's notes; None if the copy's notes would not come in the PDF's
    order (a theme whose markup the block count does not fit)."""
    printed = deepcopy(outline)
    for move in floats:
        if not _move_block(printed, figure_label(move.figure), move.passed):
            return None
    notes = [group for block in printed.prose()
             for group in (block.citations if isinstance(block, Prose) else [block.note]) if group is not None]
    if floats[-1].order and [group.number for group in notes] != floats[-1].order:
        return None
    for number, group in enumerate(notes, start=1):
        group.number = number
    return printed, notes


def _move_block(outline: Outline, label: str, passed: int) -> bool:
    """Move the figure or table `label` ("figure 1") past `passed` blocks of the sections' bodies;
    False if it cannot."""
    kind, _, number = label.partition(" ")
    kinds = (Figure, Chart) if kind == "figure" else (Table,)
    places = [(s, b) for s, section in enumerate(outline.sections) for b, block in enumerate(section.body)
              if isinstance(block, kinds) and str(block.number) == number]
    if len(places) != 1 or passed < 1:
        return False
    section, index = places[0]
    block = outline.sections[section].body.pop(index)
    following = [(s, b) for s in range(section, len(outline.sections))
                 for b in range(index if s == section else 0, len(outline.sections[s].body))]
    if passed > len(following):
        return False
    target, after = following[passed - 1]
    outline.sections[target].body.insert(after + 1, block)
    return True
