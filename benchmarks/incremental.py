"""Time full, parallel, no-op and one-source-changed builds of 50 briefs, in one run.

Usage: .venv/bin/python benchmarks/incremental.py [--briefs 50] [--jobs 2]

The workspace is a temporary copy of seeds/ with N variants of the example outline.
Variant i also quotes one of five extra sources (regional-0 … regional-4, i mod 5),
so that changing one of those makes exactly a fifth of the briefs stale. Each
figure is one run of a fresh `briefwright build` process (imports count, as they
do for a user) and is also given as a ratio to the full build with -j 1.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BRIEFWRIGHT = Path(sys.executable).parent / "briefwright"
EXAMPLE = REPO / "briefs" / "azerbaijan-pakistan-turkey.yaml"
REGIONAL = 5


def make_workspace(root: Path, briefs: int) -> None:
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "briefs").mkdir()
    catalog = (root / "seeds" / "sources.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n"
    for n in range(REGIONAL):
        (root / "seeds" / f"regional-{n}.txt").write_text(
            f"Report {n} opens with an overview.\nThe regional office {n} notes steady progress on the corridor.\n",
            encoding="utf-8")
        catalog += (f"\n  - id: regional-{n}\n    file: regional-{n}.txt\n    type: report\n"
                    f"    title: \"Regional report {n}\"\n    issued: {{date-parts: [[2021]]}}\n")
    (root / "seeds" / "sources.yaml").write_text(catalog, encoding="utf-8")
    example = EXAMPLE.read_text(encoding="utf-8")
    for i in range(briefs):
        n = i % REGIONAL
        text = example.replace('title: "', f'title: "Variant {i}: ', 1)
        text = text.replace("\nsections:\n", "\nsections:\n  - heading: Regional view\n    body:\n"
                            f"      - The office reports \"steady progress on the corridor\"[@regional-{n}].\n", 1)
        (root / "briefs" / f"brief-{i:02d}.yaml").write_text(text, encoding="utf-8")


def timed(root: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run([str(BRIEFWRIGHT), "build", *args], cwd=root, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"briefwright build {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return seconds, result.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--briefs", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefwright-bench-") as folder:
        root = Path(folder)
        make_workspace(root, args.briefs)
        rows = [("full build, -j 1", *timed(root, "-j", "1")),
                (f"full build, -j {args.jobs}", *timed(root, "--force", "-j", str(args.jobs))),
                ("no-op build", *timed(root))]
        source = root / "seeds" / "regional-2.txt"
        source.write_text(source.read_text(encoding="utf-8").replace("an overview", "a short overview"),
                          encoding="utf-8")
        rows.append((f"one source changed, -j {args.jobs}", *timed(root, "-j", str(args.jobs))))
    base = rows[0][1]
    print(f"{args.briefs} briefs (variants of the example), {args.jobs} jobs where parallel")
    print(f"{'build':<28} {'seconds':>8} {'ratio':>7}  summary")
    for name, seconds, summary in rows:
        print(f"{name:<28} {seconds:>8.2f} {seconds / base:>7.3f}  {summary}")


if __name__ == "__main__":
    main()
