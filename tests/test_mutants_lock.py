"""The lock read back (regen/lock.py), without a build: what a damaged or unreadable lock says.

Fast tests written for the mutation run of the lock: each warning names the lock it is
about, and an optional part of the lock (data, outputs, the theme's name) is checked like
the required ones when it is there.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from briefwright.regen.lock import CHANGED_DURING_BUILD, FileHashes, file_system_now, lock_path, read_lock
from briefwright.workspace import sha256

from .conftest import REPO


@pytest.fixture
def lock(tmp_path, monkeypatch) -> Path:
    """A copy of the example's lock, in briefs/ of a folder that is the working directory."""
    (tmp_path / "briefs").mkdir()
    monkeypatch.chdir(tmp_path)
    path = lock_path(tmp_path / "briefs" / "example.yaml")
    path.write_bytes((REPO / "briefs" / "azerbaijan-pakistan-turkey.lock").read_bytes())
    return path


def test_the_example_lock_reads_back(lock):
    read, warning = read_lock(lock)
    assert warning is None and read is not None and read.citations


@pytest.mark.parametrize("damage, why", [
    (lambda path: path.write_bytes(b"\xff\xfe not UTF-8"), "unreadable lock ("),
    (lambda path: (path.unlink(), os.mkfifo(path)), "unreadable lock (refused: "),
    (lambda path: path.write_text("[" * 100_000 + "]" * 100_000), "damaged lock (nested too deeply)"),
    (lambda path: path.write_text("{not json"), "damaged lock ("),
])
def test_a_lock_that_cannot_be_read_is_a_warning_naming_it(lock, damage, why):
    damage(lock)
    read, warning = read_lock(lock)
    assert read is None
    assert warning.startswith(f"briefs/example.lock: warning: {why}"), warning
    assert warning.endswith("; the brief will be rebuilt")


@pytest.mark.parametrize("key, wrong", [
    ("data", [{"path": 7, "sha256": None}]),
    ("outputs", {"html": {"path": "build/x.html", "sha256": 12}}),
    ("extractors", {"cij-2017-pdf": ["pypdfium2"]}),
    ("theme", {"name": ["policy-brief"]}),
])
def test_an_optional_part_of_the_lock_is_checked_when_it_is_there(lock, key, wrong):
    data = json.loads(lock.read_text(encoding="utf-8"))
    data[key] = wrong
    lock.write_text(json.dumps(data), encoding="utf-8")
    read, warning = read_lock(lock)
    assert read is None and re.match(rf"briefs/example\.lock: warning: damaged lock \(lock\.{key}[\[.]", warning), warning


def test_a_file_modified_after_the_build_began_is_never_recorded_by_its_hash(tmp_path):
    """An edit during a build: the bytes hashed may not be the bytes the build read."""
    before = tmp_path / "before.txt"
    before.write_text("read before the build\n", encoding="utf-8")
    os.utime(before, ns=(file_system_now() - 10**9, file_system_now() - 10**9))
    began = file_system_now()
    during = tmp_path / "during.txt"
    during.write_text("written during it\n", encoding="utf-8")
    os.utime(during, ns=(began + 10**9, began + 10**9))
    hashes = FileHashes(since=began)
    assert hashes(during) == CHANGED_DURING_BUILD
    assert hashes(before) == sha256(before.read_bytes())
    assert FileHashes()(during) == sha256(during.read_bytes())   # no build under way: its hash


def test_a_file_stamped_the_very_moment_the_build_began_counts_as_changed_every_time_it_is_asked(tmp_path):
    began = file_system_now()
    path = tmp_path / "edited.txt"
    path.write_text("edited as the build began\n", encoding="utf-8")
    os.utime(path, ns=(began, began))
    hashes = FileHashes(since=began)
    assert hashes(path) == CHANGED_DURING_BUILD
    assert hashes(path) == CHANGED_DURING_BUILD        # asked again (another brief citing it): the same answer


def test_files_up_to_the_hashing_cap_are_hashed_and_larger_ones_are_not(tmp_path, monkeypatch):
    from briefwright.regen import lock as lock_module

    monkeypatch.setattr(lock_module, "MAX_HASHED_BYTES", 10)
    at_cap, above = tmp_path / "ten.txt", tmp_path / "eleven.txt"
    at_cap.write_bytes(b"0123456789")
    above.write_bytes(b"0123456789!")
    hashes = FileHashes()
    assert hashes(at_cap) == sha256(b"0123456789") and hashes(above) is None
