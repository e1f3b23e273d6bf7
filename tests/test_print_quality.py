"""Print quality measured on the finished PDFs of both example briefs in every built-in theme.

The measures are read from the PDF by poppler (tests/pdf_measure.py), not from
briefwright's own boxes: the measure (characters per line), hyphenation (American
patterns for `en`, British for `en-GB`, no proper noun or paragraph-final word broken).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyphen
import pytest
from weasyprint import HTML

from briefwright.build import BuildOptions, Pipeline
from briefwright.render.pdf import lay_out, render_pdf
from briefwright.workspace import Workspace
from tests.pdf_measure import (AUTO_HYPHEN, characters_per_line, final_fragments, hyphenated_proper_nouns,
                               pdf_lines)

REPO = Path(__file__).resolve().parent.parent
THEMES = ("policy-brief", "briefing-note", "caspian-policy-institute")
EXAMPLES = ("azerbaijan-pakistan-turkey", "azerbaijan-pakistan-economy")


@pytest.fixture(scope="module")
def example_pdfs(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Both example briefs built in every theme: {(example, theme): PDF}."""
    root = tmp_path_factory.mktemp("workspace")
    for name in ("seeds", "briefs", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.lock"))
    pipeline, pdfs = Pipeline(Workspace.at(root)), {}
    for example in EXAMPLES:
        text = re.sub(r"(?m)^template:.*\n", "", (root / "briefs" / f"{example}.yaml").read_text(encoding="utf-8"))
        for theme in THEMES:
            outline = root / "briefs" / f"{example}--{theme}.yaml"
            outline.write_text(f"template: {theme}\n{text}", encoding="utf-8")
            output = root / "out" / f"{example}--{theme}.pdf"
            pdfs[example, theme] = pipeline.build(pipeline.check(outline), BuildOptions(output=output)).pdf
    return pdfs


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("example", EXAMPLES)
def test_body_text_and_notes_are_set_at_60_to_80_characters_a_line(example_pdfs, example, theme):
    measure = characters_per_line(example_pdfs[example, theme])
    assert 60 <= measure["body"] <= 80, measure
    assert 55 <= measure["notes"] <= 80, measure
    assert measure.get("headings", 0) <= 80, measure


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
