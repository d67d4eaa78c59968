"""What a painter working in an *open* workbook does for one 校验, as plain steps decided once,
here — so the xlwings add-in, the WPS add-in and the Excel add-in's server mode paint exactly
the same cells, colours and 校验结果 rows, and a change here needs no change in any of them.

:func:`painting` turns a :class:`~nianbao.marks.MarkPlan` (which cells a check marks and the rows
of 校验结果, the same plan ``nianbao check --mark`` paints into a copy with openpyxl) and what the
previous run recorded in the workbook into a :class:`Painting`:

* ``fills``: rectangles to fill, the template's own fill put back first where the previous run
  marked and this one does not (a painter that cannot read formats back cannot undo otherwise),
  then this run's marks — ``None`` means "no fill";
* ``blocks``: values to write from a cell — 校验结果 from A1 (cleared first, or added at the end),
  the run's verdict on 基本信息, the record of what this run marked in the hidden sheet (so the
  next run can undo it).  **Every string is written as a literal**, never a formula or a date;
* ``result_fills`` (each result row's level colour) and ``links`` (each row's position, a link to
  its cell);
* ``unprotect``: the sheets to lift the template's password-less protection on while painting;
* ``message``: the one alert to show, ``critical`` when there are errors.

No input cell is ever written.  ``to_dict()`` is what the web server hands the WPS add-in.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping

from .codes import stops_publication
from .layout import INFO_SHEET, MARK_RECORD_COL, META_SHEET, cell_address, layout_of, parse_cell
from .marks import FILLS, RESULT_FIRST_ROW, MarkPlan
from .messages import say
from .palette import template_fill
from .report import Report

MARK_RECORD_HEADER = "marked_by_addin"
TIME_MARK = "{time}"  # a verdict's time a painter fills in itself (the add-in's VBA: the clerk's)
# errors listed in 生成报告's refusal (a message box shows about 1,024 characters); the rest are
# on 校验结果
REFUSED_LINES = 5
# a recorded rectangle larger than this is not one an add-in wrote (a template sheet has a few
# hundred cells): it is ignored rather than expanded
RECORD_AREA_LIMIT = 10_000


@dataclass(frozen=True)
class Fill:
    sheet: str
    range: str  # "D8" or "D8:J9"
    colour: str | None  # "RRGGBB"; None: no fill


@dataclass(frozen=True)
class Block:
    sheet: str
    cell: str  # the top-left cell
    values: tuple[tuple[Any, ...], ...]  # rows; every string a literal


@dataclass(frozen=True)
class Link:
    sheet: str  # the results sheet
    cell: str  # the position cell of a result row
    target_sheet: str
    target_cell: str
    text: str


@dataclass(frozen=True)
class Painting:
    fills: tuple[Fill, ...]
    results_sheet: str
    blocks: tuple[Block, ...]
    result_fills: tuple[Fill, ...]
    links: tuple[Link, ...]
    unprotect: tuple[str, ...]
    message: str
    critical: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def recorded_marks(record: Iterable[str]) -> list[tuple[str, str]]:
    """The cells the previous run marked, from the hidden sheet's record (one 「sheet!D6:J30」
    a row, :attr:`nianbao.report.Report.mark_record`), as (sheet, cell)."""
    out: list[tuple[str, str]] = []
    for ref in record:
        if not (isinstance(ref, str) and "!" in ref):
            continue
        sheet, area = ref.rsplit("!", 1)
        (r1, c1), (r2, c2) = parse_cell(area.split(":")[0]), parse_cell(area.split(":")[-1])
        if not (r1 and c1 and r2 >= r1 and c2 >= c1) or \
                (r2 - r1 + 1) * (c2 - c1 + 1) > RECORD_AREA_LIMIT:
            continue  # not a record an add-in wrote
        out += [(sheet, cell_address(r, c)) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    return out


def rectangles(colours: Mapping[tuple[str, str], str | None]) -> list[Fill]:
    """Cells of one colour joined into rectangles — runs along a row, then equal runs on
    consecutive rows — so that one step paints each (a blank workbook: 10 steps, not 236)."""
    runs: list[list[Any]] = []  # [sheet, row, c1, c2, colour]
    keyed = sorted(((sheet, *parse_cell(cell), colour) for (sheet, cell), colour in colours.items()),
                   key=lambda x: (x[0], x[1], x[2]))
    for sheet, r, c, colour in keyed:
        last = runs[-1] if runs else None
        if last and last[:2] == [sheet, r] and last[3] == c - 1 and last[4] == colour:
            last[3] = c
        else:
            runs.append([sheet, r, c, c, colour])
    blocks: dict[tuple[str, int, int, int, int], str | None] = {}
    growing: dict[tuple[Any, ...], tuple[str, int, int, int, int]] = {}
    for sheet, r, c1, c2, colour in runs:
        key = (sheet, c1, c2, colour)
        grow = growing.get(key)
        if grow is not None and grow[3] == r - 1:
            del blocks[grow]
            grow = (sheet, grow[1], c1, r, c2)
        else:
            grow = (sheet, r, c1, r, c2)
        blocks[grow] = colour
        growing[key] = grow
    return [Fill(sheet, _range(r1, c1, r2, c2), colour)
            for (sheet, r1, c1, r2, c2), colour in blocks.items()]


def _range(r1: int, c1: int, r2: int, c2: int) -> str:
    first = cell_address(r1, c1)
    return first if (r1, c1) == (r2, c2) else f"{first}:{cell_address(r2, c2)}"


def counts_text(errors: int, warnings: int, notices: int) -> str:
    """「2 处错误、1 处警告」: the counts that are not zero."""
    parts = [say(f"addin.count.{kind}", n=n) for kind, n in
             (("error", errors), ("warning", warnings), ("notice", notices)) if n]
    return say("addin.count.join").join(parts)


def summary(plan: MarkPlan) -> str:
    """The one message a painter shows: 「发现 2 处错误、1 处警告。…」."""
    if not plan.rows:
        return say("addin.clean")
    return (say("addin.found", counts=counts_text(plan.errors, plan.warnings, plan.notices))
            + "\n" + say("addin.see_sheet", sheet=plan.sheet_name))


def result_summary(plan: MarkPlan) -> str:
    """Row 2 of a painter's 校验结果 (it adds no comments, so not ``plan.summary``)."""
    return (say("addin.result_summary", errors=plan.errors, warnings=plan.warnings,
                notices=plan.notices) if plan.rows else plan.summary)


def refusal_text(plan: MarkPlan) -> str:
    """What 生成报告 says when the workbook has errors (or a statutory table left wholly blank):
    the first few, and where the rest are."""
    errors = [r for r in plan.rows if stops_publication(r.code, r.severity)]
    lines = [say("document.error_line", where=_where(r), message=r.message)
             for r in errors[:REFUSED_LINES]]
    if len(errors) > REFUSED_LINES:
        lines.append(say("addin.refused_more", count=len(errors) - REFUSED_LINES,
                         sheet=plan.sheet_name))
    # a table left wholly blank is a warning that stops publication: never called an error
    only_errors = all(r.severity == "error" for r in errors)
    return say("addin.refused" if only_errors else "publish.refused_blank",
               count=len(errors), lines="\n".join(lines))


def _where(row: Any) -> str:
    if row.sheet and row.cell:
        return say("report.where", sheet=row.sheet, cell=row.cell)
    return say("report.where_sheet", sheet=row.sheet) if row.sheet else ""


def run_status(plan: MarkPlan, when: dt.datetime | None = None, time_text: str | None = None) -> str:
    """The verdict written beside the template's own status on 基本信息 (``time_text``: what
    to print for the time instead of ``when``)."""
    time = time_text if time_text is not None else \
        (when or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    counts = counts_text(plan.errors, plan.warnings, 0)
    key = "addin.run.failed" if plan.errors else "addin.run.warned" if counts else "addin.run.ok"
    return say(key, counts=counts, time=time)


def painting(plan: MarkPlan, report: Report, sheet_names: Iterable[str] | None = None,
             when: dt.datetime | None = None, time_text: str | None = None) -> Painting:
    """The steps that paint ``plan`` into the open workbook ``report`` was read from (its sheets:
    ``sheet_names``, default the report's); what the last run marked is undone (the report's
    :attr:`~nianbao.report.Report.mark_record`) and its record blanked."""
    names = set(sheet_names if sheet_names is not None else report.sheet_names)
    previous = recorded_marks(report.mark_record)
    record_rows = len(report.mark_record) + 1
    fmt = report.format
    declared = {s.name for s in layout_of(fmt).sheets}
    now = {(m.sheet, m.cell): m.fill[-6:] for m in plan.marks}
    restore: dict[tuple[str, str], str | None] = {}
    for sheet, cell in previous:
        if sheet in declared and sheet in names and (sheet, cell) not in now:
            restore[(sheet, cell)] = template_fill(fmt, sheet, *parse_cell(cell))
    colours: dict[tuple[str, str], str | None] = {**restore, **now}
    fills = rectangles(colours)

    width = len(plan.headers)
    rows: list[tuple[Any, ...]] = [(None,) * width] * (RESULT_FIRST_ROW - 1 + len(plan.rows))
    rows[0] = (plan.title,) + (None,) * (width - 1)
    rows[1] = (result_summary(plan),) + (None,) * (width - 1)
    rows[RESULT_FIRST_ROW - 2] = tuple(plan.headers)
    for i, row in enumerate(plan.rows):
        rows[RESULT_FIRST_ROW - 1 + i] = tuple(row.values())
    blocks = [Block(plan.sheet_name, "A1", tuple(rows))]
    if INFO_SHEET in names:
        blocks.append(Block(INFO_SHEET, layout_of(fmt).status.run_cell,
                            ((run_status(plan, when, time_text),),)))
    if META_SHEET in names:
        marked = [f"{f.sheet}!{f.range}" for f in rectangles(dict.fromkeys(now, ""))]
        record: list[tuple[Any, ...]] = [(MARK_RECORD_HEADER,), *((m,) for m in marked)]
        record += [(None,)] * max(0, record_rows - len(record))
        blocks.append(Block(META_SHEET, cell_address(1, MARK_RECORD_COL), tuple(record)))

    level = {(plan.sheet_name, cell_address(RESULT_FIRST_ROW + i, 2)): FILLS[r.severity][-6:]
             for i, r in enumerate(plan.rows)}
    links = tuple(Link(plan.sheet_name, cell_address(RESULT_FIRST_ROW + i, 3), r.sheet,
                       r.cell or "A1", r.position)
                  for i, r in enumerate(plan.rows) if r.sheet)
    touched = {f.sheet for f in fills} | {INFO_SHEET, META_SHEET}
    return Painting(tuple(fills), plan.sheet_name, tuple(blocks), tuple(rectangles(level)),
                    links, tuple(sorted(touched & names)), summary(plan), bool(plan.errors))


__all__ = ["Painting", "Fill", "Block", "Link", "painting", "recorded_marks", "rectangles",
           "summary", "run_status", "result_summary", "refusal_text", "counts_text",
           "MARK_RECORD_HEADER", "TIME_MARK", "REFUSED_LINES"]
