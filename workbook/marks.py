"""The marking plan: which cells to mark, how, and the rows of 校验结果 — decided once, here.

A plan is pure data built from findings; two painters apply it: openpyxl for ``nianbao check
--mark`` (:mod:`nianbao.checks.marking`) and xlwings for the Excel add-in's 校验 button
(:mod:`nianbao.addin`).  So the same findings mark the same cells through either door, and the
cells marked are exactly the cells the messages name: a finding's own cell (for a range, the
involved cells inside it) and every cell its message asks to check first (``Finding.hints``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from .codes import title_of
from .errors import NianbaoError
from .findings import SEVERITY_LABELS, SEVERITY_ORDER, Finding, Findings
from .layout import parse_cell
from .messages import say

# the look of a marked cell, by its worst finding (ARGB, as openpyxl writes it): a warning is
# orange, not the pale yellow of the template's input cells (FFF2CC), which it was mistaken for
FILLS = {"error": "FFFFC7CE", "warning": "FFF4B084", "notice": "FFDDEBF7"}
LINK_COLOUR = "FF0563C1"
# 编号 (the finding's id, what ``nianbao dismiss`` and the add-in's 复核 take) comes last, so the
# columns painters link and colour (级别 B, 位置 C) stay where they were
RESULT_COLUMNS = ("mark.h.no", "mark.h.severity", "mark.h.position", "mark.h.rule",
                  "mark.h.message", "mark.h.expected", "mark.h.actual", "mark.h.code",
                  "mark.h.id")
RESULT_WIDTHS = (6, 8, 24, 20, 80, 10, 10, 24, 13)  # characters; 说明 is the wide one, 代码 fits every code
RESULT_FIRST_ROW = 5  # rows 1–2 title and summary, 4 the headers


@dataclass(frozen=True)
class CellMark:
    sheet: str
    cell: str  # "D8"
    severity: str  # the worst of its findings
    fill: str  # ARGB
    comment: str  # one line per finding: 【错误】…


@dataclass(frozen=True)
class ResultRow:
    no: int
    severity: str
    level: str  # 错误 / 警告 / 提示
    position: str  # 「三、依申请公开!D8」, the sheet alone, or ""
    sheet: str | None  # where the position links to, when that sheet exists
    cell: str | None  # a single cell to link to
    title: str  # the Chinese name of the rule
    message: str
    expected: Any
    actual: Any
    code: str
    id: str | None = None  # the finding's 编号 (nianbao.dismissals.finding_id)

    def values(self) -> tuple[Any, ...]:
        """The row's cells in RESULT_COLUMNS order (expected/actual as numbers or text)."""
        return (self.no, self.level, self.position, self.title, self.message,
                _cell_value(self.expected), _cell_value(self.actual), self.code, self.id)


@dataclass(frozen=True)
class MarkPlan:
    sheet_name: str  # 校验结果
    title: str
    summary: str
    headers: tuple[str, ...]
    rows: tuple[ResultRow, ...]
    marks: tuple[CellMark, ...]
    errors: int
    warnings: int
    notices: int

    def marked(self) -> set[tuple[str, str]]:
        return {(m.sheet, m.cell) for m in self.marks}

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON (the server's ``/api/check`` ``"plan"``): every field, expected and
        actual as the 校验结果 cells show them (numbers stay numbers, the rest text)."""
        return {"sheet_name": self.sheet_name, "title": self.title, "summary": self.summary,
                "headers": list(self.headers),
                "rows": [{"no": r.no, "severity": r.severity, "level": r.level,
                          "position": r.position, "sheet": r.sheet, "cell": r.cell,
                          "title": r.title, "message": r.message,
                          "expected": _json_value(r.expected), "actual": _json_value(r.actual),
                          "code": r.code, "id": r.id} for r in self.rows],
                "marks": [{"sheet": m.sheet, "cell": m.cell, "severity": m.severity,
                           "fill": m.fill, "comment": m.comment} for m in self.marks],
                "errors": self.errors, "warnings": self.warnings, "notices": self.notices}


def cells_named(f: Finding) -> list[tuple[str, str]]:
    """The cells a finding marks: its cell — for a range, the involved cells inside it — and the
    cells its message asks to check first."""
    out: list[tuple[str, str]] = []
    if f.sheet and f.cell:
        if ":" not in f.cell:
            out.append((f.sheet, f.cell))
        else:
            a, b = f.cell.split(":", 1)
            (r1, c1), (r2, c2) = parse_cell(a), parse_cell(b)
            for ref in f.cells:
                sheet, addr = ref.rsplit("!", 1)
                r, c = parse_cell(addr)
                if sheet == f.sheet and r1 <= r <= r2 and c1 <= c <= c2:
                    out.append((sheet, addr))
            if not out:
                out.append((f.sheet, a))
    for ref in f.hints:
        sheet, addr = ref.rsplit("!", 1)
        out.append((sheet, addr))
    return list(dict.fromkeys(out))


def plan_marks(findings: Findings | Iterable[Finding], sheetnames: Iterable[str] | None = None,
               file_name: str = "") -> MarkPlan:
    """The plan for ``findings`` on a workbook with ``sheetnames`` (None: every sheet exists)."""
    found = list(findings)
    sheets = set(sheetnames) if sheetnames is not None else None
    exists = (lambda s: True) if sheets is None else (lambda s: s in sheets)

    per_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in found:
        for key in cells_named(f):
            if exists(key[0]):
                per_cell.setdefault(key, []).append(f)
    marks = []
    for (sheet, cell), fs in per_cell.items():
        worst = min((f.severity for f in fs), key=SEVERITY_ORDER.__getitem__)
        comment = "\n".join(say("mark.comment_line", severity=SEVERITY_LABELS[f.severity],
                                message=f.message) for f in fs)
        marks.append(CellMark(sheet, cell, worst, FILLS[worst], comment))

    ordered = sorted(found, key=lambda f: SEVERITY_ORDER[f.severity])  # stable: position kept
    rows = []
    for i, f in enumerate(ordered, start=1):
        position = (say("mark.position", sheet=f.sheet, cell=f.cell) if f.sheet and f.cell
                    else f.sheet or "")
        linked = f.sheet is not None and exists(f.sheet)
        rows.append(ResultRow(i, f.severity, SEVERITY_LABELS[f.severity], position,
                              f.sheet if linked else None,
                              (f.cell or "A1").split(":")[0] if linked else None,
                              title_of(f.rule), f.message, f.expected, f.actual, f.rule, f.id))
    counts = {s: sum(1 for f in found if f.severity == s) for s in FILLS}
    summary = (say("mark.summary", errors=counts["error"], warnings=counts["warning"],
                   notices=counts["notice"]) if found else say("mark.none"))
    return MarkPlan(say("mark.sheet"), say("mark.title", file=file_name), summary,
                    tuple(say(k) for k in RESULT_COLUMNS), tuple(rows), tuple(marks),
                    counts["error"], counts["warning"], counts["notice"])


@dataclass(frozen=True)
class Selected:
    """What a clerk selected on 校验结果: the 编号 of the warnings and notices on those rows, and
    how many selected rows were errors (which cannot be dismissed)."""

    ids: tuple[str, ...]
    errors: int


def selected_rows(address: str | None) -> set[int] | None:
    """The worksheet rows an address covers — 「A5」, 「B5:C7」, 「5:7」, several areas joined by
    「,」, absolute or not; ``None`` for a whole column (every row).  What Excel reports as the
    selection (``Selection.Address``); a cell or range on another sheet is not among them."""
    rows: set[int] = set()
    for area in (address or "").replace("$", "").split(","):
        ends = [e.strip() for e in area.split(":")]
        if not area.strip() or len(ends) > 2:
            continue
        numbers = []
        for end in ends:
            digits = end.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            if not digits:  # 「I:I」: a whole column
                return None
            if not digits.isdigit():
                break
            numbers.append(int(digits))
        else:
            rows.update(range(min(numbers), max(numbers) + 1))
    return rows


def selected_ids(grid: list[list[Any]], address: str | None) -> Selected:
    """The findings a clerk selected on a 校验结果 sheet (its values from A1, ``grid``): every row
    the selection ``address`` touches — any cell of the row, its 编号 or a whole column — that
    lists a finding.  Rows of errors are counted apart.  Raises ``addin.review.no_results`` when
    the sheet is not a 校验结果 with a 编号 column (one written before 编号 existed: check again)."""
    header = grid[RESULT_FIRST_ROW - 2] if len(grid) >= RESULT_FIRST_ROW - 1 else []
    id_col, level_col = RESULT_COLUMNS.index("mark.h.id"), RESULT_COLUMNS.index("mark.h.severity")
    if len(header) <= id_col or header[id_col] != say("mark.h.id"):
        raise NianbaoError("addin.review.no_results", sheet=say("mark.sheet"))
    rows = selected_rows(address)
    last = len(grid)
    wanted = range(RESULT_FIRST_ROW, last + 1) if rows is None else \
        sorted(r for r in rows if RESULT_FIRST_ROW <= r <= last)
    ids: list[str] = []
    errors = 0
    for r in wanted:
        row = grid[r - 1]
        fid = row[id_col] if len(row) > id_col else None
        if not isinstance(fid, str) or not fid.strip():
            continue
        if row[level_col] == SEVERITY_LABELS["error"]:
            errors += 1
        elif fid.strip() not in ids:
            ids.append(fid.strip())
    return Selected(tuple(ids), errors)


def _json_value(v: Any) -> Any:
    v = _cell_value(v)
    return v if v is None or isinstance(v, (bool, int, float, str)) else str(v)


def _cell_value(v: Any) -> Any:
    """Expected/actual as a result cell shows them: numbers stay numbers, the rest is text."""
    if v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)):
        return v
    return str(v) or None  # an empty text is an empty cell


__all__ = ["FILLS", "CellMark", "ResultRow", "MarkPlan", "plan_marks", "cells_named",
           "Selected", "selected_rows", "selected_ids",
           "RESULT_COLUMNS", "RESULT_WIDTHS", "RESULT_FIRST_ROW", "LINK_COLOUR"]
