"""The add-in's buttons: 校验 (:func:`validate`), 生成报告 (:func:`generate_report`), 复核
(:func:`review_selected`), 汇总 (:func:`consolidate_folder`) and 导入上年
(:func:`import_last_year`).

Each button is one function taking an xlwings ``Book`` — a desktop Excel book when a ribbon
button runs it through ``RunPython``, or a book rebuilt from the JSON an xlwings remote client
sends — and it only calls actions: every sheet is read with one ``.value`` and handed to
:func:`nianbao.actions.load_grids`, checked by :func:`nianbao.check` (or published by
:func:`nianbao.publish`), and painted by carrying out :func:`nianbao.painting.painting` — the steps
every painter of an open workbook takes (the WPS add-in too), from the same plan ``nianbao check
--mark`` paints with openpyxl.  A new button is one more function here and one line in the ribbon
declaration.

What the remote engine cannot do shapes the painting (decided in the core): it reads neither
formats nor comments, so the cells a run marked are recorded in a column of the hidden sheet
(:data:`nianbao.layout.MARK_RECORD_COL`) and the next run puts back the template's own fill there
(:func:`nianbao.palette.template_fill`); and xlwings' VBA client has no font, comment or width
actions, so the marks are fills and the messages live in the 校验结果 sheet.

No input cell is ever written: only fills, the 校验结果 sheet, the result cell on 基本信息
(:attr:`nianbao.layout.StatusArea.run_cell`) and the record in the hidden sheet.  Every string
goes in as a literal (a leading apostrophe), so a message quoting a clerk's 「=…」 never becomes
a formula.
"""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .. import actions
from ..errors import NianbaoError
from ..findings import Findings
from ..layout import INFO_SHEET, known_sheets, parse_cell
from ..marks import RESULT_FIRST_ROW, MarkPlan, selected_ids
from ..painting import Painting, counts_text, refusal_text
from ..messages import say
from ..report import Report

NO_FILL_REMOTE = "#FFFFFF"  # xlwings' VBA client cannot clear a fill; white is the nearest


@dataclass
class BookCheck:
    """One read and check of an open workbook, and how to paint it."""

    report: Report
    findings: Findings
    plan: MarkPlan
    painting: Painting
    sheet_names: list[str]


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
    _alert(book, done.painting.message, "addin.validate_title", critical=done.painting.critical)
    return done.findings


def generate_report(book=None, output: str | Path | None = None) -> Path | None:
    """生成报告: check first; with errors, mark them as 校验 does and refuse, listing them;
    otherwise write the Word report (and its PDF where LibreOffice is installed) beside the
    workbook or at ``output``.  Returns the .docx path, or None when nothing was written."""
    book = _caller(book)
    report = _read_book(book)
    if report is None:
        return None
    try:
        # the one publish every door calls; a button cannot ask before replacing a file, so
        # an existing report (a clerk's edited .docx) stays and the new one gets a free name
        done = actions.publish(report, _report_path(book, output), free=True, pdf=None)
    except NianbaoError as e:
        _alert(book, str(e), "addin.report_title", critical=True)
        return None
    if done.refused:
        checked = _book_check(book, report, done.findings)
        _paint(book, checked)
        _alert(book, refusal_text(checked.plan), "addin.report_title", critical=True)
        return None
    files = [str(p) for p in done.written]
    if done.no_pdf:  # no LibreOffice, or it failed: the .docx still stands
        files.append(say("addin.no_pdf", reason=done.no_pdf))
    if done.font_warning:  # substitute fonts: not for publication
        files.append(done.font_warning)
    _alert(book, say("addin.written", files="\n".join(files)), "addin.report_title")
    return done.docx


def review_selected(book=None, reason: str | None = None,
                    output: str | Path | None = None) -> Path | None:
    """复核: the warnings and notices whose rows the clerk selected on 校验结果 (any cell of the
    row, or its 编号), dismissed for a reason the clerk types — the same call as ``nianbao
    dismiss FILE 编号… --reason … -o OUT`` — in a copy written beside the workbook under a free
    name (「年报-已复核.xlsx」; the workbook itself is not changed).  Desktop Excel asks for the
    reason, copies the workbook as it is open (unsaved changes included), then opens the copy and
    checks it again, so 校验结果 no longer lists what was dismissed.  The remote clients pass
    ``reason`` (they cannot ask) and dismiss in the saved file.  Returns the copy's path, or None
    when nothing was written."""
    book = _caller(book)
    title = "addin.review_title"
    results = say("mark.sheet")
    try:
        sheet, address = _selection(book)
        if sheet != results:
            raise NianbaoError("addin.review.not_on_results", sheet=results)
        chosen = selected_ids(_results_grid(book, results), address)
        if not chosen.ids:
            raise NianbaoError("addin.review.none_selected", sheet=results)
        if reason is None:
            reason = _ask_reason(book, len(chosen.ids))
        if reason is None or not reason.strip():
            raise NianbaoError("addin.review.needs_desktop" if reason is None and _remote(book)
                               else "addin.review.no_reason")
        workbook = Path(book.fullname)
        if output is None and not workbook.is_absolute():
            raise NianbaoError("addin.no_folder", file=book.name)
        target = Path(output) if output is not None else \
            workbook.with_name(say("addin.review_name", stem=workbook.stem))
        with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
            done = actions.dismiss(_as_open(book, Path(tmp)), chosen.ids, reason, target,
                                   free=True)
    except NianbaoError as e:
        _alert(book, str(e), title, critical=True)
        return None
    said = " ".join(reason.split())
    opened = _open(book, done.output, results)
    text = say("addin.review.done_opened" if opened is not None else "addin.review.done",
               n=len(done), reason=said, file=str(done.output))
    if chosen.errors:
        text += "\n" + say("addin.review.skipped_errors", n=chosen.errors)
    if opened is not None:  # check the copy: 校验结果 lists what is still open
        again = _check_book(opened)
        if again is not None:
            _paint(opened, again)
            text += "\n" + again.painting.message
    _alert(book, text, title)
    return done.output


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


def _open(book, path: Path, sheet: str):
    """Open a workbook the button wrote, on ``sheet``, and return it (desktop Excel; the remote
    clients cannot open files — the alert gives the path — and get None)."""
    if _remote(book):
        return None
    opened = book.app.books.open(str(path))
    if sheet in [s.name for s in opened.sheets]:
        opened.sheets[sheet].activate()
    return opened


def _selection(book) -> tuple[str | None, str | None]:
    """The sheet the clerk's selection is on and its address (「$A$5:$C$7,$A$9」, as Excel's
    ``Selection.Address``); (None, None) when no cells are selected (a shape)."""
    if _remote(book):  # the remote client sends the active sheet's selection as it is
        return book.sheets.active.name, book.api["book"].get("selection")
    selection = book.selection  # desktop: None for a shape or a chart
    if selection is None:
        return None, None
    return selection.sheet.name, selection.address


def _results_grid(book, sheet: str) -> list[list[Any]]:
    ws = book.sheets[sheet]
    last = ws.used_range.last_cell
    return ws.range((1, 1), (last.row, last.column)).options(ndim=2).value


def _ask_reason(book, n: int) -> str | None:
    """The reason the clerk types in Excel's own input box (Application.InputBox, Type 2: text);
    None when cancelled, or behind the remote engine, which has no input box."""
    if _remote(book):
        return None
    answer = book.app.api.InputBox(Prompt=say("addin.review.prompt", n=n),
                                   Title=say("addin.review_title"), Default="", Type=2)
    return answer if isinstance(answer, str) else None  # Cancel gives False


def _as_open(book, folder: Path) -> Any:
    """The workbook as the clerk sees it: desktop Excel saves a copy of the open book (unsaved
    changes included) into ``folder`` and it is handed on as bytes under the book's own name;
    the remote clients know only the saved file."""
    workbook = Path(book.fullname)
    save_copy = None if _remote(book) else getattr(book.api, "SaveCopyAs", None)
    if save_copy is None:
        return workbook
    copy = folder / ("copy" + (workbook.suffix or ".xlsx"))
    save_copy(str(copy))
    return actions.Upload(book.name, copy.read_bytes())


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


def _read_book(book) -> Report | None:
    """The open workbook read (one read a sheet); None, after saying why, when it is not a
    nianbao workbook at all."""
    try:
        return actions.load_grids(read_grids(book), source=book.name,
                                  sheet_names=[s.name for s in book.sheets])
    except NianbaoError as e:
        _alert(book, say("addin.unreadable", message=str(e)), "addin.validate_title", critical=True)
        return None


def _book_check(book, report: Report, findings: Findings) -> BookCheck:
    """The plan of ``findings`` and the steps that paint it, undoing what the previous run
    marked (the core decides both: :func:`nianbao.actions.plan_painting`)."""
    plan, steps = actions.plan_painting(findings, book.name)
    return BookCheck(report, findings, plan, steps, list(report.sheet_names))


def _check_book(book) -> BookCheck | None:
    report = _read_book(book)
    if report is None:
        return None
    return _book_check(book, report, actions.check(report))


# -- painting ---------------------------------------------------------------------------------------
def _paint(book, done: BookCheck) -> None:
    """Carry out the painting steps the core decided (:func:`nianbao.painting.painting`)."""
    p = done.painting
    remote = _remote(book)
    with _unprotected(book, list(p.unprotect)):
        for f in p.fills:
            _range(book.sheets[f.sheet], f.range).color = _colour(f.colour, remote)
        if p.results_sheet in done.sheet_names:
            ws = book.sheets[p.results_sheet]
            ws.clear()
        else:
            ws = book.sheets.add(p.results_sheet, after=book.sheets[len(book.sheets) - 1])
        for b in p.blocks:
            book.sheets[b.sheet].range(b.cell).value = [[_literal(v) for v in row]
                                                       for row in b.values]
        for f in p.result_fills:
            _range(ws, f.range).color = _colour(f.colour, remote)
        for link in p.links:
            _link(ws.range(link.cell), link.target_sheet, link.target_cell, link.text)
        plan = done.plan
        ws.range((RESULT_FIRST_ROW - 1, 1),
                 (RESULT_FIRST_ROW - 1 + len(plan.rows), len(plan.headers))).columns.autofit()
        ws.activate()


def _range(sheet, address: str):
    """``sheet.range`` of an 「A1」 or 「A1:B2」 address, by row and column numbers (what every
    xlwings engine takes)."""
    first, _, last = address.partition(":")
    return sheet.range(parse_cell(first), parse_cell(last or first))


def _colour(colour: str | None, remote: bool) -> str | None:
    # xlwings' VBA client cannot clear a fill; white is the nearest
    return "#" + colour if colour else (NO_FILL_REMOTE if remote else None)


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
        raise NianbaoError("file.output_is_input", file=str(target))
    return target


__all__ = ["validate", "generate_report", "review_selected", "consolidate_folder",
           "import_last_year", "read_grids", "counts_text"]
