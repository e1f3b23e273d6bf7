"""The preview's latencies and the editions' cost, in one run (medians of N rounds).

Usage: .venv/bin/python benchmarks/preview_latency.py [--repeat N]

1. save → updated HTML in the browser: a preview of the example brief is served
   in this process and loaded in headless chromium (Debian's, through selenium);
   the outline's title is edited, and the time runs until the page in the browser
   shows the new title (target ≤ 0.5 s).
2. save → updated PDF in the preview, against an in-process render_pdf of the same
   print HTML with WeasyPrint already imported, as a build lays it out (a new font
   configuration, the stylesheet parsed from the HTML's <style>) (target ≤ 1.2×).
3. what --format html,docx adds to a build of the example brief (target ≤ 0.5 s), as
   the median of pairs of builds with and without, in wall and in CPU seconds.

Everything runs in a temporary copy of the workspace; the repository is not touched.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = "azerbaijan-pakistan-turkey.yaml"


def workspace_copy() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="briefwright-preview-bench-"))
    for name in ("seeds", "briefs", "templates"):
        shutil.copytree(REPO / name, folder / name, ignore=shutil.ignore_patterns("*.lock"))
    return folder


def wait(condition, seconds: float = 60.0, step: float = 0.005):
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if condition():
            return
        time.sleep(step)
    raise TimeoutError("the preview did not update")


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--no-proxy-server"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def preview_rounds(repeat: int) -> tuple[list[float], list[float], list[float]]:
    from briefwright.preview.server import PreviewServer, watch_inputs
    from briefwright.preview.session import PreviewSession
    from briefwright.render.pdf import PdfOptions, render_pdf
    from briefwright.workspace import Workspace

    root = workspace_copy()
    os.chdir(root)
    workspace = Workspace.at(root)
    outline = workspace.briefs / EXAMPLE
    session = PreviewSession(workspace, outline)
    server, stop = PreviewServer(session, 0), threading.Event()
    session.refresh()
    session.start_pdf_worker()
    for target, arguments in ((server.serve_forever, ()), (watch_inputs, (session, stop))):
        threading.Thread(target=target, args=arguments, daemon=True).start()
    driver = browser()
    html_times, pdf_times, direct_times = [], [], []
    try:
        driver.get(server.url)
        title = lambda: driver.execute_script(  # noqa: E731
            "const d = document.getElementById('brief').contentDocument;"
            "return d && d.querySelector('h1') ? d.querySelector('h1').textContent : ''")
        wait(lambda: "Solidarity" in title())
        wait(lambda: session.current.pdf is not None)
        text = outline.read_text(encoding="utf-8")
        for round_number in range(repeat):
            marker = f"Solidarity (round {round_number})"
            saved = time.perf_counter()
            outline.write_text(text.replace("Solidarity", marker, 1), encoding="utf-8")
            wait(lambda: marker in title())
            html_times.append(time.perf_counter() - saved)
            wait(lambda: session.current.pdf is not None and marker in session.current.print_html)
            pdf_times.append(time.perf_counter() - saved)
            snapshot = session.current
            print_html = snapshot.pipeline.html(snapshot.checked, snapshot.citations)  # as a build lays it out
            clock = time.perf_counter()
            render_pdf(print_html, snapshot.checked.theme, root, PdfOptions())
            direct_times.append(time.perf_counter() - clock)
    finally:
        driver.quit()
        stop.set()
        session.stop()
        server.shutdown()
        server.server_close()
        os.chdir(REPO)
        shutil.rmtree(root, ignore_errors=True)
    return html_times, pdf_times, direct_times


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (pandoc), in seconds."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def editions_rounds(repeat: int) -> tuple[list[float], list[float], list[float]]:
    """Builds with and without the editions, in pairs: (wall seconds added, CPU seconds added, plain wall seconds).

    The two builds of a pair run one after the other, so that a change in the
    machine's load between rounds does not count as the editions' cost.
    """
    from briefwright.build import BuildOptions, Pipeline
    from briefwright.workspace import Workspace

    root = workspace_copy()
    pipeline = Pipeline(Workspace.at(root))
    checked = pipeline.check(root / "briefs" / EXAMPLE)
    pipeline.build(checked, BuildOptions(formats=("pdf", "html", "docx")))  # warm: imports, fonts
    added, cpu_added, plain = [], [], []
    for round_number in range(repeat):
        pair = {}
        order = (("pdf",), ("pdf", "html", "docx"))
        for formats in order if round_number % 2 == 0 else order[::-1]:
            clock, cpu = time.perf_counter(), cpu_seconds()
            pipeline.build(checked, BuildOptions(formats=formats))
            pair[formats] = (time.perf_counter() - clock, cpu_seconds() - cpu)
        added.append(pair[order[1]][0] - pair[order[0]][0])
        cpu_added.append(pair[order[1]][1] - pair[order[0]][1])
        plain.append(pair[order[0]][0])
    shutil.rmtree(root, ignore_errors=True)
    return added, cpu_added, plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    median = statistics.median
    html_times, pdf_times, direct_times = preview_rounds(repeat)
    print(f"save → updated HTML in the browser: {median(html_times):.3f} s (target ≤ 0.5 s)")
    print(f"save → updated PDF in the preview:  {median(pdf_times):.3f} s; in-process render_pdf "
          f"{median(direct_times):.3f} s; ratio {median(pdf_times) / median(direct_times):.2f} (target ≤ 1.2)")
    added, cpu_added, plain = editions_rounds(repeat)
    print(f"build, pdf: {median(plain):.3f} s; --format pdf,html,docx adds {median(added):.3f} s "
          f"(median of {repeat} pairs, target ≤ 0.5 s), {median(cpu_added):.3f} CPU s (pandoc's included); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
