"""Page locators: `\\f<label>` lines of a corpus text mark printed pages; quotations from a paged
source are located `p. 41` / `pp. 41–42`; explicit page locators are checked; `show` prints pages."""

from __future__ import annotations

import json
import re

import pytest

from briefwright.corpus.sources import Source
from briefwright.corpus.passages import page_label, pages_paragraphs, source_locator

PAGED = "\f41\nFirst paragraph on page forty-one.\n\nSecond one, still there.\n\f42\nThird, turning the page.\n"


@pytest.fixture
def paged(workspace):
    (workspace.seeds / "journal-2017.txt").write_text(PAGED, encoding="utf-8")
    with open(workspace.catalog, "a", encoding="utf-8") as catalog:
        catalog.write("\n  - id: journal-2017\n    file: journal-2017.txt\n    type: article-journal\n"
                      "    title: A paged article\n    container-title: A Journal\n"
                      "    issued: {date-parts: [[2017]]}\n")
    return workspace


def test_page_lines_are_not_paragraphs():
    source = Source("j", None, PAGED)
    assert [(p.number, p.page) for p in source.paragraphs] == [(1, "41"), (2, "41"), (3, "42")]
    assert source.paged and source.page_labels == ["41", "42"]
    assert not Source("w", None, "One.\nTwo.\n").paged


def test_page_labels_of_passages():
    source = Source("j", None, PAGED)
    assert page_label(source, 1, 2) == "p. 41"
    assert page_label(source, 2, 3) == "pp. 41–42"
    assert source_locator(Source("w", None, "One.\nTwo.\n"), 1, 2) == "paras. 1–2"
    assert pages_paragraphs(source, "42", "42") == (3, 3)
    assert pages_paragraphs(source, "43", "43") is None


def test_notes_print_the_printed_page(run, paged, write_outline):
    write_outline("""
        title: "Pages"
        sections:
          - heading: One
            body:
              - '"Third, turning the page"[@journal-2017] and a page.[@journal-2017, p. 41]'
              - 'A web page keeps paragraphs.[@kazimbeyli-2017 "the only country in the world"]'
    """, "pages.yaml")
    result = run("build", "briefs/pages.yaml", "--html")
    assert result.exit_code == 0, result.output
    html = (paged.build / "pages.print.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "“A Paged Article,” A Journal, 2017, 42." in text      # computed from the quotation
    assert "“A Paged Article,” 41." in text                       # the explicit p. 41 (a short note)
    assert "para. 15" in html


def test_explicit_page_must_exist(run, paged, write_outline):
    write_outline("""
        title: "Pages"
        sections:
          - heading: One
            body:
              - 'No such page.[@journal-2017, p. 99] Not paged.[@trt-2021, p. 3]'
    """, "bad.yaml")
    result = run("check", "briefs/bad.yaml")
    assert result.exit_code == 1
    assert "p. 99 does not exist in journal-2017, which has pages 41–42" in result.output
    # a page of a source numbered by paragraph is printed as written, with a warning: the contract's
    # citation syntax writes [see @id, p. 3] of any source
    assert "warning: trt-2021 has no pages: its text is numbered by paragraph" in result.output


def test_printed_quotation_must_lie_on_its_explicit_page(run, paged, write_outline):
    write_outline("""
        title: "Pages"
        sections:
          - heading: One
            body:
              - '"Third, turning the page"[@journal-2017, p. 41]'
    """, "wrong.yaml")
    result = run("check", "briefs/wrong.yaml")
    assert result.exit_code == 1, result.output
    assert "error: quotation found in p. 42, not p. 41, of journal-2017: “Third, turning the page”" in result.output


def test_show_prints_page_labels(run, paged):
    result = run("show", "journal-2017")
    assert result.output.splitlines()[0] == "— p. 41 —"
    assert "— p. 42 —" in result.output
    assert "   3  Third, turning the page." in result.output


def test_search_offers_a_page_locator_in_a_paged_source(run, paged):
    (paged.seeds / "journal-2017.txt").write_text(PAGED + "\f43\nThird, turning the page again.\n", encoding="utf-8")
    result = run("search", "turning the page", "--source", "journal-2017")
    assert "cite as: [@journal-2017, p. 42]" in result.output
    assert "cite as: [@journal-2017, p. 43]" in result.output


def test_a_quotation_that_moves_to_another_page_is_moved(run, paged, write_outline):
    write_outline("""
        title: "Pages"
        sections:
          - heading: One
            body:
              - '"Third, turning the page"[@journal-2017] again.'
    """, "moving.yaml")
    assert run("build", "briefs/moving.yaml").exit_code == 0
    (paged.seeds / "journal-2017.txt").write_text(
        PAGED.replace("\f42\n", "\f42\nA new paragraph opens page forty-two.\n\f43\n"), encoding="utf-8")
    status = run("status", "briefs/moving.yaml").output
    assert "briefs/moving.yaml: stale: source journal-2017" in status
    assert "moved: “Third, turning the page” in journal-2017 moved from p. 42 to p. 43" in status
    assert run("build", "briefs/moving.yaml").exit_code == 0
    html_run = run("build", "briefs/moving.yaml", "--html", "--force")
    assert html_run.exit_code == 0
    text = re.sub(r"<[^>]+>", "", (paged.build / "moving.print.html").read_text(encoding="utf-8"))
    assert "“A Paged Article,” A Journal, 2017, 43." in text


def test_a_quotation_that_changes_paragraph_on_its_page_is_unchanged(run, paged, write_outline):
    write_outline("""
        title: "Pages"
        sections:
          - heading: One
            body:
              - '"Second one, still there"[@journal-2017] again.'
    """, "staying.yaml")
    assert run("build", "briefs/staying.yaml").exit_code == 0
    (paged.seeds / "journal-2017.txt").write_text(
        PAGED.replace("\f41\n", "\f41\nA new paragraph opens page forty-one.\n"), encoding="utf-8")
    status = run("status", "briefs/staying.yaml").output
    assert "briefs/staying.yaml: stale: source journal-2017" in status
    assert "moved" not in status and "para." not in status


REPRINTED = PAGED.replace("\f42", "\f43").replace("\f41", "\f42")  # the article reprinted on pp. 42–43


def test_explicit_pages_that_moved_speak_in_pages_and_accept_rewrites_them(run, paged, write_outline):
    outline = write_outline("""
        title: "Pages"
        sections:
          - heading: One
            body:
              - '"Second one, still there"[@journal-2017, p. 41] and the page.[@journal-2017, p. 41]'
              - 'Both pages.[@journal-2017, pp. 41-42] "Third, turning the page"[@journal-2017] too.'
    """, "explicit.yaml")
    assert run("build", "briefs/explicit.yaml").exit_code == 0
    lock = json.loads((paged.briefs / "explicit.lock").read_text(encoding="utf-8"))
    assert sorted(record["pages"] for record in lock["citations"]) == ["p. 41", "p. 41", "p. 41", "p. 42",
                                                                            "pp. 41–42"]
    (paged.seeds / "journal-2017.txt").write_text(REPRINTED, encoding="utf-8")

    status = run("status", "briefs/explicit.yaml").output
    assert "“Second one, still there” in journal-2017 moved from p. 41 to p. 42" in status
    assert "“Third, turning the page” in journal-2017 moved from p. 42 to p. 43" in status
    assert "moved from pp. 41–42 to pp. 42–43" in status
    assert "para." not in status

    failed = run("build", "briefs/explicit.yaml")
    assert failed.exit_code == 1
    assert "moved from p. 41 to p. 42: the outline still says p. 41; run briefwright build --accept" in failed.output
    assert "para." not in failed.output

    accepted = run("build", "briefs/explicit.yaml", "--accept", "--html")
    assert accepted.exit_code == 0, accepted.output
    text = outline.read_text(encoding="utf-8")
    assert "[@journal-2017, p. 42] and the page.[@journal-2017, p. 42]" in text
    assert "[@journal-2017, pp. 42–43]" in text and "p. 41" not in text
    notes = re.sub(r"<[^>]+>", "", (paged.build / "explicit.print.html").read_text(encoding="utf-8"))
    assert "“A Paged Article,” A Journal, 2017, 42." in notes and "42–43." in notes and "41" not in notes
    assert run("status", "briefs/explicit.yaml").output.strip() == "briefs/explicit.yaml: up to date"


def test_the_example_economy_brief_cites_the_journal_pdf_by_page(run, workspace):
    """The example workspace shows page locators: computed and explicit `p.` from cij-2017-pdf, printed
    as Chicago cites a journal article (the bare page), beside a web page cited by paragraph; each work is cited in one copy only."""
    result = run("build", "briefs/azerbaijan-pakistan-economy.yaml", "--html")
    assert result.exit_code == 0, result.output
    lock = json.loads((workspace.briefs / "azerbaijan-pakistan-economy.lock").read_text(encoding="utf-8"))
    from_pdf = [(r["kind"], r["typed"] if r["kind"] == "locator" else "", r["pages"])
                for r in lock["citations"] if r["source"] == "cij-2017-pdf"]
    assert ("quotation", "", "p. 41") in from_pdf and ("quotation", "", "p. 42") in from_pdf
    assert ("locator", "p. 42", "p. 42") in from_pdf and ("locator", "p. 41", "p. 41") in from_pdf
    assert all("pages" not in r for r in lock["citations"] if r["source"] == "kazimbeyli-2017-web")
    assert set(lock["extractors"]) == {"cij-2017-pdf", "kazimbeyli-2017-web"}
    notes = re.sub(r"<[^>]+>", "", (workspace.build / "azerbaijan-pakistan-economy.print.html")
                   .read_text(encoding="utf-8"))
    assert "Caucasus International Journal 7, no. 2 (2017): 41." in notes
    assert "“Response to Regional Challenges,” 42." in notes
    assert "Caspian News, December 5, 2017, para. 3." in notes
