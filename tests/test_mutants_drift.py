"""Drift classes and their messages, one source edit at a time: what `make mutation-drift` found no test holding.

Each test records a quotation of a small source as a build would (its exact text, 32 characters of
context, its occurrence), edits the source, and checks the class `classify` gives and the words the
editor reads (README, "Sources change": moved, edited, ambiguous, gone; pages in a paged source).
No workspace, no build: these run in milliseconds, so the mutation run can afford them for every mutant.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefwright.corpus.passages import page_label
from briefwright.corpus.sources import Source
from briefwright.errors import Position
from briefwright.regen.drift import classify
from briefwright.regen.lock import CONTEXT_CHARS, CitationRecord
from briefwright.verify.matcher import SourceIndex, normalise

MEMO = ("The council met on Monday.\n"
        "It agreed that the harbour will be dredged in the spring of next year.\n"
        "Ferries keep running.\n")
PAGED = "\f41\n" + MEMO.replace("Ferries", "\f42\nFerries")


def index_of(text: str) -> SourceIndex:
    return SourceIndex(Source("memo", Path("memo.txt"), text))


def record(text: str, words: str, kind: str = "quotation", occurrence: int = 1) -> CitationRecord:
    """The lock's record of `words` (its `occurrence`-th place) in a source reading `text`, as a build writes it."""
    index, view = index_of(text), "\n".join(normalise(line) for line in words.split("\n"))
    places = [i for i in range(len(index.text)) if index.text.startswith(view, i)]
    start = places[occurrence - 1]
    end = start + len(view)
    first, last = index.paragraph_of[start], index.paragraph_of[end - 1]
    return CitationRecord(kind, "memo", words, "memo", first, last, "\n".join(index.printed(start, end)),
                          index.text[max(0, start - CONTEXT_CHARS):start], index.text[end:end + CONTEXT_CHARS],
                          occurrence, len(places), page_label(index.source, first, last) or "")


HARBOUR = "the harbour will be dredged in the spring"


def test_the_same_text_in_the_same_paragraph_is_unchanged():
    drift = classify(record(MEMO, HARBOUR), index_of(MEMO))
    assert (drift.kind, drift.paragraphs, drift.relocated) == ("unchanged", [2, 2], False)
    assert drift.message() == f"unchanged: “{HARBOUR}”"


def test_a_quotation_pushed_down_by_a_new_paragraph_is_moved_and_says_where():
    today = "A new first paragraph.\n" + MEMO
    drift = classify(record(MEMO, HARBOUR), index_of(today))
    assert (drift.kind, drift.paragraphs, drift.locator, drift.was) == ("moved", [3, 3], "para. 3", "para. 2")
    assert drift.message() == f"moved: “{HARBOUR}” in memo is now para. 3 (was para. 2)"
    assert drift.as_data() == {"class": "moved", "source": "memo", "kind": "quotation", "text": HARBOUR,
                               "was": [2, 2], "now": [3, 3], "new_text": None, "position": None}


def test_a_passage_over_two_paragraphs_that_moved_names_both():
    words = "dredged in the spring of next year.\nFerries keep"
    drift = classify(record(MEMO, words), index_of("A new first paragraph.\n" + MEMO))
    assert (drift.kind, drift.paragraphs) == ("moved", [3, 4])
    assert drift.message().endswith("is now paras. 3–4 (was paras. 2–3)")


def test_the_second_of_two_occurrences_stays_the_second():
    text = "Ferries keep running.\n" + MEMO
    today = "A new first paragraph.\n" + text
    drift = classify(record(text, "Ferries keep running", occurrence=2), index_of(today))
    assert (drift.kind, drift.paragraphs) == ("moved", [5, 5])


def test_a_quotation_that_now_occurs_twice_is_ambiguous_and_lists_the_paragraphs():
    today = MEMO + "Since then it agreed that the harbour will be dredged in the spring anyway.\n"
    drift = classify(record(MEMO, HARBOUR), index_of(today))
    assert (drift.kind, drift.paragraphs) == ("ambiguous", [2, 4])
    assert drift.message() == (f"ambiguous: “{HARBOUR}” now occurs 2 times in memo (paras. 2, 4); it was in "
                               "para. 2: quote more words so that it occurs once")


def test_a_quotation_reworded_between_the_same_context_is_edited_with_a_word_diff():
    today = MEMO.replace("will be dredged", "is to be deepened")
    drift = classify(record(MEMO, HARBOUR), index_of(today))
    assert (drift.kind, drift.paragraphs, drift.new_text) == ("edited", [2, 2], "the harbour is to be deepened in "
                                                                                 "the spring")
    assert drift.message() == ("edited: memo, para. 2 now reads differently (run briefwright build "
                               "--accept to take the new text):\n"
                               "    the harbour [-will-] {+is to+} be [-dredged-] {+deepened+} in the spring")
    drift.accepted = True
    assert "(accepted):" in drift.message()


def test_a_quotation_with_nothing_close_left_is_gone_naming_the_old_paragraph():
    today = MEMO.replace("It agreed that the harbour will be dredged in the spring of next year.\n", "")
    drift = classify(record(MEMO, HARBOUR), index_of(today))
    assert (drift.kind, drift.paragraphs, drift.locator, drift.relocated) == ("gone", [], "", False)
    assert drift.message() == (f"gone: “{HARBOUR}” (memo, para. 2) is no longer in the source, "
                               "nor anything close to it")
    assert drift.as_data()["now"] is None


def test_a_nearly_identical_passage_whose_context_changed_on_one_side_is_edited():
    today = MEMO.replace("It agreed that the harbour will be dredged in the spring",
                         "Last week the harbour would be dredged in the spring")
    drift = classify(record(MEMO, HARBOUR), index_of(today))
    assert (drift.kind, drift.new_text) == ("edited", "the harbour would be dredged in the spring")


def test_in_a_paged_source_a_quotation_that_moved_to_another_page_speaks_in_pages():
    today = "\f41\nA new first paragraph.\nThe council met on Monday.\n\f42\n" + MEMO.split("\n", 1)[1]
    drift = classify(record(PAGED, HARBOUR), index_of(today))
    assert (drift.kind, drift.was, drift.locator, drift.pages) == ("moved", "p. 41", "p. 42", ["42", "42"])
    assert drift.message() == f"moved: “{HARBOUR}” in memo moved from p. 41 to p. 42"
    data = drift.as_data()
    assert (data["was_pages"], data["now_pages"], data["was"], data["now"]) == ("p. 41", "p. 42", [2, 2], [3, 3])


def test_in_a_paged_source_a_new_paragraph_on_the_same_page_leaves_a_quotation_unchanged():
    today = PAGED.replace("The council met on Monday.\n", "The council met on Monday.\nIt sat late.\n")
    drift = classify(record(PAGED, HARBOUR), index_of(today))
    assert (drift.kind, drift.paragraphs, drift.locator) == ("unchanged", [3, 3], "p. 41")


def test_in_a_paged_source_an_ambiguous_quotation_lists_its_pages():
    today = PAGED + "Since then it agreed that the harbour will be dredged in the spring anyway.\n"
    drift = classify(record(PAGED, HARBOUR), index_of(today))
    assert drift.kind == "ambiguous"
    assert drift.message().endswith(f"now occurs 2 times in memo (pp. 41, 42); it was in p. 41: quote more words "
                                    "so that it occurs once")


@pytest.mark.parametrize("kind, by_page", [("quotation", True), ("text", True), ("from-to", True),
                                           ("paragraphs", False)])
def test_in_a_paged_source_quotations_speak_in_pages_and_paragraph_numbers_in_paragraphs(kind, by_page):
    today = "\f41\nA new first paragraph.\nThe council met on Monday.\n\f42\n" + MEMO.split("\n", 1)[1]
    drift = classify(record(PAGED, HARBOUR, kind=kind), index_of(today))
    assert drift.by_page is by_page
    assert drift.was == ("p. 41" if by_page else "para. 2")


def test_a_long_quotation_is_shortened_to_80_characters_at_a_word_in_messages():
    words = "It agreed that the harbour will be dredged in the spring of next year.\nFerries keep running"
    drift = classify(record(MEMO, words), index_of("A new first paragraph.\n" + MEMO))
    shown = "It agreed that the harbour will be dredged in the spring of next year. Ferries…"
    assert drift.message() == f"moved: “{shown}” in memo is now paras. 3–4 (was paras. 2–3)"


@pytest.mark.parametrize("old, new", [("The council met", "The council sat"),           # at the very start
                                      ("Ferries keep running.", "Ferries keep sailing.")])  # at the very end
def test_a_quotation_reworded_at_either_end_of_the_source_is_edited(old, new):
    words = old.rstrip(".")
    drift = classify(record(MEMO, words), index_of(MEMO.replace(old, new)))
    assert (drift.kind, drift.new_text) == ("edited", new.rstrip("."))


def test_in_a_paged_source_a_quotation_now_twice_on_one_page_names_that_page():
    today = PAGED.replace("\f42\n", "It agreed that the harbour will be dredged in the spring again.\n\f42\n")
    drift = classify(record(PAGED, HARBOUR), index_of(today))
    assert drift.message().endswith("now occurs 2 times in memo (p. 41); it was in p. 41: quote more words so that "
                                    "it occurs once")


def test_the_data_of_a_drift_give_its_first_and_last_paragraph_and_its_position():
    words = "dredged in the spring of next year.\nFerries keep"
    drift = classify(record(MEMO, words), index_of("A new first paragraph.\n" + MEMO))
    drift.position = Position(Path("briefs/x.yaml"), 7, 21)
    data = drift.as_data()
    assert (data["was"], data["now"], data["position"]) == ([2, 3], [3, 4], "briefs/x.yaml:7:21")


@pytest.mark.parametrize("old, new", [("The council met on Monday.", "The committee sat on Monday."),  # at the start
                                      ("Ferries keep running.", "Ferries still run.")])             # at the end
def test_a_quotation_reworded_at_either_end_of_the_source_is_edited_by_its_one_context(old, new):
    """Too different for the nearest passage (under 85%), but standing where the one context it has says."""
    drift = classify(record(MEMO, old), index_of(MEMO.replace(old, new)))
    assert (drift.kind, drift.new_text) == ("edited", new)


def test_a_nearly_identical_passage_whose_context_changed_after_it_is_edited():
    today = MEMO.replace("will be dredged in the spring of next year.\nFerries keep running.",
                         "would be dredged in the spring, the mayor added; buses were not discussed.")
    drift = classify(record(MEMO, "It agreed that the harbour will be dredged in the spring"), index_of(today))
    assert (drift.kind, drift.paragraphs) == ("edited", [2, 2])


def test_a_nearly_identical_passage_with_no_context_alike_is_gone():
    """The quotation stood inside the memo; nearly the same words now open a source whose context is all new."""
    today = "the harbour would be dredged in the spring, said nobody at all today.\n"
    assert classify(record(MEMO, HARBOUR), index_of(today)).kind == "gone"


def test_the_data_of_an_ambiguous_quotation_give_its_first_and_last_place():
    again = "Since then it agreed that the harbour will be dredged in the spring anyway.\n"
    drift = classify(record(MEMO, HARBOUR), index_of(MEMO + again + "Ferries.\n" + again))
    assert (drift.kind, drift.paragraphs, drift.as_data()["now"]) == ("ambiguous", [2, 4, 6], [2, 6])


# -- against a lock, in a workspace (test_drift's outline and helpers) -------------------------------------------

def test_each_quotation_is_paired_with_its_record_after_a_new_one_and_a_numbered_one(workspace, write_outline):
    from .test_drift import OUTLINE, TRT, edit, make_lock
    from briefwright.build import Pipeline
    path = write_outline(OUTLINE)
    lock = make_lock(workspace, path)
    first = "      - 'New here.[@avdaliani-2020, para. 16] And \"Lending a voice of support\"[@trt-2021].'\n"
    path.write_text(OUTLINE.replace("    body:\n", "    body:\n" + first, 1), encoding="utf-8")
    edit(workspace, TRT, "Pakistan was second", "A new paragraph inserted by the outlet.\nPakistan was second")
    drifts = Pipeline(workspace).check(path, lock).drifts
    assert [(d.kind, d.record.kind, d.locator) for d in drifts] == [("moved", "quotation", "para. 12")]


def test_a_lock_that_records_no_hash_for_a_source_still_classifies_its_quotations(workspace, write_outline):
    from .test_drift import OUTLINE, TRT, edit, make_lock
    from briefwright.build import Pipeline
    path = write_outline(OUTLINE)
    lock = make_lock(workspace, path)
    lock.sources = {}
    edit(workspace, TRT, "Pakistan was second", "A new paragraph inserted by the outlet.\nPakistan was second")
    drifts = Pipeline(workspace).check(path, lock).drifts
    assert [(d.kind, d.record.kind, d.locator) for d in drifts] == [("moved", "quotation", "para. 12")]


def test_an_edited_passage_over_two_paragraphs_keeps_its_paragraph_break_in_the_new_text():
    words = "dredged in the spring of next year.\nFerries keep running."
    drift = classify(record(MEMO, words), index_of(MEMO.replace("Ferries keep", "Ferries are")))
    assert (drift.kind, drift.paragraphs, drift.new_text) == ("edited", [2, 3], "dredged in the spring of next "
                                                                                 "year.\nFerries are running.")


def test_the_lock_records_which_occurrence_a_block_quotation_took_and_the_editors_punctuation(workspace,
                                                                                             write_outline):
    from briefwright.build import Pipeline
    from briefwright.regen.drift import record_citations
    (workspace.seeds / "memo.txt").write_text("Ferries run hourly.\nFerries run hourly in summer.\n", encoding="utf-8")
    path = write_outline('title: "A"\nsections:\n  - heading: B\n    body:\n'
                         "      - 'Said \"Ferries run hourly in summer\"[@memo] twice.'\n"
                         '      - quote: memo\n        text: "Ferries run hourly"\n        occurrence: 2\n')
    pipeline = Pipeline(workspace)
    checked = pipeline.check(path)
    group = checked.notes[0]
    records = record_citations(checked.outline, lambda sid: pipeline.resolver.index(pipeline.corpus.find(sid)),
                               {id(group): ","})
    assert [(r.kind, r.first, r.occurrence, r.occurrences, r.editor_punctuation) for r in records] == [
        ("quotation", 2, 1, 1, ","), ("text", 2, 2, 2, "")]
    assert records[0].before == "Ferries run hourly.\n" and records[1].before == "Ferries run hourly.\n"
    plain = record_citations(checked.outline, lambda sid: pipeline.resolver.index(pipeline.corpus.find(sid)))
    assert [r.editor_punctuation for r in plain] == ["", ""]


def test_a_block_quotation_of_a_paragraph_range_that_moved_is_an_error_at_its_range(workspace, write_outline):
    from .test_drift import AVD, edit, make_lock, problems
    path = write_outline('title: "A"\nsections:\n  - heading: B\n    body:\n'
                         "      - quote: avdaliani-2020\n        paragraphs: 15-16\n")
    lock = make_lock(workspace, path)
    assert [r.typed for r in lock.citations] == ["15-16"]
    edit(workspace, AVD, "There is also Pakistan’s concern", "An inserted paragraph.\nThere is also Pakistan’s concern")
    message = problems(workspace, path, lock)
    assert message.startswith("briefs/test.yaml:6:21: error: moved: ")
    assert "is now paras. 16–17 (was paras. 15–16)" in message
