"""The workspace's path rules, called directly: what `make mutation-workspace` found no test holding.

`read_inside` refuses a path that leaves its folder (by `..` or a symlink), anything but a regular
file, and a file above its cap, each in plain words; `Workspace.at` refuses a workspace folder that
is a symlink out; `write_atomically` writes whole files with their mode, or says why it cannot. These
tests use files in a temporary folder only (milliseconds each), so the mutation run affords them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from briefwright.errors import BriefwrightError
from briefwright.workspace import (FOLDERS, OutputError, UnsafePath, Workspace, read_inside, resolve_inside,
                                   sha256, write_atomically)


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """A workspace folder with seeds/ holding one file, and a file outside it; the working directory."""
    (tmp_path / "ws" / "seeds").mkdir(parents=True)
    (tmp_path / "ws" / "seeds" / "a.txt").write_bytes(b"twelve bytes")
    (tmp_path / "outside.txt").write_bytes(b"secret")
    monkeypatch.chdir(tmp_path / "ws")
    return tmp_path / "ws"


def refusal(path: Path, folder: Path, limit: int = 100) -> str:
    with pytest.raises(UnsafePath) as raised:
        read_inside(path, folder, limit)
    return str(raised.value)


def test_a_regular_file_inside_its_folder_is_read_whole_up_to_its_cap(root):
    seeds = root / "seeds"
    assert read_inside(seeds / "a.txt", seeds, 12) == b"twelve bytes"
    assert read_inside(Path("seeds/a.txt"), Path("seeds"), 100) == b"twelve bytes"   # relative paths too


def test_a_file_one_byte_above_its_cap_is_refused_saying_both_sizes(root):
    seeds = root / "seeds"
    assert refusal(seeds / "a.txt", seeds, 11) == "seeds/a.txt: refused: 12 bytes, above the limit of 11"
    (seeds / "big.txt").write_bytes(b"x" * 1_234_567)
    assert refusal(seeds / "big.txt", seeds, 1_000_000) == ("seeds/big.txt: refused: 1,234,567 bytes, above the "
                                                            "limit of 1,000,000")


def test_a_path_that_leaves_its_folder_is_refused_by_dots_or_by_a_symlink(root):
    seeds = root / "seeds"
    assert refusal(Path("seeds/../../outside.txt"), seeds) == ("seeds/../../outside.txt: refused: the path "
                                                               "leaves seeds/")
    (seeds / "link.txt").symlink_to(root.parent / "outside.txt")
    assert refusal(Path("seeds/link.txt"), seeds) == "seeds/link.txt: refused: the path leaves seeds/"
    with pytest.raises(UnsafePath) as raised:
        resolve_inside(seeds / "link.txt", seeds)
    assert raised.value.reason == "refused: the path leaves seeds/"


def test_a_path_that_leaves_the_workspace_itself_names_it_so_not_as_dot(root):
    (root / "link.txt").symlink_to(root.parent / "outside.txt")
    with pytest.raises(UnsafePath) as raised:
        resolve_inside(root / "link.txt", root)
    assert raised.value.reason == "refused: the path leaves the workspace"


def test_a_symlink_to_a_file_inside_the_folder_is_read(root):
    seeds = root / "seeds"
    (seeds / "alias.txt").symlink_to(seeds / "a.txt")
    assert resolve_inside(seeds / "alias.txt", seeds) == (seeds / "a.txt").resolve()
    assert read_inside(seeds / "alias.txt", seeds, 100) == b"twelve bytes"


def test_a_missing_file_a_folder_and_a_fifo_are_refused_in_plain_words(root):
    seeds = root / "seeds"
    missing = refusal(seeds / "none.txt", seeds)
    assert missing == "seeds/none.txt: no such file"
    (seeds / "folder.txt").mkdir()
    assert refusal(seeds / "folder.txt", seeds) == "seeds/folder.txt: refused: not a regular file"
    os.mkfifo(seeds / "pipe.txt")
    assert refusal(seeds / "pipe.txt", seeds) == "seeds/pipe.txt: refused: not a regular file"


def test_a_refusal_is_a_briefwright_error_that_keeps_its_reason(root):
    with pytest.raises(BriefwrightError) as raised:
        read_inside(root / "seeds" / "none.txt", root / "seeds", 10)
    assert isinstance(raised.value, UnsafePath) and raised.value.reason == "no such file"


@pytest.mark.parametrize("name", FOLDERS)
def test_a_workspace_folder_linked_outside_the_workspace_is_refused_naming_its_target(root, name):
    target = root.parent / f"elsewhere-{name}"
    target.mkdir()
    if (root / name).exists():
        (root / name).rename(root / f"old-{name}")
    (root / name).symlink_to(target)
    with pytest.raises(UnsafePath) as raised:
        Workspace.at(root)
    assert str(raised.value) == (f"{name}: refused: a symlink to a folder outside the workspace ({target}); "
                                 "make it a real folder, or a link inside the workspace")


def test_a_workspace_folder_linked_inside_the_workspace_is_taken(root):
    (root / "briefs").symlink_to(root / "seeds")
    workspace = Workspace.at(root)
    assert workspace.root == root.resolve()
    assert (workspace.seeds, workspace.catalog) == (root / "seeds", root / "seeds" / "sources.yaml")
    assert (workspace.briefs, workspace.templates, workspace.build) == (root / "briefs", root / "templates",
                                                                        root / "build")


def test_the_outlines_are_the_yaml_files_of_briefs_sorted_by_name(root):
    briefs = root / "briefs"
    briefs.mkdir()
    for name in ("b.yaml", "a.yml", "c.yaml.bak", "notes.txt", "A.yaml"):
        (briefs / name).write_text("title: x\n", encoding="utf-8")
    assert [p.name for p in Workspace.at(root).outlines()] == ["A.yaml", "a.yml", "b.yaml"]


def test_a_folder_without_briefs_says_how_to_run_briefwright(root):
    with pytest.raises(BriefwrightError) as raised:
        Workspace.at(root).outlines()
    assert str(raised.value) == ("no briefs/ folder in .: run briefwright in a workspace (seeds/, briefs/), "
                                 "or pass -C DIR")


def test_a_file_is_written_whole_with_its_mode_creating_its_folders(root):
    target = root / "build" / "deep" / "x.pdf"
    write_atomically(target, b"first")
    assert target.read_bytes() == b"first" and stat.S_IMODE(target.stat().st_mode) == 0o644
    write_atomically(target, b"second", mode=0o600)
    assert target.read_bytes() == b"second" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]   # no temporary file left


def test_a_target_that_is_a_folder_or_lies_under_a_file_is_refused_in_plain_words(root):
    (root / "build").mkdir()
    with pytest.raises(OutputError) as raised:
        write_atomically(root / "build", b"x")
    assert str(raised.value) == "cannot write build: it is a folder"
    (root / "build" / "file").write_bytes(b"")
    with pytest.raises(OutputError) as raised:
        write_atomically(root / "build" / "file" / "deeper" / "x.pdf", b"x")
    assert str(raised.value) == ("cannot write build/file/deeper/x.pdf: build/file is a file, not a folder "
                                 "(move it away, or write elsewhere)")


def test_a_write_that_fails_leaves_the_previous_file_and_says_why(root):
    build = root / "build"
    build.mkdir()
    name = "x" * 250 + ".pdf"                 # a valid name, but its temporary file's name is too long
    (build / name).write_bytes(b"previous")
    with pytest.raises(OutputError) as raised:
        write_atomically(build / name, b"new")
    assert str(raised.value) == f"cannot write build/{name}: File name too long"
    assert [p.name for p in build.iterdir()] == [name] and (build / name).read_bytes() == b"previous"


def test_the_sha256_of_bytes_is_their_hex_digest():
    assert sha256(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_the_workspace_is_the_working_directory_unless_told_otherwise(root):
    assert Workspace.at().root == root.resolve()
