"""Print quality of the example briefs in every built-in theme, and the build time of both.

Usage: .venv/bin/python benchmarks/print_measures.py [--repeat N]

For each example brief (briefs/*.yaml) set in each theme (policy-brief, briefing-note
and the example institute theme), it prints the median characters per full line of the
body text, the notes and the headings (read from the PDF by poppler's pdftotext), the
holes (empty lines at the foot of a page above its notes, from WeasyPrint's boxes),
and the words broken badly (proper nouns, paragraph-final fragments). Then the time of
`briefwright build --force` of both examples, the median of N fresh processes. Everything
runs in a temporary copy of the workspace: the repository's locks stay as they are.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefwright.build import BuildOptions, Pipeline  # noqa: E402
from briefwright.render import pdf as pdf_stage  # noqa: E402
from briefwright.render.typography import holes  # noqa: E402
from briefwright.workspace import Workspace  # noqa: E402
from tests.pdf_measure import characters_per_line, final_fragments, hyphenated_proper_nouns  # noqa: E402

THEMES = ("policy-brief", "briefing-note", "caspian-policy-institute")
BIN = Path(sys.executable).parent


def copy_workspace(folder: Path) -> Path:
    for name in ("seeds", "briefs", "templates", "data"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, folder / name, ignore=shutil.ignore_patterns("*.lock"))
    return folder


def in_theme(outline: Path, theme: str) -> Path:
    """A copy of `outline` beside it, set in `theme`."""
    text = re.sub(r"(?m)^template:.*\n", "", outline.read_text(encoding="utf-8"))
    copy = outline.with_name(f"{outline.stem}--{theme}.yaml")
    copy.write_text(f"template: {theme}\n{text}", encoding="utf-8")
    return copy


def build_with_layout(workspace: Workspace, outline: Path, output: Path):
    """Build `outline` and return (the PDF, the laid-out document WeasyPrint made)."""
    captured = []
    render_pdf = pdf_stage.render_pdf

    def capturing(*args, **kwargs):
        captured.append(render_pdf(*args, **kwargs))
        return captured[-1]

    pdf_stage.render_pdf = capturing
    try:
        pipeline = Pipeline(workspace)
        result = pipeline.build(pipeline.check(outline), BuildOptions(output=output))
    finally:
        pdf_stage.render_pdf = render_pdf
    return result.pdf, captured[-1].layout.document


def measure(workspace: Workspace, outline: Path, theme: str, out: Path) -> str:
    pdf, document = build_with_layout(workspace, in_theme(outline, theme), out / f"{outline.stem}--{theme}.pdf")
    cpl = characters_per_line(pdf)
    gaps = [f"p{hole.page} {hole.lines:.1f}" for hole in holes(document.pages) if hole.lines >= 0.5]
    nouns, fragments = hyphenated_proper_nouns(pdf), final_fragments(pdf)
    return (f"{outline.stem:28} {theme:26} {len(document.pages)} pp  cpl body {cpl.get('body', 0):5.1f}  "
            f"notes {cpl.get('notes', 0):5.1f}  headings {cpl.get('headings', 0):5.1f}  "
            f"holes (lines) [{', '.join(gaps)}]  proper nouns {len(nouns)} {nouns}  "
            f"final fragments {len(fragments)} {fragments}")


def build_time(folder: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([BIN / "briefwright", "build", "--force", "-j", "1",
                        "briefs/azerbaijan-pakistan-turkey.yaml", "briefs/azerbaijan-pakistan-economy.yaml"],
                       cwd=folder, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="copy the PDFs built into this folder, to look at them")
    parser.add_argument("--no-timing", action="store_true", help="measure the pages only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = copy_workspace(Path(folder) / "workspace")
        workspace, out = Workspace.at(root), Path(folder) / "out"
        examples = sorted((root / "briefs").glob("*.yaml"))
        for outline in examples:
            for theme in THEMES:
                print(measure(workspace, outline, theme, out), flush=True)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for pdf in out.glob("*.pdf"):
                shutil.copy(pdf, args.keep / pdf.name)
        for copy in (root / "briefs").glob("*--*.yaml"):
            copy.unlink()
        if not args.no_timing:
            print(f"briefwright build --force (both examples, -j 1): {build_time(root, args.repeat):.2f} s "
                  f"(median of {args.repeat})")


if __name__ == "__main__":
    main()
