"""The resolver's messages, word for word: what `make mutation-resolver` found no test holding.

Each test names a message the resolver gives an editor (a page range that does not exist, an
omission across three paragraphs, the nearest passage shortened or diffed, the two fixes for a
quotation found twice, an occurrence too large) and pins it whole, on a small corpus document
written for the case (`seeds/memo-2020.txt`, and `seeds/gazette-2020.txt` with printed pages).
"""

from __future__ import annotations

import re
import textwrap

import pytest

from briefwright.build import Pipeline
from briefwright.errors import ProblemsFound
from briefwright.render.citations import format_citations

from .conftest import minimal

ACROSS = ("The first long sentence of the fifth paragraph names the river crossing plan in full detail.",
          "The second plan is in place.",
          "Third sentence ends the set.")
# Two paragraphs of exactly 400 and 401 characters: a nearest passage up to 400 gets a word diff.
HARBOUR = " ".join(["harbour dues"] * 28 + ["harbour ferry", "ends"])
WORDS_400, WORDS_401 = HARBOUR.ljust(400, "!"), HARBOUR.replace("harbour", "Harbour", 1).ljust(401, "?")
MEMO = [
    "The council met on Monday and agreed on the budget for the coming year.",
    "Rates rise. Rates rise again next year.",
    "Ferries run hourly.",
    "Ferries run hourly in summer.",
    *ACROSS,
    WORDS_400,
    WORDS_401,
    "The mayor said it’s time to act on housing now.",
]
GAZETTE = "\f1\nPage one opens.\n\f2\nPage two follows.\n\f3\nPage three closes.\n"


@pytest.fixture
def memo(workspace):
    """A workspace with a memo (one paragraph per line, see MEMO), a gazette printed on pages 1–3, and a blank file."""
    assert (len(WORDS_400), len(WORDS_401)) == (400, 401)
    (workspace.seeds / "memo-2020.txt").write_text("\n".join(MEMO) + "\n", encoding="utf-8")
    (workspace.seeds / "gazette-2020.txt").write_text(GAZETTE, encoding="utf-8")
    (workspace.seeds / "blank-2020.txt").write_text("\n \n", encoding="utf-8")
    with open(workspace.catalog, "a", encoding="utf-8") as catalog:
        for key, title in (("memo-2020", "A council memo"), ("gazette-2020", "A gazette"), ("blank-2020", "Blank")):
            catalog.write(f"\n  - id: {key}\n    file: {key}.txt\n    type: report\n    title: {title}\n"
                          "    issued: {date-parts: [[2020]]}\n")
    return workspace


def problems(workspace, outline: str) -> list[str]:
    """The messages of a check of `outline` (which must fail), one string each, positions included."""
    path = workspace.briefs / "test.yaml"
    path.write_text(textwrap.dedent(outline).lstrip("\n"), encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        Pipeline(workspace).check(path)
    return [str(problem) for problem in raised.value.problems]


def block(lines: str) -> str:
    """An outline whose only body block is a block quotation (`lines`: its keys, one a line)."""
    keys = "".join(f"        {line}\n" for line in lines.strip().splitlines())
    return f"title: \"A test brief\"\nsections:\n  - heading: Background\n    body:\n      - {keys.lstrip()}"


def test_a_page_range_that_does_not_exist_names_it_and_the_pages_there_are(memo):
    [problem] = problems(memo, minimal("'Cited.[@gazette-2020, pp. 7–9]'"))
    assert problem == ("briefs/test.yaml:5:17: error: pp. 7–9 does not exist in gazette-2020, which has pages 1–3 "
                       "(see: briefwright show gazette-2020)")


def test_an_omission_across_three_paragraphs_names_each_fragment_and_its_paragraph(memo):
    quotation = " … ".join(ACROSS).replace(" in full detail.", "").rstrip(".")
    [problem] = problems(memo, minimal(f"'\"{quotation}\"[@memo-2020].'"))
    assert ("an omission (…) cannot join paragraphs, and “The first long sentence of the fifth pa…” is in para. 5 "
            "and “The second plan is in place.” in para. 6 and “Third sentence ends the set” in para. 7; "
            "quote each paragraph on its own, or pull the passage as a block quotation with from: and to:") in problem


def test_words_with_nothing_near_them_are_not_found_without_a_nearest_passage(memo):
    [problem] = problems(memo, minimal("'\"ΩΨΦ\"[@memo-2020].'"))
    assert problem == "briefs/test.yaml:5:10: error: quotation not found in memo-2020: “ΩΨΦ”"


def test_a_nearest_passage_of_400_characters_is_shortened_to_160_and_diffed(memo):
    typed = WORDS_400.replace("ferry", "fairy")
    [problem] = problems(memo, minimal(f"'\"{typed}\"[@memo-2020].'"))
    first, diff = problem.splitlines()
    shown = WORDS_400[:159].rstrip() + "…"
    assert re.search(r"; nearest passage: para\. 8 \(\d+% similar\): “([^“]*)”$", first)[1] == shown
    assert diff == "    harbour dues harbour … harbour dues harbour [-fairy-] {+ferry+} " + WORDS_400.split()[-1]


def test_a_nearest_passage_over_400_characters_is_not_diffed(memo):
    typed = WORDS_401.replace("ferry", "fairy")
    [problem] = problems(memo, minimal(f"'\"{typed}\"[@memo-2020].'"))
    assert problem.startswith("briefs/test.yaml:5:10: error: quotation not found in memo-2020: “Harbour dues")
    assert "\n" not in problem
    assert "; nearest passage: para. 9 (" in problem and "[-" not in problem


def test_the_word_diff_compares_words_as_the_matcher_does(memo):
    """A straight apostrophe typed for the source's curly one is no difference: only the wrong word is shown."""
    [problem] = problems(memo, minimal("'\"said it''s time to act on housing today\"[@memo-2020].'"))
    assert problem.splitlines()[1] == "    said it’s time to act on housing [-today-] {+now.+}"


def test_a_printed_quotation_found_twice_in_one_paragraph_says_to_quote_more_words(memo):
    [problem] = problems(memo, minimal("'\"Rates rise\"[@memo-2020].'"))
    assert problem == ("briefs/test.yaml:5:10: error: the quotation occurs 2 times in memo-2020 (para. 2): "
                       "quote more words so that it occurs once")


def test_a_block_quotation_found_twice_may_also_name_its_occurrence(memo):
    [problem] = problems(memo, block('quote: memo-2020\ntext: "Ferries run hourly"'))
    assert problem == ("briefs/test.yaml:6:15: error: the quotation occurs 2 times in memo-2020 (paras. 3, 4): "
                       "quote more words, or add occurrence: N")


def test_an_occurrence_too_large_lists_every_paragraph_holding_the_text(memo):
    [problem] = problems(memo, block('quote: memo-2020\ntext: "Ferries run hourly"\noccurrence: 3'))
    assert problem == ("briefs/test.yaml:6:15: error: occurrence: is too large: the text occurs 2 times in "
                       "memo-2020 (paras. 3, 4)")


def test_the_words_typed_are_shown_whole_up_to_100_characters_then_shortened_at_a_word(memo):
    hundred = "ΩΨΦ" + " ΩΨΦΩ" * 19 + " ΩΨ"            # 101 characters, a space at the 99th
    assert len(hundred) == 101 and hundred[98] == " "
    for typed, shown in ((hundred[:-1], hundred[:-1]), (hundred, hundred[:98] + "…")):
        [problem] = problems(memo, minimal(f"'\"{typed}\"[@memo-2020].'"))
        assert re.match(r"briefs/test\.yaml:5:10: error: quotation not found in memo-2020: “([^”]*)”", problem)[1] == shown


def test_a_quotation_found_nowhere_names_the_paragraph_its_locator_gave(memo):
    [problem] = problems(memo, minimal("'\"Ferries fly hourly\"[@memo-2020, para. 3].'"))
    assert problem.startswith("briefs/test.yaml:5:10: error: quotation not found in para. 3 of memo-2020: "
                              "“Ferries fly hourly”; nearest passage: ")


def test_a_passage_from_and_to_found_twice_says_to_quote_more_words_or_name_its_occurrence(memo):
    [problem] = problems(memo, block('quote: memo-2020\nfrom: "Ferries run"\nto: "hourly"'))
    assert problem == ("briefs/test.yaml:6:15: error: the passage occurs 2 times in memo-2020 (paras. 3, 4): "
                       "quote more words, or add occurrence: N")


def test_a_passage_from_and_to_takes_its_occurrence(memo):
    [problem] = problems(memo, block('quote: memo-2020\nfrom: "Ferries run"\nto: "hourly"\noccurrence: 3'))
    assert problem == ("briefs/test.yaml:8:21: error: occurrence: is too large: the text occurs 2 times in "
                       "memo-2020 (paras. 3, 4)")


@pytest.mark.parametrize("from_words, to_words, nearest, diff", [
    ("Ferries run", "in sumer", "in summer.", "in [-sumer-] {+summer.+}"),        # to: misquoted
    ("Feries run hourly in", "summer", "Ferries run hourly in", "[-Feries-] {+Ferries+} run hourly in"),  # from:
    ("Ferries run hourly in", "sumer", "summer.", "[-sumer-] {+summer.+}"),    # to:, after a from: found once
])
def test_a_passage_from_and_to_not_found_diffs_the_words_that_are_missing(memo, from_words, to_words, nearest, diff):
    [problem] = problems(memo, block(f'quote: memo-2020\nfrom: "{from_words}"\nto: "{to_words}"'))
    first, shown = problem.splitlines()
    assert re.fullmatch(rf"briefs/test\.yaml:6:15: error: no passage from “{from_words}” to “{to_words}” in "
                        rf"memo-2020; nearest passage: para\. 4 \(\d+% similar\): “{nearest}”", first), first
    assert shown == f"    {diff}"


@pytest.mark.parametrize("locator, printed", [("p. 7", ", 7,"), ("chap. 2", ", chap. 2,")])
def test_a_printed_quotation_with_a_locator_briefwright_cannot_check_prints_the_locator_as_written(
        workspace, write_outline, locator, printed):
    """README: a page in a source numbered by paragraph is printed as written (with a warning), and so is any
    other locator (`chap. 2`); the paragraph the quotation was found in does not replace it."""
    path = write_outline(minimal(f"'\"attains a much greater importance\"[@trt-2021, {locator}].'"))
    pipeline = Pipeline(workspace)
    checked = pipeline.check(path)
    [note] = format_citations(checked.notes, pipeline.corpus, checked.style).notes
    text = " ".join(re.sub(r"<[^>]+>", "", note).split())
    assert text.startswith(f"“What’s Behind the Growing Azerbaijan-Pakistan-Turkey Friendship?” TRT World, "
                           f"January 2021{printed} https://www.trtworld.com/")
    assert "para." not in text


def test_a_block_quotation_of_an_unknown_source_is_an_error_at_its_quote_key(memo):
    [problem] = problems(memo, block('quote: memo-2021\ntext: "Ferries run hourly"'))
    assert problem == "briefs/test.yaml:5:16: error: unknown source 'memo-2021' (did you mean 'memo-2020'?)"


@pytest.mark.parametrize("keys", ['from: "Ferries run"', 'to: "hourly"'])
def test_a_block_quotation_with_from_and_no_to_is_one_error_of_the_outline(memo, keys):
    found = problems(memo, block(f"quote: memo-2020\n{keys}"))
    assert len(found) == 1 and found[0].startswith("briefs/test.yaml:5:9: error: ")
    assert "from:" in found[0] and "to:" in found[0]


@pytest.mark.parametrize("keys, expected", [
    ("paragraph: 99", "6:20: error: para. 99 does not exist in memo-2020, which has paragraphs 1–10 "
                      "(see: briefwright show memo-2020)"),
    ("paragraphs: 9-12", "6:21: error: paras. 9–12 does not exist in memo-2020, which has paragraphs 1–10 "
                         "(see: briefwright show memo-2020)"),
])
def test_a_block_quotation_of_paragraphs_that_do_not_exist_is_an_error_at_its_number(memo, keys, expected):
    assert problems(memo, block(f"quote: memo-2020\n{keys}")) == [f"briefs/test.yaml:{expected}"]


@pytest.mark.parametrize("keys, locator", [('text: "Ferries run hourly in summer"', "para. 4"),
                                           ('from: "Ferries run hourly."\nto: "in summer"', "paras. 3–4"),
                                           ("paragraphs: 3-4", "paras. 3–4")])
def test_the_note_of_a_block_quotation_names_the_paragraphs_it_was_found_in(memo, keys, locator):
    path = memo.briefs / "test.yaml"
    path.write_text(block(f"quote: memo-2020\n{keys}"), encoding="utf-8")
    pipeline = Pipeline(memo)
    checked = pipeline.check(path)
    [note] = format_citations(checked.notes, pipeline.corpus, checked.style).notes
    assert " ".join(re.sub(r"<[^>]+>", "", note).split()) == f"A Council Memo (2020), {locator}."


def test_a_locator_or_a_quotation_of_a_source_without_text_says_the_file_is_empty(memo):
    found = problems(memo, minimal("'Cited.[@blank-2020, paras. 2–3] And \"quoted\"[@blank-2020].'"))
    assert found == ["briefs/test.yaml:5:17: error: paras. 2–3 does not exist: blank-2020 is empty "
                     "(seeds/blank-2020.txt has no text)",
                     "briefs/test.yaml:5:46: error: quotation not found: blank-2020 is empty "
                     "(seeds/blank-2020.txt has no text)"]


def test_the_first_and_the_last_paragraph_of_a_source_may_be_cited(memo):
    path = memo.briefs / "test.yaml"
    path.write_text(minimal("'First.[@memo-2020, para. 1] Last.[@memo-2020, para. 10] All.[@memo-2020, paras. 1–10]'"),
                    encoding="utf-8")
    notes = Pipeline(memo).check(path).notes
    assert [note.items[0].paragraphs for note in notes] == [(1, 1), (10, 10), (1, 10)]


def notes_printed(workspace, prose: str) -> list[str]:
    """The text of each note of a one-paragraph outline, as the style prints it."""
    path = workspace.briefs / "test.yaml"
    path.write_text(minimal(prose), encoding="utf-8")
    pipeline = Pipeline(workspace)
    checked = pipeline.check(path)
    return [" ".join(re.sub(r"<[^>]+>", "", note).split())
            for note in format_citations(checked.notes, pipeline.corpus, checked.style).notes]


def test_a_printed_quotation_keeps_the_paragraph_range_its_locator_names(memo):
    assert notes_printed(memo, "'\"Ferries run hourly in summer\"[@memo-2020, paras. 3–4].'") == [
        "A Council Memo (2020), paras. 3–4."]


def test_a_printed_quotation_with_an_evidence_phrase_is_found_anywhere_and_cites_the_evidence(memo):
    assert notes_printed(memo, "'\"Ferries run hourly in summer\"[@memo-2020 \"The council met on Monday\"].'") == [
        "A Council Memo (2020), para. 1."]


def test_every_source_of_a_citation_is_checked_even_after_an_unknown_one(memo):
    assert problems(memo, minimal("'Cited.[@memo-2021; @memo-2020, para. 99]'")) == [
        "briefs/test.yaml:5:17: error: unknown source 'memo-2021' (did you mean 'memo-2020'?)",
        "briefs/test.yaml:5:29: error: para. 99 does not exist in memo-2020, which has paragraphs 1–10 "
        "(see: briefwright show memo-2020)"]


def test_an_evidence_phrase_not_found_is_an_error_at_its_citation(memo):
    [problem] = problems(memo, minimal("'Cited.[@memo-2020 \"The council sat on Monday\"]'"))
    assert problem.startswith("briefs/test.yaml:5:17: error: evidence not found in memo-2020: "
                              "“The council sat on Monday”; nearest passage: para. 1 (")


def test_a_page_of_a_source_numbered_by_paragraph_is_a_warning_saying_what_to_write(memo):
    path = memo.briefs / "test.yaml"
    path.write_text(minimal("'Cited.[@memo-2020, p. 7]'").lstrip("\n"), encoding="utf-8")
    assert [str(w) for w in Pipeline(memo).check(path).warnings] == [
        "briefs/test.yaml:5:17: warning: memo-2020 has no pages: its text is numbered by paragraph (see: briefwright "
        "show memo-2020), so the page 7 is printed as written, unchecked; write para. N for a locator briefwright "
        "verifies"]


def test_a_catalog_entry_whose_file_is_missing_is_an_error_where_it_is_cited(memo):
    with open(memo.catalog, "a", encoding="utf-8") as catalog:
        catalog.write("\n  - id: lost-2020\n    file: lost-2020.txt\n    type: report\n    title: Lost\n")
    assert problems(memo, minimal("'Cited.[@lost-2020]'")) == [
        "briefs/test.yaml:5:17: error: source 'lost-2020': it is in the catalog, but its file seeds/lost-2020.txt "
        "does not exist"]


def test_the_blocks_after_a_block_quotation_in_error_are_still_checked(memo):
    outline = block("quote: memo-2021\ntext: \"Ferries run hourly\"") + "      - 'Cited.[@memo-2020, para. 99]'\n"
    found = problems(memo, outline)
    assert [problem.split(": error: ")[1][:22] for problem in found] == ["unknown source 'memo-2",
                                                                         "para. 99 does not exis"]


def test_an_unknown_source_like_none_lists_the_known_ones(memo):
    assert problems(memo, minimal("'Cited.[@qqq]'")) == [
        "briefs/test.yaml:5:17: error: unknown source 'qqq'; known sources: avdaliani-2020, blank-2020, cij-2017, "
        "cij-2017-pdf, gazette-2020, kazimbeyli-2017, kazimbeyli-2017-web, korybko-2021, memo-2020, trt-2021"]


def test_a_source_without_a_catalog_entry_is_cited_by_its_file_with_a_warning_at_the_citation(memo):
    (memo.seeds / "loose.txt").write_text("A loose paragraph.\n", encoding="utf-8")
    path = memo.briefs / "test.yaml"
    path.write_text(minimal("'Cited.[@loose, para. 1]'").lstrip("\n"), encoding="utf-8")
    assert "briefs/test.yaml:5:17: warning: source 'loose' has no entry in seeds/sources.yaml; its note shows the " \
           "file name" in [str(w) for w in Pipeline(memo).check(path).warnings]
