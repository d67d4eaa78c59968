"""The outputs of an audit: a workbook (the summary, the findings about the reports, what could
not be read, each unit's years — filterable, printable) and one self-contained page to open and
print, both from the same rows (:mod:`nianbao.audit`).

Words stay whole where people read them: a unit's name breaks only where its meaning allows
(:func:`nianbao.document.unit_breaks`), a file name after 「/」, a finding code after 「.」; a
year, a number or a code never breaks (the page's CSS, ``templates/audit.html.j2``).
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .audit import (FINDING_COLUMNS, INDICATORS, SERIES_COLUMNS, SUMMARY_COLUMNS, Audit,
                    display_names, finding_headers, finding_rows, series_headers, series_lines,
                    series_rows, summary_headers, summary_values, unit_shown)
from .fileio import atomic_path
from .findings import SEVERITY_LABELS
from .messages import say
from .text.cjk import display_width


# -- the workbook ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Width:
    """A column's width in characters (a CJK character counts two): its content's, within
    bounds — so no column is left wide for one long file name, or too narrow for its header."""

    least: float
    most: float
    wrap: bool = True  # long text wraps (a count or a year never does)
    align: str = "left"


WIDTHS: dict[str, Width] = {
    "file": Width(12, 30), "unit": Width(12, 26), "year": Width(6, 6, False, "center"),
    "format": Width(10, 14), "errors": Width(6, 6, False, "center"),
    "warnings": Width(6, 6, False, "center"), "reading": Width(9, 9, False, "center"),
    "messages": Width(40, 64), "indicator": Width(10, 12, False, "right"),
    "severity": Width(6, 6, False, "center"), "place": Width(14, 30), "title": Width(12, 20),
    "message": Width(48, 80), "code": Width(14, 22),
    "names": Width(14, 40), "years": Width(10, 30), "gaps": Width(10, 16),
    "cross_year": Width(10, 10, False, "center"), "files": Width(16, 34),
}
LINE_HEIGHT = 14.5  # points per line of the 10-point body font, as Excel and LibreOffice set it
FONT = "微软雅黑"  # what a Chinese office's Excel has; LibreOffice substitutes a CJK font
FONT_SIZE = 10
BORDER = "FFA6A6A6"
HEADER_FILL = "FFEDEDED"
OUTLIER_FILL = "FFFFE699"  # the page's too
ERROR_FILL = "FFF8CBAD"


def _lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(display_width(line) / max(1.0, width - 1.5)))
               for line in text.split("\n"))


def _text(cell, value) -> None:
    """A value into a cell; text is always text, never a formula (a unit named 「=…」)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _sheet(wb, title: str, keys: list[str], headers: list[str], rows: list[list], *, first: bool):
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    side = Side(style="thin", color=BORDER)
    border = Border(left=side, right=side, top=side, bottom=side)
    font, bold = Font(name=FONT, size=FONT_SIZE), Font(name=FONT, size=FONT_SIZE, bold=True)
    widths = [WIDTHS[k] for k in keys]
    sizes = []
    for j, (w, h) in enumerate(zip(widths, headers)):
        content = max([display_width(h) + 2] + [display_width(str(r[j])) + 2 for r in rows[:500]])
        sizes.append(min(w.most, max(w.least, content)))
    for j, h in enumerate(headers, 1):
        c = ws.cell(1, j)
        _text(c, h)
        c.font, c.border = bold, border
        c.fill = PatternFill("solid", fgColor=HEADER_FILL)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = LINE_HEIGHT * max(_lines(h, s) for h, s in zip(headers, sizes)) + 4
    for i, values in enumerate(rows, 2):
        lines = 1
        for j, v in enumerate(values, 1):
            c = ws.cell(i, j)
            _text(c, v)
            w = widths[j - 1]
            c.font, c.border = font, border
            c.alignment = Alignment(horizontal=w.align, vertical="top", wrap_text=w.wrap)
            if w.wrap:
                lines = max(lines, _lines(str(v), sizes[j - 1]))
        # Excel and LibreOffice do not grow a row for wrapped text written by a program
        ws.row_dimensions[i].height = LINE_HEIGHT * lines + 3
    for j, s in enumerate(sizes, 1):
        ws.column_dimensions[get_column_letter(j)].width = s
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    # printed: A4 landscape, one page wide, the header row on every page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    return ws


def write_xlsx(audit: Audit, path: str | os.PathLike) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    wb = Workbook()
    names = display_names([r.file for r in audit.rows])
    keys = list(SUMMARY_COLUMNS) + ["indicator"] * len(INDICATORS)
    ws = _sheet(wb, say("audit.sheet.summary"), keys, summary_headers(),
                [summary_values(r, names[r.file]) for r in audit.rows], first=True)
    first_ind = len(SUMMARY_COLUMNS) + 1
    errors_col = SUMMARY_COLUMNS.index("errors") + 1
    for i, row in enumerate(audit.rows, 2):
        if row.errors:
            ws.cell(i, errors_col).fill = PatternFill("solid", fgColor=ERROR_FILL)
        for k, ind in enumerate(INDICATORS):
            cell = ws.cell(i, first_ind + k)
            # a number, so that sorting by it sorts by value (the text 「100.0%」 sorts first)
            cell.value = row.indicators.get(ind.key)
            cell.number_format = "0.0%"
            if ind.key in row.outliers:
                cell.fill = PatternFill("solid", fgColor=OUTLIER_FILL)
    for title, reading in (("audit.sheet.findings", False), ("audit.sheet.reading", True)):
        _sheet(wb, say(title), list(FINDING_COLUMNS), finding_headers(),
               list(finding_rows(audit, reading=reading)), first=False)
    _sheet(wb, say("audit.sheet.series"), list(SERIES_COLUMNS), series_headers(),
           series_rows(audit), first=False)
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


# -- the page ----------------------------------------------------------------------------------------
def _unit_pieces(name: str) -> list[str]:
    """A unit's name in the pieces it may break between (never inside a word)."""
    from .document import unit_breaks

    cuts = [i for i, cost in unit_breaks(name).items() if cost <= 1]
    return [name[a:b] for a, b in zip([0] + cuts, cuts + [len(name)]) if name[a:b]]


def _pieces(text: str, after: str, before: str = "") -> list[str]:
    """``text`` cut after each of the characters ``after`` and before each of ``before`` (a
    path after 「/」, a code after 「.」, a list of years after 「、」, a place before 「「」):
    where a line may break."""
    cuts = [f"(?<=[{re.escape(after)}])"] if after else []
    cuts += [f"(?=[{re.escape(before)}])"] if before else []
    return [p for p in re.split("|".join(cuts), text) if p] if cuts else [text] if text else []


def write_html(audit: Audit, path: str | os.PathLike[str]) -> Path:
    """One page, no scripts, no links to anything: styles inline, every text escaped
    (``templates/audit.html.j2``, rendered with autoescape)."""
    from importlib.resources import files

    from jinja2 import select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    from .codes import title_of
    from .importing.matcher import detected_title

    env = SandboxedEnvironment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(
        files("nianbao.templates").joinpath("audit.html.j2").read_text(encoding="utf-8"))
    names = display_names([r.file for r in audit.rows])

    def report(row) -> dict[str, Any]:
        return {"unit": _unit_pieces(unit_shown(row)), "known": bool(row.unit.strip()),
                "year": row.year or "", "file": _pieces(names[row.file], "/\\-_"),
                "format": _pieces(detected_title(row.format_detected) if row.format else "", "", "（")}

    def finding(row, f) -> dict[str, Any]:
        return {"severity": SEVERITY_LABELS[f.severity], "level": f.severity,
                "place": _pieces(row.place(f), " ）", "「"), "title": title_of(f.rule),
                "code": _pieces(f.rule, "."), "message": f.message}

    summary = []
    for row in audit.rows:
        summary.append({
            **report(row), "errors": row.findings.errors, "warnings": row.findings.warnings,
            "reading": len(row.reading), "error": bool(row.errors),
            "messages": row.first_messages(),
            "indicators": [{"value": ("" if (v := row.indicators.get(i.key)) is None
                                      else f"{v * 100:.1f}%"),
                            "outlier": i.key in row.outliers} for i in INDICATORS]})
    groups = {kind: [{"report": report(row), "findings": [finding(row, f) for f in fs]}
                     for row in audit.rows if (fs := (row.reading if kind == "reading" else row.findings))]
              for kind in ("findings", "reading")}
    series = [{"unit": _unit_pieces(line.unit), "known": line.known,
               "names": [{"name": _unit_pieces(n), "years": y} for n, y in line.names],
               "years": _pieces(line.years, "、"), "copies": line.copies,
               "gaps": _pieces(line.gaps, "、"), "cross_year": line.cross_year,
               "files": [_pieces(f, "/\\-_") for f in line.files]}
              for line in series_lines(audit)]
    h = {k: say(f"audit.h.{k}") for k in ("file", "unit", "year", "format", "errors", "warnings",
                                          "reading", "messages", "severity", "place", "title",
                                          "message")}
    page = template.render(
        title=say("audit.title"),
        overview=say("audit.overview", n=len(audit.rows),
                     errors=sum(1 for r in audit.rows if r.findings.errors),
                     reading=sum(1 for r in audit.rows if r.reading)),
        h=h, indicators=[i.title for i in INDICATORS],
        summary_title=say("audit.sheet.summary"), summary=summary,
        series_title=say("audit.sheet.series"), series_intro=say("audit.series_intro"),
        series_headers=series_headers(), series=series,
        findings_title=say("audit.sheet.findings"), findings=groups["findings"],
        reading_title=say("audit.sheet.reading"), reading_intro=say("audit.reading_intro"),
        reading=groups["reading"])
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target


__all__ = ["write_xlsx", "write_html", "WIDTHS"]
