"""Recording a build: the lock of a brief just built, from what the build actually read."""

from __future__ import annotations

from ..build import BuildOptions, BuildResult, CheckedBrief, Pipeline
from ..outline.reader import Prose
from ..render.citations import is_note_style
from ..render.punctuation import editorial_marks
from .drift import record_citations
from .freshness import current_versions, options_record
from .lock import FileHashes, Lock, Places, entry_hash, sha256


def make_lock(pipeline: Pipeline, checked: CheckedBrief, result: BuildResult, options: BuildOptions,
              started: int | None = None) -> Lock:
    """The lock of a brief just built: every input's hash, each quotation's passage, the PDF's hash.

    The outline's and the sources' hashes are those of the bytes the build read, so
    an edit made while the brief was being built leaves it stale, never "up to date".
    Theme files and the style are read by Jinja, WeasyPrint and pandoc: one modified
    since the build `started` is recorded as changed (see lock.FileHashes).

    Before the PDF exists (the copy a PDF/A carries inside itself) its hash is null.
    """
    workspace, corpus = pipeline.workspace, pipeline.corpus
    places, digest = Places(workspace.root), FileHashes(since=started)
    cited = sorted({item.source_id for note in checked.notes for item in note.items if item.source_id})
    sources = {source_id: corpus.find(source_id) for source_id in cited}
    theme = checked.theme
    folders = theme.search_folders(workspace.templates)
    files = {places.portable(path): name for name, path in result.loaded}
    return Lock(
        outline={"path": places.portable(checked.outline.path), "sha256": checked.outline.sha256},
        pdf={"path": places.portable(result.pdf), "sha256": sha256(result.data) if result.data else None},
        sources={i: {"file": places.portable(s.path), "sha256": s.sha256} for i, s in sources.items()},
        catalog={i: entry_hash(s.entry) for i, s in sources.items()},
        theme={"name": theme.name, "folders": [places.portable(f) for f in folders]},
        files=[{"name": name, "path": path, "sha256": digest(places.local(path))}
               for path, name in sorted(files.items())],
        style={"path": places.portable(checked.style), "sha256": digest(checked.style)},
        data=data_records(checked.outline, places),
        versions=current_versions(),
        options=options_record(options),
        citations=record_citations(checked.outline, lambda i: pipeline.resolver.index(corpus.find(i)),
                                   editorial_marks([b for b in checked.outline.prose() if isinstance(b, Prose)],
                                                   is_note_style(checked.style), checked.outline.lang or "en")),
        outputs={edition: {"path": places.portable(path), "sha256": sha256(data)}
                 for edition, (path, data) in sorted(result.editions.items())},
        extractors=extractors_of(sources),
    )


def data_records(outline, places: Places) -> list[dict]:
    """The images and CSV files the outline's blocks read: each once, with the SHA-256 of the bytes read."""
    records = {places.portable(file.path): file.sha256 for file in outline.data_files()}
    return [{"path": path, "sha256": digest} for path, digest in sorted(records.items())]


def extractors_of(sources: dict) -> dict[str, str]:
    """What extracted the text of each imported source among `sources` (`trafilatura 2.3.0`).

    Hand-made sources have none, so the lock of a brief citing only them keeps its bytes.
    """
    return {source_id: source.entry["extractor"] for source_id, source in sorted(sources.items())
            if source is not None and isinstance((source.entry or {}).get("extractor"), str)}
