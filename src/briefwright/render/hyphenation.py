"""Hyphenation as an editor wants it: American patterns for `en`, and words never broken.

WeasyPrint hyphenates with pyphen's patterns for the element's language, and
pyphen's `en` patterns are British ("vis-ion"). `prepare` changes the parsed
HTML before layout, so any theme gets it:

- a document in plain `en` is hyphenated as `en-US` (the `<body>` says so; the
  `<html>` element keeps the outline's tag, which is the PDF's language), while
  `en-GB`, `en-US` and other tags are left as they are;
- capitalised words (proper nouns: "Turkey", "Nagorno-Karabakh") and the last
  word of each paragraph, list item and quotation ("agreements”") are wrapped in
  `<span class="unbroken" style="hyphens: manual">`, so they are never split by
  automatic hyphenation (a typed hyphen still allows a line break).

Notes (`.fn`) are left alone: the themes set them with `hyphens: manual` already.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

AMERICAN = {"en": "en-US"}                 # a bare tag, and the patterns it should hyphenate with
PARAGRAPHS = {"p", "li", "dd", "td", "th", "figcaption"}
SKIPPED_TAGS = {"head", "script", "style", "code", "pre"}
SKIPPED_CLASSES = {"fn", "furniture"}
UNBROKEN = {"class": "unbroken", "style": "hyphens: manual"}
WORD = r"[^\W\d_][\w’'\-]*\w"
PROPER_NOUN = re.compile(rf"(?<![\w’'\-])[A-Z][\w’'\-]*\w")
LAST_WORD = re.compile(rf"({WORD})(\W*)$")
SHORTEST = 5     # shorter words are never hyphenated anyway (themes: six letters or more)


def prepare(root: Element) -> None:
    """Set the hyphenation language and protect proper nouns and paragraph-final words, in place."""
    body = root.find("body")
    if body is None:
        return
    language = (root.get("lang") or "").strip()
    if language.lower() in AMERICAN and not body.get("lang"):
        body.set("lang", AMERICAN[language.lower()])
    for paragraph in _paragraphs(body):
        _protect_last_word(paragraph)
    _protect_proper_nouns(body)


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
    for holder, attribute, parent, index in reversed(list(_text_slots(paragraph))):
        text = getattr(holder, attribute) or ""
        if text.strip():
            match = LAST_WORD.search(text)
            if match and len(match[1]) >= SHORTEST:
                _wrap(holder, attribute, parent, index, [match.span(1)])
            return


def _protect_proper_nouns(body: Element) -> None:
    for holder, attribute, parent, index in reversed(list(_text_slots(body))):  # from the end: indexes hold
        text = getattr(holder, attribute) or ""
        spans = [m.span() for m in PROPER_NOUN.finditer(text) if m.end() - m.start() >= SHORTEST]
        if spans:
            _wrap(holder, attribute, parent, index, spans)


def _wrap(holder: Element, attribute: str, parent: Element, index: int, spans: list[tuple[int, int]]) -> None:
    """Cut the text run into pieces and put each of `spans` (start, end) in an unbroken span."""
    text = getattr(holder, attribute)
    setattr(holder, attribute, text[:spans[0][0]])
    for offset, (start, end) in enumerate(spans):
        following = spans[offset + 1][0] if offset + 1 < len(spans) else len(text)
        span = Element("span", dict(UNBROKEN))
        span.text, span.tail = text[start:end], text[end:following]
        parent.insert(index + offset, span)
