"""What the Excel add-in paints on the clerk's open workbook — decided here, for both its routes.

The add-in's 校验 and 生成报告 run either in local Python (xlwings, :mod:`nianbao.addin.buttons`)
or, where Office may not start Python, in VBA against ``nianbao serve``.  Both paint the same
thing: the cells of :func:`nianbao.marks.plan_marks` filled, the fills of the previous run's
cells put back to the template's, the 校验结果 sheet, the result on 基本信息 and the record of
the marked cells in the hidden sheet (the add-in cannot read fills back, so it remembers them).
This module makes those decisions once: the xlwings painter uses its helpers, and
:func:`paint_job` gathers them into a :class:`PaintJob` that :func:`dump_job` writes in a
line-oriented text the add-in's VBA parses (:func:`load_job` is its exact inverse, for tests).

The text (version :data:`VERSION`) is 7-bit ASCII, one record a line (LF), fields separated by
TAB, the first field naming the record::

    nianbao-plan  1                                  version line
    alert   TITLE  TEXT  CRITICAL(0|1)               the message box to show at the end
    result  SHEET  TITLE  SUMMARY                    the 校验结果 sheet: name, A1, A2
    header  H1 … H8                                  its row 4
    row     SEVERITY  RRGGBB  LINK_SHEET  LINK_CELL  V1 … V8    one finding (row 5 on)
    columns WRAP  W1 … W8                            its column widths (characters); WRAP: the
                                                     column whose text wraps (说明)
    fill    SHEET  R1  C1  R2  C2  RRGGBB|""         a rectangle's fill ("" = no fill)
    status  SHEET  CELL  TEXT                        the result cell; «{time}» → the clerk's time
    cell    SHEET  ROW  COL  VALUE                   one value written (the record)
    end     N                                        N = number of lines before this one

Every string field is escaped: ``\\\\``, ``\\t``, ``\\n``, ``\\r``, and every character outside
printable ASCII as ``\\uXXXX`` (or ``\\UXXXXXXXX`` beyond the BMP), so no text can break a line
or a field and no charset can be misread.  A value (``V1``…, ``VALUE``) is typed: empty is a
blank cell, ``n:1.5`` a number, ``s:…`` a text; every text is written as a literal, never a
formula.  A client ignores record kinds it does not know; a change of meaning changes the version.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .findings import Findings
from .layout import (INFO_SHEET, MARK_RECORD_COL, META_SHEET, cell_address, layout_of,
                     parse_cell)
from .marks import FILLS, RESULT_COLUMNS, RESULT_WIDTHS, MarkPlan, plan_marks
from .messages import say

VERSION = "1"
MAGIC = "nianbao-plan"
MARK_RECORD_HEADER = "marked_by_addin"
RECORD_AREA_LIMIT = 10_000  # cells in one recorded block: a template sheet has a few hundred
# errors listed in the 生成报告 refusal (a VBA MsgBox shows about 1,024 characters); the rest
# are on 校验结果
REFUSED_LINES = 5
TIME_MARK = "{time}"  # in the status text: the add-in puts the clerk's date and time there


# -- the record of marked cells --------------------------------------------------------------------
def recorded_cells(meta: list[list[Any]] | None) -> list[tuple[str, str]]:
    """The cells the previous run marked, from the hidden sheet's record column (one
    「sheet!D6:J30」 a row)."""
    out = []
    for row in (meta or [])[1:]:
        ref = row[MARK_RECORD_COL - 1] if len(row) >= MARK_RECORD_COL else None
        if not (isinstance(ref, str) and "!" in ref):
            continue
        sheet, area = ref.rsplit("!", 1)
        (r1, c1), (r2, c2) = parse_cell(area), parse_cell(area.split(":")[-1])
        if not (r1 and c1) or (r2 - r1 + 1) * (c2 - c1 + 1) > RECORD_AREA_LIMIT:
            continue  # not a record this add-in wrote
        out += [(sheet, cell_address(r, c)) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    return out


def blocks(colours: dict[tuple[str, str], str | None]) -> dict[tuple, str | None]:
    """Cells of one colour joined into rectangles — runs along a row, then equal runs on
    consecutive rows — so that one action paints each: {(sheet, r1, c1, r2, c2): colour}."""
    runs: list[list] = []  # [sheet, row, c1, c2, colour]
    for sheet, r, c, colour in sorted((sheet, *parse_cell(cell), colour)
                                      for (sheet, cell), colour in colours.items()):
        last = runs[-1] if runs else None
        if last and last[:2] == [sheet, r] and last[3] == c - 1 and last[4] == colour:
            last[3] = c
        else:
            runs.append([sheet, r, c, c, colour])
    found: dict[tuple, str | None] = {}
    open_: dict[tuple, tuple] = {}  # (sheet, c1, c2, colour) -> key of the block growing down
    for sheet, r, c1, c2, colour in runs:
        key = (sheet, c1, c2, colour)
        grow = open_.get(key)
        if grow is not None and grow[3] == r - 1:
            del found[grow]
            grow = (sheet, grow[1], c1, r, c2)
        else:
            grow = (sheet, r, c1, r, c2)
        found[grow] = colour
        open_[key] = grow
    return found


def new_fills(plan: MarkPlan) -> dict[tuple[str, str], str]:
    """{(sheet, cell): "#RRGGBB"} for every cell the plan marks."""
    return {(m.sheet, m.cell): "#" + m.fill[-6:] for m in plan.marks}


def restored_fills(format_id: str, previous: Iterable[tuple[str, str]], now: dict,
                   sheet_names: Iterable[str]) -> dict[tuple[str, str], str | None]:
    """The template's own fill ("#RRGGBB", None: no fill) back where the previous run marked a
    cell of a template sheet and this run does not."""
    from .xlsx_writer import template_fill  # openpyxl: only when painting

    names = set(sheet_names)
    declared = {s.name for s in layout_of(format_id).sheets}
    out: dict[tuple[str, str], str | None] = {}
    for sheet, cell in previous:
        if sheet in declared and sheet in names and (sheet, cell) not in now:
            fill = template_fill(format_id, sheet, *parse_cell(cell))
            out[(sheet, cell)] = "#" + fill if fill else None
    return out


def record_rows(marked: Iterable[tuple], previous: int) -> list[str | None]:
    """The record column from row 1: its header, one 「sheet!A1:B2」 per block this run marked,
    then blanks over the rest of the previous list (``previous`` rows)."""
    rows: list[str | None] = [MARK_RECORD_HEADER] + [
        f"{sheet}!{cell_address(r1, c1)}" + ("" if (r1, c1) == (r2, c2) else f":{cell_address(r2, c2)}")
        for sheet, r1, c1, r2, c2 in marked]
    return rows + [None] * max(0, previous - len(rows))


# -- the words -------------------------------------------------------------------------------------
def counts_text(errors: int, warnings: int, notices: int) -> str:
    """「2 处错误、1 处警告」: the counts that are not zero."""
    parts = [say(f"addin.count.{kind}", n=n) for kind, n in
             (("error", errors), ("warning", warnings), ("notice", notices)) if n]
    return say("addin.count.join").join(parts)


def summary_text(plan: MarkPlan) -> str:
    """What 校验 says when it is done."""
    if not plan.rows:
        return say("addin.clean")
    return (say("addin.found", counts=counts_text(plan.errors, plan.warnings, plan.notices))
            + "\n" + say("addin.see_sheet", sheet=plan.sheet_name))


def result_summary(plan: MarkPlan) -> str:
    """Row 2 of the add-in's 校验结果 (no comments are added, so not ``plan.summary``)."""
    return (say("addin.result_summary", errors=plan.errors, warnings=plan.warnings,
                notices=plan.notices) if plan.rows else plan.summary)


def run_status(plan: MarkPlan, time: str | None = None) -> str:
    """The result cell on 基本信息: 「✘ 2 处错误（2025-03-01 10:00 校验）」."""
    if time is None:
        time = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    counts = counts_text(plan.errors, plan.warnings, 0)
    key = "addin.run.failed" if plan.errors else "addin.run.warned" if counts else "addin.run.ok"
    return say(key, counts=counts, time=time)


def refusal_text(plan: MarkPlan) -> str:
    """What 生成报告 says when the workbook has errors: the first few, and where the rest are."""
    errors = [r for r in plan.rows if r.severity == "error"]
    lines = [say("document.error_line", where=_where(r), message=r.message)
             for r in errors[:REFUSED_LINES]]
    if len(errors) > REFUSED_LINES:
        lines.append(say("addin.refused_more", count=len(errors) - REFUSED_LINES,
                         sheet=plan.sheet_name))
    return say("addin.refused", count=len(errors), lines="\n".join(lines))


def _where(row) -> str:
    if row.sheet and row.cell:
        return say("report.where", sheet=row.sheet, cell=row.cell)
    return say("report.where_sheet", sheet=row.sheet) if row.sheet else ""


# -- the whole job, for the VBA painter ----------------------------------------------------------
@dataclass(frozen=True)
class ResultLine:
    severity: str
    fill: str  # RRGGBB of the 级别 cell
    link_sheet: str | None  # the 位置 cell links to this sheet's cell, when both are given
    link_cell: str | None
    values: tuple[Any, ...]  # RESULT_COLUMNS order: int/float, str or None


@dataclass(frozen=True)
class PaintJob:
    """Everything the add-in does to the open workbook for one 校验 (or a refused 生成报告)."""

    alert_title: str
    alert_text: str
    critical: bool
    result_sheet: str
    result_title: str
    result_summary: str
    headers: tuple[str, ...]
    rows: tuple[ResultLine, ...]
    fills: tuple[tuple[str, int, int, int, int, str | None], ...]  # sheet r1 c1 r2 c2 RRGGBB|None
    status: tuple[str, str, str] | None  # sheet, cell, text with TIME_MARK
    cells: tuple[tuple[str, int, int, Any], ...] = field(default=())  # sheet row col value
    # 校验结果's column widths, in characters, and the (1-based) column whose text wraps
    widths: tuple[int, ...] = field(default=())
    wrap: int = 0


def paint_job(plan: MarkPlan, format_id: str, sheet_names: Iterable[str],
              meta: list[list[Any]] | None, purpose: str = "check") -> PaintJob:
    """The job for ``plan`` on a workbook of ``format_id`` with ``sheet_names`` whose hidden
    sheet holds ``meta`` (its rows from A1; the record of the previous run is read from it).
    ``purpose`` "report": the alert is 生成报告's refusal."""
    names = list(sheet_names)
    now = new_fills(plan)
    restore = restored_fills(format_id, recorded_cells(meta), now, names)
    painted = blocks({**restore, **now})
    fills = tuple((s, r1, c1, r2, c2, colour[1:] if colour else None)
                  for (s, r1, c1, r2, c2), colour in painted.items())
    rows = tuple(ResultLine(r.severity, FILLS[r.severity][-6:], r.sheet, r.cell, r.values())
                 for r in plan.rows)
    status = ((INFO_SHEET, layout_of(format_id).status.run_cell, run_status(plan, TIME_MARK))
              if INFO_SHEET in names else None)
    cells: tuple = ()
    if META_SHEET in names:
        record = record_rows(blocks(now), len(meta or []))
        cells = tuple((META_SHEET, i, MARK_RECORD_COL, v) for i, v in enumerate(record, start=1))
    if purpose == "report":
        title, text, critical = say("addin.report_title"), refusal_text(plan), True
    else:
        title, text, critical = say("addin.validate_title"), summary_text(plan), bool(plan.errors)
    return PaintJob(title, text, critical, plan.sheet_name, plan.title, result_summary(plan),
                    plan.headers, rows, fills, status, cells, RESULT_WIDTHS,
                    RESULT_COLUMNS.index("mark.h.message") + 1)


def job_for_workbook(path: str | Path, findings: Findings | None = None,
                     purpose: str = "check", file_name: str | None = None) -> PaintJob:
    """The job for the workbook at ``path`` (a copy the add-in uploaded): checked unless
    ``findings`` are given; ``file_name`` is the name the clerk knows it by (the title of
    校验结果).  Raises :class:`nianbao.errors.UnreadableWorkbook` for a file that is no
    nianbao workbook."""
    from python_calamine import CalamineWorkbook

    from .checks import check
    from .errors import UnreadableWorkbook

    p = Path(path)
    if findings is None:
        findings = check(p)
    report = findings.report
    try:
        with p.open("rb") as fh:
            wb = CalamineWorkbook.from_filelike(fh)
        names = list(wb.sheet_names)
        meta = (wb.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False)
                if META_SHEET in names else None)
    except Exception:  # calamine raises several error types for damaged parts
        raise UnreadableWorkbook("file.not_xlsx", file=str(p),
                                 detail="工作簿内容已损坏，无法解析") from None
    plan = plan_marks(findings, names, file_name or p.name)
    return paint_job(plan, report.format, names, meta, purpose)


# -- the text ------------------------------------------------------------------------------------
_NUMBER = re.compile(r"-?(\d+(\.\d+)?([eE][+-]?\d+)?)")


def escape(text: str) -> str:
    """``text`` as printable ASCII without TAB or line breaks (see the module docstring)."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04X}")
        else:
            out.append(f"\\U{o:08X}")
    return "".join(out)


def unescape(text: str) -> str:
    """The inverse of :func:`escape`; ValueError for anything it would not have written."""
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if not 0x20 <= ord(ch) < 0x7F:
            raise ValueError(f"unescaped character {ch!r}")
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        kind = text[i + 1:i + 2]
        if kind in ("\\", "t", "n", "r"):
            out.append({"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}[kind])
            i += 2
            continue
        width = {"u": 4, "U": 8}.get(kind)
        digits = text[i + 2:i + 2 + width] if width else ""
        if not width or len(digits) != width or not re.fullmatch(r"[0-9A-F]+", digits):
            raise ValueError(f"bad escape at {i}: {text[i:i + 10]!r}")
        o = int(digits, 16)
        if (o > 0x10FFFF or (kind == "U" and o <= 0xFFFF)
                or (kind == "u" and (0x20 <= o < 0x7F or o in (0x09, 0x0A, 0x0D)))):
            raise ValueError(f"bad escape at {i}: {text[i:i + 10]!r}")
        out.append(chr(o))
        i += 2 + width
    return "".join(out)


def _value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "s:" + escape(str(v))
    if isinstance(v, int) or (isinstance(v, float) and math.isfinite(v)):
        text = repr(v)
        if _NUMBER.fullmatch(text):
            return "n:" + text
    return "s:" + escape(str(v))


def _parse_value(s: str) -> Any:
    if s == "":
        return None
    if s.startswith("n:") and _NUMBER.fullmatch(s[2:]):
        text = s[2:]
        return float(text) if any(c in text for c in ".eE") else int(text)
    if s.startswith("s:"):
        return unescape(s[2:])
    raise ValueError(f"bad value {s!r}")


def dump_job(job: PaintJob) -> str:
    """The job as the add-in's VBA reads it (see the module docstring)."""
    e = escape
    lines = [f"{MAGIC}\t{VERSION}",
             "\t".join(("alert", e(job.alert_title), e(job.alert_text), "1" if job.critical else "0")),
             "\t".join(("result", e(job.result_sheet), e(job.result_title), e(job.result_summary))),
             "\t".join(("header", *map(e, job.headers)))]
    for r in job.rows:
        lines.append("\t".join(("row", e(r.severity), e(r.fill), e(r.link_sheet or ""),
                                e(r.link_cell or ""), *map(_value, r.values))))
    if job.widths:
        lines.append("\t".join(("columns", str(job.wrap), *map(str, job.widths))))
    for sheet, r1, c1, r2, c2, colour in job.fills:
        lines.append("\t".join(("fill", e(sheet), str(r1), str(c1), str(r2), str(c2),
                                e(colour or ""))))
    if job.status is not None:
        lines.append("\t".join(("status", *map(e, job.status))))
    for sheet, row, col, v in job.cells:
        lines.append("\t".join(("cell", e(sheet), str(row), str(col), _value(v))))
    lines.append(f"end\t{len(lines)}")
    return "\n".join(lines) + "\n"


_FIELDS = {"alert": 3, "result": 3, "row": 12, "fill": 6, "status": 3, "cell": 4, "end": 1}


def load_job(text: str) -> PaintJob:
    """The exact inverse of :func:`dump_job`; ValueError for a text it did not write."""
    if not text.endswith("\n"):
        raise ValueError("truncated: no final line break")
    lines = text[:-1].split("\n")
    if lines[0] != f"{MAGIC}\t{VERSION}":
        raise ValueError(f"not a version {VERSION} plan: {lines[0][:40]!r}")
    got: dict[str, list[list[str]]] = {}
    for i, line in enumerate(lines[1:], start=1):
        kind, *fields = line.split("\t")
        want = _FIELDS.get(kind)
        if kind in ("header", "columns"):
            want = max(len(fields), 1)
        if want is None:
            continue  # a record of a later minor revision: ignored, as the VBA does
        if len(fields) != want:
            raise ValueError(f"line {i + 1}: {kind} has {len(fields)} fields, not {want}")
        if kind == "end":
            if int(fields[0]) != i or i != len(lines) - 1:
                raise ValueError("truncated: the end line does not count the lines before it")
        got.setdefault(kind, []).append(fields)
    if "end" not in got:
        raise ValueError("truncated: no end line")
    u = unescape
    (title, alert, critical), = got["alert"]
    (sheet, result_title, summary), = got["result"]
    (headers,) = got["header"]
    rows = tuple(ResultLine(u(f[0]), u(f[1]), u(f[2]) or None, u(f[3]) or None,
                            tuple(_parse_value(v) for v in f[4:]))
                 for f in got.get("row", []))
    fills = tuple((u(f[0]), int(f[1]), int(f[2]), int(f[3]), int(f[4]), u(f[5]) or None)
                  for f in got.get("fill", []))
    status = tuple(map(u, got["status"][0])) if "status" in got else None
    cells = tuple((u(f[0]), int(f[1]), int(f[2]), _parse_value(f[3])) for f in got.get("cell", []))
    wrap, *widths = map(_count, got["columns"][0]) if "columns" in got else (0,)
    return PaintJob(u(title), u(alert), critical == "1", u(sheet), u(result_title), u(summary),
                    tuple(map(u, headers)), rows, fills, status, cells, tuple(widths), wrap)


def _count(s: str) -> int:
    if not s.isdigit() or not s.isascii():
        raise ValueError(f"bad number {s!r}")
    return int(s)


__all__ = ["VERSION", "PaintJob", "ResultLine", "paint_job", "job_for_workbook", "dump_job",
           "load_job", "escape", "unescape", "recorded_cells", "blocks", "new_fills",
           "restored_fills", "record_rows", "counts_text", "summary_text", "result_summary",
           "run_status", "refusal_text", "MARK_RECORD_HEADER", "TIME_MARK"]
