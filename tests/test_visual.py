"""Visual regression: the example brief's pages, in every built-in theme, against reference pictures.

The references are low-resolution greyscale PNGs in tests/visual/. After an
intended change to the look, regenerate them with `make references` and review
the pictures before committing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from briefwright.build import BuildOptions, Pipeline
from briefwright.render.html import builtin_themes
from briefwright.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "briefs" / "azerbaijan-pakistan-turkey.yaml"
REFERENCES = Path(__file__).parent / "visual"
THEMES = sorted(p.name for p in builtin_themes().iterdir() if (p / "brief.html").is_file())
RESOLUTION = 60          # dots per inch: a changed digit of the body text is visible, small enough to commit
MEAN_TOLERANCE = 1.5     # mean grey-level difference per pixel (0–255) a page may show
CHANGED_TOLERANCE = 0.01  # share of pixels that may differ by more than a quarter of the scale
TILE = 16                # pixels: a square of about 7 mm, the size of two or three letters
TILE_TOLERANCE = 1.5     # mean grey-level difference per pixel a single tile may show (a changed digit: about 4)


def build_example(folder: Path, theme: str, text: str | None = None) -> Path:
    """Build the example brief (or `text`, an outline) in `theme` inside `folder` (a fresh workspace)."""
    for name in ("seeds", "briefs", "data"):
        shutil.copytree(REPO / name, folder / name, dirs_exist_ok=True)
    outline = folder / "briefs" / f"example--{theme}.yaml"
    text = EXAMPLE.read_text(encoding="utf-8") if text is None else text
    outline.write_text(f"template: {theme}\n" + text, encoding="utf-8")
    pipeline = Pipeline(Workspace.at(folder))
    return pipeline.build(pipeline.check(outline), BuildOptions(output=folder / f"{theme}.pdf")).pdf


def page_pictures(pdf: Path) -> list[Image.Image]:
    """Render every page of `pdf` as a greyscale picture (pdftoppm, from poppler-utils)."""
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(RESOLUTION), str(pdf), str(prefix)], check=True)
    return [Image.open(path).convert("L") for path in sorted(pdf.parent.glob(f"{prefix.name}-*.png"))]


def reference_paths(theme: str) -> list[Path]:
    return sorted(REFERENCES.glob(f"{theme}-page-*.png"))


def difference(picture: Image.Image, reference: Image.Image) -> tuple[float, float]:
    """Return (mean grey-level difference, share of pixels that differ by more than 64)."""
    diff = ImageChops.difference(picture, reference)
    histogram = diff.histogram()
    pixels = picture.width * picture.height
    mean = sum(level * count for level, count in enumerate(histogram)) / pixels
    return mean, sum(histogram[65:]) / pixels


def worst_tile(picture: Image.Image, reference: Image.Image) -> float:
    """Return the largest mean grey-level difference of any TILE × TILE square of the page."""
    diff = ImageChops.difference(picture, reference)
    worst = 0.0
    for top in range(0, diff.height, TILE):
        for left in range(0, diff.width, TILE):
            tile = diff.crop((left, top, min(left + TILE, diff.width), min(top + TILE, diff.height)))
            worst = max(worst, sum(tile.histogram()[level] * level for level in range(256)) / (TILE * TILE))
    return worst


def differs(picture: Image.Image, reference: Image.Image) -> str | None:
    """Say how `picture` differs from `reference` beyond the tolerances, or None when it does not."""
    mean, changed = difference(picture, reference)
    tile = worst_tile(picture, reference)
    if mean > MEAN_TOLERANCE or changed > CHANGED_TOLERANCE or tile > TILE_TOLERANCE:
        return f"mean {mean:.2f}, {changed:.1%} of pixels changed, worst tile {tile:.2f}"
    return None


@pytest.mark.parametrize("theme", THEMES)
def test_the_example_brief_looks_as_it_did(theme, tmp_path):
    references = reference_paths(theme)
    assert references, f"no reference pictures for {theme}: run make references"
    pictures = page_pictures(build_example(tmp_path, theme))
    assert len(pictures) == len(references), "the number of pages changed"
    for number, (picture, path) in enumerate(zip(pictures, references, strict=True), start=1):
        reference = Image.open(path).convert("L")
        assert picture.size == reference.size, f"page {number}: the page size changed"
        if (how := differs(picture, reference)) is not None:
            picture.save(tmp_path / f"now-{path.name}")
            pytest.fail(f"page {number} of {theme} differs from {path.name}: {how} "
                        f"(now: {tmp_path / ('now-' + path.name)})")


def test_the_comparison_sees_a_changed_page(tmp_path):
    """The tolerance is tight enough to notice a paragraph moving: shift a page by three lines."""
    reference = Image.open(reference_paths(THEMES[0])[0]).convert("L")
    shifted = Image.new("L", reference.size, 255)
    shifted.paste(reference, (0, 12))
    assert differs(shifted, reference) is not None
    assert differs(reference, reference) is None


def pages_holding(pdf: Path, words: list[str]) -> set[int]:
    """The numbers of the pages of `pdf` whose text holds any of `words` (spaces and breaks folded)."""
    from pypdf import PdfReader
    texts = ["".join(page.extract_text().split()).replace("\u00ad", "") for page in PdfReader(pdf).pages]
    return {number for number, text in enumerate(texts, start=1)
            if any("".join(word.split()) in text for word in words)}


def test_the_tolerances_see_one_changed_digit_and_one_changed_word(tmp_path):
    """The date's last digit and one word of the body change: the pages printing them differ, no other.

    The changed pages are found in the built PDF's text (not at fixed places), so the test
    holds whatever the layout of the current references.
    """
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "date: 2026-11-22" in text and "thinner but steady" in text
    text = text.replace("date: 2026-11-22", "date: 2026-11-23").replace("thinner but steady", "thinner but stable")
    theme = "policy-brief"
    pdf = build_example(tmp_path, theme, text)
    dated = pages_holding(pdf, ["November 23, 2026", "23 November 2026", "2026-11-23"])
    worded = pages_holding(pdf, ["thinner but stable"])
    pictures = page_pictures(pdf)
    assert len(dated) >= 1 and len(worded) == 1 and not dated & worded, (dated, worded)
    assert len(dated | worded) < len(pictures), "no page is left unchanged to tell the tolerance from noise"
    references = [Image.open(path).convert("L") for path in reference_paths(theme)]
    assert len(pictures) == len(references), "the number of pages changed"
    verdicts = [differs(picture, reference) for picture, reference in zip(pictures, references, strict=True)]
    changed = {number for number, verdict in enumerate(verdicts, start=1) if verdict is not None}
    assert changed == dated | worded, (dated, worded, verdicts)
