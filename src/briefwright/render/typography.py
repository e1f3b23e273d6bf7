"""Typography checked on every build: what a publications editor would mark on the proofs.

`find_faults` reads WeasyPrint's laid-out pages (the `pdf` stage passes them
in; this module only looks at boxes) and returns each fault found. A fault the
layout can mend carries a `repair`, a CSS declaration for its element, which
the `pdf` stage applies before laying the brief out again:

- a widow or orphan: a paragraph split across pages with one line on either side;
- a heading at the foot of a page, its text on the next (repaired: the heading
  starts the next page);
- a block quotation, or a box the theme keeps together (`break-inside: avoid`,
  e.g. the key points), split across pages although it fits on one (a quotation
  the theme lets split, `break-inside: auto`, may do so with two lines or more on
  either side; repaired
  with `break-inside: avoid` where the theme did not ask for it; a kept box too
  tall for a page is let go, `break-inside: auto`, rather than leave a page empty);
- more than two hyphenated lines in a row, a proper noun (a capitalised word)
  hyphenated, or a paragraph ending in the fragment of a hyphenated word (each
  repaired: `hyphens: manual` for that paragraph);
- an overfull line: text running past the margin (a long URL in a note, say);
- a loose line: a justified line whose word spaces are stretched to more than
  `MAX_SPACE_STRETCH` times their natural width (`word_spacing` measures them);
- a runt last page: one that holds no more than `RUNT_LINES` lines of text
  (unless a forced break starts it: a back page);
- the theme's fonts (`font_check.font_faults`, once the PDF is written): a character no
  face of the font holds (named with its page and where it stands), text that
  needs a bold or italic face the theme does not declare, and a system font
  used by an SVG image's own text (the logo);
- a hole: more than `MAX_HOLE_LINES` lines of empty space at the foot of a page,
  above its notes, where the next page does not start with a deliberate break
  (`holes` measures it on every page; a break the layout made to bring a note to
  its call is not deliberate, so the hole it leaves is reported too); where a block quotation kept whole went to
  the next page, it is repaired by letting the quotation split (`break-inside:
  auto`; the paragraphs' orphans and widows keep two lines on either side). The
  built-in themes let quotations split from the start, which spares that layout.
  Where a figure (or a table kept whole) went to the next page, the `pdf` stage
  floats it (`floats`); a figure that stays (a colon introduces it, or floating did
  not help) is named in the hole's message.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from weasyprint.formatting_structure.boxes import (
    BlockBox, FootnoteAreaBox, LineBox, MarginBox, ParentBox, TextBox)

from ..errors import plural
from .word_spacing import WordSpaces

TOLERANCE = 0.5       # CSS px a line may pass the margin before it counts as overfull
MAX_HYPHENATED_RUN = 2
MAX_SPACE_STRETCH = 4.5   # a justified word space may grow to 4.5 times its width (greedy justification goes to 4.3)
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
RUNT_LINES = 3
MAX_HOLE_LINES = 2
HOLE_REPAIR = "break-inside: auto"
FORCED_BREAKS = {"page", "left", "right", "recto", "verso"}
FLOATING, FLOATING_CLASSES = {"figure"}, {"table-block"}   # blocks that may float (see `floats`)
INTRODUCED = "data-introduced"       # set by `floats` on a figure a colon introduces: it stays where it is
REPAIR_BREAK = "data-repair-break"   # set by the layout on an element it starts a page with: no deliberate break


@dataclass(frozen=True)
class Fault:
    message: str
    element: object = None        # the HTML element at fault, where a repair applies
    repair: str | None = None     # a CSS declaration that mends it on the next layout


@dataclass
class _Part:
    """The part of one block that falls on one page."""

    page: int
    box: BlockBox
    lines: list[LineBox] = field(default_factory=list)


def find_faults(pages) -> list[Fault]:
    """Return every typographic fault of the laid-out `pages` (WeasyPrint's `Document.pages`)."""
    parts: dict[int, list[_Part]] = {}
    notes: dict[int, float] = {}
    last_block_of_page: list[_Part | None] = []
    faults: list[Fault] = []
    lines_on_last_page, spaces = 0, WordSpaces()
    for number, page in enumerate(pages, start=1):
        last, lines_on_last_page = None, 0
        for child in page._page_box.children:
            in_area = isinstance(child, FootnoteAreaBox)
            for part in _blocks(child, number):
                if in_area:
                    notes.setdefault(_note_number(part.box.element), part.box.margin_height())
                else:
                    parts.setdefault(id(part.box.element), []).append(part)
                    lines_on_last_page += len(part.lines)
                    if part.lines or part.box.element_tag in HEADINGS:
                        last = part
                faults += [_overfull(number, line, in_area) for line in part.lines if _is_overfull(line, part.box)]
                faults += [_loose(number, line, in_area, stretch) for line in part.lines
                           if (stretch := spaces.stretch(line)) > MAX_SPACE_STRETCH]
        last_block_of_page.append(last)
    for split in parts.values():
        faults += _split_faults(split, pages, notes)
        faults += _hyphenation_faults(split)
    faults += _stranded_headings(last_block_of_page, len(pages))
    faults += _hole_faults(pages)
    if len(pages) > 1 and lines_on_last_page <= RUNT_LINES and not _a_page_of_its_own(pages):
        faults.append(Fault(f"page {len(pages)}: the last page holds only {plural(lines_on_last_page, 'line')} of text; "
                            "shorten the brief or let it run a little longer"))
    return sorted(set(faults), key=lambda fault: _page_order(fault.message))


@dataclass(frozen=True)
class Hole:
    """Empty space at the foot of a page's text, above its notes (or the bottom margin)."""

    page: int
    height: float        # CSS px
    line_height: float   # CSS px: the body text's line height

    @property
    def lines(self) -> float:
        return self.height / self.line_height


def holes(pages) -> list[Hole]:
    """The empty space at the foot of every page but the last, unless the next page starts with a forced break."""
    line_height = _body_line_height(pages)
    found, seen = [], set()
    for number, (page, following) in enumerate(zip(pages, pages[1:]), start=1):
        seen |= {id(box.element) for box in page._page_box.descendants() if getattr(box, "element", None) is not None}
        bottom = _text_bottom(page._page_box)
        if bottom is not None and not _starts_with_forced_break(following._page_box, seen):
            found.append(Hole(number, max(0.0, _space_for_text_end(page._page_box) - bottom), line_height))
    return found


def _text_bottom(page_box) -> float | None:
    """The bottom of the page's last line of text in the flow (not the notes, not the margin boxes)."""
    bottoms = [line.position_y + line.margin_height()
               for child in flow_boxes(page_box) for line in child.descendants() if isinstance(line, LineBox)]
    return max(bottoms, default=None)


def _space_for_text_end(page_box) -> float:
    """Where the text could run to: the top of the notes, or the foot of the page's content area."""
    area = [child for child in page_box.children if isinstance(child, FootnoteAreaBox) and child.children]
    bottom = page_box.content_box_y() + page_box.height
    return area[0].position_y if area else bottom


def _a_page_of_its_own(pages) -> bool:
    """True if the last page starts with a forced break (a back page, say): short on purpose, not a runt."""
    before = {id(box.element) for page in pages[:-1] for box in page._page_box.descendants()
              if getattr(box, "element", None) is not None}
    return _starts_with_forced_break(pages[-1]._page_box, before)


def flow_boxes(page_box) -> list:
    """The page's boxes of the main flow: neither its notes nor its margin boxes (running heads)."""
    return [child for child in page_box.children if not isinstance(child, (FootnoteAreaBox, MarginBox))]


def _starts_with_forced_break(page_box, seen: set[int]) -> bool:
    """True if an element starting at the top of the page (not one continued from before) forces a page break."""
    flow = flow_boxes(page_box)
    box = flow[0] if flow else None
    while box is not None:
        element = getattr(box, "element", None)
        starts_here = id(element) not in seen
        if starts_here and box.style["break_before"] in FORCED_BREAKS and not _repair_break(element):
            return True
        children = getattr(box, "children", None)
        box = children[0] if children and not isinstance(box, LineBox) else None
    return False


def _repair_break(element) -> bool:
    """True if the layout, not the theme, broke the page before `element` (to bring a note to its call)."""
    return element is not None and element.get(REPAIR_BREAK) is not None


def _body_line_height(pages) -> float:
    """The commonest height of a line in the flow: the body text's line height."""
    heights: dict[float, int] = {}
    for page in pages:
        for child in flow_boxes(page._page_box):
            for line in child.descendants():
                if isinstance(line, LineBox):
                    key = round(line.height, 1)
                    heights[key] = heights.get(key, 0) + 1
    return max(heights, key=heights.get) if heights else 1.0


def _blocks(box, page: int) -> Iterator[_Part]:
    """Yield each element's block box with the line boxes directly inside it."""
    if isinstance(box, BlockBox) and box.element is not None and "::" not in (box.element_tag or "::"):
        part = _Part(page, box, [c for c in box.children if isinstance(c, LineBox)])
        yield part
    if isinstance(box, ParentBox) and not isinstance(box, LineBox):
        for child in box.children:
            yield from _blocks(child, page)


def _split_faults(split: list[_Part], pages, notes: dict[int, float]) -> list[Fault]:
    """Widows, orphans, and boxes kept together that were split: a fault if they fit on a page."""
    on_pages = sorted({part.page for part in split})
    if len(on_pages) < 2:
        return []
    first, last, box = split[0], split[-1], split[0].box
    messages = []
    if first.lines and last.lines:
        if len(first.lines) == 1:
            messages.append(Fault(f"page {first.page}: an orphan: the paragraph beginning {_opening(split)} "
                                  "leaves one line at the foot of the page"))
        if len(last.lines) == 1:
            messages.append(Fault(f"page {last.page}: a widow: the paragraph beginning {_opening(split)} "
                                  "carries one line over to the top of the page"))
    kept_together = box.style["break_inside"] in ("avoid", "avoid-page")
    if box.element_tag == "blockquote" and box.style["break_inside"] == "auto" \
            and min(_line_count(first), _line_count(last)) >= 2:
        return messages  # let split (by the theme, or to fill a hole), with two lines or more on either side
    if kept_together or box.element_tag == "blockquote":
        called = {note_of(b, "footnote-call") for part in split for b in part.box.descendants()} - {None}
        height = sum(part.box.margin_height() for part in split) + sum(notes.get(n, 0) for n in called)
        if height <= pages[first.page - 1]._page_box.height:
            what = "a block quotation" if box.element_tag == "blockquote" else f"the {_name(box)}"
            messages.append(Fault(f"page {first.page}: {what} beginning {_opening(split)} is split across "
                                  "pages although it fits on one",
                                  None if kept_together else box.element, None if kept_together else
                                  "break-inside: avoid"))
        elif kept_together:
            messages.append(Fault("", box.element, "break-inside: auto"))  # too tall: let it start at once
    return messages


def _hole_faults(pages) -> list[Fault]:
    """Holes of more than MAX_HOLE_LINES lines; where a block quotation kept whole caused one, a repair."""
    faults = []
    for hole in holes(pages):
        if hole.lines > MAX_HOLE_LINES:
            quotation = _quotation_starting(pages[hole.page]._page_box)
            figure = figure_starting(pages[hole.page]._page_box)
            cause = f" (the block quotation beginning {_opening([_Part(0, quotation)])} went whole to page " \
                    f"{hole.page + 1})" if quotation is not None else ""
            if figure is not None:
                cause = f" ({figure_label(figure.element)} went whole to page {hole.page + 1}{_kept_by(figure)})"
            faults.append(Fault(f"page {hole.page}: a hole of {hole.lines:.1f} lines at the foot of the page, "
                                f"above the notes{cause}", quotation.element if quotation else None,
                                HOLE_REPAIR if quotation else None))
    return faults


def figure_starting(page_box) -> BlockBox | None:
    """The figure (or table block, see `is_floating`) that opens the page, if one does."""
    flow = flow_boxes(page_box)
    box = flow[0] if flow else None
    while box is not None and not isinstance(box, LineBox):
        if box.element is not None and "::" not in (box.element_tag or "::") and is_floating(box.element):
            return box
        children = getattr(box, "children", None)
        box = children[0] if children else None
    return None


def is_floating(element) -> bool:
    """True for a block that may float to the next page: a <figure>, or a table's block (class table-block)."""
    return element.tag in FLOATING or bool(FLOATING_CLASSES & set((element.get("class") or "").split()))


def _quotation_starting(page_box) -> BlockBox | None:
    """The block quotation kept together that opens the page, if one does."""
    flow = flow_boxes(page_box)
    box = flow[0] if flow else None
    while box is not None and not isinstance(box, LineBox):
        if box.element_tag == "blockquote":
            return box if box.style["break_inside"] in ("avoid", "avoid-page") else None
        children = getattr(box, "children", None)
        box = children[0] if children else None
    return None


def figure_label(element) -> str:
    """"figure 1" or "table 2", from the element's id (blocks.html: figure-1, table-2), else "a figure"."""
    kind, _, number = (element.get("id") or "").partition("-")
    return f"{kind} {number}" if kind in ("figure", "table") and number.isdigit() else "a figure"


def _kept_by(box) -> str:
    """Why a figure that left a hole did not float: the colon of the paragraph introducing it (see `floats`)."""
    return ", after the colon that introduces it: refer to it by its number instead, and it may float" \
        if box.element.get(INTRODUCED) is not None else ""


def _line_count(part: _Part) -> int:
    return sum(isinstance(box, LineBox) for box in part.box.descendants())


def _hyphenation_faults(split: list[_Part]) -> list[Fault]:
    run, messages, lines = [], [], [(part, line) for part in split for line in part.lines]
    for number, (part, line) in enumerate(lines):
        hyphen = part.box.style["hyphenate_character"]
        broken = bool(hyphen) and _last_text(line).endswith(hyphen)
        run = run + [part.page] if broken else []
        if len(run) == MAX_HYPHENATED_RUN + 1:
            messages.append(Fault(f"page {run[0]}: more than {MAX_HYPHENATED_RUN} hyphenated lines in a "
                                  f"row in the paragraph beginning {_opening(split)}",
                                  split[0].box.element, "hyphens: manual"))
        word = _last_text(line).split()[-1] if broken else ""
        if word.lstrip("“‘\"'([")[:1].isupper():
            messages.append(Fault(f"page {part.page}: a proper noun is hyphenated, {word!r}, in the paragraph "
                                  f"beginning {_opening(split)}", split[0].box.element, "hyphens: manual"))
        if broken and number == len(lines) - 2 and len(_text(lines[-1][1]).split()) == 1:
            messages.append(Fault(f"page {lines[-1][0].page}: the paragraph beginning {_opening(split)} ends in "
                                  f"a fragment, {_text(lines[-1][1])!r}", split[0].box.element, "hyphens: manual"))
    return messages


def _stranded_headings(last_block_of_page: list[_Part | None], page_count: int) -> list[Fault]:
    return [Fault(f"page {part.page}: the heading {_text(part.box)!r} stands alone at the foot of the page",
                  part.box.element, "break-before: page")
            for part in last_block_of_page[:page_count - 1]
            if part is not None and part.box.element_tag in HEADINGS]


def _is_overfull(line: LineBox, block: BlockBox) -> bool:
    right = block.content_box_x() + block.width + TOLERANCE
    return any(isinstance(box, TextBox) and box.text.strip() and box.position_x + box.width > right
               for box in line.descendants())


def _overfull(page: int, line: LineBox, in_note: bool) -> Fault:
    where = "a note" if in_note else "the text"
    return Fault(f"page {page}: an overfull line in {where} runs past the margin: {_text(line)[:60]!r}")


def _loose(page: int, line: LineBox, in_note: bool, stretch: float) -> Fault:
    where = "a note" if in_note else "the text"
    return Fault(f"page {page}: a loose line in {where}, its word spaces stretched to {stretch:.1f} times "
                 f"their width: {_text(line)[:60]!r}")


def _last_text(line: LineBox) -> str:
    texts = [box.text for box in line.descendants() if isinstance(box, TextBox) and box.text.strip()]
    return texts[-1].rstrip() if texts else ""


def _text(box) -> str:
    lines = [box] if isinstance(box, LineBox) else [b for b in box.descendants() if isinstance(b, LineBox)]
    text = " ".join("".join(b.text for b in line.descendants() if isinstance(b, TextBox)) for line in lines)
    return " ".join(text.split())


def note_of(box, pseudo: str) -> int | None:
    """The number of the note whose `::<pseudo>` box this is (footnote-call, footnote-marker), or None.

    Both pseudo-elements belong to the note's `<span class="fn" data-note="N">`.
    """
    tag, element = getattr(box, "element_tag", None), getattr(box, "element", None)
    if not isinstance(tag, str) or not tag.endswith("::" + pseudo) or element is None:
        return None
    number = element.get("data-note")
    return int(number) if number else None


def _note_number(element) -> int:
    return int(element.get("data-note") or 0) if element is not None else 0


def _opening(split: list[_Part]) -> str:
    words = _text(split[0].box).split()
    return repr(" ".join(words[:6]) + (" …" if len(words) > 6 else ""))


def _name(box: BlockBox) -> str:
    classes = box.element.get("class")
    return f"{box.element_tag}.{classes.split()[0]}" if classes else box.element_tag


def _page_order(message: str) -> tuple[int, str]:
    head = message.split(":", 1)[0]
    return (int(head.split()[1]) if head.startswith("page ") else 10**6, message)
