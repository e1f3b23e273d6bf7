"""Incremental and parallel builds: rebuild exactly the briefs whose inputs changed.

`build_stale` asks freshness.py which briefs are stale (from hashes only, so a
run with nothing to do never imports WeasyPrint) and builds those, in `jobs`
worker processes. Each brief is independent: a failing one is reported at its
FILE:LINE:COL and the others still build. A brief is built by `build_one`: check
(with drift against its lock, see drift.py), `--accept` rewrites if asked, render,
then, under a per-brief file lock, the PDF and then its lock are each written
atomically, both or neither (outputs.py: a lock that cannot be written puts
the previous PDF back). The lock itself is made by recording.py, and what is
printed of each outcome by report.py. A build killed at any moment leaves the previous PDF
and lock (or a new PDF with the old lock, which no longer matches its hash:
stale, rebuilt).
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ..build import BuildOptions, Pipeline, edition_path, print_html_path
from ..errors import BriefwrightError, ProblemsFound, display_path, plural
from ..render.citations import is_note_style
from .freshness import UP_TO_DATE, FreshnessChecker
from .lock import Lock, file_system_now, lock_path, read_lock
from .outputs import both_or_neither, brief_file_lock
from .recording import make_lock
from .report import BUILT, FAILED, FRESH, Outcome, page_report
from ..workspace import Workspace

def refuse_shared_slugs(outlines: Iterable[Path]) -> None:
    """Raise naming both outlines where two would write the same PDF and lock (`b.yaml` and `b.yml`)."""
    by_slug: dict[str, set[Path]] = {}
    for outline in outlines:
        siblings = [outline.with_suffix(suffix) for suffix in (".yaml", ".yml")]
        for path in [outline] + [s for s in siblings if s.is_file()]:
            by_slug.setdefault(path.stem, set()).add(path.resolve())
    clashes = [sorted(paths) for paths in by_slug.values() if len(paths) > 1]
    if clashes:
        raise BriefwrightError("\n".join(
            f"{' and '.join(map(display_path, paths))}: error: these outlines would write the same "
            f"PDF and lock ({paths[0].stem}.pdf, {paths[0].stem}.lock); rename or remove all but one"
            for paths in clashes))


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
    messages, original, started = [], None, file_system_now()
    try:
        lock, _ = read_lock(lock_path(outline))
        if accept and lock:
            original = outline.read_bytes()
            messages += _accept(pipeline, outline, lock)
        checked = pipeline.check(outline, lock, accept)
        messages += [str(warning) for warning in checked.warnings]
        messages += [f"{drift.position}: note: {drift.message()}" for drift in checked.drifts]
        outputs = _outputs(pipeline, outline, options)
        with brief_file_lock(outline), both_or_neither(lock_path(outline), outputs) as write_lock:
            result = pipeline.build(checked, options, provenance=lambda so_far: make_lock(
                pipeline, checked, so_far, options, started).to_text().encode("utf-8"))
            messages += [str(warning) for warning in result.warnings[len(checked.warnings):]]
            write_lock(make_lock(pipeline, checked, result, options, started).to_text().encode("utf-8"))
    except ProblemsFound as error:
        return Outcome(outline, FAILED, messages + _restored(outline, original)
                       + [error.format_message(nothing_written=True)])
    except BriefwrightError as error:
        return Outcome(outline, FAILED, messages + _restored(outline, original) + [_located(outline, error)])
    except Exception as error:  # a defect of ours: fail this brief, not the run (the others go on)
        detail = "".join(traceback.format_exception(error)[-3:]).rstrip()
        return Outcome(outline, FAILED, messages + _restored(outline, original) + [
            f"{display_path(outline)}: internal error, please report it:\n{detail}"])
    seconds = sum(result.seconds.values())
    written = [path for path, _ in result.editions.values()] + ([result.html] if result.html else [])
    extra = "".join(f" and {display_path(path)}" for path in written)
    passes = "1 layout pass" if result.passes == 1 else f"{result.passes} layout passes"
    cited = plural(result.notes, "note" if is_note_style(checked.style) else "citation")
    return Outcome(outline, BUILT, messages, f"built {display_path(result.pdf)}{extra}: {plural(result.pages, 'page')}, "
                                             f"{cited}, {passes} ({seconds:.1f} s)",
                   report=page_report(result))


def _located(outline: Path, error: BriefwrightError) -> str:
    """The message of a failure that names no place (the PDF refused, an output not writable) as the brief's error."""
    message = error.format_message()
    first_line = message.partition("\n")[0]
    return message if ": error: " in first_line else f"{display_path(outline)}: error: {message}"


def _restored(outline: Path, original: bytes | None) -> list[str]:
    """Put back an outline that `--accept` rewrote for a build that then failed."""
    if original is None or outline.read_bytes() == original:
        return []
    from .accept import replace_keeping_mode

    replace_keeping_mode(outline, original)
    return [f"{display_path(outline)}: note: the build failed, so --accept's rewrites were undone"]


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


def _outputs(pipeline: Pipeline, outline: Path, options: BuildOptions) -> list[Path]:
    """The files a build of `outline` writes besides its lock: the PDF, its editions, the print HTML if asked."""
    pdf = pipeline.output_path(outline, options)
    editions = [edition_path(pdf, edition) for edition in options.formats if edition != "pdf"]
    return [pdf, *editions] + ([print_html_path(pdf)] if options.html else [])


