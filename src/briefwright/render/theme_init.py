"""Listing and describing themes (`templates list|show`), and `templates init`: a new theme folder that extends another."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import BriefwrightError, ProblemLog, display_path
from ..settings import SETTINGS
from ..workspace import Workspace, write_atomically
from .theme_settings import ThemeSettings, resolve_settings
from .themes import THEME_FILE, _NAME, Theme, _read_layer, builtin_themes, find_theme, theme_folders, theme_names


@dataclass(frozen=True)
class ThemeInfo:
    name: str
    origin: str             # built-in, workspace or both
    extends: str | None
    description: str | None


def list_themes(workspace: Workspace) -> list[ThemeInfo]:
    """Every theme found, with where it comes from and what it extends."""
    infos = []
    for name in theme_names(workspace):
        layer = _read_layer(name, theme_folders(name, workspace), ProblemLog())
        infos.append(ThemeInfo(name, layer.origin, layer.extends.value if layer.extends else None,
                               layer.description))
    return infos


def theme_table(workspace: Workspace) -> list[str]:
    """`templates list`: one line per theme, in columns: name, origin, what it extends, description."""
    rows = [(t.name, t.origin, f"extends {t.extends}" if t.extends else "-", t.description or "")
            for t in list_themes(workspace)]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, [*widths, 0])).rstrip() for row in rows]


def theme_description(workspace: Workspace, name: str) -> list[str]:
    """`templates show`: the theme's chain, then every setting with its value and where it comes from."""
    log = ProblemLog()
    theme = find_theme(name, workspace, log)
    settings = resolve_settings(theme, log=log)
    log.raise_if_errors()
    lines = [f"{theme.name}: " + " → ".join(f"{layer.name} ({layer.origin})" for layer in theme.layers)]
    width = max(map(len, settings.values))
    lines += [f"  {setting:<{width}}  {_shown(value.value):<28}  {value.origin}"
              for setting, value in settings.values.items()]
    return lines


def _shown(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def init_theme(workspace: Workspace, name: str, base: str) -> list[Path]:
    """Create templates/NAME/ extending `base`: theme.yaml, brief.html and brief.css, ready to edit."""
    target = workspace.templates / name
    if not _NAME.fullmatch(name) or ".." in name:
        raise BriefwrightError(f"a theme name is letters, digits, '-', '_' and '.', not {name!r}")
    if target.exists() or target.is_symlink():
        raise BriefwrightError(f"{display_path(target)}/ already exists: nothing written "
                               "(edit it, or choose another name)")
    if (builtin_themes() / name).is_dir():
        raise BriefwrightError(f"{name!r} is a built-in theme: choose another name for yours "
                               f"(e.g. my-{name}), or put single files in {display_path(target)}/ to replace them")
    theme = find_theme(base, workspace)
    settings = resolve_settings(theme)
    files = {
        THEME_FILE: _theme_yaml(name, base, settings),
        "brief.html": _brief_html(name, base, theme),
        "brief.css": _brief_css(name, base),
    }
    written = []
    for filename, text in files.items():
        write_atomically(target / filename, text.encode("utf-8"))
        written.append(target / filename)
    return written


def _theme_yaml(name: str, base: str, settings: ThemeSettings) -> str:
    lines = [f"# The {name} theme. Uncomment a setting to change it; each shows the value it",
             f"# now inherits from {base}. An outline may override any of them under theme:.",
             f"extends: {base}",
             f'description: "{name}: based on {base}"',
             ""]
    for setting_name, spec in SETTINGS.items():
        value = settings[setting_name]
        shown = _yaml_value(value)
        lines.append(f"# {setting_name}: {shown}".ljust(44) + f"  # {spec.help}")
    return "\n".join(lines) + "\n"


def _yaml_value(value) -> str:
    if value is None:
        return "~"
    if isinstance(value, bool):
        return "true" if value else "false"
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


USUAL_BLOCKS = ("title_block", "key_points", "colophon")
# What to show for a block that is empty in the theme being extended.
EXAMPLE_BLOCKS = {"colophon": ("{% block colophon %}\n"
                               "  <p class=\"disclaimer\">The views expressed are the author’s own.</p>\n"
                               "{% endblock %}")}


def _brief_html(name: str, base: str, theme: Theme) -> str:
    head = (f'{{#- The {name} theme\'s page template. It extends {base}\'s: every block not\n'
            f'    replaced here comes from {base}, so fixes to {base} reach this theme too.\n'
            '    To change a block, delete the comment lines around its copy below and edit it.\n'
            '    All blocks: head, furniture, title_block (masthead, byline, imprint), key_points,\n'
            '    section, quotation, recommendations, endnotes, sources, colophon (see the README). -#}\n'
            f'{{% extends "{base}/brief.html" %}}\n')
    copies = [f"\n{{# {block}\n{source}\n#}}\n" for block in USUAL_BLOCKS
              if (source := _block_source(theme, block))]
    return head + "".join(copies)


_BLOCK_TAG = re.compile(r"\{%-?\s*(block\s+\w+|endblock)\b.*?-?%\}", re.DOTALL)


def _block_source(theme: Theme, block: str) -> str | None:
    """The text of `{% block NAME %}…{% endblock %}` (blocks inside it included) in the first
    brief.html of the chain that has it."""
    opening = re.compile(r"\{%-?\s*block\s+" + block + r"\b.*?%\}", re.DOTALL)
    for folder in theme.folders:
        path = folder / "brief.html"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if (start := opening.search(text)) is None:
            continue
        depth = 0
        for tag in _BLOCK_TAG.finditer(text, start.start()):
            depth += 1 if tag[1].startswith("block") else -1
            if depth == 0:
                source = text[start.start():tag.end()]
                empty = re.fullmatch(r"\{%-?\s*block\s+\w+\s*-?%\}\s*\{%-?\s*endblock\s*-?%\}", source)
                return EXAMPLE_BLOCKS.get(block, source) if empty else source
    return None


def _brief_css(name: str, base: str) -> str:
    return (f"/* The {name} theme's own rules, added after {base}'s stylesheet (which stays in force).\n"
            "   Colours, fonts, paper and margins are settings in theme.yaml; they reach CSS as\n"
            "   var(--accent), var(--accent-soft), var(--ink), var(--muted), var(--rule), var(--alert),\n"
            "   var(--text-font) and var(--heading-font). For example:\n\n"
            "h1 { color: var(--accent); }\n"
            "*/\n")
