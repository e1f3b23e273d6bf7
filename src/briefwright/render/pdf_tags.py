"""PDF/UA tags mended: page furniture drawn as artifacts, one Table for a table that breaks across pages.

`mend_tags` runs as a finisher, on WeasyPrint's pydyf objects before the bytes are
written, and mends two things WeasyPrint 70 leaves short of PDF/UA-1.

Page furniture. The running heads and feet and the page numbers (the `@page` margin
boxes) are marked content whose structure elements are left out of the tree: neither
tagged nor artifacts. Each such sequence becomes `/Artifact <</Type /Pagination
/Subtype /Header>> BDC` for a box at the top of the page (`@top-…`), `/Footer` at the
bottom, no subtype at the sides (the boxes matched one to one with the sequences in tree
order; if they do not match, plain `/Artifact BMC`); its elements are emptied and leave
the ParentTree. A page whose content outside the tree holds more than marked content
(a link in a running head) is left as it was.

Split tables. WeasyPrint builds the structure tree page by page: each page's part of a
long table becomes a `/Table` of its own, with the header row it repeats at the top of
each page tagged again as a `/THead`. A screen reader then meets as many tables as
pages, each announcing its header. The parts are made one Table: the first keeps its
caption and its header; the rows of the later parts join its TBody (one TBody per
`<tbody>`, in order); each repeated header is still drawn but becomes an `/Artifact`,
its structure elements are left out of the tree, the cells' `/Headers` name the header
kept. A later part's wrappers that the move leaves empty (the page's share of a
figure's `<div>` or of a section) leave the tree too.

Either way, the page's marked-content ids are numbered again so that each is referenced
once and the ParentTree maps each back.

Parts are told apart by WeasyPrint's own boxes: the cells' boxes carry the
structure element made for them (`box.mark`) and the `<table>` element they
belong to, so only parts made from the same element are merged. A table whose
structure is not the one expected (a footer, a nested table, a cell split over
two pages, a link in a repeated header, marked content outside the page's
stream) is left exactly as WeasyPrint made it. Everything is visited in page
and tree order, so identical input gives identical bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

from .pdf_objects import MarkedPages, Objects, Unexpected, kid_list, subtree, unique

CELL_ROLES = ("/TD", "/TH")
PART_ROLES = ("/Caption", "/THead", "/TBody")
ROW_STRUCTURE = ("/Table", "/THead", "/TBody", "/TR")


@dataclass
class TableParts:
    """The Table structure elements WeasyPrint made from one `<table>`, with what their cells tell."""

    parts: list = field(default_factory=list)           # Table structure elements, in page order
    elements: dict = field(default_factory=dict)        # object number of a structure element: its HTML element
    left_alone: bool = False       # a table inside a table, or a cell not in WeasyPrint's usual shape


def mend_tags(document, pdf) -> None:
    """Draw the page furniture as artifacts and make each split table one Table (see the module docstring)."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    objects = Objects(pdf)
    try:
        pages = MarkedPages(objects)
    except Unexpected:
        return
    furniture = [_furniture(page, number, objects, pages) for number, page in enumerate(document.pages)]
    plans = []
    for table in _tables(document, objects):
        try:
            plans.append(_plan(table, objects, pages))
        except Unexpected:
            continue
    artifacts = {mcid: None for plan in plans for mcid in plan.dropped_mcids}
    for page in furniture:
        artifacts.update(page.artifacts)
    pages.renumber(artifacts)             # before the elements are cleared
    for page in furniture:
        for element in page.elements:
            element.clear()
    for plan in plans:
        plan.apply(objects)


@dataclass
class Furniture:
    """A page's marked content that no structure element of the tree reaches (its margin boxes')."""

    artifacts: dict = field(default_factory=dict)   # (page number, MCID): artifact properties (None: plain)
    elements: list = field(default_factory=list)    # the structure elements WeasyPrint made for it, to empty


def _furniture(page, number: int, objects: Objects, pages: MarkedPages) -> Furniture:
    """The page's marked content outside the tree, each with the artifact it becomes; nothing if not plain."""
    try:
        holders = [objects.element(ref) for ref in pages._parents(number)]
        outside = sorted(mcid for mcid, holder in enumerate(holders) if holder.number not in pages.reached)
        if not outside or not pages.can_renumber({number}):
            return Furniture()
        roots = sorted(unique(_outside_root(holders[mcid], pages.reached, objects) for mcid in outside),
                       key=lambda root: root.number)
        elements = [element for root in roots for element in subtree(root, objects)]
        in_order = [mcid for root in roots for mcid in _mcids_in_order(root, objects)]
    except Unexpected:
        return Furniture()           # a link in a running head, or a structure not WeasyPrint's: left alone
    if sorted(in_order) != outside or any(element.number in pages.reached for element in elements):
        return Furniture()
    kinds = _margin_artifacts(page._page_box)
    if len(kinds) != len(in_order):
        kinds = [None] * len(in_order)
    return Furniture({(number, mcid): kind for mcid, kind in zip(in_order, kinds)}, elements)


def _outside_root(element, reached: set, objects: Objects):
    """The topmost ancestor of `element` (itself perhaps) that the tree does not reach."""
    for _ in objects.pdf.objects:          # bounded: a loop of /P entries is never followed for ever
        parent = objects.element(element.get("P"))
        if parent.number in reached:
            return element
        element = parent
    raise Unexpected(element)


def _mcids_in_order(element, objects: Objects) -> list:
    """The MCIDs under `element`, in tree order."""
    return [mcid for kid in kid_list(element)
            for mcid in ([kid] if isinstance(kid, int) else _mcids_in_order(objects.element(kid), objects))]


def _margin_artifacts(page_box) -> list:
    """The artifact properties of each text and image drawn in the page's margin boxes, in tree order."""
    return [_pagination(box.at_keyword) for box in page_box.children if isinstance(box, boxes.MarginBox)
            for _ in range(_marked_pieces(box))]


def _marked_pieces(box) -> int:
    """How many marked-content sequences WeasyPrint draws for `box`: one per text and per image."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
        return 1
    return sum(_marked_pieces(child) for child in getattr(box, "children", ()))


def _pagination(at_keyword: str) -> pydyf.Dictionary:
    """A Pagination artifact's properties: a Header at the top of the page, a Footer at the bottom."""
    properties = pydyf.Dictionary({"Type": "/Pagination"})
    subtype = {"@top": "/Header", "@bottom": "/Footer"}.get(at_keyword.split("-")[0])
    if subtype:
        properties["Subtype"] = subtype
    return properties


def _tables(document, objects: Objects) -> list[TableParts]:
    """Every `<table>` whose cells were tagged on more than one Table, in page order."""
    found: dict[int, TableParts] = {}
    for page in document.pages:
        _collect(page._page_box, None, None, found, objects)
    return [table for table in found.values() if len(table.parts) > 1 and not table.left_alone]


def _collect(box, table_box, group_box, found: dict, objects: Objects) -> None:
    """Walk the boxes, noting each tagged cell under its `<table>` element and its row group."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if isinstance(box, boxes.TableBox):
        if table_box is not None:
            found.setdefault(id(table_box.element), TableParts()).left_alone = True
            found.setdefault(id(box.element), TableParts()).left_alone = True
        table_box = box
    elif isinstance(box, boxes.TableRowGroupBox):
        group_box = box
    mark = getattr(box, "mark", None)
    if isinstance(box, boxes.TableCellBox) and isinstance(mark, pydyf.Dictionary) and table_box is not None:
        _note_cell(found.setdefault(id(table_box.element), TableParts()), box, group_box, mark, objects)
    for child in getattr(box, "children", ()):
        _collect(child, table_box, group_box, found, objects)


def _note_cell(table: TableParts, cell_box, group_box, cell, objects: Objects) -> None:
    """Note the cell's Table part and which HTML elements its cell and row group were made from."""
    try:
        row = objects.parent(cell)
        group = objects.parent(row)
        part = objects.parent(group)
    except Unexpected:
        table.left_alone = True     # not the shape expected: the whole table is left alone
        return
    if (cell.get("S") not in CELL_ROLES or row.get("S") != "/TR" or group.get("S") not in ("/THead", "/TBody")
            or part.get("S") != "/Table" or group_box is None):
        table.left_alone = True
        return
    if all(known is not part for known in table.parts):
        table.parts.append(part)
    table.elements[cell.number] = cell_box.element
    table.elements[group.number] = group_box.element


@dataclass
class MergePlan:
    """What merging one table's parts changes, checked in full before anything is changed."""

    head: pydyf.Dictionary                      # the first part: the Table kept
    later: list                                 # [(part, [children kept], [THead dropped])]
    elements: dict                              # object number: HTML element (cells and row groups)
    same_headers: dict                          # ID of a dropped TH: ID of the TH kept for its element
    dropped_mcids: set                          # (page number, MCID) of the repeated headers

    def apply(self, objects: Objects) -> None:
        for part, children, dropped in self.later:
            for child in children:
                self._move(child, objects)
            _detach(part, objects)
            for thead in dropped:
                for element in subtree(thead, objects):
                    element.clear()
            part.clear()
        for cell in _cells(self.head, objects):
            headers = cell.get("A", {}).get("Headers") if cell.get("S") == "/TD" else None
            for index, header in enumerate(headers if isinstance(headers, pydyf.Array) else ()):
                if isinstance(header, pydyf.String) and header.string in self.same_headers:
                    headers[index] = pydyf.String(self.same_headers[header.string])

    def _move(self, child, objects: Objects) -> None:
        """Put `child` of a later part into the head: a TBody continuing the head's last TBody joins it."""
        last = objects.element(kid_list(self.head)[-1])
        continued = (child.get("S") == last.get("S") == "/TBody"
                     and self.elements.get(child.number) is self.elements.get(last.number) is not None)
        if continued:
            for row in objects.kids(child):
                row["P"] = last.reference
            kid_list(last).extend(kid_list(child))
            child.clear()
        else:
            child["P"] = self.head.reference
            kid_list(self.head).append(child.reference)


def _plan(table: TableParts, objects: Objects, pages: MarkedPages) -> MergePlan:
    """Check that the parts are the plain split WeasyPrint makes, and say what merging them changes."""
    head, *rest = table.parts
    head_children = _check_part(head, objects)
    head_theads = [c for c in head_children if c.get("S") == "/THead"]
    later, same_headers, dropped_mcids = [], {}, set()
    seen_cells = {id(table.elements[c.number]) for c in _cells(head, objects) if c.number in table.elements}
    for part in rest:
        children = _check_part(part, objects)
        dropped = [c for c in children if c.get("S") == "/THead"]
        if len(dropped) != len(head_theads) or [c for c in children if c.get("S") == "/Caption"]:
            raise Unexpected(part)
        for thead, kept in zip(dropped, head_theads):
            same_headers.update(_same_header_ids(thead, kept, table, objects))
            dropped_mcids |= pages.marked_in(thead, objects)
        kept = [child for child in children if all(child is not thead for thead in dropped)]
        for cell in [c for child in kept for c in _cells(child, objects)]:
            element = table.elements.get(cell.number)
            if element is None or id(element) in seen_cells:
                raise Unexpected(cell)       # a cell split over two pages, or one never noted
            seen_cells.add(id(element))
        later.append((part, kept, dropped))
    if not pages.can_renumber({page for page, _ in dropped_mcids}):
        raise Unexpected(head)
    return MergePlan(head, later, table.elements, same_headers, dropped_mcids)


def _check_part(part, objects: Objects) -> list:
    """The part's children, checked: a caption, header or body each, and a parent chain up to the Document."""
    children = objects.kids(part)
    if len(children) != len(kid_list(part)) or any(child.get("S") not in PART_ROLES for child in children):
        raise Unexpected(part)
    ancestor = part
    for _ in objects.pdf.objects:          # bounded: a loop of /P entries is never followed for ever
        if ancestor.get("S") == "/Document":
            return children
        ancestor = objects.parent(ancestor)
        kid_list(ancestor)
    raise Unexpected(part)


def _cells(element, objects: Objects) -> list:
    """The TD and TH of `element`'s rows, in order (not looking inside them, nor into a caption)."""
    if element.get("S") in CELL_ROLES:
        return [element]
    if element.get("S") not in ROW_STRUCTURE:
        return []
    return [cell for kid in objects.kids(element) for cell in _cells(kid, objects)]


def _same_header_ids(dropped, kept, table: TableParts, objects: Objects) -> dict:
    """{ID of each TH of a repeated header: ID of the TH kept}, checking both were made from the same cells."""
    dropped_cells, kept_cells = _cells(dropped, objects), _cells(kept, objects)
    made_from = [[table.elements.get(c.number) for c in cells] for cells in (dropped_cells, kept_cells)]
    if len(dropped_cells) != len(kept_cells) or any(a is None or a is not b for a, b in zip(*made_from)):
        raise Unexpected(dropped)
    return {d["ID"].string: k["ID"].string for d, k in zip(dropped_cells, kept_cells)
            if isinstance(d.get("ID"), pydyf.String) and isinstance(k.get("ID"), pydyf.String)}


def _detach(part, objects: Objects) -> None:
    """Take `part` out of its parent's kids, and each ancestor this leaves empty out of its own (never the root's)."""
    child, parent = part, objects.get(part.get("P"))
    while isinstance(parent, pydyf.Dictionary) and parent.get("Type") == "/StructElem":
        kids = kid_list(parent)
        kids[:] = [kid for kid in kids if kid != child.reference]
        if kids or parent.get("S") == "/Document":
            return
        child, parent = parent, objects.get(parent.get("P"))
        child.clear()


