"""Findings of an acceptance audit against the contract (docs: outline format, threats), one test each.

Each test runs the real command line in a copy of the example workspace and checks what the
contract promises: messages at `file:line:col`, exit codes, nothing printed raw or unverified.
"""

from __future__ import annotations

import pytest

from .conftest import MINIMAL


def outline_with(write_outline, header: str = "", heading: str = "Background", body: str = '"Plain."'):
    """A small outline: `header` lines after the title, one section `heading` whose only block is `body`."""
    text = MINIMAL.format(body=body).replace("heading: Background", f"heading: {heading}")
    return write_outline(text.replace('title: "A test brief"\n', 'title: "A test brief"\n' + header))


# -- a citation where the value is printed as typed ------------------------------------------

@pytest.mark.parametrize("header, heading, expected", [
    ("", "'Background [@trt-2021, para. 3]'", "test.yaml:3:26: error: heading: a citation here"),
    ("subtitle: 'Brief [see @trt-2021]'\n", "Background", "test.yaml:2:18: error: subtitle: a citation here"),
    ("", "'After @trt-2021 spoke'", "test.yaml:3:21: error: heading: a citation here"),
    ("authors:\n  - name: A. Analyst\n    affiliation: 'Institute [@trt-2021'\n", "Background",
     "test.yaml:4:29: error: affiliation: a citation here"),
])
def test_a_citation_in_a_heading_or_the_title_block_is_an_error_not_printed_raw(
        run, write_outline, header, heading, expected):
    outline_with(write_outline, header, heading)
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1
    assert expected in result.output


def test_a_citation_in_a_figures_alt_text_is_an_error_not_printed_raw(run, write_outline, workspace):
    (workspace.root / "figures").mkdir()
    (workspace.root / "figures" / "square.svg").write_text(SQUARE_SVG, encoding="utf-8")
    write_outline(MINIMAL.format(body="{figure: figures/square.svg, alt: 'A square [@trt-2021]'}"))
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1
    assert "briefs/test.yaml:5:53: error: alt: a citation here would be printed as typed" in result.output


def test_an_at_sign_inside_a_word_in_a_heading_is_text(run, write_outline):
    outline_with(write_outline, "publisher: 'Example Institute (press@example.org)'\n", "'Write to editor@example.org'")
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 0, result.output


# -- catalog values that pandoc's own CSL-YAML reading takes -----------------------------------

LENIENT_ENTRIES = {  # each read by pandoc from CSL-YAML without complaint; its JSON reader refuses them
    "year-only": "issued: 2020",
    "plain-author": "author: Smith",
    "number-in-name": "author: [{family: Doe, given: 5}]",
    "one-editor": "editor: {family: Roe, given: Ann}",
    "date-as-list": "issued: [2020]",
}


def _lenient_catalog() -> str:
    return "references:\n" + "".join(
        f"  - id: {key}\n    file: {key}.txt\n    type: article-journal\n    title: \"On {key}\"\n    {field}\n"
        for key, field in LENIENT_ENTRIES.items())


def _pandocs_own_notes(catalog: str, style) -> dict[str, str]:
    """Each entry's first note as pandoc itself formats it, given the catalog as CSL-YAML metadata."""
    import subprocess

    from briefwright.render.citations import pandoc_path

    text = "---\n" + catalog + "---\n\n" + "\n\n".join(f"X [@{key}]." for key in LENIENT_ENTRIES) + "\n"
    plain = subprocess.run([str(pandoc_path()), "--sandbox", "--citeproc", f"--csl={style}", "-f", "markdown",
                            "-t", "plain", "--wrap=none"], input=text, capture_output=True, text=True,
                           check=True).stdout
    notes = [line.split("] ", 1)[1] for line in plain.splitlines() if line.startswith("[")]
    return dict(zip(LENIENT_ENTRIES, notes))


def test_catalog_values_pandoc_reads_in_yaml_format_as_pandoc_formats_them(workspace, run):
    from briefwright.corpus.sources import load_corpus
    from briefwright.render.citations import find_style, format_catalog

    catalog = _lenient_catalog()
    workspace.catalog.write_text(catalog, encoding="utf-8")
    for key in LENIENT_ENTRIES:
        (workspace.seeds / f"{key}.txt").write_text("One paragraph.\n", encoding="utf-8")
    style = find_style("chicago-notes-bibliography", workspace)
    notes = format_catalog(load_corpus(workspace), style)
    ours = {key: notes[key][0] for key in LENIENT_ENTRIES}
    assert ours == _pandocs_own_notes(catalog, style)
    assert run("sources").exit_code == 0


# -- YAML syntax errors in plain words --------------------------------------------------------

PYYAML_WORDS = ("expected", "but found", "but got", "<", "while parsing", "while scanning", "document start")


@pytest.mark.parametrize("text, expected", [
    ("title: [unclosed\nsections: []\n",
     "test.yaml:1:8: error: this '[' opens a YAML list that is never closed: if the value is text, "
     "put the whole of it in single quotes ('[unclosed'); if it is a list, close it with ']'"),
    ("title: x\nsections:\n  - heading: A\n    body:\n      - {quote: trt-2021, text: \"who stands\"\n",
     "test.yaml:5:9: error: this '{' opens a YAML mapping that is never closed"),
    ("title: x\nsections:\n- heading: A\n  body:\n  - 'x'\n   - 'y'\n",
     "test.yaml:6:4: error: this list item is indented more than the item above it (line 5); "
     "align their dashes (both at column 3)"),
    ("title: x\n---\ntitle: y\n", "test.yaml:2:1: error: a line '---' starts a second YAML document here"),
    ("title: x\nsections:\n  - heading: A\n    body:\n      - 'x'\n  junk\n",
     "test.yaml:6:3: error: this line is neither `key: value` nor a list item"),
    ("title: x\nsections: ]\n", "test.yaml:2:11: error: YAML cannot read this line: check its indentation"),
])
def test_a_yaml_syntax_error_never_shows_pyyamls_words(run, write_outline, text, expected):
    write_outline(text)
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1
    assert expected in result.output
    message = result.output.splitlines()[0].split(": error: ", 1)[1]
    assert not [words for words in PYYAML_WORDS if words in message], message


# -- a quotation mark left open before a citation ----------------------------------------------

@pytest.mark.parametrize("prose, mark", [
    ("'Open \"made up words never said[@trt-2021].'", '"'),
    ("'Curly “made up words never said[@trt-2021].'", "“"),
    ("'Around “the plan[@trt-2021]” failed.'", "“"),
])
def test_a_mark_left_open_before_a_citation_is_an_error_not_an_unverified_quotation(run, write_outline, prose, mark):
    write_outline(MINIMAL.format(body=prose))
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1
    column = len("      - ") + 1 + prose.index(mark)
    assert f"briefs/test.yaml:5:{column}: error: this quotation mark is never closed before the citation" \
        in result.output


def test_balanced_marks_and_inch_marks_before_a_citation_are_fine(run, write_outline):
    write_outline(MINIMAL.format(body="'The \"Caspian\" report [@trt-2021] on 5\" pipes [@trt-2021].'"))
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 0, result.output


# -- a failure that names no place is still the brief's error ---------------------------------

@pytest.mark.renders
def test_a_build_failure_without_a_line_is_reported_as_the_briefs_error(run, write_outline, workspace):
    write_outline(MINIMAL.format(body='"Plain."'))
    (workspace.root / "build").write_text("not a folder", encoding="utf-8")
    result = run("build", "briefs/test.yaml")
    assert result.exit_code == 1
    assert "briefs/test.yaml: error: cannot write build/test.pdf: build is a file, not a folder" in result.output


# -- a broken catalog hides no outline's own problems -----------------------------------------

def test_check_with_a_broken_catalog_still_reports_each_outlines_own_problems(run, write_outline, workspace):
    with open(workspace.catalog, "a", encoding="utf-8") as catalog:
        catalog.write("  - id: trt-2021\n    type: article\n    file: again.txt\n")
    write_outline('title: "A test brief"\nbogus: 1\nsections:\n  - heading: A\n    body:\n      - "Plain."\n')
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1
    assert "seeds/sources.yaml:" in result.output and "catalog id 'trt-2021' is used twice" in result.output
    assert "briefs/test.yaml:2:1: error: unknown key 'bogus' in the outline" in result.output


# -- a damaged lock in words ------------------------------------------------------------------

def test_a_lock_that_is_not_json_is_a_warning_in_words_and_a_rebuild(run, write_outline, workspace):
    write_outline(MINIMAL.format(body='"Plain."'))
    (workspace.briefs / "test.lock").write_text('{"version": 1,\n  garbage', encoding="utf-8")
    result = run("status", "briefs/test.yaml")
    assert "briefs/test.lock: warning: damaged lock (not JSON from line 2, column 3); the brief will be rebuilt" \
        in result.output
    assert "char" not in result.output and "Expecting" not in result.output


# -- the Word edition keeps a figure's source line apart from its caption -------------------------

SQUARE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'


def _caption_lines(docx, label: str) -> list[str]:
    """The lines (runs, split at Word line breaks) of the caption paragraph that starts with `label`."""
    import re
    import zipfile

    document = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    for paragraph in re.findall(r"<w:p>.*?</w:p>|<w:p .*?</w:p>", document, re.S):
        text = "".join("\n" if piece.startswith("<w:br") else re.sub(r"<[^>]+>", "", piece)
                       for piece in re.findall(r"<w:br ?/>|<w:t[ >].*?</w:t>", paragraph, re.S))
        if text.startswith(label):
            return text.split("\n")
    raise AssertionError(f"no caption starting {label!r}")


@pytest.mark.renders
def test_the_word_edition_sets_a_figures_source_on_its_own_line(run, write_outline, workspace):
    (workspace.root / "figures").mkdir()
    (workspace.root / "figures" / "square.svg").write_text(SQUARE_SVG, encoding="utf-8")
    write_outline(MINIMAL.format(body="{figure: figures/square.svg, caption: A square, alt: A black square, "
                                      "source: 'Adapted from [@avdaliani-2020, para. 15]'}"))
    result = run("build", "briefs/test.yaml", "--format", "pdf,docx")
    assert result.exit_code == 0, result.output
    assert _caption_lines(workspace.build / "test.docx", "Figure 1.") == ["Figure 1. A square", "Source: Adapted from\u2060"]


# -- catalog import says where a bibliography breaks, and why ---------------------------------

def test_a_broken_bibtex_file_is_reported_at_its_line_with_pandocs_reason(run, workspace):
    (workspace.root / "broken.bib").write_text("@article{doe2020,\n  title = {Unfinished\n", encoding="utf-8")
    result = run("catalog", "import", "broken.bib")
    assert result.exit_code == 1
    assert "broken.bib:3:1: pandoc cannot read it as bibtex: unexpected end of input" in result.output


def test_an_about_item_read_as_a_list_is_named_in_good_english(run, write_outline):
    write_outline(MINIMAL.format(body='"Plain."') + "about:\n  - [see the website]\n")
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1
    assert "error: an about item was read as a list because it begins with '['" in result.output


# -- a paragraph range written backwards says so ----------------------------------------------

def test_a_backwards_paragraph_range_says_so_in_the_outline_and_in_show(run, write_outline):
    write_outline(MINIMAL.format(body="{quote: trt-2021, paragraphs: 7-6}"))
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1
    assert "briefs/test.yaml:5:39: error: paragraphs: 7-6 runs backwards: write 6-7" in result.output
    shown = run("show", "trt-2021", "--para", "5-3")
    assert shown.exit_code == 2
    assert "'5-3' runs backwards: write 3-5" in shown.output


def test_search_limited_to_one_passage_says_so_in_good_english(run):
    result = run("search", "only country", "--limit", "1")
    assert result.exit_code == 0
    assert "(the first passage only; --limit N shows more)" in result.output


@pytest.mark.parametrize("header, expected", [
    ("authors: [7]\n", "test.yaml:2:11: error: an author must be a name, not a number (7)"),
    ("authors:\n  - name: 1.5\n", "test.yaml:3:11: error: name must be a name, not a number (1.5)"),
])
def test_an_author_given_as_a_number_is_an_error(run, write_outline, header, expected):
    outline_with(write_outline, header)
    result = run("check", "briefs/test.yaml")
    assert result.exit_code == 1 and expected in result.output, result.output


def test_an_author_whose_name_is_digits_in_quotes_is_a_name(run, write_outline):
    outline_with(write_outline, "authors: ['7']\n")
    assert run("check", "briefs/test.yaml").exit_code == 0
