"""Properties of the matcher and the prose parser, on 10,000 generated quotations and outlines.

Sources are built from grapheme clusters of several scripts (NFC and NFD forms,
combining marks, vowel signs, Hangul jamo), every kind of quote and dash, and
control characters between words; outlines from passages of the example corpus.
For each: nothing crashes, a quotation taken from a source is found and prints
exactly the source's characters, and whatever is printed is the source's own.
Examples are derandomised, so every run (and CI) tries the same cases. The
generated sources come from a seed drawn by hypothesis (drawing each character
through hypothesis costs ten times as much); a failure prints the source and the
quotation it tried.
"""

from __future__ import annotations

import random
import re
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from briefwright.corpus.sources import Source, controls_as_spaces, load_corpus
from briefwright.errors import ProblemLog
from briefwright.outline.prose import parse_prose
from briefwright.outline.reader import load_outline
from briefwright.verify.matcher import SourceIndex, normalise
from briefwright.verify.resolver import Resolver
from briefwright.workspace import Workspace

from .conftest import REPO

# Each run of these settings tries the same examples: 3,000 + 2,500 + 2,500 + 2,000 = 10,000.
QUICK = dict(derandomize=True, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

LETTERS = ["a", "b", "Z", "é", "e\u0301", "\u1ecd\u0301", "Ọ", "ß", "İ", "ʼ", "क", "मी", "कि", "न", "한",
           "\u1112\u1161\u11ab", "국", "α", "ά", "Ж", "ي", "ع", "1", "7", "٣"]
MARKS = ["'", "’", '"', "“", "”", "-", "–", "—", ".", ",", "…", "(", ")", "!", "?"]
SEPARATORS = [" ", "  ", "\t", "\u00a0", "\x00", "\u2028", "\x85", "\x0b", "\x0c", "\x1b", " \u2029 "]
LINE_ENDS = ["\n", "\r", "\r\n", "\n\n"]

SEEDS = st.integers(0, 2**32 - 1)
HOWS = st.sampled_from(["as is", "NFC", "NFD", "straight", "spaces"])


def random_source(rng: random.Random) -> list[list[tuple[str, str]]]:
    """Paragraphs of (word, separator): words of one to five clusters, one to eight words each."""
    def word() -> str:
        return "".join(rng.choice(LETTERS if rng.random() < 0.7 else MARKS) for _ in range(rng.randint(1, 5)))
    return [([(word(), rng.choice(SEPARATORS)) for _ in range(rng.randint(1, 8))], rng.choice(LINE_ENDS))
            for _ in range(rng.randint(1, 4))]


def retype(quotation: str, how: str) -> str:
    """The editor's typing of a quotation: as in the source, recomposed, decomposed, straight, one-spaced."""
    if how in ("NFC", "NFD"):
        return unicodedata.normalize(how, quotation)
    if how == "straight":
        return quotation.translate(str.maketrans("“”’–—", "\"\"'--"))
    if how == "spaces":
        return " ".join(controls_as_spaces(quotation).split())
    return quotation


def assemble(source: list) -> tuple[str, list[list[tuple[int, int]]]]:
    """The source text, and for each paragraph the spans of its words in that text."""
    text, spans = "", []
    for paragraph, line_end in source:
        spans.append([])
        for word, separator in paragraph:
            spans[-1].append((len(text), len(text) + len(word)))
            text += word + separator
        text += line_end
    return text, spans


@settings(max_examples=3000, **QUICK)
@given(SEEDS, HOWS)
def test_a_quotation_taken_from_the_source_is_found_and_prints_the_source_characters(seed, how):
    rng = random.Random(seed)
    text, spans = assemble(random_source(rng))
    number = rng.randrange(len(spans))
    first = rng.randrange(len(spans[number]))
    last = rng.randint(first, len(spans[number]) - 1)
    typed = text[spans[number][first][0]:spans[number][last][1]]
    assume("..." not in typed and "…" not in typed)  # an ellipsis in a quotation is an omission
    assume(normalise(typed))
    quotation = retype(typed, how)
    note(f"source {text!r}, quotation {quotation!r}")
    found = SourceIndex(Source("s", Path("s.txt"), text)).find_all(quotation)
    assert controls_as_spaces(typed) in [passage.text for passage in found]
    for passage in found:
        assert normalise(passage.text) == normalise(quotation)


QUOTATION_PIECES = LETTERS + MARKS + SEPARATORS + ["...", "[x]", "[", "]"]


@settings(max_examples=2500, **QUICK)
@given(SEEDS)
def test_whatever_is_found_is_printed_from_the_source(seed):
    rng = random.Random(seed)
    text, _ = assemble(random_source(rng))
    quotation = "".join(rng.choice(QUOTATION_PIECES) for _ in range(rng.randint(1, 12)))
    note(f"source {text!r}, quotation {quotation!r}")
    index = SourceIndex(Source("s", Path("s.txt"), text))
    plain = not re.search(r"\.\.\.|…|\[[^\[\]]*\]", quotation)
    for passage in index.find_all(quotation):
        assert passage.first == passage.last
        if plain:
            assert passage.text in index.source.paragraph(passage.first).text
            assert normalise(passage.text) == normalise(quotation)


PROSE_PIECES = ["word", " ", "  ", ".", ",", ";", ")", "(", '"', "“", "”", "'", "’", "[@kazimbeyli-2017]",
                "[@trt-2021, para. 6]", '[@trt-2021 "Lending a voice"]', "[@a; @b]", "[@", "]", "[", "@x", "…"]
CLOSERS = re.compile(r"[\"”][.,;:!?)]*\s*\Z")


@settings(max_examples=2500, **QUICK)
@given(SEEDS)
def test_no_quoted_phrase_before_a_citation_escapes_the_parser(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice(PROSE_PIECES) for _ in range(rng.randint(0, 20)))
    note(f"prose {text!r}")
    parsed = parse_prose(text)
    for offset, message in parsed.problems:
        assert 0 <= offset <= len(text) and message
    position = 0
    for segment in parsed.segments:
        if isinstance(segment, str):
            position = text.index(segment, position) + len(segment)
            continue
        if segment.in_text:  # `@x` in running text: an in-text citation, never a printed quotation
            assert text.startswith("@", segment.offset) and segment.quotation is None
            position = segment.offset
            continue
        assert text.startswith("[", segment.offset)  # a bracketed citation, perhaps with a prefix
        if segment.quotation is not None:
            opening = segment.quotation_offset
            assert text[opening] in "\"“" and text[opening + 1:].startswith(segment.quotation)
            closing = opening + 1 + len(segment.quotation)
            assert re.fullmatch(r"[\"”][.,;:!?)]*\s*", text[closing:segment.offset])
        elif CLOSERS.search(text, position, segment.offset):
            assert parsed.problems  # a quoted phrase that is not a verified quotation is an error
        position = segment.offset


# -- outlines: printed quotations from the example corpus ------------------------------

CORPUS = load_corpus(Workspace.at(REPO))
RESOLVER = Resolver(CORPUS)
FOLDER = Path(tempfile.mkdtemp(prefix="briefwright-properties-"))
FORMS = ['"{}"[@{}]', '"{}" [@{}]', '"{}".[@{}]', '“{}”[@{}]', '“{}” [@{}]', '“{}”.[@{}]', '“{}”, [@{}]']
OUTLINE = "title: Generated\nsections:\n  - heading: One\n    body:\n      - '{}'\n"


@settings(max_examples=2000, **QUICK)
@given(st.sampled_from(sorted(CORPUS.sources)), st.data(), st.sampled_from(FORMS),
       st.sampled_from(["as is", "straight"]), st.sampled_from(["", "Officials said ", "(x) "]))
def test_a_printed_quotation_in_an_outline_is_the_source_characters(source_id, data, form, how, before):
    source = CORPUS.sources[source_id]
    paragraph = data.draw(st.sampled_from(source.paragraphs)).text
    spans = [m.span() for m in re.finditer(r"\S+", paragraph)]
    first = data.draw(st.integers(0, len(spans) - 1))
    last = data.draw(st.integers(first, min(first + 12, len(spans) - 1)))
    words = paragraph[spans[first][0]:spans[last][1]]
    assume(not re.search(r"\.\.\.|…|[\[\]@]", words))
    prose = before + form.format(retype(words, how), source_id) + " And more."
    path = FOLDER / "generated.yaml"
    path.write_text(OUTLINE.format(prose.replace("'", "''")), encoding="utf-8")
    log = ProblemLog()
    outline = load_outline(path, FOLDER, log)
    notes = RESOLVER.resolve(outline, log)
    errors = [problem.message for problem in log.errors]
    if any(mark in words for mark in "\"“”"):
        if not errors:  # the source's own quotation marks paired: the whole passage is printed
            assert notes[0].passage.text == words
        return
    assert all("occurs" in message for message in errors), errors
    if not errors:
        assert notes[0].quotation == retype(words, how) and notes[0].passage.text == words
