"""PDFs through pypdfium2: paragraphs per page, labelled with the page's printed number.

pdfium gives the text of each page as positioned runs. From those this module
rebuilds lines, drops running heads, footers and page numbers (lines in the
page's outer bands that are a number, the page's label, or repeat on other
pages), drops footnote calls (small raised digits), reads two-column pages
column by column (a full-width line, such as a title, closes the columns above
it), joins lines into paragraphs (a new one after a vertical gap, a first-line
indent, a change of type size or a short last line), joins words hyphenated at
line ends (keeping the hyphen of a compound, see `_settle_hyphens`) and expands
ligatures. Each page starts with a line `\\f<label>`, the
label from /PageLabels, else the page's number. A paragraph that runs over a page
break is split there, so that each part carries its own page.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

from . import PAGE_MARK, ExtractionError, Extracted, extractor_of
from .metadata import csl_authors, csl_date, split_names

LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
             "\ufb05": "st", "\ufb06": "st"}
LINE_END_HYPHENS = ("\u2010", "\u00ad", "\x02", "\ufffe", "-")
SOFT_HYPHENS = ("\u00ad", "\ufffe")   # only ever the typesetter's: always dropped (pdfium's \x02 may be either)
OPEN_HYPHEN = "\ue000"   # a line-end hyphen before a lower-case letter, settled once the whole text is read
OPEN_JOIN = re.compile(r"(\w+)" + OPEN_HYPHEN + r"(\w+)")
WORD = re.compile(r"\w+(?:[-\u2010]\w+)*")
# prefixes that keep their hyphen before a word the document uses on its own (non-aligned, co-operation);
# `self` keeps it before any word but the suffixes of selfish, selfless, selfsame, selfhood
HYPHENED_PREFIXES = {"self", "non", "co", "ex", "anti", "pro", "pre", "post", "quasi", "semi", "multi", "neo",
                     "cross", "counter", "vice", "well", "all", "half"}
SELF_SUFFIXES = {"ish", "ishly", "ishness", "less", "lessly", "lessness", "same", "hood"}
OUTER_BAND = 0.09          # the top and bottom 9% of a page hold running heads and folios
UNMAPPED = ("\x00", "\ufffd")
NOTE_NUMBER = re.compile(r"\d+[.)]?\s")


@dataclass
class Line:
    left: float
    bottom: float
    right: float
    top: float
    text: str
    size: float = 0.0      # the font size of its first character
    column: str = "span"   # left, right or span

    @property
    def height(self) -> float:
        return self.top - self.bottom


def extract(data: bytes, name: str) -> Extracted:
    import pypdfium2

    document = _open(pypdfium2, data, name)
    try:
        pages = [_page_lines(document[index]) for index in range(len(document))]
        labels = [_label(document, index) for index in range(len(document))]
        metadata = _metadata(document.get_metadata_dict())
    finally:
        document.close()
    if not any(lines for _, lines in pages):
        raise ExtractionError(f"{name}: this PDF has no text layer (a scan?); run OCR on it first, "
                              "or add its text as a .txt")
    furniture = _repeated_outer_lines(pages)
    out: list[str] = []
    for number, ((size, lines), label) in enumerate(zip(pages, labels), start=1):
        _check_mapped(lines, name, label)
        body = [line for line in lines if not _is_furniture(line, size, label, furniture)]
        out.append(PAGE_MARK + label)
        out.extend(_paragraphs(_reading_order(body, size[0])))
    _join_words_over_page_breaks(out)
    return Extracted(_settle_hyphens(out), metadata, extractor_of("pypdfium2"))


def _open(pypdfium2, data: bytes, name: str):
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise ExtractionError(f"{name}: this PDF is encrypted (it needs a password); "
                                  "save an unprotected copy and add that") from None
        raise ExtractionError(f"{name}: not a readable PDF ({error})") from None


def _label(document, index: int) -> str:
    try:
        label = document.get_page_label(index)
    except Exception:  # a broken /PageLabels tree: fall back on the page's number
        label = ""
    label = " ".join((label or "").split())
    return label or str(index + 1)


def _page_lines(page) -> tuple[tuple[float, float], list[Line]]:
    """The page's size and its text runs merged into lines."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    runs = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top).replace("\r", " ").replace("\n", " ")
        if text.strip():
            runs.append(Line(left, bottom, right, top, text.strip(), _font_size(textpage, left, bottom, top)))
    return (width, height), _merge_runs(_drop_note_calls(runs))


def _font_size(textpage, left: float, bottom: float, top: float) -> float:
    import pypdfium2.raw

    index = textpage.get_index(left + 0.5, (bottom + top) / 2, 2, (top - bottom) / 2 + 1)
    size = pypdfium2.raw.FPDFText_GetFontSize(textpage.raw, index) if index is not None and index >= 0 else 0
    return size or (top - bottom)


def _merge_runs(runs: list[Line]) -> list[Line]:
    """Join runs that share a baseline and touch into one line."""
    lines: list[Line] = []
    for run in runs:
        last = lines[-1] if lines else None
        middle = (run.top + run.bottom) / 2
        if last and last.bottom <= middle <= last.top and 0 <= run.left - last.right < 2 * last.height:
            joiner = " " if run.left - last.right > 1.5 else ""
            last.text, last.right = last.text + joiner + run.text, run.right
            last.top, last.bottom = max(last.top, run.top), min(last.bottom, run.bottom)
        else:
            lines.append(run)
    return lines


def _drop_note_calls(lines: list[Line]) -> list[Line]:
    """Remove footnote calls: runs of digits set much smaller than the text."""
    if not lines:
        return lines
    body = statistics.median(line.size for line in lines)
    return [line for line in lines if not (line.text.isdigit() and line.size < 0.8 * body)]


def _check_mapped(lines: list[Line], name: str, label: str) -> None:
    """Refuse a page whose fonts do not map to characters: U+FFFD, NUL or other control characters.

    A font without a usable /ToUnicode map gives glyph numbers instead of letters:
    words shifted into nonsense, with control characters where digits and
    punctuation were. More than one such character in 100 fails the page.
    """
    text = "".join(line.text for line in lines)
    bad = sum(1 for char in text if char in UNMAPPED or (unicodedata.category(char) == "Cc"
                                                          and char not in LINE_END_HYPHENS))
    if bad and bad > len(text) // 100:
        raise ExtractionError(f"{name}: the text of page {label} cannot be read (its fonts do not map "
                              "to characters); add the text as a .txt")


def _outer(line: Line, size: tuple[float, float]) -> bool:
    height = size[1]
    return line.bottom > height * (1 - OUTER_BAND) or line.top < height * OUTER_BAND


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def _repeated_outer_lines(pages) -> set[str]:
    """Shapes (digits as #) of outer-band lines found on more than one page."""
    counts = Counter()
    for size, lines in pages:
        counts.update({_shape(line.text) for line in lines if _outer(line, size)})
    return {shape for shape, count in counts.items() if count > 1}


def _is_furniture(line: Line, size, label: str, repeated: set[str]) -> bool:
    if not _outer(line, size):
        return False
    text = line.text.strip()
    is_folio = text == label or re.fullmatch(r"[\divxlcdmIVXLCDM]+|[-–—]?\s*\d+\s*[-–—]?", text)
    at_top = line.bottom > size[1] * (1 - OUTER_BAND)
    return bool(is_folio) or _shape(text) in repeated or at_top


def _reading_order(lines: list[Line], width: float) -> list[Line]:
    """Lines in reading order: full-width lines in place, columns left then right between them."""
    body, notes = _split_notes(lines)
    middle = width / 2
    for line in body + notes:
        line.column = "left" if line.right <= middle + 2 else "right" if line.left >= middle - 2 else "span"
    ordered, band = [], []
    for line in sorted(body, key=lambda l: -l.top):
        if line.column == "span":
            ordered += _columns(band) + [line]
            band = []
        else:
            band.append(line)
    return ordered + _columns(band) + sorted(notes, key=lambda l: (-l.top, l.left))


def _split_notes(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Separate the footnotes: lines set smaller than the text, below its lowest line."""
    if not lines:
        return lines, []
    body_size = statistics.median(line.size for line in lines)
    text_lines = [line for line in lines if line.size >= 0.9 * body_size]
    lowest = min(line.bottom for line in text_lines)
    notes = [line for line in lines if line.size < 0.9 * body_size and line.top <= lowest]
    return [line for line in lines if line not in notes], notes


def _columns(band: list[Line]) -> list[Line]:
    left = [line for line in band if line.column == "left"]
    right = [line for line in band if line.column == "right"]
    return left + right


def _paragraphs(lines: list[Line]) -> list[str]:
    if not lines:
        return []
    body_size = statistics.median(line.size for line in lines)
    edges = _column_edges(lines)
    paragraphs, current, previous = [], "", None
    for line in lines:
        if previous is not None and _starts_paragraph(previous, line, body_size, edges):
            paragraphs.append(current)
            current = ""
        current = _join(current, _expand(line.text))
        previous = line
    paragraphs.append(current)
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


def _column_edges(lines: list[Line]) -> dict[str, tuple[float, float]]:
    edges = {}
    for column in ("left", "right", "span"):
        members = [line for line in lines if line.column == column]
        if members:
            edges[column] = (min(l.left for l in members), max(l.right for l in members))
    return edges


def _starts_paragraph(previous: Line, line: Line, body_size: float, edges) -> bool:
    left, _ = edges[line.column]
    prev_left, prev_right = edges[previous.column]
    if abs(line.size - previous.size) > 0.1 * body_size:
        return True                                   # a change of type size: heading, notes
    if line.size < 0.9 * body_size and NOTE_NUMBER.match(line.text):
        return True                                   # the next footnote
    if line.left - left > 0.4 * line.size:
        return True                                   # a first-line indent
    text_size = abs(previous.size - body_size) <= 0.1 * body_size
    if text_size and prev_right - previous.right > 0.12 * (prev_right - prev_left):
        return True                                   # the previous line stopped short
    same_column = line.column == previous.column and line.top < previous.bottom + 1
    return same_column and previous.bottom - line.top > 0.9 * line.size   # a vertical gap


def _join_words_over_page_breaks(lines: list[str]) -> None:
    """Move the rest of a word hyphenated at a page's end back onto that page."""
    for index in range(1, len(lines) - 2):
        before, mark, after = lines[index], lines[index + 1], lines[index + 2]
        if not mark.startswith(PAGE_MARK) or before.startswith(PAGE_MARK) or after.startswith(PAGE_MARK):
            continue
        if before.endswith(LINE_END_HYPHENS) and after[:1].islower():
            rest, _, remainder = after.partition(" ")
            lines[index] = _join(before, rest)
            if remainder:
                lines[index + 2] = remainder
            else:
                del lines[index + 2]


def _expand(text: str) -> str:
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    return text


def _join(paragraph: str, text: str) -> str:
    """Append a line, joining a word hyphenated at the previous line's end.

    A soft hyphen goes. Before a capital (Nagorno-/Karabakh) the hyphen is the
    word's own and stays. Before a lower-case letter it may be either (defini-/tions,
    self-/defence): it is marked OPEN_HYPHEN, for `_settle_hyphens` to decide.
    """
    if not paragraph:
        return text
    if paragraph[-1] in LINE_END_HYPHENS and len(paragraph) > 1 and paragraph[-2].isalpha():
        if paragraph[-1] in SOFT_HYPHENS:
            return paragraph[:-1] + text
        return paragraph[:-1] + (OPEN_HYPHEN if text[:1].islower() else "-") + text
    return paragraph + " " + text


def _settle_hyphens(lines: list[str]) -> list[str]:
    """Decide each line-end hyphen before a lower-case letter, with the document as dictionary.

    Joined when the document writes the word solid elsewhere (`relationship`); kept
    when it writes it hyphenated elsewhere (`well-known`), or when the first part is
    a prefix that keeps its hyphen (`self-defence`; `non-aligned` where `aligned` is a
    word of the document); otherwise joined (`defini-tions`, `ex-ample`).
    """
    words = Counter(part.lower().replace("\u2010", "-") for line in lines
                    for word in WORD.findall(OPEN_JOIN.sub(" ", line))   # the words split at line ends left out
                    for part in [word, *re.split("[-\u2010]", word)])

    def settle(match: re.Match) -> str:
        first, second = match[1], match[2]
        prefix, rest = first.lower(), second.lower()
        if words[prefix + rest]:
            return first + second
        compound = words[f"{prefix}-{rest}"] or (prefix == "self" and rest not in SELF_SUFFIXES) or \
            (prefix in HYPHENED_PREFIXES and words[rest] > 0)
        return f"{first}-{second}" if compound else first + second

    return [OPEN_JOIN.sub(settle, line).replace(OPEN_HYPHEN, "") for line in lines]


def _metadata(info: dict) -> dict:
    metadata = {"type": "article-journal"}
    if info.get("Title", "").strip():
        metadata["title"] = " ".join(info["Title"].split())
    if info.get("Author", "").strip():
        metadata["author"] = csl_authors(split_names(info["Author"]))
    if info.get("CreationDate"):
        issued = csl_date(info["CreationDate"])
        if issued:
            metadata["issued"] = issued
    return metadata
