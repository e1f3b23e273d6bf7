"""The pipeline: outline → checked citations → notes → HTML → PDF, for one brief or many.

`Pipeline.check` runs the stages that need no rendering (and never imports
WeasyPrint); `Pipeline.build` runs them all and writes `build/<slug>.pdf`
atomically. Which briefs to build, and in how many processes, is regen/rebuild.py's
business.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from .render.citations import CitationError, FormattedCitations, find_style, format_citations
from .corpus.sources import Corpus, load_corpus
from .errors import BriefwrightError, Position, Problem, ProblemLog, ProblemsFound
from .outline.reader import Outline, load_outline
from .outline.prose import CiteGroup
from .render.back_matter import with_suggested_citation
from .render.blocks import chart_look
from .render.html import brief_context, environment, render_html, template_syntax_problems
from .verify.resolver import Resolver
from .render.theme_settings import ThemeSettings, resolve_settings
from .render.themes import TemplateProblem, Theme, find_theme
from .workspace import Workspace, write_atomically


@dataclass
class BuildOptions:
    output: Path | None = None   # a PDF path (one brief) or a folder
    html: bool = False           # also write the print HTML beside the PDF (<slug>.print.html)
    paper: str | None = None     # overrides the theme's paper setting
    pdf_variant: str | None = None   # "ua-1" or "a-3b"; None: the outline's pdf_variant, if any
    formats: tuple[str, ...] = ("pdf",)  # editions to write besides the PDF: "html" (web), "docx"


EDITION_SUFFIXES = {"html": ".html", "docx": ".docx"}


def edition_path(pdf: Path, edition: str) -> Path:
    """Where an edition of the brief whose PDF is `pdf` goes: beside it, build/<slug>.html or .docx."""
    return pdf.with_suffix(EDITION_SUFFIXES[edition])


def print_html_path(pdf: Path) -> Path:
    """Where `--html` writes the print HTML (the HTML WeasyPrint lays out): build/<slug>.print.html."""
    return pdf.with_suffix(".print.html")


@dataclass
class CheckedBrief:
    """An outline whose citations all resolved, with its theme and style."""

    outline: Outline
    notes: list[CiteGroup]
    theme: Theme
    style: Path
    warnings: list[Problem]
    settings: ThemeSettings = field(default_factory=ThemeSettings)
    drifts: list = field(default_factory=list)  # drift.Drift: what happened to each locked quotation


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
    floated: list[tuple[str, int]] = field(default_factory=list)    # ("figure 1", the page it floated to)
    warnings: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    loaded: list[tuple[str | None, Path]] = field(default_factory=list)  # theme files read: (name, path)
    data: bytes = b""  # the PDF written
    editions: dict[str, tuple[Path, bytes]] = field(default_factory=dict)  # "html"/"docx": (path, bytes written)


class Pipeline:
    """One workspace's corpus and resolver, shared by every brief of a run."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.corpus: Corpus = load_corpus(workspace, lazy=True)  # only the cited sources are read
        self.resolver = Resolver(self.corpus)

    def check(self, outline_path: Path, lock=None, accept: bool = False) -> CheckedBrief:
        """Load an outline and resolve every citation; raise `ProblemsFound` listing all problems.

        With the brief's `lock` (lock.Lock), each quotation is also compared with
        what the last build quoted (see drift.py); `accept` takes edited passages.
        """
        from .regen.drift import review_drift

        log = ProblemLog()
        outline = load_outline(outline_path, self.workspace.root, log)
        notes = self.resolver.resolve(outline, log)
        drifts = review_drift(outline, lock, self.resolver, log, accept) if lock else []
        theme = _located(log, outline, "template", lambda: find_theme(outline.template, self.workspace, log))
        settings = resolve_settings(theme, outline.theme, log) if theme else None
        for path, line, message in template_syntax_problems(theme) if theme else ():
            log.error(Position(path, line), message)
        style = _located(log, outline, "style", lambda: find_style(outline.style, self.workspace))
        log.raise_if_errors()
        return CheckedBrief(outline, notes, theme, style, log.warnings, settings, drifts)

    def check_all(self, outline_paths: Iterable[Path]) -> list[tuple[Path, CheckedBrief | BriefwrightError]]:
        """Check each outline (against its lock, if any); return (path, checked brief or its error) for every one."""
        from .regen.lock import lock_path, read_lock

        results = []
        for path in outline_paths:
            try:
                results.append((path, self.check(path, read_lock(lock_path(path))[0])))
            except BriefwrightError as error:
                results.append((path, error))
        return results

    def build(self, checked: CheckedBrief, options: BuildOptions,
              provenance: Callable[[BuildResult], bytes] | None = None) -> BuildResult:
        """Build one checked brief into a PDF (and HTML on request); nothing is written on error.

        `provenance` gives the brief's lock for the result so far; a PDF/A carries
        it, with the outline, as embedded files.
        """
        from .render.pdf import PdfOptions, render_pdf  # imports WeasyPrint, which only building needs

        outline_path = checked.outline.path
        result, clock = BuildResult(outline_path, warnings=list(checked.warnings)), time.perf_counter()
        result.notes = len(checked.notes)
        citations = self.citations(checked)
        result.seconds["citations"] = _lap(clock)
        settings = checked.settings.overridden("paper", options.paper, "--paper")
        html = self.html(checked, citations, settings, result.loaded)
        result.seconds["html"] = _lap(clock, result.seconds)
        result.pdf = self.output_path(outline_path, options)
        variant = options.pdf_variant or checked.outline.pdf_variant or settings["pdf_variant"]
        pdf_options = PdfOptions(variant, _epoch(checked.outline),
                                 partial(self._attachments, checked.outline, result, provenance),
                                 notes_in_order=self.notes_in_order(checked))
        word = self._word_edition(checked, citations, settings) if "docx" in options.formats else None
        try:  # pandoc writes the Word edition, in its own process, during the layout
            rendered = render_pdf(html, checked.theme, self.workspace.root, pdf_options)
        except BaseException:
            if word:
                word[0].cancel()
            raise
        result.seconds["pdf"] = _lap(clock, result.seconds)
        if rendered.layout.floats and {"html", "docx"} & set(options.formats):
            checked, citations, word = self._as_printed(checked, citations, rendered.layout.floats, settings, word)
        result.pages, result.passes, result.typography = rendered.pages, rendered.passes, rendered.typography
        result.note_pages = {n: call for n, (call, _) in rendered.layout.notes.items()}
        result.floated = rendered.layout.floated
        result.warnings += [Problem(Position(outline_path), message, "warning") for message in rendered.typography]
        result.data = rendered.data
        result.loaded += rendered.loaded
        self._web_edition(checked, citations, settings, options, result)
        if word:
            job, loaded, started = word
            result.editions["docx"] = (edition_path(result.pdf, "docx"), job.result())
            result.seconds["docx"] = time.perf_counter() - started
            result.loaded += loaded
        if options.html:
            result.html = print_html_path(result.pdf)
            write_atomically(result.html, html.encode("utf-8"))
        write_atomically(result.pdf, rendered.data)
        for path, data in result.editions.values():
            write_atomically(path, data)
        return result

    def _as_printed(self, checked: CheckedBrief, citations: FormattedCitations, floats: list,
                    settings: ThemeSettings, word: tuple | None) -> tuple:
        """The brief for the web and Word editions once figures floated in the PDF: each figure where the
        PDF prints it, the notes numbered and formatted in the PDF's order (the Word edition is started
        again); the brief as it was if the PDF's order cannot be matched."""
        from .render.floats import outline_as_printed

        printed = outline_as_printed(checked.outline, floats)
        if printed is None:
            return checked, citations, word
        checked = replace(checked, outline=printed[0], notes=printed[1])
        citations = self.citations(checked)
        if word:
            word[0].cancel()
            word = self._word_edition(checked, citations, settings)
        return checked, citations, word

    def _web_edition(self, checked: CheckedBrief, citations: FormattedCitations, settings: ThemeSettings,
                     options: BuildOptions, result: BuildResult) -> None:
        """Render the web edition, if asked for, into `result.editions` (written by `build`)."""
        if "html" not in options.formats:
            return
        from .render.web import WebNotes, deep_links, render_web

        clock = time.perf_counter()
        calls = WebNotes(citations.notes, deep_links=deep_links(checked.outline, self.corpus, settings))
        web = render_web(checked.outline, checked.notes, citations, checked.theme, settings, result.loaded, calls)
        result.editions["html"] = (edition_path(result.pdf, "html"), web.encode("utf-8"))
        result.seconds["web"] = time.perf_counter() - clock

    @staticmethod
    def _word_edition(checked: CheckedBrief, citations: FormattedCitations, settings: ThemeSettings) -> tuple:
        """Start the Word edition: (its pandoc job, the theme files it read, when it started)."""
        from .render.docx import start_docx

        started, loaded = time.perf_counter(), []
        return start_docx(checked.outline, citations, checked.theme, settings, loaded), loaded, started

    def citations(self, checked: CheckedBrief) -> FormattedCitations:
        """The brief's notes and sources formatted by citeproc in its style and language, with the brief's
        own suggested citation when it has back matter to print it in."""
        citations = format_citations(checked.notes, self.corpus, checked.style, checked.outline.lang or "en")
        return with_suggested_citation(checked.outline, citations, checked.style)

    def notes_in_order(self, checked: CheckedBrief) -> Callable[[list[int]], list[str]]:
        """The texts of the brief's notes in another order (a floated figure's): citeproc again, as a note's
        form may change with its place (a short form after the first citation)."""
        def texts(order: list[int]) -> list[str]:
            notes = [checked.notes[number - 1] for number in order]
            return format_citations(notes, self.corpus, checked.style, checked.outline.lang or "en").notes

        return texts

    def html(self, checked: CheckedBrief, citations: FormattedCitations,
             settings: ThemeSettings | None = None, loaded: list[tuple[str | None, Path]] | None = None) -> str:
        """Render the brief's HTML: the theme chain's CSS, base first, then the settings as CSS.

        With `loaded`, every theme file read (theme.yaml, CSS, templates) is noted
        there as (the name it is searched by, or None; its path), for the lock.
        """
        settings = settings or checked.settings
        stylesheet = checked.theme.read_stylesheets() + "\n" + settings.css()
        if loaded is not None:
            loaded += checked.theme.files_read(self.workspace.templates)
        context = brief_context(checked.outline, citations, stylesheet, settings, checked.theme.name,
                                chart_look=chart_look(settings, stylesheet, checked.theme.locate))
        return render_html(environment(checked.theme, loaded), context)

    @staticmethod
    def _attachments(outline: Outline, result: BuildResult, provenance: Callable[[BuildResult], bytes] | None,
                     served: list[tuple[str | None, Path]]) -> list[tuple[str, str, bytes]]:
        """What a PDF/A carries for provenance: the outline, and this build's lock (less the PDF's own hash)."""
        files = [(outline.path.name, "The outline this brief was built from", outline.path.read_bytes())]
        if provenance is not None:
            so_far = replace(result, loaded=result.loaded + served)
            files.append((outline.path.with_suffix(".lock").name, "The lock of this build: the hash of every "
                          "input and the passage of every quotation", provenance(so_far)))
        return files

    def output_path(self, outline_path: Path, options: BuildOptions) -> Path:
        return output_path(self.workspace, outline_path, options)


def output_path(workspace: Workspace, outline_path: Path, options: BuildOptions) -> Path:
    """Where the PDF of `outline_path` goes: build/<slug>.pdf, or as `-o` says."""
    target = options.output
    if target is None:
        return workspace.build / f"{outline_path.stem}.pdf"
    if target.is_dir() or target.suffix.lower() != ".pdf":
        return target / f"{outline_path.stem}.pdf"
    return target


def check_briefs(workspace: Workspace, outlines: Iterable[Path]) -> list[tuple[Path, CheckedBrief | BriefwrightError]]:
    """Check each outline; return (path, checked brief or the error) for every one.

    A broken catalog comes first; each outline is then still read on its own, so that
    its own problems (keys, types, citation syntax) show in the same run.
    """
    try:
        pipeline = Pipeline(workspace)
    except ProblemsFound as broken_catalog:
        read = [(path, _outline_problems(path, workspace)) for path in outlines]
        return [(workspace.catalog, broken_catalog)] + [(path, error) for path, error in read if error]
    return pipeline.check_all(outlines)


def _outline_problems(path: Path, workspace: Workspace) -> ProblemsFound | None:
    """The problems of an outline read without the corpus (its sources unchecked), or None."""
    log = ProblemLog()
    try:
        load_outline(path, workspace.root, log)
    except ProblemsFound as error:
        return error
    return ProblemsFound(log.errors) if log.errors else None


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

