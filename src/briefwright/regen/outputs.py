"""Writing a brief's outputs and its lock together: both or neither, under the brief's file lock."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..errors import display_path
from ..workspace import OutputError


@contextmanager
def both_or_neither(lock: Path, outputs: list[Path]):
    """Write the lock and the outputs (written inside the block) together, or leave all as they were.

    The lock's temporary file is made first, so a folder where the lock cannot be
    written fails the build before any output is replaced; each output's previous
    version is kept (a hard link) and put back if the lock cannot be put in place.
    Yields the function that writes the lock.
    """
    staged = _staged(lock)
    kept = {path: _kept(path) for path in outputs}
    try:
        yield lambda data: _put_in_place(staged, data, lock)
    except BaseException:
        for path, previous in kept.items():
            _put_back(path, previous)
        raise
    finally:
        for leftover in [staged, *kept.values()]:
            if leftover is not None:
                leftover.unlink(missing_ok=True)


def _staged(path: Path) -> Path:
    """An empty temporary file beside `path`, or OutputError if that folder cannot be written."""
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"cannot write {display_path(path)}: {error.strerror or error}; "
                          "nothing written") from None
    os.close(handle)
    return Path(name)


def _put_in_place(staged: Path, data: bytes, path: Path) -> None:
    try:
        with open(staged, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(staged, 0o644)
        os.replace(staged, path)
    except OSError as error:
        raise OutputError(f"cannot write {display_path(path)}: {error.strerror or error}; "
                          "nothing written") from None


def _kept(path: Path) -> Path | None:
    """A second name (hard link, else copy) for the current `path`, or None if there is none."""
    if not path.is_file():
        return None
    keep = path.with_name(f".{path.name}.{os.getpid()}.kept.tmp")  # the brief's file lock is held
    keep.unlink(missing_ok=True)
    try:
        os.link(path, keep)
    except OSError:
        shutil.copy2(path, keep)
    return keep


def _put_back(path: Path, previous: Path | None) -> None:
    """Restore `path` to its previous version (or to nothing, if it did not exist)."""
    if previous is not None:
        os.replace(previous, path)
        return
    try:
        path.unlink(missing_ok=True)
    except NotADirectoryError:
        pass  # its folder is a file: nothing was written there


@contextmanager
def brief_file_lock(outline: Path):
    """Hold an exclusive lock on the outline file while the brief's PDF and lock are built and written.

    Locking the outline itself (read-only) writes nothing, so a failed build
    leaves no trace, and every process building the brief names the same file.
    """
    with open(outline, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
