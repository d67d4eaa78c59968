"""A marked copy of a checked workbook: faulty cells filled and commented, a 校验结果 sheet —
the openpyxl painter of :func:`nianbao.marks.plan_marks` (the add-ins are the others).

The original file is only ever *read* (openpyxl loads it; the copy is saved elsewhere through
:func:`nianbao.fileio.atomic_path`), and no cell value is touched.  Marking a copy that was
marked before first puts back what the earlier marking covered: the fill and comment each marked
cell had are kept in a very hidden sheet, and the old 校验结果 sheet is replaced.

Everything written into 校验结果 is a literal string: a finding can quote user text that starts
with 「=」, and it must never become a formula.  Characters a worksheet cannot hold (control
characters pasted into a cell and quoted by a message) are dropped from what we write.

Marking handles every workbook that reading accepts.  openpyxl is stricter than calamine (a
missing [Content_Types].xml or stylesheet, a style index out of range, a damaged cell reference);
when it cannot open or save the original, the marked copy is a workbook rebuilt from what was
read — the same layout and values, the original's formatting lost — and 校验结果 says so.
"""
from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.fills import Fill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.xml.functions import fromstring, tostring

from .errors import NianbaoError
from .fileio import atomic_path, write_reason
from .findings import Findings
from .marks import (FILLS, LINK_COLOUR, RESULT_COLUMNS, RESULT_FIRST_ROW, RESULT_WIDTHS,
                     plan_marks)
from .messages import say
from .report import Invalid
from .xlsx_writer import BASE_SIZE, build_template, fill_workbook, text_height

MESSAGE_WIDTH = RESULT_WIDTHS[RESULT_COLUMNS.index("mark.h.message")]

STORE_SHEET = "_nianbao_marks"  # very hidden: what each marked cell looked like before
_STORE_HEADER = ("sheet", "cell", "fill", "had_comment", "comment", "author", "result_sheet")


def paint_marked_copy(source: str | os.PathLike | io.BytesIO, out: str | os.PathLike,
                      findings: Findings, *, name: str | None = None) -> None:
    """Write a marked copy of workbook ``source`` (a path, or its bytes in a file object) to
    ``out``, painting what ``findings`` (the check of ``source``, its ``report`` included)
    found; ``name``: what 校验结果 calls the file (default: the source's file name).  The caller
    (the ``mark`` action) has decided that ``out`` may be written."""
    src = source if isinstance(source, io.BytesIO) else Path(source)
    dst = Path(out)
    file_name = Path(name).name if name else getattr(src, "name", "")
    # made in memory first, so that openpyxl refusing the workbook and the disk refusing the
    # file are told apart
    data = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's English warnings are not for our users
        try:
            _painted(load_workbook(src), findings, file_name).save(data)
        except NianbaoError:
            raise
        except Exception:  # openpyxl refuses what calamine read: see the module docstring
            report = findings.report
            data = io.BytesIO()
            try:
                _painted(_rebuilt(report), findings, file_name, say("mark.rebuilt")).save(data)
            except Exception as e:  # our own workbook: only the machine (temporary space) refuses it
                raise NianbaoError("file.write_failed", file=str(dst), detail=write_reason(e)) from e
    with atomic_path(dst) as tmp:
        tmp.write_bytes(data.getvalue())


def _painted(wb, findings: Findings, file_name: str, note: str | None = None):
    _mark(wb, findings, _unmark(wb), file_name, note)
    return wb


def _rebuilt(report):
    """A fresh workbook of the report's format holding what was read."""
    from dataclasses import replace

    clean = replace(
        report, texts={k: _clean(v) for k, v in report.texts.items()},
        values={k: Invalid(_clean(v.raw)) if isinstance(v, Invalid) else v
                for k, v in report.values.items()},
        meta=replace(report.meta, **{k: _clean(getattr(report.meta, k))
                                     for k in ("unit", "contact", "phone", "date")}))
    m = clean.meta
    wb = build_template(clean.format, year=m.year, unit=m.unit, contact=m.contact,
                        phone=m.phone, date=m.date)
    fill_workbook(wb, clean)
    return wb


def _clean(text):
    return ILLEGAL_CHARACTERS_RE.sub("", text) if isinstance(text, str) else text


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
                old_result = str(result)
            try:
                c = _cell(wb, str(sheet), str(cell)) if sheet and cell else None
                if c is None:
                    continue
                if fill:
                    c.fill = Fill.from_tree(fromstring(str(fill)))
                c.comment = (Comment(_clean(str(text or "")), _clean(str(author or "")))
                             if had_comment else None)
            except Exception:  # noqa: BLE001 - the store is a sheet anyone may have edited:
                continue  # what cannot be put back stays as the earlier marking left it
        wb.remove(store)
        if old_result and old_result in wb.sheetnames:
            wb.remove(wb[old_result])
    if result_name in wb.sheetnames:  # a sheet of the user's that happens to bear our name
        n = 2
        while f"{result_name}{n}" in wb.sheetnames:
            n += 1
        result_name = f"{result_name}{n}"
    return result_name


# -- painting the plan ----------------------------------------------------------------------------
def _cell(wb, sheet: str, ref: str):
    """The cell to paint for ``sheet!ref``: the top-left cell of a merged range covering it;
    ``None`` where there is no worksheet cell (a chart sheet, a damaged reference)."""
    if sheet not in wb.sheetnames or not isinstance(wb[sheet], Worksheet):
        return None
    ws = wb[sheet]
    c = ws[ref]
    if not isinstance(c, MergedCell):
        return c
    for merged in ws.merged_cells.ranges:
        if c.coordinate in merged:
            return ws.cell(merged.min_row, merged.min_col)
    return None


def _literal(cell, value) -> None:
    """Write ``value``; text stays text even when it starts with 「=」."""
    cell.value = _clean(value)
    if isinstance(value, str):
        cell.data_type = "s"


def _mark(wb, findings: Findings, result_name: str, file_name: str,
          note: str | None = None) -> None:
    plan = plan_marks(findings, wb.sheetnames, file_name)

    store = wb.create_sheet(STORE_SHEET)
    store.sheet_state = "veryHidden"
    store.append(_STORE_HEADER)
    for m in plan.marks:
        c = _cell(wb, m.sheet, m.cell)
        if c is None:
            continue
        had = c.comment is not None
        stored = (m.sheet, m.cell, tostring(c.fill.to_tree()).decode("utf-8"), 1 if had else 0,
                  c.comment.text if had else "", c.comment.author if had else "", "")
        store.append([None] * len(stored))
        for j, v in enumerate(stored, start=1):
            _literal(store.cell(store.max_row, j), v)
        c.fill = PatternFill("solid", fgColor=m.fill, bgColor=m.fill)
        comment = Comment(_clean(m.comment), say("mark.author"))
        lines = m.comment.count("\n") + 1
        comment.width, comment.height = 360, min(60 + 40 * lines, 400)
        c.comment = comment
    store.append([None] * len(_STORE_HEADER))
    _literal(store.cell(store.max_row, 7), result_name)

    ws = wb.create_sheet(result_name, 0)
    _literal(ws["A1"], plan.title)
    ws["A1"].font = Font(bold=True, size=14)
    _literal(ws["A2"], plan.summary)
    if note:
        _literal(ws["A3"], note)
    header_row = RESULT_FIRST_ROW - 1
    for j, h in enumerate(plan.headers, start=1):
        _literal(ws.cell(header_row, j), h)
        ws.cell(header_row, j).font = Font(bold=True)
    message_col = RESULT_COLUMNS.index("mark.h.message") + 1
    # 应为/实为 centred and the code set in from its left edge: a right-aligned 「999」 ran into
    # the 「text.received」 beside it
    numbers = {RESULT_COLUMNS.index(k) + 1 for k in ("mark.h.expected", "mark.h.actual")}
    # the code and the 编号 set in alike (编号 is what a clerk copies into ``nianbao dismiss``)
    set_in = {RESULT_COLUMNS.index(k) + 1 for k in ("mark.h.code", "mark.h.id")}
    for j in numbers | set_in:
        ws.cell(header_row, j).alignment = Alignment(horizontal="center")
    for i, row in enumerate(plan.rows):
        r = RESULT_FIRST_ROW + i
        for j, v in enumerate(row.values(), start=1):
            if v is not None:
                _literal(ws.cell(r, j), v)
            ws.cell(r, j).alignment = Alignment(
                wrap_text=j == message_col, vertical="top",
                horizontal="center" if j in numbers else None, indent=1 if j in set_in else 0)
        ws.cell(r, 2).fill = PatternFill("solid", fgColor=FILLS[row.severity],
                                         bgColor=FILLS[row.severity])
        if row.sheet:
            pos = ws.cell(r, 3)
            pos.hyperlink = Hyperlink(ref=pos.coordinate, location=f"'{row.sheet}'!{row.cell}",
                                      display=str(pos.value))
            pos.font = Font(color=LINK_COLOUR, underline="single")
        # neither Excel nor LibreOffice grows a row for wrapped text in a file they did not save
        ws.row_dimensions[r].height = text_height(row.message, MESSAGE_WIDTH, BASE_SIZE)
    for j, width in enumerate(RESULT_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = f"A{RESULT_FIRST_ROW}"
    # printed, the list must keep its 说明 column on the page: A4 landscape, one page wide
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = wb.sheetnames.index(result_name)


__all__ = ["paint_marked_copy", "STORE_SHEET", "FILLS"]
