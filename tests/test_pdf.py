"""The printed brief: text per page, fonts, metadata, reproducible bytes, the page check, the fetcher."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefwright.build import BuildOptions, Pipeline
from briefwright.render.layout import note_pages
from briefwright.render.pdf import PdfProblem, render_pdf
from briefwright.render.html import find_theme
from briefwright.workspace import Workspace

from .conftest import EXAMPLE, REPO

DATA = Path(__file__).parent / "data"
MISPLACED_NOTE = DATA / "misplaced-note.yaml"  # an outline whose note 8 WeasyPrint alone sets a page late


def normalised(text: str) -> str:
    """PDF text is lossy: fold ligatures and hyphens, drop soft breaks, collapse spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\u2010", "-").replace("\u00ad", "")
    text = re.sub(r"-\n(?=[a-z])", "", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ws")
    for name in ("seeds", "briefs", "data"):
        shutil.copytree(REPO / name, folder / name)
    workspace = Workspace.at(folder)
    pipeline = Pipeline(workspace)
    result = pipeline.build(pipeline.check(folder / "briefs" / EXAMPLE.name), BuildOptions(html=True))
    return workspace, result, PdfReader(result.pdf)


def test_the_example_brief_is_two_to_six_pages_with_every_note_in_place(built):
    _, result, reader = built
    assert len(reader.pages) == result.pages
    assert 2 <= result.pages <= 6   # at 60–80 characters a line (tests/test_print_quality.py)
    # a note off its call's page fails the build (see the tests below); here each note has its call's page
    assert result.notes == 46
    assert sorted(result.note_pages) == list(range(1, result.notes + 1))
    assert all(1 <= page <= result.pages for page in result.note_pages.values()), result.note_pages
    pages = [normalised(page.extract_text()) for page in reader.pages]
    for note, page in result.note_pages.items():
        assert re.search(rf"(^| ){note}\. ", pages[page - 1]), f"note {note} is not printed on page {page}"


def test_text_per_page(built):
    _, result, reader = built
    pages = [normalised(page.extract_text()) for page in reader.pages]
    assert "Solidarity ahead of capability" in pages[0]
    assert "KEY POINTS" in pages[0].upper()
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert text.upper().count("PUBLIC") >= 2          # classification banner, top and bottom
    closing = " ".join(pages[-2:])        # the Sources list may run on to a last page
    assert "Recommendations" in closing and "SOURCES" in closing.upper()
    assert "Kazimbeyli, Yaver." in closing
    everything = " ".join(pages)
    assert "Məmmədyarov" in everything and "Çavuşoğlu" in everything


def test_fonts_are_embedded(built):
    _, _, reader = built
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[font["/BaseFont"]] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert any("BW-Text" in name for name in fonts) and any("BW-Sans" in name for name in fonts)


def test_metadata(built):
    _, _, reader = built
    info = reader.metadata
    assert info.title.startswith("Solidarity ahead of capability")
    assert info.author == "Nadia Rahimli"
    assert info.subject == "Policy brief"
    assert "Background" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20261122")


def test_identical_inputs_give_identical_bytes(built):
    workspace, result, _ = built
    first = result.pdf.read_bytes()
    pipeline = Pipeline(workspace)
    again = pipeline.build(pipeline.check(result.outline), BuildOptions(output=result.pdf.parent / "again.pdf"))
    assert again.pdf.read_bytes() == first


def test_the_page_check_reads_calls_and_notes_page_by_page():
    from weasyprint import HTML
    html = ('<style>.fn{float:footnote} .next{break-before:page}</style><p>One<span class="fn" data-note="1">'
            'note</span></p><p class="next">Two<span class="fn" data-note="2">note</span></p>')
    assert note_pages(HTML(string=html).render()) == {1: (1, 1), 2: (2, 2)}


@pytest.fixture
def theme():
    return find_theme("policy-brief", Workspace.at(REPO))


@pytest.mark.parametrize("markup, refused", [
    ('<img src="file:///etc/passwd">', "file:///etc/passwd"),
    ('<link rel="attachment" href="file:///etc/hostname">', "file:///etc/hostname"),
    ('<div style="background: url(file:///etc/passwd)">x</div>', "file:///etc/passwd"),
    ('<img src="http://127.0.0.1:9/x.png">', "http://127.0.0.1:9/x.png"),
    ('<img src="https://example.org/x.png">', "https://example.org/x.png"),
    ('<img src="ftp://example.org/x.png">', "ftp://example.org/x.png"),
])
def test_the_fetcher_refuses_anything_outside_the_workspace(theme, tmp_path, markup, refused):
    """The refusal itself, not a failed fetch: the URL is refused before anything is read."""
    with pytest.raises(PdfProblem, match=re.escape(f"refused to load {refused} (only files of the theme")):
        render_pdf(f"<p>{markup}</p>", theme, tmp_path)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.org/x.png",
                                 "ftp://example.org/x.png", "file:///{root}/../outside.png"])
def test_the_fetcher_itself_refuses_before_reading(theme, tmp_path, url):
    from briefwright.render.pdf import LocalFetcher
    workspace = tmp_path / "ws"
    (workspace / "templates" / "policy-brief").mkdir(parents=True)
    (tmp_path / "outside.png").write_bytes(b"\x89PNG")
    url = url.format(root=str(workspace).lstrip("/"))
    fetcher = LocalFetcher(theme, workspace / "templates" / "policy-brief", workspace)
    with pytest.raises(PermissionError, match="briefwright refuses"):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.loaded == [] and fetcher.missing == []


def test_no_request_is_made_for_a_network_url(theme, tmp_path):
    import socket
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    with pytest.raises(PdfProblem):
        render_pdf(f'<img src="http://127.0.0.1:{port}/">', theme, tmp_path)
    with pytest.raises(socket.timeout):
        server.accept()
    server.close()


def test_a_missing_image_fails_the_build(theme, tmp_path):
    with pytest.raises(PdfProblem, match="missing.png"):
        render_pdf('<img src="missing.png">', theme, tmp_path)


def test_a_workspace_file_can_be_used(theme, tmp_path):
    (tmp_path / "templates" / "policy-brief").mkdir(parents=True)
    shutil.copy(Path(__file__).parent.parent / "src/briefwright/themes/policy-brief/fonts/README.md",
                tmp_path / "notes.txt")
    rendered = render_pdf('<link rel="attachment" href="../../notes.txt"><p>x</p>', theme, tmp_path)
    assert rendered.pages == 1
    from pypdf import PdfReader as Reader
    assert "notes.txt" in Reader(io.BytesIO(rendered.data)).attachments


def test_a_note_off_its_page_fails_the_build_naming_it_and_writes_nothing(tmp_path, monkeypatch):
    """A real misplaced note, not a mocked check: a workspace theme whose page is tests/data/footnote-defect.html
    (a page WeasyPrint's own line layout gets wrong), laid out once without the repair, sets note 10 a page
    after its call; the build fails naming it, and writes neither PDF nor lock."""
    import briefwright.render.layout
    from click.testing import CliRunner
    from weasyprint.layout import block
    from briefwright.cli import main
    from briefwright.render import weasyprint_fix
    from .test_print import stress_workspace
    workspace = stress_workspace(tmp_path)
    theme = workspace.templates / "defect"
    theme.mkdir(parents=True)
    (theme / "brief.html").write_text((DATA / "footnote-defect.html").read_text(encoding="utf-8"), encoding="utf-8")
    (workspace.briefs / "defect.yaml").write_text(
        'title: "A page WeasyPrint gets wrong"\ntemplate: defect\nsections:\n  - heading: One\n'
        '    body:\n      - A claim.[@trt-2021, para. 1]\n', encoding="utf-8")
    weasyprint_fix.apply()
    monkeypatch.setattr(block, "_linebox_layout", weasyprint_fix.original)
    monkeypatch.setattr(briefwright.render.layout, "MAX_PASSES", 1)
    monkeypatch.chdir(workspace.root)
    result = CliRunner().invoke(main, ["build", "briefs/defect.yaml"])
    assert result.exit_code == 1, result.output
    assert ("the PDF was not written:\n"
            "  note 10, called on page 1, would be printed on page 2: it could not be set on the page of its call "
            "in 1 layouts; shorten the note or the text around it\n"
            "failed: briefs/defect.yaml\n") in result.output
    assert re.findall(r"note \d+", result.output) == ["note 10"]  # note 10 alone, named once
    assert "Traceback" not in result.output
    assert not (workspace.build / "defect.pdf").exists()
    assert not (workspace.briefs / "defect.lock").exists()


def test_a_note_whose_call_is_missing_is_named():
    from briefwright.render.pdf import _misplaced_message
    assert _misplaced_message(6, None, 2, 3) == "note 6 is printed on page 2 but its call is missing from the text"


def test_a_missing_theme_asset_is_reported_as_not_found_by_its_path_in_the_workspace(theme, tmp_path):
    with pytest.raises(PdfProblem) as raised:
        render_pdf('<img src="logo.png">', theme, tmp_path)
    assert "not found: templates/policy-brief/logo.png (the theme's folders" in str(raised.value)
    assert str(tmp_path) not in str(raised.value) and "file://" not in str(raised.value)
