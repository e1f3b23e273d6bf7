"""Messages in plain words: YAML syntax, misquotations with a word diff, wrong locators, omissions
across paragraphs, reversed from/to, plurals, and no "nothing written" from commands that write nothing."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from briefwright.build import Pipeline
from briefwright.cli import main
from briefwright.errors import ProblemsFound, plural

from .conftest import minimal


def problems_of(path, workspace) -> list[str]:
    with pytest.raises(ProblemsFound) as raised:
        Pipeline(workspace).check(path)
    return [str(p) for p in raised.value.problems]


def run(*args):
    return CliRunner().invoke(main, list(args))


# -- YAML syntax ---------------------------------------------------------------------------

QUOTE_BLOCK = """
title: "A test brief"
sections:
  - heading: Background
    body:
      - quote: trt-2021
{text_line}
"""


@pytest.mark.parametrize("text_line, expected, line_column", [
    ('          text: "who stands with it"',
     "`text:` is indented more than `quote:` above it (line 5); align them (both at column 9)", "6:11"),
    ('       text: "who stands with it"',
     "`text:` is indented less than `quote:` above it (line 5); align them (both at column 9)", "6:8"),
])
def test_a_misaligned_key_says_which_keys_to_align_with_a_caret(write_outline, workspace, text_line, expected,
                                                                  line_column):
    path = write_outline(QUOTE_BLOCK.format(text_line=text_line))
    [problem] = problems_of(path, workspace)
    first, shown, caret = problem.splitlines()
    assert first == f"briefs/test.yaml:{line_column}: error: {expected}"
    assert shown == f"    6 | {text_line}"
    column = int(line_column.split(":")[1])
    assert caret == "      | " + " " * (column - 1) + "^"


@pytest.mark.parametrize("yaml_text, expected", [
    ('title: Baku: a new triangle\nsections: []\n',
     "1:12: error: the value of `title:` contains ': ', which YAML reads as the start of another key; "
     "put the whole value in quotes: title: \"Baku: a new triangle\""),
    ('title: "A brief\nsections: []\n', "1:8: error: this quotation mark is never closed"),
    ("title: 'Baku's view'\n", "1:14: error: the value in single quotes ends at the apostrophe before this"),
    ('title: x\n\tsections: []\n', "2:1: error: a tab indents this line: YAML indents with spaces only"),
    ('title: x\nsections:\n  - heading: A\n    body:\n      - @trt-2021 says so.\n',
     "5:9: error: a YAML value cannot begin with '@': put the whole value in single quotes ('@trt-2021 says so.')"),
    ('title: x\nsections:\n  - heading: A\n    body:\n      - "who stands with it" [@trt-2021] he said.\n',
     "error: a prose item that begins with a quotation mark must be quoted as a whole: put it in single quotes "
     "('\"who stands with it\" [@trt-2021] he said.')"),
    ('title: x\n- a\n', "2:1: error: a list item (`- …`) stands where YAML expected another `key: value`"),
])
def test_yaml_syntax_errors_say_what_the_editor_did(write_outline, workspace, yaml_text, expected):
    path = write_outline(yaml_text)
    [problem] = problems_of(path, workspace)
    assert expected in problem.splitlines()[0]
    for jargon in ("<block end>", "mapping values", "scanning", "token", "expected <"):
        assert jargon not in problem
    assert problem.splitlines()[-1].strip().endswith("^")


# -- quotations and locators -----------------------------------------------------------------

def test_a_misquotation_shows_the_nearest_passage_with_a_word_diff(write_outline, workspace):
    path = write_outline(minimal("'\"who stands with it attains a much bigger importance\"[@trt-2021].'"))
    [problem] = problems_of(path, workspace)
    first, diff = problem.splitlines()
    assert "quotation not found in trt-2021: “who stands with it attains a much bigger importance”" in first
    assert "nearest passage: para. 6" in first
    assert diff == "    who stands with it attains a much [-bigger-] {+greater+} importance"


def test_a_typed_apostrophe_is_not_a_difference_in_the_diff(write_outline, workspace):
    path = write_outline(minimal(">-\n          \"even if it's just diplomatic bucking\"[@trt-2021]."))
    [problem] = problems_of(path, workspace)
    assert problem.splitlines()[1] == "    even if it's just diplomatic [-bucking-] {+backing,”+}"


def test_a_wrong_explicit_locator_says_where_the_words_are(write_outline, workspace):
    path = write_outline(minimal("'\"attains a much greater importance\"[@trt-2021, para. 7].'"))
    [problem] = problems_of(path, workspace)
    assert "quotation found in para. 6, not para. 7, of trt-2021" in problem
    assert "similar" not in problem


def test_an_omission_across_paragraphs_says_so(write_outline, workspace):
    path = write_outline(minimal("'\"the collapse of the Soviet Union … Pakistan was second after Turkey\"[@trt-2021].'"))
    [problem] = problems_of(path, workspace)
    assert ("an omission (…) cannot join paragraphs, and “the collapse of the Soviet Union” is in para. 10 "
            "and “Pakistan was second after Turkey” in para. 11") in problem
    assert "similar" not in problem


def test_a_reversed_from_and_to_says_so(write_outline, workspace):
    path = write_outline(textwrap.dedent("""
        title: "A test brief"
        sections:
          - heading: Background
            body:
              - quote: trt-2021
                from: "diplomatic backing"
                to: "Lending a voice"
        """))
    [problem] = problems_of(path, workspace)
    assert ("from: and to: are the wrong way round: “Lending a voice” comes before “diplomatic backing” "
            "in trt-2021 (para. 6); swap them") in problem


def test_an_occurrence_too_large_counts_in_words(write_outline, workspace):
    path = write_outline(textwrap.dedent("""
        title: "A test brief"
        sections:
          - heading: Background
            body:
              - quote: trt-2021
                text: "Lending a voice of support"
                occurrence: 3
        """))
    [problem] = problems_of(path, workspace)
    assert "occurrence: is too large: the text occurs 1 time in trt-2021 (para. 6)" in problem
    assert "(s)" not in problem


# -- counts and summaries ---------------------------------------------------------------------

def test_plurals_are_right():
    assert [plural(1, "line"), plural(2, "line"), plural(0, "finding"), plural(1, "note")] == [
        "1 line", "2 lines", "0 findings", "1 note"]


def test_check_says_one_note_and_never_nothing_written(workspace, write_outline):
    write_outline(minimal("'Alone.[@kazimbeyli-2017, para. 15]'"), "one.yaml")
    result = run("check", "briefs/one.yaml")
    assert result.output.strip() == "briefs/one.yaml: ok, 1 note from 1 source"
    write_outline(minimal("'Alone.[@kazimbeyli-2017, para. 99]'"), "bad.yaml")
    result = run("check", "briefs/bad.yaml")
    assert result.exit_code == 1 and "1 error" in result.output and "nothing written" not in result.output


def test_build_of_a_brief_in_error_says_nothing_written(workspace, write_outline):
    write_outline(minimal("'Alone.[@kazimbeyli-2017, para. 99]'"), "bad.yaml")
    result = run("build", "briefs/bad.yaml")
    assert result.exit_code == 1 and "1 error; nothing written" in result.output


def test_an_in_text_style_counts_citations_not_notes(workspace, write_outline):
    write_outline(minimal("'Alone [@kazimbeyli-2017, para. 15].'") + "style: apa\n", "apa.yaml")
    assert run("check", "briefs/apa.yaml").output.strip() == "briefs/apa.yaml: ok, 1 citation from 1 source"


def test_a_page_locator_in_a_source_numbered_by_paragraph_is_a_warning(write_outline, workspace):
    path = write_outline(minimal("'Agreed [see @trt-2021, p. 7].'"))
    [warning] = [str(w) for w in Pipeline(workspace).check(path).warnings]
    assert "warning: trt-2021 has no pages: its text is numbered by paragraph" in warning
    assert "the page 7 is printed as written, unchecked" in warning


def test_a_backwards_range_says_so(write_outline, workspace):
    path = write_outline(minimal("'Agreed [@trt-2021, paras. 16–15].'"))
    [problem] = problems_of(path, workspace)
    assert problem.endswith("error: paras. 16–15 runs backwards: write paras. 15–16")
