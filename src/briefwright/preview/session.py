"""The preview's state: the brief as HTML at once, then as PDF, rebuilt whenever an input changes.

A `PreviewSession` holds one outline's latest `Snapshot`. `refresh` checks the
outline, formats its notes (reusing the last citeproc output while the notes and
their catalog entries are unchanged) and renders the web edition with links to
the source view; the snapshot is then published and waiting clients woken. The
session stays warm: the corpus and its indexes are kept until a file in seeds/
changes, the theme's Jinja environment (compiled templates) until one in
templates/ does. The PDF follows in one background thread, which imports
WeasyPrint once, renders the print HTML and lays out only the newest snapshot,
keeping its fonts and parsed theme CSS (typesetting.py). Problems are kept as
the CLI prints them (`file:line:col: error: …`), and the last good brief stays
for the source view.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..build import CheckedBrief, Pipeline, _epoch
from ..errors import BriefwrightError, ProblemsFound
from ..outline.prose import CiteGroup
from ..regen.lock import lock_path, read_lock
from ..render.back_matter import brief_reference, has_back_matter
from ..render.citations import FormattedCitations, citeproc_item
from ..render.html import brief_context, environment, render_html
from ..render.web import WebNotes, deep_links, media_type, note_passages, render_web
from ..corpus.passages import Passage
from ..verify.matcher import OccurrenceMissing, QuotationAmbiguous, QuotationNotFound
from ..verify.resolver import Resolver
from ..workspace import Workspace


@dataclass
class Snapshot:
    """One state of the brief: its web HTML (or its problems), then its PDF."""

    version: int
    problems: list[str] = field(default_factory=list)
    html: str = ""
    checked: CheckedBrief | None = None
    pipeline: Pipeline | None = None
    passages: dict[int, Passage] = field(default_factory=dict)  # note number → the passage it prints or pulls
    item_passages: dict[tuple[int, int], Passage] = field(default_factory=dict)  # (note, item) → its source's passage
    print_html: str = ""
    seconds: float = 0.0
    pdf: bytes | None = None
    pdf_problem: str | None = None
    pdf_seconds: float = 0.0
    locked: bool = False  # the brief has a lock: its quotations were compared with the last build
    citations: FormattedCitations | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PreviewNotes(WebNotes):
    """The web edition's notes, each followed by links to the source view of every source it cites."""

    def after_note(self, group: CiteGroup) -> Markup:
        links = [Markup(' <a class="source-link" href="/source/{0}?note={1}&amp;item={2}#passage" target="source" '
                        'title="see the passage in {0}">{0}</a>').format(item.source_id, group.number, k)
                 for k, item in enumerate(group.items) if item.source_id]
        return Markup("").join(links) + super().after_note(group)


class PreviewSession:
    """The latest snapshot of one outline, and the warm PDF worker behind it."""

    def __init__(self, workspace: Workspace, outline: Path):
        self.workspace, self.outline = workspace, outline
        self.changed = threading.Condition()
        self.current = Snapshot(0, ["not built yet"])
        self.generation = 0  # counts every change clients hear of: a new snapshot, or its PDF
        self._citations: tuple[str, FormattedCitations] | None = None
        self._pdf_wanted = threading.Event()
        self._stopping = threading.Event()
        self._pdf_thread: threading.Thread | None = None
        self._pipeline: tuple[tuple, Pipeline] | None = None   # (seeds/ as it was, the pipeline)
        self._environments: tuple[tuple, dict] = ((), {})     # (templates/ as it was, theme folders → env)
        self.assets: dict[str, tuple[str, bytes]] = {}  # the brief's fonts and images: name → (media type, bytes)
        self.typesetting = None  # typesetting.WarmTypesetting: the PDF's fonts and parsed theme CSS, kept

    # -- the HTML, at once --------------------------------------------------------

    def refresh(self) -> Snapshot:
        """Check and render the brief now; publish it and ask for its PDF."""
        clock = time.perf_counter()
        snapshot = Snapshot(self.current.version + 1)
        try:
            pipeline = self._warm_pipeline()
            lock = read_lock(lock_path(self.outline))[0]
            checked = pipeline.check(self.outline, lock)
            snapshot.locked = lock is not None
            citations = self._formatted(pipeline, checked)
            snapshot.passages = note_passages(checked.outline)
            snapshot.item_passages = item_passages(checked.notes, snapshot.passages, pipeline.resolver)
            notes = PreviewNotes(citations.notes,
                                 deep_links=deep_links(checked.outline, pipeline.corpus, checked.settings))
            assets: dict[str, tuple[str, bytes]] = {}
            snapshot.html = render_web(checked.outline, checked.notes, citations, checked.theme, checked.settings,
                                       calls=notes, env=self._environment(checked),
                                       asset_url=lambda path, data: _asset_url(assets, path, data))
            self.assets = assets  # only what this brief uses now
            snapshot.checked, snapshot.pipeline, snapshot.citations = checked, pipeline, citations
        except ProblemsFound as error:
            snapshot.problems = [str(problem) for problem in error.problems]
        except BriefwrightError as error:
            snapshot.problems = error.format_message().splitlines()
        except Exception as error:  # noqa: BLE001 - a defect of ours must not end the preview
            snapshot.problems = [f"internal error, please report it: {type(error).__name__}: {error}"]
        snapshot.seconds = time.perf_counter() - clock
        self._publish(snapshot)
        if snapshot.ok:
            self._pdf_wanted.set()
        return snapshot

    def _warm_pipeline(self) -> Pipeline:
        """The pipeline of the last refresh while no file in seeds/ changed; a new one otherwise."""
        seen = fingerprint(self.workspace.seeds)
        if self._pipeline is None or self._pipeline[0] != seen:
            self._pipeline = (seen, Pipeline(self.workspace))
        return self._pipeline[1]

    def _environment(self, checked: CheckedBrief) -> jinja2.Environment:
        """The theme's Jinja environment, kept (with its compiled templates) while templates/ is unchanged.

        Called by the refresh and by the PDF thread: each works on the pair it read, never on one
        the other has just replaced.
        """
        seen, kept = fingerprint(self.workspace.templates), self._environments
        if kept[0] != seen:
            kept = self._environments = (seen, {})
        key = tuple(map(str, checked.theme.folders))
        if key not in kept[1]:
            kept[1][key] = environment(checked.theme)
        return kept[1][key]

    def _formatted(self, pipeline: Pipeline, checked: CheckedBrief) -> FormattedCitations:
        """The notes formatted by citeproc, or the last answer when nothing that shapes them changed."""
        cited = sorted({item.source_id for group in checked.notes for item in group.items if item.source_id})
        outline = checked.outline
        key = hashlib.sha256(json.dumps([
            str(checked.style), checked.style.read_bytes().hex(), outline.lang,
            [[citeproc_item(item, pipeline.corpus) for item in group.items] for group in checked.notes],
            {source_id: pipeline.corpus.find(source_id).csl for source_id in cited},
            brief_reference(outline) if has_back_matter(outline) else None,
        ], default=str, sort_keys=True).encode("utf-8")).hexdigest()
        if self._citations is None or self._citations[0] != key:
            self._citations = (key, pipeline.citations(checked))
        return self._citations[1]

    def _publish(self, snapshot: Snapshot) -> None:
        with self.changed:
            if not snapshot.ok and self.current.checked is not None:  # the source view keeps the last good brief
                snapshot.checked, snapshot.pipeline = self.current.checked, self.current.pipeline
                snapshot.passages, snapshot.locked = self.current.passages, self.current.locked
                snapshot.item_passages = self.current.item_passages
            self.current = snapshot
            self.generation += 1
            self.changed.notify_all()

    def wait_for_change(self, generation: int, timeout: float) -> int:
        """Return the generation once it differs from `generation` (or after `timeout` seconds)."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation != generation or self._stopping.is_set(), timeout)
            return self.generation

    # -- the PDF, in the background ------------------------------------------------

    def start_pdf_worker(self) -> None:
        self._pdf_thread = threading.Thread(target=self._pdf_loop, name="preview-pdf", daemon=True)
        self._pdf_thread.start()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        self._stopping.set()
        self._pdf_wanted.set()
        with self.changed:
            self.changed.notify_all()

    def _pdf_loop(self) -> None:
        from ..render.pdf import PdfOptions, render_pdf  # WeasyPrint: imported once, in this thread
        from .typesetting import WarmTypesetting

        self.typesetting = WarmTypesetting(self.workspace.root)

        while True:
            self._pdf_wanted.wait()
            self._pdf_wanted.clear()
            if self._stopping.is_set():
                return
            snapshot = self.current
            if not snapshot.ok:
                continue
            clock = time.perf_counter()
            try:
                options = PdfOptions(None, _epoch(snapshot.checked.outline),
                                     notes_in_order=snapshot.pipeline.notes_in_order(snapshot.checked))
                pdf, problem = self._render_pdf(snapshot, render_pdf, options), None
            except BriefwrightError as error:
                pdf, problem = None, error.format_message()
            except Exception as error:  # noqa: BLE001
                pdf, problem = None, f"internal error laying out the PDF: {type(error).__name__}: {error}"
            with self.changed:
                if self.current is snapshot:
                    snapshot.pdf, snapshot.pdf_problem = pdf, problem
                    snapshot.pdf_seconds = time.perf_counter() - clock
                    self.generation += 1
                    self.changed.notify_all()

    def _render_pdf(self, snapshot: Snapshot, render_pdf, options) -> bytes:
        """Lay out the snapshot's print HTML, with the warm fonts and parsed theme CSS when they can be kept."""
        checked, citations = snapshot.checked, snapshot.citations
        stylesheet = checked.theme.read_stylesheets() + "\n" + checked.settings.css()
        warm = self.typesetting.options(checked.theme, stylesheet, options)
        if warm is None:  # the build's own path, which reports what is wrong with the stylesheet
            snapshot.print_html = snapshot.pipeline.html(checked, citations)
        else:  # the same HTML without its <style>: the stylesheet comes parsed
            context = brief_context(checked.outline, citations, "", checked.settings, checked.theme.name)
            snapshot.print_html = render_html(self._environment(checked), context)
        return render_pdf(snapshot.print_html, checked.theme, self.workspace.root, warm or options).data


def _asset_url(assets: dict[str, tuple[str, bytes]], path: Path, data: bytes) -> str:
    """Serve a font or image of the brief at a URL named by its hash (the browser keeps it)."""
    name = hashlib.sha256(data).hexdigest()[:32] + path.suffix.lower()
    assets[name] = (media_type(path), data)
    return f"/_/asset/{name}"


def item_passages(notes: list[CiteGroup], passages: dict[int, Passage],
                  resolver: Resolver) -> dict[tuple[int, int], Passage]:
    """The passage of each source a note cites, by (note, item): the first source's printed or pulled
    passage, and the evidence words of any source cited with them (`[@a, para. 2; @b "words"]`)."""
    found = {}
    for group in notes:
        for k, item in enumerate(group.items):
            if k == 0 and group.number in passages:
                found[(group.number, k)] = passages[group.number]
            elif item.evidence is not None and item.source_id:
                try:
                    found[(group.number, k)] = resolver.index(resolver.corpus.find(item.source_id)).find_unique(
                        item.evidence)
                except (QuotationNotFound, QuotationAmbiguous, OccurrenceMissing):  # reported by the check
                    continue
    return found


def fingerprint(folder: Path) -> tuple:
    """Every file below `folder` with its size and modification time: changes when any file does."""
    if not folder.is_dir():
        return ()
    entries = []
    for path in sorted(folder.rglob("*")):
        try:
            info = path.lstat()
        except OSError:
            continue
        entries.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(entries)
