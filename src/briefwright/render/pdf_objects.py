"""WeasyPrint's PDF objects as the tag mending reads them: references, structure elements, marked content.

`pdf_tags` mends the structure tree on the pydyf objects WeasyPrint made, before they
are written. `Objects` follows references and refuses anything unexpected
(`Unexpected`: the mending then leaves that part as WeasyPrint made it);
`MarkedPages` knows each page's marked content (the MCIDs of its content stream and
the ParentTree's array for them), checks that they agree, and makes artifacts of
some, numbering the rest from 0 again.
"""

from __future__ import annotations

import pydyf


class Unexpected(Exception):
    """The structure is not the one WeasyPrint makes: leave it alone."""


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
        return [self.element(kid) for kid in kid_list(element) if not isinstance(kid, int)]

    def parent(self, element):
        return self.element(element.get("P"))


def kid_list(element) -> pydyf.Array:
    kids = element.get("K")
    if not isinstance(kids, pydyf.Array):
        raise Unexpected(element)
    return kids


def subtree(element, objects: Objects) -> list:
    """`element` and every structure element under it, in order."""
    return [element] + [below for kid in objects.kids(element) for below in subtree(kid, objects)]


class MarkedPages:
    """Each page's marked content: its content stream's MCIDs and the ParentTree's array for them."""

    def __init__(self, objects: Objects):
        self.objects = objects
        root = objects.get(objects.pdf.catalog["StructTreeRoot"])
        nums = objects.get(root.get("ParentTree")).get("Nums", ())
        self.parents = {key: value for key, value in zip(nums[::2], nums[1::2]) if isinstance(value, pydyf.Array)}
        self.page_numbers = {reference: number for number, reference in enumerate(objects.pdf.page_references)}
        self.reached = reached_elements(root, objects)

    def marked_in(self, element, objects: Objects) -> set:
        """{(page number, MCID)} of the marked content under `element`."""
        found = set()
        for below in subtree(element, objects):
            for kid in kid_list(below):
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
            for element in unique(self.objects.element(ref) for mcid, ref in enumerate(parents) if mcid not in gone):
                kids = kid_list(element)
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
        for element in unique(self.objects.element(ref) for ref in parents):
            mcids = [kid for kid in kid_list(element) if isinstance(kid, int)]
            if element.get("Pg") != page_reference or any(parents[m] != element.reference for m in mcids):
                raise Unexpected(element)
        return stream, set(marks)


def reached_elements(root, objects: Objects) -> set:
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


def unique(elements) -> list:
    """`elements` without repeats (by identity), in order."""
    seen, unique = set(), []
    for element in elements:
        if id(element) not in seen:
            seen.add(id(element))
            unique.append(element)
    return unique
