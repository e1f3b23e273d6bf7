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
from markupsafe import escape

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



def test_a_note_citing_several_sources_marks_the_passage_of_each(preview):
    server, session, _ = preview
    _, page, _ = get(server, "/brief.html")
    notes = session.current.checked.notes
    for words in ("backed each other on various international forums", "only $18.735 million"):
        group, k = next((g, k) for g in notes for k, item in enumerate(g.items) if item.evidence == words)
        assert len(group.items) > 1
        source_id = group.items[k].source_id
        assert f'href="/source/{source_id}?note={group.number}&amp;item={k}#passage"' in page
        _, view, _ = get(server, f"/source/{source_id}?note={group.number}&item={k}")
        assert re.findall(r"<mark[^>]*>(.*?)</mark>", view) == [words]   # the words, not their whole paragraph
        assert f'<mark id="passage">{words}</mark>' in view
    group = next(g for g in notes if g.items[0].source_id == "kazimbeyli-2017" and g.items[0].paragraphs == (7, 7)
                 and len(g.items) > 1)
    _, view, _ = get(server, f"/source/kazimbeyli-2017?note={group.number}&item=0")
    paragraph = session.current.pipeline.corpus.find("kazimbeyli-2017").paragraph(7).text
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", view) == [str(escape(paragraph))]  # a locator: the paragraph

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



def test_an_attackers_requests_find_nothing_and_break_nothing(preview, tmp_path_factory):
    server, session, outline = preview
    for path in ("/source/%2e%2e/sources.yaml", "/source/..%2fsources.yaml", "/_/%2e%2e/session.py",
                 "//etc/passwd", "/source/trt-2021/../../seeds/sources.yaml", "/_/asset/", "/_/asset/..",
                 "/_/static/preview.js", "/brief.html/..", "/state.json/../../briefs"):
        assert get(server, path)[0] == 404, path
    for query in ("note=%C2%B2&item=%C2%B2", "note=99999999999999999999&item=1", "note=-1&item=x", "note=&item="):
        status, view, _ = get(server, "/source/trt-2021?" + query)   # odd numbers are ignored, never a crash
        assert status == 200 and "<mark" not in view, query
    for path in ("/", "/brief.html", "/source/trt-2021", "/nothing"):
        assert "frame-ancestors 'self'" in get(server, path)[2]["Content-Security-Policy"], path  # no framing

    secret = tmp_path_factory.mktemp("outside") / "secret.txt"
    secret.write_text("A secret paragraph outside the workspace.\n", encoding="utf-8")
    Path("seeds/outside.txt").symlink_to(secret)
    Path("seeds/uncited.txt").write_text("A source the brief does not cite.\n", encoding="utf-8")
    version = session.current.version
    wait_until(lambda: session.current.version > version and "uncited" in session.current.pipeline.corpus.sources)
    assert get(server, "/source/uncited")[0] == 404                  # in the corpus, not in the brief
    assert get(server, "/source/outside")[0] == 404
    original = outline.read_text(encoding="utf-8")
    outline.write_text(original.replace("international forums.[@", "international forums.[@outside; @", 1),
                       encoding="utf-8")
    state = wait_until(lambda: (s := json.loads(get(server, "/state.json")[1]))["ok"] is False and s)
    assert "source &#39;outside&#39;: seeds/outside.txt cannot be read" in state["problems"], state["problems"]
    for path in ("/source/outside", "/brief.html", "/state.json", "/source/trt-2021"):
        assert "A secret paragraph" not in get(server, path)[1], path


def test_the_preview_serves_only_the_fonts_and_images_the_brief_uses_now(preview):
    server, session, outline = preview
    original = outline.read_text(encoding="utf-8")
    outline.write_text(original.replace("date: 2026-11-22", "date: 2026-11-22\ntemplate: caspian-policy-institute"),
                       encoding="utf-8")
    logo = wait_until(lambda: re.search(r'src="(/_/asset/[0-9a-f]{32}\.svg)"', get(server, "/brief.html")[1]))[1]
    assert get(server, logo)[0] == 200
    outline.write_text(original, encoding="utf-8")
    wait_until(lambda: session.current.ok and session.current.checked.theme.name == "policy-brief")
    assert get(server, logo)[0] == 404                               # that theme's logo is no longer the brief's


def test_a_catalog_url_that_is_not_a_web_address_is_never_a_deep_link(preview):
    server, session, outline = preview
    catalog = Path("seeds/sources.yaml")
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        "https://caucasuswatch.de/", "javascript:alert(document.domain)//caucasuswatch.de/"), encoding="utf-8")
    outline.write_text(outline.read_text(encoding="utf-8").replace(
        "date: 2026-11-22", "date: 2026-11-22\ntheme: {deep_links: true}"), encoding="utf-8")
    wait_until(lambda: session.current.ok and session.current.checked.settings["deep_links"]
               and "javascript:" in str(session.current.pipeline.corpus.find("avdaliani-2020").entry))
    page = get(server, "/brief.html")[1]
    assert 'class="deep-link"' in page                                # the other sources' deep links
    assert not re.search(r'href="javascript:', page, re.I)
    view = get(server, "/source/avdaliani-2020?note=3&item=0")[1]
    assert "<mark" in view and 'class="deep-link"' not in view

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
    wait_until(lambda: "Solidarity ahead of capability" in (frame_title() or ""))  # read once: the frame may reload
    browser.execute_script("window.notReloaded = true;")
    outline.write_text(outline.read_text(encoding="utf-8").replace("Solidarity ahead of capability",
                                                                   "Solidarity before capability"), encoding="utf-8")
    wait_until(lambda: "Solidarity before capability" in (frame_title() or ""))
    assert browser.execute_script("return window.notReloaded === true")
    browser.save_screenshot(str(tmp_path / "preview.png"))

    def click_the_source_link() -> bool:  # the frame may still be swapping in the edited brief
        try:
            browser.switch_to.frame("brief")
            browser.find_element(By.CSS_SELECTOR, '#fn-3 a.source-link').click()
            return True
        except Exception:  # noqa: BLE001 (not there yet, or stale: try again until the deadline)
            return False
        finally:
            browser.switch_to.default_content()

    assert wait_until(click_the_source_link)
    marked = lambda: browser.execute_script(  # noqa: E731
        "const d = document.getElementById('source').contentDocument; const m = d && d.getElementById('passage');"
        "if (!m) return null; const r = m.getBoundingClientRect();"
        "return [m.textContent, r.top >= 0 && r.bottom <= d.defaultView.innerHeight];")
    text, _ = wait_until(marked)
    assert text == session.current.passages[3].printed[0]
    browser.save_screenshot(str(tmp_path / "source-view.png"))
    assert wait_until(lambda: marked()[1], 30), "the marked passage is scrolled into view"
    shots = Path(__import__("os").environ.get("BRIEFWRIGHT_SCREENSHOTS", tmp_path))
    for name in ("preview.png", "source-view.png"):
        if shots != tmp_path:
            shutil.copy(tmp_path / name, shots / name)



def test_in_a_browser_the_pdf_pane_follows_edits_and_a_problem_shows_in_place_of_the_brief(preview, browser, tmp_path):
    import hashlib

    server, session, outline = preview
    browser.get(server.url)
    wait_until(lambda: browser.execute_script("return document.body.dataset.pdf") == "ready", 60)
    browser.find_element("id", "show-pdf").click()
    pane = lambda: browser.execute_script(  # noqa: E731
        "return [document.body.dataset.showing, document.getElementById('brief').getAttribute('src')]")
    version = session.current.version
    assert wait_until(lambda: pane() == ["pdf", f"/brief.pdf?v={version}"])
    browser.save_screenshot(str(tmp_path / "pdf-pane.png"))
    original = outline.read_text(encoding="utf-8")
    outline.write_text(original.replace("Solidarity ahead of capability", "Solidarity before capability"),
                       encoding="utf-8")
    wait_until(lambda: session.current.version > version and session.current.pdf, 60)
    new = session.current.version
    assert wait_until(lambda: pane() == ["pdf", f"/brief.pdf?v={new}"], 30)   # the new PDF, with no click
    shown = browser.execute_async_script(  # what the pane's address serves to the browser
        "const done = arguments[0]; fetch(document.getElementById('brief').getAttribute('src'))"
        ".then(r => r.arrayBuffer()).then(b => crypto.subtle.digest('SHA-256', b))"
        ".then(d => done(Array.from(new Uint8Array(d)).map(x => x.toString(16).padStart(2, '0')).join('')));")
    assert shown == hashlib.sha256(session.current.pdf).hexdigest()
    assert session.current.checked.outline.title.startswith("Solidarity before capability")
    time.sleep(3)  # only for the picture: chromium's PDF viewer draws the pages a moment after loading them
    browser.save_screenshot(str(tmp_path / "pdf-pane-updated.png"))

    outline.write_text(original.replace('"a string of continuous', '"a string of endless'), encoding="utf-8")
    problems = lambda: browser.execute_script(  # noqa: E731
        "const p = document.getElementById('problems'), f = document.getElementById('brief');"
        "return [p.hidden, f.hidden, p.innerText, p.getBoundingClientRect().height > 0]")
    hidden, frame_hidden, text, visible = wait_until(lambda: (v := problems()) and not v[0] and v)
    assert frame_hidden and visible
    assert re.search(r"briefs/azerbaijan-pakistan-turkey\.yaml:\d+:\d+: error: quotation not found in "
                     r"avdaliani-2020", text), text
    assert "Solidarity" not in browser.execute_script("return document.querySelector('.brief-pane').innerText")
    browser.save_screenshot(str(tmp_path / "problem.png"))
    outline.write_text(original, encoding="utf-8")
    wait_until(lambda: problems()[0] and not problems()[1])
    assert problems()[2] == ""
    browser.save_screenshot(str(tmp_path / "fixed.png"))
    shots = Path(__import__("os").environ.get("BRIEFWRIGHT_SCREENSHOTS", tmp_path))
    for name in ("pdf-pane.png", "pdf-pane-updated.png", "problem.png", "fixed.png"):
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


def _page_pictures(pdf: bytes, folder: Path, name: str) -> list[bytes]:
    """The PDF's pages as PNG pictures drawn by poppler (pdftoppm), to compare two PDFs as a reader sees them."""
    import subprocess

    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(folder / f"{name}.pdf"), str(folder / name)], check=True)
    return [page.read_bytes() for page in sorted(folder.glob(f"{name}-*.png"))]


def cite_as(html: str) -> str:
    found = re.search(r'<p class="cite-as"><span class="label">Cite this brief as:</span>(.*?)</p>', html, re.S)
    return found[1].strip() if found else ""


def test_the_preview_prints_the_suggested_citation_the_build_prints_and_follows_an_edit_of_it(preview):
    server, session, outline = preview
    wait_until(lambda: session.current.ok and session.current.print_html, 60)
    snapshot = session.current
    built = snapshot.pipeline.html(snapshot.checked, snapshot.pipeline.citations(snapshot.checked))
    assert cite_as(session.current.print_html) == cite_as(built) and "Meridian Policy Brief" in cite_as(built)
    outline.write_text(outline.read_text(encoding="utf-8").replace(
        'series: "Meridian Policy Brief"', 'series: "Meridian Occasional Paper"'), encoding="utf-8")
    wait_until(lambda: "Meridian Occasional Paper" in cite_as(session.current.print_html or ""), 60)


def test_the_warm_pdf_reuses_fonts_and_parsed_css_until_the_stylesheet_changes(preview, tmp_path):
    from briefwright.build import _epoch
    from briefwright.render.pdf import PdfOptions, render_pdf

    server, session, outline = preview
    wait_until(lambda: session.current.pdf, 60)
    kept = session.typesetting.kept
    assert kept is not None and session.typesetting.parsed == 1
    assert "<style>" in session.current.print_html and "@font-face" not in session.current.print_html
    original = outline.read_text(encoding="utf-8")
    outline.write_text(original.replace("Solidarity ahead", "Solidarity well ahead", 1), encoding="utf-8")
    wait_until(lambda: session.current.pdf and "Solidarity well ahead" in session.current.print_html, 60)
    assert session.typesetting.kept is kept and session.typesetting.parsed == 1   # same fonts, same parsed CSS
    snapshot = session.current
    cold = render_pdf(snapshot.pipeline.html(snapshot.checked, snapshot.citations), snapshot.checked.theme,
                      session.workspace.root, PdfOptions(None, _epoch(snapshot.checked.outline))).data
    warm_pages = _page_pictures(snapshot.pdf, tmp_path, "warm")
    assert len(warm_pages) >= 2 and warm_pages == _page_pictures(cold, tmp_path, "cold")
    outline.write_text(original.replace("date: 2026-11-22", 'date: 2026-11-22\ntheme: {accent: "#114477"}'),
                       encoding="utf-8")
    wait_until(lambda: session.current.pdf and "#114477" in snapshot.pipeline.html(session.current.checked,
                                                                                     session.current.citations), 60)
    assert session.typesetting.kept is not kept and session.typesetting.parsed == 2  # the stylesheet changed
