"""Citation syntax as pandoc writes it: prefixes, suffixes, -@id, several sources, in-text @id, locator terms.

Anything that opens like a citation but does not parse is an error at its column,
and no citation ever reaches the HTML unparsed (a scan of every test outline).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefwright.build import Pipeline
from briefwright.errors import ProblemsFound
from briefwright.outline.locators import LOCATOR_TERMS, read_locator
from briefwright.outline.prose import CiteGroup, parse_prose
from briefwright.render.citations import format_citations
from briefwright.workspace import Workspace

from .conftest import REPO, minimal
from .test_print import stress_workspace

SYNTAX = REPO / "tests" / "data" / "pandoc-syntax" / "pandoc-syntax.yaml"


def groups(text: str) -> list[CiteGroup]:
    parsed = parse_prose(text)
    assert parsed.problems == []
    return [s for s in parsed.segments if isinstance(s, CiteGroup)]


def items(text: str) -> list[tuple]:
    return [(i.key, i.prefix, i.mode, i.paragraphs, i.locator and i.locator.label, i.suffix)
            for g in groups(text) for i in g.items]


@pytest.mark.parametrize("text, expected", [
    ("[see @cij-2017, para. 7]", [("cij-2017", "see", "normal", (7, 7), "paragraph", "")]),
    ("[cf. @trt-2021]", [("trt-2021", "cf.", "normal", None, None, "")]),
    ("[@trt-2021, para. 4, emphasis added]", [("trt-2021", "", "normal", (4, 4), "paragraph", ", emphasis added")]),
    ("[-@trt-2021]", [("trt-2021", "", "suppress-author", None, None, "")]),
    ("[ @trt-2021 ]", [("trt-2021", "", "normal", None, None, "")]),
    ("[see @a, para. 2; also @b]", [("a", "see", "normal", (2, 2), "paragraph", ""),
                                    ("b", "also", "normal", None, None, "")]),
    ("[@trt-2021; see also @cij-2017]", [("trt-2021", "", "normal", None, None, ""),
                                         ("cij-2017", "see also", "normal", None, None, "")]),
    ("as @trt-2021 says", [("trt-2021", "", "author-in-text", None, None, "")]),
    ("as @trt-2021 [paras. 3–4] says", [("trt-2021", "", "author-in-text", (3, 4), "paragraph", "")]),
    ("[@a, chap. 2]", [("a", "", "normal", None, "chapter", "")]),
    ("[@a, pp. 41–42, n. 3]", [("a", "", "normal", None, "page", ", n. 3")]),
    ("[@a, ¶ 5]", [("a", "", "normal", (5, 5), "paragraph", "")]),
    ("[@a, § 4]", [("a", "", "normal", None, "section", "")]),
])
def test_pandocs_citation_forms_are_read(text, expected):
    assert items(text) == expected


def test_every_locator_term_maps_to_its_csl_label():
    for term, label in {"p.": "page", "pp.": "page", "para.": "paragraph", "paras.": "paragraph",
                        "chap.": "chapter", "sec.": "section", "fig.": "figure", "n.": "note",
                        "vol.": "volume", "l.": "line", "ll.": "line", "bk.": "book", "col.": "column",
                        "no.": "issue", "op.": "opus", "pt.": "part", "s.v.": "sub-verbo", "v.": "verse",
                        "fol.": "folio", "§": "section", "¶": "paragraph"}.items():
        assert LOCATOR_TERMS[term] == label
        assert read_locator(f"{term} 12").label == label


def test_evidence_and_printed_quotations_are_kept():
    [evidence] = groups('Pakistan stands alone [@kazimbeyli-2017 "the only country in the world"].')
    assert evidence.items[0].evidence == "the only country in the world"
    for text in ('"who stands with it"[@trt-2021].', '"who stands with it" [@trt-2021].',
                 '"who stands with it".[@trt-2021]'):
        [printed] = groups(text)
        assert printed.quotation == "who stands with it"


@pytest.mark.parametrize("text", ["Write to editor@example.org.", "See `a@b`.", "[mail](mailto:x@y.org)",
                                  r"An escaped \@trt-2021.", "https://example.org/@user"])
def test_an_at_sign_inside_a_word_a_code_span_or_a_link_is_text(text):
    assert groups(text) == []


@pytest.mark.parametrize("text, column, expected", [
    ("Stray bracket [@trt-2021]].", 25, "this ']' closes nothing"),
    ("No key [@].", 8, "expected a source id right after '@'"),
    ("Missing semicolon [@a @b].", 22, "need a ';' between them"),
    ("Empty item [@a;].", 15, "expected a source (@id) in this citation, found nothing"),
    ("Unclosed [see @a, para. 2", 9, "this citation has no closing ']'"),
    ("A bare term [@a, para 4].", 13, "'para' is not a locator term: did you mean 'para.'?"),
    ("A number alone [@a, 33].", 16, "the locator '33' has no term"),
    ("Junk after [@a, para. 4 and more].", 12, "after the locator 'para. 4' expected ']' or a comma"),
    ("Bad range [@a, paras. x–y].", 11, "cannot read the paragraphs"),
])
def test_what_opens_like_a_citation_but_does_not_parse_is_a_located_error(text, column, expected):
    problems = parse_prose(text).problems
    assert problems, text
    offset, message = problems[0]
    assert offset == column and expected in message, (offset, message)


def test_an_unknown_id_in_any_form_is_an_error_at_its_line(workspace, write_outline):
    path = write_outline(minimal("'See [see @nobody-2020, para. 2] and @nobody-2021 [-@nobody-2022].'"))
    with pytest.raises(ProblemsFound) as raised:
        Pipeline(workspace).check(path)
    messages = [str(p) for p in raised.value.problems]
    assert [m.split(": error: ")[1].split(" (")[0].split(";")[0] for m in messages] == [
        "unknown source 'nobody-2020'", "unknown source 'nobody-2021'", "unknown source 'nobody-2022'"]


# -- nothing unparsed reaches the HTML -------------------------------------------------

RAW = re.compile(r"\[\s*-?@|(?<![\w.@/:+=\\])@[\w][\w:.#$%&+?<>~/-]*")


def outlines(root: Path) -> list[Path]:
    return sorted(root.glob("briefs/*.yaml"))


@pytest.fixture(scope="module")
def every_outline(tmp_path_factory):
    """(pipeline, outline) for the example briefs, the stress briefs and this file's fixture."""
    stress = stress_workspace(tmp_path_factory.mktemp("stress"))
    (stress.briefs / SYNTAX.name).write_bytes(SYNTAX.read_bytes())
    repo = Pipeline(Workspace.at(REPO))
    found = [(repo, path) for path in outlines(REPO)]
    pipeline = Pipeline(stress)
    return found + [(pipeline, path) for path in outlines(stress.root)]


def test_no_citation_reaches_the_html_unparsed(every_outline):
    assert len(every_outline) >= 10
    for pipeline, path in every_outline:
        checked = pipeline.check(path)
        html = pipeline.html(checked, format_citations(checked.notes, pipeline.corpus, checked.style))
        body = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
        body = body.replace("editor@example.org", "")  # an e-mail address, which is text
        assert not RAW.search(body), f"{path.name}: {RAW.search(body)[0]!r} printed raw"
