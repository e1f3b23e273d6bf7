"""Time `briefwright check`, a full and a no-op `briefwright build`, and WeasyPrint alone, in one run.

Usage: .venv/bin/python benchmarks/build_timings.py [OUTLINE] [--repeat N]

Each figure is the median of N runs of a fresh process (so imports count, as they do
for a user), measured in the same run so that the ratios hold on a noisy machine. The
commands run in a temporary copy of the workspace, so the repository's locks stay as
they are.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WEASYPRINT_ALONE = """
import sys
from pathlib import Path
from weasyprint import HTML
from briefwright.render.pdf import LocalFetcher
from briefwright.render.html import find_theme
from briefwright.workspace import Workspace
workspace = Workspace.at(sys.argv[1])
theme = find_theme("policy-brief", workspace)
base = workspace.templates / "policy-brief"
HTML(filename=sys.argv[2], base_url=base.as_uri() + "/",
     url_fetcher=LocalFetcher(theme, base, workspace.root)).write_pdf(sys.argv[3])
"""


def timed(command: list, repeat: int, cwd: Path) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outline", nargs="?", default="briefs/azerbaijan-pakistan-turkey.yaml")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work, out = Path(folder) / "workspace", Path(folder) / "out"
        for name in ("seeds", "briefs", "templates"):
            shutil.copytree(REPO / name, work / name)
        brief = [BIN / "briefwright", "build", args.outline]
        subprocess.run([*brief, "-o", out, "--html", "--force"], cwd=work, check=True, capture_output=True)
        html = out / (Path(args.outline).stem + ".html")
        figures = {
            "briefwright check": timed([BIN / "briefwright", "check", args.outline], args.repeat, work),
            "briefwright build --force": timed([*brief, "--force"], args.repeat, work),
            "briefwright build (nothing to do)": timed(brief, args.repeat, work),
            "WeasyPrint alone (same HTML)": timed(
                [sys.executable, "-c", WEASYPRINT_ALONE, work, html, out / "alone.pdf"], args.repeat, work),
        }
    base = figures["briefwright build --force"]
    print(f"{args.outline}, median of {args.repeat} fresh processes each")
    for name, seconds in figures.items():
        print(f"  {name:<36} {seconds:6.2f} s   {seconds / base:5.2f} x full build")


if __name__ == "__main__":
    main()
