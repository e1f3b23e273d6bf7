"""Watch: rebuild the affected briefs whenever an input in the workspace changes.

`watch_workspace` builds what is stale, then waits (watchfiles) for changes in
seeds/, briefs/ and templates/. After each batch of changes it runs the
incremental build again: freshness.py decides exactly which briefs the changes
affect. Every rebuild and every problem is reported; nothing an editor can type
stops the watch. `changes` can be any iterable of change batches, so the loop can
be driven without waiting on the file system.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ..build import BuildOptions
from ..errors import BriefwrightError, display_path
from .rebuild import build_stale, refuse_shared_slugs
from .report import BUILT, FAILED, Outcome, outcome_lines
from ..workspace import Workspace

IGNORED_SUFFIXES = (".lock", ".tmp", ".swp", "~")


def is_input(workspace: Workspace, path: Path) -> bool:
    """True for a file whose change may affect a brief: a source, the catalog, an outline, a template."""
    path = Path(path)
    if path.name.startswith(".") or path.name.endswith(IGNORED_SUFFIXES):
        return False
    if path.parent == workspace.briefs:
        return path.suffix in (".yaml", ".yml")
    return path.is_relative_to(workspace.seeds) or path.is_relative_to(workspace.templates)


def changed_inputs(workspace: Workspace, batch: Iterable[tuple[object, str]]) -> list[Path]:
    """The inputs among a watchfiles batch of (change, path), sorted."""
    return sorted({Path(path) for _, path in batch if is_input(workspace, Path(path))})


def watch_workspace(workspace: Workspace, options: BuildOptions, jobs: int | None = None,
                    echo: Callable[[str], None] = print, changes: Iterable | None = None,
                    stop_event: threading.Event | None = None) -> None:
    """Build what is stale, then rebuild after every change until stopped (Ctrl-C or `stop_event`)."""
    if changes is None:
        from watchfiles import watch

        # the whole workspace, so that a templates/ folder made later is seen too; is_input filters
        changes = watch(workspace.root, watch_filter=lambda change, path: is_input(workspace, Path(path)),
                        stop_event=stop_event, raise_interrupt=False)
        echo("watching seeds/, briefs/ and templates/ (Ctrl-C to stop)")
    rebuild(workspace, options, jobs, echo)
    for batch in changes:
        paths = changed_inputs(workspace, batch)
        if paths:
            echo("changed: " + ", ".join(display_path(p) for p in paths))
            rebuild(workspace, options, jobs, echo)


def rebuild(workspace: Workspace, options: BuildOptions, jobs: int | None,
            echo: Callable[[str], None]) -> list[Outcome]:
    """One incremental build of every outline; report it, and never raise."""
    try:
        outlines = workspace.outlines()
        refuse_shared_slugs(outlines)
        outcomes = build_stale(workspace, outlines, options, jobs=jobs,
                               on_outcome=lambda outcome: _report(outcome, echo))
    except BriefwrightError as error:
        echo(error.format_message())
        return []
    except Exception as error:  # noqa: BLE001 - a bug must not end the watch either; say what happened
        echo(f"error: the build failed unexpectedly: {type(error).__name__}: {error}")
        return []
    built = sum(o.status == BUILT for o in outcomes)
    failed = sum(o.status == FAILED for o in outcomes)
    if built or failed:
        echo(f"{built} built, {len(outcomes) - built - failed} up to date, {failed} failed")
    else:
        echo("nothing to rebuild: every brief is up to date")
    return outcomes


def _report(outcome: Outcome, echo: Callable[[str], None]) -> None:
    for line, _ in outcome_lines(outcome):
        echo(line)
