"""Regenerate the golden notes from pandoc itself.

Run with `make golden`. Each golden file records what pandoc's citeproc, reading
the citations as pandoc Markdown and writing its own HTML, produces from the same
CSL style and catalog data:

- `example-notes.json`: the example brief's notes (`tests/test_citations.py`);
- `styles/STYLE.json`: every citation of `tests/data/pandoc-syntax/pandoc-syntax.yaml`
  (prefixes, suffixes, `-@id`, in-text `@id`, several sources, locators) in each of
  STYLES: what it prints in the sentence and its note (`tests/test_styles.py`).

briefwright sends the same citations to pandoc as a JSON document and renders the
answer itself; the tests check that the two agree. Review the diff before
committing a regenerated file.
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
SYNTAX = REPO / "tests" / "data" / "pandoc-syntax" / "pandoc-syntax.yaml"
STYLES = ["chicago-notes-bibliography", "chicago-author-date", "apa", "ieee", "mhra-notes", "oscola",
          "harvard-cite-them-right"]


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


def pandoc_markdown_citation(note) -> str:
    """A citation written in pandoc's Markdown, as an editor would: `[see @a, para. 2; -@b]` or `@a [para. 3]`."""
    from briefwright.render.citations import suffix_text

    if note.in_text:
        item = note.items[0]
        suffix = suffix_text(item).removeprefix(",").strip()
        return f"@{item.source_id}" + (f" [{suffix}]" if suffix else "")
    items = []
    for item in note.items:
        minus = "-" if item.mode == "suppress-author" else ""
        prefix = f"{item.prefix} " if item.prefix else ""
        items.append(f"{prefix}{minus}@{item.source_id}{suffix_text(item)}")
    return "[" + "; ".join(items) + "]"


def pandoc_html(markdown: str, style: Path, entries: list[dict], lang: str = "en") -> str:
    with tempfile.TemporaryDirectory() as folder:
        bibliography = Path(folder) / "cited.json"
        bibliography.write_text(json.dumps(entries), encoding="utf-8")
        return subprocess.run(
            [str(pandoc_path()), "--from=markdown", "--to=html", "--wrap=none", "--citeproc", f"--metadata=lang:{lang}",
             f"--csl={style}", f"--bibliography={bibliography}"],
            input=markdown, capture_output=True, text=True, check=True).stdout


def citations_in_styles() -> None:
    """Write styles/STYLE.json: each citation of the pandoc-syntax outline as pandoc renders it in STYLE."""
    from briefwright.render.citations import find_style

    pipeline = Pipeline(Workspace.at(REPO))
    checked = pipeline.check(SYNTAX)
    citations = [pandoc_markdown_citation(note) for note in checked.notes]
    cited = sorted({i.source_id for n in checked.notes for i in n.items})
    entries = [pipeline.corpus.find(i).csl for i in cited]
    document = "\n\n".join(f"Cited {citation}" for citation in citations) + "\n\n::: {#refs}\n:::\n"
    (HERE / "styles").mkdir(exist_ok=True)
    for name in STYLES:
        html = pandoc_html(document, find_style(name, pipeline.workspace), entries)
        texts = re.findall(r'<p>Cited ?<span class="citation" data-cites="[^"]*">(.*)</span></p>', html)
        assert len(texts) == len(citations), f"{name}: pandoc returned a different number of citations"
        notes = dict(re.findall(r'<li id="fn(\d+)"><p>(.*?)<a href="#fnref\d+" class="footnote-back"', html))
        rows, number = [], 0
        for citation, text in zip(citations, texts, strict=True):
            call = re.search(r'<a href="#fn(\d+)" class="footnote-ref"[^>]*><sup>\d+</sup></a>$', text)
            note = notes[call[1]] if call else ""
            rows.append({"citation": citation, "text": text[:call.start()] if call else text, "note": note})
            number += bool(call)
        entries_html = re.findall(r'<div id="ref-([^"]+)" class="csl-entry" role="listitem">\n(.*?)\n</div>\n(?=<div id="ref-|</div>)',
                                  html, re.S)
        golden = {"style": name, "citations": rows, "bibliography": [list(e) for e in entries_html]}
        path = HERE / "styles" / f"{name}.json"
        path.write_text(json.dumps(golden, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(REPO)}: {len(rows)} citations, {number} notes, {len(entries_html)} sources")


if __name__ == "__main__":
    main()
    citations_in_styles()
