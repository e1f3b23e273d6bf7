"""Time `briefwright check`, `briefwright build` and WeasyPrint alone on the same HTML, in one run.

Usage: .venv/bin/python benchmarks/build_timings.py [OUTLINE] [--repeat N]

Each figure is the median of N runs of a fresh process (so imports count, as they do
for a user), measured in the same run so that the ratios hold on a noisy machine.
"""

from __future__ import annotations

import argparse
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
from briefwright.pdf import LocalFetcher
from briefwright.render import find_theme
from briefwright.workspace import Workspace
workspace = Workspace.at(sys.argv[1])
theme = find_theme("policy-brief", workspace)
base = workspace.templates / "policy-brief"
HTML(filename=sys.argv[2], base_url=base.as_uri() + "/",
     url_fetcher=LocalFetcher(theme, base, workspace.root)).write_pdf(sys.argv[3])
"""


def timed(command: list[str], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outline", nargs="?", default="briefs/azerbaijan-pakistan-turkey.yaml")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        subprocess.run([BIN / "briefwright", "build", args.outline, "-o", out, "--html"], cwd=REPO, check=True,
                       capture_output=True)
        html = out / (Path(args.outline).stem + ".html")
        figures = {
            "briefwright check": timed([BIN / "briefwright", "check", args.outline], args.repeat),
            "briefwright build": timed([BIN / "briefwright", "build", args.outline, "-o", out], args.repeat),
            "WeasyPrint alone (same HTML)": timed(
                [sys.executable, "-c", WEASYPRINT_ALONE, REPO, html, out / "alone.pdf"], args.repeat),
        }
    base = figures["briefwright build"]
    print(f"{args.outline}, median of {args.repeat} fresh processes each")
    for name, seconds in figures.items():
        print(f"  {name:<30} {seconds:6.2f} s   {seconds / base:5.2f} x build")


if __name__ == "__main__":
    main()
