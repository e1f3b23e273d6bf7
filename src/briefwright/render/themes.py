"""Themes: folders of templates, CSS and assets, their `extends` chains and their settings.

A theme is a folder named after it: the workspace's `templates/<name>/` and the
built-in `themes/<name>/` inside the package (either or both). Its optional
`theme.yaml` may say which theme it `extends:`, describe it, and set any of
the settings in `SETTINGS` (the one documented list of them, with defaults).

A setting's value comes from, lowest first: the default here, each theme of the
chain from the most basic to the theme itself (for each theme the built-in
theme.yaml, then the workspace's theme.yaml of the same name), the outline's
`theme:` mapping, and the command line (`--paper`). `ThemeSettings` remembers
where each value came from, for error messages and `templates show`.

Files are searched theme by theme, most derived first, and within a theme the
workspace folder before the built-in one; every path stays inside its folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from importlib import resources
from pathlib import Path, PurePosixPath

from tinycss2 import parse_component_value_list
from tinycss2.color5 import parse_color  # the colour syntax WeasyPrint 70 reads

from .. import yamlnodes
from ..errors import BriefwrightError, Position, ProblemLog, ProblemsFound, display_path
from ..workspace import UnsafePath, Workspace, read_inside, write_atomically
from ..yamlnodes import Declared

MAX_THEME_BYTES = 100_000
THEME_FILE = "theme.yaml"
THEME_KEYS = {"extends": "the theme this one builds on, e.g. policy-brief",
              "description": "one line saying what the theme is for"}
PAPER_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter", "legal": "legal"}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_LENGTH = r"(0|\d+(\.\d+)?(mm|cm|in|pt|pc|px))"
_FAMILY = r'("[^"\\;{}<>]+"|[A-Za-z][A-Za-z0-9 -]*)'


class TemplateProblem(BriefwrightError):
    """A theme that cannot be found or read, or a template that fails to render."""


# -- the settings: one documented list, with defaults ---------------------------

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


def _notes(name: str, value: str) -> str:
    if value not in ("footnotes", "endnotes"):
        raise ValueError(f"{name} must be footnotes or endnotes, not {value!r}")
    return value


def _quotation_typography(name: str, value: str) -> str:
    if value not in ("house", "as-source"):
        raise ValueError(f"{name} must be house or as-source, not {value!r}")
    return value


def _link_targets(name: str, value: str) -> str:
    if value not in ("after", "none"):
        raise ValueError(f"{name} must be after or none, not {value!r}")
    return value


def _pdf_variant(name: str, value: str) -> str:
    if value not in ("ua-1", "a-3b"):
        raise ValueError(f"{name} must be ua-1 or a-3b, not {value!r}")
    return value


_CHECKS = {"colour": _colour, "font": _font, "paper": _paper, "margins": _margins,
           "asset": _asset, "text": _text, "notes": _notes, "pdf variant": _pdf_variant,
           "quotation typography": _quotation_typography, "link targets": _link_targets}


# -- themes and their chains ------------------------------------------------------

def builtin_themes() -> Path:
    return Path(str(resources.files("briefwright") / "themes"))


def origin_label(path: Path) -> str:
    """Name a theme file for people: `briefwright:THEME/FILE` for built-in files."""
    try:
        return "briefwright:" + path.resolve().relative_to(builtin_themes().resolve()).as_posix()
    except ValueError:
        return display_path(path)


@dataclass(frozen=True)
class ThemeLayer:
    """One theme of a chain: its folders (workspace first) and what its theme.yaml files say."""

    name: str
    folders: tuple[Path, ...]
    extends: Declared | None = None
    description: str | None = None
    settings: tuple[tuple[str, Declared], ...] = ()   # in order of precedence, lowest first

    @property
    def origin(self) -> str:
        kinds = ["workspace" if not _is_builtin(f) else "built-in" for f in self.folders]
        return "both" if len(set(kinds)) > 1 else kinds[0]


@dataclass(frozen=True)
class Theme:
    """A theme and the themes it extends (`layers`, most derived first)."""

    name: str
    layers: tuple[ThemeLayer, ...]

    @property
    def folders(self) -> tuple[Path, ...]:
        """Every folder of the chain in search order: most derived theme first, workspace first."""
        return tuple(folder for layer in self.layers for folder in layer.folders)

    def folders_from(self, name: str) -> tuple[Path, ...]:
        """The search folders of the chain starting at the theme `name`."""
        names = [layer.name for layer in self.layers]
        return tuple(f for layer in self.layers[names.index(name):] for f in layer.folders)

    def locate(self, relative: str) -> Path | None:
        """Return the first file `relative` in the theme's folders (None: there is none).

        A file that exists and leaves its folder (a symlink out) raises `TemplateProblem`:
        it is refused, never skipped for a file of another folder.
        """
        for folder in self.folders:
            candidate = folder / relative
            if candidate.is_symlink() or candidate.exists():
                if not candidate.resolve().is_relative_to(folder.resolve()):
                    shown = f"{origin_label(folder)}/{relative}"
                    raise TemplateProblem(f"{shown}: refused: the path leaves {origin_label(folder)}/")
                if candidate.is_file():
                    return candidate
        return None

    def stylesheets(self) -> list[Path]:
        """Each theme's brief.css, the most basic theme first (a derived theme's CSS adds rules)."""
        found = []
        for layer in reversed(self.layers):
            for folder in layer.folders:
                if (folder / "brief.css").is_file() or (folder / "brief.css").is_symlink():
                    found.append(folder / "brief.css")
                    break
        return found

    def files_read(self, templates: Path) -> list[tuple[str | None, Path]]:
        """The theme files that shape a brief besides templates, as (name searched, path) for the lock.

        Every theme.yaml the chain may read, present or not (one that appears in
        the workspace's `templates/` changes the settings), and each stylesheet.
        """
        settings = [(None, folder / THEME_FILE) for folder in self.search_folders(templates)]
        return settings + [(f"{path.parent.name}/brief.css", path) for path in self.stylesheets()]

    def search_folders(self, templates: Path) -> list[Path]:
        """Every folder the chain searches, in order, with each theme's workspace folder even if not
        yet made (a file put there would be found first)."""
        return list(dict.fromkeys(f for layer in self.layers for f in (templates / layer.name, *layer.folders)))

    def read_stylesheets(self) -> str:
        """The chain's CSS, base first, each file confined to its theme folder."""
        parts = []
        for path in self.stylesheets():
            try:
                text = read_inside(path, path.parent, MAX_THEME_BYTES * 10).decode("utf-8")
            except (UnsafePath, UnicodeDecodeError) as error:
                shown = f"{origin_label(path.parent)}/{path.name}"   # the link, not its target
                raise TemplateProblem(f"{shown}: {getattr(error, 'reason', 'not UTF-8 text')}") from None
            # the theme and file, never where the workspace lies: the HTML (and the PDF's id) must not vary
            parts.append(f"/* {path.parent.name}/{path.name} */\n{text}")
        return "\n".join(parts)


def _is_builtin(folder: Path) -> bool:
    return folder.resolve().is_relative_to(builtin_themes().resolve())


def theme_folders(name: str, workspace: Workspace) -> list[Path]:
    """The folders of the theme `name`, workspace first (empty when there is none)."""
    if not _NAME.fullmatch(name) or ".." in name:
        raise TemplateProblem(f"template must be a theme name such as policy-brief, not a path ({name!r})")
    folders = [f for f in (workspace.templates / name, builtin_themes() / name) if f.is_dir()]
    if folders and not folders[0].resolve().is_relative_to(folders[0].parent.resolve()):
        raise TemplateProblem(f"template {name!r}: refused: the theme folder leaves {display_path(folders[0].parent)}")
    return folders


def theme_names(workspace: Workspace) -> list[str]:
    """Every theme name found in the workspace's templates/ and among the built-in themes."""
    roots = (workspace.templates, builtin_themes())
    return sorted({p.name for root in roots if root.is_dir() for p in root.iterdir()
                   if p.is_dir() and _NAME.fullmatch(p.name)})


def find_theme(name: str, workspace: Workspace, log: ProblemLog | None = None) -> Theme:
    """Return the theme `name` with the chain of themes it extends.

    An unknown or misnamed theme raises `TemplateProblem` (the caller knows
    where the name was written). Problems inside theme.yaml files (unknown
    keys, an unknown `extends`, a cycle) go to `log` at their own line, or
    raise `ProblemsFound` when no log is given.
    """
    own = log if log is not None else ProblemLog()
    if not theme_folders(name, workspace):
        raise TemplateProblem(f"unknown template {name!r}; themes found: {', '.join(theme_names(workspace))}")
    layers: list[ThemeLayer] = []
    current, via = name, None
    while current is not None:
        if current in [layer.name for layer in layers]:
            path = " → ".join([layer.name for layer in layers] + [current])
            message = (f"theme {current!r} extends itself" if layers[-1].name == current
                       else f"themes extend each other in a cycle: {path}")
            own.error(via.position, message)
            break
        folders = _extended_folders(current, workspace, via, own)
        if not folders:
            break
        layer = _read_layer(current, folders, own)
        layers.append(layer)
        current, via = (layer.extends.value, layer.extends) if layer.extends else (None, None)
    if log is None:
        own.raise_if_errors()
    return Theme(name, tuple(layers))


def _extended_folders(name: str, workspace: Workspace, via: Declared | None, log: ProblemLog) -> list[Path]:
    try:
        folders = theme_folders(name, workspace)
    except TemplateProblem as error:
        if via is None:
            raise
        log.error(via.position, f"extends: {error.message}")
        return []
    if not folders and via is not None:
        log.error(via.position, f"extends an unknown theme {name!r}; themes found: {', '.join(theme_names(workspace))}")
    return folders


def _read_layer(name: str, folders: list[Path], log: ProblemLog) -> ThemeLayer:
    """Read the theme.yaml files of one theme: built-in first, the workspace's over it."""
    layer = ThemeLayer(name, tuple(folders))
    for folder in reversed(folders):
        path = folder / THEME_FILE
        if path.exists() or path.is_symlink():  # read_inside refuses what is not a regular file inside
            layer = _read_theme_file(path, folder, layer, log)
    return layer


def _read_theme_file(path: Path, folder: Path, layer: ThemeLayer, log: ProblemLog) -> ThemeLayer:
    try:
        text = read_inside(path, folder, MAX_THEME_BYTES).decode("utf-8")
        root = yamlnodes.compose(text, path)
    except UnsafePath as error:
        log.error(Position(path, 1, 1), error.reason)
        return layer
    except UnicodeDecodeError:
        log.error(Position(path, 1, 1), "not UTF-8 text: save the file as UTF-8")
        return layer
    except ProblemsFound as found:
        log.problems.extend(found.problems)
        return layer
    if root is None:
        return layer
    reader = yamlnodes.NodeReader(path, log, text)
    fields = reader.mapping(root, "a theme.yaml")
    if fields is None:
        return layer
    settings = list(layer.settings)
    for key, (key_node, node) in fields.items():
        if key == "extends":
            value = reader.text(node, "extends")
            layer = replace(layer, extends=Declared(value, reader.at(node)) if value else None)
        elif key == "description":
            layer = replace(layer, description=reader.text(node, "description"))
        elif key in SETTINGS:
            declared = reader.scalar(node, key)
            if declared is not None:
                settings.append((key, declared))
        else:
            log.error(reader.at(key_node), unknown_setting_message(key, "theme.yaml", extra=THEME_KEYS))
    return replace(layer, settings=tuple(settings))


def unknown_setting_message(name: str, where: str, extra: dict | None = None) -> str:
    known = [*(extra or {}), *SETTINGS]
    guess = get_close_matches(str(name), known, n=1)
    hint = f" (did you mean '{guess[0]}'?)" if guess else f"; settings: {', '.join(SETTINGS)}"
    return f"unknown setting '{name}' in {where}{hint}"


# -- resolved settings -----------------------------------------------------------

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


# -- listing and creating themes ---------------------------------------------------

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
