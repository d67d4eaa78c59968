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

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..addin_marks import blocks as _blocks
from ..addin_marks import counts_text, new_fills, record_rows, restored_fills
from ..addin_marks import recorded_cells as _recorded
from ..addin_marks import refusal_text, result_summary, run_status, summary_text
from ..checks import check
from ..errors import NianbaoError
from ..findings import Findings
from ..layout import INFO_SHEET, MARK_RECORD_COL, META_SHEET, cell_address, layout_of
from ..marks import FILLS, RESULT_FIRST_ROW, MarkPlan, plan_marks
from ..messages import say
from ..reader import KNOWN_SHEETS, report_from_grids
from ..report import Report

NO_FILL_REMOTE = "#FFFFFF"  # xlwings' VBA client cannot clear a fill; white is the nearest


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
    _alert(book, summary_text(done.plan), "addin.validate_title", critical=bool(done.plan.errors))
    return done.findings


def generate_report(book=None, output: str | Path | None = None) -> Path | None:
    """生成报告: check first; with errors, mark them as 校验 does and refuse, listing them;
    otherwise write the Word report (and its PDF where LibreOffice is installed) beside the
    workbook or at ``output``.  Returns the .docx path, or None when nothing was written."""
    from ..document import pdf_font_warning, render_report, to_pdf

    book = _caller(book)
    done = _check_book(book)
    if done is None:
        return None
    if done.plan.errors:
        _paint(book, done)
        _alert(book, refusal_text(done.plan), "addin.report_title", critical=True)
        return None
    try:
        target = _report_path(book, output)
        render_report(done.report, target)
        files = [str(target)]
        try:
            pdf_path = to_pdf(target)
            files.append(str(pdf_path))
            warning = pdf_font_warning(target, pdf_path)  # substitute fonts: not for publication
            if warning:
                files.append(warning)
        except NianbaoError as e:  # no LibreOffice, or it failed: the .docx still stands
            files.append(say("addin.no_pdf", reason=str(e)))
    except NianbaoError as e:
        _alert(book, str(e), "addin.report_title", critical=True)
        return None
    _alert(book, say("addin.written", files="\n".join(files)), "addin.report_title")
    return target


def consolidate_folder(book=None, folder: str | Path | None = None,
                       output: str | Path | None = None) -> Path | None:
    """汇总: consolidate every unit workbook in a folder (the coordinator picks it; the same call
    as ``nianbao merge FOLDER -o 汇总.xlsx``), write the consolidated workbook into that folder
    under a name not yet taken, open it on its 汇总情况 sheet and say what was merged.

    ``folder``/``output`` default to a folder picked in desktop Excel and 「汇总.xlsx」 in it."""
    from ..consolidate import consolidate

    book = _caller(book)
    if folder is None:
        folder = _pick(book, folder=True)
        if folder is None:
            return None  # the coordinator cancelled
    target = Path(output) if output is not None else _free_name(Path(folder), say("addin.consolidated_name"))
    try:
        done = consolidate([folder], target)
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
    from ..yearly import start_from_last_year

    book = _caller(book)
    if last is None:
        last = _pick(book, folder=False)
        if last is None:
            return None
    last = Path(last)
    try:
        from ..checks.run import load

        previous = load(last)  # read once: its year names the new file
        if output is None:
            year = previous.meta.year
            if not isinstance(year, int):
                raise NianbaoError("yearly.no_year", file=str(last))
            output = _free_name(last.parent, say("addin.next_year_name", year=year + 1))
        else:
            from ..fileio import refuse_overwrite

            refuse_overwrite(output, [last])
        made = start_from_last_year(previous, output)
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


def _free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name-2`` … when taken: a button never writes over a file."""
    target = folder / name
    n = 2
    while target.exists():
        target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
        n += 1
    return target


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
        if sheet.name not in KNOWN_SHEETS:
            continue
        last = sheet.used_range.last_cell
        grids[sheet.name] = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return grids


def _check_book(book) -> BookCheck | None:
    grids = read_grids(book)
    try:
        report = report_from_grids(grids, source=book.name)
    except NianbaoError as e:  # not a nianbao workbook at all
        _alert(book, say("addin.unreadable", message=str(e)), "addin.validate_title", critical=True)
        return None
    findings = check(report)
    names = [s.name for s in book.sheets]
    plan = plan_marks(findings, names, book.name)
    meta = grids.get(META_SHEET)
    return BookCheck(report, findings, plan, names, _recorded(meta), len(meta or []))


# -- painting ---------------------------------------------------------------------------------------
def _paint(book, done: BookCheck) -> None:
    plan, fmt = done.plan, done.report.format
    names = set(done.sheet_names)
    no_fill = NO_FILL_REMOTE if book.app.engine.name == "remote" else None
    now = new_fills(plan)
    # the template's own fill back where the previous run marked and this one does not
    restore = {key: fill or no_fill
               for key, fill in restored_fills(fmt, done.previous_marks, now, names).items()}
    touched = {s for s, _ in {**restore, **now}} | {INFO_SHEET, META_SHEET}
    with _unprotected(book, sorted(touched & names)):
        for (sheet, r1, c1, r2, c2), colour in _blocks({**restore, **now}).items():
            book.sheets[sheet].range((r1, c1), (r2, c2)).color = colour
        _write_results(book, plan, names)
        if INFO_SHEET in names:
            book.sheets[INFO_SHEET].range(layout_of(fmt).status.run_cell).value = \
                _literal(run_status(plan))
        if META_SHEET in names:
            _write_record(book, list(_blocks(now)), done.record_rows)


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
    block[1][0] = result_summary(plan)
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
        if row.sheet:
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
    rows = [[_literal(v)] for v in record_rows(blocks, previous)]
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
        raise NianbaoError("addin.same_file", file=str(target))
    return target


__all__ = ["validate", "generate_report", "consolidate_folder", "import_last_year", "read_grids",
           "counts_text"]
