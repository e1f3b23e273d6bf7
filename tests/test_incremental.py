"""Locks, status, incremental and parallel builds, --accept, watch, and what a killed build leaves.

One workspace is built once per module (the example brief and a small one); each
test works on a copy of it, so that few tests pay for a PDF build.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefwright.build import BuildOptions
from briefwright.render.citations import styles_folder
from briefwright.cli import main
from briefwright.regen.freshness import FreshnessChecker
from briefwright.regen.lock import read_lock, sha256
from briefwright.regen.rebuild import build_stale
from briefwright.render.html import builtin_themes
from briefwright.regen.watch import changed_inputs, watch_workspace
from briefwright.workspace import Workspace

from .conftest import EXAMPLE, REPO

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
EXAMPLE_LINE = f"briefs/{EXAMPLE.name}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A workspace with a workspace template, a workspace CSL style and two briefs, built with -j 1."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "briefs").mkdir()
    shutil.copy(EXAMPLE, root / "briefs" / EXAMPLE.name)
    (root / "seeds" / "extra.txt").write_text(EXTRA, encoding="utf-8")
    (root / "briefs" / "small.yaml").write_text(SMALL, encoding="utf-8")
    theme = root / "templates" / "policy-brief"
    theme.mkdir(parents=True)
    shutil.copy(builtin_themes() / "policy-brief" / "brief.css", theme / "brief.css")
    (root / "styles").mkdir()
    shutil.copy(styles_folder() / "chicago-notes-bibliography.csl", root / "styles" / "house.csl")
    example = root / "briefs" / EXAMPLE.name
    example.write_text(example.read_text(encoding="utf-8").replace("\nsections:", "\nstyle: styles/house.csl\nsections:", 1),
                       encoding="utf-8")
    workspace = Workspace.at(root)
    outcomes = build_stale(workspace, workspace.outlines(), BuildOptions(), jobs=1)
    assert [o.status for o in outcomes] == ["built", "built"], [o.messages for o in outcomes]
    return root


@pytest.fixture
def ws(built, tmp_path, monkeypatch) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(built, root)
    monkeypatch.chdir(root)
    return Workspace.at(root)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def status_of(outline: str, *args: str) -> str:
    result = run("status", *args)
    assert result.exit_code == 0, result.output
    return next(line for line in result.output.splitlines() if line.startswith(outline))


# -- the lock ---------------------------------------------------------------------

def test_the_lock_records_every_input_and_the_pdf(ws):
    lock, warning = read_lock(ws.briefs / "small.lock")
    assert warning is None
    assert lock.outline == {"path": "briefs/small.yaml", "sha256": sha256((ws.briefs / "small.yaml").read_bytes())}
    assert lock.pdf == {"path": "build/small.pdf", "sha256": sha256((ws.build / "small.pdf").read_bytes())}
    assert set(lock.sources) == {"cij-2017", "extra"} and lock.sources["extra"]["file"] == "seeds/extra.txt"
    assert {f["path"] for f in lock.files} >= {"templates/policy-brief/brief.css", "builtin:policy-brief/brief.html"}
    assert any(f["path"].startswith("builtin:policy-brief/fonts/") for f in lock.files)  # served to WeasyPrint
    assert lock.theme["folders"] == ["templates/policy-brief", "builtin:policy-brief"]
    assert lock.style["path"] == "csl:chicago-notes-bibliography.csl"
    assert set(lock.versions) == {"briefwright", "weasyprint", "pypandoc-binary"}
    assert [(c.source, c.first, c.text) for c in lock.citations] == [
        ("cij-2017", 7, "economic relations remain underdeveloped"), ("extra", 1, "a quiet harbour town with a small fleet")]
    text = (ws.briefs / "small.lock").read_text(encoding="utf-8")
    assert text == lock.to_text() and json.loads(text)["briefwright-lock"] == 1  # stable, sorted JSON


# -- status -----------------------------------------------------------------------

def test_status_says_up_to_date_and_check_passes(ws):
    result = run("status", "--check")
    assert result.exit_code == 0, result.output
    assert result.output == f"{EXAMPLE_LINE}: up to date\nbriefs/small.yaml: up to date\n"


def edit_outline(ws):
    replace_in(ws.briefs / EXAMPLE.name, "\nsections:", "\n# a comment\nsections:")


def edit_source(ws):
    replace_in(ws.seeds / "004_d9afcd8eee5beb88.txt", "\n", "\nA new paragraph.\n")


def edit_catalog(ws):
    replace_in(ws.catalog, "id: korybko-2021", "id: korybko-2021\n    note: corrected")


def edit_template(ws):
    replace_in(ws.templates / "policy-brief" / "brief.css", "\n", "\n/* house colours */\n")


def shadow_template(ws):
    shutil.copy(builtin_themes() / "policy-brief" / "brief.html", ws.templates / "policy-brief" / "brief.html")


def add_theme_settings(ws):
    (ws.templates / "policy-brief" / "theme.yaml").write_text('accent: "#7a1f2b"\n', encoding="utf-8")


def edit_style(ws):
    replace_in(ws.root / "styles" / "house.csl", "<info>", "<info><!-- ours -->")


def edit_version(ws):
    lock = ws.briefs / f"{EXAMPLE.stem}.lock"
    data = json.loads(lock.read_text(encoding="utf-8"))
    data["versions"]["weasyprint"] = "0.1"
    lock.write_text(json.dumps(data), encoding="utf-8")


def remove_pdf(ws):
    (ws.build / f"{EXAMPLE.stem}.pdf").unlink()


@pytest.mark.parametrize("change, reason", [
    (edit_outline, "outline"),
    (edit_source, "source cij-2017"),
    (edit_catalog, "catalog entry korybko-2021"),
    (edit_template, "template policy-brief/brief.css"),
    (add_theme_settings, "template templates/policy-brief/theme.yaml"),
    (shadow_template, "template brief.html (now templates/policy-brief/brief.html)"),
    (edit_style, "style"),
    (edit_version, "version (weasyprint 0.1 → 70."),
    (remove_pdf, "PDF missing"),
])
def test_status_names_the_input_that_changed(ws, change, reason):
    change(ws)
    line = status_of(EXAMPLE_LINE)
    assert line.startswith(f"{EXAMPLE_LINE}: stale: {reason}"), line
    assert run("status", "--check").exit_code == 1


def test_a_source_change_makes_stale_only_the_briefs_citing_it(ws):
    replace_in(ws.seeds / "003_aac563a5d5b89061.txt", "\n", "\nA new paragraph.\n")  # korybko-2021
    assert status_of(EXAMPLE_LINE) == f"{EXAMPLE_LINE}: stale: source korybko-2021"
    assert status_of("briefs/small.yaml") == "briefs/small.yaml: up to date"


def test_status_options_and_never_built(ws):
    assert status_of("briefs/small.yaml", "--paper", "letter") == "briefs/small.yaml: stale: options"
    (ws.briefs / "new.yaml").write_text(SMALL, encoding="utf-8")
    assert status_of("briefs/new.yaml") == "briefs/new.yaml: never built"


def test_asking_for_html_makes_a_brief_without_it_stale(ws):
    outline = ws.briefs / "small.yaml"
    assert FreshnessChecker(ws, BuildOptions(html=True)).check(outline).reasons == ["HTML missing"]
    (ws.build / "small.print.html").write_text("<html></html>", encoding="utf-8")
    assert FreshnessChecker(ws, BuildOptions(html=True)).check(outline).state == "up to date"


def test_status_lists_the_quotations_that_drifted_and_json_says_the_same(ws):
    replace_in(ws.seeds / "extra.txt", "A first", "An inserted paragraph.\nA first")
    replace_in(ws.seeds / "004_d9afcd8eee5beb88.txt", "economic relations remain underdeveloped",
               "economic relations remain weak")
    result = run("status")
    lines = result.output.splitlines()
    start = lines.index("briefs/small.yaml: stale: source cij-2017, source extra")
    assert lines[start + 1] == "  briefs/small.yaml:6:28: edited: cij-2017, para. 7 now reads differently " \
                               "(run briefwright build --accept to take the new text):"
    assert lines[start + 2] == "      economic relations remain [-underdeveloped-] {+weak+}"
    assert lines[start + 3] == "  briefs/small.yaml:7:21: moved: “a quiet harbour town with a small fleet” in extra is now para. 2 (was para. 1)"
    data = json.loads(run("status", "--json", "briefs/small.yaml").output)
    assert data[0]["state"] == "stale" and data[0]["reasons"] == ["source cij-2017", "source extra"]
    assert [(q["class"], q["was"], q["now"]) for q in data[0]["quotations"]] == [("edited", [7, 7], [7, 7]),
                                                                                ("moved", [1, 1], [2, 2])]


# -- building -----------------------------------------------------------------------

def test_a_build_with_nothing_to_do_touches_nothing_and_never_imports_weasyprint(ws):
    outputs = sorted(ws.build.glob("*.pdf")) + sorted(ws.briefs.glob("*.lock"))
    before = {p: p.stat().st_mtime_ns for p in outputs}
    code = ("import sys, atexit; from briefwright.cli import main; sys.argv=['briefwright','build']; "
            "atexit.register(lambda: print('weasyprint imported:', 'weasyprint' in sys.modules)); main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ws.root, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "0 built, 2 up to date, 0 failed\nweasyprint imported: False\n"
    assert {p: p.stat().st_mtime_ns for p in outputs} == before


def test_only_the_brief_citing_a_changed_source_rebuilds_and_a_moved_quotation_follows(ws):
    replace_in(ws.seeds / "extra.txt", "A first", "An inserted paragraph.\nA first")
    result = run("build", "-j", "1")
    assert result.exit_code == 0, result.output
    assert ("briefs/small.yaml:7:21: note: moved: “a quiet harbour town with a small fleet” in extra "
            "is now para. 2 (was para. 1)") in result.output
    assert "built build/small.pdf" in result.output and "[source extra]" in result.output
    assert result.output.endswith("1 built, 1 up to date, 0 failed\n")
    lock, _ = read_lock(ws.briefs / "small.lock")
    assert lock.citations[1].first == 2
    assert run("status", "--check").exit_code == 0


def test_two_processes_build_the_same_bytes_as_one(ws, built):
    result = run("build", "--force", "-j", "2")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("2 built, 0 up to date, 0 failed\n")
    for name in ("build/small.pdf", f"build/{EXAMPLE.stem}.pdf", "briefs/small.lock", f"briefs/{EXAMPLE.stem}.lock"):
        assert (ws.root / name).read_bytes() == (built / name).read_bytes(), name


def test_a_damaged_lock_is_a_warning_and_a_rebuild(ws):
    lock = ws.briefs / "small.lock"
    lock.write_text(lock.read_text(encoding="utf-8")[:300], encoding="utf-8")
    assert status_of("briefs/small.yaml").startswith("briefs/small.yaml: stale: lock damaged")
    result = run("build", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "briefs/small.lock: warning: damaged lock" in result.output and "1 built, 1 up to date" in result.output
    assert read_lock(lock)[0] is not None


def test_an_edited_quotation_fails_its_brief_until_accepted(ws):
    replace_in(ws.seeds / "extra.txt", "a quiet harbour town", "a sleepy harbour town")
    outline = ws.briefs / "small.yaml"
    result = run("build", "-j", "1")
    assert result.exit_code == 1
    assert ("briefs/small.yaml:7:21: error: edited: extra, para. 1 now reads differently "
            "(run briefwright build --accept to take the new text):\n"
            "    a [-quiet-] {+sleepy+} harbour town with a small fleet") in result.output
    assert result.output.endswith("0 built, 1 up to date, 1 failed\n")
    assert outline.read_text(encoding="utf-8") == SMALL
    result = run("build", "--accept", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "briefs/small.yaml:7:21: note: accepted: quotation now reads “a sleepy harbour town with a small fleet”" \
        in result.output
    assert outline.read_text(encoding="utf-8") == SMALL.replace("a quiet harbour", "a sleepy harbour")
    assert run("status", "--check").exit_code == 0


# -- reliability ---------------------------------------------------------------------

KILLABLE = """
import os, sys, time
from pathlib import Path
real_replace, killed_at = os.replace, sys.argv[1]
def slow_replace(source, target):
    if Path(target).name == killed_at:
        Path("killme").write_text("now")
        time.sleep(60)
    real_replace(source, target)
os.replace = slow_replace
from briefwright.cli import main
from briefwright.regen.freshness import FreshnessChecker
sys.argv = ["briefwright", "build", "--force", "-j", "1", "briefs/small.yaml"]
main()
"""


@pytest.mark.parametrize("killed_at, state", [("small.pdf", "up to date"),
                                              ("small.lock", "stale: PDF differs from the lock")])
def test_a_build_killed_mid_write_leaves_the_previous_pdf_and_lock_valid(ws, killed_at, state):
    replace_in(ws.briefs / "small.yaml", "title: Small", "title: Small, second edition")
    old_pdf, old_lock = (ws.build / "small.pdf").read_bytes(), (ws.briefs / "small.lock").read_bytes()
    child = subprocess.Popen([sys.executable, "-c", KILLABLE, killed_at], cwd=ws.root,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (ws.root / "killme").exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert (ws.root / "killme").exists(), "the child never reached the write"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert (ws.briefs / "small.lock").read_bytes() == old_lock
    if killed_at == "small.pdf":
        assert (ws.build / "small.pdf").read_bytes() == old_pdf
    replace_in(ws.briefs / "small.yaml", "title: Small, second edition", "title: Small")
    assert status_of("briefs/small.yaml") == f"briefs/small.yaml: {state}"


def test_two_builds_at_once_leave_a_valid_pdf_and_lock(ws):
    command = [sys.executable, "-m", "briefwright", "build", "--force", "-j", "1", "briefs/small.yaml"]
    children = [subprocess.Popen(command, cwd=ws.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                for _ in range(2)]
    assert [child.wait() for child in children] == [0, 0]
    lock, warning = read_lock(ws.briefs / "small.lock")
    assert warning is None and lock.pdf["sha256"] == sha256((ws.build / "small.pdf").read_bytes())
    assert status_of("briefs/small.yaml") == "briefs/small.yaml: up to date"


# -- watch -----------------------------------------------------------------------------

def test_watch_rebuilds_after_each_change_and_survives_a_bad_edit(ws):
    outline = ws.briefs / "small.yaml"
    lines: list[str] = []

    def edits():
        outline.write_text(SMALL.replace("[@extra]", "[@nowhere]"), encoding="utf-8")
        yield {(2, str(outline)), (2, str(ws.briefs / "small.lock")), (1, str(ws.root / "notes.txt"))}
        outline.write_text(SMALL.replace("Trade is weak", "Trade is thin"), encoding="utf-8")
        yield {(2, str(outline))}

    watch_workspace(ws, BuildOptions(), jobs=1, echo=lines.append, changes=edits())
    output = "\n".join(lines)
    assert "changed: briefs/small.yaml" in output
    assert "briefs/small.yaml:7:63: error: unknown source 'nowhere'" in output
    assert "0 built, 1 up to date, 1 failed" in output
    assert "built build/small.pdf" in output and "[outline]" in output
    assert output.endswith("1 built, 1 up to date, 0 failed")


def test_watch_looks_only_at_inputs(ws):
    batch = {(2, str(ws.briefs / "small.lock")), (2, str(ws.build / "small.pdf")), (1, str(ws.seeds / "x.txt")),
             (2, str(ws.briefs / ".small.yaml.123.tmp")), (2, str(ws.templates / "policy-brief" / "brief.css"))}
    assert changed_inputs(ws, batch) == [ws.seeds / "x.txt", ws.templates / "policy-brief" / "brief.css"]


WATCH_DEADLINE = 60  # seconds: generous bounds on a real watcher, never a measure of its speed


def test_watch_notices_a_real_file_change_and_stops_on_request(ws):
    stop, lines = threading.Event(), []
    thread = threading.Thread(target=watch_workspace, args=(ws, BuildOptions()),
                              kwargs={"jobs": 1, "echo": lines.append, "stop_event": stop})
    thread.start()
    try:
        deadline = time.monotonic() + WATCH_DEADLINE
        while not any(line.startswith("watching") for line in lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        # write until the change is seen: the watcher may begin listening a little after it says "watching"
        attempt = 0
        while not any(line.startswith("changed:") for line in lines) and time.monotonic() < deadline:
            attempt += 1
            (ws.seeds / "unused.txt").write_text(f"A new source nobody cites yet ({attempt}).\n", encoding="utf-8")
            time.sleep(0.5)
    finally:
        stop.set()
        thread.join(WATCH_DEADLINE)
    assert not thread.is_alive()
    assert "changed: seeds/unused.txt" in lines, lines
