"""The painting steps of a check (:mod:`nianbao.painting`) as the Excel add-in's VBA reads them,
for its server mode (where Office may not start Python, the add-in posts a copy of the workbook
to ``nianbao serve`` and paints what comes back).

Nothing is decided here: :func:`paint_job` lays a :class:`~nianbao.painting.Painting` — the same
steps the xlwings buttons and the WPS add-in carry out — and its plan out as a :class:`PaintJob`,
which :func:`dump_job` writes in a line-oriented text VBA parses simply (:func:`load_job` is its
exact inverse, for tests).

The text (version :data:`VERSION`) is 7-bit ASCII, one record a line (LF), fields separated by
TAB, the first field naming the record::

    nianbao-plan  2                                  version line
    alert   TITLE  TEXT  CRITICAL(0|1)               the message box to show at the end
    result  SHEET  TITLE  SUMMARY                    the 校验结果 sheet: name, A1, A2
    header  H1 … Hn                                  its row 4: n columns (9: … 代码, 编号)
    row     SEVERITY  RRGGBB  LINK_SHEET  LINK_CELL  V1 … Vn    one finding (row 5 on)
    columns WRAP  W1 … Wn                            its column widths (characters); WRAP: the
                                                     column whose text wraps (说明)
    fill    SHEET  R1  C1  R2  C2  RRGGBB|""         a rectangle's fill ("" = no fill)
    status  SHEET  CELL  TEXT                        the result cell; «{time}» → the clerk's time
    cell    SHEET  ROW  COL  VALUE                   one value written (the record)
    end     N                                        N = number of lines before this one

Every string field is escaped: ``\\\\``, ``\\t``, ``\\n``, ``\\r``, and every character outside
printable ASCII as ``\\uXXXX`` (or ``\\UXXXXXXXX`` beyond the BMP), so no text can break a line
or a field and no charset can be misread.  A value (``V1``…, ``VALUE``) is typed: empty is a
blank cell, ``n:1.5`` a number, ``s:…`` a text; every text is written as a literal, never a
formula.  A client ignores record kinds it does not know; a change of meaning changes the version
(2: the header line gives the number of columns, each row has one value per column).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Findings
from .layout import INFO_SHEET, META_SHEET, parse_cell
from .marks import FILLS, RESULT_COLUMNS, RESULT_WIDTHS, MarkPlan, plan_marks
from .messages import say
from .painting import TIME_MARK, Painting, painting, refusal_text, result_summary

VERSION = "2"
MAGIC = "nianbao-plan"


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


def paint_job(plan: MarkPlan, steps: Painting, purpose: str = "check") -> PaintJob:
    """The job of ``steps`` (painting ``plan``), laid out for the VBA; ``purpose`` "report": the
    alert is 生成报告's refusal.  The status text carries :data:`TIME_MARK` where the add-in puts
    the clerk's own date and time (``steps`` made with ``time_text=TIME_MARK``)."""
    fills = []
    for f in steps.fills:
        first, _, last = f.range.partition(":")
        (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
        fills.append((f.sheet, r1, c1, r2, c2, f.colour))
    rows = tuple(ResultLine(r.severity, FILLS[r.severity][-6:], r.sheet, r.cell, r.values())
                 for r in plan.rows)
    status = None
    cells: list[tuple[str, int, int, Any]] = []
    for b in steps.blocks:
        row, col = parse_cell(b.cell)
        if b.sheet == INFO_SHEET:
            status = (b.sheet, b.cell, str(b.values[0][0]))
        elif b.sheet == META_SHEET:
            cells += [(b.sheet, row + i, col, v[0]) for i, v in enumerate(b.values)]
    if purpose == "report":
        title, text, critical = say("addin.report_title"), refusal_text(plan), True
    else:
        title, text, critical = say("addin.validate_title"), steps.message, steps.critical
    return PaintJob(title, text, critical, plan.sheet_name, plan.title, result_summary(plan),
                    plan.headers, rows, tuple(fills), status, tuple(cells), RESULT_WIDTHS,
                    RESULT_COLUMNS.index("mark.h.message") + 1)


def job_for(findings: Findings, file_name: str | None = None, purpose: str = "check") -> PaintJob:
    """The job for a check of an uploaded copy of the clerk's workbook (``findings.report`` as
    the one reader gave it: its sheets and the record of the previous run); ``file_name`` is the
    name the clerk knows it by (the title of 校验结果)."""
    report = findings.report
    if report is None:
        raise ValueError("a job needs the check of a report, not of an unreadable file")
    names = list(report.sheet_names) or None
    plan = plan_marks(findings, names, file_name or Path(report.source or "").name)
    return paint_job(plan, painting(plan, report, names, time_text=TIME_MARK), purpose)


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


_FIELDS = {"alert": 3, "result": 3, "fill": 6, "status": 3, "cell": 4, "end": 1}
ROW_FIELDS = 4  # a row's fields before its values: severity, fill, link sheet, link cell


def load_job(text: str) -> PaintJob:
    """The exact inverse of :func:`dump_job`; ValueError for a text it did not write."""
    if not text.endswith("\n"):
        raise ValueError("truncated: no final line break")
    lines = text[:-1].split("\n")
    if lines[0] != f"{MAGIC}\t{VERSION}":
        raise ValueError(f"not a version {VERSION} plan: {lines[0][:40]!r}")
    got: dict[str, list[list[str]]] = {}
    columns = 0  # from the header line, which comes before the rows
    for i, line in enumerate(lines[1:], start=1):
        kind, *fields = line.split("\t")
        want = _FIELDS.get(kind)
        if kind in ("header", "columns"):
            want = max(len(fields), 1)
            if kind == "header":
                columns = want
        elif kind == "row":
            if not columns:
                raise ValueError(f"line {i + 1}: a row before the header")
            want = ROW_FIELDS + columns
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
    status: tuple[str, str, str] | None = None
    if "status" in got:
        on_sheet, at_cell, said = got["status"][0]  # its three fields, counted above
        status = (u(on_sheet), u(at_cell), u(said))
    cells = tuple((u(f[0]), int(f[1]), int(f[2]), _parse_value(f[3])) for f in got.get("cell", []))
    wrap, *widths = map(_count, got["columns"][0]) if "columns" in got else (0,)
    return PaintJob(u(title), u(alert), critical == "1", u(sheet), u(result_title), u(summary),
                    tuple(map(u, headers)), rows, fills, status, cells, tuple(widths), wrap)


def _count(s: str) -> int:
    if not s.isdigit() or not s.isascii():
        raise ValueError(f"bad number {s!r}")
    return int(s)


__all__ = ["VERSION", "MAGIC", "TIME_MARK", "PaintJob", "ResultLine", "paint_job", "job_for",
           "dump_job", "load_job", "escape", "unescape"]
