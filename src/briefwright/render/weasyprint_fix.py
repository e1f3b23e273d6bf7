"""A repair of WeasyPrint 70's footnote layout: notes stay on the page of their call.

When a paragraph's line overflows the page and moving it alone would break
the paragraph's orphans rule, WeasyPrint 70 (`layout/block.py`,
`_linebox_layout`) "reports" footnotes already placed on the page to the next
page to make the line fit. Their calls stay behind, so the call is on page N and
the note on page N+1, whatever `footnote-policy` says; and the notes of the line
itself are then never laid out, so a note can vanish from the PDF.

`apply()` turns that branch off, so WeasyPrint breaks the page before the line
instead, and the line's notes go with it (as LaTeX does). The repair is applied
only when the function's source holds the exact statement it replaces: with
any other WeasyPrint the layout stays as it is, and the page check after layout
(`layout.note_pages`) and its further passes still guard every brief.
"""

from __future__ import annotations

import inspect
import textwrap

FAULTY = "report = not context.in_column and can_break_now and not could_break_before"
REPAIRED = "report = False  # briefwright: never move earlier notes away from their calls"

_applied: bool | None = None
original = None  # WeasyPrint's own `_linebox_layout`, kept so tests can lay out without the repair


def apply() -> bool:
    """Repair WeasyPrint's line layout once per process; return whether the repair is in place."""
    global _applied
    if _applied is None:
        _applied = _recompile_without_reporting()
    return _applied


def _recompile_without_reporting() -> bool:
    global original
    from weasyprint.layout import block

    original = block._linebox_layout
    try:
        source = textwrap.dedent(inspect.getsource(block._linebox_layout))
    except (OSError, TypeError):  # no source on disk (a frozen build): leave WeasyPrint alone
        return False
    if source.count(FAULTY) != 1:
        return False
    code = compile(source.replace(FAULTY, REPAIRED), block.__file__, "exec")
    exec(code, block.__dict__)  # rebinds block._linebox_layout; its callers look it up there
    return True
