"""Worksheet functions: ``NB_STATUS``, ``NB_FINDINGS``, ``NB_NARRATIVE``.

A function sees only its arguments (Office.js custom functions behind xlwings Server cannot
reach other cells), so the sheets it works on are passed in: each argument is one sheet of the
workbook as a range from A1 (``=NB_STATUS(基本信息!A1:C16, '三、依申请公开'!A1:K32)``), in any
order.  Which sheet a range is, is read from the labels it holds
(:func:`nianbao.reader.identify_grids`); :func:`formula` writes the call with every sheet's range
for a format.  Given some sheets only, a function speaks of those sheets only — one table's
status is ``NB_STATUS`` of that table's sheet.

Arguments arrive as Excel gives them: 2-D lists, ``None`` for a blank, floats for numbers.  The
docstrings and ``@xw.arg(doc=…)`` (from the catalogue) serve ``help()`` and xlwings' own
"Import Functions"; the built add-in registers no Insert-Function help (a VBA attribute cannot
hold Chinese under the project's Western code page, and ``Application.MacroOptions`` at load
would give the add-in an auto-run macro), so Excel's function wizard shows none.
"""
from __future__ import annotations

from typing import Any

import xlwings as xw

from .. import actions
from ..errors import NianbaoError, UnreadableWorkbook
from ..findings import Finding
from ..layout import META_SHEET, column_letter, layout_of
from ..marks import plan_marks
from ..messages import say
from ..report import Invalid, Report, is_number

Grid = list[list[Any]]


def _report(sheets: tuple[Any, ...]) -> tuple[Report, dict[str, Grid]]:
    try:
        return actions.load_ranges(_two_d(g) for g in sheets)
    except UnreadableWorkbook:
        raise NianbaoError("udf.no_sheet") from None


def _checked(sheets: tuple[Any, ...]) -> tuple[Report, list[Finding], set[str]]:
    """The Report of the sheets passed, its findings on those sheets, and their names."""
    report, grids = _report(sheets)
    given = set(grids) - {META_SHEET}
    found = [f for f in actions.check(report) if f.sheet in given]
    return report, found, given


def _two_d(value: Any) -> Grid:
    """Excel passes a one-cell range as a scalar and a one-row range as a flat list."""
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if value and not isinstance(value[0], (list, tuple)):
        return [list(value)]
    return [list(row) for row in value]


def _filled(report: Report, sheets: set[str]) -> bool:
    """Anything typed into the statutory tables or the texts of ``sheets`` (the unit and year,
    and the texts' standard headings, come prefilled with the template, so they do not count)."""
    fields = layout_of(report.format).fields
    return (any(is_number(v) or isinstance(v, Invalid)
                for fid, v in report.values.items() if fields[fid].sheet in sheets)
            or any(t and t != fields[fid].default for fid, t in report.texts.items()
                   if fields[fid].sheet in sheets))


def _help(code: str):
    """The function's Excel help, from the catalogue.  Goes under the xlwings decorators: they
    read ``__doc__`` when they first see the function."""

    def give(f):
        f.__doc__ = say(code)
        return f

    return give


@xw.func
@xw.arg("sheets", ndim=2, doc=say("udf.help.sheets"))
@_help("udf.help.status")
def NB_STATUS(*sheets):  # noqa: N802 - Excel's name
    try:
        report, found, given = _checked(sheets)
    except NianbaoError as e:
        return say("udf.status.unreadable", message=str(e))
    if not _filled(report, given):
        return say("udf.status.blank")
    errors = sum(1 for f in found if f.severity == "error")
    return say("udf.status.errors", n=errors) if errors else say("udf.status.ok")


@xw.func
@xw.arg("sheets", ndim=2, doc=say("udf.help.sheets"))
@_help("udf.help.findings")
def NB_FINDINGS(*sheets):  # noqa: N802 - Excel's name
    try:
        _, found, _ = _checked(sheets)
    except NianbaoError as e:
        return [[say("udf.status.unreadable", message=str(e))]]
    if not found:
        return [[say("udf.none"), None, None]]
    # the same rows, in the same order, as 校验结果 and `check --mark` list (one plan)
    return [[row.position, row.level, row.message] for row in plan_marks(found).rows]


@xw.func
@xw.arg("part", doc=say("udf.help.part"))
@xw.arg("sheets", ndim=2, doc=say("udf.help.sheets"))
@_help("udf.help.narrative")
def NB_NARRATIVE(part, *sheets):  # noqa: N802 - Excel's name
    from ..narrative import parts_of, render_narratives

    try:
        report, _ = _report(sheets)
        known = parts_of(report.spec)
        if part not in known:
            return say("udf.unknown_part", part=part, known="、".join(known))
        return "\n".join(render_narratives(report, parts=[part]).get(part, []))
    except NianbaoError as e:
        return say("udf.status.unreadable", message=str(e))


def formula(function: str, format_id: str) -> str:
    """The call of ``function`` over every sheet of ``format_id``'s template, as typed into a
    cell: ``=NB_STATUS(基本信息!$A$1:$C$16,'一、总体情况'!$A$1:$B$6,…)``."""
    ranges = []
    for sheet in layout_of(format_id).sheets:
        last_row = max([sheet.last_row] + [f.row for f in sheet.fields])
        last_col = max([sheet.last_col] + [f.col for f in sheet.fields])
        quoted = "'" + sheet.name.replace("'", "''") + "'"
        ranges.append(f"{quoted}!$A$1:${column_letter(last_col)}${last_row}")
    return f"={function}({','.join(ranges)})"


__all__ = ["NB_STATUS", "NB_FINDINGS", "NB_NARRATIVE", "formula"]
