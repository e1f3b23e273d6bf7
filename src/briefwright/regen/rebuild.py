"""Incremental and parallel builds: rebuild exactly the briefs whose inputs changed.

`build_stale` asks freshness.py which briefs are stale (from hashes only, so a
run with nothing to do never imports WeasyPrint) and builds those, in `jobs`
worker processes. Each brief is independent: a failing one is reported at its
FILE:LINE:COL and the others still build. A brief is built by `build_one`: check
(with drift against its lock, see drift.py), `--accept` rewrites if asked, render,
then, under a per-brief file lock, the PDF and then its lock are each written
atomically. A build killed at any moment leaves the previous PDF and lock (or a
new PDF with the old lock, which no longer matches its hash: stale, rebuilt).
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..build import BuildOptions, BuildResult, CheckedBrief, Pipeline
from .drift import record_citations
from ..errors import BriefwrightError, display_path
from .freshness import UP_TO_DATE, FreshnessChecker, current_versions, options_record
from .lock import FileHashes, Lock, Places, entry_hash, lock_path, read_lock, sha256
from ..workspace import Workspace, write_atomically

BUILT, FRESH, FAILED = "built", "up to date", "failed"


@dataclass
class Outcome:
    """What happened to one brief, as plain data (it crosses process boundaries)."""

    outline: Path
    status: str                                        # BUILT, FRESH or FAILED
    messages: list[str] = field(default_factory=list)  # warnings, drift reports, errors
    summary: str = ""                                  # "built build/x.pdf: 3 pages, …"
    report: list[str] = field(default_factory=list)   # page by page: notes, passes, typography (--report)
    reasons: list[str] = field(default_factory=list)   # why it was rebuilt


def build_stale(workspace: Workspace, outlines: Iterable[Path], options: BuildOptions, *,
                force: bool = False, accept: bool = False, jobs: int | None = None,
                on_outcome: Callable[[Outcome], None] = lambda outcome: None,
                on_start: Callable[[int], None] = lambda count: None) -> list[Outcome]:
    """Build the stale briefs among `outlines` (all with `force`); report each outcome as it comes."""
    checker = FreshnessChecker(workspace, options)
    outcomes, todo = [], []
    for outline in outlines:
        fresh = checker.check(outline)
        if fresh.state == UP_TO_DATE and not force:
            outcomes.append(Outcome(outline, FRESH))
            on_outcome(outcomes[-1])
        else:
            todo.append((outline, [fresh.warning] if fresh.warning else [], fresh.reasons))
    on_start(len(todo))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    for outcome in _run(workspace, todo, options, accept, jobs):
        outcomes.append(outcome)
        on_outcome(outcome)
    return outcomes


def _run(workspace: Workspace, todo: list, options: BuildOptions, accept: bool, jobs: int):
    if not todo:
        return
    if jobs == 1:
        pipeline = _pipeline_or_error(workspace)
        for outline, messages, reasons in todo:
            yield _with(build_one(pipeline, outline, options, accept), messages, reasons)
        return
    # forkserver: workers never inherit the parent's threads (watch mode has some) or its state
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                             initargs=(workspace,)) as pool:
        futures = {pool.submit(_build_in_worker, outline, options, accept): (messages, reasons)
                   for outline, messages, reasons in todo}
        for future in as_completed(futures):
            yield _with(future.result(), *futures[future])


def _with(outcome: Outcome, messages: list[str], reasons: list[str]) -> Outcome:
    outcome.messages[:0] = messages
    outcome.reasons = reasons
    return outcome


_worker_pipeline: Pipeline | BriefwrightError | None = None


def _start_worker(workspace: Workspace) -> None:
    global _worker_pipeline
    _worker_pipeline = _pipeline_or_error(workspace)


def _build_in_worker(outline: Path, options: BuildOptions, accept: bool) -> Outcome:
    return build_one(_worker_pipeline, outline, options, accept)


def _pipeline_or_error(workspace: Workspace) -> Pipeline | BriefwrightError:
    try:
        return Pipeline(workspace)
    except BriefwrightError as error:  # a broken catalog fails every brief, each with the message
        return error


def build_one(pipeline: Pipeline | BriefwrightError, outline: Path, options: BuildOptions,
              accept: bool = False) -> Outcome:
    """Check and build one brief, then write its PDF and its lock; never raise for a user's mistake."""
    if isinstance(pipeline, BriefwrightError):
        return Outcome(outline, FAILED, [pipeline.format_message()])
    messages, original = [], None
    try:
        lock, _ = read_lock(lock_path(outline))
        if accept and lock:
            original = outline.read_bytes()
            messages += _accept(pipeline, outline, lock)
        checked = pipeline.check(outline, lock, accept)
        messages += [str(warning) for warning in checked.warnings]
        messages += [f"{drift.position}: note: {drift.message()}" for drift in checked.drifts]
        with brief_file_lock(outline):
            result = pipeline.build(checked, options, provenance=lambda so_far: make_lock(
                pipeline, checked, so_far, options).to_text().encode("utf-8"))
            messages += [str(warning) for warning in result.warnings[len(checked.warnings):]]
            lock_text = make_lock(pipeline, checked, result, options).to_text()
            write_atomically(lock_path(outline), lock_text.encode("utf-8"))
    except BriefwrightError as error:
        return Outcome(outline, FAILED, messages + _restored(outline, original) + [error.format_message()])
    except Exception as error:  # a defect of ours: fail this brief, not the run (the others go on)
        detail = "".join(traceback.format_exception(error)[-3:]).rstrip()
        return Outcome(outline, FAILED, messages + _restored(outline, original) + [
            f"{display_path(outline)}: internal error, please report it:\n{detail}"])
    seconds = sum(result.seconds.values())
    extra = f" and {display_path(result.html)}" if result.html else ""
    passes = "1 layout pass" if result.passes == 1 else f"{result.passes} layout passes"
    return Outcome(outline, BUILT, messages, f"built {display_path(result.pdf)}{extra}: {result.pages} pages, "
                                             f"{result.notes} notes, {passes} ({seconds:.1f} s)",
                   report=page_report(result))


def outcome_lines(outcome: Outcome, full_report: bool = False) -> list[tuple[str, bool]]:
    """What to print of an outcome, as (line, is it for stderr): messages, then the summary."""
    lines = [(message, True) for message in outcome.messages]
    if outcome.summary:
        because = f" [{', '.join(outcome.reasons)}]" if outcome.reasons else ""
        lines.append((outcome.summary + because, False))
        lines += [(f"  {line}", False) for line in (outcome.report if full_report else [])]
    elif outcome.status == FAILED:
        lines.append((f"failed: {display_path(outcome.outline)}", True))
    return lines


def _restored(outline: Path, original: bytes | None) -> list[str]:
    """Put back an outline that `--accept` rewrote for a build that then failed."""
    if original is None or outline.read_bytes() == original:
        return []
    write_atomically(outline, original)
    return [f"{display_path(outline)}: note: the build failed, so --accept's rewrites were undone"]


def page_report(result: BuildResult) -> list[str]:
    """A built brief, page by page: the notes on each page, the time of each stage, the typography."""
    lines = []
    for page in range(1, result.pages + 1):
        notes = [n for n, call in result.note_pages.items() if call == page]
        listed = f"notes {notes[0]}–{notes[-1]}" if len(notes) > 1 else f"note {notes[0]}" if notes else "no footnotes"
        lines.append(f"page {page}: {listed}")
    lines.append("stages: " + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in result.seconds.items()))
    count = len(result.typography)
    lines.append(f"typography: {count} finding{'' if count == 1 else 's'}" + ("" if count else ", all clear"))
    lines += [f"  {finding}" for finding in result.typography]  # each names its page
    return lines


def _accept(pipeline: Pipeline, outline: Path, lock: Lock) -> list[str]:
    """Rewrite the outline's edited quotations (and moved paragraph numbers) from today's sources."""
    from .accept import apply_rewrites, planned_rewrites
    from ..errors import ProblemLog
    from ..outline.reader import load_outline

    log = ProblemLog()
    loaded = load_outline(outline, pipeline.workspace.root, log)
    if loaded is None:
        return []
    pipeline.resolver.resolve(loaded, log)
    rewrites, refused = planned_rewrites(loaded, lock, pipeline.resolver)
    if rewrites:
        try:
            apply_rewrites(outline, rewrites)
        except ValueError as error:
            raise BriefwrightError(f"{error}; nothing rewritten") from None
    return [f"{r.position}: note: accepted: {r.what} now reads “{r.new}”" for r in rewrites] + refused


@contextmanager
def brief_file_lock(outline: Path):
    """Hold an exclusive lock on the outline file while the brief's PDF and lock are built and written.

    Locking the outline itself (read-only) writes nothing, so a failed build
    leaves no trace, and every process building the brief names the same file.
    """
    with open(outline, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def make_lock(pipeline: Pipeline, checked: CheckedBrief, result: BuildResult, options: BuildOptions) -> Lock:
    """The lock of a brief just built: every input's hash, each quotation's passage, the PDF's hash.

    Before the PDF exists (the copy a PDF/A carries inside itself) its hash is null.
    """
    workspace, corpus = pipeline.workspace, pipeline.corpus
    places, digest = Places(workspace.root), FileHashes()
    cited = sorted({item.source_id for note in checked.notes for item in note.items if item.source_id})
    sources = {source_id: corpus.find(source_id) for source_id in cited}
    theme = checked.theme
    folders = theme.search_folders(workspace.templates)
    files = {places.portable(path): name for name, path in result.loaded}
    return Lock(
        outline={"path": places.portable(checked.outline.path), "sha256": digest(checked.outline.path)},
        pdf={"path": places.portable(result.pdf), "sha256": sha256(result.data) if result.data else None},
        sources={i: {"file": places.portable(s.path), "sha256": digest(s.path)} for i, s in sources.items()},
        catalog={i: entry_hash(s.entry) for i, s in sources.items()},
        theme={"name": theme.name, "folders": [places.portable(f) for f in folders]},
        files=[{"name": name, "path": path, "sha256": digest(places.local(path))}
               for path, name in sorted(files.items())],
        style={"path": places.portable(checked.style), "sha256": digest(checked.style)},
        versions=current_versions(),
        options=options_record(options),
        citations=record_citations(checked.outline, lambda i: pipeline.resolver.index(corpus.find(i))),
    )
