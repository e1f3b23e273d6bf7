"""Time `briefwright add` of a 30-page journal PDF and of a 300 KB web page: time per page.

Usage: .venv/bin/python benchmarks/import_speed.py [--repeat N]

The documents are made from the seed texts (tests/import_fixtures.py): the cij-2017
article repeated into about 30 two-column pages, and the kazimbeyli-2017 news page
padded with reader comments to about 300 KB. Each figure is the median of N runs of
`briefwright add` in a fresh process (imports count, as they do for a user), each in
an empty temporary workspace, plus the extraction alone, in this process.
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
sys.path.insert(0, str(REPO / "tests"))

import import_fixtures  # noqa: E402

from briefwright.corpus.importers import extract  # noqa: E402


def documents(folder: Path) -> list[tuple[str, Path]]:
    pdf = folder / "long-journal.pdf"
    pdf.write_bytes(import_fixtures.long_journal_pdf(30))
    page = folder / "long-page.html"
    comments = 1
    while len(import_fixtures.news_page(padding_comments=comments)) < 300_000:
        comments *= 2
    page.write_bytes(import_fixtures.news_page(padding_comments=comments))
    return [("30-page PDF", pdf), ("300 KB web page", page)]


def time_add(document: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as root:
            (Path(root) / "seeds").mkdir()
            start = time.perf_counter()
            subprocess.run([str(BIN / "briefwright"), "-C", root, "add", str(document)], check=True,
                           capture_output=True)
            runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def time_extract(document: Path, repeat: int):
    runs, extracted = [], None
    data = document.read_bytes()
    for _ in range(repeat):
        start = time.perf_counter()
        extracted = extract(data, document.name)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), extracted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for label, document in documents(Path(folder)):
            whole = time_add(document, args.repeat)
            alone, extracted = time_extract(document, args.repeat)
            pages = len(extracted.page_labels) or 1
            print(f"{label}: {document.stat().st_size / 1000:,.0f} KB, {pages} page(s), "
                  f"{len(extracted.paragraphs)} paragraphs; add {whole:.2f} s "
                  f"({whole / pages * 1000:.0f} ms a page); extraction alone {alone:.2f} s "
                  f"({alone / pages * 1000:.0f} ms a page)")


if __name__ == "__main__":
    main()
