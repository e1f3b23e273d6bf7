"""Measure briefwright on a library-sized corpus against the five-document example workspace.

Usage: .venv/bin/python benchmarks/corpus_scale.py [--docs 10000] [--catalog N] [--repeat 3] [--budget 30]
                                                    [--keep DIR]

Generates, in a temporary folder, a deterministic corpus of `--docs` documents (about
6 KB each, paragraphs of 20 to 220 words drawn from the example sources' vocabulary) with
a catalog of `--catalog` entries (default: one per document, up to the limit of 50,000
with the example's), next to a copy of the
example workspace. A 50-quotation brief over the five example sources is written into
both. Then the same commands run in both workspaces, each as a fresh process (imports
count, as for a user): `check` of that brief, `search` (p50 over 20 queries, in-process
and on the command line, against `briefwright --version`), `status` after one cited
source changed, `sources`, the cold index build and the update after one file changed,
and the peak memory of every command. A figure that exceeds `--budget` seconds on its
first run is measured once; a command that fails is shown as failed with its message.
With `--keep DIR` the two workspaces are generated in DIR (reused when DIR already holds
them) and left there, e.g. for profiling; delete DIR afterwards.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from briefwright.workspace import MAX_CATALOG_ENTRIES

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXAMPLE_IDS = ["trt-2021", "kazimbeyli-2017", "avdaliani-2020", "korybko-2021", "cij-2017"]
QUERIES = ["JF-17", "Pakistan", "defense cooperation", "only country", "Nagorno-Karabakh", "Kashmir",
           "trilateral", "foreign ministers", "military", "Armenia", "Turkey and Pakistan", "Baku",
           "energy", "trade", "recognize", "Cyprus", "strategic", "Caspian", "brotherly", "Islamabad"]
MEASURE_PEAK = ("import resource, subprocess, sys\n"
                "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
                "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
                "sys.stdout.write(f'{used.ru_maxrss} {used.ru_utime + used.ru_stime}\\n')\n"
                "sys.stderr.write(done.stderr)\n"
                "raise SystemExit(done.returncode)\n")
IN_PROCESS_SEARCH = """
import json, statistics, sys, time
from briefwright.workspace import Workspace
queries = json.loads(sys.argv[2])
workspace = Workspace.at(sys.argv[1])
try:
    from briefwright.corpus.lookup import search_workspace
    search = lambda q: search_workspace(workspace, q, limit=20)
except ImportError:  # before the index: the corpus is loaded once, each search scans it
    from briefwright.corpus.lookup import search_corpus
    from briefwright.corpus.sources import load_corpus
    corpus = load_corpus(workspace)
    search = lambda q: search_corpus(corpus, q)
budget, runs, cpus = float(sys.argv[3]), [], []
search(queries[0])
for query in queries:
    start, cpu = time.perf_counter(), time.process_time()
    search(query)
    runs.append(time.perf_counter() - start)
    cpus.append(time.process_time() - cpu)
    if sum(runs) > budget:
        break
print(json.dumps({"p50": statistics.median(runs), "cpu": statistics.median(cpus), "n": len(runs)}))
"""


# -- the generated workspace ------------------------------------------------------

def vocabulary() -> list[str]:
    words = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        words += re.findall(r"[A-Za-z’'-]+|\d+", path.read_text(encoding="utf-8"))
    return words


def paragraph(rng: random.Random, words: list[str]) -> str:
    sentences = []
    for _ in range(rng.randint(1, 9)):
        sentence = rng.choices(words, k=rng.randint(8, 26))
        sentences.append(" ".join(sentence).capitalize() + rng.choice([".", ".", ".", "?", ";"]))
    return " ".join(sentences)


def generate(root: Path, docs: int, catalog: int) -> None:
    """Copy the example workspace to `root` and add `docs` generated documents and `catalog` entries."""
    for name in ("seeds", "briefs", "templates", "data"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.lock"))
    rng, words = random.Random(12), vocabulary()
    entries = []
    for number in range(docs):
        name = f"gen_{number:06d}.txt"
        body, size, target = [], 0, rng.randint(2000, 10000)
        while size < target:
            body.append(paragraph(rng, words))
            size += len(body[-1])
        (root / "seeds" / name).write_text("\n\n".join(body) + "\n", encoding="utf-8")
        if number < catalog:
            entries.append(catalog_entry(rng, number, name, words))
    with open(root / "seeds" / "sources.yaml", "a", encoding="utf-8") as out:
        out.write("\n" + "".join(entries))


def catalog_entry(rng: random.Random, number: int, name: str, words: list[str]) -> str:
    title = " ".join(rng.choices(words, k=rng.randint(5, 12))).replace('"', "")
    family, given = rng.choice(words).capitalize(), rng.choice(words).capitalize()
    return (f"  - id: gen-{number:06d}\n    file: {name}\n    type: article-newspaper\n"
            f"    author: [{{family: \"{family}\", given: \"{given}\"}}]\n    title: \"{title}\"\n"
            f"    container-title: \"The {rng.choice(words).capitalize()} Review\"\n"
            f"    issued: {{date-parts: [[{rng.randint(1990, 2025)}, {rng.randint(1, 12)}, {rng.randint(1, 28)}]]}}\n"
            f"    URL: https://example.org/articles/{number}\n    language: en\n")


def fifty_quotations(root: Path) -> str:
    """An outline with 50 block quotations, each a unique passage of an example source."""
    from briefwright.corpus.sources import load_corpus
    from briefwright.verify.matcher import SourceIndex
    from briefwright.workspace import Workspace

    corpus = load_corpus(Workspace.at(REPO))
    blocks = []
    for source_id in EXAMPLE_IDS:
        index = SourceIndex(corpus.find(source_id))
        words = [w for p in corpus.find(source_id).paragraphs for w in p.text.split()]
        chosen = 0
        for start in range(0, len(words) - 8, 23):
            text = " ".join(words[start:start + 8])
            if '"' in text or "[" in text or "..." in text or "…" in text or len(index.find_all(text)) != 1:
                continue
            blocks.append(f"      - quote: {source_id}\n        text: {json.dumps(text, ensure_ascii=False)}\n")
            chosen += 1
            if chosen == 10:
                break
    assert len(blocks) == 50, len(blocks)
    return 'title: "Fifty quotations"\nsections:\n  - heading: Quotations\n    body:\n' + "".join(blocks)


# -- measuring -----------------------------------------------------------------------

class Seconds(float):
    """A median wall-clock time, with the median CPU time (user + system) of the same runs."""

    def __new__(cls, wall: float, cpu: float):
        figure = super().__new__(cls, wall)
        figure.cpu = cpu
        return figure


def run(command: list, cwd: Path) -> tuple[float, int, int, str, float]:
    """Run `command` once: (seconds, peak KB, exit code, last line of stderr, CPU seconds)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURE_PEAK, *map(str, command)], cwd=cwd,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak, cpu = (done.stdout.split() + ["0", "0"])[:2]
    return seconds, int(peak), done.returncode, (done.stderr.strip().splitlines() or [""])[-1], float(cpu)


class Table:
    def __init__(self, repeat: int, budget: float):
        self.repeat, self.budget, self.rows, self.peak = repeat, budget, [], {}

    def timed(self, label: str, command: list, cwd: Path, prepare=None) -> float | str:
        runs, cpus = [], []
        for _ in range(self.repeat):
            if prepare:
                prepare()
            seconds, peak, code, message, cpu = run(command, cwd)
            self.peak[label] = max(self.peak.get(label, 0), peak)
            if code != 0:
                return f"failed: {message[:70]}"
            runs.append(seconds)
            cpus.append(cpu)
            if sum(runs) > self.budget:
                break
        return Seconds(statistics.median(runs), statistics.median(cpus))

    def add(self, label: str, small, large, target: str) -> None:
        self.rows.append((label, small, large, target))
        print(f"  {label}: {shown(small)} | {shown(large)}", file=sys.stderr, flush=True)

    def print(self, docs: int, catalog: int) -> None:
        print(f"| command | 5 sources | {docs:,} sources, {catalog:,} entries | target | CPU (user + system) |")
        print("| --- | --- | --- | --- | --- |")
        version = next((large for label, _, large, _ in self.rows if "--version" in label), None)
        for label, small, large, target in self.rows:
            if "× --version" in target and isinstance(version, float) and isinstance(large, float):
                target += f" (now {large / version:.2f}×)"       # against --version in the same workspace
            elif "×" in target and isinstance(small, float) and isinstance(large, float):
                target += f" (now {large / small:.2f}×)"
            cpu = " / ".join(shown(getattr(v, "cpu", None)) for v in (small, large)) \
                if hasattr(small, "cpu") or hasattr(large, "cpu") else ""
            print(f"| {label} | {shown(small)} | {shown(large)} | {target} | {cpu} |")


def shown(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    return str(value)


def in_process_search(cwd: Path, budget: float) -> float | str:
    done = subprocess.run([sys.executable, "-c", IN_PROCESS_SEARCH, ".", json.dumps(QUERIES), str(budget)],
                          cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        return f"failed: {(done.stderr.strip().splitlines() or [''])[-1][:70]}"
    result = json.loads(done.stdout)
    if result["n"] != len(QUERIES):
        return f"{shown(result['p50'])} (n={result['n']})"
    return Seconds(result["p50"], result["cpu"])


def cli_search(table: Table, cwd: Path) -> float | str:
    runs = []
    for query in QUERIES:
        seconds, peak, code, message, _ = run([BIN / "briefwright", "search", query], cwd)
        table.peak["search (CLI)"] = max(table.peak.get("search (CLI)", 0), peak)
        if code == 2 or (code == 1 and not message.startswith("no passage")):
            return f"failed: {message[:70]}"
        runs.append(seconds)
        if sum(runs) > table.budget:
            return f"{shown(statistics.median(runs))} (n={len(runs)})"
    return statistics.median(runs)


def measure(small: Path, large: Path, table: Table) -> None:
    briefwright = BIN / "briefwright"
    check = [briefwright, "check", "briefs/scale.yaml"]
    for root in (small, large):  # warm, as every figure: the catalog cache made once (untimed)
        subprocess.run(check, cwd=root, capture_output=True)
    table.add("`check` of a 50-quotation brief", table.timed("check", check, small),
              table.timed("check", check, large), "≤ 1.3× small")
    for root in (small, large):  # the cold index build, where there is one
        shutil.rmtree(root / ".briefwright", ignore_errors=True)
    cold = [table.timed("cold index build", [briefwright, "search", "Kashmir"], root,
                        prepare=lambda r=root: shutil.rmtree(r / ".briefwright", ignore_errors=True))
            for root in (small, large)]
    touched = [table.timed("after touching one file", [briefwright, "search", "Kashmir"], root,
                           prepare=lambda r=root: _append(r / "seeds" / "002_a3aa516cbc634336.txt"))
               for root in (small, large)]
    table.add("`search` p50, in-process", in_process_search(small, table.budget),
              in_process_search(large, table.budget), "≤ 50 ms")
    version = [table.timed("--version", [briefwright, "--version"], root) for root in (small, large)]
    table.add("`briefwright --version`", *version, "")
    table.add("`search` p50, CLI", cli_search(table, small), cli_search(table, large), "≤ 1.5× --version")
    for root in (small, large):
        subprocess.run([briefwright, "build", "briefs/azerbaijan-pakistan-turkey.yaml"], cwd=root,
                       capture_output=True)
    status = [briefwright, "status", "briefs/azerbaijan-pakistan-turkey.yaml"]
    table.add("`status` after one source changed",
              *[table.timed("status", status, root, prepare=lambda r=root: _append(r / "seeds" / "001_2aadb1dbeed98bb9.txt"))
                for root in (small, large)], "≤ 1.5× small")
    for root in (small, large):  # warm, as every figure: the notes cache filled once (untimed)
        subprocess.run([briefwright, "sources"], cwd=root, capture_output=True)
    table.add("`sources`", table.timed("sources", [briefwright, "sources"], small),
              table.timed("sources", [briefwright, "sources"], large), "≤ 1 s")
    table.add("cold index build (`search`, no index)", *cold, "≤ 60 s")
    table.add("`search` after touching one file", *touched, "≤ 1 s")


def _append(path: Path) -> None:
    """Change a source without changing its paragraphs: one more blank line at its end."""
    with open(path, "a", encoding="utf-8") as out:
        out.write("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--catalog", type=int, default=None,
                        help="catalog entries (default: one per document, within the catalog's limit)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds after which a figure is measured once")
    parser.add_argument("--keep", type=Path, help="generate the workspaces in this folder (or reuse them) and keep them")
    args = parser.parse_args()
    example = len(re.findall(r"^  - id: ", (REPO / "seeds" / "sources.yaml").read_text(encoding="utf-8"), re.M))
    catalog = min(args.docs, MAX_CATALOG_ENTRIES - example) if args.catalog is None else args.catalog
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        benchmark(args.keep, args, catalog)
        return
    with tempfile.TemporaryDirectory() as folder:
        benchmark(Path(folder), args, catalog)


def benchmark(folder: Path, args, catalog: int) -> None:
    small, large = folder / "small", folder / "large"
    start = time.perf_counter()
    if not (small / "briefs" / "scale.yaml").is_file() or not (large / "briefs" / "scale.yaml").is_file():
        shutil.rmtree(small, ignore_errors=True)
        shutil.rmtree(large, ignore_errors=True)
        generate(large, args.docs, catalog)
        generate(small, 0, 0)
        outline = fifty_quotations(REPO)
        for root in (small, large):
            (root / "briefs" / "scale.yaml").write_text(outline, encoding="utf-8")
    size = sum(p.stat().st_size for p in (large / "seeds").iterdir())
    documents = len(list((large / "seeds").glob("*.txt")))
    print(f"{documents:,} documents, {size / 1e6:.0f} MB, catalog "
          f"{(large / 'seeds' / 'sources.yaml').stat().st_size / 1e6:.1f} MB, "
          f"ready in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    table = Table(args.repeat, args.budget)
    measure(small, large, table)
    table.print(args.docs, catalog)
    peak = max(table.peak.values()) / 1024
    worst = max(table.peak, key=table.peak.get)
    print(f"\npeak memory of any command: {peak:.0f} MB ({worst}; target ≤ 300 MB)")


if __name__ == "__main__":
    main()
