"""Regenerate the reference pictures of tests/visual/ (`make references`); review them before committing."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.test_visual import REFERENCES, THEMES, build_example, page_pictures  # noqa: E402


def main() -> None:
    for old in REFERENCES.glob("*.png"):
        old.unlink()
    for theme in THEMES:
        with tempfile.TemporaryDirectory() as folder:
            for number, picture in enumerate(page_pictures(build_example(Path(folder), theme)), start=1):
                path = REFERENCES / f"{theme}-page-{number}.png"
                picture.save(path, optimize=True)
                print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
