"""briefwright preview: the server's rules, the live refresh, the source view, and a real browser (chromium)."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from briefwright.render.web import text_fragment_link
from briefwright.preview.server import PreviewServer, watch_inputs
from briefwright.preview.session import PreviewSession
from briefwright.workspace import Workspace

from .conftest import EXAMPLE, REPO

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture
def preview(tmp_path, monkeypatch):
    """A running preview of the example brief in a copy of the workspace: (server, session, outline)."""
    for name in ("seeds", "briefs", "templates", "data"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("*.lock"))
    monkeypatch.chdir(tmp_path)
    workspace = Workspace.at(tmp_path)
    outline = workspace.briefs / EXAMPLE.name
    session = PreviewSession(workspace, outline)
    server = PreviewServer(session, 0)
    stop = threading.Event()
    session.refresh()
    session.start_pdf_worker()
    threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True),
               threading.Thread(target=watch_inputs, args=(session, stop), daemon=True)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # the watcher is watching
    yield server, session, outline
    stop.set()
    session.stop()
    server.shutdown()
    server.server_close()


def get(server, path: str, host: str | None = None, method: str = "GET") -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request(method, path, headers={"Host": f"127.0.0.1:{server.port}" if host is None else host})
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body, dict(response.getheaders())


def wait_until(condition, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def test_it_binds_to_loopback_and_refuses_other_host_names(preview):
    server, _, _ = preview
    assert server.server_address[0] == "127.0.0.1"
    assert get(server, "/")[0] == 200
    assert get(server, "/", host=f"localhost:{server.port}")[0] == 200
    for host in ("attacker.example", f"attacker.example:{server.port}", f"127.0.0.1:{server.port + 1}", ""):
        assert get(server, "/state.json", host=host)[0] == 421, host


def test_it_serves_only_what_the_brief_uses(preview):
    server, _, _ = preview
    status, page, headers = get(server, "/brief.html")
    assert status == 200 and "Solidarity ahead of capability" in page
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    for path in ("/seeds/sources.yaml", "/../briefs/azerbaijan-pakistan-turkey.yaml", "/source/../sources.yaml",
                 "/source/", "/_/../session.py", "/_/", "/source/not-a-source", "/briefs/"):
        assert get(server, path)[0] == 404, path
    assert get(server, "/source/trt-2021")[0] == 200              # cited by the brief
    fonts = sorted(set(re.findall(r"url\((/_/asset/[0-9a-f]{32}\.otf)\)", page)))
    assert len(fonts) == 5 and all(get(server, font)[0] == 200 for font in fonts)
    assert get(server, "/_/asset/" + "0" * 32 + ".otf")[0] == 404
    assert get(server, "/", method="POST")[0] == 405


def test_a_note_links_to_its_source_view_with_the_passage_marked(preview):
    server, session, _ = preview
    status, page, _ = get(server, "/brief.html")
    assert 'href="/source/avdaliani-2020?note=3&amp;item=0#passage"' in page
    status, view, _ = get(server, "/source/avdaliani-2020?note=3&item=0")
    passage = session.current.passages[3]
    assert status == 200
    assert f'<mark id="passage">{passage.printed[0]}</mark>' in view
    assert f'<li value="{passage.first}" id="para-{passage.first}" class="cited">' in view
    assert "Note 3: " + passage.locator in view
    assert "unchanged since the last build" not in view        # never built: no lock to compare with


def test_problems_replace_the_brief_and_fixing_them_brings_it_back(preview):
    server, session, outline = preview
    original = outline.read_text(encoding="utf-8")
    outline.write_text(original.replace('"a string of continuous', '"a string of endless'), encoding="utf-8")
    state = wait_until(lambda: (s := json.loads(get(server, "/state.json")[1]))["ok"] is False and s)
    assert "briefs/azerbaijan-pakistan-turkey.yaml:" in state["problems"]
    assert "error: quotation not found in avdaliani-2020" in state["problems"]
    assert get(server, "/brief.html")[0] == 404
    outline.write_text(original, encoding="utf-8")
    wait_until(lambda: json.loads(get(server, "/state.json")[1])["ok"])
    assert get(server, "/brief.html")[0] == 200


def test_the_pdf_follows_the_html(preview):
    server, session, _ = preview
    wait_until(lambda: json.loads(get(server, "/state.json")[1])["pdf"] == "ready", 60)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/brief.pdf", headers={"Host": f"127.0.0.1:{server.port}"})
    assert connection.getresponse().read().startswith(b"%PDF-")


def test_text_fragment_links_quote_the_first_and_last_words():
    assert text_fragment_link("https://example.org/a#top", "Pakistan's well-known stance, today") == \
        "https://example.org/a#:~:text=Pakistan%27s%20well%2Dknown%20stance%2C%20today"
    long = "one two three four five six seven eight nine ten"
    assert text_fragment_link("https://example.org/a", long) == \
        "https://example.org/a#:~:text=one%20two%20three%20four,seven%20eight%20nine%20ten"


def test_the_source_view_links_to_the_quoted_words_on_the_original_page(preview):
    server, session, _ = preview
    passage = session.current.passages[3]
    _, view, _ = get(server, "/source/avdaliani-2020?note=3&item=0")
    url = session.current.pipeline.corpus.find("avdaliani-2020").entry["URL"]
    assert f'href="{text_fragment_link(url, passage.text)}"'.replace("&", "&amp;") in view


# -- in a real browser ------------------------------------------------------------

@pytest.fixture
def browser():
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("chromium and chromium-driver are not installed (make install installs them as root; "
                    "otherwise apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1500,1000", "--no-proxy-server"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def test_in_a_browser_an_edit_shows_without_reloading_and_a_note_opens_its_marked_passage(preview, browser, tmp_path):
    from selenium.webdriver.common.by import By

    server, session, outline = preview
    browser.get(server.url)
    frame_title = lambda: browser.execute_script(  # noqa: E731
        "const d = document.getElementById('brief').contentDocument; return d && d.querySelector('h1') "
        "&& d.querySelector('h1').textContent")
    wait_until(lambda: frame_title() and "Solidarity ahead of capability" in frame_title())
    browser.execute_script("window.notReloaded = true;")
    outline.write_text(outline.read_text(encoding="utf-8").replace("Solidarity ahead of capability",
                                                                   "Solidarity before capability"), encoding="utf-8")
    wait_until(lambda: frame_title() and "Solidarity before capability" in frame_title())
    assert browser.execute_script("return window.notReloaded === true")
    browser.save_screenshot(str(tmp_path / "preview.png"))

    browser.switch_to.frame("brief")
    browser.find_element(By.CSS_SELECTOR, '#fn-3 a.source-link').click()
    browser.switch_to.default_content()
    marked = lambda: browser.execute_script(  # noqa: E731
        "const d = document.getElementById('source').contentDocument; const m = d && d.getElementById('passage');"
        "if (!m) return null; const r = m.getBoundingClientRect();"
        "return [m.textContent, r.top >= 0 && r.bottom <= d.defaultView.innerHeight];")
    text, _ = wait_until(marked)
    assert text == session.current.passages[3].printed[0]
    browser.save_screenshot(str(tmp_path / "source-view.png"))
    assert wait_until(lambda: marked()[1], 5), "the marked passage is scrolled into view"
    shots = Path(__import__("os").environ.get("BRIEFWRIGHT_SCREENSHOTS", tmp_path))
    for name in ("preview.png", "source-view.png"):
        if shots != tmp_path:
            shutil.copy(tmp_path / name, shots / name)


def test_the_event_stream_announces_each_change_of_an_input(preview):
    server, session, outline = preview
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    connection.request("GET", "/events", headers={"Host": f"127.0.0.1:{server.port}"})
    stream = connection.getresponse()
    assert stream.getheader("Content-Type") == "text/event-stream"

    def next_update() -> int:
        while True:
            line = stream.readline().decode("ascii")
            if line.startswith("data: "):
                return int(line[6:])

    first = next_update()
    version = session.current.version
    source = Path("seeds") / session.current.pipeline.corpus.find("cij-2017").path.name
    source.write_text(source.read_text(encoding="utf-8") + "\nA paragraph added at the end.\n", encoding="utf-8")
    assert next_update() > first
    wait_until(lambda: session.current.version > version)
    assert session.current.pipeline.corpus.find("cij-2017").paragraphs[-1].text == "A paragraph added at the end."
    connection.close()


def test_preview_of_a_missing_outline_or_a_taken_port_is_bad_usage(preview):
    from click.testing import CliRunner

    from briefwright.cli import main

    server, _, _ = preview
    runner = CliRunner()
    missing = runner.invoke(main, ["preview", "briefs/nothing.yaml"], catch_exceptions=False)
    assert missing.exit_code == 2 and "briefs/nothing.yaml: no such file" in missing.output
    taken = runner.invoke(main, ["preview", "--port", str(server.port)], catch_exceptions=False)
    assert taken.exit_code == 2 and f"cannot serve on 127.0.0.1:{server.port}" in taken.output
    assert "Traceback" not in taken.output
