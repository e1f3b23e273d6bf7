"""The matcher's fast path: a paragraph of plain prose gets its normalised view without going cluster by cluster.

The fast path must build exactly what the cluster-by-cluster path builds (the
view, its coded copy, and the map back to the source's characters), for any text:
checked on generated paragraphs mixing plain prose with every kind of character
that makes a paragraph not plain (combining marks, NFD, control characters,
spaces of other kinds, runs of spaces, `...`, private-use characters, quotes and
dashes that fold).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings, strategies as st

from briefwright.corpus.sources import Source
from briefwright.verify import matcher
from briefwright.verify.matcher import SourceIndex

ALPHABET = list("abcXYZ019 .,;'\"-") + ["’", "“", "”", "–", "—", "…", "é", "e\u0301", "\u0301", "\u00a0",
                                          "\u2009", "\t", "\x00", "\x85", "\u200b", "\u200d", "\u00ad", "\U000f0001",
                                          "\u212b", "각", "\u1100\u1161", "कम", "ी", "🇦🇿", "👩\u200d💻", "\r\n"]


def _state(index: SourceIndex) -> tuple:
    return index.text, index.coded, index.paragraph_of, index.starts, index.ends, index._unit_start


def _both(text: str) -> tuple[tuple, tuple]:
    fast = _state(SourceIndex(Source("s", Path("s.txt"), text)))
    plain = matcher._plain
    matcher._plain = lambda body: False
    try:
        slow = _state(SourceIndex(Source("s", Path("s.txt"), text)))
    finally:
        matcher._plain = plain
    return fast, slow


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(ALPHABET), max_size=30).map("".join), min_size=1, max_size=6)
       .map("\n".join))
@example("  Pakistan’s “brotherly” ties – and more.  \nA second, plain paragraph.")
def test_the_fast_path_builds_what_the_cluster_path_builds(text):
    fast, slow = _both(text)
    assert fast == slow


def test_plain_prose_takes_the_fast_path_and_the_rest_does_not():
    assert matcher._plain("Pakistan’s “brotherly” ties – and more…")
    for text in ("two  spaces", "dots...", "e\u0301", "tab\there", "no\u00a0break", "\u212b", "कमी", "a\u200db"):
        assert not matcher._plain(text), text


def test_quotations_are_found_alike_on_both_paths():
    text = "Pakistan’s “brotherly” ties - and more.\nThe JF-17 ... was sold; it's Baku's.\n"
    for quotation in ("Pakistan's \"brotherly\" ties", "ties – and more", "JF-17 … was sold", "it’s Baku’s"):
        fast = SourceIndex(Source("s", Path("s.txt"), text)).find_all(quotation)
        plain = matcher._plain
        matcher._plain = lambda body: False
        try:
            slow = SourceIndex(Source("s", Path("s.txt"), text)).find_all(quotation)
        finally:
            matcher._plain = plain
        assert fast == slow and len(fast) == 1, quotation
