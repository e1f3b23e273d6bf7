"""Hyphenation as an editor wants it: American patterns for `en`, and words never broken.

WeasyPrint hyphenates with pyphen's patterns for the element's language, and
pyphen's `en` patterns are British ("vis-ion"). `prepare` changes the parsed
HTML before layout, so any theme gets it: a document in plain `en` is hyphenated
as `en-US`. The `<html>` element keeps the outline's tag, which is the PDF's
language, and its style sets WeasyPrint's language property to `en-US`, which
everything inherits, the running heads and feet too (page margin boxes descend
from `<html>`, not `<body>`); `en-GB`, `en-US` and other tags are left as they are.

Two kinds of words are never broken: capitalised words (proper nouns: "Turkey",
"Nagorno-Karabakh") and the last word of each paragraph, list item and quotation
("agreements”", found behind closing marks, the editor's punctuation and a note
call). `prepare` returns the last words; inside `kept_whole(words)` WeasyPrint's
hyphenation dictionaries refuse both kinds (a typed hyphen still allows a line
break). Nothing is wrapped in a span: every inline box in a paragraph is a place
where WeasyPrint 70's line breaker may go back too far, which left a justified line
with a few words spread across it ("2017   and   January   2021:   news   report-")
or a line of one word ("who stands" / "with" / "it attains … backing").

Notes (`.fn`) are left alone: the themes set them with `hyphens: manual` already.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from xml.etree.ElementTree import Element

AMERICAN = {"en": "en-US"}                 # a bare tag, and the patterns it should hyphenate with
PARAGRAPHS = {"p", "li", "dd", "td", "th", "figcaption"}
SKIPPED_TAGS = {"head", "script", "style", "code", "pre"}
SKIPPED_CLASSES = {"fn", "furniture", "fn-call", "note-call"}
WORD = r"[^\W\d_][\w’'\-]*\w"
LAST_WORD = re.compile(rf"({WORD})(\W*)$")
LETTER = re.compile(r"[^\W\d_]")
EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")   # what WeasyPrint may pass around a word: quotes, stops, digits
SHORTEST = 5     # shorter words are never hyphenated anyway (themes: six letters or more)


def prepare(root: Element) -> frozenset[str]:
    """Set the hyphenation language, in place; return the paragraph-final words, never to be broken."""
    body = root.find("body")
    if body is None:
        return frozenset()
    language = (root.get("lang") or "").strip()
    if language.lower() in AMERICAN:
        hyphenated_as = f'-weasy-lang: "{AMERICAN[language.lower()]}"'
        root.set("style", "; ".join(filter(None, [root.get("style"), hyphenated_as])))
    return frozenset(word for paragraph in _paragraphs(body) if (word := last_word(paragraph)))


class CommonWordsOnly:
    """A pyphen dictionary that, while refusing is on, never hyphenates a capitalised word or a last word."""

    def __init__(self, dictionary):
        self.dictionary = dictionary

    def iterate(self, word: str):
        """Yield (start, end) for each place `word` may break, as pyphen does; nothing for "Turkey"."""
        kept = _KEPT_WHOLE.get()
        if kept is not None and (word[:1].isupper() or EDGES.sub("", word) in kept):
            return iter(())
        return self.dictionary.iterate(word)


_KEPT_WHOLE: ContextVar[frozenset[str] | None] = ContextVar("words_kept_whole", default=None)
_installed: bool | None = None


@contextmanager
def kept_whole(last_words: frozenset[str] = frozenset()):
    """Inside this block (in this thread), automatic hyphenation leaves capitalised words and `last_words` whole.

    WeasyPrint 70 builds its dictionaries with `pyphen.Pyphen` looked up in its
    `text.line_break` module, and asks them only `iterate(word)`: that module's
    `pyphen` is replaced, once, by one whose `Pyphen` wraps each dictionary in
    `CommonWordsOnly`. Another WeasyPrint is left as it is (the typographic
    check still reports a hyphenated proper noun or a final fragment).
    """
    _install()
    token = _KEPT_WHOLE.set(frozenset(last_words))
    try:
        yield
    finally:
        _KEPT_WHOLE.reset(token)


def _install() -> bool:
    global _installed
    if _installed is None:
        from weasyprint.text import line_break

        pyphen = getattr(line_break, "pyphen", None)
        _installed = pyphen is not None and hasattr(pyphen, "Pyphen") and hasattr(pyphen, "language_fallback")
        if _installed:
            line_break.pyphen = SimpleNamespace(
                language_fallback=pyphen.language_fallback,
                Pyphen=lambda **options: CommonWordsOnly(pyphen.Pyphen(**options)))
    return _installed


def _skipped(element: Element) -> bool:
    classes = set((element.get("class") or "").split())
    return element.tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES)


def _paragraphs(element: Element):
    if _skipped(element):
        return
    if element.tag in PARAGRAPHS or "quotation" in (element.get("class") or "").split():
        yield element
    for child in element:
        yield from _paragraphs(child)


def text_runs(element: Element):
    """Yield each run of text inside `element`, in document order: an element's text, then each child's tail.

    Text inside skipped elements (notes, note calls) is not yielded, their tails are.
    """
    if _skipped(element):
        return
    yield element.text or ""
    for child in element:
        yield from text_runs(child)
        yield child.tail or ""


def last_word(paragraph: Element) -> str | None:
    """The paragraph's last word (if long enough to hyphenate), looking behind what may follow it:
    closing marks, the editor's punctuation, a note call (its number is skipped, as notes are)."""
    for text in reversed(list(text_runs(paragraph))):
        if LETTER.search(text):
            match = LAST_WORD.search(text)
            return match[1] if match and len(match[1]) >= SHORTEST else None
    return None
