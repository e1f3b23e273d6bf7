"""The workspace: where seeds/, briefs/, templates/ and build/ are, and safe file access.

Every file the tool reads on the user's behalf goes through `read_inside`, which
refuses paths that leave their folder (symlinks included), anything that is not a
regular file (FIFOs, devices), and files above a size cap. A workspace folder
(seeds/, briefs/, templates/, build/) may be a symlink, but only to a folder inside
the workspace: `Workspace.at` refuses one that points outside.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import BriefwrightError, display_path

MAX_SOURCE_BYTES = 20_000_000     # one corpus document
MAX_OUTLINE_BYTES = 1_000_000
MAX_CATALOG_BYTES = 40_000_000    # seeds/sources.yaml: room for 50,000 entries of 800 bytes
MAX_CATALOG_ENTRIES = 50_000
FOLDERS = ("seeds", "briefs", "templates", "build")


class UnsafePath(BriefwrightError):
    """A path that leaves its folder, or is not a readable regular file."""

    def __init__(self, path: Path, reason: str):
        self.reason = reason
        super().__init__(f"{display_path(path)}: {reason}")


@dataclass(frozen=True)
class Workspace:
    """The folders of one briefwright workspace, all below `root`."""

    root: Path

    @classmethod
    def at(cls, root: Path | str = ".") -> "Workspace":
        """The workspace at `root`; raises `UnsafePath` if one of its folders is a symlink out of it."""
        workspace = cls(Path(root).resolve())
        workspace.check_folders()
        return workspace

    def check_folders(self) -> None:
        """Refuse a workspace folder that is a symlink to a folder outside the workspace."""
        for name in FOLDERS:
            folder = self.root / name
            if folder.is_symlink() and not folder.resolve().is_relative_to(self.root):
                raise UnsafePath(Path(name), "refused: a symlink to a folder outside the workspace "
                                 f"({os.readlink(folder)}); make it a real folder, or a link inside the workspace")

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def catalog(self) -> Path:
        return self.seeds / "sources.yaml"

    @property
    def briefs(self) -> Path:
        return self.root / "briefs"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def build(self) -> Path:
        return self.root / "build"

    def outlines(self) -> list[Path]:
        """Return every outline in briefs/, sorted by name."""
        if not self.briefs.is_dir():
            raise BriefwrightError(
                f"no briefs/ folder in {display_path(self.root)}: "
                "run briefwright in a workspace (seeds/, briefs/), or pass -C DIR"
            )
        return sorted(p for p in self.briefs.iterdir() if p.suffix in (".yaml", ".yml"))


def resolve_inside(path: Path, folder: Path) -> Path:
    """Resolve `path` (symlinks too) and refuse it unless it lies inside `folder`."""
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise UnsafePath(path, f"refused: the path leaves {_folder_named(folder)}")
    return resolved


def _folder_named(folder: Path) -> str:
    """"seeds/", "templates/house/"; the working folder (the workspace, as a rule) is "the workspace"."""
    shown = display_path(folder)
    return "the workspace" if shown == "." else f"{shown}/"


def read_inside(path: Path, folder: Path, limit: int) -> bytes:
    """Read a regular file inside `folder`, refusing anything unsafe or larger than `limit`."""
    resolved = resolve_inside(path, folder)
    try:
        info = resolved.stat()
    except FileNotFoundError:
        raise UnsafePath(path, "no such file") from None
    if not stat.S_ISREG(info.st_mode):
        raise UnsafePath(path, "refused: not a regular file")
    if info.st_size > limit:
        raise UnsafePath(path, f"refused: {info.st_size:,} bytes, above the limit of {limit:,}")
    with open(resolved, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafePath(path, f"refused: larger than {limit:,} bytes")
    return data


class OutputError(BriefwrightError):
    """An output file cannot be written."""


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `path` (permissions `mode`) through a temporary file and `os.replace`.

    An interrupted write leaves the previous file as it was.
    """
    _check_writable_place(path)
    try:
        _write_atomically(path, data, mode)
    except OSError as error:
        raise OutputError(f"cannot write {display_path(path)}: {error.strerror or error}") from None


def _check_writable_place(path: Path) -> None:
    """Refuse, in plain words, a target that is a folder or lies under a file (`build` being a file)."""
    if path.is_dir():
        raise OutputError(f"cannot write {display_path(path)}: it is a folder")
    for parent in path.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise OutputError(f"cannot write {display_path(path)}: {display_path(parent)} is a file, not a "
                                  "folder (move it away, or write elsewhere)")
            return


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sha256(data: bytes) -> str:
    """The SHA-256 of bytes read, as locks and catalog entries record it (hex)."""
    return hashlib.sha256(data).hexdigest()
