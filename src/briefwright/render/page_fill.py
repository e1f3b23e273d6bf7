"""Vertical justification: a page whose text stops short above its notes is filled a little.

WeasyPrint sets the page break where the text, its notes and the theme's keeps
(a heading with what follows, a lead-in with its list, two lines either side of a
break) allow, which can leave a few lines empty at the foot of a page above its
notes: a hole (`typography.holes`). As a typesetter does (LaTeX's flush bottom, a
page-layout program's vertical justification), `fill_holes` spreads what exceeds
`AIM_LINES` of that space over the gaps between the page's blocks (paragraphs,
headings, list items, quotations, figures, tables), as long as no gap grows by more
than `MAX_GROWTH` of a line. Nothing moves from page to page: the same lines, notes
and breaks, only laid a little apart, so the fill costs no layout. A hole too large
to fill so (a figure that went whole to the next page) is left as it is, and reported.

Blocks are moved on the laid-out pages (`Box.translate`). A container whose
children are blocks stacked one under the other (html, body, a section, a list, the
key points box, a quotation) grows with what it holds: its items are laid apart and
its border, padding and background grow with them. Other blocks (a paragraph, a
list item, a figure, a table, a box in columns, one that clips what overflows it)
move whole. A block of no height (the page furniture the running heads read) is no gap.

WeasyPrint computes each background's painting area once, when it lays out the page
(`layout_backgrounds`); moved boxes have theirs computed again (`_lay_out_backgrounds`),
or a box's background (the key points' tint, a recommendation's round number) would
stay behind (a moved recommendation's number kept its digit, drawn with its line box,
but lost its disc). An absolutely positioned box moves with its block (its placeholder's
`translate` moves it), which is right when it is placed from where it stands in the
flow (a list's marker) or against a positioned box that moves too (policy-brief's
numbered recommendations: `position: absolute` in a `position: relative` item). One
placed against a box that does not move (the page, a section around it) would drift
from its place: a block holding one stays where it is, and only the gaps below it grow.
The page's links and anchors are gathered again, so the PDF's links (note calls, the
table of contents) stay on their text.
"""

from __future__ import annotations

from weasyprint.anchors import gather_anchors
from weasyprint.formatting_structure.boxes import BlockBox, BlockLevelBox, ParentBox
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.layout.background import layout_box_backgrounds

from .typography import MAX_HOLE_LINES, flow_boxes, holes

AIM_LINES = 1.5          # fill a hole down to this many lines (a hole is more than MAX_HOLE_LINES)
MAX_GROWTH = 0.5         # of a line: the most any one gap between blocks may grow
CONTAINERS = {"html", "body", "main", "section", "article", "div", "header", "footer", "aside", "nav",
              "ul", "ol", "blockquote"}
STACKING_SLACK = 0.01    # CSS px: children closer than this are still one under the other


def fill_holes(pages) -> list[int]:
    """Fill each hole of more than MAX_HOLE_LINES lines that the page's gaps can take; return the pages filled."""
    filled = []
    for hole in holes(pages):
        if hole.lines <= MAX_HOLE_LINES:
            continue
        page = pages[hole.page - 1]
        atoms = [atom for box in flow_boxes(page._page_box) for atom in stacked_blocks(box) if atom.margin_height() > 0]
        fixed = [number for number, atom in enumerate(atoms) if not _moves_with_its_absolutes(atom)]
        atoms = atoms[fixed[-1]:] if fixed else atoms   # the gaps below the last block that must stay put
        growth = (hole.lines - AIM_LINES) * hole.line_height / max(1, len(atoms) - 1)
        if len(atoms) < 2 or growth > MAX_GROWTH * hole.line_height:
            continue
        _spread(page._page_box, atoms, growth)
        _lay_out_backgrounds(page._page_box)
        _gather_links(page)
        filled.append(hole.page)
    return filled


def _grows_with_content(box) -> bool:
    """A container that may grow with its blocks: a plain block (not a table, a flex or a grid box) holding
    blocks stacked one under the other, nothing clipped, nothing placed against it (not positioned), no columns."""
    style, children = box.style, box.children
    return (type(box) is BlockBox and not box.is_table_wrapper and box.element_tag in CONTAINERS
            and style["position"] == "static" and style["overflow"] == "visible" and style["column_count"] == "auto"
            and style["column_width"] == "auto" and bool(children)
            and all(isinstance(child, BlockLevelBox) and child.is_in_normal_flow() for child in children)
            and _stacked(children))


def _stacked(children) -> bool:
    """True if each child's border box begins at or below the foot of the one before it (margins collapse)."""
    return all(after.border_box_y() >= before.border_box_y() + before.border_height() - STACKING_SLACK
               for before, after in zip(children, children[1:]))


def _moves_with_its_absolutes(box, positioned: bool = False) -> bool:
    """True if every absolutely positioned box inside `box` is placed from where it stands in the flow
    (top and bottom auto: a list's marker) or against a positioned box inside `box`, so moving `box`
    moves each of them to its right place."""
    positioned = positioned or box.style["position"] != "static"
    for child in getattr(box, "children", []):
        if isinstance(child, AbsolutePlaceholder):
            from_the_flow = child.style["top"] == "auto" and child.style["bottom"] == "auto"
            if not (from_the_flow or (positioned and child.style["position"] == "absolute")):
                return False
        elif isinstance(child, ParentBox) and not _moves_with_its_absolutes(child, positioned):
            return False
    return True


def stacked_blocks(box):
    """The blocks to lay apart, in flow order: a growing container's blocks, or the box itself."""
    if _grows_with_content(box):
        for child in box.children:
            yield from stacked_blocks(child)
    else:
        yield box


def _spread(page_box, atoms: list, growth: float) -> None:
    """Move the k-th atom down by k × growth; each container around them grows to match."""
    shift = {id(atom): number * growth for number, atom in enumerate(atoms)}
    for box in flow_boxes(page_box):
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


def _lay_out_backgrounds(page_box) -> None:
    """Compute again where the flow's backgrounds are painted, from their boxes' new places and sizes."""
    for top in flow_boxes(page_box):
        for box in top.descendants(placeholders=True):
            if getattr(box, "background", None) is not None:
                images = _images_of(box)
                layout_box_backgrounds(page_box, box, lambda url, orientation=None: images[url],
                                       layout_children=False)


def _images_of(box) -> dict:
    """The images `box` was laid out with, by address (its background layers, border and mask images)."""
    style = box.style
    images = {value: layer.image for (kind, value), layer in zip(style["background_image"], box.background.layers)
              if kind == "url"}
    for source, attribute in (("border_image_source", "border_image"), ("mask_border_source", "mask_border_image")):
        if style[source][0] == "url":
            images[style[source][1]] = getattr(box, attribute, None)
    return images


def _gather_links(page) -> None:
    """Gather the page's links, anchors and bookmarks again from its moved boxes (as `Page` does)."""
    page.links, page.anchors, page.bookmarks, page.forms = [], {}, [], {None: []}
    gather_anchors(page._page_box, page.anchors, page.links, page.bookmarks, page.forms)
