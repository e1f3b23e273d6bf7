"""Each extractor on documents made for the purpose: a news page with furniture, a two-column
journal PDF with page labels from 41, a Word file with footnotes, text; and the documents that
must be refused with a clear message."""

from __future__ import annotations

import pytest

from briefwright.corpus.importers import ExtractionError, extract
from briefwright.corpus.importers.pdf import _expand, _join, _join_words_over_page_breaks, _settle_hyphens

from . import import_fixtures as fixtures


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="session")
def journal():
    return extract(fixtures.journal_pdf(), "cij-2017.pdf")


def test_news_page_gives_the_article_paragraphs_only():
    extracted = extract(fixtures.news_page(), "article.html")
    assert extracted.paragraphs == [words(p) for p in fixtures.news_article_paragraphs()]
    text = extracted.corpus_text()
    for furniture in fixtures.FURNITURE + ["Newsroom logo", "Last update", "Politics", "Comment number"]:
        assert furniture not in text
    assert extracted.extractor.startswith("trafilatura 2.")


def test_news_page_metadata_fills_the_csl_fields():
    metadata = extract(fixtures.news_page(), "article.html").metadata
    assert metadata["title"] == "New Defense Triangle Emerges Between Azerbaijan, Turkey, Pakistan"
    assert metadata["author"] == [{"family": "Kazimbeyli", "given": "Yaver"}]
    assert metadata["container-title"] == "Caspian News"
    assert metadata["issued"] == {"date-parts": [[2017, 12, 5]]}
    assert metadata["URL"] == "https://caspian-news.example/defense-triangle"


def test_journal_pdf_pages_carry_their_printed_labels(journal):
    assert journal.page_labels == ["41", "42"]
    assert journal.lines[0] == "\f41"


def test_journal_pdf_body_reads_as_the_article_in_column_order(journal):
    body = [p for p in journal.paragraphs if not p[0].isdigit()][2:]   # after the title and the journal line
    assert words(" ".join(body)) == words(" ".join(fixtures.journal_paragraphs()))


def test_journal_pdf_drops_running_heads_and_folios_and_joins_hyphens(journal):
    assert "\u2010" not in journal.corpus_text()
    assert "expanded rapidly" in journal.corpus_text()
    for furniture in ("Caucasus International Journal", "Response to Regional Challenges", "41", "42"):
        assert furniture not in journal.paragraphs


def test_journal_pdf_footnotes_are_paragraphs_of_their_page(journal):
    lines = journal.lines
    page_two = lines.index("\f42")
    assert "1. " + fixtures.FOOTNOTES[1] in lines[:page_two]
    assert "2. " + fixtures.FOOTNOTES[2] in lines[page_two:]
    assert "3. " + fixtures.FOOTNOTES[3] in lines[page_two:]


def test_ligatures_are_expanded_and_line_end_hyphens_joined():
    assert _expand("de\ufb01nitions of \ufb02ow") == "definitions of flow"
    assert _settle_hyphens([_join("the defini\u2010", "tions")]) == ["the definitions"]
    assert _join("the Nagorno-", "Karabakh") == "the Nagorno-Karabakh"
    assert _join("the soft\u00ad", "ware") == "the software"


def test_line_end_hyphens_of_compounds_are_kept_and_those_of_syllables_dropped():
    """pdfium marks every line-end hyphen alike (\\x02): the document decides which are the words' own."""
    text = "\n".join(extract(fixtures.compounds_pdf(), "compounds.pdf").lines)
    for _, expected in fixtures.COMPOUND_BREAKS:
        assert expected in text
    assert "selfdefence" not in text and "wellknown" not in text and "nonaligned" not in text
    assert "co-operation" not in text and "ex-ample" not in text and "\ue000" not in text


def test_a_word_hyphenated_over_a_page_break_is_joined_on_the_first_page():
    lines = ["\f41", "the bilateral rela\u2010", "\f42", "tionship grew. Then", "Next."]
    _join_words_over_page_breaks(lines)
    assert _settle_hyphens(lines) == ["\f41", "the bilateral relationship", "\f42", "grew. Then", "Next."]


def test_word_file_footnotes_become_paragraphs_at_the_end():
    extracted = extract(fixtures.word_docx(), "report.docx")
    assert extracted.paragraphs[-2:] == [f"[1] {fixtures.FOOTNOTES[1]}", f"[2] {fixtures.FOOTNOTES[2]}"]
    first = words(fixtures.journal_paragraphs()[0])
    assert extracted.paragraphs[0] == first            # the call is a mark a reader sees, not "[1]"
    assert extracted.metadata["author"] == [{"family": "Aliyeva", "given": "Nigar"}]
    assert extracted.metadata["issued"] == {"date-parts": [[2017, 12, 20]]}
    assert extracted.extractor.startswith("pandoc 3.")


def test_a_footnote_called_inside_a_sentence_leaves_the_sentence_whole_for_quotation():
    import subprocess
    import pypandoc

    markdown = "The two sides signed^[Signed in Baku, *2010*.] a ten-year agreement.\n\nA second paragraph.\n"
    docx = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "docx", "-o", "-"],
                          input=markdown.encode("utf-8"), capture_output=True, check=True).stdout
    assert extract(docx, "memo.docx").paragraphs == [
        "The two sides signed a ten-year agreement.", "A second paragraph.", "[1] Signed in Baku, 2010."]


def test_markdown_front_matter_is_metadata_not_text():
    data = b"---\ntitle: A note\nauthor: Ann Example\ndate: 2020-03-04\n---\n\nFirst.\n\n\x0c7\nSecond.\n"
    extracted = extract(data, "note.md")
    assert extracted.lines == ["First.", "\f7", "Second."]
    assert extracted.metadata == {"title": "A note", "author": [{"family": "Example", "given": "Ann"}],
                                  "issued": {"date-parts": [[2020, 3, 4]]}}


@pytest.mark.parametrize("make, name, message", [
    (fixtures.scanned_pdf, "scan.pdf", "no text layer"),
    (fixtures.encrypted_pdf, "locked.pdf", "encrypted"),
    (fixtures.broken_fonts_pdf, "garbled.pdf", "cannot be read (its fonts do not map to characters)"),
    (fixtures.no_article_page, "index.html", "no article body"),
    (lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), "picture.png", "unsupported type"),
    (lambda: b"not really a pdf", "fake.pdf", "unsupported type"),
])
def test_documents_without_usable_text_are_refused_clearly(make, name, message):
    with pytest.raises(ExtractionError) as caught:
        extract(make(), name)
    assert message in caught.value.format_message()
    assert caught.value.format_message().startswith(name + ": ")
