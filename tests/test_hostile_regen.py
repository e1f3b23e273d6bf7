"""Hostile and careless input to regeneration: damaged locks, edits during a build, stale briefs
that looked fresh, --accept's bytes, slugs, half-written outputs, and what reaches the terminal.

A small workspace is built once per module; each test works on a copy of it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefwright.build import BuildOptions, Pipeline
from briefwright.cli import main
from briefwright.regen.freshness import FreshnessChecker
from briefwright.regen.lock import read_lock, sha256
from briefwright.regen.rebuild import build_stale
from briefwright.workspace import Workspace

from .conftest import REPO

SMALL = """\
title: Small
date: 2026-01-01
sections:
  - heading: One
    body:
      - Trade is weak, and "economic relations remain underdeveloped"[@cij-2017].
      - The port is "a quiet harbour town with a small fleet"[@extra].
"""
EXTRA = "A first paragraph on a quiet harbour town with a small fleet of boats.\nA second paragraph.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A workspace with one brief, small.yaml, built (PDF and HTML) with -j 1."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "briefs").mkdir()
    (root / "seeds" / "extra.txt").write_text(EXTRA, encoding="utf-8")
    (root / "briefs" / "small.yaml").write_text(SMALL, encoding="utf-8")
    workspace = Workspace.at(root)
    outcomes = build_stale(workspace, workspace.outlines(), BuildOptions(html=True), jobs=1)
    assert [o.status for o in outcomes] == ["built"], [o.messages for o in outcomes]
    return root


@pytest.fixture
def ws(built, tmp_path, monkeypatch) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(built, root, symlinks=True)
    monkeypatch.chdir(root)
    return Workspace.at(root)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build_html(ws: Workspace) -> list:
    return build_stale(ws, ws.outlines(), BuildOptions(html=True), jobs=1)


# -- 10: a lock is input too ----------------------------------------------------------

def deep_lock(ws):
    (ws.briefs / "small.lock").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def fifo_lock(ws):
    (ws.briefs / "small.lock").unlink()
    os.mkfifo(ws.briefs / "small.lock")


def zero_lock(ws):
    (ws.briefs / "small.lock").unlink()
    (ws.briefs / "small.lock").symlink_to("/dev/zero")


def passwd_lock(ws):
    (ws.briefs / "small.lock").unlink()
    (ws.briefs / "small.lock").symlink_to("/etc/passwd")


def outside_lock(ws):
    """A valid lock, but outside the workspace: it must not be read (and so cannot make the brief fresh)."""
    outside = ws.root.parent / "elsewhere.lock"
    shutil.move(ws.briefs / "small.lock", outside)
    (ws.briefs / "small.lock").symlink_to(outside)


def impossible_occurrence(ws):
    lock = ws.briefs / "small.lock"
    data = json.loads(lock.read_text(encoding="utf-8"))
    data["citations"][1]["occurrence"] = 5
    lock.write_text(json.dumps(data), encoding="utf-8")
    replace_in(ws.seeds / "extra.txt", "A first", "An inserted paragraph.\nA first")  # the source changed


@pytest.mark.parametrize("damage", [deep_lock, fifo_lock, zero_lock, passwd_lock, outside_lock,
                                    impossible_occurrence])
def test_a_damaged_lock_is_a_warning_and_a_full_rebuild(ws, damage):
    damage(ws)
    status = run("status")
    assert status.exit_code == 0 and status.exception is None, status.output
    assert "briefs/small.yaml: stale" in status.output
    assert "warning:" in status.output and "the brief will be rebuilt" in status.output
    assert "root:" not in status.output  # /etc/passwd is never read into a message
    check = run("check")
    assert check.exit_code == 0, check.output
    result = run("build", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "1 built, 0 up to date, 0 failed" in result.output and "internal error" not in result.output
    assert (ws.briefs / "small.lock").is_file() and not (ws.briefs / "small.lock").is_symlink()
    assert read_lock(ws.briefs / "small.lock")[1] is None
    assert run("status", "--check").exit_code == 0


# -- 6: an edit made during a build is never lost --------------------------------------

@pytest.fixture
def edit_while_rendering(monkeypatch):
    """Make the next PDF rendering first run `edit` (as an editor saving a file mid-build would)."""
    import briefwright.render.pdf as pdf

    real, pending = pdf.render_pdf, []

    def render(*args, **kwargs):
        while pending:
            pending.pop(0)()
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", render)
    return pending.append


def test_an_outline_edited_during_its_build_leaves_the_brief_stale(ws, edit_while_rendering):
    outline = ws.briefs / "small.yaml"
    replace_in(outline, "title: Small", "title: Version A")
    edit_while_rendering(lambda: replace_in(outline, "title: Version A", "title: Version B"))
    assert [o.status for o in build_html(ws)] == ["built"]
    assert "Version A" in (ws.build / "small.print.html").read_text(encoding="utf-8")
    assert FreshnessChecker(ws, BuildOptions(html=True)).check(outline).reasons == ["outline"]
    assert [o.status for o in build_html(ws)] == ["built"]
    assert "Version B" in (ws.build / "small.print.html").read_text(encoding="utf-8")
    assert FreshnessChecker(ws, BuildOptions(html=True)).check(outline).state == "up to date"


def test_a_source_edited_during_a_build_leaves_the_brief_stale(ws, edit_while_rendering):
    replace_in(ws.seeds / "extra.txt", "A second paragraph.", "A second paragraph, edited once.")
    edit_while_rendering(lambda: replace_in(ws.seeds / "extra.txt", "edited once", "edited twice"))
    assert [o.status for o in build_html(ws)] == ["built"]
    fresh = FreshnessChecker(ws, BuildOptions(html=True)).check(ws.briefs / "small.yaml")
    assert fresh.reasons == ["source extra"]
    assert read_lock(ws.briefs / "small.lock")[0].sources["extra"]["sha256"] != sha256(
        (ws.seeds / "extra.txt").read_bytes())


def test_a_template_edited_during_a_build_leaves_the_brief_stale(ws, edit_while_rendering):
    from briefwright.render.html import builtin_themes

    css = ws.templates / "policy-brief" / "brief.css"
    css.parent.mkdir(parents=True)
    shutil.copy(builtin_themes() / "policy-brief" / "brief.css", css)
    assert [o.status for o in build_html(ws)] == ["built"]
    assert FreshnessChecker(ws, BuildOptions(html=True)).check(ws.briefs / "small.yaml").state == "up to date"
    edit_while_rendering(lambda: css.write_text(css.read_text(encoding="utf-8") + "\n/* house colours */\n",
                                                encoding="utf-8"))
    replace_in(ws.briefs / "small.yaml", "title: Small", "title: Small, edited")
    assert [o.status for o in build_html(ws)] == ["built"]
    assert "house colours" not in (ws.build / "small.print.html").read_text(encoding="utf-8")
    fresh = FreshnessChecker(ws, BuildOptions(html=True)).check(ws.briefs / "small.yaml")
    assert fresh.reasons == ["template policy-brief/brief.css"]
    outcomes = build_html(ws)
    assert [o.status for o in outcomes] == ["built"], [o.messages for o in outcomes]
    assert "house colours" in (ws.build / "small.print.html").read_text(encoding="utf-8")
    assert FreshnessChecker(ws, BuildOptions(html=True)).check(ws.briefs / "small.yaml").state == "up to date"


def test_watch_builds_the_last_edit_made_while_it_was_building(ws, edit_while_rendering):
    from briefwright.regen.watch import watch_workspace

    outline = ws.briefs / "small.yaml"

    def edits():
        replace_in(outline, "title: Small", "title: Version A")
        edit_while_rendering(lambda: replace_in(outline, "title: Version A", "title: Version B"))
        yield {("modified", str(outline))}   # A saved: watch rebuilds, and B is saved meanwhile
        yield {("modified", str(outline))}   # B's event, seen after A's build

    lines: list[str] = []
    watch_workspace(ws, BuildOptions(html=True), jobs=1, echo=lines.append, changes=edits())
    assert lines[-1] == "1 built, 0 up to date, 0 failed", lines
    assert "Version B" in (ws.build / "small.print.html").read_text(encoding="utf-8")


# -- 7: inputs that appear later make the brief stale -----------------------------------

def test_a_source_cited_by_its_stem_that_gets_a_catalog_entry_makes_the_brief_stale(ws):
    outline = ws.briefs / "small.yaml"
    assert FreshnessChecker(ws, BuildOptions(html=True)).check(outline).state == "up to date"
    with ws.catalog.open("a", encoding="utf-8") as catalog:
        catalog.write("  - id: harbour-2020\n    file: extra.txt\n    type: article\n    title: The harbour\n")
    assert FreshnessChecker(ws, BuildOptions(html=True)).check(outline).reasons == ["catalog entry extra"]
    assert [o.status for o in build_html(ws)] == ["built"]
    assert "The Harbour" in (ws.build / "small.print.html").read_text(encoding="utf-8")


def test_a_template_included_if_present_that_appears_later_makes_the_brief_stale(ws):
    theme = ws.templates / "policy-brief"
    theme.mkdir(parents=True)
    (theme / "brief.html").write_text('{% extends "briefwright:policy-brief/brief.html" %}\n'
                                      '{% block colophon %}{% include "disclaimer.html" ignore missing %}'
                                      '{% endblock %}\n', encoding="utf-8")
    outline = ws.briefs / "small.yaml"
    assert [o.status for o in build_html(ws)] == ["built"]
    assert FreshnessChecker(ws, BuildOptions(html=True)).check(outline).state == "up to date"
    (theme / "disclaimer.html").write_text("<p>The views are the author's own.</p>\n", encoding="utf-8")
    reasons = FreshnessChecker(ws, BuildOptions(html=True)).check(outline).reasons
    assert reasons == ["template disclaimer.html"]
    assert [o.status for o in build_html(ws)] == ["built"]
    assert "the author's own" in (ws.build / "small.print.html").read_text(encoding="utf-8")
    assert FreshnessChecker(ws, BuildOptions(html=True)).check(outline).state == "up to date"


# -- 11a: a string that cannot be printed is a located error in check ------------------

def test_a_lone_surrogate_in_the_outline_is_an_error_at_its_place(ws):
    replace_in(ws.briefs / "small.yaml", "title: Small", 'title: "Small \\ud800 brief"')
    for command in ("check", "build"):
        result = run(command, "-j", "1") if command == "build" else run(command)
        assert result.exit_code == 1, result.output
        assert "briefs/small.yaml:1:15: error: title contains U+D800" in result.output
        assert "internal error" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("escape, named", [("\\0", "U+0000 (NUL)"), ("\\e", "U+001B (ESC)"),
                                           ("\\x7f", "U+007F (DEL)"), ("\\x85", "U+0085 (next-line (NEL))")])
def test_a_control_character_in_the_outline_is_an_error_at_its_place(ws, escape, named):
    replace_in(ws.briefs / "small.yaml", "title: Small", f'title: "Small {escape} brief"')
    for command in ("check", "build"):
        result = run(command, "-j", "1") if command == "build" else run(command)
        assert result.exit_code == 1, result.output
        assert f"briefs/small.yaml:1:15: error: title contains {named}, an invisible control character" in result.output
        assert "internal error" not in result.output and "Traceback" not in result.output


def test_tabs_and_line_ends_in_the_outline_are_not_control_characters(ws):
    replace_in(ws.briefs / "small.yaml", "title: Small", 'title: "Small\\tbrief"')
    result = run("check")
    assert result.exit_code == 0, result.output


# -- 13: --accept changes the scalar's bytes and nothing else ---------------------------

FLOW = ("title: Small\r\ndate: 2026-01-01\r\nsections:\r\n  - heading: One\r\n    body:\r\n"
        "      - Trade is weak.  # a comment\r\n"
        "      - {quote: extra, text: a quiet harbour town with a small fleet}\r\n")


@pytest.mark.parametrize("new_words, expected", [
    ("a sleepy harbour town", "{quote: extra, text: a sleepy harbour town with a small fleet}"),
    ("a quiet, old harbour town", '{quote: extra, text: "a quiet, old harbour town with a small fleet"}'),
])
def test_accept_keeps_crlf_the_flow_mapping_and_the_file_mode(ws, new_words, expected):
    outline = ws.briefs / "small.yaml"
    outline.write_bytes(FLOW.encode("utf-8"))
    outline.chmod(0o600)
    assert run("build", "-j", "1").exit_code == 0
    replace_in(ws.seeds / "extra.txt", "a quiet harbour town", new_words)
    result = run("build", "-j", "1", "--accept")
    assert result.exit_code == 0, result.output
    assert outline.read_bytes() == FLOW.replace(
        "{quote: extra, text: a quiet harbour town with a small fleet}", expected).encode("utf-8")
    assert stat.S_IMODE(outline.stat().st_mode) == 0o600
    assert run("status", "--check").exit_code == 0


def test_an_accept_undone_after_a_failed_build_keeps_the_file_mode(ws):
    outline = ws.briefs / "small.yaml"
    outline.chmod(0o600)
    replace_in(ws.seeds / "extra.txt", "a quiet harbour town", "a sleepy harbour town")
    with outline.open("ab") as handle:   # a second problem, which fails the build after the rewrite
        handle.write(b'      - Wrong "words that are nowhere"[@cij-2017].\n')
    original = outline.read_bytes()
    result = run("build", "-j", "1", "--accept")
    assert result.exit_code == 1 and "--accept's rewrites were undone" in result.output, result.output
    assert outline.read_bytes() == original and stat.S_IMODE(outline.stat().st_mode) == 0o600


# -- 14: two outlines with one slug ------------------------------------------------------

@pytest.mark.parametrize("args", [("build", "-j", "1"), ("build", "-j", "1", "briefs/small.yaml"), ("status",),
                                  ("check",)])
def test_two_outlines_with_one_slug_are_refused_naming_both(ws, args):
    shutil.copy(ws.briefs / "small.yaml", ws.briefs / "small.yml")
    replace_in(ws.briefs / "small.yml", "title: Small", "title: The other one")
    pdf, lock = (ws.build / "small.pdf").read_bytes(), (ws.briefs / "small.lock").read_bytes()
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert "briefs/small.yaml and briefs/small.yml: error: these outlines would write the same PDF and lock" \
        in result.output
    assert (ws.build / "small.pdf").read_bytes() == pdf and (ws.briefs / "small.lock").read_bytes() == lock


# -- 18: outside the workspace, complex keys, what reaches the terminal ------------------

def test_status_of_an_outline_outside_the_workspace_is_refused(ws):
    elsewhere = ws.root.parent / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(ws.briefs / "small.yaml", elsewhere / "x.yaml")
    shutil.copy(ws.briefs / "small.lock", elsewhere / "x.lock")
    for command in ("status", "check", "build"):
        result = run(command, "../elsewhere/x.yaml")
        assert result.exit_code == 2, result.output
        assert "../elsewhere/x.yaml: refused: the outline lies outside the workspace" in result.output
        assert "x.yaml:" not in result.output.replace("../elsewhere/x.yaml: refused", "")


def test_a_complex_yaml_key_is_an_error_at_its_place(ws):
    replace_in(ws.briefs / "small.yaml", "date: 2026-01-01\n", "date: 2026-01-01\n? [a]\n: 1\n")
    result = run("check")
    assert result.exit_code == 1, result.output
    assert "briefs/small.yaml:3:3: error: a key must be a single word or text, not a list" in result.output


CONTROLS = ("\x1b", "\r", "\u2028", "\x85", "\x07")


def test_show_and_search_never_print_control_characters_raw(ws):
    (ws.seeds / "odd.txt").write_text("Plain words.\nRed \x1b[31malert\x1b[0m here\rand \u2028there\x85 bell\x07.\n",
                                      encoding="utf-8")
    for args in (("show", "odd"), ("search", "Red"), ("search", "bell")):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "here" in result.output or "cite as" in result.output
        assert not any(c in result.output for c in CONTROLS), repr(result.output)
    # a control character in a source is a space (finding 12), in show as in the PDF
    assert "Red  [31malert [0m here" in run("show", "odd").output


def test_escape_sequences_from_outline_text_are_never_echoed_raw(ws):
    replace_in(ws.briefs / "small.yaml", "    body:\n", '    body:\n      - {quote: extra, text: "\\e[31mred\\e[0m words"}\n')
    for args in (("check",), ("build", "-j", "1")):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert "text contains U+001B (ESC), an invisible control character" in result.output  # refused where typed
        assert "\x1b" not in result.output, repr(result.output)


def test_a_bidirectional_override_in_outline_text_is_never_echoed_raw(ws):
    """Not a control character the outline refuses, but one that would reorder the terminal's line."""
    replace_in(ws.briefs / "small.yaml", "    body:\n", '    body:\n      - {quote: extra, text: "\u202ered words"}\n')
    for args in (("check",), ("build", "-j", "1")):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert "quotation not found in extra" in result.output
        assert "\u202e" not in result.output and "\\u202ered" in result.output, repr(result.output)


# -- 15: the PDF and the lock are written together, or neither --------------------------

def lock_is_a_folder(ws):
    (ws.briefs / "small.lock").unlink()
    (ws.briefs / "small.lock").mkdir()


def briefs_read_only(ws):
    ws.briefs.chmod(0o555)


@pytest.mark.parametrize("obstacle", [
    lock_is_a_folder,
    pytest.param(briefs_read_only, marks=pytest.mark.skipif(os.geteuid() == 0, reason="root writes anyway")),
])
@pytest.mark.parametrize("had_pdf", [True, False])
def test_a_lock_that_cannot_be_written_leaves_the_previous_pdf(ws, obstacle, had_pdf):
    replace_in(ws.briefs / "small.yaml", "title: Small", "title: Small, edited")
    if not had_pdf:
        (ws.build / "small.pdf").unlink()
        (ws.build / "small.print.html").unlink()
    before = {path.name: path.read_bytes() for path in ws.build.iterdir()}
    obstacle(ws)
    try:
        result = run("build", "-j", "1", "--html")
    finally:
        ws.briefs.chmod(0o755)
    assert result.exit_code == 1, result.output
    assert "cannot write briefs/small.lock" in result.output
    assert {path.name: path.read_bytes() for path in ws.build.iterdir()} == before   # no temporaries either
    assert sorted(path.name for path in ws.briefs.iterdir()) == ["small.lock", "small.yaml"]


def test_status_never_prints_control_characters_from_a_source_raw(ws):
    replace_in(ws.seeds / "extra.txt", "a quiet harbour town", "a quiet\u2028harbour \x1b[31mtown\x85")
    for args in (("status",), ("status", "--json")):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "edited" in result.output
        assert not any(c in result.output for c in CONTROLS), repr(result.output)
    quotations = json.loads(run("status", "--json").output)[0]["quotations"]
    assert "a quiet harbour  [31mtown " in quotations[0]["new_text"]  # controls are spaces, as in the PDF


def test_watch_refuses_two_outlines_with_one_slug_and_keeps_watching(ws):
    from briefwright.regen.watch import watch_workspace

    shutil.copy(ws.briefs / "small.yaml", ws.briefs / "small.yml")
    pdf = (ws.build / "small.pdf").read_bytes()
    lines: list[str] = []
    watch_workspace(ws, BuildOptions(html=True), jobs=1, echo=lines.append,
                    changes=[{("added", str(ws.briefs / "small.yml"))}])
    refusals = [line for line in lines if "these outlines would write the same PDF and lock" in line]
    assert len(refusals) == 2 and refusals[0].startswith("briefs/small.yaml and briefs/small.yml: error:"), lines
    assert (ws.build / "small.pdf").read_bytes() == pdf
