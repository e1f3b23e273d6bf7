"""The README's tutorial ("Give the brief your institute's look in ten minutes"), followed literally.

The commands and file contents are taken from the README's own code blocks, in a
fresh workspace, and each step's result is checked against what the README says.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

REPO = Path(__file__).resolve().parent.parent
BRIEFWRIGHT = Path(sys.executable).parent / "briefwright"
FONTS = REPO / "src" / "briefwright" / "themes" / "policy-brief" / "fonts"
HOUSE_SERIF_FILES = {"Regular": "LinLibertine_R.otf", "Italic": "LinLibertine_RI.otf",
                     "Bold": "LinLibertine_RB.otf", "BoldItalic": "LinLibertine_RBI.otf"}


def tutorial_blocks() -> list[str]:
    """The code blocks of the tutorial section of the README, in order."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Give the brief your institute's look in ten minutes", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```[a-z]*\n(.*?)```", section, re.S)


def block_with(text: str) -> str:
    found = [block for block in tutorial_blocks() if text in block]
    assert len(found) == 1, f"the tutorial should have one code block with {text!r}"
    return found[0]


def run(workspace: Path, command: str, expect: int = 0) -> subprocess.CompletedProcess:
    args = shlex.split(command)
    program = str(BRIEFWRIGHT) if args[0] == "briefwright" else args[0]
    done = subprocess.run([program, *args[1:]], cwd=workspace, capture_output=True, text=True)
    assert done.returncode == expect, (command, done.stdout, done.stderr)
    return done


def set_settings(theme_yaml: Path, block: str) -> None:
    """"Uncomment and edit": each `key: value` of `block` replaces the commented `# key:` line (or is added)."""
    text = theme_yaml.read_text(encoding="utf-8")
    for line in block.strip().splitlines():
        key = line.split(":", 1)[0]
        if key == "extends":
            assert f"\nextends: policy-brief\n" in text
            continue
        text, count = re.subn(rf"(?m)^# {key}:.*$", lambda _: line, text)
        assert count == 1, f"theme.yaml should hold a commented {key}: line"
    theme_yaml.write_text(text, encoding="utf-8")


def theme_warnings(done: subprocess.CompletedProcess) -> list[str]:
    """Warnings about the theme (its fonts, logo, files, the back page); not the layout's holes."""
    return [line for line in (done.stdout + done.stderr).splitlines() if "warning" in line
            and any(word in line for word in ("font", "logo", "image", "character", "templates/", "last page"))]


def pages(pdf: Path, folder: Path) -> list[Image.Image]:
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", "40", str(pdf), str(prefix)], check=True)
    return [Image.open(path).convert("L") for path in sorted(folder.glob(f"{pdf.stem}-*.png"))]


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info)[1])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tutorial")
    for name in ("seeds", "briefs"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.lock"))
    return root


def test_step_1_a_new_theme_builds_at_once_with_policy_briefs_look(workspace, tmp_path):
    run(workspace, block_with("templates init").strip())
    theme = workspace / "templates" / "my-institute"
    assert "\nextends: policy-brief\n" in (theme / "theme.yaml").read_text(encoding="utf-8")
    assert '{% extends "policy-brief/brief.html" %}' in (theme / "brief.html").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", (theme / "brief.css").read_text(encoding="utf-8"), flags=re.S)
    assert css.strip() == ""
    run(workspace, block_with("cp ").strip())
    outline = workspace / "briefs" / "x.yaml"
    outline.write_text("template: my-institute\n" + outline.read_text(encoding="utf-8"), encoding="utf-8")
    run(workspace, "briefwright build briefs/x.yaml")
    reference = workspace / "briefs" / "reference.yaml"
    reference.write_text(outline.read_text(encoding="utf-8").replace("template: my-institute", "template: policy-brief"))
    run(workspace, "briefwright build briefs/reference.yaml")
    reference.unlink()
    mine, theirs = pages(workspace / "build" / "x.pdf", tmp_path), pages(workspace / "build" / "reference.pdf", tmp_path)
    assert len(mine) == len(theirs)
    assert all(ImageChops.difference(a, b).getbbox() is None for a, b in zip(mine, theirs))


def test_step_2_colours_logo_and_footer(workspace):
    theme = workspace / "templates" / "my-institute"
    settings = block_with("accent_soft:")
    set_settings(theme / "theme.yaml", settings)
    shutil.copy(REPO / "templates" / "caspian-policy-institute" / "logo.svg", theme / "logo.svg")
    shown = run(workspace, "briefwright templates show my-institute").stdout
    for line in settings.strip().splitlines()[1:]:
        key, value = line.split("#")[0].split(":", 1)
        row = next(row for row in shown.splitlines() if row.split()[:1] == [key])
        assert value.strip().strip('"') in row and "templates/my-institute/theme.yaml:" in row, row
    for name in ("accent", "ink", "text_font", "paper", "margins", "notes", "pdf_variant"):
        assert any(row.split()[:1] == [name] for row in shown.splitlines()), f"{name} not listed"
    built = run(workspace, "briefwright build briefs/x.yaml")
    assert theme_warnings(built) == []
    assert "My Institute · Baku" in page_text(workspace / "build" / "x.pdf", 2)


def test_step_3_fonts_and_page(workspace):
    theme = workspace / "templates" / "my-institute"
    (theme / "fonts").mkdir()
    for face, builtin in HOUSE_SERIF_FILES.items():
        shutil.copy(FONTS / builtin, theme / "fonts" / f"HouseSerif-{face}.otf")
    faces = block_with("@font-face")
    css = theme / "brief.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n" + faces.splitlines()[0] + "\n", encoding="utf-8")
    set_settings(theme / "theme.yaml", block_with("text_font:"))
    one_face = run(workspace, "briefwright build briefs/x.yaml")   # only the regular face declared: warned
    assert "the theme's font 'House Serif' has no italic face" in one_face.stdout + one_face.stderr
    css.write_text(css.read_text(encoding="utf-8") + "\n".join(faces.splitlines()[1:]) + "\n", encoding="utf-8")
    built = run(workspace, "briefwright build briefs/x.yaml")
    assert theme_warnings(built) == []
    info = subprocess.run(["pdfinfo", str(workspace / "build" / "x.pdf")], capture_output=True, text=True).stdout
    assert "(letter)" in info


def test_step_4_a_disclaimer_on_a_back_page(workspace):
    theme = workspace / "templates" / "my-institute"
    html = (theme / "brief.html").read_text(encoding="utf-8")
    assert block_with("{% block colophon %}").split("{% block colophon %}")[1] in html
    uncommented = re.sub(r"\{# colophon\n(\{% block colophon %\}.*?\{% endblock %\}\n)#\}\n", r"\1", html, flags=re.S)
    assert uncommented != html
    (theme / "brief.html").write_text(uncommented, encoding="utf-8")
    css = theme / "brief.css"
    css.write_text(css.read_text(encoding="utf-8") + block_with(".colophon"), encoding="utf-8")
    built = run(workspace, "briefwright build briefs/x.yaml")
    assert theme_warnings(built) == []
    pdf = workspace / "build" / "x.pdf"
    last = page_text(pdf, page_count(pdf))
    assert "The views expressed are the author’s own." in last
    assert "Solidarity ahead of capability" not in last and "Meridian Institute" not in last  # no running head
    assert "The views expressed" not in page_text(pdf, page_count(pdf) - 1)


def test_step_5_a_brief_and_the_command_line_override_the_theme(workspace, tmp_path):
    run(workspace, "briefwright build briefs/x.yaml")
    look = "pdftoppm -png -r 60 build/x.pdf /tmp/x".replace("/tmp/x", str(tmp_path / "x"))
    run(workspace, look)
    assert len(list(tmp_path.glob("x-*.png"))) == page_count(workspace / "build" / "x.pdf")
    outline = workspace / "briefs" / "x.yaml"
    outline.write_text(outline.read_text(encoding="utf-8").replace(
        "template: my-institute\n", 'template: my-institute\ntheme: {accent: "#7a1f2b"}\n'), encoding="utf-8")
    run(workspace, "briefwright build briefs/x.yaml --html --paper a5")
    assert "--accent: #7a1f2b;" in (workspace / "build" / "x.print.html").read_text(encoding="utf-8")
    info = subprocess.run(["pdfinfo", str(workspace / "build" / "x.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+419\.\d+ x 595\.\d+", info), info
