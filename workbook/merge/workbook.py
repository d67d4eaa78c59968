"""Writing the consolidated workbook: the core template filled with the sums, a 汇总情况 sheet,
each merged unit's texts on a reference sheet, and the hidden sheet's record of the sources.

Everything a unit typed goes through :func:`nianbao.xlsx_writer.put_value`, so no string from a
received workbook becomes a formula here.  Only the merge action calls this (it needs openpyxl,
which reading and checking never import), and it passes the check the consolidated figures get.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from openpyxl.styles import Alignment, Border, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..findings import Findings
from ..formats import get_format
from ..layout import HEADINGS, META_SHEET, layout_of
from ..messages import say
from ..report import Report, format_number
from ..xlsx_writer import (BASE_SIZE, DEFAULT_HEIGHT, LABEL_LOOKS, MAX_ROW_HEIGHT, add_record,
                          build_template, fill_workbook, put_value, save_workbook, style_cell,
                          text_height)
from .history import History, now
from .records import (INVALID, KIND_CONSOLIDATION, MERGE_FIGURES, MERGED, MERGED_INVALID,
                      ORIGIN_KIND, REJECTED, SOURCE_PREFIX, SUMMED, SUPERSEDED, UNSENT, UnitRow,
                      sum_values)

STATUS_FILLS = {REJECTED: "FFC7CE", INVALID: "FFC7CE", UNSENT: "FFEB9C",
                MERGED_INVALID: "FFEB9C", MERGED: "C6EFCE", SUPERSEDED: "EDEDED"}
# (catalogue code of the title, width) of the columns of the unit table, in order
COLUMNS = (("merge.col.no", 6), ("merge.col.unit", 24), ("merge.col.code", 14),
           ("merge.col.parent", 14), ("merge.col.status", 14), ("merge.col.reason", 44),
           ("merge.col.errors", 7), ("merge.col.warnings", 7), ("merge.col.file", 30),
           ("merge.col.sha256", 18), ("merge.col.received", 19), ("merge.col.saved", 19))
STATUS_COLUMN, REASON_COLUMN = 4, 5  # indexes in COLUMNS; the reason is the column that wraps
KEY_WIDTH = 12
UNWRAPPED = Alignment(horizontal="left", vertical="center", wrap_text=False)  # a line over the table
PART_WIDTH, TEXT_WIDTH = 30, 90


def write_consolidated(out: Path, rows: Sequence[UnitRow], history: History, *, format_id: str,
                       year: int | None, unit: str, include_invalid: bool,
                       check: Callable[[Report], Findings]) -> tuple[Report, Findings]:
    """Write the consolidated workbook to ``out`` (atomically) and return its Report and what
    ``check`` found in it (shown on 汇总情况)."""
    lay = layout_of(format_id)
    wb = build_template(format_id, year=year, unit=unit)
    _add_styles(wb)
    merged = [r for r in rows if r.status in SUMMED]

    texts_ws = wb.create_sheet(say("merge.sheet.texts"), wb.sheetnames.index(META_SHEET))
    # the parts' texts (their headings are the template's standard ones, or the unit's own)
    text_fields = [f for f in lay.fields.values()
                   if f.kind == "text" and f.table not in ("meta", HEADINGS)]
    sections = {s.sheet: s.title for s in lay.format.sections}
    parts = {f.id: say("merge.texts.part", section=sections.get(f.sheet, f.sheet),
                       item=f.labels[-1]) for f in text_fields}
    _header(texts_ws, 1, [say("merge.col.unit"), say("merge.col.part"), say("merge.col.text")],
            [COLUMNS[1][1], PART_WIDTH, TEXT_WIDTH])
    texts_row = 1

    def reports() -> Iterator[dict[str, Any]]:
        # one merged unit at a time from the history: memory does not grow with their number.
        # One row per unit and text, so that filtering 部分 shows every unit's text of one item
        nonlocal texts_row
        for r in merged:
            report = history.report(r.sha256) or {}
            for f in text_fields:
                text = report.get("texts", {}).get(f.id, "")
                if not text:
                    continue
                texts_row += 1
                for col, value in enumerate((r.unit, parts[f.id], text), 1):
                    cell = texts_ws.cell(texts_row, col)
                    cell.style = WRAP_STYLE  # first: a style replaces the text's quote prefix
                    put_value(cell, value)
                need = max(text_height(text, TEXT_WIDTH, BASE_SIZE),
                           text_height(parts[f.id], PART_WIDTH, BASE_SIZE))
                texts_ws.row_dimensions[texts_row].height = min(need, MAX_ROW_HEIGHT)
            yield report

    totals = Report.empty(format_id, unit=unit, year=year)
    for fid, v in sum_values(reports(), format_id).items():
        totals[fid] = v
    totals.source = str(out)
    fill_workbook(wb, totals)
    checked = check(totals)
    texts_ws.auto_filter.ref = f"A1:C{texts_row}"

    summary = wb.create_sheet(say("merge.sheet.summary"), 0)
    _summary_sheet(summary, rows, format_id, year, include_invalid, checked)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = False  # else Excel opens with two sheets grouped
    wb.active = 0
    summary.sheet_view.tabSelected = True

    add_record(wb, [(ORIGIN_KIND, KIND_CONSOLIDATION), ("consolidated_at", now()),
                    ("merged", str(len(merged))),
                    ("include_invalid", "1" if include_invalid else "0"),
                    *((f"{SOURCE_PREFIX}{i:05d}", f"{r.sha256} {r.unit} {Path(r.file).name}")
                      for i, r in enumerate(merged, 1))])
    save_workbook(wb, out)
    return totals, checked


# the body of the lists: named styles, because styling thousands of cells one attribute at a
# time makes openpyxl hash every style object again (10× slower)
BODY_STYLE, WRAP_STYLE = "nianbao-body", "nianbao-wrap"


def _add_styles(wb) -> None:
    look = LABEL_LOOKS["label"]
    for name, alignment in ((BODY_STYLE, UNWRAPPED),
                            (WRAP_STYLE, Alignment(vertical="top", wrap_text=True))):
        style = NamedStyle(name=name, font=look.font, fill=look.fill, border=look.border,
                           alignment=alignment)
        wb.add_named_style(style)


def _header(ws: Worksheet, row: int, titles: list[str], widths: list[float]) -> None:
    """A list's header row: frozen on screen, repeated on every printed page (landscape, one
    page wide)."""
    look = LABEL_LOOKS["header"]
    for col, (title, width) in enumerate(zip(titles, widths), 1):
        cell = ws.cell(row, col)
        put_value(cell, title)
        style_cell(cell, look)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row + 1, 1).coordinate
    ws.print_title_rows = f"{row}:{row}"
    ps = ws.page_setup
    ps.paperSize, ps.orientation = ws.PAPERSIZE_A4, "landscape"
    ps.fitToWidth, ps.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _figure(value: Any) -> Any:
    return "" if value is None else value


def _summary_sheet(ws: Worksheet, rows: Sequence[UnitRow], format_id: str, year: int | None,
                   include_invalid: bool, checked: Findings) -> None:
    fmt = get_format(format_id)
    counts = defaultdict(int)
    for r in rows:
        counts[r.status] += 1
    title = ws.cell(1, 1)
    put_value(title, say("merge.summary.title", year=year, format=fmt.title))
    style_cell(title, LABEL_LOOKS["title"])
    title.alignment = UNWRAPPED
    line = say("merge.summary.line", merged=counts[MERGED] + counts[MERGED_INVALID],
               invalid=counts[INVALID], rejected=counts[REJECTED], missing=counts[UNSENT],
               superseded=counts[SUPERSEDED],
               included=say("merge.summary.included") if include_invalid else "",
               check=say("merge.summary.check", errors=checked.errors, warnings=checked.warnings))
    note = ws.cell(2, 1)
    put_value(note, line)
    style_cell(note, LABEL_LOOKS["note"])
    note.alignment, note.border = UNWRAPPED, Border()

    keys = [say(code) for code, _ in MERGE_FIGURES]
    fills = {status: PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)
             for status, rgb in STATUS_FILLS.items()}
    head = 4
    _header(ws, head, [say(c) for c, _ in COLUMNS] + keys,
            [w for _, w in COLUMNS] + [KEY_WIDTH] * len(keys))
    reason_col, reason_width = REASON_COLUMN + 1, COLUMNS[REASON_COLUMN][1]
    for i, r in enumerate(rows, 1):
        values = [i, r.unit, r.code, r.parent, say(f"merge.status.{r.status}"), r.reason,
                  r.errors if r.file else "", r.warnings if r.file else "",
                  Path(r.file).name if r.file else "", r.sha256, r.received, r.saved,
                  *[_figure(v) for v in (r.key or (None,) * len(MERGE_FIGURES))]]
        for col, value in enumerate(values, 1):
            cell = ws.cell(head + i, col)
            # one line per unit (the hash and file name run on in full); the reason wraps
            cell.style = WRAP_STYLE if col == reason_col else BODY_STYLE
            put_value(cell, value)
        if r.reason:
            ws.row_dimensions[head + i].height = max(
                DEFAULT_HEIGHT, text_height(r.reason, reason_width, BASE_SIZE))
        ws.cell(head + i, STATUS_COLUMN + 1).fill = fills[r.status]
    last = head + len(rows)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(COLUMNS) + len(keys))}{last}"
    if any(r.parent for r in rows):
        _rollup(ws, last + 2, rows, keys)


def _rollup(ws: Worksheet, top: int, rows: Sequence[UnitRow], keys: list[str]) -> None:
    """Per parent: units expected (on the list), submitted, clean, and the merged key figures."""
    expected: dict[str, set] = defaultdict(set)
    submitted: dict[str, set] = defaultdict(set)
    clean: dict[str, set] = defaultdict(set)
    figures: dict[str, list] = defaultdict(lambda: [0] * len(MERGE_FIGURES))
    for r in rows:
        if r.status != SUPERSEDED and r.unit:
            expected[r.parent].add(r.unit)
        if r.status in (MERGED, MERGED_INVALID, INVALID):
            submitted[r.parent].add(r.unit)
        if r.status == MERGED:
            clean[r.parent].add(r.unit)
        if r.status in SUMMED:
            for j, v in enumerate(r.key):
                figures[r.parent][j] += v or 0
    first = 2  # under the unit column, wide enough for a parent's name
    titles = [say("merge.rollup.parent"), say("merge.rollup.expected"),
              say("merge.rollup.submitted"), say("merge.rollup.clean"), *keys]
    ws.merge_cells(start_row=top, start_column=first, end_row=top,
                   end_column=first + len(titles) - 1)
    put_value(ws.cell(top, first), say("merge.rollup.title"))
    for col in range(first, first + len(titles)):
        style_cell(ws.cell(top, col), LABEL_LOOKS["block"])
    look = LABEL_LOOKS["header"]
    for col, t in enumerate(titles, first):
        cell = ws.cell(top + 1, col)
        put_value(cell, t)
        style_cell(cell, look)
    ws.row_dimensions[top + 1].height = 2 * DEFAULT_HEIGHT  # key titles wrap in narrow columns
    for i, parent in enumerate(sorted(expected), top + 2):
        values = [parent or say("merge.rollup.none"), len(expected[parent]),
                  len(submitted[parent]), len(clean[parent]),
                  *[format_number(v) if isinstance(v, float) else v for v in figures[parent]]]
        for col, value in enumerate(values, first):
            cell = ws.cell(i, col)
            cell.style = BODY_STYLE
            put_value(cell, value)


__all__ = ["write_consolidated"]
