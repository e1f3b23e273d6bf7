"""How far justification stretched the word spaces of a laid-out line.

WeasyPrint justifies a line by adding `justification_spacing` (CSS px) to
each of its word spaces. `WordSpaces.stretch` compares the widest space of a
line with the natural word space of its font, measured with Pango for the
box's own style, so a loose line is judged the same way in every theme and font.
"""

from __future__ import annotations

from weasyprint.formatting_structure.boxes import LineBox, TextBox
from weasyprint.text.line_break import Layout, line_size


class WordSpaces:
    """Measures word spaces for one laid-out document (its fonts), remembering each font's space."""

    def __init__(self):
        self._natural: dict[tuple, float] = {}   # (font, size, weight, style, spacings): a space's width, CSS px

    def stretch(self, line: LineBox) -> float:
        """The widest word space of `line` as a multiple of its natural width (1.0: not stretched)."""
        widest = 1.0
        for box in line.descendants():
            if isinstance(box, TextBox) and box.justification_spacing > 0 and " " in box.text.strip():
                space = self.natural(box.style)
                if space > 0:
                    widest = max(widest, (space + box.justification_spacing) / space)
        return widest

    def natural(self, style) -> float:
        """The width of one word space in the font of `style`, unstretched."""
        key = (tuple(style["font_family"]), style["font_size"], style["font_weight"], style["font_style"],
               style["word_spacing"], style["letter_spacing"])
        if key not in self._natural:
            self._natural[key] = _width(style, "x x") - _width(style, "xx")
        return self._natural[key]


def _width(style, text: str) -> float:
    layout = Layout(style)
    layout.set_text(text)
    line, _ = layout.get_first_line()
    return line_size(line, style)[0]
