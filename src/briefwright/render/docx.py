"""The Word edition: `build/<slug>.docx`, with real Word footnotes, written by pandoc.

The brief's body is rendered with the theme's `docx.html` (the same Jinja
environment and context as the print and web HTML), each note call a
placeholder `<span class="bw-note">`, each note's HTML in a `<div>` after the
body. One pandoc run reads that HTML, a Lua filter of ours (docx-notes.lua)
puts every note in place of its call as a pandoc `Note`, and pandoc's docx
writer writes the document, styled by the theme's
`docx_reference` (a reference .docx; policy-brief ships one made by
scripts/make-reference-docx.py). pandoc runs with `--sandbox`: it reads only the
files named on its command line, and its clock stands still (the document's dates
are 1970), so the same inputs give the same bytes.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .citations import CitationError, FormattedCitations, pandoc_path
from .html import Notes, brief_context, environment, long_date, render_html
from .theme_settings import ThemeSettings
from .themes import MAX_THEME_BYTES, TemplateProblem, Theme, origin_label
from ..outline.prose import CiteGroup
from ..outline.reader import Outline
from ..workspace import UnsafePath, read_inside

DOCX_TEMPLATE = "docx.html"
NOTES_FILTER = Path(__file__).with_name("docx-notes.lua")
MAX_REFERENCE_BYTES = 5 * MAX_THEME_BYTES * 10


@dataclass(frozen=True)
class PlaceholderNotes(Notes):
    """Note calls as empty spans that pandoc keeps, to be replaced by the notes themselves."""

    def call(self, group: CiteGroup) -> Markup:
        return Markup('<span class="bw-note" data-note="{}"></span>').format(group.number)


def render_docx(outline: Outline, citations: FormattedCitations, theme: Theme, settings: ThemeSettings,
                loaded: list[tuple[str | None, Path]] | None = None) -> bytes:
    """Return the .docx of a resolved brief; with `loaded`, note every theme file read."""
    return start_docx(outline, citations, theme, settings, loaded).result()


def start_docx(outline: Outline, citations: FormattedCitations, theme: Theme, settings: ThemeSettings,
               loaded: list[tuple[str | None, Path]] | None = None) -> "DocxJob":
    """Render the Word edition's HTML and start pandoc on it; `result()` waits for the document.

    pandoc runs in its own process while the caller goes on (a build lays out the PDF
    meanwhile): no thread of ours waits on it, so it never competes for the GIL.
    """
    context = brief_context(outline, citations, "", settings, theme.name, PlaceholderNotes(citations.notes))
    body = render_html(environment(theme, loaded), context, DOCX_TEMPLATE)
    notes_html = "".join(f'<div class="bw-note-text" data-note="{n}">{text}</div>'
                         for n, text in enumerate(citations.notes, start=1))
    document = body.replace("</body>", notes_html + "</body>")
    return DocxJob(document, _metadata(outline), reference_docx(theme, settings, loaded))


def reference_docx(theme: Theme, settings: ThemeSettings, loaded: list | None = None) -> Path | None:
    """The theme's reference document (None: pandoc's own styles), read through the path rules."""
    name = settings["docx_reference"]
    if not name:
        return None
    path = theme.locate(name)
    if path is None:
        if settings.values["docx_reference"].source == "default":  # the default, in a theme that ships none
            return None
        searched = ", ".join(origin_label(f) + "/" for f in theme.folders)
        raise TemplateProblem(f"docx_reference {name!r} not found in the theme folders ({searched})")
    try:
        read_inside(path, path.parent, MAX_REFERENCE_BYTES)
    except UnsafePath as error:
        raise TemplateProblem(f"{origin_label(path.parent)}/{path.name}: {error.reason}") from None
    if loaded is not None:
        loaded.append((f"{path.parent.name}/{path.name}", path))
    return path


def _metadata(outline: Outline) -> list[str]:
    """The document's properties and title block, as pandoc's --metadata options."""
    values = [("title", outline.title), ("lang", outline.lang), ("subtitle", outline.subtitle),
              ("date", long_date(outline.date) if outline.date else None)]
    values += [("author", author.name) for author in outline.authors]
    return [f"--metadata={key}:{value}" for key, value in values if value]


class DocxJob:
    """pandoc writing one Word edition, from an HTML file in a temporary folder of its own."""

    def __init__(self, html: str, metadata: list[str], reference: Path | None):
        self._folder = tempfile.TemporaryDirectory(prefix="briefwright-docx-")
        folder = Path(self._folder.name)
        (folder / "brief.html").write_text(html, encoding="utf-8")
        self._out, self._errors = folder / "brief.docx", open(folder / "errors.txt", "wb")
        command = [str(pandoc_path()), "--sandbox", "--from=html", "--to=docx", f"--lua-filter={NOTES_FILTER}",
                   f"--output={self._out}", *metadata]
        if reference is not None:
            command.append(f"--reference-doc={reference}")
        self._process = subprocess.Popen([*command, str(folder / "brief.html")], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=self._errors)

    def result(self) -> bytes:
        """The document's bytes, once pandoc has written it (raises CitationError if pandoc failed)."""
        try:
            returncode = self._process.wait(timeout=120)
            if returncode != 0:
                message = (self._out.with_name("errors.txt").read_text("utf-8", "replace").strip().splitlines()
                           or ["no message"])[0]
                raise CitationError(f"pandoc failed to write the Word edition: {message}")
            return self._out.read_bytes()
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop pandoc if it still runs, and remove the temporary folder."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._errors.close()
        self._folder.cleanup()
