"""Hyphenation as an editor wants it: American patterns for `en`, and words never broken.

WeasyPrint hyphenates with pyphen's patterns for the element's language, and
pyphen's `en` patterns are British ("vis-ion"). `prepare` changes the parsed
HTML before layout, so any theme gets it:

- a document in plain `en` is hyphenated as `en-US`: the `<html>` element keeps the
  outline's tag, which is the PDF's language, and its style sets WeasyPrint's
  language property to `en-US`, which everything inherits, the running heads and
  feet too (page margin boxes descend from `<html>`, not `<body>`); `en-GB`, `en-US`
  and other tags are left as they are;
- the last word of each paragraph, list item and quotation ("agreements”") is
  wrapped in `<span class="unbroken" style="hyphens: manual">`, so it is never
  split by automatic hyphenation (a typed hyphen still allows a line break).

Capitalised words (proper nouns: "Turkey", "Nagorno-Karabakh") are refused where
WeasyPrint looks up the patterns (`capitalised_words_unbroken`), not wrapped in spans:
every inline box in a paragraph is a place where WeasyPrint 70's line breaker
may go back and hyphenate too early, which left a justified line with a few
words spread across it ("2017   and   January   2021:   news   report-").

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
UNBROKEN = {"class": "unbroken", "style": "hyphens: manual"}
WORD = r"[^\W\d_][\w’'\-]*\w"
LAST_WORD = re.compile(rf"({WORD})(\W*)$")
LETTER = re.compile(r"[^\W\d_]")
SHORTEST = 5     # shorter words are never hyphenated anyway (themes: six letters or more)


def prepare(root: Element) -> None:
    """Set the hyphenation language and protect proper nouns and paragraph-final words, in place."""
    body = root.find("body")
    if body is None:
        return
    language = (root.get("lang") or "").strip()
    if language.lower() in AMERICAN:
        hyphenated_as = f'-weasy-lang: "{AMERICAN[language.lower()]}"'
        root.set("style", "; ".join(filter(None, [root.get("style"), hyphenated_as])))
    for paragraph in _paragraphs(body):
        _protect_last_word(paragraph)


class CommonWordsOnly:
    """A pyphen dictionary that never hyphenates a capitalised word (a proper noun) while refusing is on."""

    def __init__(self, dictionary):
        self.dictionary = dictionary

    def iterate(self, word: str):
        """Yield (start, end) for each place `word` may break, as pyphen does; nothing for "Turkey"."""
        if _REFUSING.get() and word[:1].isupper():
            return iter(())
        return self.dictionary.iterate(word)


_REFUSING = ContextVar("refusing_capitalised_words", default=False)
_installed: bool | None = None


@contextmanager
def capitalised_words_unbroken():
    """Inside this block (in this thread), WeasyPrint's automatic hyphenation leaves capitalised words whole.

    WeasyPrint 70 builds its dictionaries with `pyphen.Pyphen` looked up in its
    `text.line_break` module, and asks them only `iterate(word)`: that module's
    `pyphen` is replaced, once, by one whose `Pyphen` wraps each dictionary in
    `CommonWordsOnly`. Another WeasyPrint is left as it is (the typographic
    check still reports a hyphenated proper noun).
    """
    _install()
    token = _REFUSING.set(True)
    try:
        yield
    finally:
        _REFUSING.reset(token)


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
    return element.tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES) or classes == {"unbroken"}


def _paragraphs(element: Element):
    if _skipped(element):
        return
    if element.tag in PARAGRAPHS or "quotation" in (element.get("class") or "").split():
        yield element
    for child in element:
        yield from _paragraphs(child)


def _text_slots(element: Element):
    """Yield (holder, attribute, parent, index) for each run of text inside `element`, in document order.

    A run is `holder.text` (the text before its first child) or a child's `tail`;
    text inside skipped elements (notes) is not yielded, their tails are.
    """
    if _skipped(element):
        return
    yield element, "text", element, 0
    for index, child in enumerate(list(element)):
        yield from _text_slots(child)
        yield child, "tail", element, index + 1


def _protect_last_word(paragraph: Element) -> None:
    """Wrap the paragraph's last word, looking behind what may follow it: closing marks, the
    editor's punctuation, a note call (its number is skipped, as notes are), a word joiner."""
    for holder, attribute, parent, index in reversed(list(_text_slots(paragraph))):
        text = getattr(holder, attribute) or ""
        if LETTER.search(text):
            match = LAST_WORD.search(text)
            if match and len(match[1]) >= SHORTEST:
                _wrap(holder, attribute, parent, index, [match.span(1)])
            return
        if attribute == "tail" and holder.get("class") == UNBROKEN["class"]:
            return   # the last word is protected already (this is a quotation inside a protected paragraph)


def _wrap(holder: Element, attribute: str, parent: Element, index: int, spans: list[tuple[int, int]]) -> None:
    """Cut the text run into pieces and put each of `spans` (start, end) in an unbroken span."""
    text = getattr(holder, attribute)
    setattr(holder, attribute, text[:spans[0][0]])
    for offset, (start, end) in enumerate(spans):
        following = spans[offset + 1][0] if offset + 1 < len(spans) else len(text)
        span = Element("span", dict(UNBROKEN))
        span.text, span.tail = text[start:end], text[end:following]
        parent.insert(index + offset, span)
