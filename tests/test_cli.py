"""The command line through click's CliRunner: output, exit codes, nothing written for a brief in error."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from briefwright.cli import main

from .conftest import minimal


@pytest.fixture
def run(workspace):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_check_passes_the_example(run):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "briefs/azerbaijan-pakistan-turkey.yaml: ok, 46 notes from 5 sources" in result.output


def test_check_reports_every_problem_with_its_position_and_exits_1(run, write_outline):
    write_outline(minimal("'One.[@nobody] Two.[@trt-2021, para. 400]'"), "bad.yaml")
    result = run("check", "briefs/bad.yaml")
    assert result.exit_code == 1
    assert "briefs/bad.yaml:5:15: error: unknown source 'nobody'" in result.output
    assert "briefs/bad.yaml:5:29: error: para. 400 does not exist in trt-2021" in result.output
    assert "Traceback" not in result.output


def test_build_writes_the_pdf_and_html(run, workspace):
    result = run("build", "--html")
    assert result.exit_code == 0, result.output
    assert "built build/azerbaijan-pakistan-turkey.pdf and build/azerbaijan-pakistan-turkey.print.html" in result.output
    assert (workspace.build / "azerbaijan-pakistan-turkey.pdf").read_bytes().startswith(b"%PDF-")
    assert (workspace.build / "azerbaijan-pakistan-economy.pdf").read_bytes().startswith(b"%PDF-")  # the institute's
    assert not list(workspace.build.glob(".*.tmp"))


def test_a_brief_with_problems_is_left_untouched_and_the_others_still_build(run, workspace, write_outline):
    workspace.build.mkdir()
    previous = workspace.build / "broken.pdf"
    previous.write_bytes(b"%PDF-previous")
    write_outline(minimal("'Unknown.[@nobody]'"), "broken.yaml")
    result = run("build", "-j", "1")
    assert result.exit_code == 1
    assert "briefs/broken.yaml:5:19: error: unknown source 'nobody'" in result.output
    assert "1 error; nothing written" in result.output
    assert result.output.endswith("2 built, 0 up to date, 1 failed\n")
    assert previous.read_bytes() == b"%PDF-previous"
    assert not (workspace.briefs / "broken.lock").exists()
    assert (workspace.build / "azerbaijan-pakistan-turkey.pdf").exists()


def test_an_unwritable_output_is_a_message_not_a_traceback(run, workspace):
    (workspace.root / "afile").write_text("x")
    result = run("build", "briefs/azerbaijan-pakistan-turkey.yaml", "-o", "afile")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "cannot write afile/azerbaijan-pakistan-turkey.pdf" in result.output


def test_workspace_option_works_like_git_c(workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path.parent)
    result = CliRunner().invoke(main, ["-C", str(workspace.root), "check", "briefs/azerbaijan-pakistan-turkey.yaml"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("briefs/azerbaijan-pakistan-turkey.yaml: ok")


def test_bad_usage_exits_2(run, workspace):
    cases = {("build", "--paper", "tabloid"): "Error: Invalid value for '--paper': 'tabloid' is not one of "
                                             "'a4', 'a5', 'letter', 'legal'.",
             ("frobnicate",): "Error: No such command 'frobnicate'.",
             ("build", "briefs/missing.yaml"): "Error: Invalid value for OUTLINE: briefs/missing.yaml: no such file"}
    for args, message in cases.items():
        result = run(*args)
        assert result.exit_code == 2, args
        assert result.output.splitlines()[-1] == message, result.output
        assert "Traceback" not in result.output
    assert not workspace.build.exists()


def test_every_command_explains_itself_with_an_example(run):
    for command in ("build", "check", "sources", "show", "search"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.output, command


def test_sources_lists_the_catalog_and_warns_about_gaps(run, workspace):
    (workspace.seeds / "005_uncatalogued.txt").write_text("A paragraph.\n", encoding="utf-8")
    result = run("sources")
    assert result.exit_code == 0
    assert re.search(r"^kazimbeyli-2017 +Kazimbeyli, “New Defense Triangle\.”  "
                     r"\(21 paras\., seeds/001_2aadb1dbeed98bb9\.txt\)$", result.output, re.M)
    assert "005_uncatalogued.txt: warning: no catalog entry" in result.output


def test_an_uncatalogued_file_is_citable_by_its_stem(run, workspace, write_outline):
    (workspace.seeds / "005_uncatalogued.txt").write_text("A paragraph of evidence.\n", encoding="utf-8")
    write_outline(minimal("'Claim.[@005_uncatalogued \"paragraph of evidence\"]'"), "stem.yaml")
    result = run("check", "briefs/stem.yaml")
    assert result.exit_code == 0
    assert "warning: source '005_uncatalogued' has no entry in seeds/sources.yaml" in result.output


def test_show_prints_paragraph_numbers(run):
    result = run("show", "kazimbeyli-2017", "--para", "15")
    assert result.exit_code == 0
    assert result.output.startswith("  15  Pakistan is the only country in the world")
    unknown = run("show", "nobody")
    assert (unknown.exit_code, unknown.output) == (1, "unknown source 'nobody'; see briefwright sources\n")
    beyond = run("show", "trt-2021", "--para", "99")
    assert beyond.exit_code == 2
    assert beyond.output.splitlines()[-1] == "Error: Invalid value for --para: the source has paragraphs 1–22"


def test_search_finds_words_and_offers_a_citation(run):
    result = run("search", "the only country")
    assert result.exit_code == 0
    assert "kazimbeyli-2017, para. 15:" in result.output
    assert "kazimbeyli-2017, para. 15: Pakistan is the only country in the world that does not recognize " \
           "Azerbaijan’s western neighbor, Armenia, in a sign of…\n    cite as: [@kazimbeyli-2017 \"the only country\"]   (evidence: the words are checked, not printed)\n" \
           in result.output
    # ranked best first by the index (tests/test_index.py checks the order); here: which passages
    assert sorted(line.split(":")[0] for line in result.output.splitlines() if not line.startswith(" ")) == [
        "avdaliani-2020, para. 11", "kazimbeyli-2017, para. 15", "kazimbeyli-2017-web, para. 10",
        "trt-2021, para. 11"], result.output
    missing = run("search", "no such words anywhere")
    assert (missing.exit_code, missing.output) == (1, "no passage contains 'no such words anywhere'\n")


@pytest.mark.parametrize("text", ["", "   ", "...", "“”"])
def test_search_for_no_words_is_bad_usage(run, text):
    result = run("search", text)
    assert result.exit_code == 2 and "give words to look for" in result.output, result.output


def test_search_within_one_source(run):
    result = run("search", "Pakistan's representative", "--source", "kazimbeyli-2017")
    assert "cite as: [@kazimbeyli-2017 \"Pakistan’s representative\"]" in result.output
    assert "to print the words: \"Pakistan’s representative\"[@kazimbeyli-2017]" in result.output


def test_check_does_not_import_weasyprint(workspace):
    code = ("import sys; from briefwright.cli import main; "
            "sys.argv=['briefwright','check']; "
            "import atexit; atexit.register(lambda: print('weasyprint' in sys.modules)); main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=workspace.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "briefs/azerbaijan-pakistan-turkey.yaml: ok" in result.stdout, result.stdout  # the check did run
    assert result.stdout.strip().endswith("False"), result.stdout + result.stderr


def test_outside_a_workspace_the_message_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "no briefs/ folder" in result.output and "Traceback" not in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_unsafe_corpus_files_are_refused_where_cited(run, workspace, tmp_path, write_outline):
    outside = tmp_path.parent / "outside.txt"
    outside.write_text("secret\n", encoding="utf-8")
    (workspace.seeds / "link.txt").symlink_to(outside)
    os.mkfifo(workspace.seeds / "pipe.txt")
    (workspace.seeds / "zero.txt").symlink_to("/dev/zero")
    assert run("check", "briefs/azerbaijan-pakistan-turkey.yaml").exit_code == 0  # cites none of them
    listing = run("sources").output
    assert "seeds/link.txt: warning: refused: the path leaves seeds/" in listing
    assert "seeds/pipe.txt: warning: refused: not a regular file" in listing
    assert "seeds/zero.txt: warning: refused: the path leaves seeds/" in listing
    write_outline(minimal("'A.[@link] B.[@pipe] C.[@zero]'"), "unsafe.yaml")
    result = run("check", "briefs/unsafe.yaml")
    assert result.exit_code == 1
    assert "error: source 'link': seeds/link.txt cannot be read: refused: the path leaves seeds/" in result.output
    assert "error: source 'pipe': seeds/pipe.txt cannot be read: refused: not a regular file" in result.output
    assert "secret" not in result.output


def test_a_catalog_entry_without_its_file_says_so_where_cited(run, workspace):
    (workspace.seeds / "000_3ab759ba0c0fbbe0.txt").unlink()
    result = run("check")
    assert result.exit_code == 1
    assert ("error: source 'trt-2021': it is in the catalog, but its file seeds/000_3ab759ba0c0fbbe0.txt "
            "does not exist") in result.output


def test_a_template_symlink_out_of_the_templates_folder_is_refused(run, workspace, tmp_path, write_outline):
    theme = workspace.templates / "policy-brief"
    theme.mkdir()
    secret = tmp_path.parent / "secret.html"
    secret.write_text("{{ brief.title }}", encoding="utf-8")
    (theme / "brief.html").symlink_to(secret)
    result = run("build")
    assert result.exit_code == 1
    assert "refused: the template leaves" in result.output
    assert not (workspace.build / "azerbaijan-pakistan-turkey.pdf").exists()
