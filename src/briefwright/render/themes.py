"""Themes: folders of templates, CSS and assets, and their `extends` chains.

A theme is a folder named after it: the workspace's `templates/<name>/` and the
built-in `themes/<name>/` inside the package (either or both). Its optional
`theme.yaml` may say which theme it `extends:`, describe it, and set any of
the settings in `settings.SETTINGS` (the one documented list of them, with
defaults); theme_settings.py merges them along the chain, and theme_init.py
lists themes and makes new ones (`templates list|init`).

Files are searched theme by theme, most derived first, and within a theme the
workspace folder before the built-in one; every path stays inside its folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from .. import yamlnodes
from ..errors import BriefwrightError, Position, ProblemLog, ProblemsFound, display_path
from ..settings import SETTINGS, unknown_setting_message
from ..workspace import UnsafePath, Workspace, read_inside
from ..yamlnodes import Declared

MAX_THEME_BYTES = 100_000
THEME_FILE = "theme.yaml"
THEME_KEYS = {"extends": "the theme this one builds on, e.g. policy-brief",
              "description": "one line saying what the theme is for"}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class TemplateProblem(BriefwrightError):
    """A theme that cannot be found or read, or a template that fails to render."""


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
        kinds = ["workspace" if not is_builtin(f) else "built-in" for f in self.folders]
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


def is_builtin(folder: Path) -> bool:
    """True for a folder of the themes that ship with briefwright."""
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
