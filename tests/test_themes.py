"""Themes: the search order, extends chains, settings and their precedence, every theme error,
the briefing-note theme, and the `templates` commands."""

from __future__ import annotations

import re
import textwrap

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefwright.build import BuildOptions, Pipeline
from briefwright.cli import main
from briefwright.errors import ProblemsFound
from briefwright.render.theme_settings import resolve_settings
from briefwright.render.themes import TemplateProblem, find_theme
from briefwright.settings import SETTINGS

from .conftest import EXAMPLE, minimal
from .test_html import Elements, render
from .test_pdf import normalised


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def root_variables(html: str) -> dict[str, str]:
    """The custom properties of the last :root rule (the settings, added after the theme's CSS)."""
    block = re.findall(r":root \{(.*?)\}", html, re.DOTALL)[-1]
    return dict(re.findall(r"--([\w-]+): ([^;]+);", block))


@pytest.fixture
def run(workspace):
    def invoke(*args):
        return CliRunner().invoke(main, list(args))
    return invoke


# -- search order and the chain ------------------------------------------------------

def test_a_workspace_file_replaces_the_built_in_file_of_that_name_only(workspace, write_outline):
    write(workspace.templates / "policy-brief" / "brief.css", "h1 { color: olive; }\n")
    html = render(write_outline(minimal("'p'")), workspace)
    assert "h1 { color: olive; }" in html
    assert "LinLibertine_R.otf" not in html                     # the built-in CSS was replaced...
    assert '<header class="title-block">' in html               # ...but not the built-in template


def test_a_derived_theme_adds_css_after_its_base_and_inherits_the_templates(workspace, write_outline):
    write(workspace.templates / "house" / "theme.yaml", "extends: policy-brief\n")
    write(workspace.templates / "house" / "brief.css", ".kicker { color: olive; }\n")
    html = render(write_outline("template: house\n" + minimal("'p'")), workspace)
    base, ours, settings = (html.index("LinLibertine_R.otf"), html.index(".kicker { color: olive; }"),
                            html.index("/* theme settings */"))
    assert base < ours < settings
    assert '<aside class="key-points">' not in html and '<header class="title-block">' in html


def test_a_block_override_in_a_derived_theme_keeps_the_other_blocks(workspace, write_outline):
    write(workspace.templates / "house" / "theme.yaml", "extends: briefing-note\n")
    write(workspace.templates / "house" / "brief.html", """
        {% extends "briefing-note/brief.html" %}
        {% block colophon %}<p class="disclaimer">Ours</p>{% endblock %}
        """)
    html = Elements(render(write_outline("template: house\n" + minimal("'p'")), workspace))
    assert html.all("p", "disclaimer")[0]["text"] == "Ours"
    assert html.all("div", "masthead")                        # briefing-note's block, kept
    assert html.all("section", "section")                     # policy-brief's, kept


def test_theme_chain_lists_workspace_folders_before_built_in_ones(workspace):
    write(workspace.templates / "briefing-note" / "theme.yaml", "accent: olive\n")
    theme = find_theme("briefing-note", workspace)
    assert [layer.name for layer in theme.layers] == ["briefing-note", "policy-brief"]
    assert theme.folders[0] == workspace.templates / "briefing-note"
    assert theme.folders[1].name == "briefing-note" and "templates" not in theme.folders[1].parts[-2:]


# -- settings and their precedence ---------------------------------------------------

def test_settings_outline_beats_workspace_beats_theme_beats_base_beats_default(workspace, write_outline):
    write(workspace.templates / "base" / "theme.yaml", 'extends: policy-brief\naccent: "#111111"\nink: "#222222"\nrule: "#333333"\n')
    write(workspace.templates / "house" / "theme.yaml", 'extends: base\naccent: "#444444"\nink: "#555555"\n')
    path = write_outline('template: house\ntheme:\n  accent: "#7a1f2b"\n' + minimal("'p'"))
    checked = Pipeline(workspace).check(path)
    settings = checked.settings
    assert settings["accent"] == "#7a1f2b" and settings.values["accent"].origin == "briefs/test.yaml:3:11"
    assert settings["ink"] == "#555555" and settings.values["ink"].origin == "templates/house/theme.yaml:3:6"
    assert settings["rule"] == "#333333" and settings.values["rule"].origin == "templates/base/theme.yaml:4:7"
    assert settings["muted"] == "#5b6673" and settings.values["muted"].origin == "default"
    variables = root_variables(render(path, workspace))
    assert (variables["accent"], variables["ink"], variables["rule"]) == ("#7a1f2b", "#555555", "#333333")


def test_a_workspace_theme_yaml_is_layered_over_the_built_in_one(workspace):
    write(workspace.templates / "briefing-note" / "theme.yaml", "accent: olive\n")
    settings = resolve_settings(find_theme("briefing-note", workspace))
    assert settings["accent"] == "olive"                       # the workspace's
    assert settings["notes"] == "endnotes"                     # the built-in theme.yaml's, kept
    assert settings.values["notes"].origin.startswith("briefwright:briefing-note/theme.yaml:")


def test_the_command_line_paper_beats_the_outline(workspace, write_outline, monkeypatch):
    path = write_outline("theme: {paper: a5, margins: 15mm}\n" + minimal("'p'"))
    pipeline = Pipeline(workspace)
    checked = pipeline.check(path)
    assert "@page { size: A5; margin: 15mm; }" in render(path, workspace)
    settings = checked.settings.overridden("paper", "letter", "--paper")
    from briefwright.render.citations import format_citations
    html = pipeline.html(checked, format_citations(checked.notes, pipeline.corpus, checked.style), settings)
    assert "@page { size: letter; margin: 15mm; }" in html


def test_settings_reach_templates_as_theme(workspace, write_outline):
    write(workspace.templates / "policy-brief" / "theme.yaml", 'footer: "Example Institute · Baku"\n')
    html = Elements(render(write_outline(minimal("'p'")), workspace))
    assert html.all("div", "running-footer")[0]["text"] == "Example Institute · Baku"


def test_endnotes_replace_footnotes_and_sources_can_be_left_out(workspace, write_outline):
    path = write_outline("theme: {notes: endnotes, sources: no}\n"
                         + minimal("'One.[@trt-2021, para. 3] Two.[@kazimbeyli-2017, para. 7]'"))
    html = Elements(render(path, workspace))
    assert not html.all("span", "fn")
    assert [a["attrs"]["href"] for a in html.all("a", "note-call")] == ["#endnote-1", "#endnote-2"]
    notes = html.all("section", "endnotes")[0]
    assert [li["attrs"]["id"] for li in notes["children"][1]["children"]] == ["endnote-1", "endnote-2"]
    assert "Kazimbeyli" in notes["text"]
    assert not html.all("section", "sources")


# -- errors -----------------------------------------------------------------------------

def test_outline_setting_errors_have_the_outline_line_and_come_with_every_other_problem(workspace, write_outline):
    path = write_outline("""
        theme:
          acent: "#7a1f2b"
          paper: tabloid
          ink: "not a colour"
          sources: maybe
          logo: ../../etc/passwd
        title: "t"
        sections:
          - heading: h
            body:
              - 'Unknown.[@nobody]'
        """)
    with pytest.raises(ProblemsFound) as excinfo:
        Pipeline(workspace).check(path)
    found = problems(excinfo)
    assert found[0] == "briefs/test.yaml:2:3: error: unknown setting 'acent' in the outline's theme: (did you mean 'accent'?)"
    assert found[1].startswith("briefs/test.yaml:3:10: error: paper must be one of a4, a5, letter, legal")
    assert found[2].startswith("briefs/test.yaml:4:8: error: ink must be a CSS colour")
    assert found[3] == "briefs/test.yaml:5:12: error: sources must be true or false, not 'maybe'"
    assert found[4].startswith("briefs/test.yaml:6:9: error: logo '../../etc/passwd': refused: the path leaves the theme folder")
    assert found[5].startswith("briefs/test.yaml:11:19: error: unknown source 'nobody'")
    assert len(found) == 6


def test_theme_yaml_errors_point_at_theme_yaml(workspace, write_outline):
    write(workspace.templates / "house" / "theme.yaml", """
        extends: policy-brief
        margins: wide
        margin: 2cm
        """)
    with pytest.raises(ProblemsFound) as excinfo:
        Pipeline(workspace).check(write_outline("template: house\n" + minimal("'p'")))
    assert problems(excinfo) == [
        ("templates/house/theme.yaml:2:10: error: margins must be one to four lengths such as \"25mm 22mm\" "
         "(mm, cm, in, pt), not 'wide'"),
        "templates/house/theme.yaml:3:1: error: unknown setting 'margin' in theme.yaml (did you mean 'margins'?)",
    ]


@pytest.mark.parametrize("files, expected", [
    ({"house": "extends: nowhere\n"},
     "templates/house/theme.yaml:1:10: error: extends an unknown theme 'nowhere'; themes found: "),
    ({"house": "extends: house\n"}, "templates/house/theme.yaml:1:10: error: theme 'house' extends itself"),
    ({"house": "extends: other\n", "other": "extends: house\n"},
     "templates/other/theme.yaml:1:10: error: themes extend each other in a cycle: house → other → house"),
    ({"policy-brief": "extends: policy-brief\n"},
     "templates/policy-brief/theme.yaml:1:10: error: theme 'policy-brief' extends itself"),
])
def test_a_theme_extending_an_unknown_theme_itself_or_a_cycle_is_an_error(workspace, write_outline, files, expected):
    for name, text in files.items():
        write(workspace.templates / name / "theme.yaml", text)
    template = "house" if "house" in files else "policy-brief"
    with pytest.raises(ProblemsFound) as excinfo:
        Pipeline(workspace).check(write_outline(f"template: {template}\n" + minimal("'p'")))
    assert problems(excinfo)[0].startswith(expected)


def test_a_missing_logo_fails_naming_its_path(workspace, write_outline):
    write(workspace.templates / "house" / "theme.yaml", "extends: policy-brief\nlogo: images/logo.svg\n")
    with pytest.raises(ProblemsFound) as excinfo:
        Pipeline(workspace).check(write_outline("template: house\n" + minimal("'p'")))
    assert problems(excinfo)[0].startswith(
        "templates/house/theme.yaml:2:7: error: logo 'images/logo.svg' not found in the theme folders (templates/house/, ")


def test_a_logo_symlink_leaving_the_theme_folder_is_refused(workspace, write_outline, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "logo.svg"
    outside.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    write(workspace.templates / "house" / "theme.yaml", "extends: policy-brief\nlogo: logo.svg\n")
    (workspace.templates / "house" / "logo.svg").symlink_to(outside)
    with pytest.raises(ProblemsFound) as excinfo:
        Pipeline(workspace).check(write_outline("template: house\n" + minimal("'p'")))
    assert problems(excinfo)[0].startswith(
        "templates/house/theme.yaml:2:7: error: templates/house/logo.svg: refused: the path leaves templates/house/")


def test_a_stylesheet_symlink_leaving_the_theme_folder_is_refused(workspace, write_outline, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.css"
    outside.write_text("/* secret */")
    (workspace.templates / "house").mkdir()
    (workspace.templates / "house" / "brief.css").symlink_to(outside)
    with pytest.raises(TemplateProblem, match=r"^templates/house/brief.css: refused: the path leaves templates/house/"):
        render(write_outline("template: house\n" + minimal("'p'")), workspace)


def test_a_template_syntax_error_names_the_file_and_line_in_check_with_the_outlines_own_problems(
        run, workspace, write_outline):
    write(workspace.templates / "house" / "brief.html", """
        {% extends "briefwright:policy-brief/brief.html" %}
        {% block colophon %}
        {% if theme.logo %}
        {% endblock %}
        """)
    write(workspace.templates / "house" / "blocks.html", "{% if block.kind %}{{ block.kind }\n")
    write_outline("template: house\n" + minimal("'p [@no-such-source]'"))
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1
    assert "templates/house/brief.html:4:1: error: template syntax: " in result.output, result.output
    assert "templates/house/blocks.html:1:1: error: template syntax: " in result.output   # an included one too
    assert "no-such-source" in result.output and "Traceback" not in result.output        # all in one run


@pytest.mark.parametrize("expression, error", [("1/0", "ZeroDivisionError"), ("brief.title + 1", "TypeError")])
def test_a_template_expression_that_fails_names_the_file_and_line(workspace, write_outline, expression, error):
    write(workspace.templates / "house" / "brief.html", f"""
        {{% extends "briefwright:policy-brief/brief.html" %}}
        {{% block colophon %}}
        <p>{{{{ {expression} }}}}</p>
        {{% endblock %}}
        """)
    with pytest.raises(TemplateProblem, match=rf"^templates/house/brief.html:3: error: {error}: "):
        render(write_outline("template: house\n" + minimal("'p'")), workspace)


@pytest.mark.parametrize("name", ["../../seeds/sources.yaml", "/etc/passwd"])
def test_a_template_name_that_leaves_the_theme_is_refused(workspace, write_outline, name):
    write(workspace.templates / "house" / "brief.html", f"""
        {{% extends "briefwright:policy-brief/brief.html" %}}
        {{% block colophon %}}{{% include "{name}" %}}{{% endblock %}}
        """)
    with pytest.raises(TemplateProblem, match="refused: a template name stays inside the theme folders"):
        render(write_outline("template: house\n" + minimal("'p'")), workspace)


def test_a_theme_yaml_that_is_not_a_regular_file_is_an_error(workspace, write_outline):
    import os
    (workspace.templates / "house").mkdir(parents=True)
    os.mkfifo(workspace.templates / "house" / "theme.yaml")
    write(workspace.templates / "house" / "brief.css", "p { color: black }\n")
    with pytest.raises(ProblemsFound, match=r"templates/house/theme.yaml:1:1: error: .*"):
        Pipeline(workspace).check(write_outline("template: house\n" + minimal("'p'")))


def test_pdf_variant_may_be_a_theme_setting(workspace, write_outline):
    write(workspace.templates / "archive" / "theme.yaml", "extends: policy-brief\npdf_variant: a-3b\n")
    path = write_outline("template: archive\n" + minimal("'p'"))
    checked = Pipeline(workspace).check(path)
    assert checked.settings["pdf_variant"] == "a-3b"
    write(workspace.templates / "archive" / "theme.yaml", "extends: policy-brief\npdf_variant: pdf/x-4\n")
    with pytest.raises(ProblemsFound, match="pdf_variant must be ua-1 or a-3b"):
        Pipeline(workspace).check(path)


def test_a_template_that_extends_itself_is_a_message(workspace, write_outline):
    write(workspace.templates / "policy-brief" / "brief.html", '{% extends "policy-brief/brief.html" %}\n')
    with pytest.raises(TemplateProblem, match="extends itself.*briefwright:THEME/brief.html"):
        render(write_outline(minimal("'p'")), workspace)


def test_a_missing_font_fails_the_build_naming_it_and_writes_nothing(run, workspace, write_outline):
    write(workspace.templates / "house" / "theme.yaml", "extends: policy-brief\ntext_font: '\"House Serif\", serif'\n")
    write(workspace.templates / "house" / "brief.css",
          '@font-face { font-family: "House Serif"; src: url(fonts/HouseSerif.otf); }\n')
    write_outline("template: house\n" + minimal("'p'"))
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 1
    assert "not found: templates/house/fonts/HouseSerif.otf" in result.output, result.output
    assert not workspace.build.exists()


# -- the briefing-note theme ------------------------------------------------------------

@pytest.fixture
def briefing_note_example(workspace):
    path = workspace.briefs / "note.yaml"
    path.write_text("template: briefing-note\n" + EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_both_built_in_themes_give_the_example_its_structure(workspace, briefing_note_example):
    brief = Elements(render(workspace.briefs / EXAMPLE.name, workspace))
    note = Elements(render(briefing_note_example, workspace))
    # policy-brief: title block, key points, footnotes at their calls, sources
    assert brief.all("header", "title-block") and brief.all("aside", "key-points")
    assert len(brief.all("span", "fn")) == 46 and not brief.all("a", "note-call")
    assert len(brief.all("section", "sources")[0]["children"][1]["children"]) == 5
    # briefing-note: masthead instead of the title block, key facts, endnotes, no sources list
    assert note.all("div", "masthead")[0]["text"].split()[:2] == ["Policy", "brief"]
    assert not note.all("p", "kicker")
    assert len(note.all("ol", "facts")[0]["children"]) == 4
    assert note.all("aside", "key-points")[0]["children"][0]["text"] == "Key facts"
    assert not note.all("span", "fn")
    calls = note.all("a", "note-call")
    assert [c["text"] for c in calls] == [str(n) for n in range(1, 47)]
    assert len(note.all("section", "endnotes")[0]["children"][1]["children"]) == 46
    assert not note.all("section", "sources")
    assert len(note.all("section", "section")) == len(brief.all("section", "section")) == 4


def test_briefing_note_prints_the_example_as_a_compact_note_with_endnotes(workspace, briefing_note_example):
    pipeline = Pipeline(workspace)
    result = pipeline.build(pipeline.check(briefing_note_example), BuildOptions())
    assert result.note_pages == {}   # endnotes: no footnote to keep on its call's page
    pages = [normalised(page.extract_text()) for page in PdfReader(result.pdf).pages]
    assert result.pages == len(pages) <= 4   # the example is long for a note, at 60-80 characters a line
    assert "KEY FACTS" in pages[0].upper() and "Solidarity ahead of capability" in pages[0]
    assert "NOTES" in " ".join(pages[-2:]).upper() and "Recommendations" in " ".join(pages[-2:])
    assert "Kazimbeyli, \u201cNew Defense Triangle,\u201d para. 20." in " ".join(pages[-2:])    # a short endnote
    assert "Kazimbeyli, Yaver." not in " ".join(pages)                      # no Sources list
    assert result.warnings == []
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in text


# -- the templates commands -----------------------------------------------------------------

def test_templates_list_shows_origin_and_extends(run, workspace):
    write(workspace.templates / "briefing-note" / "theme.yaml", "accent: olive\n")
    result = run("templates", "list")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert lines["policy-brief"].split()[1:3] == ["built-in", "-"]
    assert lines["briefing-note"].split()[1:4] == ["both", "extends", "policy-brief"]
    assert lines["caspian-policy-institute"].split()[1:4] == ["workspace", "extends", "policy-brief"]


def test_templates_init_then_build_works(run, workspace, write_outline):
    result = run("templates", "init", "my-institute", "--from", "briefing-note")
    assert result.exit_code == 0, result.output
    folder = workspace.templates / "my-institute"
    assert sorted(p.name for p in folder.iterdir()) == ["brief.css", "brief.html", "theme.yaml"]
    theme_yaml = (folder / "theme.yaml").read_text(encoding="utf-8")
    assert "extends: briefing-note" in theme_yaml
    assert '# accent: "#8c3b1f"' in theme_yaml and "# notes: \"endnotes\"" in theme_yaml
    assert "# text_font: '\"BW Text\", serif'" in theme_yaml
    brief_html = (folder / "brief.html").read_text(encoding="utf-8")
    assert '{% extends "briefing-note/brief.html" %}' in brief_html
    assert '{# title_block\n{% block title_block %}\n  <div class="masthead">' in brief_html   # briefing-note's own
    assert "{# colophon\n{% block colophon %}\n  <p class=\"disclaimer\">" in brief_html    # an example
    write_outline("template: my-institute\n" + minimal("'One.[@trt-2021, para. 3]'"))
    html = render(workspace.briefs / "test.yaml", workspace)
    assert html.startswith("<!DOCTYPE html>")              # the generated comments print nothing
    built = run("build", "briefs/test.yaml")
    assert built.exit_code == 0, built.output
    assert built.output.startswith("built build/test.pdf: 1 page, 1 note, "), built.output
    text = " ".join(PdfReader(workspace.build / "test.pdf").pages[0].extract_text().split())
    # briefing-note's look, inherited: the endnotes list, and no Sources list
    assert "A test brief" in text and "NOTES" in text.upper() and "SOURCES" not in text.upper(), text
    assert "para. 3" in text, text


def test_templates_init_copies_a_block_whole_with_the_blocks_inside_it(run, workspace):
    assert run("templates", "init", "house").exit_code == 0
    text = (workspace.templates / "house" / "brief.html").read_text(encoding="utf-8")
    copy = text[text.index("{# title_block\n"):text.index("\n#}", text.index("{# title_block\n"))]
    assert [b for b in ("masthead", "byline", "imprint") if f"{{% block {b} %}}" in copy] == ["masthead", "byline",
                                                                                          "imprint"]
    assert copy.count("{% block ") == copy.count("{% endblock %}") == 4
    assert copy.rstrip().endswith("{% endblock %}\n{% endblock %}")


def test_templates_init_uncommenting_a_setting_takes_effect(run, workspace, write_outline):
    assert run("templates", "init", "house").exit_code == 0
    path = workspace.templates / "house" / "theme.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('# accent: "#1f3a5f"', 'accent: "#7a1f2b"'),
                    encoding="utf-8")
    html = render(write_outline("template: house\n" + minimal("'p'")), workspace)
    assert root_variables(html)["accent"] == "#7a1f2b"


@pytest.mark.parametrize("args, message", [
    (["caspian-policy-institute"], "templates/caspian-policy-institute/ already exists: nothing written"),
    (["briefing-note"], "'briefing-note' is a built-in theme: choose another name"),
    (["house", "--from", "nowhere"], "unknown template 'nowhere'; themes found: "),
    (["../house"], "a theme name is letters, digits"),
])
def test_templates_init_refuses_and_writes_nothing(run, workspace, args, message):
    before = sorted(p.relative_to(workspace.root) for p in workspace.templates.rglob("*"))
    result = run("templates", "init", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert sorted(p.relative_to(workspace.root) for p in workspace.templates.rglob("*")) == before


def test_templates_show_gives_each_setting_its_value_and_origin(run, workspace):
    result = run("templates", "show", "caspian-policy-institute")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "caspian-policy-institute: caspian-policy-institute (workspace) → policy-brief (built-in)"
    rows = {line.split()[0]: line for line in lines[1:]}
    assert rows["accent"].split()[1:] == ["#0f5c6e", "templates/caspian-policy-institute/theme.yaml:6:9"]
    assert rows["notes"].split()[1:] == ["footnotes", "default"]
    assert rows["logo"].split()[1] == "logo.svg"
    assert len(rows) == len(SETTINGS) == 19


def test_templates_show_of_a_broken_theme_lists_its_problems(run, workspace):
    write(workspace.templates / "house" / "theme.yaml", "extends: house\naccent: 12\n")
    result = run("templates", "show", "house")
    assert result.exit_code == 1
    assert "templates/house/theme.yaml:1:10: error: theme 'house' extends itself" in result.output
    assert "templates/house/theme.yaml:2:9: error: accent must be a CSS colour such as" in result.output
