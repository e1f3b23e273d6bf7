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
    ("[@a, 33]", [("a", "", "normal", None, "page", "")]),            # a bare number is a page, as in pandoc
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
                                  r"An escaped \@trt-2021.", "https://example.org/@user", "Meet @ 5 pm."])
def test_an_at_sign_inside_a_word_a_code_span_or_a_link_is_text(text):
    assert groups(text) == []


@pytest.mark.parametrize("text, column, expected", [
    ("Stray bracket [@trt-2021]].", 25, "this ']' closes nothing"),
    ("No key [@].", 8, "expected a source id right after '@'"),
    ("Missing semicolon [@a @b].", 22, "need a ';' between them"),
    ("Empty item [@a;].", 15, "expected a source (@id) in this citation, found nothing"),
    ("Unclosed [see @a, para. 2", 9, "this citation has no closing ']'"),
    ("A bare term [@a, para 4].", 13, "'para' is not a locator term: did you mean 'para.'?"),
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


# -- punctuation around note calls -------------------------------------------------------

NOTE = re.compile(r'<span class="fn" id="note-\d+" data-note="\d+">'
                  r'(?:[^<]|<(?!/?span)[^>]*>|<span[^>]*>[^<]*</span>)*</span>')  # a note, with its spans


def calls_in_context(html: str) -> list[tuple[str, str]]:
    """(the 12 characters before, the 3 after) each note call, tags and the notes themselves removed."""
    body = html.split("</style>", 1)[1]
    body = NOTE.sub("", body)
    body = re.sub(r'<a class="fn-call"[^>]*>(\d+)</a>', "\ue000", body)
    text = re.sub(r"<[^>]+>", "", body)
    return [(text[max(0, i - 12):i], text[i + 1:i + 4]) for i, c in enumerate(text) if c == "\ue000"]


def example_html(lang: str | None = None, workspace: Workspace | None = None) -> str:
    workspace = workspace or Workspace.at(REPO)
    path = workspace.briefs / "azerbaijan-pakistan-turkey.yaml"
    if lang:
        copy = workspace.briefs / "british.yaml"
        copy.write_text(f"lang: {lang}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
        path = copy
    pipeline = Pipeline(workspace)
    checked = pipeline.check(path)
    assert checked.outline.lang == (lang or "en")
    return pipeline.html(checked, format_citations(checked.notes, pipeline.corpus, checked.style, checked.outline.lang))


def test_the_example_brief_prints_every_call_after_its_punctuation():
    calls = calls_in_context(example_html())
    assert len(calls) == 46   # every note of the example brief (43 in its prose, 3 in its table)
    for before, after in calls:
        assert not re.match(r"[.,;:!?]", after), (before, after)       # no punctuation after a call
        assert not re.search(r"”[.,]\ue000?$", before), (before, after)  # en-US: the period inside the quotes
    assert sum(before.endswith((".”", ",”")) for before, _ in calls) >= 5


def test_en_gb_keeps_the_period_outside_the_closing_mark(workspace):
    calls = calls_in_context(example_html("en-GB", workspace))
    assert len(calls) == 46
    assert not any(before.endswith((".”", ",”")) for before, _ in calls if "editorial" not in before)
    assert sum(before.endswith(("”.", "”,")) for before, _ in calls) >= 5
    for before, after in calls:
        assert not re.match(r"[.,;:!?]", after), (before, after)


def test_pandoc_places_the_punctuation_the_same_way(workspace, write_outline):
    """The same sentence through pandoc's own Markdown reader and writer, and through briefwright."""
    import json
    import subprocess

    from briefwright.render.citations import pandoc_path

    sentence = ('Rahman said "who stands with it attains a much greater importance" [@trt-2021]. '
                'The war "put a spotlight on Baku’s close relations" [@trt-2021], and more [@cij-2017]; '
                'so @kazimbeyli-2017 wrote.')
    pipeline = Pipeline(workspace)
    bibliography = workspace.root / "cited.json"
    bibliography.write_text(json.dumps([pipeline.corpus.find(i).csl for i in ("trt-2021", "cij-2017",
                                                                              "kazimbeyli-2017")]))
    style = pipeline.check(write_outline(minimal("'x'"))).style
    for lang in ("en-US", "en-GB"):
        theirs = subprocess.run([str(pandoc_path()), "--citeproc", "-t", "plain", "--wrap=none", f"-Mlang={lang}",
                                 f"--bibliography={bibliography}", f"--csl={style}"],
                                input=sentence, capture_output=True, text=True, check=True).stdout
        theirs = re.sub(r"\[\d+\]", "\ue000", theirs.split("\n\n")[0].strip())
        path = write_outline(minimal(">-\n        " + sentence) + f"lang: {lang}\n", f"{lang}.yaml")
        checked = pipeline.check(path)
        html = pipeline.html(checked, format_citations(checked.notes, pipeline.corpus, checked.style, lang))
        calls = calls_in_context(html)
        body = NOTE.sub("", html.split("</style>", 1)[1])
        body = re.sub(r'<a class="fn-call"[^>]*>\d+</a>', "\ue000", body)
        ours = re.sub(r"<[^>]+>|\u2060", "", re.search(r"<section class=\"section\".*?<p>(.*?)</p>", body, re.S)[1])
        assert len(calls) == 4
        assert ours == theirs, lang


def test_the_lock_says_the_moved_period_is_the_editors(workspace, write_outline):
    import json

    from click.testing import CliRunner

    from briefwright.cli import main

    write_outline(minimal(">-\n        Rahman: \"who stands with it attains a much greater importance\"[@trt-2021]."), "us.yaml")
    write_outline(minimal(">-\n        Rahman: \"who stands with it attains a much greater importance\"[@trt-2021].")
                  + "lang: en-GB\n", "gb.yaml")
    result = CliRunner().invoke(main, ["build", "briefs/us.yaml", "briefs/gb.yaml"])
    assert result.exit_code == 0, result.output
    for name, mark in (("us", "."), ("gb", "")):
        [record] = json.loads((workspace.briefs / f"{name}.lock").read_text())["citations"]
        assert record["text"] == "who stands with it attains a much greater importance"  # the source's, unchanged
        assert record["editor_punctuation"] == mark


# -- house typography inside printed quotations ------------------------------------------

@pytest.mark.parametrize("source, printed", [
    ("even if it's just diplomatic backing", "even if it’s just diplomatic backing"),
    ('the minister said "no" today', "the minister said “no” today"),
    ("importance - even", "importance – even"),
    ("[Baku's] backing", "[Baku’s] backing"),
    ("a well-known -5 figure", "a well-known -5 figure"),     # hyphens not spaced on both sides stay
    ("in the '90s", "in the ’90s"),                             # an apostrophe, not an opening mark
    ("he said 'yes'", "he said ‘yes’"),
])
def test_house_typography_sets_straight_marks_and_spaced_hyphens(source, printed):
    from briefwright.render.quotemarks import house_typography

    assert house_typography(source) == printed


def test_house_typography_never_changes_a_letter():
    import random

    from briefwright.render.quotemarks import house_typography

    rng = random.Random(13)
    pieces = ["a", "É", "ß", " ", "-", "'", '"', "’", "[", "]", "(", "9", "—", "ق"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        set_ = house_typography(text)
        assert len(set_) == len(text)
        for before, after in zip(text, set_):
            assert before == after or (before, after) in {('"', "“"), ('"', "”"), ("'", "‘"), ("'", "’"), ("-", "–")}


def test_the_example_brief_prints_the_sources_apostrophe_curly_and_as_source_keeps_it(workspace):
    house = example_html(workspace=workspace)
    assert "attains a much greater importance – even if it’s just diplomatic backing" in house
    copy = workspace.briefs / "as-source.yaml"
    copy.write_text((REPO / "briefs" / "azerbaijan-pakistan-turkey.yaml").read_text(encoding="utf-8")
                    + "\ntheme:\n  quotation_typography: as-source\n", encoding="utf-8")
    pipeline = Pipeline(workspace)
    checked = pipeline.check(copy)
    html = pipeline.html(checked, format_citations(checked.notes, pipeline.corpus, checked.style))
    assert "attains a much greater importance - even if it&#39;s just diplomatic backing" in html


def test_a_lock_written_before_editor_punctuation_existed_is_not_damaged(tmp_path):
    import json

    from briefwright.regen.lock import read_lock

    data = json.loads((REPO / "briefs" / "azerbaijan-pakistan-turkey.lock").read_text(encoding="utf-8"))
    assert any(record["editor_punctuation"] for record in data["citations"])
    for record in data["citations"]:
        del record["editor_punctuation"]
    older = tmp_path / "older.lock"
    older.write_text(json.dumps(data), encoding="utf-8")
    lock, warning = read_lock(older)
    assert warning is None and lock is not None
    assert all(record.editor_punctuation == "" for record in lock.citations)
