"""The template's fills, declared once: what the workbook writer gives each kind of cell, and
what a painter that cannot read formats back (an add-in behind a remote engine, the WPS add-in)
puts back when it removes its marks (:func:`template_fill`).  The marks' own colours are in
:data:`nianbao.marks.FILLS`."""
from __future__ import annotations

from .layout import layout_of

HEADER_FILL = "D9D9D9"
INPUT_FILL = "FFF2CC"  # light yellow: "type here"
CHECK_FILL = "F2F2F2"
# label style → its fill (the others have none)
LABEL_FILLS = {"block": HEADER_FILL, "header": HEADER_FILL, "corner": HEADER_FILL,
               "check_header": CHECK_FILL}


def template_fill(format_id: str, sheet: str, row: int, col: int) -> str | None:
    """The fill the template gives a cell, as ``RRGGBB`` (None: no fill)."""
    s = layout_of(format_id).sheet(sheet)
    if any((f.row, f.col) == (row, col) for f in s.fields):
        return INPUT_FILL
    if any((c.row, c.col) == (row, col) for c in s.checks):
        return CHECK_FILL
    for label in s.labels:
        if (label.row <= row <= (label.last_row or label.row)
                and label.col <= col <= (label.last_col or label.col)):
            return LABEL_FILLS.get(label.style)
    return None


__all__ = ["template_fill", "HEADER_FILL", "INPUT_FILL", "CHECK_FILL", "LABEL_FILLS"]
