"""Status: one report per brief (up to date, never built, or stale and why), for `briefwright status`.

The state and its reasons come from freshness.py (hashes only). For a stale
brief whose sources changed, each quotation the lock records from those sources is
classified against today's text (drift.py), without resolving the outline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..build import BuildOptions
from ..corpus.sources import Corpus, load_corpus
from .drift import Drift, classify, outline_citations
from ..errors import BriefwrightError, ProblemLog, display_path, printable
from .freshness import Freshness, FreshnessChecker
from ..outline.reader import load_outline
from ..verify.matcher import SourceIndex
from ..workspace import Workspace


@dataclass
class BriefStatus:
    freshness: Freshness
    drifts: list[Drift] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.freshness.state

    def lines(self) -> list[str]:
        fresh = self.freshness
        because = f": {', '.join(fresh.reasons)}" if fresh.reasons else ""
        lines = [f"{display_path(fresh.outline)}: {fresh.state}{because}"]
        if fresh.warning:
            lines.append(f"  {fresh.warning}")
        for drift in self.drifts:
            where = f"{drift.position}: " if drift.position else ""
            lines.append("  " + where + drift.message().replace("\n", "\n  "))
        return [printable(line) for line in lines]  # quotations and paths come from input files

    def as_data(self) -> dict:
        return {"outline": display_path(self.freshness.outline), "state": self.state,
                "reasons": self.freshness.reasons, "warning": self.freshness.warning,
                "quotations": [drift.as_data() for drift in self.drifts]}


def brief_status(workspace: Workspace, outlines: list[Path], options: BuildOptions) -> list[BriefStatus]:
    checker = FreshnessChecker(workspace, options)
    reports = [BriefStatus(checker.check(outline)) for outline in outlines]
    corpus: Corpus | None = None
    for report in reports:
        lock = report.freshness.lock
        changed = {r.removeprefix("source ") for r in report.freshness.reasons if r.startswith("source ")}
        if lock is None or not changed:
            continue
        if corpus is None:
            try:
                corpus = load_corpus(workspace, lazy=True)  # only the changed sources are read
            except BriefwrightError:
                break  # the catalog is broken: `build` and `check` say how
        report.drifts = quotation_drift(lock, changed, corpus)
        _locate(report.drifts, lock, report.freshness.outline, workspace)
    return reports


def quotation_drift(lock, changed: set[str], corpus: Corpus) -> list[Drift]:
    """Classify the lock's quotations from the `changed` sources; return all but the unchanged."""
    indexes: dict[str, SourceIndex] = {}
    drifts = []
    for record in lock.citations:
        if record.source not in changed:
            continue
        source = corpus.find(record.source)
        if source is None:
            drifts.append(Drift(record, "gone"))
            continue
        if source.id not in indexes:  # the matcher's view of a source is made once, not once per quotation
            indexes[source.id] = SourceIndex(source)
        index = indexes[source.id]
        drift = classify(record, index)
        if drift.kind != "unchanged":
            drifts.append(drift)
    return drifts


def _locate(drifts: list[Drift], lock, outline_path: Path, workspace: Workspace) -> None:
    """Give each drift the position of its quotation in today's outline (read, not resolved), if it is there."""
    if not drifts:
        return
    try:
        outline = load_outline(outline_path, workspace.root, ProblemLog())
    except BriefwrightError:
        return
    places: dict[tuple, list] = {}
    for citation in outline_citations(outline) if outline else []:
        places.setdefault(citation.identity, []).append(citation.position)
    ordinal, seen = {}, {}
    for record in lock.citations:  # the n-th record of an identity is its n-th quotation
        ordinal[id(record)] = seen[record.identity] = seen.get(record.identity, -1) + 1
    for drift in drifts:
        positions = places.get(drift.record.identity, [])
        if ordinal[id(drift.record)] < len(positions):
            drift.position = positions[ordinal[id(drift.record)]]

