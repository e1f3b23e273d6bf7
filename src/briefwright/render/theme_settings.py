"""A theme's resolved settings: every value of the chain merged, checked, and remembered with its origin.

A setting's value comes from, lowest first: the default (settings.py), each theme
of the chain from the most basic to the theme itself, the outline's `theme:`
mapping, and the command line (`--paper`). `ThemeSettings` remembers where each
value came from, for error messages and `templates show`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Position, ProblemLog
from ..settings import CSS_PROPERTIES, PAPER_SIZES, SETTINGS, check_value
from ..yamlnodes import Declared
from .themes import TemplateProblem, Theme, origin_label


@dataclass(frozen=True)
class Setting:
    value: str | bool | None
    source: str | Position = "default"     # "default", "--paper", or where the value is written

    @property
    def origin(self) -> str:
        """Where the value comes from, for people (built-in files as briefwright:THEME/FILE)."""
        if isinstance(self.source, Position):
            return f"{origin_label(self.source.path)}:{self.source.line}:{self.source.column}"
        return self.source


@dataclass(frozen=True)
class ThemeSettings:
    """Every setting's value and where it came from."""

    values: dict[str, Setting] = field(default_factory=dict)

    def __getitem__(self, name: str):
        return self.values[name].value

    def overridden(self, name: str, value, origin: str) -> ThemeSettings:
        """Return a copy with `name` set to `value` (already checked), coming from `origin`."""
        if value is None:
            return self
        return ThemeSettings({**self.values, name: Setting(check_value(name, value), origin)})

    def context(self, theme_name: str) -> dict:
        """What templates see as `theme`."""
        return {"name": theme_name, **{name: setting.value for name, setting in self.values.items()}}

    def css(self) -> str:
        """The settings as CSS: custom properties, page size and margins (added after the theme's CSS)."""
        properties = "\n".join(f"  --{name.replace('_', '-')}: {self[name]};" for name in CSS_PROPERTIES)
        return (f"/* theme settings */\n:root {{\n{properties}\n}}\n"
                f"@page {{ size: {PAPER_SIZES[self['paper']]}; margin: {self['margins']}; }}\n")


def resolve_settings(theme: Theme, overrides: dict[str, Declared] | None = None,
                     log: ProblemLog | None = None) -> ThemeSettings:
    """Merge defaults, the chain's theme.yaml files and the outline's overrides; check every value.

    Problems go to `log` at the line of the value that causes them (or raise
    `ProblemsFound` without a log); a bad value leaves the one below it in place.
    """
    own = log if log is not None else ProblemLog()
    values = {name: Setting(spec.default) for name, spec in SETTINGS.items()}
    declared = [item for layer in reversed(theme.layers) for item in layer.settings]
    declared += list((overrides or {}).items())
    for name, item in declared:
        try:
            values[name] = Setting(check_value(name, item.value), item.position)
        except ValueError as error:
            own.error(item.position, str(error))
    settings = ThemeSettings(values)
    _check_logo(theme, settings, own)
    if log is None:
        own.raise_if_errors()
    return settings


def _check_logo(theme: Theme, settings: ThemeSettings, log: ProblemLog) -> None:
    logo = settings["logo"]
    if not logo:
        return
    where = settings.values["logo"].source
    try:
        found = theme.locate(logo)
    except TemplateProblem as error:
        log.error(where, error.message)
        return
    if found is None:
        searched = ", ".join(origin_label(f) + "/" for f in theme.folders)
        log.error(where, f"logo {logo!r} not found in the theme folders ({searched})")
