"""A marked copy of a checked workbook: faulty cells filled and commented, a 校验结果 sheet.

The original file is only ever *read* (openpyxl loads it; the copy is saved elsewhere through
:func:`nianbao.fileio.atomic_path`), and no cell value is touched.  Marking a copy that was
marked before first puts back what the earlier marking covered: the fill and comment each marked
cell had are kept in a very hidden sheet, and the old 校验结果 sheet is replaced.

Everything written into 校验结果 is a literal string: a finding can quote user text that starts
with 「=」, and it must never become a formula.
"""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.fills import Fill
from openpyxl.utils.cell import coordinate_from_string, range_boundaries
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.xml.functions import fromstring, tostring

from ..errors import NianbaoError
from ..fileio import atomic_path
from ..findings import SEVERITY_LABELS, SEVERITY_ORDER, Finding, Findings
from ..messages import say
from ..xlsx_writer import BASE_SIZE, text_height

MESSAGE_WIDTH = 80  # character units of the 说明 column of the 校验结果 sheet

STORE_SHEET = "_nianbao_marks"  # very hidden: what each marked cell looked like before
FILLS = {"error": "FFFFC7CE", "warning": "FFFFEB9C", "notice": "FFDDEBF7"}
_STORE_HEADER = ("sheet", "cell", "fill", "had_comment", "comment", "author", "result_sheet")


def mark_workbook(source: str | os.PathLike, out: str | os.PathLike,
                  findings: Findings | None = None, previous=None) -> Findings:
    """Write a marked copy of ``source`` to ``out``; returns the findings it marked.

    ``findings`` defaults to :func:`nianbao.checks.check` of ``source`` (against ``previous``).
    """
    src, dst = Path(source), Path(out)
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise NianbaoError("mark.same_file", file=str(src))
    if findings is None:
        from .engine import check

        findings = check(src, previous)
    wb = load_workbook(src)
    result_name = _unmark(wb)
    _mark(wb, findings, result_name, src.name)
    with atomic_path(dst) as tmp:
        wb.save(tmp)
    return findings


# -- undoing an earlier marking --------------------------------------------------------------------
def _unmark(wb) -> str:
    """Restore the cells an earlier marking changed; returns the name for the result sheet."""
    result_name = say("mark.sheet")
    if STORE_SHEET in wb.sheetnames:
        store = wb[STORE_SHEET]
        old_result = None
        for row in store.iter_rows(min_row=2, values_only=True):
            sheet, cell, fill, had_comment, text, author, result = (list(row) + [None] * 7)[:7]
            if result:
                old_result = result
            if not sheet or sheet not in wb.sheetnames or not cell:
                continue
            c = wb[sheet][cell]
            if fill:
                c.fill = Fill.from_tree(fromstring(fill))
            c.comment = Comment(str(text or ""), str(author or "")) if had_comment else None
        wb.remove(store)
        if old_result and old_result in wb.sheetnames:
            wb.remove(wb[old_result])
    if result_name in wb.sheetnames:  # a sheet of the user's that happens to bear our name
        n = 2
        while f"{result_name}{n}" in wb.sheetnames:
            n += 1
        result_name = f"{result_name}{n}"
    return result_name


# -- marking -------------------------------------------------------------------------------------
def _cells_of(f: Finding, sheetnames: list[str]) -> list[tuple[str, str]]:
    """The cells a finding marks: its cell, or the involved cells inside its range."""
    if not f.sheet or not f.cell or f.sheet not in sheetnames:
        return []
    if ":" not in f.cell:
        return [(f.sheet, f.cell)]
    lo_c, lo_r, hi_c, hi_r = range_boundaries(f.cell)
    out = []
    for ref in f.cells:
        sheet, addr = ref.rsplit("!", 1)
        if sheet != f.sheet:
            continue
        from openpyxl.utils.cell import column_index_from_string

        letters, row = coordinate_from_string(addr)
        col = column_index_from_string(letters)
        if lo_c <= col <= hi_c and lo_r <= row <= hi_r:
            out.append((sheet, addr))
    return out or [(f.sheet, f.cell.split(":")[0])]


def _literal(cell, value) -> None:
    """Write ``value``; text stays text even when it starts with 「=」."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _mark(wb, findings: Findings, result_name: str, file_name: str) -> None:
    marks: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        for key in _cells_of(f, wb.sheetnames):
            marks[key].append(f)

    store = wb.create_sheet(STORE_SHEET)
    store.sheet_state = "veryHidden"
    store.append(_STORE_HEADER)
    for (sheet, addr), fs in marks.items():
        c = wb[sheet][addr]
        had = c.comment is not None
        row = (sheet, addr, tostring(c.fill.to_tree()).decode("utf-8"), 1 if had else 0,
               c.comment.text if had else "", c.comment.author if had else "", "")
        store.append([None] * len(row))
        for j, v in enumerate(row, start=1):
            _literal(store.cell(store.max_row, j), v)
        worst = min((f.severity for f in fs), key=SEVERITY_ORDER.__getitem__)
        c.fill = PatternFill("solid", fgColor=FILLS[worst], bgColor=FILLS[worst])
        text = "\n".join(say("mark.comment_line", severity=SEVERITY_LABELS[f.severity],
                             message=f.message) for f in fs)
        comment = Comment(text, say("mark.author"))
        comment.width, comment.height = 360, min(60 + 40 * len(fs), 400)
        c.comment = comment
    store.append([None] * len(_STORE_HEADER))
    _literal(store.cell(store.max_row, 7), result_name)

    ws = wb.create_sheet(result_name, 0)
    _literal(ws["A1"], say("mark.title", file=file_name))
    ws["A1"].font = Font(bold=True, size=14)
    _literal(ws["A2"], say("mark.summary", errors=findings.errors, warnings=findings.warnings,
                           notices=findings.notices) if len(findings) else say("mark.none"))
    headers = [say(k) for k in ("mark.h.no", "mark.h.severity", "mark.h.position", "mark.h.rule",
                                "mark.h.message", "mark.h.expected", "mark.h.actual")]
    for j, h in enumerate(headers, start=1):
        _literal(ws.cell(4, j), h)
        ws.cell(4, j).font = Font(bold=True)
    for i, f in enumerate(findings, start=1):
        r = 4 + i
        _literal(ws.cell(r, 1), i)
        _literal(ws.cell(r, 2), SEVERITY_LABELS[f.severity])
        ws.cell(r, 2).fill = PatternFill("solid", fgColor=FILLS[f.severity], bgColor=FILLS[f.severity])
        pos = ws.cell(r, 3)
        if f.sheet:
            _literal(pos, say("mark.position", sheet=f.sheet, cell=f.cell) if f.cell else f.sheet)
            if f.sheet in wb.sheetnames:
                target = (f.cell or "A1").split(":")[0]
                pos.hyperlink = Hyperlink(ref=pos.coordinate, location=f"'{f.sheet}'!{target}",
                                          display=str(pos.value))
                pos.font = Font(color="FF0563C1", underline="single")
        _literal(ws.cell(r, 4), f.rule)
        _literal(ws.cell(r, 5), f.message)
        for j in range(1, 8):
            ws.cell(r, j).alignment = Alignment(wrap_text=j == 5, vertical="top")
        # neither Excel nor LibreOffice grows a row for wrapped text in a file they did not save
        ws.row_dimensions[r].height = text_height(f.message, MESSAGE_WIDTH, BASE_SIZE)
        for j, v in ((6, f.expected), (7, f.actual)):
            if v is not None:
                _literal(ws.cell(r, j), v if isinstance(v, (int, float)) and not isinstance(v, bool)
                         else str(v))
    for col, width in zip("ABCDEFG", (6, 8, 24, 20, MESSAGE_WIDTH, 10, 10)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
    # printed, the list must keep its 说明 column on the page: A4 landscape, one page wide
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "4:4"
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = wb.sheetnames.index(result_name)


__all__ = ["mark_workbook", "STORE_SHEET", "FILLS"]
