"""Typography checked on every build: what a publications editor would mark on the proofs.

`find_faults` reads WeasyPrint's laid-out pages (the `pdf` stage passes them
in; this module only looks at boxes) and returns each fault found. A fault the
layout can mend carries a `repair`, a CSS declaration for its element, which
the `pdf` stage applies before laying the brief out again:

- a widow or orphan: a paragraph split across pages with one line on either side;
- a heading at the foot of a page, its text on the next (repaired: the heading
  starts the next page);
- a block quotation, or a box the theme keeps together (`break-inside: avoid`,
  e.g. the key points), split across pages although it fits on one (repaired
  with `break-inside: avoid` where the theme did not ask for it; a kept box too
  tall for a page is let go, `break-inside: auto`, rather than leave a page empty);
- more than two hyphenated lines in a row (repaired: `hyphens: manual` for that
  paragraph);
- an overfull line: text running past the margin (a long URL in a note, say);
- a runt last page: one that holds no more than `RUNT_LINES` lines of text;
- text set in a font the theme did not declare (`fallback_fonts`): a glyph the
  theme's fonts lack, which Pango took from a system font.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from weasyprint.formatting_structure.boxes import (
    BlockBox, FootnoteAreaBox, LineBox, ParentBox, TextBox)

from ..errors import plural

TOLERANCE = 0.5       # CSS px a line may pass the margin before it counts as overfull
MAX_HYPHENATED_RUN = 2
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
RUNT_LINES = 3


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
    lines_on_last_page = 0
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
        last_block_of_page.append(last)
    for split in parts.values():
        faults += _split_faults(split, pages, notes)
        faults += _hyphenation_faults(split)
    faults += _stranded_headings(last_block_of_page, len(pages))
    if len(pages) > 1 and lines_on_last_page <= RUNT_LINES:
        faults.append(Fault(f"page {len(pages)}: the last page holds only {plural(lines_on_last_page, 'line')} of text; "
                            "shorten the brief or let it run a little longer"))
    return sorted(set(faults), key=lambda fault: _page_order(fault.message))


def fallback_fonts(used: set[str], declared: set[str]) -> list[Fault]:
    """Faults for text set in fonts the theme did not declare (known once the PDF is written)."""
    return [Fault(f"text set in {family!r}, a font the theme does not declare: a character is missing "
                  "from the theme's fonts") for family in sorted(used - declared)]


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


def _hyphenation_faults(split: list[_Part]) -> list[Fault]:
    run, messages = [], []
    for part in split:
        hyphen = part.box.style["hyphenate_character"]
        for line in part.lines:
            run = run + [part.page] if _last_text(line).endswith(hyphen) and hyphen else []
            if len(run) == MAX_HYPHENATED_RUN + 1:
                messages.append(Fault(f"page {run[0]}: more than {MAX_HYPHENATED_RUN} hyphenated lines in a "
                                      f"row in the paragraph beginning {_opening(split)}",
                                      split[0].box.element, "hyphens: manual"))
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
