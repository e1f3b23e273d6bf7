"""Hostile input to the rendering stages (issue 9): template sandbox, dependent CSL styles,
symlinks out of theme and workspace folders, in-text styles, bad style paths, CSS injection
through settings, `build` being a file, and image bombs."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefwright.build import Pipeline
from briefwright.cli import main
from briefwright.render.citations import installed_styles
from briefwright.render.themes import TemplateProblem

from .conftest import minimal
from .test_html import render


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


CITING = minimal("'A claim.[@kazimbeyli-2017, para. 15]'")


# -- 1. templates run in Jinja's sandbox --------------------------------------------------

@pytest.mark.parametrize("expression", [
    "cycler.__init__.__globals__.os.popen('head -1 /etc/passwd').read()",
    "brief.__class__.__mro__[1].__subclasses__()",
    "theme.update({'accent': 'red'})",
])
def test_a_template_escaping_the_sandbox_is_refused_naming_its_file_and_line(workspace, write_outline, expression):
    write(workspace.templates / "house" / "brief.html", f"""
        {{% extends "briefwright:policy-brief/brief.html" %}}
        {{% block colophon %}}
        <p>{{{{ {expression} }}}}</p>
        {{% endblock %}}
        """)
    with pytest.raises(TemplateProblem) as excinfo:
        render(write_outline("template: house\n" + minimal("'p'")), workspace)
    assert re.match(r"^templates/house/brief\.html:3: error: .*unsafe", excinfo.value.message), excinfo.value.message


def test_the_sandbox_error_reaches_the_command_line_without_a_traceback(workspace, write_outline):
    write(workspace.templates / "house" / "brief.html", """
        {% extends "briefwright:policy-brief/brief.html" %}
        {% block colophon %}{% set os = cycler.__init__.__globals__.os %}{{ os.popen('id').read() }}{% endblock %}
        """)
    write_outline("template: house\n" + minimal("'p'"))
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 1
    assert "templates/house/brief.html:2: error:" in result.output and "unsafe" in result.output
    assert "Traceback" not in result.output and not (workspace.build / "test.pdf").exists()


# -- 2. a dependent CSL style is never fetched -------------------------------------------

class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 that records every request it is sent."""
    _Recorder.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.requests
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def dependent_style(parent_url: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="en-US">
  <info>
    <title>A dependent style</title>
    <id>http://example.org/styles/dep</id>
    <link rel="independent-parent" href="{parent_url}"/>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
</style>
"""


@pytest.mark.parametrize("command", ["build", "sources"])
def test_a_dependent_style_with_an_unknown_parent_is_refused_and_nothing_is_fetched(
        workspace, write_outline, server, command):
    url, requests = server
    (workspace.root / "dep.csl").write_text(dependent_style(f"{url}/styles/parent"), encoding="utf-8")
    write_outline("style: dep.csl\n" + CITING)
    result = run("build", "briefs/test.yaml") if command == "build" else run("sources", "--style", "dep.csl")
    assert requests == []
    assert result.exit_code == 1, result.output
    assert "dep.csl" in result.output and "'parent', which is not installed" in result.output
    assert "Traceback" not in result.output


def test_a_dependent_style_uses_its_installed_parent_offline(workspace, write_outline, server):
    url, requests = server
    (workspace.root / "dep.csl").write_text(dependent_style(f"{url}/styles/chicago-notes-bibliography"),
                                            encoding="utf-8")
    ours = render(write_outline("style: dep.csl\n" + CITING), workspace)
    theirs = render(write_outline(CITING, "plain.yaml"), workspace)
    assert requests == []
    note = re.search(r'<span class="fn"[^>]*>(.*?)</span>', ours)[1]
    assert "Kazimbeyli" in note and note == re.search(r'<span class="fn"[^>]*>(.*?)</span>', theirs)[1]


# -- 3. symlinks out of a theme folder -----------------------------------------------------

@pytest.fixture
def outside(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("outside")
    shutil.copy(Path(__file__).parent.parent / "src/briefwright/themes/policy-brief/fonts/Inter-Bold.otf",
                folder / "private.otf")
    (folder / "private.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>")
    (folder / "private.css").write_text("p { color: red }")
    return folder


def house_with(workspace, markup: str = "", css: str = "") -> None:
    write(workspace.templates / "house" / "theme.yaml", "extends: policy-brief\n")
    write(workspace.templates / "house" / "brief.html", f"""
        {{% extends "briefwright:policy-brief/brief.html" %}}
        {{% block colophon %}}{markup}{{% endblock %}}
        """)
    write(workspace.templates / "house" / "brief.css", css)


@pytest.mark.parametrize("link, markup, css", [
    ("pic.svg", '<img src="pic.svg" alt="">', ""),
    ("x.css", '<link rel="stylesheet" href="x.css">', ""),
    ("house.otf", "", '@font-face { font-family: "House"; src: url(house.otf); } p { font-family: "House" }'),
])
def test_a_symlink_out_of_the_theme_folder_is_refused_naming_its_path(workspace, write_outline, outside,
                                                                     link, markup, css):
    house_with(workspace, markup, css)
    target = outside / {"svg": "private.svg", "css": "private.css", "otf": "private.otf"}[link.rsplit(".")[-1]]
    (workspace.templates / "house" / link).symlink_to(target)
    write_outline("template: house\n" + minimal("'p'"))
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 1, result.output
    assert f"templates/house/{link}: refused: the path leaves templates/house/" in result.output
    assert not (workspace.build / "test.pdf").exists() and not (workspace.briefs / "test.lock").exists()


def test_a_built_theme_lock_records_only_workspace_paths_with_real_hashes(workspace, write_outline):
    house_with(workspace, '<img src="pic.svg" alt="">')
    write(workspace.templates / "house" / "pic.svg", "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>")
    write_outline("template: house\n" + minimal("'p'"))
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 0, result.output
    files = json.loads((workspace.briefs / "test.lock").read_text())["files"]
    served = [f for f in files if not f["path"].endswith("/theme.yaml")]  # absent ones are recorded as such
    assert {"name": "pic.svg", "path": "templates/house/pic.svg"} in [
        {"name": f["name"], "path": f["path"]} for f in served]
    for entry in served:
        assert entry["sha256"] and (entry["path"].startswith(("templates/", "builtin:"))), entry


# -- 4. a workspace folder that is a symlink out -----------------------------------------------

@pytest.mark.parametrize("folder", ["seeds", "templates", "briefs", "build"])
def test_a_workspace_folder_symlinked_outside_is_refused(workspace, write_outline, tmp_path_factory, folder):
    write_outline(minimal("'p'"))
    elsewhere = tmp_path_factory.mktemp("elsewhere") / folder
    real = workspace.root / folder
    if real.exists():
        shutil.move(real, elsewhere)
    else:
        elsewhere.mkdir()
    real.symlink_to(elsewhere)
    for args in (["check"], ["build"], ["sources"], ["status"]):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert f"{folder}: refused: a symlink to a folder outside the workspace" in result.output, result.output
        assert "Traceback" not in result.output
    assert not list(elsewhere.glob("*.pdf"))


def test_a_workspace_folder_symlinked_inside_the_workspace_is_accepted(workspace, write_outline):
    shutil.move(workspace.root / "seeds", workspace.root / "corpus")
    (workspace.root / "seeds").symlink_to("corpus")
    result = run("check")
    assert result.exit_code == 0, result.output


def test_a_parent_link_hidden_behind_an_xml_entity_is_still_seen(workspace, write_outline, server):
    url, requests = server
    style = dependent_style(f"{url}/styles/parent").replace('rel="independent-parent"', 'rel="independent&#45;parent"')
    (workspace.root / "dep.csl").write_text(style, encoding="utf-8")
    result = run("sources", "--style", "dep.csl")
    assert requests == []
    assert result.exit_code == 1 and "'parent', which is not installed" in result.output, result.output


# -- 8. in-text CSL styles do not crash -------------------------------------------------------

IN_TEXT_STYLES = ["apa", "ieee", "nature", "chicago-author-date", "modern-language-association"]


def test_the_in_text_styles_are_installed():
    assert set(IN_TEXT_STYLES) <= set(installed_styles())


@pytest.mark.parametrize("style", IN_TEXT_STYLES)
def test_an_in_text_style_prints_its_citation_in_the_text(workspace, write_outline, style):
    html = render(write_outline(f"style: {style}\n" + CITING), workspace)
    assert '<span class="fn"' not in html.split("</style>", 1)[1]  # no footnotes: the citation is in the text
    note = re.search(r'<span class="citation">(.*?)</span>', html)[1]
    # author-date styles name the author; numeric ones (ieee, nature) print the source's number
    assert "Kazimbeyli" in note or re.match(r"(\[|<sup>)1\b", note), note
    result = run("sources", "--style", style)
    assert result.exit_code == 0 and "kazimbeyli-2017" in result.output, result.output


def test_an_in_text_style_builds_a_pdf(workspace, write_outline):
    write_outline("style: apa\n" + CITING)
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 0, result.output
    assert (workspace.build / "test.pdf").read_bytes().startswith(b"%PDF")


# -- 11b. a NUL in a style path ------------------------------------------------------------------

@pytest.mark.parametrize("style", ['"a\\0.csl"', '"styles/a\\0b"', '"ap\\0a"'])
def test_a_nul_in_the_style_is_an_error_at_its_line(workspace, write_outline, style):
    write_outline(f"style: {style}\n" + CITING)
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1, result.output
    column = len("style: ") + 1 + style.index("\\")   # the NUL itself, inside the quotes
    assert re.search(rf"^briefs/test\.yaml:1:{column}: error: style .*NUL", result.output, re.M), result.output
    assert "Traceback" not in result.output


# -- 16. messages: CSS through a setting, WeasyPrint's warnings, build/ a file, image bombs ---------

@pytest.mark.parametrize("value", ['"red /*"', '"red; } body { display: none"', '"#fff /* x */"', '"navy}"'])
def test_a_colour_carrying_css_is_refused_at_its_outline_line(workspace, write_outline, value):
    write_outline(f"theme:\n  accent: {value}\n" + minimal("'p'"))
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1, result.output
    assert re.search(r"^briefs/test\.yaml:2:11: error: accent must be a CSS colour", result.output, re.M), result.output


def test_a_colour_carrying_css_is_refused_at_its_theme_yaml_line(workspace, write_outline):
    write(workspace.templates / "house" / "theme.yaml", 'extends: policy-brief\n\naccent_soft: "red /*"\n')
    write_outline("template: house\n" + minimal("'p'"))
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 1, result.output
    assert "templates/house/theme.yaml:3:14: error: accent_soft must be a CSS colour" in result.output, result.output
    assert "WeasyPrint" not in result.output and not workspace.build.exists()


def test_weasyprint_css_warnings_are_located_in_the_theme_file_once_each_and_capped(workspace, write_outline):
    bad = "".join(f".c{i} {{ margin: {i}zz }}\n" for i in range(20))
    house_with(workspace, '<p class="c1">a</p><p class="c1">b</p>', "p { colr: red }\n" + bad)
    write_outline("template: house\n" + minimal("'p'"))
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 1, result.output
    problems = [line.strip() for line in result.output.splitlines() if line.startswith("  ")]
    assert problems[0] == "templates/house/brief.css:1:5: error: ignored `colr: red `, unknown property."
    assert problems[1] == "templates/house/brief.css:2:7: error: ignored `margin: 0zz `, invalid value."
    assert len(problems) == 11 and problems[-1] == "… and 11 more messages from WeasyPrint", problems
    assert not workspace.build.exists()


def test_a_theme_rule_weasyprint_fails_on_is_an_error_at_its_line_not_a_traceback(workspace, write_outline):
    """`display: none` on a note's marker passes WeasyPrint's CSS check and then stops its layout."""
    house_with(workspace, css="p { color: #222 }\n\n.fn::footnote-marker { display: none }\n")
    write_outline("template: house\n" + CITING)
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 1, result.output
    assert ("templates/house/brief.css:3:1: error: `display: none` on a ::footnote-marker or ::marker, which "
            "WeasyPrint cannot lay out; hide the marker with `content: none` instead") in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert not workspace.build.exists()
    house_with(workspace, css="p { color: #222 }\n\n.fn::footnote-marker { content: none }\n")
    assert run("build", "briefs/test.yaml").exit_code == 0


@pytest.mark.parametrize("args", [[], ["-o", "build/x.pdf"]])
def test_build_being_a_file_is_a_plain_message(workspace, write_outline, args):
    write_outline(minimal("'p'"))
    workspace.build.write_text("not a folder")
    result = run("build", "briefs/test.yaml", *args)
    assert result.exit_code == 1, result.output
    assert "build is a file, not a folder" in result.output, result.output
    assert "File exists" not in result.output and "Traceback" not in result.output
    assert workspace.build.read_text() == "not a folder" and not (workspace.briefs / "test.lock").exists()


def png_of(side: int) -> bytes:
    """A black-and-white PNG `side` pixels square: a few kilobytes that decode to side² pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row, packer = b"\0" * (1 + (side + 7) // 8), zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


@pytest.mark.parametrize("side, shown", [(8_000, "8,000 × 8,000 pixels"), (40_000, "1,600,000,000 pixels")])
def test_an_image_bomb_fails_with_its_reason(workspace, write_outline, side, shown):
    house_with(workspace, '<img src="bomb.png" alt="">')
    (workspace.templates / "house" / "bomb.png").write_bytes(png_of(side))
    write_outline("template: house\n" + minimal("'p'"))
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 1, result.output
    assert (f"templates/house/bomb.png: refused: an image of {shown}, above the limit of 40,000,000 pixels"
            in result.output), result.output
    assert not workspace.build.exists()


def test_an_image_bomb_in_a_data_url_is_refused(workspace, write_outline):
    import base64
    house_with(workspace, f'<img src="data:image/png;base64,{base64.b64encode(png_of(20_000)).decode()}" alt="">')
    write_outline("template: house\n" + minimal("'p'"))
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 1 and "a data: URL: refused: an image of 400,000,000 pixels" in result.output, \
        result.output


def test_a_small_image_is_served_and_a_corrupt_one_fails_with_a_reason(workspace, write_outline):
    house_with(workspace, '<img src="ok.png" alt=""><img src="bad.png" alt="">')
    (workspace.templates / "house" / "ok.png").write_bytes(png_of(64))
    (workspace.templates / "house" / "bad.png").write_bytes(png_of(64)[:40])
    write_outline("template: house\n" + minimal("'p'"))
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 1, result.output
    assert re.search(r"cannot read the image 'file://\S+/templates/house/bad\.png': it is corrupt", result.output)
    assert "ok.png" not in result.output


@pytest.mark.parametrize("value", ['"rgb(31 58 95)"', '"#1f3a5f"', "navy", '"rgb(31 58 95 / 50%)"'])
def test_a_colour_as_weasyprint_reads_it_is_accepted(workspace, write_outline, value):
    # rgb(31 58 95) is the example the colour error itself gives
    checked = Pipeline(workspace).check(write_outline(f"theme:\n  accent: {value}\n" + minimal("'p'")))
    assert checked.settings["accent"] == value.strip('"')
