"""Theme settings: the one documented list of what a theme, an outline or the command line may set.

Each setting has a kind, a default and a line of help; `check_value` turns a
value as written into the value stored, or says in plain words what is wrong.
The outline reader checks `theme:` names against this list, and the render stage
(render/theme_settings.py) merges the values of a theme chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import PurePosixPath

from tinycss2 import parse_component_value_list
from tinycss2.color5 import parse_color  # the colour syntax WeasyPrint 70 reads

FORMATS = ("pdf", "html", "docx")               # the editions `build --format` writes
PDF_VARIANTS = ("ua-1", "a-3b")                 # `pdf_variant:` / `--pdf-variant`
DEFAULT_STYLE = "chicago-notes-bibliography"    # the CSL style of an outline that names none

PAPER_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter", "legal": "legal"}
_LENGTH = r"(0|\d+(\.\d+)?(mm|cm|in|pt|pc|px))"
_FAMILY = r'("[^"\\;{}<>]+"|[A-Za-z][A-Za-z0-9 -]*)'


@dataclass(frozen=True)
class SettingSpec:
    kind: str          # colour, font, paper, margins, asset, text, yes/no, notes
    default: str | bool | None
    help: str


SETTINGS: dict[str, SettingSpec] = {
    "accent": SettingSpec("colour", "#1f3a5f", "the main colour: rules, section numbers, key points, note calls"),
    "accent_soft": SettingSpec("colour", "#eef2f7", "a pale tint of the accent: the key points' background"),
    "ink": SettingSpec("colour", "#1b1f24", "the colour of the text"),
    "muted": SettingSpec("colour", "#5b6673", "running heads, page numbers, affiliations"),
    "rule": SettingSpec("colour", "#9aa8b8", "thin rules: the footnote separator, quotation bars"),
    "alert": SettingSpec("colour", "#8f1d21", "the classification banner"),
    "text_font": SettingSpec("font", '"BW Text", serif', "the text's font family (declare new ones with @font-face in brief.css)"),
    "heading_font": SettingSpec("font", '"BW Sans", sans-serif', "headings, page furniture and labels"),
    "paper": SettingSpec("paper", "a4", f"the paper size: {', '.join(PAPER_SIZES)}"),
    "margins": SettingSpec("margins", "25mm 22mm 24mm 22mm", "page margins, as in CSS: top right bottom left"),
    "logo": SettingSpec("asset", None, "an image in the theme folder (e.g. logo.svg), printed in the title block"),
    "footer": SettingSpec("text", None, "a line printed at the foot of every page, e.g. the institute's name"),
    "sources": SettingSpec("yes/no", True, "print the Sources list at the end"),
    "notes": SettingSpec("notes", "footnotes", "footnotes (at the foot of each page) or endnotes (a list at the end)"),
    "pdf_variant": SettingSpec("pdf variant", None, "ua-1 (tagged, accessible) or a-3b (archival); default a plain PDF"),
    "quotation_typography": SettingSpec("quotation typography", "house", "house (the source's straight quotes, "
                                        "apostrophes and spaced hyphens in quotations set as curly ones and "
                                        "dashes) or as-source"),
    "link_targets": SettingSpec("link targets", "after", "after (a link's address printed in brackets after its "
                                "text; the web edition keeps the link alone) or none"),
    "deep_links": SettingSpec("yes/no", False, "in the web edition and the preview, link each quotation's note to "
                              "the quoted words on its source's page (URL#:~:text=…)"),
    "docx_reference": SettingSpec("asset", "reference.docx", "the Word edition's reference document (styles), "
                                  "a .docx in the theme folder"),
}
CSS_PROPERTIES = [name for name, spec in SETTINGS.items() if spec.kind in ("colour", "font")]


def check_value(name: str, value) -> str | bool | None:
    """Return the setting's value as stored, or raise ValueError saying what is wrong with it."""
    spec = SETTINGS[name]
    if spec.kind == "yes/no":
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, not {value!r}")
        return value
    if value is None:
        if spec.default is None:
            return None
        raise ValueError(f"{name} must not be empty (default {spec.default!r})")
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be text, not {value!r}")
    return _CHECKS[spec.kind](name, value.strip())


def _colour(name: str, value: str) -> str:
    """One CSS colour token, nothing else: no comment, semicolon or brace can ride along into the CSS."""
    tokens = [t for t in parse_component_value_list(value, skip_comments=False) if t.type != "whitespace"]
    if (len(tokens) != 1 or re.search(r"/\*|\*/|[;{}\\<>!\"']", value) or value.lower() == "currentcolor"
            or parse_color(tokens[0]) is None):
        raise ValueError(f"{name} must be a CSS colour such as \"#1f3a5f\", rgb(31 58 95) or navy, not {value!r}")
    return value


def _font(name: str, value: str) -> str:
    if not re.fullmatch(rf"{_FAMILY}(\s*,\s*{_FAMILY})*", value):
        raise ValueError(f"{name} must be a list of font families such as '\"BW Text\", serif', not {value!r}")
    return value


def _paper(name: str, value: str) -> str:
    if value.lower() not in PAPER_SIZES:
        raise ValueError(f"{name} must be one of {', '.join(PAPER_SIZES)}, not {value!r}")
    return value.lower()


def _margins(name: str, value: str) -> str:
    if not re.fullmatch(rf"{_LENGTH}(\s+{_LENGTH}){{0,3}}", value):
        raise ValueError(f"{name} must be one to four lengths such as \"25mm 22mm\" (mm, cm, in, pt), not {value!r}")
    return value


def _asset(name: str, value: str) -> str:
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or "\\" in value or ":" in value:
        raise ValueError(f"{name} {value!r}: refused: the path leaves the theme folder "
                         "(give a path inside it, such as logo.svg)")
    return value


def _text(name: str, value: str) -> str:
    if any(ord(c) < 32 for c in value):
        raise ValueError(f"{name} must be one line of text")
    return value


def _one_of(first: str, second: str):
    """A check for a setting that takes one of two words."""
    def check(name: str, value: str) -> str:
        if value not in (first, second):
            raise ValueError(f"{name} must be {first} or {second}, not {value!r}")
        return value
    return check


_CHECKS = {"colour": _colour, "font": _font, "paper": _paper, "margins": _margins,
           "asset": _asset, "text": _text, "notes": _one_of("footnotes", "endnotes"),
           "pdf variant": _one_of("ua-1", "a-3b"), "quotation typography": _one_of("house", "as-source"),
           "link targets": _one_of("after", "none")}


def unknown_setting_message(name: str, where: str, extra: dict | None = None) -> str:
    known = [*(extra or {}), *SETTINGS]
    guess = get_close_matches(str(name), known, n=1)
    hint = f" (did you mean '{guess[0]}'?)" if guess else f"; settings: {', '.join(SETTINGS)}"
    return f"unknown setting '{name}' in {where}{hint}"
