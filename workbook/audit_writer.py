"""The outputs of an audit: a workbook (a summary sheet and a sheet of every finding,
filterable) and one self-contained page to open and print, both from the same rows
(:mod:`nianbao.audit`)."""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from .audit import (INDICATORS, MESSAGE_COLUMN, Audit, finding_headers, finding_rows,
                    summary_headers, summary_values)
from .fileio import atomic_path
from .messages import say
from .text.cjk import display_width

MAX_WIDTH = 50  # characters; longer messages wrap
LINE_HEIGHT = 15  # points, for the default 11-point font


def _lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(display_width(line) / max(1, width - 2))) for line in text.split("\n"))


def _text(cell, value) -> None:
    """A value into a cell; text is always text, never a formula (a unit named 「=…」)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def write_xlsx(audit: Audit, path: str | os.PathLike) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = say("audit.sheet.summary")
    outlier_fill = PatternFill("solid", fgColor="FFFFE699")
    error_fill = PatternFill("solid", fgColor="FFF8CBAD")
    first_ind = len(summary_headers()) - len(INDICATORS) + 1
    sheets = ((ws, summary_headers(), [summary_values(r) for r in audit.rows]),
              (wb.create_sheet(say("audit.sheet.findings")), finding_headers(),
               list(finding_rows(audit))))
    for sheet, headers, rows in sheets:
        for j, h in enumerate(headers, 1):
            _text(sheet.cell(1, j), h)
            sheet.cell(1, j).font = Font(bold=True)
        widths = [min(MAX_WIDTH, max(6, display_width(str(h)) + 2)) for h in headers]
        for values in rows[:200]:
            widths = [min(MAX_WIDTH, max(w, display_width(str(v)) + 2)) for w, v in zip(widths, values)]
        for i, values in enumerate(rows, 2):
            lines = 1
            for j, v in enumerate(values, 1):
                _text(sheet.cell(i, j), v)
                sheet.cell(i, j).alignment = Alignment(wrap_text=True, vertical="top")
                lines = max(lines, _lines(str(v), widths[j - 1]))
            # Excel and LibreOffice do not grow a row for wrapped text written by a program
            sheet.row_dimensions[i].height = LINE_HEIGHT * lines
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
        for j, w in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(j)].width = w
        # printed: landscape, one page wide, the header row on every page
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:1"
    for i, row in enumerate(audit.rows, 2):
        if row.findings.errors:
            ws.cell(i, 5).fill = error_fill
        for k, ind in enumerate(INDICATORS):
            cell = ws.cell(i, first_ind + k)
            # a number, so that sorting by it sorts by value (the text 「100.0%」 sorts first)
            cell.value = row.indicators.get(ind.key)
            cell.number_format = "0.0%"
            if ind.key in row.outliers:
                cell.fill = outlier_fill
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def write_html(audit: Audit, path: str | os.PathLike[str]) -> Path:
    """One page, no scripts, no links to anything: styles inline, every text escaped
    (``templates/audit.html.j2``, rendered with autoescape)."""
    from importlib.resources import files

    from jinja2 import select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(
        files("nianbao.templates").joinpath("audit.html.j2").read_text(encoding="utf-8"))
    first_ind = len(summary_headers()) - len(INDICATORS)

    def cell(j: int, v: Any, row: Any) -> dict[str, Any]:
        classes = []
        if j == 4 and row.findings.errors:
            classes.append("error")
        if j >= first_ind and INDICATORS[j - first_ind].key in row.outliers:
            classes.append("outlier")
        if isinstance(v, (int, float)) or j >= first_ind:
            classes.append("n")
        if j == MESSAGE_COLUMN:
            classes.append("m")
        return {"classes": " ".join(classes), "lines": str(v).split("\n")}

    page = template.render(
        title=say("audit.title"),
        overview=say("audit.overview", n=len(audit.rows),
                     errors=sum(1 for r in audit.rows if r.findings.errors)),
        summary_title=say("audit.sheet.summary"), summary_headers=summary_headers(),
        summary_rows=[[cell(j, v, row) for j, v in enumerate(summary_values(row))]
                      for row in audit.rows],
        findings_title=say("audit.sheet.findings"), finding_headers=finding_headers(),
        finding_rows=[[str(v) for v in values] for values in finding_rows(audit)])
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target


__all__ = ["write_xlsx", "write_html"]
