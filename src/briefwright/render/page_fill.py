"""Vertical justification: a page whose text stops short above its notes is filled a little.

WeasyPrint sets the page break where the text, its notes and the theme's keeps
(a heading with what follows, a lead-in with its list, two lines either side of a
break) allow, which can leave a few lines empty at the foot of a page above its
notes: a hole (`typography.holes`). As a typesetter does (LaTeX's flush bottom, a
page-layout program's vertical justification), `fill_holes` spreads what exceeds
`AIM_LINES` of that space over the gaps between the page's blocks (paragraphs,
headings, lists, quotations, figures, tables), as long as no gap grows by more than
`MAX_GROWTH` of a line. Nothing moves from page to page: the same lines, notes and
breaks, only laid a little apart, so the fill costs no layout. A hole too large to
fill so (a figure that went whole to the next page) is left as it is, and reported.

Blocks are moved on the laid-out pages (`Box.translate`); a plain container (html,
body, main, a section: no border, padding or background above or below) grows with
what it holds, a decorated box (the key points, a quotation with its rule) moves
whole; a block holding an absolutely positioned ::before (a recommendation's number)
stays where it is, and only the gaps below it grow. The page's links and anchors are gathered again, so the PDF's links (note
calls, the table of contents) stay on their text.
"""

from __future__ import annotations

from weasyprint.anchors import gather_anchors
from weasyprint.formatting_structure.boxes import BlockBox, LineBox
from weasyprint.layout.absolute import AbsolutePlaceholder

from .typography import MAX_HOLE_LINES, holes, _flow

AIM_LINES = 1.5          # fill a hole down to this many lines (a hole is more than MAX_HOLE_LINES)
MAX_GROWTH = 0.5         # of a line: the most any one gap between blocks may grow
CONTAINERS = {"html", "body", "main", "section", "article", "div"}


def fill_holes(pages) -> list[int]:
    """Fill each hole of more than MAX_HOLE_LINES lines that the page's gaps can take; return the pages filled."""
    filled = []
    for hole in holes(pages):
        if hole.lines <= MAX_HOLE_LINES:
            continue
        page = pages[hole.page - 1]
        atoms = [atom for box in _flow(page._page_box) for atom in _atoms(box)]
        fixed = [number for number, atom in enumerate(atoms) if _holds_drawn_pseudo_element(atom)]
        atoms = atoms[fixed[-1]:] if fixed else atoms   # the gaps below the last block that must stay put
        growth = (hole.lines - AIM_LINES) * hole.line_height / max(1, len(atoms) - 1)
        if len(atoms) < 2 or growth > MAX_GROWTH * hole.line_height:
            continue
        _spread(page._page_box, atoms, growth)
        _gather_links(page)
        filled.append(hole.page)
    return filled


def _plain(box) -> bool:
    """A container that may grow with its content: nothing drawn above or below it, no background."""
    style = box.style
    return (box.element_tag in CONTAINERS and not (box.border_top_width or box.border_bottom_width
            or box.padding_top or box.padding_bottom) and style["background_color"].alpha == 0
            and not any(image for image in style["background_image"] if image[0] != "none"))


def _holds_drawn_pseudo_element(box) -> bool:
    """True if `box` holds an absolutely positioned ::before or ::after (policy-brief's numbered
    recommendations): WeasyPrint 70 draws its text where it was laid out, so the box must not move."""
    return any(isinstance(child, AbsolutePlaceholder) and "::" in (child.element_tag or "")
               for child in box.descendants())


def _atoms(box):
    """The blocks to lay apart, in flow order: a plain container's blocks, or the box itself."""
    if not isinstance(box, BlockBox):
        return
    children = [child for child in box.children if isinstance(child, BlockBox) and child.is_in_normal_flow()]
    if _plain(box) and children and not any(isinstance(child, LineBox) for child in box.children):
        for child in children:
            yield from _atoms(child)
    else:
        yield box


def _spread(page_box, atoms: list, growth: float) -> None:
    """Move the k-th atom down by k × growth; each plain container around them grows to match."""
    shift = {id(atom): number * growth for number, atom in enumerate(atoms)}
    for box in _flow(page_box):
        _move(box, shift)


def _move(box, shift: dict[int, float]) -> tuple[float, float] | None:
    """Move the atoms inside `box` (or `box`, an atom); return its (first, last) atom's shift, None if none."""
    if id(box) in shift:
        box.translate(0, shift[id(box)])
        return shift[id(box)], shift[id(box)]
    inside = [moved for child in getattr(box, "children", []) if (moved := _move(child, shift)) is not None]
    if not inside:
        return None
    first, last = inside[0][0], inside[-1][1]
    box.position_y += first
    box.height += last - first
    return first, last


def _gather_links(page) -> None:
    """Gather the page's links, anchors and bookmarks again from its moved boxes (as `Page` does)."""
    page.links, page.anchors, page.bookmarks, page.forms = [], {}, [], {None: []}
    gather_anchors(page._page_box, page.anchors, page.links, page.bookmarks, page.forms)
