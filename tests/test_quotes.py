"""The matcher: every normalisation rule, elisions, insertions, ambiguity, the nearest passage."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefwright.corpus.sources import Source
from briefwright.verify.matcher import (OccurrenceMissing, QuotationAmbiguous, QuotationNotFound, SourceIndex,
                                normalise)


def index_of(text: str) -> SourceIndex:
    return SourceIndex(Source("s", Path("s.txt"), text))


@pytest.mark.parametrize("typed, source", [
    ("Pakistan's view", "Pakistan’s view"),                      # apostrophe
    ("‘yes’ and 'no'", "'yes' and ‘no’"),                        # single quotes
    ('“a” and "b"', '"a" and “b”'),                             # double quotes
    ("get - especially", "get — especially"),                    # hyphen / em dash
    ("2014–2015", "2014-2015"),                                  # en dash / hyphen
    ("one  two\tthree", "one two three"),                        # runs of white space
    ("one two", "one\u00a0two"),                                 # no-break space
    ("and so...", "and so…"),                                    # ... and …
    ("Çavuşoğlu", "C\u0327avus\u0327og\u0306lu"),                # NFC: Turkish letters decomposed
    ("café", "cafe\u0301"),                                      # NFC: composed vs decomposed
])
def test_normalisation_makes_equivalent_typings_equal(typed, source):
    assert normalise(typed) == normalise(source)


def test_letters_are_compared_case_sensitively():
    with pytest.raises(QuotationNotFound):
        index_of("For Prime Minister Imran Khan").find_unique("prime minister")


def test_the_source_characters_are_printed_not_the_typing():
    passage = index_of("Successive governments have backed Anakra’s position — firmly.").find_unique(
        "backed Anakra's position - firmly")
    assert passage.text == "backed Anakra’s position — firmly"


def test_paragraphs_are_non_blank_lines_counted_from_one():
    index = index_of("first\n\n   \nsecond line here\n\nthird")
    assert index.find_unique("second line").first == 2
    assert index.find_unique("third").first == 3


def test_a_quotation_never_spans_two_paragraphs():
    with pytest.raises(QuotationNotFound):
        index_of("end of one\nstart of two").find_unique("one start")


def test_elision_prints_an_ellipsis_and_needs_fragments_in_order_in_one_paragraph():
    index = index_of("Lending a voice of support in normal times is one thing.\nOther paragraph.")
    assert index.find_unique("Lending a voice ... is one thing").text == "Lending a voice … is one thing"
    assert index.find_unique("Lending a voice…one thing").text == "Lending a voice … one thing"
    with pytest.raises(QuotationNotFound):
        index.find_unique("one thing ... Lending")           # out of order
    with pytest.raises(QuotationNotFound):
        index.find_unique("Lending a voice ... Other")       # across paragraphs


def test_insertion_stands_for_up_to_forty_source_characters_or_none():
    index = index_of("Its stance on Kashmir is a matter of concern for New Delhi.")
    assert index.find_unique("[Azerbaijan’s] stance on Kashmir").text == "[Azerbaijan’s] stance on Kashmir"
    assert index.find_unique("Its [Baku’s] stance").text == "Its [Baku’s] stance"
    assert index.find_unique("a matter [sic] of concern").text == "a matter [sic] of concern"
    assert index.find_unique("Its [x] concern").text == "Its [x] concern"  # stands for 32 characters
    long = index_of("Its " + "x" * 41 + " concern")
    with pytest.raises(QuotationNotFound):
        long.find_unique("Its [y] concern")


def test_insertion_replacing_a_short_span_matches():
    index = index_of("Its stance on Kashmir is a matter of concern")
    assert index.find_unique("Its [view] is a matter").text == "Its [view] is a matter"


def test_brackets_in_the_source_are_matched_by_an_insertion():
    index = index_of("the relationship has [had] great importance for Pakistan.")
    assert index.find_unique("has [had] great importance").text == "has [had] great importance"


def test_a_word_inside_another_word_is_not_a_match():
    with pytest.raises(QuotationNotFound):
        index_of("Iran and Turkey").find_unique("ran and")


def test_footnote_digits_glued_to_words_do_not_block_a_match():
    assert index_of("on Trade and Economic Cooperation1 .").find_unique("Economic Cooperation").first == 1


def test_ambiguous_quotation_lists_each_paragraph():
    index = index_of("Caucasus International Journal (Winter issue, 2017)\n"
                     "Caucasus International Journal (Winter issue, 2017)\nother")
    with pytest.raises(QuotationAmbiguous) as raised:
        index.find_unique("Caucasus International Journal")
    assert raised.value.paragraphs == [1, 2]
    assert index.find_unique("Caucasus International Journal", occurrence=2).first == 2
    with pytest.raises(OccurrenceMissing):
        index.find_unique("Caucasus International Journal", occurrence=3)


def test_explicit_locator_restricts_the_search():
    index = index_of("alpha beta\nalpha beta")
    assert index.find_unique("alpha beta", within=(2, 2)).first == 2


def test_nearest_passage_names_paragraph_and_similarity():
    index = index_of("Nothing here.\nPakistan is the only country which does not recognise Armenia.")
    with pytest.raises(QuotationNotFound) as raised:
        index.find_unique("Pakistan is the sole country which does not recognise Armenia")
    nearest = raised.value.nearest
    assert nearest.paragraph == 2
    assert nearest.text.startswith("Pakistan is the only country")
    assert 0.8 < nearest.similarity < 1


def test_from_to_pulls_a_passage_across_paragraphs():
    index = index_of("intro\nFirst words of it.\nMiddle part.\nlast words here. After.")
    passage = index.find_between("First words", "last words here")
    assert (passage.first, passage.last) == (2, 4)
    assert passage.printed == ("First words of it.", "Middle part.", "last words here")


def test_from_to_not_found_reports_the_missing_end():
    with pytest.raises(QuotationNotFound):
        index_of("First words of it.").find_between("First words", "never here")


def test_paragraphs_prints_whole_paragraphs_without_edge_spaces():
    passage = index_of("one  \n\n  two words \nthree").paragraphs(2, 3)
    assert passage.printed == ("two words", "three")
    assert passage.locator == "paras. 2–3"


def test_real_corpus_quirks(corpus):
    trt = SourceIndex(corpus.find("trt-2021"))
    # a straight apostrophe inside curly quotes in the source, typed curly by the editor
    assert trt.find_unique("even if it’s just diplomatic backing").text == "even if it's just diplomatic backing"
    # a no-break space beside a space in the source is printed as it stands
    assert trt.find_unique("in the past. In 2016").text == "in the past. \u00a0In 2016"
    kaz = SourceIndex(corpus.find("001_2aadb1dbeed98bb9"))  # cited by stem
    assert kaz.find_unique('"We held very intensive consultations,"').first == 8
    # a file without a final newline: its last paragraph is found
    assert SourceIndex(corpus.find("avdaliani-2020")).find_unique("emilavdaliani@yahoo.com").first == 18


@pytest.mark.parametrize("quotation", [
    "claimed the lives of over 2",        # source: over 20,000
    "2 Mashahk training aircraft",        # source: 52 Mashahk
    "0,000 Azerbaijanis",
    "Lending a vo … normal times",        # a fragment may not cut a word at an elision either
])
def test_a_quotation_never_starts_or_ends_inside_a_number_or_word(quotation):
    index = index_of("The war claimed the lives of over 20,000 Azerbaijanis. Ankara has bought 52 Mashahk "
                     "training aircraft. Lending a voice of support in normal times is one thing.")
    with pytest.raises(QuotationNotFound):
        index.find_unique(quotation)


def test_an_insertion_may_change_a_letter_at_either_end():
    index = index_of("Pakistan is the only country in the world that does not recognize Armenia.")
    assert index.find_unique("[T]he only country in the world").text == "[T]he only country in the world"
    assert index.find_unique("does not recognize Armenia[’s statehood]").text == \
        "does not recognize Armenia[’s statehood]"


# -- written for the survivors of `make mutation-matcher` -----------------------------------------

def test_a_missing_occurrence_says_how_many_there_are_and_where():
    index = index_of("Caucasus International Journal\nother\nCaucasus International Journal")
    with pytest.raises(OccurrenceMissing) as raised:
        index.find_unique("Caucasus International Journal", occurrence=3)
    assert (raised.value.count, raised.value.paragraphs) == (2, [1, 3])


def test_an_explicit_range_admits_every_paragraph_inside_it_and_none_outside():
    index = index_of("alpha beta\nalpha gamma\nalpha delta")
    assert index.find_unique("alpha beta", within=(1, 2)).first == 1
    assert index.find_unique("alpha gamma", within=(1, 3)).first == 2
    with pytest.raises(QuotationNotFound):
        index.find_unique("alpha beta", within=(2, 3))


def test_whole_paragraphs_carry_their_source_and_their_exact_span():
    from briefwright.verify.matcher import PARAGRAPH_BREAK
    index = index_of("  one  first\ntwo second \nthree third\n")
    passage = index.paragraphs(1, 2)
    assert (passage.source_id, passage.first, passage.last) == ("s", 1, 2)
    assert passage.printed == ("one  first", "two second")
    start, end = passage.span
    assert index.text[start:end] == "one first" + PARAGRAPH_BREAK + "two second"
    start, end = index.paragraphs(3, 3).span
    assert index.text[start:end] == "three third"
    start, end = index.paragraphs(2, 2).span
    assert index.text[start:end] == "two second"


def test_from_to_takes_the_last_words_after_the_first_and_names_what_is_missing():
    index = index_of("end here. Then the start of it.\nMore, and the end here.")
    passage = index.find_between("the start", "end here")
    assert (passage.first, passage.last) == (1, 2)
    assert passage.text == "the start of it. More, and the end here"
    with pytest.raises(QuotationNotFound) as raised:
        index.find_between("the start", "the finish")
    assert raised.value.nearest.text == "the end"          # nearest to the missing last words
    with pytest.raises(QuotationNotFound) as raised:
        index.find_between("the stort", "end here")
    assert raised.value.nearest.text == "the start"        # nearest to the missing first words
    with pytest.raises(QuotationNotFound):
        index.find_between("", "end here")
    with pytest.raises(QuotationNotFound):
        index.find_between("the start", "")


def test_from_to_with_two_openings_is_ambiguous_and_occurrence_chooses():
    index = index_of("First words A. last words.\nFirst words B. last words.")
    with pytest.raises(QuotationAmbiguous) as raised:
        index.find_between("First words", "last words")
    assert raised.value.paragraphs == [1, 2]
    assert index.find_between("First words", "last words", occurrence=2).printed == ("First words B. last words",)


@pytest.mark.parametrize("source, typed, printed", [
    ("  indented words here", "indented words", "indented words"),              # a paragraph's leading spaces
    ("C\u0327avus\u0327og\u0306lu spoke", "Çavuşoğlu", "C\u0327avus\u0327og\u0306lu"),  # combining marks kept
    ("Xavier and X-ray vision X", "Xavier and X-ray vision X", "Xavier and X-ray vision X"),
    ("a list [b of things", "list [b of", "list [b of"),                          # a lone bracket is text
])
def test_the_printed_characters_are_exactly_the_sources(source, typed, printed):
    assert index_of(source + "\nnext").find_unique(typed).printed == (printed,)


def test_normalising_keeps_every_letter():
    assert normalise("Xavier X") == "Xavier X"
    assert normalise("  spaced  out ") == "spaced out"
    assert normalise("wait... what") == "wait\u2026 what"   # three dots are one character, the space stays


def test_the_nearest_passage_knows_where_it_lies():
    index = index_of("Nothing here.\nPakistan is the only country which does not recognise Armenia.")
    with pytest.raises(QuotationNotFound) as raised:
        index.find_unique("the sole country which does not recognise")
    start, end = raised.value.nearest.span
    assert index.text[start:end] == "the only country which does not recognise"
