"""The web edition: one self-contained accessible page with the PDF's text and notes."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from briefwright.build import BuildOptions, Pipeline
from briefwright.regen.freshness import FreshnessChecker
from briefwright.regen.lock import lock_path, read_lock
from briefwright.regen.rebuild import build_one
from briefwright.workspace import Workspace

from .conftest import EXAMPLE, REPO


class Page(HTMLParser):
    """What a test needs of a page: ids, links, notes, sidenotes, headings, external references."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links, self.external, self.headings = set(), [], [], []
        self.notes, self.sidenotes, self.lang = {}, [], None
        self._open: list[tuple[str, list]] = []  # (what is being collected, its text pieces)
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append((attrs["href"], attrs.get("role")))
        if tag in ("script", "link", "iframe") or (tag == "img" and not attrs.get("src", "").startswith("data:")):
            self.external.append(tag)
        collect = None
        if tag == "li" and attrs.get("id", "").startswith("fn-"):
            collect = attrs["id"]
        elif tag == "span" and attrs.get("class") == "sidenote":
            collect = "sidenote"
        elif tag in ("h1", "h2"):
            collect = tag
        self._stack.append(collect)
        if collect:
            self._open.append((collect, []))

    def handle_endtag(self, tag):
        if not self._stack:
            return
        if self._stack.pop():
            name, pieces = self._open.pop()
            text = " ".join("".join(pieces).split())
            if name.startswith("fn-"):
                self.notes[int(name[3:])] = text.removesuffix("↩").strip()
            elif name == "sidenote":
                self.sidenotes.append(text)
            else:
                self.headings.append((name, text))

    def handle_data(self, data):
        for _, pieces in self._open:
            pieces.append(data)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ws")
    for name in ("seeds", "briefs", "data"):
        shutil.copytree(REPO / name, folder / name, ignore=shutil.ignore_patterns("*.lock"))
    workspace = Workspace.at(folder)
    outline = folder / "briefs" / EXAMPLE.name
    outcome = build_one(Pipeline(workspace), outline, BuildOptions(formats=("pdf", "html"), html=True))
    assert outcome.status == "built", outcome.messages
    page = Page()
    html = (workspace.build / "azerbaijan-pakistan-turkey.html").read_text(encoding="utf-8")
    page.feed(html)
    return workspace, outline, html, page


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_web_edition_has_the_pdfs_notes_as_linked_footnotes_and_sidenotes(built):
    workspace, _, _, page = built
    pdf_text = squashed(" ".join(p.extract_text() for p in PdfReader(workspace.build /
                                                                     "azerbaijan-pakistan-turkey.pdf").pages))
    assert sorted(page.notes) == list(range(1, 47))
    for number, text in page.notes.items():
        assert squashed(text) in pdf_text, f"note {number} of the web edition is not in the PDF: {text}"
        assert (f"#fn-{number}", "doc-noteref") in page.links and f"fnref-{number}" in page.ids
        assert (f"#fnref-{number}", "doc-backlink") in page.links
    assert [re.sub(r"^\d+ ", "", s) for s in page.sidenotes] == [page.notes[n] for n in range(1, 47)]


def test_the_web_edition_has_the_same_headings_as_the_pdf_and_one_h1(built):
    workspace, _, _, page = built
    pdf_text = squashed(" ".join(p.extract_text() for p in PdfReader(workspace.build /
                                                                     "azerbaijan-pakistan-turkey.pdf").pages))
    assert [tag for tag, _ in page.headings].count("h1") == 1
    for _, heading in page.headings:
        if heading != "Notes":  # the PDF's notes stand at the foot of each page, under no heading
            # the PDF hangs the section number in the side column: its text may come after the words
            number, words = re.fullmatch(r"(\d*)\s*(.*)", heading).groups()
            assert squashed(words).lower() in pdf_text.lower(), heading
            assert not number or re.search(rf"{number}{re.escape(squashed(words))}|{re.escape(squashed(words))}{number}",
                                           pdf_text), heading
    assert page.lang == "en"


def test_the_web_edition_is_self_contained(built):
    _, _, html, page = built
    assert page.external == []                       # no scripts, stylesheets, frames or images from elsewhere
    assert "url(fonts/" not in html and html.count("url(data:font/otf;base64,") == 5
    internal = [href for href, _ in page.links if href.startswith("#")]
    assert all(href[1:] in page.ids for href in internal)


def test_the_web_edition_is_locked_rebuilt_when_missing_and_the_print_html_has_its_own_name(built):
    workspace, outline, html, _ = built
    assert (workspace.build / "azerbaijan-pakistan-turkey.print.html").read_text(encoding="utf-8") != html
    lock, _ = read_lock(lock_path(outline))
    assert lock.outputs["html"]["path"] == "build/azerbaijan-pakistan-turkey.html"
    assert any(entry["path"] == "builtin:policy-brief/web.html" for entry in lock.files)
    assert any(entry["path"] == "builtin:policy-brief/fonts/Inter-Bold.otf" for entry in lock.files)
    web = workspace.build / "azerbaijan-pakistan-turkey.html"
    web.write_text("edited by hand", encoding="utf-8")
    options = BuildOptions(formats=("pdf", "html"), html=True)
    assert FreshnessChecker(workspace, options).check(outline).reasons == ["html edition differs from the lock"]
    assert build_one(Pipeline(workspace), outline, options).status == "built"
    assert web.read_text(encoding="utf-8") == html


DEEP = """
title: "Deep links"
theme: {deep_links: %s}
sections:
  - heading: Background
    body:
      - '"a string of continuous high-level meetings and various small-scale military agreements"[@avdaliani-2020] and more.[@avdaliani-2020]'
"""


@pytest.mark.parametrize("wanted", [True, False])
def test_with_deep_links_a_quoting_note_links_to_the_quoted_words_on_the_sources_page(workspace, write_outline, wanted):
    outline = write_outline(DEEP % ("true" if wanted else "false"))
    outcome = build_one(Pipeline(workspace), outline, BuildOptions(formats=("pdf", "html")))
    assert outcome.status == "built", outcome.messages
    page = Page()
    page.feed((workspace.build / "test.html").read_text(encoding="utf-8"))
    url = ("https://caucasuswatch.de/en/insights/examining-the-rationale-behind-growing-azerbaijan-pakistan-"
           "cooperation.html#:~:text=a%20string%20of%20continuous,various%20small%2Dscale%20military%20agreements")
    assert ((url, None) in page.links) is wanted
    deep = [href for href, _ in page.links if "#:~:text=" in href]
    assert len(deep) == (2 if wanted else 0) and len(set(deep)) == (1 if wanted else 0)  # note and sidenote; note 2 quotes nothing


def test_build_format_names_the_editions_and_refuses_others_as_bad_usage(workspace):
    from click.testing import CliRunner

    from briefwright.cli import main

    runner = CliRunner()
    bad = runner.invoke(main, ["build", "--format", "pdf,epub"], catch_exceptions=False)
    assert bad.exit_code == 2 and "epub: give one or more of pdf, html, docx" in bad.output
    assert not workspace.build.exists()
    good = runner.invoke(main, ["build", "briefs/azerbaijan-pakistan-turkey.yaml", "--format", "docx"],
                         catch_exceptions=False)
    assert good.exit_code == 0, good.output
    assert "built build/azerbaijan-pakistan-turkey.pdf and build/azerbaijan-pakistan-turkey.docx" in good.output
    assert sorted(p.name for p in workspace.build.iterdir()) == ["azerbaijan-pakistan-turkey.docx",
                                                                 "azerbaijan-pakistan-turkey.pdf"]


def test_a_web_stylesheet_cannot_inline_a_file_outside_its_theme_folder(workspace, write_outline):
    theme = workspace.templates / "policy-brief"
    theme.mkdir(parents=True)
    (theme / "web.css").write_text('@font-face { font-family: X; src: url(../../seeds/sources.yaml); }\n',
                                   encoding="utf-8")
    outline = write_outline(DEEP % "false")
    outcome = build_one(Pipeline(workspace), outline, BuildOptions(formats=("pdf", "html")))
    assert outcome.status == "failed"
    assert any("templates/policy-brief/web.css: url(../../seeds/sources.yaml): refused: the path leaves "
               "templates/policy-brief/" in message for message in outcome.messages), outcome.messages
    assert not (workspace.build / "test.html").exists() and not (workspace.build / "test.pdf").exists()


IN_TEXT = """
title: "In-text editions"
style: %s
sections:
  - heading: Background
    body:
      - 'The partnership is older than it looks [-@cij-2017]. Avdaliani calls it "a string of continuous high-level meetings" [@avdaliani-2020, para. 7].'
"""


@pytest.mark.parametrize("style", ["apa", "modern-language-association"])
def test_an_in_text_styles_web_and_word_editions_list_references_and_no_notes(workspace, write_outline, style):
    import pypandoc

    outline = write_outline(IN_TEXT % style)
    outcome = build_one(Pipeline(workspace), outline, BuildOptions(formats=("pdf", "html", "docx")))
    assert outcome.status == "built", outcome.messages
    page = Page()
    page.feed((workspace.build / "test.html").read_text(encoding="utf-8"))
    assert page.notes == {} and not page.sidenotes                      # no empty list of notes
    assert ("h2", "References") in page.headings and ("h2", "Notes") not in page.headings
    word = pypandoc.convert_file(str(workspace.build / "test.docx"), "plain")
    assert "References" in word and "Sources" not in word and "[1]" not in word
    pdf = " ".join("".join(p.extract_text() for p in PdfReader(workspace.build / "test.pdf").pages).split())
    # MLA prints nothing for [-@cij-2017] (a work with no author): nor the space before it
    expected = "older than it looks." if style != "apa" else "older than it looks (2017)."
    assert expected in pdf and expected in " ".join(word.split())
