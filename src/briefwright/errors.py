"""The exception tree, and problems located at `file:line:col`.

Every user mistake ends as a `BriefwrightError` (a `click.ClickException`, exit
status 1): the CLI prints its message and no traceback. Stages that check input
collect `Problem`s in a `ProblemLog` so that one run reports all of them. Text
that comes from input files never reaches the terminal raw: `printable` writes
control characters, line and paragraph separators and bidirectional controls as
escapes (`\x1b`, `\r`, `\u2028`), so an outline or a source cannot move the cursor,
recolour or rewrite what the terminal shows.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import click


# every C0 and C1 control but tab and line feed; U+2028/U+2029; the bidirectional marks and controls
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, as_json: bool = False) -> str:
    """`text` safe for a terminal: control characters written as escapes (`\x1b[31m` → `\\x1b[31m`).

    With `as_json`, `text` is JSON and the escapes are JSON's own (`\\u2028`), so it still reads back the same.
    """
    if as_json:
        return _UNPRINTABLE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)
    return _UNPRINTABLE.sub(lambda match: repr(match[0])[1:-1], text)


def display_path(path: Path | str) -> str:
    """Return `path` relative to the working directory when it lies below it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


@dataclass(frozen=True)
class Position:
    """A place in an input file; line and column count from 1."""

    path: Path
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        return where


@dataclass(frozen=True)
class Problem:
    """One error or warning about the input, printed as `file:line:col: error: …`."""

    position: Position
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return printable(f"{self.position}: {self.severity}: {self.message}")


class BriefwrightError(click.ClickException):
    """A problem caused by the user's input or workspace: exit 1, no traceback."""

    exit_code = 1

    def format_message(self) -> str:
        return printable(self.message)

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True, file=file)


class ProblemsFound(BriefwrightError):
    """Raised once a stage has collected one or more errors."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = sum(p.severity == "error" for p in problems)
        summary = plural(errors, "error")
        super().__init__("\n".join(map(str, problems)) + os.linesep + summary)

    def format_message(self, nothing_written: bool = False) -> str:
        """The problems and their count; `nothing_written` for a command that would have written (build)."""
        return printable(self.message + ("; nothing written" if nothing_written else ""))


def first_few(names: list[str], shown: int = 5) -> str:
    """A long list named by its first few and its last: `a, b, c, d, e, … z` (the whole list when short)."""
    if len(names) <= shown + 1:
        return ", ".join(names)
    return f"{', '.join(names[:shown])}, … {names[-1]}"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """`1 error`, `2 errors`, `0 notes`: the count and the noun, in the right number."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


@dataclass
class ProblemLog:
    """Collects the problems of a run so they can all be reported together."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, position: Position, message: str) -> None:
        self.problems.append(Problem(position, message, "error"))

    def warning(self, position: Position, message: str) -> None:
        self.problems.append(Problem(position, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        """Raise `ProblemsFound` (errors and warnings, in order) if any error was logged."""
        if self.errors:
            raise ProblemsFound(sorted(self.problems, key=_reading_order))


def _reading_order(problem: Problem) -> tuple:
    pos = problem.position
    return (str(pos.path), pos.line, pos.column)
