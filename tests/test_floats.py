"""Floating figures: a figure that went whole to the next page lets the text after it fill the hole.

On pages made for the case (render/floats.py), and on the economy example set in the
briefing-note theme, whose chart left eleven empty lines on page 1 before figures
floated. The reference for a floated brief is the brief its editor would get by moving
the figure there by hand: the same pages, word for word, and the same notes, their
texts made by pandoc's citeproc for that order.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, TextBox

from briefwright.build import BuildOptions, Pipeline
from briefwright.regen.report import page_report
from briefwright.render.citations import pandoc_path
from briefwright.render.floats import Float
from briefwright.render.layout import lay_out
from briefwright.render.typography import holes
from briefwright.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent

PAGE = ("<style>@page {{ size: 120mm 100mm; margin: 10mm }} body {{ font: 10pt/14pt serif; orphans: 2; widows: 2 }}"
        " p {{ margin: 0 }} figure {{ margin: 0; break-inside: avoid }} .art {{ height: {art}; background: #ccc }}"
        " .fn {{ float: footnote; font-size: 8pt; line-height: 10pt }} .fn::footnote-call {{ content: '' }}"
        " .fn::footnote-marker {{ content: counter(footnote) '. ' }} h2 {{ font-size: 10pt; margin: 0 }}"
        " .kept {{ break-inside: avoid }}</style>"
        "<section class='section'><p>{opening}</p>"
        "<figure id='figure-1'><div class='art'></div><figcaption>Figure 1. A chart. Source: "
        "{call1}</figcaption></figure>{after}</section><section class='section'><h2>Next</h2><p>{closing}</p></section>")


def call(number: int) -> str:
    return (f"<a class='fn-call' href='#note-{number}' id='call-{number}'>{number}</a>"
            f"<span class='fn' id='note-{number}' data-note='{number}'>Note {number} as typed.</span>")


def page(opening: int = 60, art: str = "45mm", after: str | None = None) -> str:
    words = lambda count: " ".join(["following"] * count)  # noqa: E731
    after = after if after is not None else f"<p>{words(2)} {call(2)} {words(28)}</p><p>{words(23)}</p>"
    return PAGE.format(opening=" ".join(["opening"] * opening), art=art, call1=call(1), after=after,
                       closing=" ".join(["closing"] * 30))


def in_new_order(order: list[int]) -> list[str]:
    """What the citation processor is asked: the old numbers in their new order; each note's text for its place."""
    return [f"Old note {old}, printed {'first' if new == 1 else 'after note ' + str(new - 1)}."
            for new, old in enumerate(order, start=1)]


def notes_on_pages(document) -> list[list[str]]:
    return [[" ".join("".join(getattr(b, "text", "") for b in note.descendants()).split())
             for area in page._page_box.children if isinstance(area, FootnoteAreaBox) for note in area.children]
            for page in document.pages]


def calls_in_text(document) -> list[str]:
    return [box.text for page in document.pages for box in page._page_box.descendants()
            if isinstance(box, TextBox) and "fn-call" in (box.element.get("class") or "")]


def text_of(page) -> str:
    return "".join(getattr(box, "text", "") for box in page._page_box.descendants())


def test_a_figure_too_tall_for_the_page_floats_and_the_text_after_it_fills_the_hole():
    unfloated = lay_out(HTML(string=page()), {})
    assert any(hole.page == 1 and hole.lines > 5 for hole in holes(unfloated.document.pages))   # the case is real
    assert any("figure 1 went whole to page 2" in fault.message for fault in unfloated.faults)

    source = HTML(string=page())
    layout = lay_out(source, {}, notes_in_order=in_new_order)
    first, second = layout.document.pages[:2]
    assert layout.floated == [("figure 1", 2)]
    assert max(hole.lines for hole in holes(layout.document.pages)) <= 2
    assert "following" in text_of(first) and "Figure 1. A chart." in text_of(second)
    assert not [fault for fault in layout.faults if "hole" in fault.message], layout.faults
    # in the reading order the figure now follows the paragraph that ran past it
    blocks = [child.tag for child in source.etree_element.find("body/section")]
    assert blocks == ["p", "p", "figure", "p"]   # after the first block that fills the hole, not later


def test_the_notes_are_numbered_again_in_the_new_reading_order_with_the_texts_for_that_order():
    source = HTML(string=page())
    layout = lay_out(source, {}, notes_in_order=in_new_order)
    notes = notes_on_pages(layout.document)
    # the paragraph's note (2 as the editor placed it) comes first now, the figure's note after it
    assert notes[:2] == [["1. Old note 2, printed first."], ["2. Old note 1, printed after note 1."]]
    assert calls_in_text(layout.document) == ["1", "2"]   # the calls in the text carry the new numbers, in order
    root = source.etree_element
    assert [(a.text, a.get("href"), a.get("id")) for a in root.iter("a")] == [
        ("1", "#note-1", "call-1"), ("2", "#note-2", "call-2")]            # the PDF's links follow the numbers
    assert [(span.get("id"), span.get("data-note")) for span in root.iter("span") if span.get("class") == "fn"] == [
        ("note-1", "1"), ("note-2", "2")]
    assert layout.notes == {1: (1, 1), 2: (2, 2)}


def test_a_figure_a_colon_introduces_stays_with_it_and_the_hole_says_why():
    html = page().replace("opening</p>", "opening, as the chart shows:</p>")
    layout = lay_out(HTML(string=html), {}, notes_in_order=in_new_order)
    assert layout.floated == []
    message = [fault.message for fault in layout.faults if "hole" in fault.message]
    assert len(message) == 1 and "figure 1 went whole to page 2, after the colon that introduces it" in message[0]


def test_a_float_that_does_not_fill_the_hole_is_taken_back_and_the_pages_are_those_without_it():
    marked = call(2).replace("Note 2 as typed.", "Note 2 in <em>a journal</em>.")   # a note with markup in it
    kept = f"<div class='kept'><p>kept {marked} {' '.join(['kept'] * 60)}</p></div>"   # taller than the hole, kept
    plain = lay_out(HTML(string=page(after=kept)), {})
    source = HTML(string=page(after=kept))
    tried = lay_out(source, {}, notes_in_order=in_new_order)
    assert tried.floated == [] and tried.passes == plain.passes + 1
    assert [text_of(p) for p in tried.document.pages] == [text_of(p) for p in plain.document.pages]
    assert notes_on_pages(tried.document) == notes_on_pages(plain.document)
    assert [child.tag for child in source.etree_element.find("body/section")] == ["p", "figure", "div"]
    # the parsed HTML is back as it was too, for any layout that follows: the notes' numbers and markup
    spans = [span for span in source.etree_element.iter("span") if span.get("class") == "fn"]
    assert [(span.get("id"), "".join(span.itertext()), [c.tag for c in span]) for span in spans] == [
        ("note-1", "Note 1 as typed.", []), ("note-2", "Note 2 in a journal.", ["em"])]


def test_a_figure_too_tall_to_stand_after_the_text_that_would_run_on_is_not_floated():
    """What the paragraph after the figure carries over, and the figure, would not fit on the next page:
    no float is tried (it would cost a layout, and be taken back)."""
    html = page(art="70mm", after=f"<p>{' '.join(['following'] * 60)}</p>").replace(call(1), "")   # no notes
    plain = lay_out(HTML(string=html), {}, max_passes=1)
    assert holes(plain.document.pages)[0].lines > 2
    layout = lay_out(HTML(string=html), {}, notes_in_order=in_new_order)
    assert layout.floated == [] and layout.passes == 1


def test_notes_numbered_with_a_gap_are_not_numbered_again_so_no_figure_floats():
    html = page().replace(call(2), call(3))      # notes 1 and 3: a theme or style that skips a number
    layout = lay_out(HTML(string=html), {}, notes_in_order=in_new_order)
    assert layout.floated == [] and layout.passes == 1


def test_without_a_way_to_number_the_notes_again_no_figure_floats():
    layout = lay_out(HTML(string=page()), {})
    assert layout.floated == [] and any(hole.lines > 5 for hole in holes(layout.document.pages))


def test_a_float_is_judged_by_its_pages_the_hole_it_leaves_and_the_page_the_figure_lands_on():
    layout = lay_out(HTML(string=page()), {}, notes_in_order=in_new_order)
    pages, chart = layout.document.pages, layout.floats[0].figure      # page 1's hole is 0.2 lines, the chart on page 2
    judged = lambda **given: Float(chart, chart, **{"page": 1, "hole_lines": 5.8, "pages": 3, **given}).helped(pages)  # noqa: E731
    assert judged() and judged(hole_lines=1.2 + 1e-9) and judged(page=2, hole_lines=5.8)
    assert not judged(pages=2)              # a page more than before
    assert not judged(hole_lines=1.1)       # the hole not a line smaller
    assert not judged(page=3)               # no page after the last: no hole to judge, no page to land on
    assert layout.floats[0].passed == 1 and layout.floats[0].order == [2, 1]


def heading_case(next_section: str = "section") -> str:
    """The paragraph after the figure (4 lines) does not fill the hole (5.8), the heading after it (3) would."""
    return page(after=f"<p>{' '.join(['following'] * 18)}</p>").replace(
        "h2 { font-size: 10pt; margin: 0 }", "h2 { font-size: 10pt; margin: 24pt 0 0 }").replace(
        " ".join(["closing"] * 30), " ".join(["closing"] * 8)).replace(
        "<section class='section'><h2>Next", f"<section class='{next_section}'><h2>Next")


def test_the_figure_never_follows_a_heading_directly():
    """The figure follows the first paragraph under the next section's heading instead."""
    source = HTML(string=heading_case())
    layout = lay_out(source, {}, notes_in_order=in_new_order)
    assert layout.floated == [("figure 1", 2)]
    sections = source.etree_element.findall("body/section")
    assert [child.tag for child in sections[0]] == ["p", "p"]
    assert [child.tag for child in sections[1]] == ["h2", "p", "figure"] and layout.floats[0].passed == 2


def test_a_figure_never_floats_into_another_kind_of_section():
    layout = lay_out(HTML(string=heading_case("recommendations")), {}, notes_in_order=in_new_order)
    assert layout.floated == [] and any("figure 1 went whole" in fault.message for fault in layout.faults)


ENDNOTES = ("<section class='endnotes'><ol>{items}</ol></section>")


def endnote_call(number: int) -> str:
    return f"<a class='note-call' id='call-{number}' href='#endnote-{number}'>{number}</a>"


def test_endnote_calls_and_the_list_of_endnotes_are_numbered_again_in_the_new_order():
    words = lambda count: " ".join(["following"] * count)  # noqa: E731
    html = page(after=f"<p>{words(2)} {endnote_call(2)} {words(28)}</p><p>{words(23)}</p>").replace(
        call(1), endnote_call(1)) + ENDNOTES.format(items="".join(
            f"<li id='endnote-{n}'>Note {n} as typed.</li>" for n in (1, 2)))
    source = HTML(string=html)
    layout = lay_out(source, {}, notes_in_order=in_new_order)
    assert layout.floated == [("figure 1", 2)]
    root = source.etree_element
    calls = [(a.text, a.get("href")) for a in root.iter("a")]
    assert calls == [("1", "#endnote-1"), ("2", "#endnote-2")]            # the paragraph's call first now
    assert ["".join(li.itertext()) for li in root.iter("li")] == [
        "Old note 2, printed first.", "Old note 1, printed after note 1."]


def test_a_second_float_asks_for_the_notes_by_their_numbers_in_the_outline():
    """Two figures float, one after the other: the second asks the citation processor for the notes by
    the numbers the outline gave them (2, 1, 4, 3), not by those the first float printed."""
    first = page()
    second = (first.split("<section class='section'>")[1].replace(call(1), call(3)).replace(call(2), call(4))
              .replace("figure-1", "figure-2").replace("Figure 1", "Figure 2"))
    html = first.replace("<section class='section'><h2>Next",
                         f"<section class='section' style='break-before: page'>{second}<section class='section'><h2>Next")
    asked = []
    layout = lay_out(HTML(string=html), {}, notes_in_order=lambda order: asked.append(order) or in_new_order(order))
    assert [name for name, _ in layout.floated] == ["figure 1", "figure 2"]
    assert asked == [[2, 1, 3, 4], [2, 1, 4, 3]]
    texts = [note for page_notes in notes_on_pages(layout.document) for note in page_notes]
    assert texts == ["1. Old note 2, printed first.", "2. Old note 1, printed after note 1.",
                     "3. Old note 4, printed after note 2.", "4. Old note 3, printed after note 3."]


# -- the economy example, set in the briefing-note theme ----------------------------------------

CHART = re.compile(r"(?m)^      - chart:\n(?:        .*\n)+")
AFTER = "        would tolerate Pakistan’s active participation in the project\"[@avdaliani-2020].\n"


@pytest.fixture(scope="module")
def economy(tmp_path_factory):
    """The economy example in briefing-note as written, and with its chart moved by hand where the float puts it."""
    root = tmp_path_factory.mktemp("workspace")
    for name in ("seeds", "briefs", "templates", "data"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.lock"))
    written = re.sub(r"(?m)^template:.*\n", "template: briefing-note\n",
                     (root / "briefs" / "azerbaijan-pakistan-economy.yaml").read_text(encoding="utf-8"))
    chart = CHART.search(written)[0]
    assert AFTER in written
    by_hand = CHART.sub("", written).replace(AFTER, AFTER + chart)
    pipeline, built = Pipeline(Workspace.at(root)), {}
    for name, text in (("written", written), ("by-hand", by_hand)):
        (root / "briefs" / f"{name}.yaml").write_text(text, encoding="utf-8")
        built[name] = pipeline.build(pipeline.check(root / "briefs" / f"{name}.yaml"),
                                     BuildOptions(output=root / "out" / f"{name}.pdf", formats=("html", "docx")))
    return built


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def test_the_economy_chart_floats_and_its_pages_are_those_of_the_chart_moved_by_hand(economy):
    written, by_hand = economy["written"], economy["by-hand"]
    assert written.pages == by_hand.pages == 3
    assert pdf_pages(written.pdf) == pdf_pages(by_hand.pdf)      # every word, every note number and note text
    first = pdf_pages(written.pdf)[0]
    assert "Figure 1." not in first and "Figure 1." in pdf_pages(written.pdf)[1]
    assert not [message for message in written.typography if "page 1: a hole" in message], written.typography
    report = page_report(written)                                 # --report tells the editor what moved
    assert [line for line in report if "floated" in line] == [f"page 2: {report[1].split(': ')[1].split(',')[0]}, "
                                                              "figure 1 floated here"]
    assert by_hand.floated == [] and [line for line in page_report(by_hand) if "floated" in line] == []


def test_a_long_table_continued_from_the_page_with_the_hole_does_not_float():
    """Tall rows never split: the page before the table's next rows can end in a hole, but the table began
    before it, so there is nothing to float (the table would otherwise be moved whole after the text)."""
    rows = "".join(f"<tr><td>{n}</td><td style='height: 22mm'>row {n}</td></tr>" for n in range(3))
    table = f"<div class='table-block' id='table-1'><table><caption>Table 1. Source: {call(1)}</caption><tbody>{rows}</tbody></table></div>"
    html = re.sub("<figure.*</figure>", table, page(opening=20))
    unfloated = lay_out(HTML(string=html), {}, max_passes=1)
    first, second = unfloated.document.pages[:2]
    assert holes(unfloated.document.pages)[0].lines > 2 and "row 0" in text_of(first) and "row 2" in text_of(second)
    layout = lay_out(HTML(string=html), {}, notes_in_order=in_new_order)
    assert layout.floated == []


def test_the_web_and_word_editions_print_the_floated_figure_where_the_pdf_does_with_the_same_notes(economy):
    written, by_hand = economy["written"], economy["by-hand"]
    web, web_by_hand = (result.editions["html"][1].decode("utf-8") for result in (written, by_hand))
    assert web == web_by_hand
    docx = [subprocess.run([pandoc_path(), "-f", "docx", "-t", "plain", "--wrap=none", str(result.editions["docx"][0])],
                           capture_output=True, text=True, check=True).stdout for result in (written, by_hand)]
    assert docx[0] == docx[1]
    chart = docx[0].index("[Bar chart: bilateral trade")
    assert docx[0].index("participation in the project.”[17]") < chart < docx[0].index("The east–west routes")


def test_the_editions_keep_the_outline_order_when_the_pdf_order_of_the_notes_cannot_be_matched(economy):
    """A theme whose blocks are not one element each would make the block count wrong: the copy's notes
    would not come in the PDF's order, and the editions keep the outline's placement rather than differ."""
    from xml.etree.ElementTree import Element
    from briefwright.render.floats import Float, outline_as_printed

    outline_path = economy["written"].outline
    pipeline = Pipeline(Workspace.at(outline_path.parent.parent))
    checked = pipeline.check(outline_path)
    chart = Element("figure", {"id": "figure-1"})
    matched = Float(chart, chart, 1, 11.0, 3, passed=2, order=[*range(1, 14), 15, 16, 17, 18, 14, *range(19, 25)])
    printed, notes = outline_as_printed(checked.outline, [matched])
    assert [group.number for group in notes] == list(range(1, 25))
    assert [type(block).__name__ for block in printed.sections[2].body] == ["Prose", "Chart", "Prose"]
    assert [type(block).__name__ for block in checked.outline.sections[2].body] == ["Prose", "Prose"]  # a copy
    assert checked.notes[13].number == 14 and notes[17] is not checked.notes[13]                      # untouched
    miscounted = Float(chart, chart, 1, 11.0, 3, passed=3, order=matched.order)
    assert outline_as_printed(checked.outline, [miscounted]) is None
    # past one block (a paragraph of section 2), or to the end of section 3: the last place a figure may go
    one = Float(chart, chart, 1, 11.0, 3, passed=1, order=[*range(1, 14), 15, 16, 14, *range(17, 25)])
    assert [type(b).__name__ for b in outline_as_printed(checked.outline, [one])[0].sections[1].body] == [
        "Prose", "Prose", "Chart"]
    last = Float(chart, chart, 1, 11.0, 3, passed=3, order=[*range(1, 14), *range(15, 22), 14, *range(22, 25)])
    assert [type(b).__name__ for b in outline_as_printed(checked.outline, [last])[0].sections[2].body] == [
        "Prose", "Prose", "Chart"]
    beyond = Float(chart, chart, 1, 11.0, 3, passed=4, order=last.order)
    assert outline_as_printed(checked.outline, [beyond]) is None
    # a table the outline does not have: nothing moves, and the editions keep the outline's order
    table = Element("div", {"id": "table-1"})
    unmoved = Float(table, table, 1, 11.0, 3, passed=2, order=list(range(1, 25)))
    assert outline_as_printed(checked.outline, [unmoved]) is None


def test_a_figure_after_another_figure_is_not_taken_for_one_a_colon_introduces():
    """The figure before ends in "Source: ¹", a colon once its call is left out: it introduces nothing."""
    html = page(opening=30).replace(call(2), call(3)).replace(call(1), call(2)).replace(
        "<figure id='figure-1'>", "<figure id='figure-0'><div class='art' style='height: 10mm'></div><figcaption>"
        f"Figure 0. A small chart. Source: {call(1)}</figcaption></figure><figure id='figure-1'>")
    layout = lay_out(HTML(string=html), {}, notes_in_order=in_new_order)
    assert layout.floated == [("figure 1", 2)]
    assert not [fault for fault in layout.faults if "colon" in fault.message]
