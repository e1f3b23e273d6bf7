"""Tests that fail when a promise of the README breaks: each holds a fault once planted by hand.

Every test here was seen failing with its fault planted in src/ and passing without it
(issue 16). Tests that lay out a PDF are marked `renders`, so `make mutation` can leave
them out of the modules they do not concern.
"""

from __future__ import annotations

import fcntl
import re
import shutil
import textwrap
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefwright.build import BuildOptions, Pipeline
from briefwright.cli import main
from briefwright.corpus.sources import Source
from briefwright.errors import ProblemsFound
from briefwright.regen.accept import apply_rewrites, planned_rewrites
from briefwright.regen.drift import classify
from briefwright.regen.freshness import FreshnessChecker
from briefwright.regen.lock import Lock, entry_hash, lock_path
from briefwright.verify.matcher import QuotationNotFound, SourceIndex, normalise
from briefwright.workspace import Workspace

from .conftest import REPO, minimal
from .test_drift import AVD, OUTLINE, TRT, _resolved, edit, make_lock, problems
from .test_html import Elements
from .test_incremental import EXAMPLE_LINE, built, replace_in, status_of, ws  # noqa: F401 (fixtures)
from .test_print import STRESS, stress_workspace


def problems_of(workspace: Workspace, path: Path) -> list[str]:
    with pytest.raises(ProblemsFound) as raised:
        Pipeline(workspace).check(path)
    return [str(problem) for problem in raised.value.problems]


# -- 1. a misquotation is never verified --------------------------------------------------

PARAGRAPH = "Pakistan is the only country in the world that does not recognize Armenia."


@pytest.mark.parametrize("true, misquote", [
    ("Pakistan is the only country in the world", "Pakistan is the only countrx in the world"),  # a word's end
    ("Pakistan is the only country in the world", "Pakistan is the only cauntry in the world"),  # inside
    ("is the only country in the world that", "is the only country in the world thet"),
    ("Pakistan is the only country", "Rakistan is the only country"),                           # the first letter
    ("does not recognize Armenia.", "does not recognize Armenia,"),                              # punctuation
    ("the only country in the world", "the only country in the World"),                          # case
])
def test_a_one_letter_substitution_is_not_found(true, misquote):
    index = SourceIndex(Source("s", Path("s.txt"), PARAGRAPH + "\n"))
    assert len(index.find_all(true)) == 1
    with pytest.raises(QuotationNotFound):
        index.find_unique(misquote)


def test_a_one_letter_misquotation_in_an_outline_is_an_error(workspace, write_outline):
    path = write_outline(minimal("'He said \"Pakistan is the only country in the wirld\"[@kazimbeyli-2017].'"))
    [problem] = problems_of(workspace, path)
    assert problem.startswith("briefs/test.yaml:5:18: error: quotation not found in kazimbeyli-2017: "
                              "“Pakistan is the only country in the wirld”"), problem


# -- 2, 7. which note text and locator stands under which call (HTML and PDF) ---------------

NOTES_OUTLINE = """\
title: "Notes under their calls"
sections:
  - heading: One
    body:
      - >-
        Alpha.[@kazimbeyli-2017, para. 15] Bravo.[@trt-2021, paras. 6–7]
        Charlie "the only country which does not recognise Armenia"[@trt-2021].
        Delta.[@avdaliani-2020, para. 3] Echo.[@korybko-2021 "is not intended against other countries"]
        Foxtrot.[@cij-2017, paras. 2-3] Golf.
      - quote: avdaliani-2020
        paragraphs: 6-7
"""
# For each call, in order: the word it follows, and what its note must say (who, then where). Made by
# hand from the corpus: paragraph numbers counted in seeds/ (korybko-2021 para. 5 holds the evidence).
EXPECTED_NOTES = [
    ("Alpha", "Yaver Kazimbeyli, “New Defense Triangle", "para. 15."),
    ("Bravo", "“What’s Behind the Growing Azerbaijan-Pakistan-Turkey Friendship?” TRT World", "paras. 6–7,"),
    ("Armenia", "TRT World, “Azerbaijan-Pakistan-Turkey Friendship,”", "para. 11."),
    ("Delta", "Emil Avdaliani, “Examining the Rationale", "para. 3,"),
    ("Echo", "Andrew Korybko, “Could Pakistan-Azerbaijan", "para. 5."),
    ("Foxtrot", "“Response to Regional Challenges", "paras. 2–3."),
    ("military-educational spheres", "Avdaliani, “Azerbaijan-Pakistan Cooperation,”", "paras. 6–7."),
]
LOCATORS = list(dict.fromkeys(where.rstrip(".,") for _, _, where in EXPECTED_NOTES))


@pytest.fixture(scope="module")
def notes_brief(tmp_path_factory):
    root = tmp_path_factory.mktemp("notes")
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "briefs").mkdir()
    outline = root / "briefs" / "notes.yaml"
    outline.write_text(NOTES_OUTLINE, encoding="utf-8")
    pipeline = Pipeline(Workspace.at(root))
    return pipeline.build(pipeline.check(outline), BuildOptions(html=True))


def note_texts(html: Elements) -> dict[int, str]:
    return {int(e["attrs"]["data-note"]): " ".join(e["text"].split()) for e in html.all("span", "fn")}


@pytest.mark.renders
def test_each_call_of_the_html_stands_after_its_words_and_carries_its_own_note(notes_brief):
    html_text = notes_brief.html.read_text(encoding="utf-8")
    notes = note_texts(Elements(html_text))
    assert sorted(notes) == list(range(1, len(EXPECTED_NOTES) + 1))
    flow = re.sub(r'<span class="fn" id="note-\d+" data-note="\d+">.*?</span>(?=<|\s|$)', "", html_text)
    calls = [int(n) for n in re.findall(r'<a class="fn-call" href="#note-(\d+)"', flow)]
    assert calls == list(range(1, len(EXPECTED_NOTES) + 1))
    for number, (after, who, where) in enumerate(EXPECTED_NOTES, start=1):
        call = flow.rindex("<a", 0, flow.index(f'href="#note-{number}"'))
        preceding = " ".join(re.sub(r"<[^>]+>", " ", flow[:call]).split())
        assert preceding.rstrip(" .”\u2060").endswith(after), (number, preceding[-80:])
        assert notes[number].startswith(who) and where in notes[number], (number, notes[number])
        assert [locator for locator in LOCATORS if re.search(re.escape(locator) + r"[.,]", notes[number])] == [
            where.rstrip(".,")], (number, notes[number])


@pytest.mark.renders
def test_each_note_of_the_pdf_is_printed_with_its_own_number_text_and_locator(notes_brief):
    pages = PdfReader(notes_brief.pdf).pages
    texts = [" ".join(page.extract_text().split()) for page in pages]
    printed_on = {}  # note number → the page whose text holds it
    for page_number, text in enumerate(texts, start=1):
        here = [(number, who, where) for number, (_, who, where) in enumerate(EXPECTED_NOTES, start=1)
                if f" {number}. {who}" in text]
        starts = [text.index(f" {number}. {who}") for number, who, _ in here]
        if not here:
            continue
        assert starts == sorted(starts), (page_number, starts)  # in order on their page
        ends = starts[1:] + [text.index(f"Page {page_number} of {len(pages)}")]
        for (number, _, where), start, end in zip(here, starts, ends, strict=True):
            assert number not in printed_on, f"note {number} printed twice"
            printed_on[number] = page_number
            note = text[start:end]
            assert [locator for locator in LOCATORS if re.search(re.escape(locator) + r"[.,]", note)] == [
                where.rstrip(".,")], (number, note)
    assert sorted(printed_on) == list(range(1, len(EXPECTED_NOTES) + 1))  # each once
    assert notes_brief.note_pages == printed_on
    assert sorted(printed_on.values()) == list(printed_on.values())  # the notes follow their calls' order


# -- 3. the "not found" error shows the nearest passage as the source has it ------------------

def test_the_nearest_passage_is_printed_whole_with_its_true_similarity(workspace, write_outline):
    path = write_outline(minimal("'It \"attains a much bigger importance\"[@trt-2021].'"))
    [problem] = problems_of(workspace, path)
    similarity = SequenceMatcher(None, "attains a much bigger importance", "attains a much greater importance",
                                 autojunk=False).ratio()
    assert f"{similarity:.0%}" == "89%"
    assert problem == ("briefs/test.yaml:5:13: error: quotation not found in trt-2021: “attains a much bigger "
                       "importance”; nearest passage: para. 6 (89% similar): “attains a much greater importance”"
                       "\n    attains a much [-bigger-] {+greater+} importance")


def test_a_far_misquotation_shows_a_low_similarity(workspace, write_outline):
    path = write_outline(minimal("'It \"attains zzzz qqqq xxxx\"[@trt-2021].'"))
    [problem] = problems_of(workspace, path)
    percent = int(re.search(r"\((\d+)% similar\)", problem).group(1))
    assert percent < 60, problem


# -- 4. versions and the PDF variant make a brief stale ------------------------------------

def set_lock_version(ws, name: str, version: str) -> None:
    import json
    lock = ws.briefs / "small.lock"
    data = json.loads(lock.read_text(encoding="utf-8"))
    assert name in data["versions"]
    data["versions"][name] = version
    lock.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("name", ["briefwright", "pypandoc-binary", "weasyprint"])
def test_a_version_change_makes_the_brief_stale(ws, name):
    from briefwright.regen.freshness import current_versions
    set_lock_version(ws, name, "0.0.1")
    assert status_of("briefs/small.yaml") == (
        f"briefs/small.yaml: stale: version ({name} 0.0.1 → {current_versions()[name]})")


def test_asking_for_another_pdf_variant_makes_the_brief_stale(ws):
    outline = ws.briefs / "small.yaml"
    assert FreshnessChecker(ws, BuildOptions()).check(outline).state == "up to date"
    for variant in ("ua-1", "a-3b"):
        assert FreshnessChecker(ws, BuildOptions(pdf_variant=variant)).check(outline).reasons == ["options"]


# -- 5. the file lock is held while the PDF and the lock are written --------------------------

@pytest.mark.renders
def test_the_pdf_and_the_lock_are_written_under_the_outlines_file_lock(workspace, monkeypatch):
    import briefwright.build
    import briefwright.regen.outputs as outputs
    import briefwright.regen.rebuild as rebuild
    outline = workspace.briefs / "azerbaijan-pakistan-economy.yaml"
    held = []

    def locked_now(path: Path) -> bool:
        with open(outline, "rb") as other:  # a second open file: flock tells it apart from the build's
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(other, fcntl.LOCK_UN)
            return False

    def spy(real, written):  # written(arguments) is the path the real function puts in place
        def write(*arguments):
            held.append((Path(written(arguments)).suffix, locked_now(written(arguments))))
            return real(*arguments)
        return write

    monkeypatch.setattr(briefwright.build, "write_atomically",
                        spy(briefwright.build.write_atomically, lambda arguments: arguments[0]))
    monkeypatch.setattr(outputs, "_put_in_place",  # (staged, data, path): the lock, staged beforehand
                        spy(outputs._put_in_place, lambda arguments: arguments[2]))
    [outcome] = rebuild.build_stale(workspace, [outline], BuildOptions(), jobs=1)
    assert outcome.status == "built", outcome.messages
    assert held == [(".pdf", True), (".lock", True)]
    assert locked_now(outline) is False  # and released after


# -- 6. an explicit locator limits where a printed quotation may be found ----------------------

def test_a_printed_quotation_outside_its_explicit_paragraph_is_an_error(workspace, write_outline):
    path = write_outline(minimal("'It is \"the only country which does not recognise Armenia\"[@trt-2021, para. 6].'"))
    [problem] = problems_of(workspace, path)
    assert problem.startswith("briefs/test.yaml:5:"), problem
    assert "error: quotation found in para. 11, not para. 6, of trt-2021" in problem, problem


def test_an_explicit_locator_chooses_between_two_occurrences(workspace, write_outline):
    for paragraph in (2, 3):
        path = write_outline(minimal(f"'In \"Caucasus International Journal\"[@cij-2017, para. {paragraph}].'"),
                             f"p{paragraph}.yaml")
        checked = Pipeline(workspace).check(path)
        [note] = checked.notes
        assert [(item.source_id, item.paragraphs) for item in note.items] == [("cij-2017", (paragraph, paragraph))]


# -- 8. check compares the outline with its lock ------------------------------------------

def test_check_reports_what_only_the_lock_can_tell(workspace, write_outline):
    path = write_outline(OUTLINE)
    lock_path(path).write_text(make_lock(workspace, path).to_text(), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["check", "briefs/test.yaml"]).exit_code == 0
    edit(workspace, AVD, "However, at present", "An inserted paragraph.\nHowever, at present")
    assert Pipeline(workspace).check(path).drifts == []  # without the lock, paragraph 16 is simply another text
    result = runner.invoke(main, ["check", "briefs/test.yaml"])
    assert result.exit_code == 1, result.output
    assert "briefs/test.yaml:15:20: error: moved:" in result.output
    assert "is now para. 17 (was para. 16)" in result.output


# -- drift: a single character, and the edited/gone threshold --------------------------------

QUOTED = "the only country which does not recognise Armenia"   # OUTLINE's printed quotation (trt-2021, para. 11)


def test_a_single_character_edited_in_a_locked_quotation_is_edited(workspace, locked_outline):
    path, lock = locked_outline
    edit(workspace, TRT, QUOTED, QUOTED.replace("Armenia", "Armenie"))
    message = problems(workspace, path, lock)
    assert "briefs/test.yaml:7:21: error: edited: trt-2021, para. 11 now reads differently (" in message
    assert "\n    the only country which does not recognise [-Armenia-] {+Armenie+}\n" in message


@pytest.mark.parametrize("rewording, kind", [
    ("the sole state which will not recognise Yerevan", "edited"),   # 69% alike: above EDITED_SIMILARITY (60%)
    ("one country which never backed Armenia", "gone"),              # 60% alike, a shade below
])
def test_a_reworded_passage_is_edited_above_sixty_percent_alike_and_gone_below(workspace, locked_outline,
                                                                             rewording, kind):
    similarity = SequenceMatcher(None, QUOTED, rewording, autojunk=False).ratio()
    assert (similarity >= 0.6) == (kind == "edited") and 0.55 < similarity < 0.7, similarity
    _, lock = locked_outline
    edit(workspace, TRT, QUOTED, rewording)
    record = next(r for r in lock.citations if r.kind == "quotation" and r.text == QUOTED)
    source = Pipeline(workspace).corpus.find("trt-2021")
    drift = classify(record, SourceIndex(source))
    assert drift.kind == kind, drift
    if kind == "edited":
        assert drift.new_text == rewording and drift.paragraphs == [11, 11]


@pytest.fixture
def locked_outline(workspace, write_outline):
    path = write_outline(OUTLINE)
    return path, make_lock(workspace, path)


# -- accept rewrites one scalar, not every copy of the old words -----------------------------

def test_accept_leaves_the_same_words_elsewhere_in_the_outline_alone(workspace, write_outline):
    echo = f"      - Some write that Pakistan is {QUOTED}, without quoting anyone.\n"
    text = OUTLINE.replace("        a stance it keeps.\n", "        a stance it keeps.\n" + echo, 1)
    text = text.replace("title: Drift\n", f"title: Drift\n# {QUOTED}\n", 1)
    path = write_outline(text)
    lock = make_lock(workspace, path)
    edit(workspace, TRT, "which does not recognise Armenia", "that does not recognise Armenia")
    pipeline = Pipeline(workspace)
    rewrites, refused = planned_rewrites(_resolved(pipeline, path), lock, pipeline.resolver)
    assert not refused and len(rewrites) == 1
    apply_rewrites(path, rewrites)
    assert path.read_text(encoding="utf-8") == text.replace(
        f'"{QUOTED}"[@trt-2021]', '"the only country that does not recognise Armenia"[@trt-2021]')


# -- the WeasyPrint repair and the re-layout, each on a real brief that needs it ----------------

@pytest.fixture(scope="module")
def long_note(tmp_path_factory):
    """An outline that WeasyPrint's own layout gets wrong (tests/data/misplaced-note.yaml), checked and
    turned into HTML; the first unrepaired layout sets its note 8 a page late (see test_pdf)."""
    from briefwright.render.citations import format_citations
    from .test_pdf import MISPLACED_NOTE
    pipeline = Pipeline(stress_workspace(tmp_path_factory.mktemp("long-note")))
    shutil.copy(MISPLACED_NOTE, pipeline.workspace.briefs / MISPLACED_NOTE.name)
    checked = pipeline.check(pipeline.workspace.briefs / MISPLACED_NOTE.name)
    html = pipeline.html(checked, format_citations(checked.notes, pipeline.corpus, checked.style))
    return pipeline, checked, html


@pytest.mark.renders
def test_the_repair_sets_every_note_of_a_brief_weasyprint_misplaces_in_one_layout(long_note):
    from briefwright.render.pdf import render_pdf
    pipeline, checked, html = long_note
    rendered = render_pdf(html, checked.theme, pipeline.workspace.root)
    assert rendered.passes == 1
    assert len(rendered.layout.notes) == len(checked.notes)
    assert all(call == page for call, page in rendered.layout.notes.values()), rendered.layout.notes


@pytest.mark.renders
def test_without_the_repair_the_relayout_still_sets_every_note_on_its_page(monkeypatch, tmp_path):
    """tests/data/footnote-defect.html is a page WeasyPrint's own line layout gets wrong (note 10 a page late):
    without the repair, render_pdf's further layout passes must still set every note on its call's page."""
    from weasyprint.layout import block
    from briefwright.render import weasyprint_fix
    from briefwright.render.pdf import render_pdf
    from .test_pdf import DATA
    theme = Pipeline(Workspace.at(REPO)).check(REPO / "briefs" / "azerbaijan-pakistan-turkey.yaml").theme
    weasyprint_fix.apply()
    monkeypatch.setattr(weasyprint_fix, "apply", lambda: True)  # render_pdf must not put the repair back
    monkeypatch.setattr(block, "_linebox_layout", weasyprint_fix.original)
    rendered = render_pdf((DATA / "footnote-defect.html").read_text(encoding="utf-8"), theme, tmp_path)
    assert rendered.passes >= 2  # the first layout set note 10 a page late (tests/test_print.py)
    notes = rendered.layout.notes
    assert len(notes) >= 10 and all(call == page for call, page in notes.values()), notes


# -- file:// outside the workspace: a real image is refused, not embedded ---------------------

@pytest.mark.renders
def test_an_image_outside_the_workspace_is_refused_not_embedded(tmp_path):
    from PIL import Image
    from briefwright.render.html import find_theme
    from briefwright.render.pdf import PdfProblem, render_pdf
    outside = tmp_path / "outside.png"
    Image.new("RGB", (8, 8), "red").save(outside)
    root = tmp_path / "ws"
    (root / "templates" / "policy-brief").mkdir(parents=True)
    inside = root / "inside.png"
    shutil.copy(outside, inside)
    theme = find_theme("policy-brief", Workspace.at(REPO))
    assert render_pdf(f'<img src="{inside.as_uri()}">', theme, root).pages == 1  # the same image, inside
    for url in (outside.as_uri(), f"{root.as_uri()}/../outside.png"):
        with pytest.raises(PdfProblem, match=re.escape(f"refused to load {url}")):
            render_pdf(f'<img src="{url}">', theme, root)


# -- mutation testing's survivors (make mutation): what each module's tests did not hold -------

@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "briefs").glob("*.lock")))
def test_a_lock_read_and_written_again_keeps_its_bytes(name):
    """The example locks, one with extractors and paged citations and one without: the written form
    (2-space indent, sorted keys, UTF-8 text, empty optional fields left out) is stable."""
    text = (REPO / "briefs" / name).read_text(encoding="utf-8")
    assert Lock.from_text(text).to_text() == text


def test_the_example_locks_hold_the_hash_of_each_catalog_entry_as_it_is_today():
    """Entries with non-ASCII text (curly quotes, dashes) hash as the UTF-8 the locks were written from:
    another serialisation would make every brief stale."""
    corpus = Pipeline(Workspace.at(REPO)).corpus
    cited = set()
    for path in sorted((REPO / "briefs").glob("*.lock")):
        lock = Lock.from_text(path.read_text(encoding="utf-8"))
        assert lock.catalog, path.name
        assert {i: entry_hash(corpus.find(i).entry) for i in lock.catalog} == lock.catalog, path.name
        cited |= set(lock.catalog)
    assert any(not str(corpus.find(i).entry).isascii() for i in cited)  # the case the hash must get right


def example_lock_data() -> dict:
    import json
    return json.loads((REPO / "briefs" / "azerbaijan-pakistan-economy.lock").read_text(encoding="utf-8"))


def damaged(change) -> Lock:
    """The economy brief's lock, read after `change(data)` (or the error reading it raises)."""
    import json
    data = example_lock_data()
    change(data)
    return Lock.from_text(json.dumps(data))


@pytest.mark.parametrize("change, error", [
    (lambda d: d.pop("briefwright-lock"), "not a briefwright lock of format 1"),
    (lambda d: d.update({"briefwright-lock": 2}), "not a briefwright lock of format 1"),
    (lambda d: d["citations"][0].update(occurrence=0), "lock.citations[0]: occurrence 0 of 1"),
    (lambda d: d["citations"][0].update(occurrence=2), "lock.citations[0]: occurrence 2 of 1"),
    (lambda d: d["citations"][1].update(first=0, last=0), "lock.citations[1]: paragraphs 0 to 0"),
    (lambda d: d["citations"][1].update(first=9, last=8), "lock.citations[1]: paragraphs 9 to 8"),
    (lambda d: d.pop("pdf"), "lock must have the keys catalog, citations, data, extractors, files, "
     "options, outline, outputs, pdf, sources, style, theme, versions"),
    (lambda d: d.update(extra=1), "lock must have the keys catalog, citations,"),
    (lambda d: d["outline"].update(sha256=None), "lock.outline.sha256 has the wrong type"),
    (lambda d: d["citations"][0].update(first=True), "lock.citations[0].first has the wrong type"),
    (lambda d: d.update(files={}), "lock.files must be a list"),
    (lambda d: d.update(catalog=[]), "lock.catalog must be a mapping"),
    (lambda d: d["catalog"].update(x=1), "lock.catalog['x'] has the wrong type"),
    (lambda d: d["files"][0].update(path=None), "lock.files[0].path has the wrong type"),
])
def test_a_lock_with_a_number_or_shape_no_build_writes_is_refused_naming_it(change, error):
    with pytest.raises((TypeError, ValueError)) as raised:
        damaged(change)
    assert str(raised.value).startswith(error), raised.value


@pytest.mark.parametrize("change", [
    lambda d: d["citations"][0].update(occurrence=2, occurrences=2),   # the last occurrence
    lambda d: d["citations"][1].update(first=1, last=1),               # paragraph 1 alone
    lambda d: d["sources"][next(iter(d["sources"]))].update(sha256=None),  # a source file gone
    lambda d: d["files"][0].update(name=None),
    lambda d: d.pop("extractors"), lambda d: d["theme"].clear(), lambda d: d["style"].clear(),
])
def test_a_lock_with_the_edge_values_a_build_writes_is_read(change):
    assert isinstance(damaged(change), Lock)


def test_a_path_outside_every_known_folder_is_written_whole_and_never_read_back(tmp_path):
    from briefwright.regen.lock import Places
    places = Places(tmp_path / "ws")
    outside = tmp_path / "elsewhere" / "font.otf"
    assert places.portable(outside) == str(outside.resolve())
    assert places.portable(tmp_path / "ws" / "seeds" / "a.txt") == "seeds/a.txt"
    assert places.local(places.portable(outside)) is None


def test_a_theme_file_named_from_a_parent_theme_is_searched_from_that_theme_on(tmp_path):
    """`policy-brief/fonts/x.otf` (an `extends` chain's file, as the lock names it) skips the child's copy."""
    from briefwright.regen.freshness import _search
    folders = [tmp_path / "mine", tmp_path / "policy-brief"]
    for folder in folders:
        (folder / "fonts").mkdir(parents=True)
        (folder / "fonts" / "x.otf").write_bytes(folder.name.encode())
    assert _search(folders, "policy-brief/fonts/x.otf") == tmp_path / "policy-brief" / "fonts" / "x.otf"
    assert _search(folders, "fonts/x.otf") == tmp_path / "mine" / "fonts" / "x.otf"
    assert _search(folders, "fonts/gone.otf") is None
    assert _search(folders, "policy-brief/fonts/gone.otf") is None


def test_a_source_text_made_by_another_extractor_since_makes_the_brief_stale(workspace):
    import dataclasses
    outline = workspace.briefs / "azerbaijan-pakistan-economy.yaml"
    lock = Lock.from_text((REPO / "briefs" / "azerbaijan-pakistan-economy.lock").read_text(encoding="utf-8"))
    today = lock.extractors["cij-2017-pdf"]
    checker = FreshnessChecker(workspace, BuildOptions())
    assert not [r for r in checker.reasons(outline, lock) if r.startswith("extractor")]
    older = dataclasses.replace(lock, extractors={**lock.extractors, "cij-2017-pdf": "pypdfium2 0.1"})
    assert f"extractor of cij-2017-pdf (pypdfium2 0.1 → {today})" in checker.reasons(outline, older)


def test_a_lock_that_records_no_style_is_judged_without_a_crash(workspace):
    import dataclasses
    outline = workspace.briefs / "azerbaijan-pakistan-economy.yaml"
    lock = Lock.from_text((REPO / "briefs" / "azerbaijan-pakistan-economy.lock").read_text(encoding="utf-8"))
    checker = FreshnessChecker(workspace, BuildOptions())
    assert "style" not in checker.reasons(outline, dataclasses.replace(lock, style={}))
    assert "style" in checker.reasons(outline, dataclasses.replace(lock, style={"path": lock.style["path"]}))
