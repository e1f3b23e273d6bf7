"""Write policy-brief's reference document for the Word edition, reproducibly.

Starts from pandoc's own reference.docx (pandoc --print-default-data-file
reference.docx, from pypandoc-binary) and gives its styles policy-brief's fonts
(Linux Libertine for the text, Inter for headings, the fonts the theme ships)
and its accent colour (the `accent` setting's default). The zip is written with
fixed timestamps, so running this again gives the same bytes.

Usage: .venv/bin/python scripts/make-reference-docx.py
"""

import io
import re
import subprocess
import zipfile
from pathlib import Path

from briefwright.render.citations import pandoc_path
from briefwright.render.themes import SETTINGS, builtin_themes

TEXT_FONT, HEADING_FONT = "Linux Libertine O", "Inter"
TARGET = builtin_themes() / "policy-brief" / "reference.docx"


def fonts(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:eastAsia="{name}" w:hAnsi="{name}" w:cs="{name}" />'


def restyle(styles: str, accent: str) -> str:
    """pandoc's styles with the theme's fonts and accent colour."""
    styles = re.sub(r'<w:rFonts w:asciiTheme="minorHAnsi"[^>]*/>', fonts(TEXT_FONT), styles)
    styles = re.sub(r'<w:rFonts w:asciiTheme="majorHAnsi"[^>]*/>', fonts(HEADING_FONT), styles)
    return re.sub(r'<w:color w:val="[0-9A-F]{6}" w:themeColor="accent1"[^>]*/>',
                  f'<w:color w:val="{accent}" />', styles)


def main() -> None:
    default = subprocess.run([str(pandoc_path()), "--print-default-data-file", "reference.docx"],
                             capture_output=True, check=True).stdout
    accent = SETTINGS["accent"].default.lstrip("#").upper()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(default)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                data = restyle(data.decode("utf-8"), accent).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    TARGET.write_bytes(out.getvalue())
    print(f"wrote {TARGET.relative_to(Path.cwd()) if TARGET.is_relative_to(Path.cwd()) else TARGET.name}")


if __name__ == "__main__":
    main()
