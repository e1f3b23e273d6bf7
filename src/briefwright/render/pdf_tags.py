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

CELL_ROLES = ("/TD", "/TH")
PART_ROLES = ("/Caption", "/THead", "/TBody")
ROW_STRUCTURE = ("/Table", "/THead", "/TBody", "/TR")


class Unexpected(Exception):
    """The structure is not the one WeasyPrint makes for a plain split table: leave it alone."""


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


merge_split_tables = mend_tags          # the name render/pdf.py's finisher calls


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
        roots = sorted(_unique(_outside_root(holders[mcid], pages.reached, objects) for mcid in outside),
                       key=lambda root: root.number)
        elements = [element for root in roots for element in _subtree(root, objects)]
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
    return [mcid for kid in _kid_list(element)
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


class Objects:
    """The PDF's objects by reference."""

    def __init__(self, pdf):
        self.pdf = pdf

    def get(self, reference):
        """The object a reference (`b"12 0 R"`) names; Unexpected for anything else."""
        if not isinstance(reference, bytes) or not reference.endswith(b" 0 R"):
            raise Unexpected(reference)
        number = int(reference.split()[0])
        if not 0 < number < len(self.pdf.objects):
            raise Unexpected(reference)
        return self.pdf.objects[number]

    def element(self, reference):
        """The structure element a reference names; Unexpected for anything else (an OBJR, a page)."""
        found = self.get(reference)
        if not isinstance(found, pydyf.Dictionary) or found.get("Type") != "/StructElem":
            raise Unexpected(reference)
        return found

    def kids(self, element) -> list:
        """The structure elements directly under `element` (Unexpected for a marked-content or object reference)."""
        return [self.element(kid) for kid in _kid_list(element) if not isinstance(kid, int)]

    def parent(self, element):
        return self.element(element.get("P"))


def _kid_list(element) -> pydyf.Array:
    kids = element.get("K")
    if not isinstance(kids, pydyf.Array):
        raise Unexpected(element)
    return kids


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
                for element in _subtree(thead, objects):
                    element.clear()
            part.clear()
        for cell in _cells(self.head, objects):
            headers = cell.get("A", {}).get("Headers") if cell.get("S") == "/TD" else None
            for index, header in enumerate(headers if isinstance(headers, pydyf.Array) else ()):
                if isinstance(header, pydyf.String) and header.string in self.same_headers:
                    headers[index] = pydyf.String(self.same_headers[header.string])

    def _move(self, child, objects: Objects) -> None:
        """Put `child` of a later part into the head: a TBody continuing the head's last TBody joins it."""
        last = objects.element(_kid_list(self.head)[-1])
        continued = (child.get("S") == last.get("S") == "/TBody"
                     and self.elements.get(child.number) is self.elements.get(last.number) is not None)
        if continued:
            for row in objects.kids(child):
                row["P"] = last.reference
            _kid_list(last).extend(_kid_list(child))
            child.clear()
        else:
            child["P"] = self.head.reference
            _kid_list(self.head).append(child.reference)


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
    if len(children) != len(_kid_list(part)) or any(child.get("S") not in PART_ROLES for child in children):
        raise Unexpected(part)
    ancestor = part
    for _ in objects.pdf.objects:          # bounded: a loop of /P entries is never followed for ever
        if ancestor.get("S") == "/Document":
            return children
        ancestor = objects.parent(ancestor)
        _kid_list(ancestor)
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


def _subtree(element, objects: Objects) -> list:
    """`element` and every structure element under it, in order."""
    return [element] + [below for kid in objects.kids(element) for below in _subtree(kid, objects)]


def _detach(part, objects: Objects) -> None:
    """Take `part` out of its parent's kids, and each ancestor this leaves empty out of its own (never the root's)."""
    child, parent = part, objects.get(part.get("P"))
    while isinstance(parent, pydyf.Dictionary) and parent.get("Type") == "/StructElem":
        kids = _kid_list(parent)
        kids[:] = [kid for kid in kids if kid != child.reference]
        if kids or parent.get("S") == "/Document":
            return
        child, parent = parent, objects.get(parent.get("P"))
        child.clear()


class MarkedPages:
    """Each page's marked content: its content stream's MCIDs and the ParentTree's array for them."""

    def __init__(self, objects: Objects):
        self.objects = objects
        root = objects.get(objects.pdf.catalog["StructTreeRoot"])
        nums = objects.get(root.get("ParentTree")).get("Nums", ())
        self.parents = {key: value for key, value in zip(nums[::2], nums[1::2]) if isinstance(value, pydyf.Array)}
        self.page_numbers = {reference: number for number, reference in enumerate(objects.pdf.page_references)}
        self.reached = _reached(root, objects)

    def marked_in(self, element, objects: Objects) -> set:
        """{(page number, MCID)} of the marked content under `element`."""
        found = set()
        for below in _subtree(element, objects):
            for kid in _kid_list(below):
                if isinstance(kid, int):
                    page = self.page_numbers.get(below.get("Pg"))
                    parents = self._parents(page) if page is not None else ()
                    if not 0 <= kid < len(parents) or parents[kid] != below.reference:
                        raise Unexpected(below)      # the ParentTree must map the MCID back to its holder
                    found.add((page, kid))
        return found

    def can_renumber(self, page_numbers: set) -> bool:
        """Whether each page's stream marks exactly the MCIDs its ParentTree array maps, each once."""
        try:
            return all(self._marks(number) is not None for number in page_numbers)
        except Unexpected:
            return False

    def renumber(self, artifacts: dict) -> None:
        """Make artifacts of the marked content {(page, MCID): its properties, or None for a plain artifact}.

        The rest of each page's MCIDs are numbered from 0 again.
        """
        for number in sorted({page for page, _ in artifacts}):
            gone = {mcid: properties for (page, mcid), properties in artifacts.items() if page == number}
            stream, marks = self._marks(number)
            parents = self._parents(number)
            new = {old: index for index, old in enumerate(m for m in range(len(parents)) if m not in gone)}
            for element in _unique(self.objects.element(ref) for mcid, ref in enumerate(parents) if mcid not in gone):
                kids = _kid_list(element)
                kids[:] = [new[kid] if isinstance(kid, int) else kid for kid in kids]
            self._set_parents(number, pydyf.Array(parents[old] for old in new))
            items = []
            for index, item in enumerate(stream.stream):
                if index in marks and item["MCID"] in gone:
                    properties = gone[item["MCID"]]
                    items[-1:] = ["/Artifact"] if properties is None else ["/Artifact", properties]
                elif index - 1 in marks and stream.stream[index - 1]["MCID"] in gone:
                    items.append(b"BMC" if gone[stream.stream[index - 1]["MCID"]] is None else item)
                else:
                    items.append(item)
            for index in marks:
                if stream.stream[index]["MCID"] not in gone:
                    stream.stream[index]["MCID"] = new[stream.stream[index]["MCID"]]
            stream.stream[:] = items

    def _page(self, number: int):
        return self.objects.get(self.objects.pdf.page_references[number])

    def _parents(self, number: int) -> pydyf.Array:
        key = self._page(number).get("StructParents")
        if key not in self.parents:
            raise Unexpected(number)
        return self.parents[key]

    def _set_parents(self, number: int, array: pydyf.Array) -> None:
        self._parents(number)[:] = array

    def _marks(self, number: int):
        """(the page's content stream, the indexes of its MCID property lists), or Unexpected."""
        stream = self.objects.get(self._page(number).get("Contents"))
        parents = self._parents(number)
        if not isinstance(stream, pydyf.Stream):
            raise Unexpected(number)
        items = stream.stream
        marks = [i for i, item in enumerate(items) if isinstance(item, pydyf.Dictionary) and "MCID" in item]
        mcids = [items[i]["MCID"] for i in marks]
        in_shape = all(0 < i < len(items) - 1 and isinstance(items[i - 1], str) and items[i - 1].startswith("/")
                       and items[i + 1] == b"BDC" for i in marks)
        if not in_shape or sorted(mcids) != list(range(len(parents))):
            raise Unexpected(number)
        page_reference = self.objects.pdf.page_references[number]
        for element in _unique(self.objects.element(ref) for ref in parents):
            mcids = [kid for kid in _kid_list(element) if isinstance(kid, int)]
            if element.get("Pg") != page_reference or any(parents[m] != element.reference for m in mcids):
                raise Unexpected(element)
        return stream, set(marks)


def _reached(root, objects: Objects) -> set:
    """The object numbers of the structure elements under the tree's root."""
    reached, todo = set(), [root.get("K")]
    while todo:
        kid = todo.pop()
        if isinstance(kid, pydyf.Array):
            todo.extend(kid)
        elif isinstance(kid, bytes):
            found = objects.get(kid)
            is_element = isinstance(found, pydyf.Dictionary) and found.get("Type") == "/StructElem"
            if is_element and found.number not in reached:
                reached.add(found.number)
                todo.append(found.get("K"))
    return reached


def _unique(elements) -> list:
    """`elements` without repeats (by identity), in order."""
    seen, unique = set(), []
    for element in elements:
        if id(element) not in seen:
            seen.add(id(element))
            unique.append(element)
    return unique
