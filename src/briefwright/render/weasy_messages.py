"""WeasyPrint's warnings as messages for people: located in the theme's files, each once, capped.

WeasyPrint places a CSS warning at a line and column of the `<style>` element that
holds the brief's stylesheet, which is the theme chain's `brief.css` files joined by
`Theme.read_stylesheets` (each after a `/* THEME/brief.css */` header line) and then
the settings (`/* theme settings */`). `located` turns "Ignored `x` at 57:16" into
"templates/house/brief.css:12:16: error: ignored `x`". A warning repeated for every element
is reported once, and at most `MAX_MESSAGES` are reported at all.
"""

from __future__ import annotations

import re

MAX_MESSAGES = 10
_POSITION = re.compile(r" at (\d+):(\d+)(?=[,.]|$)")
_HEADER = re.compile(r"/\* (.+?) \*/")
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def located(messages: list[str], html: str, files: dict[str, str]) -> list[str]:
    """Return `messages` deduplicated, each CSS position mapped to its file and line, capped.

    `files` maps a stylesheet header (`house/brief.css`) to the name people know
    (`templates/house/brief.css`).
    """
    lines = _stylesheet_lines(html)
    out = list(dict.fromkeys(_locate(message, lines, files) for message in messages))
    if len(out) > MAX_MESSAGES:
        out = out[:MAX_MESSAGES] + [f"… and {len(out) - MAX_MESSAGES} more messages from WeasyPrint"]
    return out


def _stylesheet_lines(html: str) -> list[str]:
    """The lines of the `<style>` element holding the theme's stylesheet (empty if there is none)."""
    for match in _STYLE.finditer(html):
        if "/* theme settings */" in match[1]:
            return match[1].split("\n")
    return []


def _locate(message: str, lines: list[str], files: dict[str, str]) -> str:
    if unreadable := re.fullmatch(r"Failed to load image at (.*): ", message):  # WeasyPrint gives no reason
        return f"WeasyPrint: cannot read the image {unreadable[1]}: it is corrupt or in a format WeasyPrint cannot read"
    position = _POSITION.search(message)
    if not position or not 0 < int(position[1]) <= len(lines):
        return f"WeasyPrint: {message}"
    line, column = int(position[1]), position[2]
    for index in range(line - 1, -1, -1):
        header = _HEADER.fullmatch(lines[index].strip())
        if header and (header[1] in files or header[1] == "theme settings"):
            where = files.get(header[1], "the theme settings")
            text = message[:position.start()] + message[position.end():]
            return f"{where}:{line - 1 - index}:{column}: error: {text[:1].lower()}{text[1:]}"
    return f"WeasyPrint: {message}"


# Rules WeasyPrint 70 accepts and then fails on while laying out: (pattern, what to write instead)
_KNOWN_CRASHES = [
    (re.compile(r"::?(?:footnote-)?marker\s*\{[^}]*\bdisplay\s*:\s*none", re.IGNORECASE),
     "`display: none` on a ::footnote-marker or ::marker, which WeasyPrint cannot lay out; "
     "hide the marker with `content: none` instead"),
]


def crash_message(error: Exception, html: str, files: dict[str, str]) -> str:
    """What to tell people when WeasyPrint itself fails while laying out: the likely rule, located."""
    lines = _stylesheet_lines(html)
    css = "\n".join(lines)
    for pattern, advice in _KNOWN_CRASHES:
        found = pattern.search(css)
        if found:
            line = css.count("\n", 0, found.start()) + 1
            where = _locate(f"rule at {line}:1.", lines, files)
            place = where.split(": error: ")[0] if ": error: " in where else "the theme's stylesheet"
            return f"{place}: error: {advice} (WeasyPrint stopped: {type(error).__name__} {error})"
    return (f"WeasyPrint stopped while laying out the brief ({type(error).__name__}: {error}). A rule in the "
            "theme's stylesheets that it cannot handle is the usual cause: undo the last change to the "
            "theme's brief.css; if the theme is as shipped, please report it")
