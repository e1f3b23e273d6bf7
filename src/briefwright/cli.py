"""The command line: click commands that parse options and call one core function each.

Longer than the ~400 lines asked of a module, for a reason: each command's docstring is its
`--help` (what it does, with examples), and those texts are most of this file. The logic of
every command lives in its stage; what stays here is options, printing and exit codes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import textwrap
from collections import Counter
from pathlib import Path

import click

from . import __version__
from .errors import BriefwrightError, display_path, first_few, plural, printable
from .settings import DEFAULT_STYLE, FORMATS, PAPER_SIZES, PDF_VARIANTS
from .workspace import Workspace

# Each command imports the stages it uses when it runs: `sources`, `search` and `show` start
# without the renderer, the builder and the regeneration stage (a third of a second).

WORKSPACE_HELP = "The workspace folder (holding seeds/ and briefs/). Default: the current folder."
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.option("-C", "--workspace", "root", type=click.Path(file_okay=False, path_type=Path),
              default=".", help=WORKSPACE_HELP)
@click.version_option(__version__, prog_name="briefwright")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Turn YAML outlines into footnoted PDF policy briefs, every quotation checked against its source.

    \b
    A workspace holds:
      seeds/              the corpus, one text file per source; each non-blank line is a paragraph
      seeds/sources.yaml  the catalog (CSL-YAML) with each source's id and bibliographic data
      briefs/<slug>.yaml  one outline per brief
      templates/          your own templates, searched before the built-in ones
      build/              the PDFs (and, with --format, the web and Word editions)

    \b
    Start with:
      briefwright add saved-page.html     put a web page, PDF, Word or Markdown file in the corpus
      briefwright search "only country"   find words in the corpus, with a citation to paste
      briefwright check                   verify every quotation of every brief
      briefwright preview                 see the brief in the browser as you write it
      briefwright build                   build every brief into build/<slug>.pdf
      briefwright status                  which briefs are stale, and which quotations moved
      briefwright templates list          the themes, built-in and yours
    """
    if root != Path("."):
        try:
            os.chdir(root)  # like git -C and make -C: paths on the command line are relative to DIR
        except OSError as error:
            raise click.BadParameter(f"{root}: {error.strerror}", param_hint="-C") from None
    ctx.obj = Workspace.at(".")


def _outlines(workspace: Workspace, given: tuple[Path, ...]) -> list[Path]:
    """The outlines a command works on: those given (inside the workspace), or all of briefs/."""
    from .regen.rebuild import refuse_shared_slugs

    if not given:
        outlines = workspace.outlines()
        if not outlines:
            raise BriefwrightError(f"no outlines in {display_path(workspace.briefs)}/: write one (see README)")
        refuse_shared_slugs(outlines)
        return outlines
    for path in given:
        if not path.is_file():
            raise click.BadParameter(f"{printable(str(path))}: no such file", param_hint="OUTLINE")
        if not path.resolve().is_relative_to(workspace.root):
            raise click.BadParameter(f"{printable(str(path))}: refused: the outline lies outside the workspace "
                                     f"{display_path(workspace.root)}/ (use -C DIR)", param_hint="OUTLINE")
    refuse_shared_slugs(given)
    return list(given)


outline_argument = click.argument("outlines", metavar="[OUTLINE]...", nargs=-1,
                                  type=click.Path(dir_okay=False, path_type=Path))


@main.command(context_settings=CONTEXT)
@outline_argument
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Where to write: a .pdf path for one outline, or a folder. Default: build/.")
@click.option("--format", "formats", default="pdf", show_default=True, metavar="pdf,html,docx",
              help="The editions to write, comma-separated: pdf, html (the web edition, build/<slug>.html) and "
                   "docx (the Word edition, with real footnotes). The PDF is always written: the lock is its record.")
@click.option("--html", is_flag=True, help="Also write the print HTML, build/<slug>.print.html (to inspect or "
                                           "restyle what WeasyPrint lays out).")
@click.option("--paper", type=click.Choice(list(PAPER_SIZES), case_sensitive=False),
              help="Paper size, overriding the theme's paper setting (default a4).")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS),
              help="ua-1: a tagged, accessible PDF/UA-1. a-3b: an archival PDF/A-3b carrying its outline "
                   "and lock. Default: the outline's pdf_variant, then the theme's, else a plain PDF.")
@click.option("--report", is_flag=True, help="Also print, per brief, the notes on each page, the layout passes, "
                                              "the time of each stage and the typographic findings.")
@click.option("--force", is_flag=True, help="Rebuild every brief, stale or not.")
@click.option("--accept", is_flag=True,
              help="Take today's source text for edited quotations (rewriting them in the outline).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Build in N processes. Default: the number of cores.")
@click.pass_obj
def build(workspace: Workspace, outlines: tuple[Path, ...], output: Path | None, formats: str, html: bool,
          paper: str | None,
          pdf_variant: str | None, report: bool, force: bool, accept: bool, jobs: int | None) -> None:
    """Build the stale briefs into PDFs (default: every outline in briefs/).

    A brief is stale when an input changed since its last build (see
    briefwright status); --force rebuilds regardless. Each build writes the PDF
    and then the brief's lock, briefs/<slug>.lock. Quotations are compared with
    the lock: a moved one follows its paragraph (where the outline writes the
    number, as in para. 12, --accept updates it); an edited, ambiguous or gone
    one fails its brief (--accept takes edited text). A brief with problems is
    reported and left untouched; the others still build. Exits 1 if any failed.

    After layout every footnote is checked to begin on the page of its call (the
    layout is repaired where one does not, and the brief fails if it cannot be),
    and the pages are checked for widows, orphans, stranded headings, split boxes,
    hyphenation and overfull lines.

    \b
    Examples:
      briefwright build
      briefwright build -j 2 --force
      briefwright build briefs/azerbaijan-pakistan-turkey.yaml --html --report
      briefwright build --format pdf,html,docx
      briefwright build briefs/azerbaijan-pakistan-turkey.yaml -o out/brief.pdf --paper letter
      briefwright build --accept
      briefwright build --pdf-variant a-3b -o archive/ --force
    """
    from .build import BuildOptions
    from .regen.rebuild import build_stale
    from .regen.report import BUILT, FAILED, FRESH

    paths = _outlines(workspace, outlines)
    if output and len(paths) > 1 and output.suffix.lower() == ".pdf":
        raise click.BadParameter("with several outlines, -o must be a folder", param_hint="-o")
    options = BuildOptions(output=output, html=html, paper=paper.lower() if paper else None,
                           pdf_variant=pdf_variant, formats=_formats(formats))
    progress = BuildProgress(report)
    outcomes = build_stale(workspace, paths, options, force=force, accept=accept, jobs=jobs,
                           on_outcome=progress.report, on_start=progress.start)
    progress.finish()
    counts = Counter(outcome.status for outcome in outcomes)
    click.echo(f"{counts[BUILT]} built, {counts[FRESH]} up to date, {counts[FAILED]} failed")
    if counts[FAILED]:
        raise SystemExit(1)


def _formats(text: str) -> tuple[str, ...]:
    """The editions `--format` names, in the order of FORMATS; bad usage for an unknown one."""
    named = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [name for name in named if name not in FORMATS]
    if unknown or not named:
        raise click.BadParameter(f"{', '.join(unknown) or 'nothing'}: give one or more of {', '.join(FORMATS)}, "
                                 "separated by commas", param_hint="--format")
    return tuple(name for name in FORMATS if name in named or name == "pdf")


class BuildProgress:
    """A progress bar on a terminal, plain lines otherwise; messages as each brief finishes."""

    def __init__(self, full_report: bool = False):
        self.bar = None
        self.full_report = full_report  # --report: the page-by-page account after each summary

    def start(self, count: int) -> None:
        if count > 1 and sys.stdout.isatty():
            self.bar = click.progressbar(length=count, label="building", file=sys.stdout)
            self.bar.__enter__()

    def report(self, outcome) -> None:   # a regen.report.Outcome
        from .regen.report import FRESH, outcome_lines

        if outcome.status == FRESH:
            return
        if self.bar is not None:
            click.echo("\r\033[K", nl=False)
        for line, to_stderr in outcome_lines(outcome, self.full_report):
            click.echo(line, err=to_stderr)
        if self.bar is not None:
            self.bar.update(1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command(context_settings=CONTEXT)
@outline_argument
@click.option("--json", "as_json", is_flag=True, help="Print the same as JSON.")
@click.option("--check", "strict", is_flag=True, help="Exit 1 if any brief is stale or never built (for CI).")
@click.option("--paper", type=click.Choice(list(PAPER_SIZES), case_sensitive=False),
              help="The paper size the build would be given (as build --paper).")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), help="The PDF variant the build would be given.")
@click.pass_obj
def status(workspace: Workspace, outlines: tuple[Path, ...], as_json: bool, strict: bool, paper: str | None,
           pdf_variant: str | None) -> None:
    """Say which briefs are up to date, never built or stale, and why.

    For a stale brief: which inputs changed (outline, source X, catalog entry X,
    template Y, style, version, options, the PDF), then each quotation whose
    source changed and is not unchanged, with its class: moved, edited,
    ambiguous or gone.

    \b
    Examples:
      briefwright status
      briefwright status --check         exit 1 if anything is stale
      briefwright status --json
    """
    from .build import BuildOptions
    from .regen.freshness import UP_TO_DATE
    from .regen.status import brief_status

    options = BuildOptions(paper=paper.lower() if paper else None, pdf_variant=pdf_variant)
    reports = brief_status(workspace, _outlines(workspace, outlines), options)
    if as_json:
        click.echo(printable(json.dumps([r.as_data() for r in reports], indent=2, ensure_ascii=False), as_json=True))
    else:
        for report in reports:
            for line in report.lines():
                click.echo(line)
    if strict and any(r.state != UP_TO_DATE for r in reports):
        raise SystemExit(1)


@main.command(context_settings=CONTEXT)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Build in N processes. Default: the number of cores.")
@click.pass_obj
def watch(workspace: Workspace, jobs: int | None) -> None:
    """Rebuild the affected briefs whenever a source, outline, catalog or template changes.

    Builds what is stale first, then waits for changes in seeds/, briefs/ and
    templates/. Each rebuild and each problem is reported; a bad edit is
    reported and watching goes on. Stop with Ctrl-C.

    \b
    Example:
      briefwright watch
    """
    from .build import BuildOptions
    from .regen.watch import watch_workspace

    watch_workspace(workspace, BuildOptions(), jobs=jobs, echo=click.echo)


@main.command(context_settings=CONTEXT)
@outline_argument
@click.pass_obj
def check(workspace: Workspace, outlines: tuple[Path, ...]) -> None:
    """Check outlines without rendering: every key, source, locator and quotation.

    Prints every problem as FILE:LINE:COLUMN: error: MESSAGE, with the nearest
    passage for a quotation that is not found. Quotations are also compared with
    the brief's lock, as build does (moved, edited, ambiguous, gone). Exits 1 if
    anything is wrong.

    \b
    Examples:
      briefwright check
      briefwright check briefs/azerbaijan-pakistan-turkey.yaml
    """
    from .build import check_briefs
    from .render.citations import is_note_style

    failed = False
    for path, outcome in check_briefs(workspace, _outlines(workspace, outlines)):
        if isinstance(outcome, BriefwrightError):
            failed = True
            click.echo(outcome.format_message(), err=True)
            continue
        for warning in outcome.warnings:
            click.echo(str(warning), err=True)
        for drift in outcome.drifts:
            click.echo(printable(f"{drift.position}: note: {drift.message()}"), err=True)
        sources = len({i.source_id for n in outcome.notes for i in n.items})
        cited = plural(len(outcome.notes), "note" if is_note_style(outcome.style) else "citation")
        click.echo(printable(f"{display_path(path)}: ok, {cited} from {plural(sources, 'source')}"))
    if failed:
        raise SystemExit(1)


@main.command(context_settings=CONTEXT)
@click.option("--style", default=DEFAULT_STYLE, show_default=True, help="CSL style for the short citation.")
@click.pass_obj
def sources(workspace: Workspace, style: str) -> None:
    """List the catalog: id, short citation, paragraphs and file of every source.

    Warns about corpus files without a catalog entry (citable by their file's
    stem, but without bibliographic data) and entries whose file is missing.

    \b
    Example:
      briefwright sources
    """
    from .corpus.lookup import catalog_rows
    from .corpus.sources import load_corpus

    corpus = load_corpus(workspace, lazy=True)
    rows = catalog_rows(corpus, workspace, style, warn=lambda message: click.echo(f"warning: {message}", err=True))
    width = max((len(r.id) for r in rows), default=2)
    listing = "".join(f"{row.id:<{width}}  {row.short}  ({row.paragraphs} paras., seeds/{row.file.name})\n"
                      for row in rows)
    click.echo(listing, nl=False)
    for warning in corpus.warnings.problems:
        click.echo(str(warning), err=True)
    from .corpus.adding import outdated_extractions
    for line in outdated_extractions(corpus):
        click.echo(f"warning: {line}", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("source_id", metavar="ID")
@click.option("--para", "para", metavar="N[-M]", help="Show only paragraph N (or N-M).")
@click.pass_obj
def show(workspace: Workspace, source_id: str, para: str | None) -> None:
    """Print a source with its paragraph numbers, as locators count them.

    \b
    Examples:
      briefwright show trt-2021
      briefwright show kazimbeyli-2017 --para 15
      briefwright show avdaliani-2020 --para 6-7
    """
    from .corpus.sources import load_corpus

    corpus = load_corpus(workspace, lazy=True)  # reads only the source shown
    source = corpus.find(source_id)
    if source is None and source_id in corpus.broken:
        raise BriefwrightError(f"source {source_id!r}: {corpus.broken[source_id]}")
    if source is None:
        raise BriefwrightError(f"unknown source {source_id!r}; see briefwright sources")
    if not source.paragraphs:
        click.echo(f"{source.id} is empty: seeds/{source.path.name} has no text")
        return
    first, last = _paragraph_range(para, len(source.paragraphs))
    width = shutil.get_terminal_size((100, 20)).columns
    page = None
    for paragraph in source.paragraphs[first - 1:last]:
        if paragraph.page is not None and paragraph.page != page:
            page = paragraph.page
            click.echo(f"— p. {page} —")
        label = f"{paragraph.number:>4}  "
        click.echo(textwrap.fill(printable(paragraph.text.strip()), width=max(40, width - 1), initial_indent=label,
                                 subsequent_indent=" " * len(label)))


def _paragraph_range(para: str | None, count: int) -> tuple[int, int]:
    from .corpus.passages import parse_paragraph_range, reversed_range

    if para is None:
        return 1, count
    paragraphs = parse_paragraph_range(para)
    if paragraphs is None and (turned := reversed_range(para)):
        raise click.BadParameter(f"{para!r} runs backwards: write {turned[0]}-{turned[1]}", param_hint="--para")
    if paragraphs is None:
        raise click.BadParameter(f"{para!r} is not N or N-M", param_hint="--para")
    if paragraphs[1] > count:
        raise click.BadParameter(f"the source has paragraphs 1–{count}", param_hint="--para")
    return paragraphs


@main.command(context_settings=CONTEXT)
@click.argument("text")
@click.option("--source", "source_id", metavar="ID", help="Search only this source (its id or file stem).")
@click.option("--case-sensitive", is_flag=True, help="Match letters' case too, as quotations are checked.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, metavar="N",
              help="Show at most N passages, the best first.")
@click.pass_obj
def search(workspace: Workspace, text: str, source_id: str | None, case_sensitive: bool, limit: int) -> None:
    """Find passages containing TEXT, best first, each with a citation ready to paste.

    TEXT is matched as a phrase, as quotations are: its words in order, whole
    words only; curly and straight quotes, dashes, spaces and ... are treated
    alike; ... skips words within a paragraph. Case is ignored unless
    --case-sensitive. Passages are ranked by relevance (bm25) through an index
    kept in .briefwright/ (built on first use, then updated as files change);
    every passage shown is checked against the source file itself.

    The citation is evidence, [@id "words"]: a footnote whose locator is
    computed from the words, which are not printed. To print the words as a
    quotation, write "words"[@id] instead.

    \b
    Examples:
      briefwright search "only country"
      briefwright search JF-17 --limit 5
      briefwright search "defense ... Pakistan" --source kazimbeyli-2017
    """
    from .corpus.lookup import search_workspace

    if not re.search(r"\w", text):
        raise click.BadParameter("give words to look for, e.g. briefwright search \"only country\"",
                                 param_hint="TEXT")
    try:
        result = search_workspace(workspace, text, source_id, case_sensitive=case_sensitive, limit=limit,
                                  warn=lambda message: click.echo(f"warning: {message}", err=True),
                                  progress=_index_progress)
    except LookupError:
        raise BriefwrightError(f"unknown source {source_id!r}; see briefwright sources") from None
    for hit in result.hits:
        click.echo(printable(f"{hit.source_id}, para. {hit.paragraph}: {hit.context}"))
        for line in _citation_advice(hit):
            click.echo(printable(line))
    if not result.hits:
        click.echo(f"no passage contains {text!r}", err=True)
        raise SystemExit(1)
    if result.more:
        shown = "the first passage only" if limit == 1 else f"the first {limit} passages"
        click.echo(f"({shown}; --limit N shows more)", err=True)


def _index_progress(count: int):
    """A progress bar on stderr for a long index build, only on a terminal."""
    if not sys.stderr.isatty():
        return None
    bar = click.progressbar(length=count, label="indexing the corpus", file=sys.stderr)

    def advance(done: int, total: int) -> None:
        bar.pos = done - 1
        bar.length = total
        bar.update(1)
        if done == total:
            bar.render_finish()

    return advance


def _citation_advice(hit) -> list[str]:
    """How to cite a hit: as evidence (checked, not printed), or as a quotation printed in the text.

    Where the words occur more than once in the source, the citation names the paragraph instead.
    """
    if not hit.citation.startswith(f'[@{hit.source_id} "'):
        return [f"    cite as: {hit.citation}"]
    return [f"    cite as: {hit.citation}   (evidence: the words are checked, not printed)",
            f"    to print the words: \"{hit.matched}\"[@{hit.source_id}]"]


@main.group(context_settings=CONTEXT)
def templates() -> None:
    """List, create and inspect themes (the built-in ones and those in templates/).

    \b
    Examples:
      briefwright templates list
      briefwright templates init my-institute --from policy-brief
      briefwright templates show my-institute
    """


@templates.command("list", context_settings=CONTEXT)
@click.pass_obj
def templates_list(workspace: Workspace) -> None:
    """List the themes found: name, where each comes from, what it extends.

    Origin is built-in (inside briefwright), workspace (templates/NAME/) or
    both (the workspace's files replace the built-in ones of the same name).

    \b
    Example:
      briefwright templates list
    """
    from .render.theme_init import theme_table

    for line in theme_table(workspace):
        click.echo(line)


@templates.command("init", context_settings=CONTEXT)
@click.argument("name")
@click.option("--from", "base", default="policy-brief", show_default=True, metavar="THEME",
              help="The theme to extend.")
@click.pass_obj
def templates_init(workspace: Workspace, name: str, base: str) -> None:
    """Create templates/NAME/: a theme extending THEME, ready to edit and to build.

    Writes theme.yaml (every setting, commented, with the value it inherits),
    brief.html (extends THEME's page; commented copies of the blocks one
    usually changes) and brief.css (rules added after THEME's). Refuses to
    overwrite an existing folder. Use it with `template: NAME` in an outline.

    \b
    Examples:
      briefwright templates init my-institute
      briefwright templates init my-note --from briefing-note
    """
    from .render.theme_init import init_theme

    for path in init_theme(workspace, name, base):
        click.echo(f"wrote {display_path(path)}")
    click.echo(f"use it with 'template: {name}' in an outline; see: briefwright templates show {name}")


@templates.command("show", context_settings=CONTEXT)
@click.argument("theme_name", metavar="THEME")
@click.pass_obj
def templates_show(workspace: Workspace, theme_name: str) -> None:
    """Show a theme's chain and every setting: its value and where it comes from.

    \b
    Example:
      briefwright templates show briefing-note
    """
    from .render.theme_init import theme_description

    for line in theme_description(workspace, theme_name):
        click.echo(line)


# --- sources in: add, refresh -------------------------------------------------------------

@main.command(context_settings=CONTEXT)
@click.argument("targets", metavar="PATH|URL...", nargs=-1, required=True)
@click.option("--id", "source_id", metavar="ID", help="The source's id (one document only). Default: family-year "
                                                       "of its author and date (e.g. kazimbeyli-2017), made unique.")
@click.pass_obj
def add(workspace: Workspace, targets: tuple[str, ...], source_id: str | None) -> None:
    """Add documents to the corpus: saved web pages, PDFs, Word files, Markdown or text.

    For each, writes seeds/ID.txt (the document's own paragraphs, one a line; a PDF's
    pages as lines \\f<label>, e.g. \\f41), keeps the original byte for byte as
    seeds/originals/ID.<ext>, and appends a catalog entry to seeds/sources.yaml
    from the document's metadata, saying what it could not find. A folder stands
    for every document in it (and its subfolders). A URL (http or https only) is
    fetched, with time and size limits. Adding the same file again changes nothing;
    a changed file updates the text (the previous original is kept in
    seeds/originals/history/) and the briefs it makes stale are listed. A document
    that cannot be added is reported and the others are added; then it exits 1.

    \b
    Examples:
      briefwright add ~/Downloads/article.html
      briefwright add reports/journal-article.pdf --id aliyeva-2017
      briefwright add ~/Downloads/caucasus-reports/
      briefwright add https://www.example.org/analysis
    """
    from .corpus.adding import add_source, added_lines, targets_in
    from .corpus.sources import ID_PATTERN

    if source_id is not None and not ID_PATTERN.fullmatch(source_id):
        raise click.BadParameter(f"{source_id!r}: an id is letters, digits and - _ : .", param_hint="--id")
    documents = targets_in(list(targets))
    if source_id is not None and len(documents) > 1:
        raise click.BadParameter(f"one id for {len(documents)} documents: add them without --id, "
                                 "or one at a time", param_hint="--id")
    states, failed = Counter(), []
    for number, target in enumerate(documents, start=1):
        if len(documents) > 1:
            click.echo(f"[{number}/{len(documents)}] {printable(target)}")
        try:
            added = add_source(workspace, target, source_id)
        except BriefwrightError as error:
            if len(documents) == 1:
                raise
            click.echo(f"error: {error.format_message()}", err=True)
            failed.append(target)
            continue
        states[added.state] += 1
        for line in added_lines(workspace, added):
            click.echo(line)
    if len(documents) > 1:
        done = ", ".join(f"{count} {state}" for state, count in states.items())
        click.echo(f"{done}{', ' if done else ''}{len(failed)} failed" if failed else done)
    if failed:
        raise SystemExit(1)


@main.command(context_settings=CONTEXT)
@click.argument("source_ids", metavar="[ID]...", nargs=-1)
@click.option("--allow-private", is_flag=True,
              help="Also fetch URLs whose host is a loopback, private or link-local address.")
@click.pass_obj
def refresh(workspace: Workspace, source_ids: tuple[str, ...], allow_private: bool) -> None:
    """Re-fetch the sources added from a URL (or those named), and say what changed.

    Each source's URL is fetched again (time and size limits, http(s) only, at
    most 5 redirects), re-extracted and, if it changed, its text is updated and
    the previous original kept in seeds/originals/history/. Then, for each brief
    made stale, what briefwright status says: each quotation that moved, was
    edited (with the word diff), became ambiguous or is gone. URLs on loopback,
    private or link-local addresses are refused unless --allow-private. Exits 1
    if a source could not be fetched.

    \b
    Examples:
      briefwright refresh
      briefwright refresh serjeant-2020
      briefwright refresh --allow-private intranet-2024
    """
    from .corpus.adding import refresh_lines, refresh_sources

    results = refresh_sources(workspace, source_ids, allow_private=allow_private)
    for line, to_stderr in refresh_lines(workspace, results):
        click.echo(line, err=to_stderr)
    if any(result.error for result in results):
        raise SystemExit(1)


# --- the catalog: import ----------------------------------------------------------------

@main.group(context_settings=CONTEXT)
def catalog() -> None:
    """Work on the catalog, seeds/sources.yaml.

    \b
    Example:
      briefwright catalog import ~/zotero/library.bib
    """


@catalog.command("import", context_settings=CONTEXT)
@click.argument("bibliography", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def catalog_import(workspace: Workspace, bibliography: Path) -> None:
    """Merge a Zotero / Better BibTeX export (.bib) or a CSL-JSON file (.json) into the catalog.

    Entries are read by pandoc's own BibTeX, BibLaTeX or CSL-JSON reader. A new
    id is appended to seeds/sources.yaml (its comments and entries stay as they
    are); an id already there keeps the catalog's values and every differing
    field is reported. An entry's attached file (Zotero's `file` field) inside the
    workspace is added as with briefwright add; otherwise the entry names
    seeds/<id>.txt, to be added later.

    \b
    Examples:
      briefwright catalog import ~/zotero/library.bib
      briefwright catalog import export.json
    """
    from .corpus.catalog_import import import_catalog

    result = import_catalog(workspace, bibliography)
    for line in _each_or_counted(result.added, "added to seeds/sources.yaml"):
        click.echo(line)
    for line in result.files:
        click.echo(line)
    for line in _each_or_counted(result.same, "already in the catalog, the same"):
        click.echo(line)
    for line in result.conflicts + result.refused:
        click.echo(f"conflict: {line}" if line in result.conflicts else f"refused: {line}", err=True)
    click.echo(f"{len(result.added)} added, {len(result.same)} already there, {len(result.conflicts)} conflicts")

def _each_or_counted(ids: list[str], what: str, most: int = 20) -> list[str]:
    """A line per id, or for a library's thousands one line naming the first few."""
    if len(ids) <= most:
        return [f"{entry_id}: {what}" for entry_id in ids]
    return [f"{len(ids):,} entries {what}: {first_few(ids)}"]


@main.command(context_settings=CONTEXT)
@click.argument("outline", required=False, type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="The port on 127.0.0.1 (0: any free port).")
@click.pass_obj
def preview(workspace: Workspace, outline: Path | None, port: int) -> None:
    """Preview a brief live in the browser at http://127.0.0.1:PORT/ (default: the first outline in briefs/).

    The page shows the brief as HTML at once, then as PDF when it is laid out,
    and updates itself whenever the outline, a source, the catalog or a
    template changes; problems appear in its place. Each note links to a view of
    its source with the quoted passage marked, and a panel lists every
    quotation with its status. Serves on 127.0.0.1 only, never touches the
    network; Ctrl-C stops it.

    \b
    Examples:
      briefwright preview
      briefwright preview briefs/azerbaijan-pakistan-turkey.yaml --port 8800
    """
    from .preview.server import serve
    from .preview.session import PreviewSession

    paths = _outlines(workspace, (outline,) if outline else ())
    try:
        serve(PreviewSession(workspace, paths[0]), port, click.echo)
    except OSError as error:
        raise click.UsageError(f"cannot serve on 127.0.0.1:{port}: {error.strerror or error}") from None
