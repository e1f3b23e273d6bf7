"""Back matter: about the authors, series and number, licence, and the brief's suggested citation."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from click.testing import CliRunner

from briefwright.build import Pipeline
from briefwright.cli import main
from briefwright.errors import ProblemsFound
from briefwright.render.back_matter import brief_reference
from briefwright.render.citations import pandoc_path, styles_folder

BRIEF = """\
title: "Baku, Islamabad and Ankara: a defence triangle takes shape"
subtitle: Policy brief
date: 2026-11-22
publisher: Example Institute
authors:
  - name: A. Analyst
  - Bea Writer
series: CPI Policy Brief
number: 7
licence: CC BY 4.0
{style}about:
  - A. Analyst directs the South Caucasus Programme.[@trt-2021, para. 2]
  - Bea Writer is a fellow.
sections:
  - heading: Background
    body:
      - Text.[@cij-2017, para. 4]
recommendations:
  - Act.[@kazimbeyli-2017, para. 12]
"""


def build_html(workspace, text: str) -> str:
    (workspace.briefs / "b.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--html", "briefs/b.yaml"])
    assert result.exit_code == 0, result.output
    return (workspace.build / "b.print.html").read_text(encoding="utf-8")


def pandoc_reference(entry: dict, style: str, tmp_path) -> str:
    """The entry as pandoc itself lists it (plain text), run apart from briefwright's own call."""
    (tmp_path / "entry.json").write_text(json.dumps([entry]), encoding="utf-8")
    document = "---\nnocite: '@this-brief'\n---\n"
    return subprocess.run([str(pandoc_path()), "--citeproc", "--from=markdown", "--to=plain", "--wrap=none",
                           f"--csl={styles_folder() / (style + '.csl')}", f"--bibliography={tmp_path / 'entry.json'}"],
                          input=document, capture_output=True, text=True, check=True).stdout.strip()


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").split())


def cite_as(html: str) -> str:
    return plain(re.search(r'<p class="cite-as"><span class="label">Cite this brief as:</span> (.*?)</p>', html)[1])


def test_the_back_matter_keys_are_read(workspace):
    (workspace.briefs / "b.yaml").write_text(BRIEF.format(style=""), encoding="utf-8")
    outline = Pipeline(workspace).check(workspace.briefs / "b.yaml").outline
    assert (outline.series, outline.number, outline.licence) == ("CPI Policy Brief", "7", "CC BY 4.0")
    assert [p.text for p in outline.about][1] == "Bea Writer is a fellow."


def test_back_matter_errors_are_located(workspace):
    text = BRIEF.format(style="").replace("licence: CC BY 4.0", "license: CC BY 4.0").replace(
        "series: CPI Policy Brief", "series: [a, b]")
    (workspace.briefs / "b.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        Pipeline(workspace).check(workspace.briefs / "b.yaml")
    assert [str(p) for p in raised.value.problems] == [
        "briefs/b.yaml:8:9: error: series was read as a list because it begins with '[': put the whole text in quotes",
        "briefs/b.yaml:10:1: error: unknown key 'license' in the outline (did you mean 'licence'?)",
    ]


def test_the_back_matter_prints_about_series_licence_and_the_suggested_citation(workspace, tmp_path):
    html = build_html(workspace, BRIEF.format(style=""))
    back = html[html.index('<section class="back-matter">'):]
    assert "<h2>About the authors</h2>" in back and "Bea Writer is a fellow." in back
    assert '<span class="series">CPI Policy Brief No. 7</span>' in back
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in back
    outline = Pipeline(workspace).check(workspace.briefs / "b.yaml").outline
    expected = pandoc_reference(brief_reference(outline), "chicago-notes-bibliography", tmp_path)
    assert cite_as(html) == expected
    assert expected.startswith("Analyst, A., and Bea Writer. Baku, Islamabad and Ankara")


def test_the_suggested_citation_follows_the_brief_s_style(workspace, tmp_path):
    html = build_html(workspace, BRIEF.format(style="style: apa\n"))
    outline = Pipeline(workspace).check(workspace.briefs / "b.yaml").outline
    assert cite_as(html) == pandoc_reference(brief_reference(outline), "apa", tmp_path)
    assert cite_as(html).startswith("Analyst, A., & Writer, B. (2026).")


def test_the_notes_of_the_about_text_come_last_in_reading_order(workspace):
    html = build_html(workspace, BRIEF.format(style=""))
    calls = re.findall(r'class="fn-call" href="#note-(\d+)"', html)
    assert calls == ["1", "2", "3"]
    assert html.index('href="#note-2"') < html.index('class="back-matter"') < html.index('href="#note-3"')


def test_a_brief_without_back_matter_prints_none(workspace):
    text = "\n".join(line for line in BRIEF.format(style="").splitlines()
                     if not line.startswith(("series", "number", "licence", "about", "  - A. Analyst directs",
                                             "  - Bea Writer is")))
    html = build_html(workspace, text + "\n")
    assert "back-matter" not in html.split("</style>")[-1] and "Cite this brief as" not in html
