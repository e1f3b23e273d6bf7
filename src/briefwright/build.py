"""The pipeline: outline → checked citations → notes → HTML → PDF, for one brief or many.

`check_brief` runs the stages that need no rendering (and never imports
WeasyPrint); `build_brief` runs them all and writes `build/<slug>.pdf`
atomically; `build_briefs` builds several, one failure not stopping the others.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .citations import CitationError, FormattedCitations, find_style, format_citations
from .corpus import Corpus, load_corpus
from .errors import BriefwrightError, Position, Problem, ProblemLog
from .outline import Outline, load_outline
from .prose import CiteGroup
from .render import brief_context, environment, render_html
from .resolve import Resolver
from .themes import TemplateProblem, Theme, ThemeSettings, find_theme, resolve_settings
from .workspace import Workspace, write_atomically


@dataclass
class BuildOptions:
    output: Path | None = None   # a PDF path (one brief) or a folder
    html: bool = False           # also write the HTML beside the PDF
    paper: str | None = None     # overrides the theme's paper setting
    pdf_variant: str | None = None   # "ua-1" or "a-3b"; None: the outline's pdf_variant, if any


@dataclass
class CheckedBrief:
    """An outline whose citations all resolved, with its theme and style."""

    outline: Outline
    notes: list[CiteGroup]
    theme: Theme
    style: Path
    warnings: list[Problem]
    settings: ThemeSettings = field(default_factory=ThemeSettings)


@dataclass
class BuildResult:
    outline: Path
    pdf: Path | None = None
    html: Path | None = None
    pages: int = 0
    notes: int = 0
    passes: int = 0
    typography: list[str] = field(default_factory=list)
    note_pages: dict[int, int | None] = field(default_factory=dict)  # {note: the page of its call and text}
    warnings: list[Problem] = field(default_factory=list)
    error: BriefwrightError | None = None
    seconds: dict[str, float] = field(default_factory=dict)


class Pipeline:
    """One workspace's corpus and resolver, shared by every brief of a run."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.corpus: Corpus = load_corpus(workspace)
        self.resolver = Resolver(self.corpus)

    def check(self, outline_path: Path) -> CheckedBrief:
        """Load an outline and resolve every citation; raise `ProblemsFound` listing all problems."""
        log = ProblemLog()
        outline = load_outline(outline_path, self.workspace.root, log)
        notes = self.resolver.resolve(outline, log)
        theme = _located(log, outline, "template", lambda: find_theme(outline.template, self.workspace, log))
        settings = resolve_settings(theme, outline.theme, log) if theme else None
        style = _located(log, outline, "style", lambda: find_style(outline.style, self.workspace))
        log.raise_if_errors()
        return CheckedBrief(outline, notes, theme, style, log.warnings, settings)

    def check_all(self, outline_paths: Iterable[Path]) -> list[tuple[Path, CheckedBrief | BriefwrightError]]:
        """Check each outline; return (path, checked brief or its error) for every one."""
        results = []
        for path in outline_paths:
            try:
                results.append((path, self.check(path)))
            except BriefwrightError as error:
                results.append((path, error))
        return results

    def build(self, checked: CheckedBrief, options: BuildOptions) -> BuildResult:
        """Build one checked brief into a PDF (and HTML on request); nothing is written on error."""
        from .pdf import PdfOptions, render_pdf  # imports WeasyPrint, which only building needs

        outline_path = checked.outline.path
        result, clock = BuildResult(outline_path, warnings=list(checked.warnings)), time.perf_counter()
        result.notes = len(checked.notes)
        citations = format_citations(checked.notes, self.corpus, checked.style)
        result.seconds["citations"] = _lap(clock)
        settings = checked.settings.overridden("paper", options.paper, "--paper")
        html = self.html(checked, citations, settings)
        result.seconds["html"] = _lap(clock, result.seconds)
        pdf_options = PdfOptions(options.pdf_variant or checked.outline.pdf_variant,
                                 _epoch(checked.outline), self._attachments(checked.outline))
        rendered = render_pdf(html, checked.theme, self.workspace.root, pdf_options)
        result.seconds["pdf"] = _lap(clock, result.seconds)
        result.pages, result.passes, result.typography = rendered.pages, rendered.passes, rendered.typography
        result.note_pages = {n: call for n, (call, _) in rendered.layout.notes.items()}
        result.warnings += [Problem(Position(outline_path), message, "warning") for message in rendered.typography]
        result.pdf = self.output_path(outline_path, options)
        if options.html:
            result.html = result.pdf.with_suffix(".html")
            write_atomically(result.html, html.encode("utf-8"))
        write_atomically(result.pdf, rendered.data)
        return result

    def html(self, checked: CheckedBrief, citations: FormattedCitations,
             settings: ThemeSettings | None = None) -> str:
        """Render the brief's HTML: the theme chain's CSS, base first, then the settings as CSS."""
        settings = settings or checked.settings
        stylesheet = checked.theme.read_stylesheets() + "\n" + settings.css()
        context = brief_context(checked.outline, citations, stylesheet, settings, checked.theme.name)
        return render_html(environment(checked.theme), context)

    def _attachments(self, outline: Outline) -> tuple[tuple[Path, str], ...]:
        """What a PDF/A carries for provenance: the outline, and its lock where one exists."""
        files = [(outline.path, "The outline this brief was built from")]
        lock = outline.path.with_suffix(".lock")
        if lock.is_file():
            files.append((lock, "The lock: hashes of every input and the resolved passage of every citation"))
        return tuple(files)

    def output_path(self, outline_path: Path, options: BuildOptions) -> Path:
        target = options.output
        if target is None:
            return self.workspace.build / f"{outline_path.stem}.pdf"
        if target.is_dir() or target.suffix.lower() != ".pdf":
            return target / f"{outline_path.stem}.pdf"
        return target


def check_briefs(workspace: Workspace, outlines: Iterable[Path]) -> list[tuple[Path, CheckedBrief | BriefwrightError]]:
    """Check each outline; return (path, checked brief or the error) for every one."""
    return Pipeline(workspace).check_all(outlines)


def build_briefs(workspace: Workspace, outlines: Iterable[Path], options: BuildOptions,
                 on_result: Callable[[BuildResult], None] = lambda result: None) -> list[BuildResult]:
    """Check every outline, then build each; write nothing at all if any outline has a problem.

    Once all outlines are sound, a brief that fails to render is reported and
    the others still build.
    """
    pipeline = Pipeline(workspace)
    outcomes = pipeline.check_all(outlines)
    checked = [outcome for _, outcome in outcomes if isinstance(outcome, CheckedBrief)]
    failed = [BuildResult(path, error=outcome) for path, outcome in outcomes if isinstance(outcome, BriefwrightError)]
    if failed:
        for result in failed:
            on_result(result)
        return failed
    results = []
    for brief in checked:
        try:
            result = pipeline.build(brief, options)
        except BriefwrightError as error:
            result = BuildResult(brief.outline.path, warnings=list(brief.warnings), error=error)
        results.append(result)
        on_result(result)
    return results


def _located(log: ProblemLog, outline: Outline, key: str, find: Callable):
    """Run `find`; log its error at the outline's `key:` (or the outline itself)."""
    try:
        return find()
    except (CitationError, TemplateProblem) as error:
        log.error(outline.positions.get(key, Position(outline.path, 1, 1)), error.message)
        return None


def _epoch(outline: Outline) -> int:
    """The outline's date as seconds since 1970 (UTC midnight), or 0 when it has none."""
    if outline.date is None:
        return 0
    return int(dt.datetime(outline.date.year, outline.date.month, outline.date.day,
                           tzinfo=dt.timezone.utc).timestamp())


def _lap(start: float, earlier: dict[str, float] | None = None) -> float:
    return time.perf_counter() - start - sum((earlier or {}).values())

