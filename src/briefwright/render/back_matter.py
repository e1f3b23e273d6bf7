"""Back matter: about the authors, series and number, licence, and "Cite this brief as …".

A brief that gives any of `about:`, `series:`, `number:` or `licence:` ends with a
back matter block. Its suggested citation is the brief's own CSL entry
(`brief_reference`: a report with its authors, title, series and number, publisher
and date), formatted by pandoc's citeproc in the brief's CSL style
(citations.format_reference), so it reads like the brief's other references.
`back_matter_view` is what the templates (back-matter.html) print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from markupsafe import Markup

from .citations import FormattedCitations, format_reference
from ..outline.reader import Outline

BRIEF_ID = "this-brief"
_CREATIVE_COMMONS = re.compile(r"CC[ -](BY(?:-NC)?(?:-SA|-ND)?)[ -](\d\.\d)", re.IGNORECASE)


@dataclass
class BackMatterView:
    about: list[Markup] = field(default_factory=list)   # paragraphs about the authors, with their note calls
    series: str | None = None
    number: str | None = None
    licence: str | None = None
    licence_url: str | None = None                      # the Creative Commons deed, for a CC licence
    citation: Markup | None = None                      # "Cite this brief as …", in the brief's style


def has_back_matter(outline: Outline) -> bool:
    return bool(outline.about or outline.series or outline.number or outline.licence)


def brief_reference(outline: Outline) -> dict:
    """The brief itself as a CSL entry (a report), for its suggested citation."""
    entry = {"id": BRIEF_ID, "type": "report", "title": outline.title}
    if outline.authors:
        entry["author"] = [_csl_name(author.name) for author in outline.authors]
    if outline.publisher:
        entry["publisher"] = outline.publisher
    if outline.date:
        entry["issued"] = {"date-parts": [[outline.date.year, outline.date.month, outline.date.day]]}
    if outline.series or outline.subtitle:
        entry["genre"] = outline.series or outline.subtitle
    if outline.number:
        entry["number"] = outline.number
    return entry


def with_suggested_citation(outline: Outline, citations: FormattedCitations, style: Path) -> FormattedCitations:
    """`citations` with the brief's own reference added, when the brief has back matter to print it in."""
    if not has_back_matter(outline):
        return citations
    text = format_reference(brief_reference(outline), style, outline.lang or "en")
    text = re.sub(r'^<span class="csl-left-margin">.*?</span>(<span class="csl-right-inline">(.*)</span>)?$',
                  lambda m: m[2] or "", text)   # a numeric style's "[1] "
    return replace(citations, suggested=text)


def back_matter_view(outline: Outline, citations: FormattedCitations, render_prose) -> BackMatterView | None:
    if not has_back_matter(outline):
        return None
    cc = _CREATIVE_COMMONS.fullmatch(outline.licence.strip()) if outline.licence else None
    url = f"https://creativecommons.org/licenses/{cc[1].lower()}/{cc[2]}/" if cc else None
    return BackMatterView([render_prose(p) for p in outline.about], outline.series, outline.number,
                          outline.licence, url, Markup(citations.suggested) if citations.suggested else None)


def _csl_name(name: str) -> dict:
    """A CSL name from "Given Family" or "Family, Given"; one word stays whole."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return {"family": family, "given": given}
    given, _, family = name.strip().rpartition(" ")
    return {"family": family, "given": given} if given else {"literal": family}
