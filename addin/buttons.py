"""The add-in's buttons: 校验 (:func:`validate`), 生成报告 (:func:`generate_report`), 汇总
(:func:`consolidate_folder`) and 导入上年 (:func:`import_last_year`).

Each button is one function taking an xlwings ``Book`` — a desktop Excel book when a ribbon
button runs it through ``RunPython``, or a book rebuilt from the JSON an xlwings remote client
sends — and it only calls the core: every sheet is read with one ``.value``, the Report is built
by :func:`nianbao.reader.report_from_grids`, checked by :func:`nianbao.checks.check`, and
painted from :func:`nianbao.marks.plan_marks` (the same plan ``nianbao check --mark`` paints with
openpyxl).  A new button is one more function here and one line in the ribbon declaration.

What the remote engine cannot do shapes the painting: it reads neither formats nor comments, so
the cells a run marked are recorded in a column of the hidden sheet
(:data:`nianbao.layout.MARK_RECORD_COL`) and the next run puts back the template's own fill there
(:func:`nianbao.xlsx_writer.template_fill`); and xlwings' VBA client has no font, comment or
width actions, so the marks are fills and the messages live in the 校验结果 sheet.

No input cell is ever written: only fills, the 校验结果 sheet, the result cell on 基本信息
(:attr:`nianbao.layout.StatusArea.run_cell`) and the record in the hidden sheet.  Every string
goes in as a literal (a leading apostrophe), so a message quoting a clerk's 「=…」 never becomes
a formula.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from .. import actions
from ..errors import NianbaoError
from ..findings import Findings
from ..layout import (INFO_SHEET, MARK_RECORD_COL, META_SHEET, cell_address, known_sheets, layout_of,
                      parse_cell)
from ..marks import FILLS, RESULT_FIRST_ROW, MarkPlan, plan_marks
from ..palette import template_fill
from ..messages import say
from ..report import Report

MARK_RECORD_HEADER = "marked_by_addin"
NO_FILL_REMOTE = "#FFFFFF"  # xlwings' VBA client cannot clear a fill; white is the nearest
# errors listed in the 生成报告 refusal (a VBA MsgBox shows about 1,024 characters); the rest
# are on 校验结果
REFUSED_LINES = 5
RECORD_AREA_LIMIT = 10_000  # cells in one recorded block: a template sheet has a few hundred


@dataclass
class BookCheck:
    """One read and check of an open workbook."""

    report: Report
    findings: Findings
    plan: MarkPlan
    sheet_names: list[str]
    previous_marks: list[tuple[str, str]]
    record_rows: int  # rows of the hidden sheet the previous record may occupy


# -- the buttons ------------------------------------------------------------------------------------
def validate(book=None) -> Findings | None:
    """校验: mark the faulty cells, write 校验结果, show the result on 基本信息, and say how many
    problems were found.  Returns the findings (None when the workbook could not be read).

    ``book`` defaults to the workbook whose button called (``xw.Book.caller()`` under
    ``RunPython``)."""
    book = _caller(book)
    done = _check_book(book)
    if done is None:
        return None
    _paint(book, done)
    _alert(book, _summary(done.plan), "addin.validate_title", critical=bool(done.plan.errors))
    return done.findings


def generate_report(book=None, output: str | Path | None = None) -> Path | None:
    """生成报告: check first; with errors, mark them as 校验 does and refuse, listing them;
    otherwise write the Word report (and its PDF where LibreOffice is installed) beside the
    workbook or at ``output``.  Returns the .docx path, or None when nothing was written."""
    book = _caller(book)
    read = _read_book(book)
    if read is None:
        return None
    try:
        # the one publish every door calls; a button cannot ask before replacing a file, so
        # an existing report (a clerk's edited .docx) stays and the new one gets a free name
        done = actions.publish(read.report, _report_path(book, output), free=True, pdf=None)
    except NianbaoError as e:
        _alert(book, str(e), "addin.report_title", critical=True)
        return None
    if done.refused:
        checked = _book_check(book, read, done.findings)
        _paint(book, checked)
        _alert(book, _refusal(checked), "addin.report_title", critical=True)
        return None
    files = [str(p) for p in done.written]
    if done.no_pdf:  # no LibreOffice, or it failed: the .docx still stands
        files.append(say("addin.no_pdf", reason=done.no_pdf))
    if done.font_warning:  # substitute fonts: not for publication
        files.append(done.font_warning)
    _alert(book, say("addin.written", files="\n".join(files)), "addin.report_title")
    return done.docx


def consolidate_folder(book=None, folder: str | Path | None = None,
                       output: str | Path | None = None) -> Path | None:
    """汇总: consolidate every unit workbook in a folder (the coordinator picks it; the same call
    as ``nianbao merge FOLDER -o 汇总.xlsx``), write the consolidated workbook into that folder
    under a name not yet taken, open it on its 汇总情况 sheet and say what was merged.

    ``folder``/``output`` default to a folder picked in desktop Excel and 「汇总.xlsx」 in it."""
    book = _caller(book)
    if folder is None:
        folder = _pick(book, folder=True)
        if folder is None:
            return None  # the coordinator cancelled
    target = Path(output) if output is not None else Path(folder) / say("addin.consolidated_name")
    try:
        done = actions.consolidate([folder], target, free=True)
        target = done.output or target
    except NianbaoError as e:
        _alert(book, str(e), "addin.consolidate_title", critical=True)
        return None
    _open(book, target, say("merge.sheet.summary"))
    _alert(book, say("addin.consolidated", file=str(target), merged=done.accepted,
                     rejected=done.rejected, invalid=done.count("invalid")),
           "addin.consolidate_title", critical=done.exit_code == 2)
    return target


def import_last_year(book=None, last: str | Path | None = None,
                     output: str | Path | None = None) -> Path | None:
    """导入上年: pick last year's workbook or published report, write this year's workbook
    started from it beside it (the same call as ``nianbao new --from LAST``: 上年结转 filled,
    last year's figures recorded for the cross-year rules) and open it."""
    book = _caller(book)
    if last is None:
        last = _pick(book, folder=False)
        if last is None:
            return None
    last = Path(last)
    try:
        previous = actions.load(last)  # read once: its year names the new file
        if output is None:
            year = previous.meta.year
            if not isinstance(year, int):
                raise NianbaoError("yearly.no_year", file=str(last))
            output = last.parent / say("addin.next_year_name", year=year + 1)
        made = actions.start_from_last_year(previous, output, free=True)
        output = made.path
    except NianbaoError as e:
        _alert(book, str(e), "addin.next_year_title", critical=True)
        return None
    _open(book, Path(output), INFO_SHEET)
    _alert(book, say("addin.next_year_done", file=str(output), n=len(made.filled)),
           "addin.next_year_title")
    return Path(output)


# -- reading ----------------------------------------------------------------------------------------
def _remote(book) -> bool:
    return book.app.engine.name == "remote"


def _pick(book, folder: bool) -> str | None:
    """A folder or a file the clerk picks in desktop Excel's own dialog; None when cancelled or
    when there is no desktop Excel (the remote clients pass paths instead)."""
    if _remote(book):
        _alert(book, say("addin.pick_unavailable"), "addin.title", critical=True)
        return None
    app = book.app.api
    if folder:
        dialog = app.FileDialog(4)  # msoFileDialogFolderPicker
        return str(dialog.SelectedItems(1)) if dialog.Show() == -1 else None
    picked = app.GetOpenFilename(say("addin.pick_filter"))
    return picked if isinstance(picked, str) and picked else None


def _open(book, path: Path, sheet: str) -> None:
    """Open a workbook the button wrote, on ``sheet`` (desktop Excel; the remote clients cannot
    open files — the alert gives the path)."""
    if _remote(book):
        return
    opened = book.app.books.open(str(path))
    if sheet in [s.name for s in opened.sheets]:
        opened.sheets[sheet].activate()


def _caller(book):
    if book is not None:
        return book
    import xlwings as xw  # only here: the core and these buttons otherwise never import it

    return xw.Book.caller()


def read_grids(book) -> dict[str, list[list[Any]]]:
    """{sheet name: rows of values from A1} for every sheet a format declares, one read a sheet."""
    grids = {}
    for sheet in book.sheets:
        if sheet.name not in known_sheets():
            continue
        last = sheet.used_range.last_cell
        grids[sheet.name] = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return grids


@dataclass
class OpenBook:
    """An open workbook as read: its Report, and its hidden sheet's rows (which cells the
    previous run marked)."""

    report: Report
    meta: list[list[Any]] | None


def _read_book(book) -> OpenBook | None:
    """The open workbook read (one read a sheet); None, after saying why, when it is not a
    nianbao workbook at all."""
    grids = read_grids(book)
    try:
        report = actions.load_grids(grids, source=book.name)
    except NianbaoError as e:
        _alert(book, say("addin.unreadable", message=str(e)), "addin.validate_title", critical=True)
        return None
    return OpenBook(report, grids.get(META_SHEET))


def _book_check(book, read: OpenBook, findings: Findings) -> BookCheck:
    """What painting needs: the plan of ``findings`` and what the previous run marked."""
    names = [s.name for s in book.sheets]
    plan = plan_marks(findings, names, book.name)
    return BookCheck(read.report, findings, plan, names, _recorded(read.meta),
                     len(read.meta or []))


def _check_book(book) -> BookCheck | None:
    read = _read_book(book)
    if read is None:
        return None
    return _book_check(book, read, actions.check(read.report))


def _recorded(meta: list[list[Any]] | None) -> list[tuple[str, str]]:
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


# -- painting ---------------------------------------------------------------------------------------
def _paint(book, done: BookCheck) -> None:
    plan, fmt = done.plan, done.report.format
    names = set(done.sheet_names)
    declared = {s.name for s in layout_of(fmt).sheets}
    no_fill = NO_FILL_REMOTE if book.app.engine.name == "remote" else None
    now = {(m.sheet, m.cell): "#" + m.fill[-6:] for m in plan.marks}
    # the template's own fill back where the previous run marked and this one does not
    restore = {}
    for sheet, cell in done.previous_marks:
        if sheet in declared and sheet in names and (sheet, cell) not in now:
            fill = template_fill(fmt, sheet, *parse_cell(cell))
            restore[(sheet, cell)] = "#" + fill if fill else no_fill
    touched = {s for s, _ in {**restore, **now}} | {INFO_SHEET, META_SHEET}
    with _unprotected(book, sorted(touched & names)):
        for (sheet, r1, c1, r2, c2), colour in _blocks({**restore, **now}).items():
            book.sheets[sheet].range((r1, c1), (r2, c2)).color = colour
        _write_results(book, plan, names)
        if INFO_SHEET in names:
            book.sheets[INFO_SHEET].range(layout_of(fmt).status.run_cell).value = \
                _literal(_run_status(plan))
        if META_SHEET in names:
            _write_record(book, list(_blocks(now)), done.record_rows)


def _blocks(colours: Mapping[tuple[str, str], str | None]) -> dict[tuple, str | None]:
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
    blocks: dict[tuple, str | None] = {}
    open_: dict[tuple, tuple] = {}  # (sheet, c1, c2, colour) -> key of the block growing down
    for sheet, r, c1, c2, colour in runs:
        key = (sheet, c1, c2, colour)
        grow = open_.get(key)
        if grow is not None and grow[3] == r - 1:
            del blocks[grow]
            grow = (sheet, grow[1], c1, r, c2)
        else:
            grow = (sheet, r, c1, r, c2)
        blocks[grow] = colour
        open_[key] = grow
    return blocks


def _write_results(book, plan: MarkPlan, names: set[str]) -> None:
    """The 校验结果 sheet: cleared when it exists, else added at the end; written in one block."""
    if plan.sheet_name in names:
        ws = book.sheets[plan.sheet_name]
        ws.clear()
    else:
        ws = book.sheets.add(plan.sheet_name, after=book.sheets[len(book.sheets) - 1])
    width = len(plan.headers)
    block: list[list[Any]] = [[None] * width for _ in range(RESULT_FIRST_ROW - 1 + len(plan.rows))]
    block[0][0] = plan.title
    block[1][0] = (say("addin.result_summary", errors=plan.errors, warnings=plan.warnings,
                       notices=plan.notices) if plan.rows else plan.summary)
    block[RESULT_FIRST_ROW - 2] = list(plan.headers)
    for i, row in enumerate(plan.rows):
        block[RESULT_FIRST_ROW - 1 + i] = list(row.values())
    ws.range("A1").value = [[_literal(v) for v in line] for line in block]
    first = RESULT_FIRST_ROW
    level = {(plan.sheet_name, cell_address(first + i, 2)): "#" + FILLS[row.severity][-6:]
             for i, row in enumerate(plan.rows)}
    for (_, r1, c1, r2, c2), colour in _blocks(level).items():
        ws.range((r1, c1), (r2, c2)).color = colour
    for i, row in enumerate(plan.rows):
        if row.sheet and row.cell:  # a linked row has both (marks.plan_marks)
            _link(ws.range((first + i, 3)), row.sheet, row.cell, row.position)
    ws.range((RESULT_FIRST_ROW - 1, 1), (RESULT_FIRST_ROW - 1 + len(plan.rows), width)) \
        .columns.autofit()
    ws.activate()


def _link(rng, sheet: str, cell: str, text: str) -> None:
    """A hyperlink to a cell of this workbook.  Desktop Excel's object model takes the place as
    a SubAddress; the remote clients take an address, where a leading 「#」 means "in this
    workbook" (as in a HYPERLINK formula)."""
    place = "'" + sheet.replace("'", "''") + "'!" + cell
    links = getattr(rng.api, "Hyperlinks", None)  # COM only: the remote engine's api is data
    if links is not None:
        links.Add(Anchor=rng.api, Address="", SubAddress=place, TextToDisplay=text)
    else:
        rng.add_hyperlink("#" + place, text, text)


def _write_record(book, blocks: list[tuple], previous: int) -> None:
    """List the blocks this run marked in the hidden sheet, blanking the rest of the previous
    list."""
    rows = [[MARK_RECORD_HEADER]] + [
        [_literal(f"{sheet}!{cell_address(r1, c1)}"
                  + ("" if (r1, c1) == (r2, c2) else f":{cell_address(r2, c2)}"))]
        for sheet, r1, c1, r2, c2 in blocks]
    rows += [[None]] * max(0, previous - len(rows))
    book.sheets[META_SHEET].range((1, MARK_RECORD_COL)).value = rows


@contextmanager
def _unprotected(book, sheet_names: list[str]) -> Iterator[None]:
    """Lift the template's password-less sheet protection while painting, then put it back with
    the same permissions.  Only desktop Excel's COM object model has it: behind xlwings' remote
    engine a sheet's ``api`` is plain data and there is nothing to lift."""
    lifted = []
    for name in sheet_names:
        api = book.sheets[name].api
        if getattr(api, "Unprotect", None) is None or not api.ProtectContents:
            continue
        p = api.Protection
        allowed = {key: getattr(p, key) for key in _PROTECTION_PERMISSIONS}
        allowed.update(DrawingObjects=api.ProtectDrawingObjects, Scenarios=api.ProtectScenarios)
        api.Unprotect()
        lifted.append((api, allowed))
    try:
        yield
    finally:
        for api, allowed in lifted:
            api.Protect(Contents=True, **allowed)


# Excel's Protection object properties, restored as Protect()'s keyword arguments of the same name
_PROTECTION_PERMISSIONS = (
    "AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
    "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
    "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting", "AllowFiltering",
    "AllowUsingPivotTables",
)


# -- words ------------------------------------------------------------------------------------------
def _literal(value: Any) -> Any:
    """Text is written as text: a leading apostrophe stops Excel from reading 「=…」 as a formula
    or 「2025-01-01」 and 「12」 as a date or a number (Excel does not show the apostrophe)."""
    return "'" + value if isinstance(value, str) and value else value


def counts_text(errors: int, warnings: int, notices: int) -> str:
    """「2 处错误、1 处警告」: the counts that are not zero."""
    parts = [say(f"addin.count.{kind}", n=n) for kind, n in
             (("error", errors), ("warning", warnings), ("notice", notices)) if n]
    return say("addin.count.join").join(parts)


def _summary(plan: MarkPlan) -> str:
    if not plan.rows:
        return say("addin.clean")
    return (say("addin.found", counts=counts_text(plan.errors, plan.warnings, plan.notices))
            + "\n" + say("addin.see_sheet", sheet=plan.sheet_name))


def _run_status(plan: MarkPlan) -> str:
    time = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    counts = counts_text(plan.errors, plan.warnings, 0)
    key = "addin.run.failed" if plan.errors else "addin.run.warned" if counts else "addin.run.ok"
    return say(key, counts=counts, time=time)


def _refusal(done: BookCheck) -> str:
    errors = [r for r in done.plan.rows if r.severity == "error"]
    lines = [say("document.error_line", where=_where(r), message=r.message)
             for r in errors[:REFUSED_LINES]]
    if len(errors) > REFUSED_LINES:
        lines.append(say("addin.refused_more", count=len(errors) - REFUSED_LINES,
                         sheet=done.plan.sheet_name))
    return say("addin.refused", count=len(errors), lines="\n".join(lines))


def _where(row) -> str:
    if row.sheet and row.cell:
        return say("report.where", sheet=row.sheet, cell=row.cell)
    return say("report.where_sheet", sheet=row.sheet) if row.sheet else ""


def _alert(book, text: str, title: str, critical: bool = False) -> None:
    book.app.alert(text, title=say(title), buttons="ok", mode="critical" if critical else "info")


def _report_path(book, output: str | Path | None) -> Path:
    workbook = Path(book.fullname)
    if output is not None:
        target = Path(output)
    elif workbook.is_absolute():
        target = workbook.with_suffix(".docx")
    else:  # a book never saved, or one the remote engine knows only by name
        raise NianbaoError("addin.no_folder", file=book.name)
    if workbook.is_absolute() and target.resolve() == workbook.resolve():
        raise NianbaoError("file.output_is_input", file=str(target))
    return target


__all__ = ["validate", "generate_report", "consolidate_folder", "import_last_year", "read_grids",
           "counts_text"]
