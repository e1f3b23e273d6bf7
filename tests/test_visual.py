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
RESOLUTION = 30          # dots per inch: enough to see layout, small enough to commit
MEAN_TOLERANCE = 1.5     # mean grey-level difference per pixel (0–255) a page may show
CHANGED_TOLERANCE = 0.01  # share of pixels that may differ by more than a quarter of the scale


def build_example(folder: Path, theme: str) -> Path:
    """Build the example brief in `theme` inside `folder` (a fresh workspace) and return the PDF."""
    for name in ("seeds", "briefs", "data"):
        shutil.copytree(REPO / name, folder / name, dirs_exist_ok=True)
    outline = folder / "briefs" / f"example--{theme}.yaml"
    outline.write_text(f"template: {theme}\n" + EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
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


@pytest.mark.parametrize("theme", THEMES)
def test_the_example_brief_looks_as_it_did(theme, tmp_path):
    references = reference_paths(theme)
    assert references, f"no reference pictures for {theme}: run make references"
    pictures = page_pictures(build_example(tmp_path, theme))
    assert len(pictures) == len(references), "the number of pages changed"
    for number, (picture, path) in enumerate(zip(pictures, references, strict=True), start=1):
        reference = Image.open(path).convert("L")
        assert picture.size == reference.size, f"page {number}: the page size changed"
        mean, changed = difference(picture, reference)
        if mean > MEAN_TOLERANCE or changed > CHANGED_TOLERANCE:
            picture.save(tmp_path / f"now-{path.name}")
            pytest.fail(f"page {number} of {theme} differs from {path.name}: mean {mean:.2f}, "
                        f"{changed:.1%} of pixels changed (now: {tmp_path / ('now-' + path.name)})")


def test_the_comparison_sees_a_changed_page(tmp_path):
    """The tolerance is tight enough to notice a paragraph moving: shift a page by three lines."""
    reference = Image.open(reference_paths(THEMES[0])[0]).convert("L")
    shifted = Image.new("L", reference.size, 255)
    shifted.paste(reference, (0, 12))
    mean, changed = difference(shifted, reference)
    assert mean > MEAN_TOLERANCE or changed > CHANGED_TOLERANCE
