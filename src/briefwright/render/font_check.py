"""The theme's fonts checked on the laid-out pages: faces a text needs, characters no face holds.

Part of the typographic check (`typography`), run once the PDF is written, when the
fonts WeasyPrint embedded are known (the `pdf` stage calls `font_faults`): a face
the text needs but the theme does not declare (bold or italic, faked by Pango
meanwhile) is named with the first text that needs it; a character no face of the
font holds is named with its page and where it stands (the body, a note, the
running head or foot); a system font no text box explains was drawn by an SVG
image's own text (a logo), and the image is blamed.
"""

from __future__ import annotations

from weasyprint.formatting_structure.boxes import FootnoteAreaBox, MarginBox, TextBox

from .typography import Fault

Face = tuple[bool, bool]   # (bold, italic)
SPACES = set(" \t\n\xa0\xad\u2009\u200b\u2060")   # and the word joiner: nothing is drawn for any


def font_faults(pages, faces: dict[str, dict[Face, set[int]]], used: set[str]) -> list[Fault]:
    """Faults of the theme's fonts, found in the laid-out `pages`.

    `faces` holds, for each family declared with @font-face, the characters of
    each face (bold, italic); `used` the families the PDF embeds. A face the text
    needs but the theme lacks is faked by Pango; a character no face holds is
    set in a system font; a system font used by no text box comes from an image.
    """
    missing_face: dict[tuple[str, Face], tuple[int, str]] = {}
    missing_char: dict[str, tuple[int, str, str]] = {}
    held = {family: set().union(*by_face.values()) for family, by_face in faces.items()}
    for number, page in enumerate(pages, start=1):
        for where, box in _text_boxes(page._page_box):
            family = box.style["font_family"][0]
            if family not in faces or not box.text.strip():
                continue
            face = (box.style["font_weight"] >= 600, box.style["font_style"] != "normal")
            if face not in faces[family]:
                missing_face.setdefault((family, face), (number, box.text.strip()))
            for char in set(box.text) - SPACES:
                if ord(char) not in held[family]:
                    missing_char.setdefault(char, (number, where, family))
    faults = [Fault(f"page {page}: the theme's font {family!r} has no {_face_name(face)} face, which "
                    f"{text[:40]!r} needs: add an @font-face for it (it is faked meanwhile)")
              for (family, face), (page, text) in missing_face.items()]
    faults += [Fault(f"page {page}: the character {char!r} (U+{ord(char):04X}) in {where} is missing from "
                     f"the theme's font {family!r} and was set in a system font")
               for char, (page, where, family) in missing_char.items()]
    if not missing_char:
        faults += _fonts_of_images(pages, used - set(faces))
    return faults


def _fonts_of_images(pages, undeclared: set[str]) -> list[Fault]:
    """System fonts no text box explains: drawn by an SVG image's own text (a logo, say)."""
    if not undeclared:
        return []
    images = [(number, box.element.get("src"), (box.element.get("class") or "image").split()[0])
              for number, page in enumerate(pages, start=1) for box in page._page_box.descendants()
              if getattr(box, "element_tag", None) == "img" and (box.element.get("src") or "").endswith(".svg")]
    fonts = ", ".join(repr(family) for family in sorted(undeclared))
    if not images:
        return fallback_fonts(undeclared, set())
    page, source, name = images[0]
    return [Fault(f"page {page}: the SVG image {source!r} (the {name}) draws text in {fonts}, a font the theme "
                  "does not declare: convert its text to paths")]


def _text_boxes(page_box):
    """Yield (where, text box) for every text box of the page: the body, a note, a running head."""
    for child in page_box.children:
        where = ("a note" if isinstance(child, FootnoteAreaBox) else
                 "the running head or foot" if isinstance(child, MarginBox) else "the body")
        for box in child.descendants():
            if isinstance(box, TextBox):
                yield where, box


def _face_name(face: Face) -> str:
    return {(True, False): "bold", (False, True): "italic", (True, True): "bold italic"}.get(face, "regular")


def fallback_fonts(used: set[str], declared: set[str]) -> list[Fault]:
    """Faults for text set in fonts the theme did not declare (known once the PDF is written)."""
    return [Fault(f"text set in {family!r}, a font the theme does not declare: a character is missing "
                  "from the theme's fonts") for family in sorted(used - declared)]
