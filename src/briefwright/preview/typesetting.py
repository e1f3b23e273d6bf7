"""The preview's warm WeasyPrint state: one font configuration and the parsed theme CSS, kept between renders.

A build lays out HTML whose `<style>` holds the theme's stylesheet, and makes a
new `FontConfiguration` each time: every @font-face is registered again and
Pango's font caches start cold. The preview renders the same brief over and
over, so `WarmTypesetting` parses the stylesheet once (through the same
`LocalFetcher` as a build, so a font is read by the same path rules) into a
WeasyPrint `CSS` made with one kept `DeclaredFonts`, and lays out the print
HTML rendered without its `<style>`, handing it that CSS. Both are dropped and
made again when the stylesheet's text or any file of the theme chain changes.
WeasyPrint takes a parsed stylesheet as a user stylesheet rather than an author
one, which decides nothing here (the print HTML has no other stylesheet); the
tests compare the pages of a warm and a cold render as poppler draws them.
A stylesheet that WeasyPrint warns about, or that names a refused or missing
file, is not kept: that render takes the build's own path, which reports it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from weasyprint import CSS

from ..render.pdf import HARMLESS_WARNINGS, DeclaredFonts, LocalFetcher, PdfOptions
from ..render.themes import Theme
from .session import fingerprint


@dataclass
class WarmStyle:
    """What a render reuses: the font configuration and the parsed stylesheet made with it."""

    key: tuple
    fonts: DeclaredFonts
    css: CSS


class WarmTypesetting:
    """The parsed stylesheet and fonts of the last theme, for as long as it and its files are unchanged."""

    def __init__(self, workspace_root: Path):
        self.workspace_root = workspace_root
        self.kept: WarmStyle | None = None
        self.parsed = 0  # how many times a stylesheet was parsed (and a font configuration made)

    def options(self, theme: Theme, stylesheet: str, options: PdfOptions) -> PdfOptions | None:
        """`options` with the warm fonts and parsed `stylesheet`; None when it cannot be kept (use the build's path)."""
        key = (stylesheet, tuple(fingerprint(folder) for folder in theme.folders))
        if self.kept is None or self.kept.key != key:
            self.kept = self._parse(theme, stylesheet, key)
        if self.kept is None:
            return None
        return replace(options, fonts=self.kept.fonts, stylesheets=(self.kept.css,))

    def _parse(self, theme: Theme, stylesheet: str, key: tuple) -> WarmStyle | None:
        theme_base = self.workspace_root / "templates" / theme.name
        fetcher = LocalFetcher(theme, theme_base, self.workspace_root)
        fonts, warned = DeclaredFonts(), _Warnings()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(warned)
        try:
            css = CSS(string=stylesheet, base_url=theme_base.as_uri() + "/", url_fetcher=fetcher, font_config=fonts)
        finally:
            logger.removeHandler(warned)
        self.parsed += 1
        if warned.messages or fetcher.refused or fetcher.missing:
            return None
        return WarmStyle(key, fonts, css)


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        if not record.getMessage().startswith(HARMLESS_WARNINGS):
            self.messages.append(record.getMessage())
