"""Layout passes and their time, for the example brief and every stress outline, in one run.

Usage: .venv/bin/python benchmarks/layout_passes.py

For each outline: the layouts it took to set every note on the page of its call
(and mend typography) and their time, with briefwright's repair of WeasyPrint
in place and, for comparison, without it (further passes alone then carry the
load). Times are ratios to the repaired layout of the same outline, measured in
this one run.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from weasyprint import HTML  # noqa: E402
from weasyprint.layout import block  # noqa: E402

from briefwright.render import weasyprint_fix  # noqa: E402
from briefwright.build import Pipeline  # noqa: E402
from briefwright.render.citations import format_citations  # noqa: E402
from briefwright.render.layout import lay_out  # noqa: E402
from briefwright.render.pdf import LocalFetcher  # noqa: E402
from tests.test_print import stress_workspace  # noqa: E402


def measure(pipeline: Pipeline, outline: Path) -> tuple[int, float, bool]:
    checked = pipeline.check(outline)
    html = pipeline.html(checked, format_citations(checked.notes, pipeline.corpus, checked.style))
    base = pipeline.workspace.templates / checked.theme.name
    fetcher = LocalFetcher(checked.theme, base, pipeline.workspace.root)
    layout = lay_out(HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher), {})
    placed = all(call == page for call, page in layout.notes.values())
    return layout.passes, layout.seconds, placed


def main() -> None:
    weasyprint_fix.apply()
    repaired = block._linebox_layout
    with tempfile.TemporaryDirectory() as folder:
        workspace = stress_workspace(Path(folder))
        shutil.copy(REPO / "briefs" / "azerbaijan-pakistan-turkey.yaml", workspace.briefs)
        pipeline = Pipeline(workspace)
        print(f"{'outline':<28} {'repaired: passes, time':>24}   {'unrepaired: passes, time, ratio':>34}")
        for outline in sorted(pipeline.workspace.briefs.glob("*.yaml")):
            block._linebox_layout = repaired
            passes, seconds, placed = measure(pipeline, outline)
            block._linebox_layout = weasyprint_fix.original
            raw_passes, raw_seconds, raw_placed = measure(pipeline, outline)
            flag = "" if placed and raw_placed else "  NOTE OFF ITS PAGE"
            print(f"{outline.stem:<28} {passes:>8} {seconds:>9.2f} s     "
                  f"{raw_passes:>8} {raw_seconds:>9.2f} s {raw_seconds / seconds:>6.2f}x{flag}")
        block._linebox_layout = repaired


if __name__ == "__main__":
    main()
