"""A Word report: its paragraphs and real tables, in document order.

A table row becomes one line, its cells separated by :data:`~.text.CELL`; a cell continued from
the row above (a vertical merge) is left out, as the reader of the printed page sees it once;
an empty value cell becomes :data:`~.text.BLANK`, so a blank keeps its place.
"""
from __future__ import annotations

import io

from docx.oxml.ns import qn

from .text import table_row_line

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _BR, _CR, _TAB = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab")
_VMERGE, _VAL = qn("w:vMerge"), qn("w:val")
_SDT, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtContent")


def _paragraph_text(p) -> str:
    out = []
    for el in p.iter(_T, _BR, _CR, _TAB):
        if el.tag == _T:
            out.append(el.text or "")
        elif el.tag == _TAB:
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _cell_text(tc) -> str:
    # a line break inside a cell is layout (「（三）/不予公开」), not a line of the report: a row
    # stays one line, or every line after it would be counted one off
    return " ".join(_paragraph_text(p).replace("\n", "") for p in tc.iter(_P)).strip()


def _row_cells(tr) -> list[str]:
    cells = []
    for tc in tr.iterchildren(_TC):
        vmerge = tc.find(f"{qn('w:tcPr')}/{_VMERGE}")
        if vmerge is not None and vmerge.get(_VAL) in (None, "continue"):
            continue
        cells.append(_cell_text(tc))
    return cells


def _lines(body) -> list[str]:
    out: list[str] = []
    for child in body.iterchildren():
        if child.tag == _P:
            out += _paragraph_text(child).split("\n")
        elif child.tag == _TBL:
            for tr in child.iter(_TR):  # rows inside content controls too
                out.append(table_row_line(_row_cells(tr)))
        elif child.tag == _SDT:  # a content control (WPS and Word templates wrap parts in one)
            for content in child.iterchildren(_SDT_CONTENT):
                out += _lines(content)
    return out


def read_lines(data: bytes, name: str = "") -> list[str]:
    """The lines of the Word file whose bytes are ``data``, after the safety screen every
    Office file from elsewhere passes (:func:`nianbao.safety.screen_package`: bombs, DTDs and
    entity declarations, damaged parts, and the shape of every XML part python-docx would
    parse — nesting, elements, table rows, text lengths — so lxml never meets what it would
    refuse in English or take seconds and hundreds of MB to hold)."""
    from docx import Document  # python-docx parses the package with a hardened lxml parser

    from ..safety import DOCX, screen_package

    screen_package(data, name, DOCX, shape=True)
    # what python-docx may still raise (a part it cannot find) is said by import_report
    return _lines(Document(io.BytesIO(data)).element.body)
