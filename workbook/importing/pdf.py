"""A PDF report: its text layer page by page, with pdfplumber (the optional extra
``nianbao[pdf]``).  A scanned PDF has no text layer; what is not there is reported missing.

A table drawn with rules (every Word or WPS table printed to PDF) is read by its cells, as the
Word reader reads a table: one line per row, an empty cell a printed blank.  Read as lines of
text instead, a row's numbers sit wherever the page centred them — between the two lines of a
label, or above it — and a blank cell leaves no trace.  The text around the tables is read as
lines, in the order printed.  Pages are separated by :data:`~.text.PAGE`, so page numbers and
running headers can be told from the report (:func:`~.text.without_furniture`).
"""
from __future__ import annotations

from pathlib import Path

from ..errors import UnreadableWorkbook
from ..messages import say
from .text import PAGE, table_row_line


def read_lines(path: Path) -> list[str]:
    try:
        import pdfplumber
    except ImportError:
        raise UnreadableWorkbook("import.pdf_library", file=str(path)) from None
    lines: list[str] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            for i, page in enumerate(pdf.pages):
                if i:
                    lines.append(PAGE)
                lines += page_lines(page)
    except Exception as e:  # pdfminer raises many kinds for a damaged or encrypted file
        raise UnreadableWorkbook("import.unreadable", file=str(path),
                                 detail=say("import.not_pdf", kind=type(e).__name__)) from e
    return lines


def page_lines(page) -> list[str]:
    """One page's lines: text lines and table rows, top to bottom."""
    try:
        tables = [t for t in page.find_tables() if _is_grid(t)]
    except Exception:  # a drawing pdfplumber cannot make a table of: the page as text
        tables = []
    if not tables:
        return (page.extract_text() or "").splitlines()
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    placed: list[tuple[float, int, str]] = [
        (line["top"], 0, line["text"]) for line in page.filter(outside).extract_text_lines()]
    for t in tables:
        top = t.bbox[1]
        for k, row in enumerate(t.extract()):
            cells = [c for c in row if c is not None]  # None: covered by a merged cell
            text = table_row_line([_cell_text(c) for c in cells])
            if text:
                placed.append((top, k + 1, text))
    placed.sort(key=lambda p: (p[0], p[1]))
    return [text for _, _, text in placed]


def _is_grid(table) -> bool:
    """A table of at least two rows and two columns: a frame drawn around a page or a
    paragraph is not one."""
    rows = table.extract()
    return len(rows) >= 2 and max((len(r) for r in rows), default=0) >= 2


def _cell_text(text: str) -> str:
    # a label wrapped inside its cell (「1.本机关不掌握\n相关政府信息」) is one label; the
    # wrap is layout, as in a Word cell
    return "".join(part.strip() for part in text.split("\n")).strip()
