"""The JSON xlwings' VBA remote client (``Remote.bas``, ``RunServerPython``) posts for a workbook,
built from a real .xlsx — xlwings ships no such helper — and the client's side of the reply.

``payload(path)`` follows what ``Remote.bas`` of the pinned xlwings sends: ``client``,
``version``, ``book`` (name, active sheet, selection), ``names`` (range names only, with sheet
index and relative address) and ``sheets`` (every worksheet, hidden ones included: name,
pictures, tables and the values from A1 to the end of the used range).  ``used_range_address``
is added as the Office.js client sends it, so ``Sheet.used_range`` need not guess.  Formula
cells carry the value last saved with the file (None for a file no office program calculated).

``apply_values(payload, actions)`` applies the ``setValues`` actions of a reply to the payload
as Excel would (a leading apostrophe makes text and is not part of the value), so a second run
sees what the first one wrote.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

REMOTE_BAS = "addin/Remote.bas"  # inside the xlwings package
LICENSE_KEY = "XLWINGS_LICENSE_KEY"


def remote_xlwings(monkeypatch):
    """xlwings with its remote engine, licensed for this test process only.

    The remote engine is xlwings PRO code under the PolyForm Noncommercial licence (a government
    office's own use qualifies); it is never part of nianbao's default install.  xlwings decides
    on import whether it has a licence, so when something imported it before the key was set,
    the engine is registered here.
    """
    import pytest

    monkeypatch.setenv(LICENSE_KEY, "noncommercial")
    xw = pytest.importorskip("xlwings")
    if "remote" not in [e.name for e in xw.engines]:
        from xlwings.main import Engine
        from xlwings.pro import _xlremote

        xw.engines.add(Engine(impl=_xlremote.engine))
    return xw


def remote_client_actions() -> set[str]:
    """Every action xlwings' VBA remote client can apply: the ``Sub x(wb As Workbook, action As
    Dictionary)`` procedures of the Remote.bas shipped in the installed wheel (``RunServerPython``
    runs ``Application.Run action("func"), wb, action``)."""
    import xlwings

    text = (Path(xlwings.__file__).parent / REMOTE_BAS).read_text(encoding="utf-8")
    return set(re.findall(r"^Sub (\w+)\(wb As Workbook, action As Dictionary\)", text, re.M))


def _json_value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat() + ".000Z"  # as VBA's JSON converter writes a date
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day).isoformat() + ".000Z"
    if isinstance(v, bool) or v is None or isinstance(v, (int, float, str)):
        return v
    return str(v)


def payload(path: str | Path, version: str | None = None, active_sheet: int = 0) -> dict:
    import xlwings

    path = Path(path)
    wb = load_workbook(path, data_only=True)
    index = {ws.title: i for i, ws in enumerate(wb.worksheets)}
    names = []
    for name, dn in wb.defined_names.items():
        dests = list(dn.destinations)
        if len(dests) != 1 or dests[0][0] not in index:
            continue  # Remote.bas sends only names that refer to a range
        sheet, ref = dests[0]
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        address = f"{get_column_letter(min_col)}{min_row}"
        if (min_col, min_row) != (max_col, max_row):
            address += f":{get_column_letter(max_col)}{max_row}"
        names.append({"name": name, "sheet_index": index[sheet], "address": address,
                      "book_scope": True, "scope_sheet_name": None, "scope_sheet_index": None})
    sheets = []
    for ws in wb.worksheets:
        rows, cols = ws.max_row, ws.max_column
        empty = rows == 1 and cols == 1 and ws.cell(1, 1).value is None
        values = [[]] if empty else [
            [_json_value(c) for c in row]
            for row in ws.iter_rows(min_row=1, max_row=rows, max_col=cols, values_only=True)]
        sheets.append({
            "name": ws.title,
            "pictures": [],
            "tables": [],
            "values": values,
            "used_range_address": None if empty else f"$A$1:${get_column_letter(cols)}${rows}",
        })
    return {
        "client": "VBA",
        "version": version or xlwings.__version__,
        "book": {"name": path.name, "active_sheet_index": active_sheet, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }


def apply_values(data: dict, actions: list[dict]) -> dict:
    """``data`` with the ``setValues``, ``addSheet`` and ``sheetClear`` actions applied."""
    sheets = data["sheets"]
    for a in actions:
        if a["func"] == "addSheet":
            position, name = a["args"]
            sheets.insert(position, {"name": name, "pictures": [], "tables": [],
                                     "values": [[]], "used_range_address": None})
        elif a["func"] == "sheetClear":
            sheets[a["sheet_position"]].update(values=[[]], used_range_address=None)
        elif a["func"] == "setValues":
            sheet = sheets[a["sheet_position"]]
            grid = [row[:] for row in sheet["values"] if row]
            r0, c0 = a["start_row"], a["start_column"]
            need_r = r0 + len(a["values"])
            need_c = c0 + max(len(r) for r in a["values"])
            width = max([need_c] + [len(r) for r in grid])
            grid = [row + [None] * (width - len(row)) for row in grid]
            grid += [[None] * width for _ in range(need_r - len(grid))]
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    if isinstance(v, str) and v.startswith("'"):
                        v = v[1:]
                    grid[r0 + i][c0 + j] = None if v == "" else v
            sheet["values"] = grid
            sheet["used_range_address"] = (f"$A$1:${get_column_letter(width)}${len(grid)}"
                                           if grid else None)
    return data


def apply_to_xlsx(path: str | Path, actions: list[dict], out: str | Path) -> Path:
    """Apply a reply's actions to a copy of the workbook with openpyxl, as the VBA client's
    procedures do (setValues, setRangeColor, addSheet, sheetClear, addHyperlink; autofit,
    activation and alerts change nothing stored) — to read back or look at what Excel would
    show.  Sheet protection is ignored, as desktop Excel's unprotect/re-protect would leave it."""
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    wb = load_workbook(path)
    for a in actions:
        func = a["func"]
        ws = wb.worksheets[a["sheet_position"]] if a["sheet_position"] is not None else None

        def cells(a=a, ws=ws):  # bound now: the loop moves on
            for i in range(a["row_count"]):
                for j in range(a["column_count"]):
                    yield ws.cell(a["start_row"] + 1 + i, a["start_column"] + 1 + j)

        if func == "addSheet":
            wb.create_sheet(a["args"][1], a["args"][0])
        elif func == "sheetClear":
            wb.remove(ws)
            wb.create_sheet(ws.title, a["sheet_position"])
        elif func == "setValues":
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    c = ws.cell(a["start_row"] + 1 + i, a["start_column"] + 1 + j)
                    if isinstance(v, str) and v.startswith("'"):
                        c.value, c.data_type = v[1:], "s"
                    else:
                        c.value = None if v == "" else v
        elif func == "setRangeColor":
            colour = a["args"][0].lstrip("#")
            for c in cells():
                c.fill = PatternFill("solid", fgColor=colour, bgColor=colour)
        elif func == "addHyperlink":
            for c in cells():
                c.hyperlink = Hyperlink(ref=c.coordinate, location=a["args"][0].lstrip("#"),
                                        display=a["args"][1])
        elif func not in ("setAutofit", "activateSheet", "alert"):
            raise ValueError(f"no openpyxl equivalent for {func}")
    wb.save(out)
    return Path(out)
