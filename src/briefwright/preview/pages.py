"""The preview's pages: the source view, the quotations panel and the problems, as escaped HTML.

The source view shows one cited source paragraph by paragraph, numbered as
locators count them, with the passage a note quotes (or the paragraphs it cites)
marked and given `id="passage"`, so that the link `…#passage` scrolls it into
view; beside it the passage's context, what happened to the source's quotations
since the last build (drift.py's classes), and, for a source with a URL, a link
to the quoted words on the original page (`URL#:~:text=start,end`).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..corpus.sources import Source
from ..render.web import is_web_address, text_fragment_link
from ..corpus.passages import Passage, paragraph_label

def marks_of(source: Source, passage: Passage | None, paragraphs: tuple[int, int] | None) -> dict[int, list]:
    """The character ranges to mark, by paragraph: a passage's words, or whole cited paragraphs."""
    if passage is not None:
        marks = {}
        for number, printed in zip(range(passage.first, passage.last + 1), passage.printed):
            text, cursor, ranges = source.paragraph(number).text, 0, []
            for fragment in printed.split(" … "):
                start = text.find(fragment.strip(), cursor)
                if start < 0:
                    ranges = [(0, len(text))]
                    break
                ranges.append((start, start + len(fragment.strip())))
                cursor = ranges[-1][1]
            marks[number] = ranges
        return marks
    if paragraphs:
        return {n: [(0, len(source.paragraph(n).text))] for n in range(paragraphs[0], paragraphs[1] + 1)}
    return {}


def source_view(source: Source, note: int | None, passage: Passage | None, paragraphs: tuple[int, int] | None,
                drifts: list[str], lock_known: bool) -> str:
    """The page of one source, its cited passage marked."""
    marks = marks_of(source, passage, paragraphs)
    rows, first_mark = [], True
    for paragraph in source.paragraphs:
        html, cursor = Markup(""), 0
        for start, end in marks.get(paragraph.number, []):
            ident = Markup(' id="passage"') if first_mark else Markup("")
            first_mark = False
            html += escape(paragraph.text[cursor:start]) + Markup("<mark{}>{}</mark>").format(
                ident, paragraph.text[start:end])
            cursor = end
        html += escape(paragraph.text[cursor:])
        cited = Markup(' class="cited"') if paragraph.number in marks else Markup("")
        rows.append(Markup('<li value="{0}" id="para-{0}"{1}>{2}</li>').format(paragraph.number, cited, html))
    entry = source.entry or {}
    title = entry.get("title") or source.path.name
    header = [Markup("<h1>{}</h1>").format(title),
              Markup('<p class="meta"><code>{}</code> · {} · {} paragraphs</p>').format(
                  source.id, source.path.name, len(source.paragraphs))]
    if note is not None:
        where = passage.locator if passage else paragraph_label(*paragraphs) if paragraphs else "the whole source"
        header.append(Markup('<p class="cited-by">Note {}: {}</p>').format(note, where))
    if passage is not None and is_web_address(entry.get("URL")):
        header.append(Markup('<p><a class="deep-link" href="{}" rel="noreferrer">the quoted words on the original '
                             'page</a></p>').format(text_fragment_link(entry["URL"], passage.text)))
    if drifts:
        header.append(Markup('<ul class="drift">{}</ul>').format(
            Markup("").join(Markup("<li>{}</li>").format(line) for line in drifts)))
    elif lock_known:
        header.append(Markup('<p class="drift unchanged">unchanged since the last build</p>'))
    return _page(f"{source.id}: source view", Markup("").join(header) + Markup('<ol class="paragraphs">{}</ol>').format(
        Markup("").join(rows)))


def quotations_panel(rows: list[dict]) -> Markup:
    """The list of every citation of the brief with its status: the reviewer's checklist."""
    if not rows:
        return Markup("<p>No citations.</p>")
    items = [Markup('<tr class="{status_class}"><td><a href="{href}" target="source">{note}</a></td><td>{source}</td>'
                    '<td>{where}</td><td>{kind}</td><td>{status}</td></tr>').format(**row) for row in rows]
    return Markup('<table class="quotations"><thead><tr><th>note</th><th>source</th><th>where</th><th>kind</th>'
                  '<th>status</th></tr></thead><tbody>{}</tbody></table>').format(Markup("").join(items))


def problems_html(problems: list[str]) -> Markup:
    return Markup('<ul class="problems">{}</ul>').format(
        Markup("").join(Markup("<li><code>{}</code></li>").format(line) for line in problems))


def _page(title: str, body: Markup) -> str:
    return str(Markup('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{}</title>'
                      '<link rel="stylesheet" href="/_/preview.css"></head><body class="source-view">{}</body></html>'
                      ).format(title, body))
