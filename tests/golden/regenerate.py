"""Regenerate the golden notes of the example brief from pandoc itself.

Run with `make golden`. The golden file records what pandoc's citeproc, reading
the citations as pandoc markdown and writing its own HTML, produces from the same
CSL style and catalog data. `tests/test_citations.py` checks that briefwright's
notes (sent to pandoc as a JSON document and rendered by briefwright) are equal.
Review the diff before committing a regenerated file.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "src"))

from briefwright.build import Pipeline  # noqa: E402
from briefwright.render.citations import pandoc_path  # noqa: E402
from briefwright.corpus.passages import paragraph_label  # noqa: E402
from briefwright.workspace import Workspace  # noqa: E402

EXAMPLE = REPO / "briefs" / "azerbaijan-pakistan-turkey.yaml"
GOLDEN = HERE / "example-notes.json"


def markdown_citation(note) -> str:
    items = []
    for item in note.items:
        locator = f", {paragraph_label(*item.paragraphs)}" if item.paragraphs else ""
        items.append(f"@{item.source_id}{locator}")
    return "[" + "; ".join(items) + "]"


def main() -> None:
    pipeline = Pipeline(Workspace.at(REPO))
    checked = pipeline.check(EXAMPLE)
    citations = [markdown_citation(note) for note in checked.notes]
    cited = sorted({i.source_id for n in checked.notes for i in n.items})
    document = "\n\n".join(f"Note{citation}" for citation in citations) + "\n\n::: {#refs}\n:::\n"
    with tempfile.TemporaryDirectory() as folder:
        bibliography = Path(folder) / "cited.json"
        bibliography.write_text(json.dumps([pipeline.corpus.find(i).csl for i in cited]), encoding="utf-8")
        html = subprocess.run(
            [str(pandoc_path()), "--from=markdown", "--to=html", "--wrap=none", "--citeproc",
             f"--csl={checked.style}", f"--bibliography={bibliography}"],
            input=document, capture_output=True, text=True, check=True).stdout
    notes = re.findall(r'<li id="fn\d+"><p>(.*?)<a href="#fnref\d+" class="footnote-back"', html)
    entries = re.findall(r'<div id="ref-([^"]+)" class="csl-entry" role="listitem">\n(.*?)\n</div>', html, re.S)
    assert len(notes) == len(citations), "pandoc returned a different number of notes"
    golden = {
        "style": checked.style.name,
        "notes": [{"citation": c, "html": n} for c, n in zip(citations, notes, strict=True)],
        "bibliography": [[source_id, entry] for source_id, entry in entries],
    }
    GOLDEN.write_text(json.dumps(golden, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(REPO)}: {len(notes)} notes, {len(entries)} sources")


if __name__ == "__main__":
    main()
