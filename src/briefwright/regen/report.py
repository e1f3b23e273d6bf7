"""Reports of builds: what to print of each brief's outcome, and its page-by-page account (`--report`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..build import BuildResult
from ..errors import display_path, plural, printable


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


def outcome_lines(outcome: Outcome, full_report: bool = False) -> list[tuple[str, bool]]:
    """What to print of an outcome, as (line, is it for stderr): messages, then the summary."""
    lines = [(message, True) for message in outcome.messages]
    if outcome.summary:
        because = f" [{', '.join(outcome.reasons)}]" if outcome.reasons else ""
        lines.append((outcome.summary + because, False))
        lines += [(f"  {line}", False) for line in (outcome.report if full_report else [])]
    elif outcome.status == FAILED:
        lines.append((f"failed: {display_path(outcome.outline)}", True))
    return [(printable(line), to_stderr) for line, to_stderr in lines]  # text from outlines and sources


def page_report(result: BuildResult) -> list[str]:
    """A built brief, page by page: the notes on each page, the time of each stage, the typography."""
    lines = []
    for page in range(1, result.pages + 1):
        notes = [n for n, call in result.note_pages.items() if call == page]
        listed = f"notes {notes[0]}–{notes[-1]}" if len(notes) > 1 else f"note {notes[0]}" if notes else "no footnotes"
        floated = [f", {figure} floated here" for figure, on in result.floated if on == page]
        lines.append(f"page {page}: {listed}{''.join(floated)}")
    lines.append("stages: " + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in result.seconds.items()))
    lines.append(f"typography: {plural(len(result.typography), 'finding')}" + ("" if result.typography else ", all clear"))
    lines += [f"  {finding}" for finding in result.typography]  # each names its page
    return lines
