"""Print quality measured on the finished PDFs of both example briefs in every built-in theme.

The measures are read from the PDF by poppler (tests/pdf_measure.py), not from
briefwright's own boxes: the measure (characters per line), hyphenation (American
patterns for `en`, British for `en-GB`, no proper noun or paragraph-final word broken);
holes at the foot of a page are read from WeasyPrint's boxes, on pages made for them.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pyphen
import pytest
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import BlockBox, LineBox

from briefwright.build import BuildOptions, BuildResult, Pipeline
from briefwright.regen.rebuild import page_report
from briefwright.render.layout import lay_out
from briefwright.render.pdf import render_pdf
from briefwright.render.typography import holes
from briefwright.workspace import Workspace
from tests.pdf_measure import (AUTO_HYPHEN, characters_per_line, final_fragments, hyphenated_proper_nouns,
                               lines_broken_short, notes, pdf_lines, widest_word_gaps)

REPO = Path(__file__).resolve().parent.parent
THEMES = ("policy-brief", "briefing-note", "caspian-policy-institute")
EXAMPLES = ("azerbaijan-pakistan-turkey", "azerbaijan-pakistan-economy")


@pytest.fixture(scope="module")
def example_builds(tmp_path_factory) -> dict[tuple[str, str], BuildResult]:
    """Both example briefs built in every theme: {(example, theme): the build's result}."""
    root = tmp_path_factory.mktemp("workspace")
    for name in ("seeds", "briefs", "templates", "data"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.lock"))
    pipeline, pdfs = Pipeline(Workspace.at(root)), {}
    for example in EXAMPLES:
        text = re.sub(r"(?m)^template:.*\n", "", (root / "briefs" / f"{example}.yaml").read_text(encoding="utf-8"))
        for theme in THEMES:
            outline = root / "briefs" / f"{example}--{theme}.yaml"
            outline.write_text(f"template: {theme}\n{text}", encoding="utf-8")
            output = root / "out" / f"{example}--{theme}.pdf"
            pdfs[example, theme] = pipeline.build(pipeline.check(outline), BuildOptions(output=output))
    return pdfs


@pytest.fixture(scope="module")
def example_pdfs(example_builds) -> dict[tuple[str, str], Path]:
    return {key: result.pdf for key, result in example_builds.items()}


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("theme", THEMES)
def test_body_text_and_notes_are_set_at_60_to_80_characters_a_line(example_pdfs, example, theme):
    """Notes are told by their numbers (a table's rows or the Sources list are not notes): all keep to 80."""
    measure = characters_per_line(example_pdfs[example, theme])
    assert 60 <= measure["body"] <= 80, measure
    assert 55 <= measure["notes"] <= 80, measure
    assert measure.get("headings", 0) <= 80 and measure.get("small", 0) <= 80, measure


def test_the_notes_are_told_by_their_numbers_every_note_of_the_example_found_in_order(example_pdfs):
    """The measure finds all 46 notes of the Turkey brief, each from its number, in policy-brief's footnotes
    and in briefing-note's endnotes (in two columns)."""
    for theme in ("policy-brief", "briefing-note"):
        found = notes(pdf_lines(example_pdfs["azerbaijan-pakistan-turkey", theme]))
        assert len(found) == 46, theme
        assert found[0][0].text.startswith("1. Yaver Kazimbeyli") and found[45][0].text.startswith("46. ")
        assert all(line.size < 9.5 for note in found for line in note)     # notes, never the body text


# -- hyphenation ------------------------------------------------------------------------

NARROW = ("<html lang={lang}><style>@page {{ size: 90mm 297mm; margin: 5mm }} p {{ hyphens: auto; "
          "hyphenate-limit-chars: 6 3 3; text-align: left; font: 10pt serif; margin: 0 0 4pt }}</style>{body}</html>")
DIFFERING = ("important", "democracy", "cooperation", "military")   # en_US and en_GB patterns break these apart


def pdf_of(html: str, tmp_path: Path, name: str = "page.pdf") -> Path:
    checked = Pipeline(Workspace.at(REPO)).check(REPO / "briefs" / f"{EXAMPLES[0]}.yaml")
    path = tmp_path / name
    path.write_bytes(render_pdf(html, checked.theme, tmp_path).data)
    return path


def broken_words(pdf: Path) -> list[str]:
    """The first parts of the words automatic hyphenation broke, hyphen dropped."""
    return [line.text.split()[-1].rstrip(AUTO_HYPHEN) for line in pdf_lines(pdf) if line.text.endswith(AUTO_HYPHEN)]


def break_points(lang: str) -> set[str]:
    """Every first part pyphen's `lang` patterns allow for the DIFFERING words (the reference)."""
    dictionary = pyphen.Pyphen(lang=lang, left=3, right=3)
    return {start for word in DIFFERING for start, _ in dictionary.iterate(word)}


@pytest.mark.parametrize(("lang", "patterns"), [("en", "en_US"), ("en-US", "en_US"), ("en-GB", "en_GB")])
def test_english_hyphenates_with_american_patterns_and_en_gb_with_british(tmp_path, lang, patterns):
    words = " ".join(DIFFERING[i % 4] + ("," if i % 3 == 0 else "") for i in range(160))
    pdf = pdf_of(NARROW.format(lang=lang, body=f"<p>{words} and so on.</p>"), tmp_path)
    broken = set(broken_words(pdf))
    other = break_points("en_GB" if patterns == "en_US" else "en_US")
    assert len(broken) >= 3 and broken <= break_points(patterns), broken
    assert broken - other, f"every break {broken} is also a {patterns} break: the test proves nothing"


RUNNING_HEAD = ("<html lang={lang}><style>@page {{ size: 90mm 200mm; margin: 60mm 5mm 5mm; @top-center {{ "
                "content: string(head); width: 38mm; font: 10pt serif; text-align: left }} }} html {{ hyphens: auto; "
                "hyphenate-limit-chars: 6 3 3 }} h1 {{ string-set: head content(); font-size: 1pt; color: white }}"
                "</style><body><h1>{words}</h1><p>Text.</p></body></html>")


@pytest.mark.parametrize(("lang", "patterns"), [("en", "en_US"), ("en-GB", "en_GB")])
def test_running_heads_hyphenate_in_the_language_of_the_text(tmp_path, lang, patterns):
    """A running head (a page margin box, outside <body>) hyphenates with the text's patterns, American for `en`."""
    words = " ".join(DIFFERING[i % 4] for i in range(12))
    pdf = pdf_of(RUNNING_HEAD.format(lang=lang, words=words), tmp_path)
    broken = set(broken_words(pdf))
    other = break_points("en_GB" if patterns == "en_US" else "en_US")
    assert len(broken) >= 2 and broken <= break_points(patterns), broken
    assert broken - other, f"every break {broken} is also a {patterns} break: the test proves nothing"


NOUNS = ("Azerbaijan", "Mammadyarov", "Constantinople", "Nagorno-Karabakh", "Islamabad’s", "Kazimbeyli")
ENDINGS = ("cooperation", "administration", "understanding", "responsibilities", "internationally", "conclusion")


def nouns_and_endings_page() -> str:
    """Paragraphs of capitalised long words, each ending in a long word, at many lengths."""
    paragraphs = []
    for n in range(24):
        words = [NOUNS[(n + i) % len(NOUNS)] if i % 2 else ("with", "characteristically")[i % 4 // 2]
                 for i in range(5 + n % 9)]
        paragraphs.append(f"<p>{' '.join(words)} {ENDINGS[n % len(ENDINGS)]}.</p>")
    return NARROW.format(lang="en", body="".join(paragraphs))


def test_proper_nouns_and_the_last_word_of_a_paragraph_are_never_hyphenated(tmp_path):
    pdf = pdf_of(nouns_and_endings_page(), tmp_path)
    assert broken_words(pdf), "nothing was hyphenated at all: the page is not narrow enough to tell"
    assert hyphenated_proper_nouns(pdf) == []
    assert final_fragments(pdf) == []


@pytest.mark.parametrize("ending", [
    'the <span class="quotation">“bilateral agreements<span class="editorial">.</span>”</span>',
    'the bilateral agreements.\u2060<a class="fn-call" href="#note-3">3</a><span class="fn">A note.</span>',
    '<span class="quotation">“the bilateral agreements<span class="editorial">.</span>”</span>\u2060'
    '<a class="fn-call" href="#note-3">3</a><span class="fn">Kazimbeyli, “New Defense Triangle.”</span>'])
def test_the_last_word_behind_closing_marks_and_a_note_call_is_kept_whole(ending):
    """The last word is found behind what follows it: the editor's punctuation, the closing mark, the call."""
    from xml.etree import ElementTree

    from briefwright.render.hyphenation import prepare

    root = ElementTree.fromstring(f"<html lang='en'><body><ul><li>Ankara signed {ending}</li></ul></body></html>")
    before = len(list(root.iter()))
    assert prepare(root) == {"agreements"}
    assert len(list(root.iter())) == before    # no span added: an inline box there upsets WeasyPrint's line breaks


def test_the_typographic_check_reports_hyphenated_proper_nouns_and_final_fragments():
    layout = lay_out(HTML(string=nouns_and_endings_page()), {}, max_passes=1)   # not prepared: words unprotected
    messages = [fault.message for fault in layout.faults]
    assert any("a proper noun is hyphenated" in m for m in messages), messages
    assert any("ends in a fragment" in m for m in messages), messages
    mended = lay_out(HTML(string=nouns_and_endings_page()), {})
    assert not any("proper noun" in f.message or "fragment" in f.message for f in mended.faults)


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("theme", THEMES)
def test_the_example_briefs_break_no_proper_noun_and_end_no_paragraph_in_a_fragment(example_pdfs, example, theme):
    pdf = example_pdfs[example, theme]
    assert (hyphenated_proper_nouns(pdf), final_fragments(pdf)) == ([], [])


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("theme", THEMES)
def test_the_example_briefs_are_laid_out_once_and_once_more_for_a_floated_figure(example_builds, example, theme):
    """Each layout costs about a second: the built-in themes let quotations split, so no hole needs one more;
    a figure that floats to fill a hole costs one (the economy chart in briefing-note)."""
    result = example_builds[example, theme]
    assert result.passes == 1 + len(result.floated)
    assert result.floated == ([("figure 1", 2)] if (example, theme) == ("azerbaijan-pakistan-economy",
                                                                         "briefing-note") else [])


# -- loose lines ------------------------------------------------------------------------

WIDEST_GAP_EMS = 1.1   # a word space of a quarter em, stretched more than four times: a gap in the line


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("theme", THEMES)
def test_the_example_briefs_have_no_line_with_its_words_spread_apart(example_builds, example, theme):
    result = example_builds[example, theme]
    assert [message for message in result.typography if "loose line" in message] == []
    gaps = [(page, round(gap, 2), text) for page, gap, text in widest_word_gaps(result.pdf) if gap > WIDEST_GAP_EMS]
    assert gaps == []     # read from the PDF by poppler too


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("theme", THEMES)
def test_the_example_briefs_break_no_line_short_inside_a_paragraph(example_pdfs, example, theme):
    """No line of a paragraph ends after a word or two with the rest of the sentence on the next ("in" / "Baku …")."""
    assert lines_broken_short(example_pdfs[example, theme]) == []


LOOSE_PAGE = ("<style>@page {{ size: 100mm 100mm; margin: 10mm }} p {{ font: 10pt serif; text-align: justify; "
              "hyphens: manual }}</style><p>{words}</p>")


def test_a_justified_line_with_its_word_spaces_stretched_is_reported_as_loose_with_its_page():
    tight = lay_out(HTML(string=LOOSE_PAGE.format(words=" ".join(["word"] * 80))), {}, max_passes=1)
    loose = lay_out(HTML(string=LOOSE_PAGE.format(words="a b c " + "x" * 40 + " d e f " + "y" * 44)), {},
                    max_passes=1)
    assert not any("loose line" in fault.message for fault in tight.faults), tight.faults
    messages = [fault.message for fault in loose.faults if "loose line" in fault.message]
    assert len(messages) == 2, messages     # "a b c" and "d e f", each before a long word
    assert all(m.startswith("page 1: a loose line in the text, its word spaces stretched to ") for m in messages)


# -- the back page ----------------------------------------------------------------------

@pytest.mark.parametrize("example", EXAMPLES)
def test_the_institute_back_page_takes_the_page_width_not_the_text_column(example_pdfs, example):
    lines = pdf_lines(example_pdfs[example, "caspian-policy-institute"])
    back = [line for line in lines if line.page == lines[-1].page and line.text.startswith("The views expressed")]
    column = [line for line in lines if line.page == 2]
    column_left = statistics.median(line.left for line in column)
    assert len(back) == 1 and back[0].left < column_left - 20, (back, column_left)   # 20 pt: clear of the column


# -- holes at the foot of a page ------------------------------------------------------

HOLE_PAGE = ("<style>@page {{ size: 120mm 100mm; margin: 10mm }} body {{ font: 10pt/14pt serif; orphans: 2; "
             "widows: 2 }} p {{ margin: 0 }} blockquote {{ margin: 0 0 0 8mm; break-inside: avoid }}</style>"
             "<p>{opening}</p>{middle}<blockquote><p>{quoted}</p></blockquote><p>{closing}</p>")


def hole_page(middle: str = "") -> str:
    return HOLE_PAGE.format(opening=" ".join(["opening"] * 70), middle=middle,
                            quoted=" ".join(["quoted"] * 60), closing=" ".join(["closing"] * 30))


def hole_messages(html: str, max_passes: int | None = None) -> list[str]:
    return [fault.message for fault in lay_out(HTML(string=html), {}, max_passes).faults if "hole" in fault.message]


def test_a_hole_left_by_a_quotation_kept_whole_is_found_with_its_page_and_size():
    messages = hole_messages(hole_page(), max_passes=1)
    assert len(messages) == 1 and messages[0].startswith("page 1: a hole of "), messages
    assert "the block quotation beginning 'quoted quoted" in messages[0]
    lines = float(messages[0].split("a hole of ")[1].split()[0])
    assert lines > 2


def test_the_layout_mends_the_hole_by_splitting_the_quotation_two_lines_or_more_either_side():
    layout = lay_out(HTML(string=hole_page()), {})
    assert layout.passes == 2 and layout.faults == [], layout.faults
    first_page, second_page = layout.document.pages[:2]
    quoted = [[line for line in page._page_box.descendants() if isinstance(line, LineBox)
               and "quoted" in "".join(getattr(box, "text", "") for box in line.descendants())]
              for page in (first_page, second_page)]
    assert min(len(quoted[0]), len(quoted[1])) >= 2, [len(q) for q in quoted]
    assert max(hole.lines for hole in holes(layout.document.pages)) <= 2


def test_empty_space_before_a_deliberate_page_break_is_no_hole():
    html = hole_page(middle="<h2 style='break-before: page'>A new part</h2>").replace(
        " ".join(["opening"] * 70), "opening words")
    assert hole_messages(html) == []
    assert [hole.page for hole in holes(lay_out(HTML(string=html), {}).document.pages)] in ([], [2])


FILL_PAGE = ("<style>@page {{ size: 120mm 100mm; margin: 10mm }} body {{ font: 10pt/14pt serif }} p {{ margin: 0 }} "
             ".kept {{ break-inside: avoid }}</style>{short}<div class='kept'><p>{long}</p></div>")


def line_tops(page) -> list[float]:
    return [line.position_y for line in page._page_box.descendants() if isinstance(line, LineBox)]


def test_a_hole_the_pages_gaps_can_take_is_spread_over_them_and_nothing_changes_page():
    """Twelve one-line paragraphs, then a block kept together that goes whole to page 2: a hole of 4 lines,
    spread over the eleven gaps (each grows by the same amount, under half a line) down to 1.5 lines."""
    html = FILL_PAGE.format(short="".join(f"<p>Paragraph {n}.</p>" for n in range(12)),
                            long=" ".join(["kept"] * 90))
    layout = lay_out(HTML(string=html), {})
    assert layout.passes == 1 and not [f for f in layout.faults if "hole" in f.message], layout.faults
    first = layout.document.pages[0]
    tops = line_tops(first)
    assert len(tops) == 12 and "kept" not in "".join(b.text for b in first._page_box.descendants()
                                                    if hasattr(b, "text"))
    gaps = [after - before for before, after in zip(tops, tops[1:])]
    assert max(gaps) - min(gaps) < 0.01 and 14 * 4 / 3 < gaps[0] < 14 * 4 / 3 * 1.5, gaps   # px: one line + a little
    assert 1.4 < holes(layout.document.pages)[0].lines <= 1.55


def test_a_table_among_a_sections_paragraphs_moves_whole_and_the_section_still_grows():
    """Ten paragraphs and a table of two rows in one section: the section's gaps grow (the table's among
    them), and the table moves whole, its rows as close together as before. The same section clipping what
    overflows it is not grown (its blocks would be cut off), so its hole is left and reported."""
    table = "<table style='border-collapse: collapse'><tr><td>one</td></tr><tr><td>two</td></tr></table>"
    html = FILL_PAGE.format(short="<section>" + "".join(f"<p>Paragraph {n}.</p>" for n in range(10)) + table
                            + "</section>", long=" ".join(["kept"] * 90))
    clipping = html.replace("<section>", "<section style='overflow: hidden'>")
    assert len(hole_messages(clipping)) == 1
    unfilled = line_tops(lay_out(HTML(string=clipping), {}).document.pages[0])
    layout = lay_out(HTML(string=html), {})
    assert not [f for f in layout.faults if "hole" in f.message], layout.faults
    tops = line_tops(layout.document.pages[0])
    assert len(tops) == len(unfilled) == 12
    assert abs((tops[11] - tops[10]) - (unfilled[11] - unfilled[10])) < 0.01          # the rows, as they were
    growth = [(tops[n + 1] - tops[n]) - (unfilled[n + 1] - unfilled[n]) for n in range(10)]
    assert max(growth) - min(growth) < 0.01 and growth[0] > 1, growth        # px

def test_a_block_with_nothing_to_show_is_no_gap_to_grow():
    """Empty blocks (the page furniture the running heads read, of no height) between the paragraphs: the
    gaps counted are the eleven between lines, so each grows alike, none twice for an empty block in it."""
    short = "".join(f"<p>Paragraph {n}.</p>" + ("<div></div>" if n % 4 == 1 else "") for n in range(12))
    layout = lay_out(HTML(string=FILL_PAGE.format(short=short, long=" ".join(["kept"] * 90))), {})
    assert not [f for f in layout.faults if "hole" in f.message], layout.faults
    tops = line_tops(layout.document.pages[0])
    gaps = [after - before for before, after in zip(tops, tops[1:])]
    assert len(tops) == 12 and max(gaps) - min(gaps) < 0.01, gaps
    assert 1.4 < holes(layout.document.pages)[0].lines <= 1.55

def test_a_hole_too_large_for_the_pages_gaps_is_left_and_reported():
    html = FILL_PAGE.format(short="".join(f"<p>Paragraph {n}.</p>" for n in range(3)),
                            long=" ".join(["kept"] * 150))
    messages = hole_messages(html)
    assert len(messages) == 1 and messages[0].startswith("page 1: a hole of "), messages
    tops = line_tops(lay_out(HTML(string=html), {}).document.pages[0])
    assert [round(b - a, 2) for a, b in zip(tops, tops[1:])] == [round(14 * 4 / 3, 2)] * 2   # gaps untouched


# -- what the fill may lay apart: a decorated box's blocks, a list's items, items numbered from outside the flow

DECORATED = ("<style>@page {{ size: 120mm 100mm; margin: 10mm }} body {{ font: 10pt/14pt serif }} p {{ margin: 0 }} "
             "ul {{ margin: 0; padding-left: 12pt }} .kept {{ break-inside: avoid }} "
             ".box {{ background: rgb(51, 102, 204); border-left: 3pt solid black; padding: 6pt 9pt; color: white }} "
             "ol {{ list-style: none; padding: 0; margin: 0 }} ol li {{ position: relative; padding-left: 22pt }} "
             "ol li::before {{ content: counter(list-item); position: absolute; left: 0; top: 1pt; width: 14pt; "
             "height: 14pt; border-radius: 7pt; background: rgb(204, 0, 0); color: white; "
             "font: bold 7.5pt/14pt sans-serif; text-align: center }}</style>"
             "<p>Opening.</p>{middle}<div class='kept'><p id='target'>{long}</p></div>")
KEPT = " ".join(["kept"] * 90)
BLUE, RED = (51, 102, 204), (204, 0, 0)


def filled_first_page(middle: str):
    """The first page of `middle` between an opening line and a block kept whole that goes to page 2."""
    layout = lay_out(HTML(string=DECORATED.format(middle=middle, long=KEPT)), {})
    assert layout.passes == 1 and not [f for f in layout.faults if "hole" in f.message], layout.faults
    assert 1.4 < holes(layout.document.pages)[0].lines <= 1.55
    return layout.document


def painted_rows(document, tmp_path: Path, x: float, colour: tuple[int, int, int]) -> list[int]:
    """The rows (CSS px from the page's top) where page 1 of `document`, drawn by poppler at 96 dpi
    (one pixel a CSS px), shows `colour` in column `x`."""
    from PIL import Image
    (tmp_path / "page.pdf").write_bytes(document.write_pdf())
    subprocess.run(["pdftoppm", "-png", "-r", "96", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "page.pdf"),
                    str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png").convert("RGB")
    return [y for y in range(image.height)
            if all(abs(a - b) <= 8 for a, b in zip(image.getpixel((round(x), y)), colour))]


def boxes_of(page, tag: str) -> list:
    return [box for box in page._page_box.descendants(placeholders=True) if box.element_tag == tag]


def test_a_decorated_box_grows_with_the_gaps_between_its_blocks_its_background_enclosing_its_text(tmp_path):
    """Ten one-line paragraphs in a box with a background, a border and padding: the box moved whole would
    leave one gap to grow; its paragraphs are laid apart instead, and its painted background grows with it."""
    document = filled_first_page("<div class='box'>" + "".join(f"<p>Point {n}.</p>" for n in range(10)) + "</div>")
    page = document.pages[0]
    tops = line_tops(page)
    gaps = [after - before for before, after in zip(tops[1:], tops[2:])]   # inside the box
    assert len(tops) == 11 and max(gaps) - min(gaps) < 0.01 and 14 * 4 / 3 < gaps[0] < 14 * 4 / 3 * 1.5, gaps
    box = boxes_of(page, "div")[0]
    assert box.border_box_y() < tops[1] and tops[-1] + 14 * 4 / 3 <= box.border_box_y() + box.border_height()
    painted = painted_rows(document, tmp_path, box.border_box_x() + box.border_width() - 3, BLUE)
    assert abs(painted[0] - box.border_box_y()) <= 1.5, (painted[0], box.border_box_y())
    assert abs(painted[-1] - (box.border_box_y() + box.border_height())) <= 1.5, (painted[-1], box.border_height())
    assert len(painted) >= box.border_height() - 2      # one band, from the box's top to its foot


def link_rectangles(pdf: Path) -> list[tuple[float, float, float, float]]:
    """Page 1's internal links as (left, top, right, bottom) in pt from the page's top left, as pdftotext gives words."""
    import pikepdf
    with pikepdf.open(pdf) as document:
        page = document.pages[0]
        height = float(page.MediaBox[3])
        rectangles = [[float(n) for n in annotation.Rect] for annotation in page.get("/Annots", [])
                      if "/Dest" in annotation]
    return [(min(x1, x2), height - max(y1, y2), max(x1, x2), height - min(y1, y2)) for x1, y1, x2, y2 in rectangles]


def test_a_lists_items_are_laid_apart_and_a_link_in_one_still_lands_on_its_text(tmp_path):
    """Eleven one-line items: the list moved whole would leave one gap; its items are laid apart, and the
    PDF's link in the last item covers its text (poppler's words against pikepdf's link rectangles)."""
    items = "".join(f"<li>Item {n}.</li>" for n in range(10)) + "<li>Item <a href='#target'>linked</a>.</li>"
    document = filled_first_page(f"<ul>{items}</ul>")
    tops = line_tops(document.pages[0])
    gaps = [after - before for before, after in zip(tops[1:], tops[2:])]
    assert len(tops) == 12 and max(gaps) - min(gaps) < 0.01 and 14 * 4 / 3 < gaps[0] < 14 * 4 / 3 * 1.5, gaps
    (tmp_path / "list.pdf").write_bytes(document.write_pdf())
    words = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(tmp_path / "list.pdf"), "-"],
                           check=True, capture_output=True, text=True).stdout
    word = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">linked\.<', words)
    word_left, word_top, word_right, word_bottom = map(float, word.groups())
    rectangles = link_rectangles(tmp_path / "list.pdf")
    assert len(rectangles) == 1
    left, top, right, bottom = rectangles[0]
    assert word_left - 1 <= left < right <= word_right + 1, (rectangles, word.groups())
    assert right - left > (word_right - word_left) * 0.8, (rectangles, word.groups())   # the word, maybe not its "."
    assert top - 1 <= word_top < word_bottom <= bottom + 1, (rectangles, word.groups())


def test_numbers_placed_absolutely_in_their_items_move_with_them_drawn_on_their_first_lines(tmp_path):
    """policy-brief's recommendations: each number is `position: absolute; top: 1pt` in a `position: relative`
    item. The items are laid apart and each number (its box and its painted disc) stays 1pt below its item's top."""
    document = filled_first_page("<ol>" + "".join(f"<li>Recommendation {n}.</li>" for n in range(11)) + "</ol>")
    page = document.pages[0]
    tops = line_tops(page)
    items = [box for box in boxes_of(page, "li") if box.style["position"] == "relative"]
    numbers = [box for box in boxes_of(page, "li::before") if isinstance(box, BlockBox)]
    gaps = [after.position_y - before.position_y for before, after in zip(items, items[1:])]
    assert len(items) == len(numbers) == 11 and max(gaps) - min(gaps) < 0.01 and gaps[0] > 14 * 4 / 3, gaps
    assert all(abs(number.border_box_y() - item.border_box_y() - 4 / 3) < 0.01 for number, item in zip(numbers, items))
    painted = painted_rows(document, tmp_path, numbers[0].border_box_x() + 2, RED)   # left of the digits
    starts = [row for row, before in zip(painted, [None] + painted) if before != row - 1]
    ends = [row for row, after in zip(painted, painted[1:] + [None]) if after != row + 1]
    discs = [(start + end) / 2 for start, end in zip(starts, ends)]    # each disc's middle row
    radius = 7 * 4 / 3
    assert len(discs) == 11, discs
    assert all(abs(disc - number.border_box_y() - radius) <= 1.5 for disc, number in zip(discs, numbers)), discs
    assert all(top <= disc <= top + 14 * 4 / 3 for disc, top in zip(discs, tops[1:]))   # on its item's first line


def test_a_block_holding_a_box_placed_against_the_page_stays_where_it_is():
    """An absolutely positioned box placed against the page (no positioned block around it) would not follow
    its paragraph: the paragraph and all above it stay; the gap left below it is too few to fill the hole."""
    placed = "<span style='position: absolute; top: 0; right: 0'>placed</span>"
    short = "".join(f"<p>Paragraph {n}.{placed if n == 10 else ''}</p>" for n in range(12))
    html = FILL_PAGE.format(short=short, long=" ".join(["kept"] * 90))
    messages = hole_messages(html)
    assert len(messages) == 1 and messages[0].startswith("page 1: a hole of "), messages
    page = lay_out(HTML(string=html), {}).document.pages[0]
    assert [round(b - a, 2) for a, b in zip(line_tops(page), line_tops(page)[1:])][:10] == [round(14 * 4 / 3, 2)] * 10
    anchored = FILL_PAGE.format(short=short.replace("<p>Paragraph 10.", "<p style='position: relative'>Paragraph 10."),
                                long=" ".join(["kept"] * 90))
    assert hole_messages(anchored) == []      # placed against its own paragraph, it moves with it


def test_the_page_report_counts_findings_in_good_english_and_lists_each_with_its_page():
    result = BuildResult(Path("briefs/x.yaml"), pages=2, typography=["page 1: a hole of 3 lines at the foot of the page"])
    report = page_report(result)
    assert "typography: 1 finding" in report
    assert "  page 1: a hole of 3 lines at the foot of the page" in report
    result.typography = []
    assert "typography: 0 findings, all clear" in page_report(result)


# -- the theme's fonts ------------------------------------------------------------------

HOUSE_SERIF = ('<style>@font-face { font-family: "House Serif"; src: url(fonts/LinLibertine_R.otf); } '
               'p, .fn { font-family: "House Serif"; font-size: 10pt } .fn { float: footnote }</style>')


def typography_of(html: str, tmp_path: Path) -> list[str]:
    checked = Pipeline(Workspace.at(REPO)).check(REPO / "briefs" / f"{EXAMPLES[0]}.yaml")
    return render_pdf(html, checked.theme, tmp_path).typography


def test_a_font_declared_without_bold_or_italic_is_a_warning_naming_it_and_the_first_text_needing_it(tmp_path):
    findings = typography_of(HOUSE_SERIF + "<p>Plain words, then <strong>strong words</strong> and "
                             "<em>leaning words</em>, <strong>more strong</strong>.</p>", tmp_path)
    assert "page 1: the theme's font 'House Serif' has no bold face, which 'strong words' needs: add an " \
           "@font-face for it (it is faked meanwhile)" in findings
    assert any("'House Serif' has no italic face, which 'leaning words' needs" in f for f in findings), findings
    assert typography_of(HOUSE_SERIF + "<p>Plain words only.</p>", tmp_path) == []


def test_a_missing_character_is_named_with_its_page_and_where_it_stands(tmp_path):
    findings = typography_of(HOUSE_SERIF + "<p>Plain words.</p><p style='break-before: page'>A snowman ☃ "
                             "here<span class=fn>and a note with ♞ in it</span>.</p>", tmp_path)
    assert "page 2: the character '☃' (U+2603) in the body is missing from the theme's font 'House Serif' " \
           "and was set in a system font" in findings
    assert any(f.startswith("page 2: the character '♞' (U+265E) in a note is missing") for f in findings), findings


def test_text_drawn_by_an_svg_logo_in_a_system_font_is_blamed_on_the_logo(tmp_path):
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20">'
                                       '<text x="0" y="15" font-family="Nowhere Sans">CPI</text></svg>')
    html = HOUSE_SERIF + f"<img class='logo' src='{(tmp_path / 'logo.svg').as_uri()}'><p>Plain words.</p>"
    findings = typography_of(html, tmp_path)
    assert len(findings) == 1 and findings[0].startswith("page 1: the SVG image ") and "(the logo) draws text in" \
        in findings[0] and findings[0].endswith("convert its text to paths"), findings


def test_a_short_last_page_the_brief_breaks_to_on_purpose_is_no_runt():
    style = HOLE_PAGE.split("<p>")[0]
    text = "<p>" + " ".join(["words"] * 200) + "</p>"
    back = "<p style='break-before: page'>The views expressed are the author’s own.</p>"
    layout = lay_out(HTML(string=style + text + back), {})
    assert len(layout.document.pages) >= 2
    assert [f.message for f in layout.faults if "last page" in f.message] == []


def test_the_characters_of_each_theme_font_are_those_fonttools_reads_in_full():
    """The cmap read without glyph names (fast) holds exactly the characters of fontTools' full reading."""
    from fontTools.ttLib import TTFont

    from briefwright.render.pdf import font_characters

    fonts = sorted((REPO / "src" / "briefwright" / "themes").rglob("*.otf"))
    assert len(fonts) >= 4
    for path in fonts:
        assert font_characters(path) == frozenset(TTFont(path).getBestCmap()), path.name
