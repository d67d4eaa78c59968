"""Writing the consolidated workbook: the core template filled with the sums, and the sheets a
coordinator works from —

* 汇总情况: every unit and file, who must act first, with what is wrong (its first errors in
  short), whom to call and the key figures — printable: A4 landscape, its text printed at ≥ 9 pt
  (11 pt cells, the columns narrow enough that fitting them to the page's width keeps them
  ≥ 82 %), long names and reasons wrapped, counts right-aligned, the header on every page; the
  technical columns (hash, save and receipt times, paths) are on 文件明细;
* 按上级单位: the roll-up per parent with a total row (:mod:`nianbao.merge.rollup`);
* 退回说明: the ready-to-send message for each unit that must correct or resend;
* 各部分文字草稿 and 各单位文字: the units' texts gathered per part as a draft for the
  coordinator's own report, and each unit's texts one by one — the consolidated report's own
  text cells stay empty: the report says only what the coordinator writes;
* 文件明细: the technical record — full path, full SHA-256, size, file time, when nianbao first
  received it, the archived copy.

Everything a unit typed goes through :func:`nianbao.xlsx_writer.put_value`, so no string from a
received workbook becomes a formula here.  Only the merge action calls this (it needs openpyxl,
which reading and checking never import), and it passes the check the consolidated figures get.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..fileio import atomic_path
from ..findings import Findings
from ..formats import get_format
from ..layout import HEADINGS, META_SHEET, LabelStyle, layout_of
from ..messages import say
from ..report import Report, format_number
from ..xlsx_writer import (BASE_SIZE, DEFAULT_HEIGHT, FONT_NAME, LABEL_LOOKS, MAX_ROW_HEIGHT,
                          add_record, build_template, fill_workbook, put_value, save_workbook,
                          style_cell, text_height)
from .feedback import CALL_COLUMNS, CALL_WIDTHS, brief, call_rows, per_unit, unit_text
from .history import History, now
from .records import (INVALID, KIND_CONSOLIDATION, MERGE_FIGURES, MERGED, MERGED_INVALID,
                      ORIGIN_KIND, REJECTED, SOURCE_PREFIX, SUMMED, SUPERSEDED, UNSENT, UnitRow,
                      shown, sum_values)
from .rollup import rollup

STATUS_FILLS = {REJECTED: "FFC7CE", INVALID: "FFC7CE", UNSENT: "FFEB9C",
                MERGED_INVALID: "FFEB9C", MERGED: "C6EFCE", SUPERSEDED: "EDEDED"}
KEY_WIDTH = 6  # five digits; the title wraps
# the printed list: (catalogue code of the title, width in character units, wraps, a number).
# With the key figures they add up to 132 units, which fits A4 landscape at 85 % where a unit is
# widest (LibreOffice: PRINTED_POINTS_PER_WIDTH), 11 pt printed at 9.4 pt; Excel at 100 %.
# Short values get the width the row height estimate (text_height) needs to keep them on one
# line (「已汇总」, a phone number), so that rows are not made taller for them.
# What a coordinator does not act on (hash, save and receipt times, path) is on 文件明细.
COLUMNS = (("merge.col.no", 4, False, True), ("merge.col.unit", 14, True, False),
           ("merge.col.parent", 7, True, False), ("merge.col.status", 9, True, False),
           ("merge.col.reason", 31, True, False), ("merge.col.errors", 5, False, True),
           ("merge.col.warnings", 5, False, True), ("merge.col.contact", 7, True, False),
           ("merge.col.phone", 14, True, False), ("merge.col.file", 12, True, False))
STATUS_COLUMN = 3  # index in COLUMNS
FINDINGS_SHOWN = 2  # errors named in short in a row's reason on 汇总情况 (the terminal names one)
UNWRAPPED = Alignment(horizontal="left", vertical="center", wrap_text=False)  # a line over the table
WRAPPED = Alignment(horizontal="left", vertical="center", wrap_text=True)
PART_WIDTH, TEXT_WIDTH = 30, 80  # with the unit's 24: one page wide at ≥ 9 pt
DRAFT_WIDTH = 90
CELL_LIMIT = 32_000  # characters in one cell (Excel's limit is 32,767)
MARGIN = 0.3  # inches, left and right: the list gets the width of the page
MIN_PRINTED_SIZE = 9.0  # points: the smallest a printed list may be
A4_LONG_SIDE = 842.0  # points
# one character unit of column width as printed at 100 %, in points, where it is widest: 7.05
# measured in LibreOffice's PDF of these sheets (the default font Calibri 11, substituted);
# Excel's Calibri gives 5.25 + 3.75 per column. Deciding by the widest keeps every program ≥ 9 pt.
PRINTED_POINTS_PER_WIDTH = 7.1
# a line over a list (its summary, a note): the body's size, so that it prints as large
NOTE_FONT = Font(name=FONT_NAME, size=BASE_SIZE, color="595959")


def write_consolidated(out: Path, rows: Sequence[UnitRow], history: History, *, format_id: str,
                       year: int | None, unit: str, include_invalid: bool,
                       check: Callable[[Report], Findings], year_from: str = "",
                       record: bool = True) -> tuple[Report, Findings]:
    """Write the consolidated workbook to ``out`` (atomically) and return its Report and what
    ``check`` found in it (shown on 汇总情况).  ``unit``: the coordinator's unit ("" leaves
    填报单位 empty, to be entered before a report is made of it)."""
    lay = layout_of(format_id)
    wb = build_template(format_id, year=year, unit=unit)
    _add_styles(wb)
    merged = [r for r in rows if r.status in SUMMED]

    text_fields = [f for f in lay.fields.values()
                   if f.kind == "text" and f.table not in ("meta", HEADINGS)]
    sections = {s.sheet: s.title for s in lay.format.sections}
    parts = {f.id: say("merge.texts.part", section=sections.get(f.sheet, f.sheet),
                       item=f.labels[-1]) for f in text_fields}
    at = wb.sheetnames.index(META_SHEET)
    drafts_ws = wb.create_sheet(say("merge.sheet.drafts"), at)
    texts_ws = wb.create_sheet(say("merge.sheet.texts"), at + 1)
    _header(texts_ws, 1, [say("merge.col.unit"), say("merge.col.part"), say("merge.col.text")],
            [24, PART_WIDTH, TEXT_WIDTH])
    texts_row = 1
    drafts: dict[str, list[tuple[str, str]]] = {f.id: [] for f in text_fields}

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
                drafts[f.id].append((r.unit, text))
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
    _drafts_sheet(drafts_ws, [(parts[f.id], drafts[f.id]) for f in text_fields])

    summary = wb.create_sheet(say("merge.sheet.summary"), 0)
    _summary_sheet(summary, rows, format_id, year, include_invalid, checked, unit, year_from)
    position = 1
    entries = rollup(rows)  # the same numbers as Consolidation.rollup
    if any(e["parent"] for e in entries):
        _rollup_sheet(wb.create_sheet(say("merge.sheet.rollup"), position), entries)
        position += 1
    notes = per_unit(rows)
    if notes:
        _feedback_sheet(wb.create_sheet(say("merge.sheet.feedback"), position), notes)
    _files_sheet(wb.create_sheet(say("merge.sheet.files"), wb.sheetnames.index(META_SHEET)), rows)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = False  # else Excel opens with two sheets grouped
    wb.active = 0
    summary.sheet_view.tabSelected = True

    if record:
        add_record(wb, [(ORIGIN_KIND, KIND_CONSOLIDATION), ("consolidated_at", now()),
                        ("merged", str(len(merged))),
                        ("include_invalid", "1" if include_invalid else "0"),
                        *((f"{SOURCE_PREFIX}{i:05d}", f"{r.sha256} {r.unit} {shown(Path(r.file).name)}")
                          for i, r in enumerate(merged, 1))])
    save_workbook(wb, out)
    return totals, checked


# the body of the lists: named styles, because styling thousands of cells one attribute at a
# time makes openpyxl hash every style object again (10× slower)
BODY_STYLE, WRAP_STYLE, NUMBER_STYLE = "nianbao-body", "nianbao-wrap", "nianbao-number"


def _add_styles(wb) -> None:
    look = LABEL_LOOKS["label"]
    for name, alignment in ((BODY_STYLE, Alignment(vertical="top", wrap_text=False)),
                            (WRAP_STYLE, Alignment(vertical="top", wrap_text=True)),
                            (NUMBER_STYLE, Alignment(horizontal="right", vertical="top"))):
        if name in wb.named_styles:
            continue
        style = NamedStyle(name=name, font=look.font, fill=look.fill, border=look.border,
                           alignment=alignment)
        wb.add_named_style(style)


def printed_scale(widths: Sequence[float]) -> float:
    """The scale that fits columns of ``widths`` (character units) to A4 landscape's width
    between the margins, where a unit prints widest (at most 1: a narrow list is not enlarged)."""
    usable = A4_LONG_SIDE - 2 * 72 * MARGIN
    return min(1.0, usable / (sum(widths) * PRINTED_POINTS_PER_WIDTH))


def _print_setup(ws: Worksheet, widths: Sequence[float], size: float = BASE_SIZE) -> None:
    """A4 landscape, narrow side margins, as many pages down as needed, the header rows on every
    page.  One page wide only when that keeps ``size``-point text at MIN_PRINTED_SIZE or more;
    a list too wide for that prints at the smallest readable scale, its further columns on
    further pages, with its first two columns (序号, the unit) repeated on them."""
    ps = ws.page_setup
    ps.paperSize, ps.orientation = ws.PAPERSIZE_A4, "landscape"
    ws.page_margins.left = ws.page_margins.right = MARGIN
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = say("merge.footer")
    if printed_scale(widths) * size >= MIN_PRINTED_SIZE:
        ps.fitToWidth, ps.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ps.scale = math.ceil(100 * MIN_PRINTED_SIZE / size)
        ws.print_title_cols = "A:B"


def _header(ws: Worksheet, row: int, titles: list[str], widths: Sequence[float],
            first: int = 1) -> None:
    """A list's header row: frozen on screen, repeated on every printed page (landscape, one
    page wide)."""
    look = LABEL_LOOKS["header"]
    for col, (title, width) in enumerate(zip(titles, widths), first):
        cell = ws.cell(row, col)
        put_value(cell, title)
        style_cell(cell, look)
        ws.column_dimensions[get_column_letter(col)].width = width
    need = max(text_height(t, w, look.size) for t, w in zip(titles, widths))
    ws.row_dimensions[row].height = max(DEFAULT_HEIGHT, need)
    ws.freeze_panes = ws.cell(row + 1, 1).coordinate
    ws.print_title_rows = f"{row}:{row}"
    _print_setup(ws, widths)


def _line(ws: Worksheet, row: int, text: str, look: LabelStyle = "note",
          widths: Sequence[float] = ()) -> None:
    """A line over a list.  With ``widths`` (the list's columns) it is wrapped across the
    list's width, and its row made tall enough: printed, nothing runs past the list's last
    column, where the page ends.  A note prints at the body's size."""
    cell = ws.cell(row, 1)
    put_value(cell, text)
    style_cell(cell, LABEL_LOOKS[look])
    if look == "note":
        cell.font = NOTE_FONT
    cell.alignment, cell.border = UNWRAPPED, Border()
    if widths:
        cell.alignment = WRAPPED
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        need = text_height(text, sum(widths), float(cell.font.sz or BASE_SIZE))
        ws.row_dimensions[row].height = min(max(DEFAULT_HEIGHT, need), MAX_ROW_HEIGHT)


def list_sheet(wb, ws: Worksheet, title: str, titles: list[str], widths: Sequence[float],
               body: Sequence[Sequence[Any]], *, wrap: Sequence[int] = (),
               numbers: Sequence[int] = ()) -> int:
    """A titled, printable list: the header on row 3, one row per entry (columns ``wrap``
    wrapped and the row made tall enough, ``numbers`` right-aligned).  Returns the first row
    of the body."""
    _add_styles(wb)
    _line(ws, 1, title, "title")
    head = 3
    _header(ws, head, titles, widths)
    for i, values in enumerate(body, head + 1):
        _put_row(ws, i, values, widths, wrap, numbers)
    if body:
        ws.auto_filter.ref = f"A{head}:{get_column_letter(len(titles))}{head + len(body)}"
    return head + 1


def _put_row(ws: Worksheet, row: int, values: Sequence[Any], widths: Sequence[float],
             wrap: Sequence[int], numbers: Sequence[int]) -> None:
    need = DEFAULT_HEIGHT
    for col, value in enumerate(values):
        cell = ws.cell(row, col + 1)
        cell.style = NUMBER_STYLE if col in numbers else WRAP_STYLE if col in wrap else BODY_STYLE
        put_value(cell, value)
        if col in wrap and value:
            # the shared estimate: a list's row must hold its text as printed (a message's last
            # line 「请改正后重新报送。」 fell below a tighter estimate)
            need = max(need, text_height(str(value), widths[col], BASE_SIZE))
    ws.row_dimensions[row].height = min(need, MAX_ROW_HEIGHT)


def _figure(value: Any) -> Any:
    return "" if value is None else format_number(value) if isinstance(value, float) else value


def _summary_sheet(ws: Worksheet, rows: Sequence[UnitRow], format_id: str, year: int | None,
                   include_invalid: bool, checked: Findings, unit: str, year_from: str) -> None:
    fmt = get_format(format_id)
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUS_FILLS}
    keys = [say(code) for code, _ in MERGE_FIGURES]
    titles = [say(c) for c, *_ in COLUMNS] + keys
    widths = [w for _, w, *_ in COLUMNS] + [KEY_WIDTH] * len(keys)
    _line(ws, 1, say("merge.summary.title", year=year, format=fmt.title), "title")
    _line(ws, 2, say("merge.summary.line", merged=counts[MERGED] + counts[MERGED_INVALID],
                     invalid=counts[INVALID], rejected=counts[REJECTED], missing=counts[UNSENT],
                     superseded=counts[SUPERSEDED],
                     included=say("merge.summary.included") if include_invalid else "",
                     check=say("merge.summary.check", errors=checked.errors,
                               warnings=checked.warnings)), widths=widths)
    source = say(f"merge.year_from.{year_from}") if year_from else ""
    who = say("merge.summary.unit", unit=unit) if unit else say("merge.summary.no_unit")
    _line(ws, 3, f"{source}{who}", widths=widths)

    wrap = [i for i, (_, _, wraps, _) in enumerate(COLUMNS) if wraps]
    numbers = [i for i, (*_, number) in enumerate(COLUMNS) if number] + \
        list(range(len(COLUMNS), len(COLUMNS) + len(keys)))
    fills = {status: PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)
             for status, rgb in STATUS_FILLS.items()}
    head = 5
    _header(ws, head, titles, widths)
    for i, r in enumerate(rows, 1):
        # the reason names the first error; here there is room for FINDINGS_SHOWN
        reason = r.reason.removesuffix(brief(r, 1)) + brief(r, FINDINGS_SHOWN)
        values = [i, r.unit, r.parent, say(f"merge.status.{r.status}"), reason,
                  r.errors if r.file else "", r.warnings if r.file else "",
                  r.contact, r.phone, r.shown,
                  *[_figure(v) for v in (r.key or (None,) * len(MERGE_FIGURES))]]
        _put_row(ws, head + i, values, widths, wrap, numbers)
        ws.cell(head + i, STATUS_COLUMN + 1).fill = fills[r.status]
    last = head + len(rows)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(titles))}{last}"
    _line(ws, last + 2, say("merge.summary.files"), widths=widths)
    ws.print_area = f"A1:{get_column_letter(len(titles))}{last + 2}"


def _rollup_sheet(ws: Worksheet, entries: list[dict[str, Any]]) -> None:
    """Per parent: units expected, merged, clean, with errors, returned, missing, and the
    merged key figures; the total, then apart from it the units not on the list."""
    keys = [say(code) for code, _ in MERGE_FIGURES]
    titles = [say("merge.rollup.parent"), *(say(f"merge.rollup.{k}") for k in
              ("expected", "merged", "clean", "invalid", "rejected", "missing")), *keys]
    widths = [24] + [8] * 6 + [10] * len(keys)
    body: list[list[Any]] = []
    ordered = [e for e in entries if not e.get("unlisted")]
    unlisted = [e for e in entries if e.get("unlisted")]
    for e in ordered + unlisted:
        if e.get("unlisted"):
            body.append([""] * len(titles))  # apart from the total: not among those asked
            name = say("merge.rollup.unlisted")
        else:
            name = say("merge.rollup.total") if e["total"] else e["parent"] or say("merge.rollup.direct")
        body.append([name, "" if e.get("unlisted") else e["expected"], e["merged"], e["clean"],
                     e["invalid"], e["rejected"], e["missing"],
                     *[_figure(v) for v in e["key_figures"].values()]])
    first = list_sheet(ws.parent, ws, say("merge.rollup.title"), titles, widths, body, wrap=(0,),
                       numbers=tuple(range(1, len(titles))))
    total = first + len(ordered) - 1
    if unlisted:
        for col in range(1, len(titles) + 1):
            ws.cell(total + 1, col).border = Border()  # the gap that sets them apart
    for col in range(1, len(titles) + 1):
        style_cell(ws.cell(total, col), LABEL_LOOKS["header"])
        ws.cell(total, col).alignment = Alignment(horizontal="left" if col == 1 else "right")
    ws.auto_filter.ref = None


def _feedback_sheet(ws: Worksheet, notes) -> None:
    """One row per unit to write to: whom, and the message to send."""
    titles = [say(k) for k in ("merge.col.no", "merge.col.unit", "merge.col.contact",
                               "merge.col.phone", "merge.col.status", "merge.col.message")]
    widths = [4, 16, 8, 12, 10, 80]  # 130 units: 11 pt printed at 9.5 pt
    body = [[i, rs[0].unit, rs[0].contact, rs[0].phone,
             "、".join(dict.fromkeys(say(f"merge.status.{r.status}") for r in rs)), unit_text(rs)]
            for i, rs in enumerate(notes.values(), 1)]
    list_sheet(ws.parent, ws, say("merge.feedback.title", n=len(body)), titles, widths, body,
               wrap=(1, 2, 3, 4, 5), numbers=(0,))


def _drafts_sheet(ws: Worksheet, parts: list[tuple[str, list[tuple[str, str]]]]) -> None:
    """Per text part, every merged unit's text under its name: the material for the
    coordinator's own text of that part (copied, rewritten, into the part's sheet)."""
    titles = [say("merge.col.part"), say("merge.col.draft"), say("merge.col.units")]
    widths = [PART_WIDTH, DRAFT_WIDTH, 8]
    body = []
    for part, texts in parts:
        draft, used = "", 0
        for unit, text in texts:
            piece = say("merge.draft.piece", unit=unit, text=text)
            if len(draft) + len(piece) + 2 > CELL_LIMIT:
                break
            draft = f"{draft}\n\n{piece}" if draft else piece
            used += 1
        if used < len(texts):
            draft += "\n\n" + say("merge.draft.more", n=len(texts) - used)
        body.append([part, draft, len(texts)])
    list_sheet(ws.parent, ws, say("merge.drafts.title"), titles, widths, body, wrap=(0, 1),
               numbers=(2,))
    _line(ws, 2, say("merge.drafts.note"), widths=widths)


def _files_sheet(ws: Worksheet, rows: Sequence[UnitRow]) -> None:
    """The technical record of every file: for tracing, not for printing."""
    titles = [say(k) for k in ("merge.col.no", "merge.col.unit", "merge.col.code",
                               "merge.col.status", "merge.col.path", "merge.col.sha256",
                               "merge.col.size", "merge.col.file_time", "merge.col.first_seen",
                               "merge.col.saved", "merge.col.archive", "merge.col.attributed")]
    widths = [5, 20, 12, 12, 50, 68, 10, 19, 19, 19, 40, 16]
    body = []
    files = [r for r in rows if r.file]
    for i, r in enumerate(files, 1):
        body.append([i, r.unit, r.code, say(f"merge.status.{r.status}"), shown(r.file),
                     r.sha256, r.size or "", r.received, r.first_seen, r.saved, r.archive,
                     say(f"merge.attributed_by.{r.attributed}") if r.attributed else ""])
    list_sheet(ws.parent, ws, say("merge.files.title"), titles, widths, body, wrap=(1, 4),
               numbers=(0, 6))
    _line(ws, 2, say("merge.summary.times"))
    # a record to trace files by, too wide for a page: _print_setup prints it at a readable
    # scale over several pages, 序号 and the unit repeated on each


# ---- the call list ---------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet program will not take for a formula (「=1+1局」, 「+86…」)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_calls(path: Path, rows: Sequence[UnitRow]) -> None:
    """The call list as .csv (UTF-8 with BOM, so Excel on a Chinese Windows opens it) or .xlsx."""
    titles = [say(c) for c in CALL_COLUMNS]
    body = call_rows(rows)
    if path.suffix.lower() == ".csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(titles)
        writer.writerows([[_csv_cell(v) for v in row] for row in body])
        with atomic_path(path) as tmp:
            tmp.write_bytes(buf.getvalue().encode("utf-8-sig"))
        return
    wb = Workbook()
    ws = wb.active
    ws.title = say("calls.sheet")
    list_sheet(wb, ws, say("calls.title", n=len(body)), titles, list(CALL_WIDTHS), body,
               wrap=(1, 6), numbers=(0,))
    save_workbook(wb, path)


__all__ = ["write_consolidated", "list_sheet", "write_calls"]
