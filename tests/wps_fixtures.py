"""Fixtures for the WPS add-in's painter-equals-``check --mark`` tests, made by the Python side in
the same run — never written by hand:

* real workbooks of both formats (errors in table 3, a text in table 4 that reads like a formula;
  a blank template; a workbook that is not a report);
* the answer ``nianbao serve`` gives each (``POST /api/check`` through the server's own app);
* what ``nianbao check --mark`` does to the same workbook, read back with openpyxl: the cells whose
  fill it changed, the rows of 校验结果, their level colours and links;
* for the second run: the answer for the workbook as the add-in leaves it after the first run
  (the record of marked ranges written in the hidden sheet, as the first answer's steps say)
  with the error fixed, and what ``check --mark`` marks in the fixed workbook.

``tests/js/fixtures.test.js`` opens each workbook in the fake WPS (tests/js/fake_et.js), presses
校验 with the fake server giving the answer, and compares.  ``tests/test_wps_addin.py`` runs it;
``python tests/wps_fixtures.py DIR`` writes the fixtures for ``.ci/run``.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import consistent_report, not_a_report  # noqa: E402

from nianbao import actions  # noqa: E402
from nianbao.layout import INFO_SHEET, MARK_RECORD_COL, META_SHEET, cell_address, layout_of  # noqa: E402
from nianbao.marks import RESULT_FIRST_ROW  # noqa: E402
from nianbao.xlsx_writer import write_report  # noqa: E402

T3, T4 = "三、依申请公开", "四、复议诉讼"


# -- the workbooks -------------------------------------------------------------------------------
def good_workbook(folder: Path, format_id: str) -> Path:
    r = consistent_report(format_id, 3)
    r.meta.unit = "某区政务办"
    r.texts["s5.problems"] = "人员力量较为薄弱，业务能力有待加强，公开的规范性和主动性不高。"
    return write_report(r, folder / f"good-{format_id}.xlsx")


def bad_workbook(folder: Path, format_id: str) -> tuple[Path, str, object]:
    """Two rules broken in table 3 (one cell off by one) and a text in table 4 that reads like a
    formula; returns the file, the broken cell and its right value."""
    lay = layout_of(format_id)
    wb = openpyxl.load_workbook(good_workbook(folder, format_id))
    natural = lay.fields["t3.granted.natural"]
    right = wb[T3][natural.cell].value
    wb[T3][natural.cell] = right + 1
    upheld = lay.fields["t4.review.upheld"]
    wb[T4][upheld.cell] = "=1+2 不是数字"
    wb[T4][upheld.cell].data_type = "s"
    out = folder / f"bad-{format_id}.xlsx"
    wb.save(out)
    return out, natural.cell, right


def blank_workbook(folder: Path, format_id: str) -> Path:
    out = folder / f"blank-{format_id}.xlsx"
    actions.new_workbook(out, format_id, year=2025 if format_id == "2021" else 2020, unit="某区政务办")
    return out


# -- what the sides say --------------------------------------------------------------------------
class Api:
    """``POST /api/check`` of nianbao serve's own app (no socket; the same code a live server
    runs)."""

    def __init__(self, data: Path) -> None:
        import warnings

        with warnings.catch_warnings():  # starlette's note about its httpx client: not ours
            warnings.simplefilter("ignore", DeprecationWarning)
            from starlette.testclient import TestClient

        from nianbao.serve.app import create_app
        from nianbao.serve.web import Settings

        self.client = TestClient(create_app(Settings(data=data)))

    def check(self, path: Path, name: str | None = None) -> dict:
        r = self.client.post("/api/check", files={"file": (name or path.name, path.read_bytes())})
        assert r.status_code == 200, r.text
        return r.json()


def fill_of(cell) -> str | None:
    f = cell.fill
    if f is None or f.fill_type is None:
        return None
    colour = f.fgColor
    if f.fill_type == "solid" and colour is not None and colour.type == "rgb":
        return str(colour.rgb)[-6:].upper()
    return f"{f.fill_type}:{colour.type if colour is not None else ''}"


def _value(v):
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    return v


def workbook_state(path: Path) -> dict:
    """The workbook as the fake WPS opens it: sheets in order, their values (formulas left
    out: the painter never reads them), fills and protection; the file's bytes (what
    SaveCopyAs writes)."""
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        cells, fills = {}, {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None and c.data_type != "f":
                    cells[c.coordinate] = _value(c.value)
                fill = fill_of(c)
                if fill is not None:
                    fills[c.coordinate] = fill
        p = ws.protection
        sheets.append({"name": ws.title, "cells": cells, "fills": fills, "protected": bool(p.sheet),
                       "hidden": ws.sheet_state != "visible",
                       # openpyxl: True = forbidden; Excel's Protection.Allow…: True = allowed
                       "permissions": {"AllowFormattingCells": not p.formatCells,
                                       "AllowFormattingColumns": not p.formatColumns,
                                       "AllowFormattingRows": not p.formatRows,
                                       "AllowSorting": not p.sort, "AllowFiltering": not p.autoFilter}})
    return {"name": path.name, "path": "/home/clerk/年报", "sheets": sheets,
            "bytes": base64.b64encode(path.read_bytes()).decode("ascii")}


def marked_by_check_mark(path: Path, folder: Path) -> dict:
    """``nianbao check --mark`` of ``path``, read back: the fills it changed on the workbook's
    own sheets, and its 校验结果 sheet."""
    out = folder / f"{path.stem}-marked.xlsx"
    actions.mark(path, out, force=True)
    original, marked = openpyxl.load_workbook(path), openpyxl.load_workbook(out)
    changed = {}
    for ws in original.worksheets:
        m = marked[ws.title]
        rows = max(ws.max_row, m.max_row)
        cols = max(ws.max_column, m.max_column)
        for r in range(1, rows + 1):
            for c in range(1, cols + 1):
                before, after = fill_of(ws.cell(r, c)), fill_of(m.cell(r, c))
                if before != after:
                    changed[f"{ws.title}!{cell_address(r, c)}"] = after
    results = marked[marked.sheetnames[0]]  # check --mark puts 校验结果 first
    width = results.max_column
    header = RESULT_FIRST_ROW - 1
    rows = [[_value(results.cell(r, c).value) for c in range(1, width + 1)]
            for r in range(header, results.max_row + 1)]
    level = {results.cell(r, 2).coordinate: fill_of(results.cell(r, 2))
             for r in range(RESULT_FIRST_ROW, results.max_row + 1)}
    links = {c.coordinate: c.hyperlink.location for row in results.iter_rows() for c in row
             if c.hyperlink is not None}
    return {"fills": changed, "results_sheet": results.title, "title": results["A1"].value,
            "header_row": header, "rows": rows, "result_fills": level, "links": links}


# -- the fixtures --------------------------------------------------------------------------------
def _writable(format_id: str) -> list[str]:
    """What a painting may write outside 校验结果: the run's verdict and the record column."""
    return [f"{INFO_SHEET}!{layout_of(format_id).status.run_cell}",
            f"{META_SHEET}!{cell_address(1, MARK_RECORD_COL)[:-1]}"]


def with_record(path: Path, painting: dict, out: Path) -> Path:
    """``path`` as the add-in leaves it after painting ``painting``: its record of marked ranges
    in the hidden sheet (the one block the next check reads back)."""
    wb = openpyxl.load_workbook(path)
    block = next(b for b in painting["blocks"] if b["sheet"] == META_SHEET)
    start = openpyxl.utils.cell.coordinate_from_string(block["cell"])
    col = openpyxl.utils.column_index_from_string(start[0])
    for i, row in enumerate(block["values"]):
        cell = wb[META_SHEET].cell(start[1] + i, col)
        cell.value = row[0]
        if isinstance(row[0], str):
            cell.data_type = "s"
    wb.save(out)
    return out


def make(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="wps-fixtures-"))
    api = Api(work / "data")
    written = []

    def save(name: str, fixture: dict) -> None:
        path = folder / f"{name}.json"
        path.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
        written.append(path)

    for fmt in ("2021", "2019"):
        bad, cell, right = bad_workbook(work, fmt)
        first = api.check(bad)
        # the second run: the clerk fixed the cell; the workbook holds the first run's record
        fixed = openpyxl.load_workbook(bad)
        fixed[T3][cell] = right
        (work / f"fixed-{fmt}").mkdir()
        fixed_path = work / f"fixed-{fmt}" / bad.name  # the same name: the same title
        fixed.save(fixed_path)
        recorded = with_record(fixed_path, first["painting"], work / f"recorded-{fmt}.xlsx")
        second = api.check(recorded, bad.name)
        save(f"bad-{fmt}", {
            "format": fmt, "workbook": workbook_state(bad), "answer": first,
            "expected": marked_by_check_mark(bad, work), "writable": _writable(fmt),
            "rerun": {"fix": {"sheet": T3, "cell": cell, "value": right}, "answer": second,
                      "expected": marked_by_check_mark(fixed_path, work)}})
    blank = blank_workbook(work, "2021")
    save("blank-2021", {"format": "2021", "workbook": workbook_state(blank), "answer": api.check(blank),
                        "expected": marked_by_check_mark(blank, work), "writable": _writable("2021")})
    other = not_a_report(work)
    save("not-a-report", {"workbook": workbook_state(other), "answer": api.check(other)})
    return written


if __name__ == "__main__":
    for p in make(Path(sys.argv[1])):
        print(p)
