"""The HTML of the example brief: structure, exact quotations, notes, and escaping of hostile text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from briefwright.build import Pipeline
from briefwright.render.citations import format_citations
from briefwright.render.quotemarks import house_typography
from briefwright.workspace import Workspace

from .conftest import EXAMPLE, REPO, minimal


class Elements(HTMLParser):
    """Collects elements with their attributes and text (enough for structural assertions)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack, self.found = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": "", "children": []}
        if self.stack:
            self.stack[-1]["children"].append(element)
        self.found.append(element)
        if tag not in ("meta", "br", "img", "link", "hr"):
            self.stack.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.stack:
            element["text"] += data

    def all(self, tag=None, cls=None):
        return [e for e in self.found if (tag is None or e["tag"] == tag)
                and (cls is None or cls in e["attrs"].get("class", "").split())]


def render(path, workspace: Workspace) -> str:
    pipeline = Pipeline(workspace)
    checked = pipeline.check(path)
    return pipeline.html(checked, format_citations(checked.notes, pipeline.corpus, checked.style))


@pytest.fixture(scope="module")
def example():
    workspace = Workspace.at(REPO)
    pipeline = Pipeline(workspace)
    return pipeline, pipeline.check(EXAMPLE), Elements(render(EXAMPLE, workspace))


NOTE_CLASSES = {"fn", "fn-call"}  # the note, and the call that links to it


def text_without_notes(element) -> str:
    """The element's text, less the text of the footnotes (and their calls) inside it."""
    text = element["text"]
    for child in element["children"]:
        if NOTE_CLASSES & set(child["attrs"].get("class", "").split()):
            text = text.replace(child["text"], "", 1)
        else:
            for grandchild in child["children"]:
                if NOTE_CLASSES & set(grandchild["attrs"].get("class", "").split()):
                    text = text.replace(grandchild["text"], "", 1)
    return text


def test_the_brief_has_its_parts(example):
    _, checked, html = example
    assert html.all("h1")[0]["text"] == checked.outline.title
    assert html.all("aside", "key-points") and len(html.all("aside", "key-points")[0]["children"][1]["children"]) == 4
    assert len(html.all("section", "section")) == len(checked.outline.sections) >= 3
    assert len(html.all("section", "recommendations")[0]["children"][1]["children"]) == len(
        checked.outline.recommendations)
    assert len(html.all("section", "sources")[0]["children"][1]["children"]) == 5
    assert html.all("html")[0]["attrs"]["lang"] == "en"


def test_one_footnote_per_note_numbered_in_order(example):
    _, checked, html = example
    notes = html.all("span", "fn")
    assert [int(n["attrs"]["data-note"]) for n in notes] == list(range(1, len(checked.notes) + 1))


def test_each_call_links_to_its_note(example):
    _, checked, html = example
    calls = html.all("a", "fn-call")
    assert [(c["attrs"]["href"], c["text"]) for c in calls] == [
        (f"#note-{n}", str(n)) for n in range(1, len(checked.notes) + 1)]


# The example's quotations retyped as an editor might: each differs from the source's characters
# only in what matching treats as one (apostrophes, dashes, white space, quotation marks).
RETYPED = {
    "Baku’s close relations": "Baku's close relations",                       # source: ’
    "Baku’s intention": "Baku\u2019s  intention",                              # two spaces
    "high-level meetings and various small-scale": "high–level meetings and various small—scale",  # source: -
    "does not recognise Armenia": "does not\u00a0recognise Armenia",           # a no-break space
    "the demographic structure": "the  demographic\tstructure",
}


@pytest.fixture(scope="module")
def retyped(tmp_path_factory):
    """The example brief with its quotations retyped (see RETYPED), rendered in a workspace of its own."""
    import shutil
    root = tmp_path_factory.mktemp("retyped")
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "briefs").mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    for source_typing, editor_typing in RETYPED.items():
        assert text.count(source_typing) == 1, source_typing
        text = text.replace(source_typing, editor_typing)
    outline = root / "briefs" / EXAMPLE.name
    outline.write_text(text, encoding="utf-8")
    workspace = Workspace.at(root)
    pipeline = Pipeline(workspace)
    return pipeline, Elements(render(outline, workspace))


def test_every_printed_quotation_is_the_source_text(retyped):
    pipeline, html = retyped
    quotations = html.all("span", "quotation")
    assert len(quotations) >= 10
    printed_everywhere = " ".join(element["text"] for element in quotations)
    for source_typing, editor_typing in RETYPED.items():
        assert source_typing in printed_everywhere, source_typing
        assert editor_typing not in printed_everywhere, editor_typing
    for element in quotations:
        source = pipeline.corpus.find(element["attrs"]["data-source"])
        printed = element["text"].removeprefix("“").removesuffix("”")
        for child in element["children"]:  # the editor's period, set inside the closing mark (en-US)
            if "editorial" in child["attrs"].get("class", "").split():
                printed = printed.removesuffix(child["text"])
        paragraph = source.paragraph(int(element["attrs"]["data-locator"].split()[-1])).text
        for fragment in printed.split(" … "):
            for piece in _outside_brackets(fragment):
                # verbatim, but for the house typography of quotation marks (quotation_typography: house)
                assert piece in house_typography(paragraph), f"{piece!r} is not verbatim in {source.id}"


def test_every_block_quotation_is_the_source_text(example):
    pipeline, _, html = example
    blocks = html.all("blockquote", "quotation")
    assert len(blocks) >= 3
    for block in blocks:
        source = pipeline.corpus.find(block["attrs"]["data-source"])
        for paragraph in (c for c in block["children"] if c["tag"] == "p"):
            printed = text_without_notes(paragraph)
            for fragment in printed.split(" … "):
                for piece in _outside_brackets(fragment):
                    assert piece in house_typography(source.text), f"{piece!r} is not verbatim in {source.id}"


def test_source_characters_are_printed_not_the_editors(workspace, write_outline):
    path = write_outline(minimal(">-\n          He spoke of \"Pakistan's representative proposed\"[@kazimbeyli-2017]."))
    html = render(path, workspace)
    assert '“Pakistan’s representative proposed<span class="editorial">.</span>”' in html


def test_yaml_values_are_data_never_templates_or_markup(workspace, write_outline):
    path = write_outline("""
        title: "{{ 7*7 }} <img src=\\"file:///etc/passwd\\">"
        sections:
          - heading: "<script>alert(1)</script>"
            body:
              - '<link rel="attachment" href="file:///etc/passwd"> and url(file:///etc/passwd) {% raw %}'
    """)
    html = render(path, workspace)
    assert "{{ 7*7 }} &lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "&lt;link rel=“attachment” href=“file:///etc/passwd”&gt; and url(file:///etc/passwd) {% raw %}</p>" in html
    assert "<link" not in html and "<img" not in html


def test_markdown_links_are_printed_and_unsafe_ones_are_not_links(workspace, write_outline):
    path = write_outline(minimal("'See *this* [report](https://example.org/r) and [x](javascript:alert(1)).'"))
    html = render(path, workspace)
    assert '<em>this</em> <a href="https://example.org/r">report</a>' in html
    assert "javascript:" not in html.split("<body>")[1].split("[x]")[0] and 'href="javascript' not in html


def _outside_brackets(fragment: str) -> list[str]:
    """The parts of a printed quotation that come from the source (insertions removed)."""
    return [p.strip() for p in re.split(r"\[[^\]]*\]", fragment) if p.strip()]


def test_a_workspace_template_replaces_one_block_and_keeps_the_rest(workspace, write_outline):
    theme = workspace.templates / "policy-brief"
    theme.mkdir()
    (theme / "brief.html").write_text(
        '{% extends "briefwright:policy-brief/brief.html" %}\n'
        '{% block title_block %}<h1 class="ours">{{ brief.title }}</h1>{% endblock %}\n', encoding="utf-8")
    html = Elements(render(write_outline(minimal("'Prose with \"straight\" quotes.'")), workspace))
    assert html.all("h1", "ours")[0]["text"] == "A test brief"
    assert html.all("section", "section")                     # the rest of the built-in template
    assert "“straight”" in html.all("section", "section")[0]["children"][1]["text"]


def test_a_misspelt_template_variable_is_an_error(workspace, write_outline):
    from briefwright.render.html import TemplateProblem
    theme = workspace.templates / "policy-brief"
    theme.mkdir()
    (theme / "brief.html").write_text("line one\n{{ brief.titel }}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match=r"templates/policy-brief/brief.html:2: error: .*titel"):
        render(write_outline(minimal("'p'")), workspace)


def test_a_printed_quotation_is_paired_with_its_own_opening_mark(workspace, write_outline):
    path = write_outline(minimal(
        "'Officials said “according to reporting by Trend news agency. \"This first tripartite meeting”"
        "[@kazimbeyli-2017] x.'"))
    html = render(path, workspace)
    assert ('<span class="quotation" data-source="kazimbeyli-2017" data-locator="para. 8">“according to '
            'reporting by Trend news agency. “This first tripartite meeting”</span>') in html
    path = write_outline(minimal(
        "'“\"We held very intensive consultations,\" Mammadyarov said”[@kazimbeyli-2017]'"), "nested.yaml")
    assert '““We held very intensive consultations,” Mammadyarov said”</span>' in render(path, workspace)


def test_editors_text_is_printed_as_typed(workspace, write_outline):
    path = write_outline(minimal("'Under Article 5(c) and clause (r) (tm), +-5 troops -- roughly.'"))
    assert "Article 5(c) and clause (r) (tm), +-5 troops -- roughly." in render(path, workspace)


def test_as_source_typography_prints_the_sources_straight_marks(workspace, write_outline):
    prose = "'“\"We held very intensive consultations,\" Mammadyarov said”[@kazimbeyli-2017]'"
    path = write_outline(minimal(prose) + "theme:\n  quotation_typography: as-source\n", "as-source.yaml")
    assert '“&#34;We held very intensive consultations,&#34; Mammadyarov said”</span>' in render(path, workspace)


def test_headings_take_inline_markdown_and_links_show_their_target_in_print(workspace, write_outline):
    path = write_outline("""
        title: "A test brief"
        sections:
          - heading: "The *Middle Corridor* and `TRACECA`"
            body:
              - 'See [the ministry](https://mfa.gov.az/en) and <https://example.org/x>.'
        """)
    html = render(path, workspace)
    assert '</span> The <em>Middle Corridor</em> and <code>TRACECA</code></h2>' in html
    assert 'id="s1-the-middle-corridor-and-traceca"' in html
    assert ('<a href="https://mfa.gov.az/en">the ministry</a><span class="link-target"> '
            '(<span class="url">https://mfa.gov.az/en</span>)</span>') in html
    assert html.count('class="link-target"') == 1  # an address shown as itself is not repeated
    path = write_outline(path.read_text() + "theme:\n  link_targets: none\n", "no-targets.yaml")
    assert 'class="link-target"' not in render(path, workspace).split("</style>")[1]


def test_the_word_before_a_note_call_is_kept_on_its_line(workspace, write_outline):
    """A note call never starts a line alone: a word joiner (U+2060) holds it to the word it follows."""
    html = render(write_outline(minimal("'A gesture of support as much as an investment.[@avdaliani-2020, para. 12]'")),
                  workspace)
    assert re.search('an investment\\.\u2060<a class="fn-call" href="#note-1" id="call-1">1</a>'
                     r'<span class="fn" id="note-1"[^>]*>.*?</span>', html), html
    assert 'class="nobr"' not in html   # a nowrap span there made WeasyPrint break the line before far too early
