"""Hostile and careless text: quoted phrases that escape verification, odd catalog values,
control characters in sources, scripts beyond Latin, empty and CR-only sources (issue 9:
findings 5, 9, 12, 16, 17 and 18)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefwright.corpus.sources import Source
from briefwright.verify.matcher import QuotationNotFound, SourceIndex

from .conftest import REPO, minimal
from .test_html import render

HOSTILE = "  - id: hostile\n    file: hostile.txt\n    type: article\n    title: Hostile text\n"
COLUMN = 10  # the column of a prose item's first character in `minimal`'s single-quoted scalar


@pytest.fixture
def hostile(workspace):
    """Write `text` as the source `hostile` (seeds/hostile.txt), with `extra` catalog lines."""

    def write(text: str, extra: str = "") -> Path:
        (workspace.seeds / "hostile.txt").write_bytes(text.encode("utf-8"))
        with open(workspace.catalog, "a", encoding="utf-8") as catalog:
            catalog.write("\n" + HOSTILE + extra)
        return workspace.seeds / "hostile.txt"

    return write


def index(text: str) -> SourceIndex:
    return SourceIndex(Source("s", Path("s.txt"), text))


def printed(text: str, quotation: str) -> str | None:
    """What the brief prints for `quotation` in a source `text`; None if it is not found."""
    try:
        return index(text).find_unique(quotation).text
    except QuotationNotFound:
        return None


# -- 5: nothing in quotation marks goes unverified ---------------------------------------

FORMS = ['"{}"[@hostile]', '"{}" [@hostile]', '"{}".[@hostile]', '“{}”[@hostile]', '“{}” [@hostile]',
         '“{}”.[@hostile]', '“{}”, [@hostile]', '"{}”. [@hostile]']
TRAILING = ["", "", ".", "", "", ".", ",", "."]  # what each form prints between the quotation and the call


@pytest.mark.parametrize("form", FORMS)
def test_a_quoted_phrase_before_a_citation_is_verified_whatever_stands_between(form, run, hostile,
                                                                                write_outline):
    hostile("The minister spoke on Monday and left.\n")
    prose = "Officials recall that " + form.format("the minister spoke on Tuesday")
    write_outline(minimal(f"'{prose}'"))
    result = run("check")
    assert result.exit_code == 1, result.output
    column = COLUMN + prose.index(form[0])
    assert (f"briefs/test.yaml:5:{column}: error: quotation not found in hostile: "
            "“the minister spoke on Tuesday”") in result.output


@pytest.mark.parametrize("form, trailing", list(zip(FORMS, TRAILING)))
def test_a_verified_quoted_phrase_prints_the_source_then_its_punctuation_then_the_call(form, trailing, workspace,
                                                                                       hostile, write_outline):
    hostile("Their note said the minister’s words on Monday were brief.\n")
    path = write_outline(minimal("'Officials recall " + form.format("the minister''s words") + " x.'"))
    html = render(path, workspace)
    assert ('<span class="quotation" data-source="hostile" data-locator="para. 1">“the minister’s words”</span>'
            + trailing + '<a class="fn-call"') in html


def test_nested_quotation_marks_that_pair_are_one_quotation(workspace, hostile, write_outline):
    hostile("Officials said that the minister said “no” today in Baku.\n")
    path = write_outline(minimal("'Officials recall that \"the minister said \"no\" today\"[@hostile].'"))
    html = render(path, workspace)
    assert '“the minister said “no” today<span class="editorial">.</span>”</span>' in html


@pytest.mark.parametrize("prose, mark", [
    ('Officials recall that "the minister said "no today"[@hostile].', '"the'),
    ('Officials recall that “the minister said "no today"[@hostile].', '“the'),
    ('He said “the minister said “no today”[@hostile].', '“the'),
])
def test_a_quotation_mark_left_open_before_the_quotation_is_a_located_error(prose, mark, run, hostile,
                                                                            write_outline):
    hostile("Officials said that the minister said “no today” in Baku.\n")
    write_outline(minimal(f"'{prose}'"))
    result = run("check")
    assert result.exit_code == 1, result.output
    assert f"briefs/test.yaml:5:{COLUMN + prose.index(mark)}: error: this quotation mark is never closed" in result.output


# -- 9: catalog values that are not what they seem --------------------------------------

def test_catalog_numbers_in_other_notations_are_kept_as_text(run, workspace, hostile, write_outline):
    hostile("One paragraph.\n", "    volume: 0x10\n    page: 1:30\n    number: 0b101\n    issue: 1_000\n"
            "    edition: 2\n")
    for command in (["sources"], ["check"], ["show", "hostile"], ["search", "paragraph"]):
        result = run(*command)
        assert result.exit_code == 0, (command, result.output)
    from briefwright.corpus.sources import load_corpus
    entry = load_corpus(workspace).find("hostile").csl
    assert (entry["volume"], entry["page"], entry["number"], entry["issue"], entry["edition"]) == \
        ("0x10", "1:30", "0b101", "1_000", 2)


def test_a_catalog_key_that_is_not_text_is_a_located_error_in_every_command(run, workspace, hostile):
    hostile("One paragraph.\n", "    note: {? [a, b] : c}\n")
    line = workspace.catalog.read_text(encoding="utf-8").splitlines().index("    note: {? [a, b] : c}") + 1
    for command in (["sources"], ["check"], ["show", "hostile"], ["search", "paragraph"]):
        result = run(*command)
        assert result.exit_code == 1, (command, result.output)
        assert f"seeds/sources.yaml:{line}:14: error: a key must be a single word or text, not a list" in result.output


# -- 12: control characters in a source ------------------------------------------------

CONTROLS = ["\x00", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1b", "\x7f", "\x01", "\t"]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_a_control_character_in_a_paragraph_is_a_space_for_matching_and_printing(control):
    source = Source("s", Path("s.txt"), f"First one.\nAlpha{control}beta gamma.\nLast one.\n")
    assert [p.text for p in source.paragraphs] == ["First one.", "Alpha beta gamma.", "Last one."]
    assert printed(source.text, "Alpha beta") == "Alpha beta"
    assert printed(source.text, "Alphabeta") is None


def test_control_characters_are_spaces_in_show_search_check_and_the_pdf(run, workspace, hostile, write_outline):
    hostile("Alpha\x00beta\u2028gamma\x85delta\x0bepsilon\x0czeta\x1beta ends here.\n")
    spaced = "Alpha beta gamma delta epsilon zeta eta ends here."
    shown = run("show", "hostile")
    assert shown.exit_code == 0 and spaced in shown.output
    found = run("search", "beta gamma delta", "--source", "hostile")
    assert found.exit_code == 0, found.output
    assert '[@hostile "beta gamma delta"]' in found.output  # the evidence form (issue 12)
    write_outline(minimal(f"'As reported, \"{spaced[:-1]}\"[@hostile].'"))
    assert run("check").exit_code == 0
    built = run("build", "briefs/test.yaml")
    assert built.exit_code == 0, built.output
    text = " ".join(page.extract_text() for page in PdfReader(workspace.root / "build" / "test.pdf").pages)
    assert "Alpha beta gamma delta epsilon zeta eta ends here" in " ".join(text.split())


def test_a_form_feed_starts_a_line_of_its_own_kind_and_is_a_space_inside_one():
    source = Source("s", Path("s.txt"), "One\x0ctwo.\n\x0c41\nThree.\n")
    assert source.paragraphs[0].text == "One two."
    # a line that starts with a form feed is a page line (contract, version 2), not a paragraph
    assert [(p.text.strip(), p.page) for p in source.paragraphs] == [("One two.", None), ("Three.", "41")]


# -- 16: an empty source -----------------------------------------------------------------

def test_an_empty_source_says_so_in_plain_words(run, hostile, write_outline):
    hostile("\n  \n")
    write_outline(minimal("'A claim.[@hostile, para. 1] And \"some words\"[@hostile].'"))
    result = run("check")
    assert result.exit_code == 1
    assert "para. 1 does not exist: hostile is empty (seeds/hostile.txt has no text)" in result.output
    assert "quotation not found: hostile is empty (seeds/hostile.txt has no text)" in result.output
    assert "1–0" not in result.output
    for command in (["show", "hostile"], ["show", "hostile", "--para", "1"]):
        shown = run(*command)
        assert shown.exit_code == 0 and "hostile is empty: seeds/hostile.txt has no text" in shown.output


# -- 17: every script: grapheme clusters, not code points --------------------------------

def test_modifier_letter_apostrophe_is_a_letter_not_a_quote():
    assert printed("the objʼect here", "obj") is None
    assert printed("Hawaiʻi and Qurʼan", "Qurʼan") == "Qurʼan"
    assert printed("Qurʼan", "Qur'an") is None


def test_a_quotation_cannot_end_between_a_consonant_and_its_vowel_sign():
    source = "यह कमी है और कम नहीं"
    assert index(source).find_all("कम")[0].text == "कम"
    assert len(index(source).find_all("कम")) == 1  # not inside कमी
    assert printed(source, "यह कमी") == "यह कमी"


def test_a_dropped_combining_mark_is_not_accepted():
    assert printed("Ọkọ́ ni o", "Ọkọ") is None
    assert printed("Ọkọ́ ni o", "Ọkọ́") == "Ọkọ́"
    decomposed = unicodedata.normalize("NFD", "Ọkọ́ ni o")
    assert printed(decomposed, "Ọkọ") is None
    assert printed(decomposed, "Ọkọ́ ni") == unicodedata.normalize("NFD", "Ọkọ́ ni")


@pytest.mark.parametrize("text, quotation", [("한국어 문장입니다", "한국어"), ("café au lait", "café"),
                                             ("Ελληνικά κείμενα", "Ελληνικά")])
def test_a_source_saved_in_nfd_matches_an_nfc_quotation_and_prints_its_own_characters(text, quotation):
    source = unicodedata.normalize("NFD", text)
    assert printed(source, unicodedata.normalize("NFC", quotation)) == unicodedata.normalize("NFD", quotation)
    assert printed(source, unicodedata.normalize("NFC", quotation)[:-1]) is None  # no cut inside a word


# -- 18: an ellipsis that omits nothing; CR-only files; the size cap --------------------

@pytest.mark.parametrize("source, quotation, expected", [
    ("Alpha...beta gamma.", "Alpha...beta", "Alpha...beta"),
    ("Alpha…beta gamma.", "Alpha...beta", "Alpha…beta"),
    ("Alpha beta gamma.", "Alpha ... beta", "Alpha beta"),
    ("Alpha... beta gamma.", "Alpha … beta", "Alpha... beta"),
    ("Alpha delta beta gamma.", "Alpha...beta", "Alpha … beta"),
])
def test_an_ellipsis_prints_only_where_something_was_omitted(source, quotation, expected):
    assert printed(source, quotation) == expected


def test_a_file_with_cr_line_ends_has_one_paragraph_per_line(run, hostile):
    hostile("First paragraph.\rSecond paragraph.\r\rThird paragraph.\r\nFourth.\n")
    result = run("show", "hostile", "--para", "3")
    assert result.exit_code == 0, result.output
    assert "Third paragraph." in result.output and "Second" not in result.output
    assert [p.text for p in Source("s", Path("s.txt"), "a\rb\r\nc\nd").paragraphs] == ["a", "b", "c", "d"]


def test_the_readme_states_the_source_size_cap():
    from briefwright.workspace import MAX_SOURCE_BYTES
    assert f"{MAX_SOURCE_BYTES // 1_000_000} MB" in (REPO / "README.md").read_text(encoding="utf-8")


def test_a_curly_closing_mark_does_not_close_a_straight_opening_one(run, hostile, write_outline):
    hostile("They said “Pakistan was first” and more.\n")
    prose = 'Reports say "and develop as nations.” He noted that “Pakistan was first"[@hostile].'
    write_outline(minimal(f"'{prose}'"))
    result = run("check")
    assert result.exit_code == 1, result.output
    column = COLUMN + prose.index('"and')
    assert f"briefs/test.yaml:5:{column}: error: this quotation mark is never closed" in result.output
