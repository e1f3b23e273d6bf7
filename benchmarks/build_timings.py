"""Time `briefwright check`, a full and a no-op `briefwright build`, and WeasyPrint alone, in one run.

Usage: .venv/bin/python benchmarks/build_timings.py [OUTLINE] [--repeat N]
       .venv/bin/python benchmarks/build_timings.py --against REV [--repeat N]

Each figure is the median of N runs of a fresh process (so imports count, as they do
for a user), measured in the same run so that the ratios hold on a noisy machine. The
commands run in a temporary copy of the workspace, so the repository's locks stay as
they are.

With `--against REV` it compares instead `build --force -j 1` of every outline in
briefs/ by the code of commit REV and by today's code, both on REV's workspace (its
outlines, sources and templates, so the same briefs are set), and today's code on
today's workspace: N rounds, each running the three in turn (in a rotating order), so
a noisy machine weighs on all alike. Each figure is the median (and the best) wall time
and CPU time (user + system, pandoc's processes included) of a fresh process; on a shared
machine the best is the steadier of the two.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKSPACE_PARTS = ("seeds", "briefs", "templates", "data")
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


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(source: Path, workspace: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of `build --force -j 1` in `workspace` by the code in `source`."""
    environment = {**os.environ, "PYTHONPATH": str(source)}
    cpu, start = cpu_of_children(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "briefwright", "build", "--force", "-j", "1"], cwd=workspace,
                   env=environment, check=True, capture_output=True)
    return time.perf_counter() - start, cpu_of_children() - cpu


def copy_of(revision: str | None, folder: Path) -> Path:
    """Today's files, or those of `revision` (by git archive: no worktree is registered)."""
    folder.mkdir()
    if revision is None:
        for name in ("src", *WORKSPACE_PARTS):
            shutil.copytree(REPO / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        return folder
    parts = subprocess.run(["git", "ls-tree", "--name-only", revision], cwd=REPO, check=True,
                           capture_output=True, text=True).stdout.split()
    archive = subprocess.run(["git", "archive", revision, "src", *(p for p in WORKSPACE_PARTS if p in parts)],
                             cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return folder


def compare(revision: str, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        old, new = copy_of(revision, Path(folder) / "old"), copy_of(None, Path(folder) / "new")
        arms = {f"{revision} code, {revision} outlines": (old / "src", old),
                f"today's code, {revision} outlines": (new / "src", old),
                "today's code, today's outlines": (new / "src", new)}
        workspaces = {}
        for name, (_, workspace) in arms.items():   # each arm builds in its own copy of its workspace
            workspaces[name] = Path(folder) / f"ws{len(workspaces)}"
            for part in WORKSPACE_PARTS:
                if (workspace / part).exists():
                    shutil.copytree(workspace / part, workspaces[name] / part)
        for name, (source, _) in arms.items():      # a first build each, not counted: caches, .pyc files
            timed_build(source, workspaces[name])
        walls, cpus = {name: [] for name in arms}, {name: [] for name in arms}
        names = list(arms)
        for turn in range(rounds):
            for name in names[turn % 3:] + names[:turn % 3]:
                wall, cpu = timed_build(arms[name][0], workspaces[name])
                walls[name].append(wall)
                cpus[name].append(cpu)
    print(f"build --force -j 1 of every outline in briefs/, {rounds} interleaved rounds: median (and best) "
          "of each, and the change from the first line")
    for summary in (statistics.median, min):
        base_wall, base_cpu = summary(walls[names[0]]), summary(cpus[names[0]])
        for name in names:
            wall, cpu = summary(walls[name]), summary(cpus[name])
            print(f"  {summary.__name__:<6} {name:<44} wall {wall:5.2f} s ({wall / base_wall - 1:+6.1%})   "
                  f"CPU {cpu:5.2f} s ({cpu / base_cpu - 1:+6.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outline", nargs="?", default="briefs/azerbaijan-pakistan-turkey.yaml")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--against", metavar="REV", help="compare full builds with the code of commit REV")
    args = parser.parse_args()
    if args.against:
        compare(args.against, args.repeat)
        return
    with tempfile.TemporaryDirectory() as folder:
        work, out = Path(folder) / "workspace", Path(folder) / "out"
        for name in WORKSPACE_PARTS:
            if (REPO / name).exists():
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
