"""CSL output: briefwright's notes equal pandoc's own, and follow Chicago's rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefwright.build import Pipeline
from briefwright.render.citations import AstHtml, CitationError, find_style, format_citations, styles_folder
from briefwright.corpus.passages import paragraph_label
from briefwright.workspace import Workspace

from .conftest import EXAMPLE, REPO

GOLDEN = Path(__file__).parent / "golden" / "example-notes.json"


@pytest.fixture(scope="module")
def formatted():
    pipeline = Pipeline(Workspace.at(REPO))
    checked = pipeline.check(EXAMPLE)
    return checked, format_citations(checked.notes, pipeline.corpus, checked.style)


def test_notes_equal_the_golden_pandoc_output(formatted):
    """Regenerate with `make golden` after an intended change (see tests/golden/regenerate.py)."""
    checked, result = formatted
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert golden["style"] == checked.style.name
    assert len(result.notes) == len(golden["notes"])
    for number, (ours, theirs) in enumerate(zip(result.notes, golden["notes"], strict=True), start=1):
        assert ours == theirs["html"], f"note {number} ({theirs['citation']})"
    assert [list(entry) for entry in result.bibliography] == golden["bibliography"]


def test_chicago_full_note_first_then_short_note(formatted):
    checked, result = formatted
    kazimbeyli = [text for note, text in zip(checked.notes, result.notes, strict=True)
                  if note.items[0].source_id == "kazimbeyli-2017"]
    first, later = strip_tags(kazimbeyli[0]), strip_tags(kazimbeyli[1])
    assert first.startswith("Yaver Kazimbeyli, “New Defense Triangle Emerges Between Azerbaijan, Turkey, "
                            "Pakistan,” Caspian News, December 5, 2017, para. ")
    assert re.fullmatch(r"Kazimbeyli, “New Defense Triangle,” para\. \d+\.", later)


def test_every_located_item_prints_its_paragraph_locator(formatted):
    checked, result = formatted
    located = 0
    for note, html in zip(checked.notes, result.notes, strict=True):
        for item in note.items:
            if item.paragraphs:
                located += 1
                assert paragraph_label(*item.paragraphs) in html, html
    assert located >= 12
    assert not any(re.search(r"\bp\. \d", strip_tags(html)) for html in result.notes)


def test_bibliography_inverts_the_first_author_and_keeps_given_names_whole(formatted):
    _, result = formatted
    entries = dict(result.bibliography)
    assert strip_tags(entries["kazimbeyli-2017"]).startswith("Kazimbeyli, Yaver. “New Defense Triangle")
    assert not any("Edition" in html or "para." in html for html in entries.values())


def test_a_dependent_style_uses_its_installed_parent(workspace):
    """pandoc would fetch a dependent style's parent from the network: we pass the parent instead."""
    dependent = styles_folder() / "dependent"
    name = next(p.stem for p in sorted(dependent.glob("*.csl"))
                if "independent-parent" in p.read_text(encoding="utf-8"))
    resolved = find_style(name, workspace)
    assert resolved.parent == styles_folder() and resolved.is_file()


def test_an_unknown_style_suggests_installed_ones(workspace):
    with pytest.raises(CitationError, match="unknown CSL style 'chicago-notes-bibliografy'.*did you mean"):
        find_style("chicago-notes-bibliografy", workspace)


def test_ast_renderer_escapes_like_pandoc():
    html = AstHtml().inlines([{"t": "Str", "c": "T & <b>\"x\""}, {"t": "Space"},
                              {"t": "Emph", "c": [{"t": "Str", "c": "News"}]}])
    assert html == "T &amp; &lt;b&gt;&quot;x&quot; <em>News</em>"


def strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)
