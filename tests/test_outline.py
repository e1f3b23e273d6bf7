"""The outline loader: the contract's keys, every error at its line and column, hostile YAML."""

from __future__ import annotations

import datetime as dt

import pytest

from briefwright.build import Pipeline
from briefwright.errors import ProblemsFound
from briefwright.outline.reader import BulletList, Quote, load_outline

from .conftest import EXAMPLE, minimal


def problems_of(path, workspace) -> list[str]:
    with pytest.raises(ProblemsFound) as raised:
        Pipeline(workspace).check(path)
    return [str(p) for p in raised.value.problems]


def test_the_example_outline_uses_every_key_and_form(workspace):
    outline = load_outline(EXAMPLE, EXAMPLE.parent.parent)
    assert outline.title and outline.subtitle and outline.publisher and outline.classification
    assert outline.date == dt.date(2026, 11, 22)
    assert outline.authors[0].affiliation
    blocks = [b for s in outline.sections for b in s.body]
    quotes = [b for b in blocks if isinstance(b, Quote)]
    assert any(q.text for q in quotes) and any(q.from_words for q in quotes) and any(q.paragraphs for q in quotes)
    assert any(isinstance(b, BulletList) for b in blocks)
    groups = [g for p in outline.prose() if not isinstance(p, Quote) for g in p.citations]
    items = [i for g in groups for i in g.items]
    assert any(g.quotation for g in groups)                                  # printed quotation
    assert any(i.evidence for i in items)                                    # evidence
    assert any(i.explicit for i in items)                                    # explicit locator
    assert any(not i.explicit and i.evidence is None for i in items)         # whole source
    assert any(len(g.items) > 1 for g in groups)                             # several sources
    assert any("..." in (g.quotation or "") or "…" in (g.quotation or "") for g in groups) or \
        any("…" in (q.text or "") or "..." in (q.text or "") for q in quotes)  # elision
    assert any("[" in (g.quotation or "") for g in groups) or any("[" in (q.text or "") for q in quotes)
    assert len(groups) + len(quotes) >= 12


def test_a_minimal_outline_loads(write_outline, workspace):
    path = write_outline(minimal('"Plain prose."'))
    checked = Pipeline(workspace).check(path)
    assert checked.outline.title == "A test brief" and checked.notes == []


def test_missing_title_and_sections_are_both_reported(write_outline, workspace):
    path = write_outline("subtitle: x\n")
    assert problems_of(path, workspace) == [
        "briefs/test.yaml:1:1: error: the outline has no 'title:' (the brief's title (required))",
        "briefs/test.yaml:1:1: error: the outline has no 'sections:' (the body (required): a list of {heading, body})",
    ]


def test_unknown_key_suggests_the_nearest(write_outline, workspace):
    path = write_outline('titel: "x"\n' + minimal('"p"'))
    assert problems_of(path, workspace) == [
        "briefs/test.yaml:1:1: error: unknown key 'titel' in the outline (did you mean 'title'?)"]


def test_every_problem_of_a_run_is_reported_with_its_position(write_outline, workspace):
    path = write_outline("""
        title: "Several problems"
        date: 2026-13-45
        sections:
          - heading: One
            body:
              - 'Bad locator.[@kazimbeyli-2017, para. 99]'
              - 'Unknown source.[@nobody-2020]'
              - quote: trt-2021
                text: "words that are not in the source at all"
    """)
    problems = problems_of(path, workspace)
    assert len(problems) == 4
    assert problems[0].startswith("briefs/test.yaml:2:7: error: date must be a date written YYYY-MM-DD")
    assert problems[1].startswith("briefs/test.yaml:6:23: error: para. 99 does not exist in kazimbeyli-2017")
    assert problems[2].startswith("briefs/test.yaml:7:26: error: unknown source 'nobody-2020'")
    assert problems[3].startswith("briefs/test.yaml:9:15: error: quotation not found in trt-2021")
    assert "nearest passage: para." in problems[3] and "% similar" in problems[3]


def test_printed_quotation_not_found_points_at_its_opening_mark(write_outline, workspace):
    path = write_outline(minimal("""'He said "attains a much bigger importance"[@trt-2021].'"""))
    [problem] = problems_of(path, workspace)
    assert problem.startswith("briefs/test.yaml:5:18: error: quotation not found in trt-2021")
    assert "nearest passage: para. 6" in problem


def test_ambiguous_evidence_lists_its_paragraphs(write_outline, workspace):
    path = write_outline(minimal("""'Twice.[@cij-2017 "Caucasus International Journal (Winter issue, 2017)"]'"""))
    [problem] = problems_of(path, workspace)
    assert "occurs 2 times in cij-2017 (paras. 2, 3)" in problem


def test_block_quotation_needs_exactly_one_form(write_outline, workspace):
    path = write_outline(minimal('{quote: trt-2021, text: "is one thing", paragraph: 6}'))
    [problem] = problems_of(path, workspace)
    assert "exactly one of: text:, from: with to:, paragraph:, paragraphs:" in problem


@pytest.mark.parametrize("value, expected", [
    ("NO", "title must be text, not a yes/no value ('NO'); write \"NO\" in quotes if you mean the text"),
    ("", "title is empty"),
    ("[a, b]", "title was read as a list because it begins with '[': put the whole text in quotes"),
])
def test_wrong_types_name_the_expected_type(write_outline, workspace, value, expected):
    path = write_outline(f"title: {value}\n" + minimal('"p"').replace('title: "A test brief"\n', ""))
    [problem] = problems_of(path, workspace)
    assert problem.startswith("briefs/test.yaml:1:") and expected in problem


@pytest.mark.parametrize("value", ["2026-13-45", "NO", "1:30", "yesterday"])
def test_a_bad_date_is_an_error(write_outline, workspace, value):
    path = write_outline(f"date: {value}\n" + minimal('"p"'))
    [problem] = problems_of(path, workspace)
    assert problem.startswith("briefs/test.yaml:1:7: error: date must be a date written YYYY-MM-DD")


def test_a_duplicate_key_names_both_lines(write_outline, workspace):
    path = write_outline('title: "one"\nsubtitle: "x"\ntitle: "two"\n' + minimal('"p"').replace('title: "A test brief"\n', ""))
    assert problems_of(path, workspace) == [
        "briefs/test.yaml:3:1: error: duplicate key 'title' (first given on line 1)"]


def test_python_tags_are_refused(write_outline, workspace):
    path = write_outline('x: !!python/object/apply:os.system ["id"]\n' + minimal('"p"'))
    problems = problems_of(path, workspace)
    assert any("YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in p for p in problems)


ALIAS_BOMB_DEADLINE = 60  # seconds: a generous bound (refusal takes milliseconds; expansion, years)


def test_an_alias_bomb_is_refused_at_once(write_outline, workspace):
    """2**40 leaves once expanded: a check that expanded it would never end, so the deadline catches it."""
    import subprocess
    import sys
    lines = ['n0: &n0 ["x", "x"]'] + [f"n{i}: &n{i} [*n{i - 1}, *n{i - 1}]" for i in range(1, 40)]
    path = write_outline("\n".join(lines) + "\n")
    code = ("import sys; from briefwright.build import Pipeline; from briefwright.errors import ProblemsFound\n"
            "from briefwright.workspace import Workspace\n"
            "try: Pipeline(Workspace.at(sys.argv[1])).check(sys.argv[2])\n"
            "except ProblemsFound as found: print('\\n'.join(str(p) for p in found.problems))\n")
    result = subprocess.run([sys.executable, "-c", code, str(workspace.root), str(path)], capture_output=True,
                            text=True, timeout=ALIAS_BOMB_DEADLINE, cwd=workspace.root)
    assert result.stdout.splitlines() == [
        "briefs/test.yaml:1:5: error: YAML anchors (&name) are not allowed in briefwright files"], result.stderr


def test_deep_nesting_is_a_message_not_a_crash(write_outline, workspace):
    path = write_outline("title: " + "[" * 100_000 + "\n")
    [problem] = problems_of(path, workspace)
    assert "nested more than 40 levels deep" in problem


def test_a_huge_outline_is_refused_by_size(write_outline, workspace):
    path = write_outline('title: "x"\n# ' + "x" * 50_000_000 + "\n")
    [problem] = problems_of(path, workspace)
    assert problem.startswith("briefs/test.yaml:1:1: error: refused: ") and "above the limit" in problem


def test_a_plain_quotation_that_lost_a_comment_is_an_error(write_outline, workspace):
    path = write_outline(minimal("{quote: trt-2021, text: x}").replace(
        "{quote: trt-2021, text: x}", "quote: trt-2021\n        text: It was the best of times #1 and worst"))
    [problem] = problems_of(path, workspace)
    assert problem.startswith("briefs/test.yaml:6:15: error: text: the text after '#' was read as a YAML comment")


def test_a_prose_item_beginning_with_a_quotation_mark_gets_a_quoting_hint(write_outline, workspace):
    path = write_outline(minimal('"attains a much greater importance"[@trt-2021] said Rahman.'))
    [problem] = problems_of(path, workspace)
    assert problem.startswith("briefs/test.yaml:5:")
    assert "must be quoted as a whole" in problem


def test_a_prose_item_read_as_a_list_gets_a_quoting_hint(write_outline, workspace):
    path = write_outline(minimal("[see] the text"))
    problems = problems_of(path, workspace)
    assert any("put the whole text in quotes" in p or "must be quoted as a whole" in p for p in problems)


def test_template_and_style_errors_point_at_their_keys(write_outline, workspace):
    path = write_outline('template: ../../x\nstyle: no-such-style\n' + minimal('"p"'))
    problems = problems_of(path, workspace)
    assert problems[0].startswith("briefs/test.yaml:1:11: error: template must be a theme name")
    assert problems[1].startswith("briefs/test.yaml:2:8: error: unknown CSL style 'no-such-style'")


def test_a_source_path_is_never_read_as_a_file(write_outline, workspace):
    path = write_outline(minimal("{quote: ../../etc/passwd, paragraph: 1}"))
    [problem] = problems_of(path, workspace)
    assert "unknown source '../../etc/passwd'" in problem


def test_a_style_path_outside_the_workspace_is_refused(write_outline, workspace):
    path = write_outline('style: ../../../etc/passwd.csl\n' + minimal('"p"'))
    [problem] = problems_of(path, workspace)
    assert "refused: the path leaves" in problem


def test_a_plain_prose_item_that_lost_a_comment_is_warned_about(write_outline, workspace):
    path = write_outline(minimal("Pakistan ranks #1 among partners.[@trt-2021, para. 3]"))
    checked = Pipeline(workspace).check(path)
    assert [str(w) for w in checked.warnings] == [
        "briefs/test.yaml:5:9: warning: a body paragraph: YAML read the text after ' #' as a comment and "
        "dropped it; if it belongs to the text, put the item in single quotes or a block scalar (>-)"]


def test_positions_inside_block_and_escaped_scalars(write_outline, workspace):
    path = write_outline("""
        title: "Positions"
        summary:
          - >-
            First line of prose, fine.
            Second line "attains a much bigger importance"[@trt-2021] here.
          - 'Pakistan''s view.[@nope]'
          - "Said \\"x\\" and [@nope2]"
        sections:
          - heading: One
            body:
              - |-
                Literal first line.
                Then [@nope3].
    """)
    problems = problems_of(path, workspace)
    assert problems[0].startswith("briefs/test.yaml:5:17: error: quotation not found in trt-2021")
    assert problems[1].startswith("briefs/test.yaml:6:24: error: unknown source 'nope'")
    assert problems[2].startswith("briefs/test.yaml:7:22: error: unknown source 'nope2'")
    assert problems[3].startswith("briefs/test.yaml:13:15: error: unknown source 'nope3'")


def test_a_style_path_that_is_not_csl_is_reported_at_its_line(write_outline, workspace):
    path = write_outline('style: seeds/sources.yaml\n' + minimal('"p"'))
    [problem] = problems_of(path, workspace)
    assert problem.startswith("briefs/test.yaml:1:8: error: style 'seeds/sources.yaml' is not a CSL style")


def test_file_level_problems_have_a_position_and_no_repeated_path(write_outline, workspace):
    path = write_outline('title: "x"\n')
    path.write_bytes(b'title: "caf\xe9"\n')
    assert problems_of(path, workspace) == [
        "briefs/test.yaml:1:12: error: not UTF-8 text (byte 0xe9): save the file as UTF-8"]
    path.write_bytes(b'title: "a\x00b"\n')
    assert problems_of(path, workspace) == ["briefs/test.yaml:1:10: error: character U+0000 is not allowed in a YAML file"]


def test_a_basic_iso_date_without_dashes_is_refused(write_outline, workspace):
    path = write_outline('date: "20261122"\n' + minimal('"p"'))
    [problem] = problems_of(path, workspace)
    assert "date must be a date written YYYY-MM-DD" in problem
