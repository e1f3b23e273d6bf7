"""Drift: moved, edited, ambiguous and gone, for printed and block quotations, and --accept's rewrite.

Each test records a lock from a check (no rendering), edits a source in the
temporary workspace, and checks the outline again against that lock.
"""

from __future__ import annotations

import pytest

from briefwright.regen.accept import apply_rewrites, planned_rewrites
from briefwright.build import Pipeline
from briefwright.regen.drift import classify, record_citations, word_diff
from briefwright.errors import ProblemsFound
from briefwright.regen.lock import Lock, read_lock, sha256
from briefwright.verify.matcher import SourceIndex

OUTLINE = """\
title: Drift
# a comment that --accept must keep
sections:
  - heading: One
    body:
      - >-
        Pakistan is "the only country which does not recognise Armenia"[@trt-2021],
        a stance it keeps.
      - quote: kazimbeyli-2017   # the foreign minister
        text: "We do not compete with each other in this area, but rather complement each other."
      - quote: trt-2021
        from: "Lending a voice of support"
        to: "diplomatic backing"
      - quote: avdaliani-2020
        paragraph: 16
"""
TRT, KAZ, AVD = "seeds/000_3ab759ba0c0fbbe0.txt", "seeds/001_2aadb1dbeed98bb9.txt", "seeds/002_a3aa516cbc634336.txt"


def make_lock(workspace, path) -> Lock:
    """The lock a build would write, as far as drift is concerned: quotations and source hashes."""
    pipeline = Pipeline(workspace)
    checked = pipeline.check(path)
    def index(source_id):
        return pipeline.resolver.index(pipeline.corpus.find(source_id))

    sources = {s.id: {"file": s.path.name, "sha256": sha256(s.path.read_bytes())}
               for s in pipeline.corpus.sources.values()}
    return Lock(outline={"path": "x", "sha256": ""}, pdf={"path": "x", "sha256": ""}, sources=sources,
                citations=record_citations(checked.outline, index))


@pytest.fixture
def locked(workspace, write_outline):
    path = write_outline(OUTLINE)
    return path, make_lock(workspace, path)


def edit(workspace, name, old, new, count=1):
    path = workspace.root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems(workspace, path, lock, accept=False) -> str:
    with pytest.raises(ProblemsFound) as raised:
        Pipeline(workspace).check(path, lock, accept)
    return raised.value.format_message()


def test_the_lock_records_each_quotation_with_its_exact_text_and_context(locked):
    _, lock = locked
    kinds = {r.kind: r for r in lock.citations}
    assert set(kinds) == {"quotation", "text", "from-to", "paragraphs"}
    printed = kinds["quotation"]
    assert (printed.source, printed.first, printed.text) == ("trt-2021", 11, "the only country which does not recognise Armenia")
    assert printed.before.endswith("At the same time, Pakistan is ") and printed.after.startswith(" - a step")
    assert kinds["from-to"].text.startswith("Lending a voice of support") and kinds["from-to"].text.endswith("diplomatic backing")
    assert kinds["paragraphs"].first == 16 and kinds["paragraphs"].text.startswith("However, at present")


def test_unchanged_sources_give_no_drift(workspace, locked):
    path, lock = locked
    assert Pipeline(workspace).check(path, lock).drifts == []


def test_a_paragraph_inserted_above_moves_printed_and_block_quotations(workspace, locked):
    path, lock = locked
    edit(workspace, TRT, "Pakistan was second", "A new paragraph inserted by the outlet.\nPakistan was second")
    edit(workspace, KAZ, "Developments in the defense", "An inserted paragraph.\nDevelopments in the defense")
    edit(workspace, TRT, "“Lending a voice", "Another inserted paragraph.\n“Lending a voice")
    checked = Pipeline(workspace).check(path, lock)
    moved = {d.record.kind: d for d in checked.drifts}
    assert {d.kind for d in checked.drifts} == {"moved"}
    assert set(moved) == {"quotation", "text", "from-to"}
    assert moved["quotation"].paragraphs == [13, 13] and "is now para. 13 (was para. 11)" in moved["quotation"].message()
    assert moved["text"].paragraphs == [10, 10]
    assert str(moved["quotation"].position) == "briefs/test.yaml:7:21"
    # the note follows: resolution re-anchored the quotation
    note = checked.notes[0]
    assert note.passage.locator == "para. 13" and note.items[0].paragraphs == (13, 13)


def test_a_block_quotation_by_paragraph_number_that_moved_needs_accept(workspace, locked):
    path, lock = locked
    edit(workspace, AVD, "However, at present", "An inserted paragraph.\nHowever, at present")
    message = problems(workspace, path, lock)
    assert "briefs/test.yaml:15:20: error: moved:" in message
    assert "is now para. 17 (was para. 16)" in message and "run briefwright build --accept" in message


def test_an_edited_printed_quotation_fails_with_a_word_diff(workspace, locked):
    path, lock = locked
    edit(workspace, TRT, "which does not recognise Armenia", "that does not recognise Armenia")
    message = problems(workspace, path, lock)
    assert "briefs/test.yaml:7:21: error: edited: trt-2021, para. 11 now reads differently (" in message
    assert "[-which-] {+that+}" in message
    assert "quotation not found" not in message  # the drift report replaces the resolver's


def test_an_edited_block_quotation_fails_with_a_word_diff(workspace, locked):
    path, lock = locked
    edit(workspace, KAZ, "but rather complement each other", "but rather supplement one another")
    message = problems(workspace, path, lock)
    assert "briefs/test.yaml:10:15: error: edited: kazimbeyli-2017, para. 9" in message
    assert "[-complement each other.-] {+supplement one another.+}" in message


def test_an_edited_passage_pulled_by_first_and_last_words_fails_until_accepted(workspace, locked):
    path, lock = locked
    edit(workspace, TRT, "in normal times is one thing", "in ordinary times is one thing")
    message = problems(workspace, path, lock)
    assert "briefs/test.yaml:12:15: error: edited: trt-2021" in message and "[-normal-] {+ordinary+}" in message
    checked = Pipeline(workspace).check(path, lock, accept=True)
    assert [d.kind for d in checked.drifts] == ["edited"] and checked.drifts[0].accepted
    assert "ordinary times" in checked.outline.sections[0].body[2].passage.text


def test_a_quotation_that_now_occurs_twice_is_ambiguous(workspace, locked):
    path, lock = locked
    edit(workspace, TRT, "Pakistan was second", "Again, the only country which does not recognise Armenia.\nPakistan was second")
    edit(workspace, KAZ, "Developments in the defense",
         "He said: We do not compete with each other in this area, but rather complement each other.\n"
         "Developments in the defense")
    message = problems(workspace, path, lock)
    assert ("briefs/test.yaml:7:21: error: ambiguous: “the only country which does not recognise Armenia” now "
            "occurs 2 times in trt-2021 (paras. 11, 12)") in message
    assert "briefs/test.yaml:10:15: error: ambiguous:" in message and "(paras. 9, 10)" in message


def test_a_quotation_whose_passage_was_rewritten_is_gone(workspace, locked):
    path, lock = locked
    edit(workspace, TRT, "At the same time, Pakistan is the only country which does not recognise Armenia - "
         "a step it has taken in solidarity with Baku.", "Trade figures were published in May.")
    edit(workspace, KAZ, "“We do not compete with each other in this area, but rather complement each other.”",
         "something unrelated.")
    message = problems(workspace, path, lock)
    assert ("briefs/test.yaml:7:21: error: gone: “the only country which does not recognise Armenia” "
            "(trt-2021, para. 11) is no longer in the source") in message
    assert "briefs/test.yaml:10:15: error: gone: “We do not compete" in message


def test_a_block_paragraph_that_changed_is_edited(workspace, locked):
    path, lock = locked
    edit(workspace, AVD, "However, at present,", "However, at the moment,")
    message = problems(workspace, path, lock)
    assert "briefs/test.yaml:15:20: error: edited: avdaliani-2020, para. 16" in message
    assert "[-present,-] {+the moment,+}" in message


def test_classify_needs_the_same_context_for_edited(workspace, locked, corpus):
    _, lock = locked
    record = next(r for r in lock.citations if r.kind == "quotation")
    source = corpus.find("trt-2021")
    assert classify(record, SourceIndex(source)).kind == "unchanged"
    record.before, record.text = "nothing like this stands in the source ", "the only country which does not recognise Azerbaijan and Turkey"
    assert classify(record, SourceIndex(source)).kind == "gone"


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("a b c d", "a x c d e") == "a [-b-] {+x+} c d {+e+}"


def test_accept_rewrites_only_the_quotation_in_the_outline(workspace, locked):
    path, lock = locked
    edit(workspace, TRT, "which does not recognise Armenia", "that does not recognise Armenia")
    edit(workspace, KAZ, "but rather complement each other", "but rather supplement one another")
    before = path.read_text(encoding="utf-8")
    pipeline = Pipeline(workspace)
    outline = _resolved(pipeline, path)
    rewrites, refused = planned_rewrites(outline, lock, pipeline.resolver)
    assert not refused and len(rewrites) == 2
    apply_rewrites(path, rewrites)
    after = path.read_text(encoding="utf-8")
    expected = before.replace('"the only country which does not recognise Armenia"[@trt-2021],\n',
                              '"the only country that does not recognise Armenia"[@trt-2021],\n')
    expected = expected.replace('"We do not compete with each other in this area, but rather complement each other."',
                                '"We do not compete with each other in this area, but rather supplement one another."')
    assert after == expected
    assert Pipeline(workspace).check(path, lock).drifts == []  # new words, checked like any quotation


def test_accept_keeps_a_block_scalar_block_and_rewrites_a_paragraph_number(workspace, locked):
    path, lock = locked
    edit(workspace, AVD, "However, at present", "An inserted paragraph.\nHowever, at present")
    pipeline = Pipeline(workspace)
    rewrites, _ = planned_rewrites(_resolved(pipeline, path), lock, pipeline.resolver)
    apply_rewrites(path, rewrites)
    assert path.read_text(encoding="utf-8") == OUTLINE.replace("paragraph: 16", "paragraph: 17")


def test_accept_refuses_a_quotation_with_an_omission(workspace, write_outline):
    path = write_outline(OUTLINE.replace("the only country which does not recognise Armenia",
                                         "the only country … does not recognise Armenia"))
    lock = make_lock(workspace, path)
    edit(workspace, TRT, "which does not recognise Armenia", "which does not recognise Armenia's claims")
    edit(workspace, TRT, "the only country which", "the sole country which")
    pipeline = Pipeline(workspace)
    rewrites, refused = planned_rewrites(_resolved(pipeline, path), lock, pipeline.resolver)
    assert rewrites == [] and "cannot accept automatically" in refused[0]


def test_a_damaged_lock_is_a_warning_not_a_crash(workspace, locked):
    path, lock = locked
    lock_file = path.with_suffix(".lock")
    lock_file.write_text(lock.to_text()[:200], encoding="utf-8")
    found, warning = read_lock(lock_file)
    assert found is None and "damaged lock" in warning and "rebuilt" in warning
    lock_file.write_text(lock.to_text(), encoding="utf-8")
    assert read_lock(lock_file)[0] == lock


@pytest.mark.parametrize("damage", [
    lambda data: data["sources"]["trt-2021"].pop("file"),
    lambda data: data.update(files=["x"]),
    lambda data: data.update(theme=[]),
    lambda data: data["citations"][0].update(first="12"),
    lambda data: data.update(extra=1),
])
def test_a_lock_of_the_wrong_shape_is_a_warning_not_a_crash(workspace, locked, damage):
    import json
    path, lock = locked
    data = json.loads(lock.to_text())
    data.setdefault("theme", {"name": "policy-brief", "folders": []})
    damage(data)
    path.with_suffix(".lock").write_text(json.dumps(data), encoding="utf-8")
    found, warning = read_lock(path.with_suffix(".lock"))
    assert found is None and "damaged lock" in warning


def test_a_lock_cannot_make_briefwright_read_outside_the_workspace(workspace):
    from briefwright.regen.lock import FileHashes, Places
    places = Places(workspace.root)
    assert places.local("/dev/zero") is None and places.local("../../etc/passwd") is None
    assert places.local("builtin:../../../../etc/passwd") is None
    assert places.local("seeds/sources.yaml") == workspace.seeds / "sources.yaml"
    (workspace.root / "fifo").exists() or __import__("os").mkfifo(workspace.root / "fifo")
    assert FileHashes()(workspace.root / "fifo") is None  # a FIFO is not read (it would block)


def _resolved(pipeline, path):
    from briefwright.errors import ProblemLog
    from briefwright.outline.reader import load_outline

    log = ProblemLog()
    outline = load_outline(path, pipeline.workspace.root, log)
    pipeline.resolver.resolve(outline, log)
    return outline


def test_accept_rewraps_a_folded_scalar_when_the_words_span_a_line_break(workspace, write_outline):
    head = "title: Wrap  # keep me\nsections:\n  - heading: One\n    body:\n"
    path = write_outline(head + '      - >-\n        Pakistan is "the only country which does not\n'
                         '        recognise Armenia"[@trt-2021], a stance it keeps.\n      - Last.\n')
    lock = make_lock(workspace, path)
    edit(workspace, TRT, "which does not recognise Armenia", "that does not recognise Armenia")
    pipeline = Pipeline(workspace)
    rewrites, _ = planned_rewrites(_resolved(pipeline, path), lock, pipeline.resolver)
    apply_rewrites(path, rewrites)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(head + "      - >-\n        Pakistan is") and text.endswith("\n      - Last.\n")
    checked = Pipeline(workspace).check(path)
    assert checked.outline.sections[0].body[0].text == \
        'Pakistan is "the only country that does not recognise Armenia"[@trt-2021], a stance it keeps.'


LOCATED = """\
title: Locators
sections:
  - heading: One
    body:
      - >-
        Ties began in 1992 and stayed mostly educational until 2010.[@kazimbeyli-2017, para. 12]
        # a comment that --accept must keep
      - "Pakistan refuses recognition.[@kazimbeyli-2017, paras. 15-16; @trt-2021, para. 3]"
"""


def test_an_explicit_locator_is_locked_and_a_paragraph_inserted_above_needs_accept(workspace, write_outline):
    """`[@id, para. 12]` names its paragraph: when the paragraph moves, the outline must say so too."""
    path = write_outline(LOCATED)
    lock = make_lock(workspace, path)
    assert {(r.kind, r.first, r.last) for r in lock.citations} == {
        ("locator", 12, 12), ("locator", 15, 16), ("locator", 3, 3)}
    edit(workspace, KAZ, "A new defense alliance", "An inserted paragraph.\nA new defense alliance")
    message = problems(workspace, path, lock)
    assert "briefs/test.yaml:6:70: error: moved:" in message and "is now para. 13 (was para. 12)" in message
    assert "is now paras. 16–17 (was paras. 15–16)" in message
    assert "trt-2021" not in message  # its source did not change
    pipeline = Pipeline(workspace)
    rewrites, refused = planned_rewrites(_resolved(pipeline, path), lock, pipeline.resolver)
    assert not refused
    apply_rewrites(path, rewrites)
    assert path.read_text(encoding="utf-8") == LOCATED.replace("para. 12]", "para. 13]").replace(
        "paras. 15-16", "paras. 16–17")
    Pipeline(workspace).check(path, lock)  # the rewritten locators check without error


def test_an_explicit_locator_whose_paragraph_was_reworded_is_edited(workspace, write_outline):
    path = write_outline(LOCATED)
    lock = make_lock(workspace, path)
    edit(workspace, KAZ, "consisted of military education until 2010", "consisted chiefly of military training until 2010")
    message = problems(workspace, path, lock)
    assert "briefs/test.yaml:6:70: error: edited: kazimbeyli-2017, para. 12" in message
    assert "Cooperation mostly consisted {+chiefly+} of military [-education-] {+training+} until 2010, when" in message
    checked = Pipeline(workspace).check(path, lock, accept=True)  # the paragraph stays where it was
    assert [d.kind for d in checked.drifts] == ["edited"] and checked.drifts[0].accepted


def test_accept_refuses_new_text_with_double_quotation_marks_in_a_printed_quotation(workspace, locked):
    """Accepting would end the printed quotation early and silently change what it says."""
    path, lock = locked
    edit(workspace, TRT, "which does not recognise Armenia", 'which does not "recognise" Armenia')
    pipeline = Pipeline(workspace)
    rewrites, refused = planned_rewrites(_resolved(pipeline, path), lock, pipeline.resolver)
    assert rewrites == [] and len(refused) == 1
    assert "briefs/test.yaml:7:21: error: cannot accept automatically: the new text holds double quotation" in refused[0]


def test_a_failed_build_undoes_the_rewrites_of_accept(workspace, locked):
    """One quotation edited (acceptable), another gone: the build fails, so the outline stays as it was."""
    from briefwright.build import BuildOptions
    from briefwright.regen.rebuild import build_one
    path, lock = locked
    path.with_suffix(".lock").write_text(lock.to_text(), encoding="utf-8")
    before = path.read_bytes()
    edit(workspace, TRT, "which does not recognise Armenia", "that does not recognise Armenia")
    edit(workspace, KAZ, "We do not compete with each other in this area, but rather complement each other.",
         "Nothing of the kind was said.")
    outcome = build_one(Pipeline(workspace), path, BuildOptions(), accept=True)
    assert outcome.status == "failed"
    assert any("--accept's rewrites were undone" in m for m in outcome.messages)
    assert path.read_bytes() == before
    assert not (workspace.build / "test.pdf").exists()


def test_accepted_locators_are_not_mistaken_for_others_that_moved(workspace, write_outline):
    """After --accept, `para. 13` (was 12) must not be paired with the record of the old para. 13."""
    path = write_outline(LOCATED.replace("paras. 15-16", "para. 13"))
    lock = make_lock(workspace, path)
    edit(workspace, KAZ, "A new defense alliance", "An inserted paragraph.\nA new defense alliance")
    pipeline = Pipeline(workspace)
    rewrites, _ = planned_rewrites(_resolved(pipeline, path), lock, pipeline.resolver)
    apply_rewrites(path, rewrites)
    assert "para. 13]" in path.read_text(encoding="utf-8") and "para. 14;" in path.read_text(encoding="utf-8")
    assert Pipeline(workspace).check(path, lock).drifts == []
