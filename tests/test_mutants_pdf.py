"""The PDF fetcher and the note page check, called directly: what `make mutation-pdf` found no test holding.

`LocalFetcher` serves theme files (the workspace's theme folder first, then the built-in one) and
workspace files, each read through the path rules, and refuses everything else, saying why when it
knows better than "outside"; an image with too many pixels is refused before it is decoded. No layout:
each test fetches URLs itself (milliseconds), so the mutation run affords them for every mutant.
"""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import pytest

from briefwright.render.html import find_theme
from briefwright.render.pdf import MAX_ASSET_BYTES, LocalFetcher, _about_refused, _misplaced_message
from briefwright.render.themes import builtin_themes
from briefwright.workspace import Workspace


def png(width: int, height: int) -> bytes:
    """The header of a PNG image of `width` × `height` pixels (a valid signature and IHDR chunk)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Path:
    """A workspace with its own policy-brief folder (one stylesheet) and a data file; the working directory."""
    theme = tmp_path / "ws" / "templates" / "policy-brief"
    theme.mkdir(parents=True)
    (theme / "extra.css").write_text("p { color: red }", encoding="utf-8")
    (tmp_path / "ws" / "data").mkdir()
    (tmp_path / "ws" / "data" / "notes.xyzzy").write_bytes(b"\x00\x01")    # a type nobody knows
    (tmp_path / "outside.css").write_text("p {}", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "ws")
    return tmp_path / "ws"


@pytest.fixture
def fetcher(ws) -> LocalFetcher:
    theme = find_theme("policy-brief", Workspace.at(ws))
    return LocalFetcher(theme, ws / "templates" / "policy-brief", ws)


def refused(fetcher: LocalFetcher, url: str) -> str | None:
    """Fetch `url`, which must be refused; return the reason recorded for it (None: refused as outside)."""
    with pytest.raises(PermissionError, match="briefwright refuses"):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.loaded == [] and fetcher.missing == []
    return fetcher.reasons.get(url)


def test_the_fetcher_serves_a_theme_file_of_the_workspace_first_then_the_built_in_one(ws, fetcher):
    base = ws / "templates" / "policy-brief"
    own = fetcher.fetch((base / "extra.css").as_uri())
    assert (own.read(), own.headers["Content-Type"], own.url) == (b"p { color: red }", "text/css", (base / "extra.css").as_uri())
    builtin = fetcher.fetch((base / "brief.css").as_uri())
    assert builtin.read() == (builtin_themes() / "policy-brief" / "brief.css").read_bytes()
    assert fetcher.loaded == [("extra.css", base / "extra.css"), ("brief.css", builtin_themes() / "policy-brief" /
                                                                  "brief.css")]
    assert fetcher.refused == [] and fetcher.missing == []


def test_the_fetcher_serves_a_workspace_file_with_its_type_or_as_bytes(ws, fetcher):
    (ws / "data" / "my chart.png").write_bytes(png(10, 10))
    image = fetcher.fetch((ws / "data" / "my chart.png").as_uri())        # percent-encoded: my%20chart.png
    assert (image.read(), image.headers["Content-Type"]) == (png(10, 10), "image/png")
    other = fetcher.fetch("FILE://" + str(ws / "data" / "notes.xyzzy"))   # the scheme in capitals
    assert (other.read(), other.headers["Content-Type"]) == (b"\x00\x01", "application/octet-stream")
    assert fetcher.loaded == [(None, ws / "data" / "my chart.png"), (None, ws / "data" / "notes.xyzzy")]


def test_the_fetcher_says_a_missing_file_is_missing_not_refused(ws, fetcher):
    for url in ((ws / "templates" / "policy-brief" / "logo.png").as_uri(), (ws / "data" / "none.csv").as_uri()):
        with pytest.raises(FileNotFoundError):
            fetcher.fetch(url)
    assert fetcher.missing == [(ws / "templates" / "policy-brief" / "logo.png").as_uri(),
                               (ws / "data" / "none.csv").as_uri()]
    assert fetcher.refused == [] and fetcher.loaded == []


def test_the_fetcher_refuses_a_theme_path_with_dots_even_inside_the_theme(ws, fetcher):
    assert refused(fetcher, (ws / "templates" / "policy-brief").as_uri() + "/../policy-brief/extra.css") is None


def test_the_fetcher_refuses_a_theme_file_linked_out_of_its_folder_saying_so(ws, fetcher):
    (ws / "templates" / "policy-brief" / "evil.css").symlink_to(ws.parent / "outside.css")
    reason = refused(fetcher, (ws / "templates" / "policy-brief" / "evil.css").as_uri())
    assert reason == "templates/policy-brief/evil.css: refused: the path leaves templates/policy-brief/"


def test_the_fetcher_refuses_a_workspace_file_above_its_size_cap_naming_it(ws, fetcher):
    with open(ws / "data" / "huge.bin", "wb") as huge:
        huge.truncate(MAX_ASSET_BYTES + 1)                      # a sparse file: nothing is written
    reason = refused(fetcher, (ws / "data" / "huge.bin").as_uri())
    assert reason == f"data/huge.bin: refused: {MAX_ASSET_BYTES + 1:,} bytes, above the limit of {MAX_ASSET_BYTES:,}"


def test_the_fetcher_serves_a_workspace_file_at_its_size_cap(ws, fetcher):
    with open(ws / "data" / "big.bin", "wb") as big:
        big.truncate(MAX_ASSET_BYTES)
    assert len(fetcher.fetch((ws / "data" / "big.bin").as_uri()).read()) == MAX_ASSET_BYTES


@pytest.mark.parametrize("width, height, shown", [(10_000, 4_001, "10,000 × 4,001"), (1, 40_000_001, "1 × 40,000,001")])
def test_the_fetcher_refuses_an_image_with_too_many_pixels_before_decoding_it(ws, fetcher, width, height, shown):
    (ws / "data" / "bomb.png").write_bytes(png(width, height))
    reason = refused(fetcher, (ws / "data" / "bomb.png").as_uri())
    assert reason == f"data/bomb.png: refused: an image of {shown} pixels, above the limit of 40,000,000 pixels " \
                     "(an image bomb?)"


def test_the_fetcher_serves_an_image_of_as_many_pixels_as_its_limit(ws, fetcher):
    (ws / "data" / "large.png").write_bytes(png(8_000, 5_000))
    assert fetcher.fetch((ws / "data" / "large.png").as_uri()).read() == png(8_000, 5_000)


def test_the_fetcher_serves_a_data_url_and_refuses_one_holding_an_image_bomb(fetcher):
    small_url = "data:text/css;base64," + base64.b64encode(b"hello").decode()
    small = fetcher.fetch(small_url)
    assert (small.read(), small.url, small.headers.get_content_type()) == (b"hello", small_url, "text/css")
    url = "data:image/png;base64," + base64.b64encode(png(10_000, 10_000)).decode()   # above Pillow's own limit too
    assert refused(fetcher, url) == ("a data: URL: refused: an image of 100,000,000 pixels, above the limit "
                                     "of 40,000,000 pixels (an image bomb?)")


@pytest.mark.parametrize("url", ["file:///etc/hostname", "http://127.0.0.1:9/x.png", "ftp://example.org/x"])
def test_the_fetcher_refuses_other_urls_as_outside_with_no_reason_of_its_own(fetcher, url):
    assert refused(fetcher, url) is None


def test_a_note_set_off_its_page_or_missing_is_named_with_its_call_page_and_layouts():
    assert _misplaced_message(4, 2, 3, 4) == ("note 4, called on page 2, would be printed on page 3: it could not be "
                                              "set on the page of its call in 4 layouts; shorten the note or the "
                                              "text around it")
    assert _misplaced_message(7, 1, None, 2).startswith("note 7, called on page 1, is missing from the PDF: it "
                                                        "could not be set on the page of its call in 2 layouts")


def test_a_weasyprint_message_about_a_refused_url_is_not_reported_twice():
    assert _about_refused("Failed to load image at 'file:///etc/x'", ["http://a", "file:///etc/x"])
    assert not _about_refused("Failed to load image at 'file:///etc/y'", ["file:///etc/x"])
    assert not _about_refused("anything", [])


def test_the_fetcher_refuses_a_network_url_whose_path_names_a_workspace_file(ws, fetcher):
    assert refused(fetcher, "http://example.org" + str(ws / "data" / "notes.xyzzy")) is None
