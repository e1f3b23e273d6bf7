"""Shared fixtures: a temporary copy of the repository's workspace, and outline helpers."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from briefwright.corpus.sources import load_corpus
from briefwright.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "briefs" / "azerbaijan-pakistan-turkey.yaml"


def pytest_configure(config):
    config.addinivalue_line("markers", "renders: lays out a PDF with WeasyPrint (left out of `make mutation` runs)")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch) -> Workspace:
    """A copy of the repository's seeds/, briefs/ (never built: no locks) and templates/, as the working directory."""
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    shutil.copytree(REPO / "briefs", tmp_path / "briefs", ignore=shutil.ignore_patterns("*.lock"))
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "data", tmp_path / "data")   # the CSV files of the examples' tables and charts
    monkeypatch.chdir(tmp_path)
    return Workspace.at(tmp_path)


@pytest.fixture
def run(workspace: Workspace):
    """Run the command line in the workspace: run("check", "briefs/x.yaml") -> click's Result."""
    from click.testing import CliRunner
    from briefwright.cli import main

    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(Workspace.at(REPO))


@pytest.fixture
def write_outline(workspace: Workspace):
    """Write an outline (dedented YAML) into briefs/ and return its path."""

    def write(text: str, name: str = "test.yaml") -> Path:
        path = workspace.briefs / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


MINIMAL = """
title: "A test brief"
sections:
  - heading: Background
    body:
      - {body}
"""


def minimal(body: str) -> str:
    """A valid outline whose only body block is `body` (a YAML value on one line)."""
    return MINIMAL.format(body=body)


def add_generated_sources(workspace: Workspace, entries: int = 400) -> None:
    """Append `entries` generated catalog entries (gen-N, titled "Generated N"), each with its
    one-paragraph file: enough for the catalog to be cached and indexed like a library's."""
    text = "".join(f"  - id: gen-{n}\n    file: gen-{n}.txt\n    type: article\n    title: \"Generated {n}\"\n"
                   for n in range(entries))
    with open(workspace.catalog, "a", encoding="utf-8") as out:
        out.write(text)
    for n in range(entries):
        (workspace.seeds / f"gen-{n}.txt").write_text(f"Paragraph of document {n}.\n", encoding="utf-8")
