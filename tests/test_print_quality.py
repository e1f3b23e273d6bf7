"""Print quality measured on the finished PDFs of both example briefs in every built-in theme.

The measures are read from the PDF by poppler (tests/pdf_measure.py), not from
briefwright's own boxes: the measure (characters per line), hyphenation.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from briefwright.build import BuildOptions, Pipeline
from briefwright.workspace import Workspace
from tests.pdf_measure import characters_per_line, final_fragments, hyphenated_proper_nouns

REPO = Path(__file__).resolve().parent.parent
THEMES = ("policy-brief", "briefing-note", "caspian-policy-institute")
EXAMPLES = ("azerbaijan-pakistan-turkey", "azerbaijan-pakistan-economy")


@pytest.fixture(scope="module")
def example_pdfs(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Both example briefs built in every theme: {(example, theme): PDF}."""
    root = tmp_path_factory.mktemp("workspace")
    for name in ("seeds", "briefs", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.lock"))
    pipeline, pdfs = Pipeline(Workspace.at(root)), {}
    for example in EXAMPLES:
        text = re.sub(r"(?m)^template:.*\n", "", (root / "briefs" / f"{example}.yaml").read_text(encoding="utf-8"))
        for theme in THEMES:
            outline = root / "briefs" / f"{example}--{theme}.yaml"
            outline.write_text(f"template: {theme}\n{text}", encoding="utf-8")
            output = root / "out" / f"{example}--{theme}.pdf"
            pdfs[example, theme] = pipeline.build(pipeline.check(outline), BuildOptions(output=output)).pdf
    return pdfs


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("example", EXAMPLES)
def test_body_text_and_notes_are_set_at_60_to_80_characters_a_line(example_pdfs, example, theme):
    measure = characters_per_line(example_pdfs[example, theme])
    assert 60 <= measure["body"] <= 80, measure
    assert 55 <= measure["notes"] <= 80, measure
    assert measure.get("headings", 0) <= 80, measure
