"""The NB_ worksheet functions as Excel calls them: each argument a sheet's range from A1 as a
2-D list (None for a blank, floats for numbers), cut from a real workbook at the ranges
:func:`nianbao.addin.udfs.formula` writes; and their registration behind xlwings Server."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("xlwings")

from helpers import consistent_report  # noqa: E402

from nianbao.addin.udfs import NB_FINDINGS, NB_NARRATIVE, NB_STATUS, formula  # noqa: E402
from nianbao import check  # noqa: E402
from nianbao.layout import layout_of, parse_cell  # noqa: E402
from nianbao.messages import say  # noqa: E402
from nianbao.narrative import render_narratives  # noqa: E402
from nianbao.reader import read_report  # noqa: E402
from nianbao.xlsx_writer import new_workbook, write_report  # noqa: E402

T3 = "三、依申请公开"
_RANGE = re.compile(r"'((?:[^']|'')+)'!\$A\$1:\$([A-Z]+)\$(\d+)")


def excel_args(path: Path, format_id: str, only: tuple[str, ...] = ()) -> list[list[list]]:
    """The arguments Excel passes for ``formula(…)``'s ranges: values as Excel holds them."""
    wb = openpyxl.load_workbook(path, data_only=True)
    out = []
    for sheet, col, row in _RANGE.findall(formula("NB_STATUS", format_id)):
        sheet = sheet.replace("''", "'")
        if only and sheet not in only:
            continue
        last_row, last_col = parse_cell(f"{col}{row}")
        grid = [[float(v) if isinstance(v, int) and not isinstance(v, bool) else v
                 for v in r]
                for r in wb[sheet].iter_rows(min_row=1, max_row=last_row, max_col=last_col,
                                             values_only=True)]
        out.append(grid)
    return out


def workbook(tmp_path: Path, format_id: str, broken: bool = False) -> Path:
    r = consistent_report(format_id, 5)
    r.meta.unit = "某区政务办"
    if broken:
        r["t3.granted.natural"] = r.number("t3.granted.natural") + 1
    return write_report(r, tmp_path / f"{format_id}{'-bad' if broken else ''}.xlsx")


def test_formula_names_every_sheet_of_the_template():
    for format_id in ("2021", "2019"):
        named = [s.replace("''", "'") for s, _, _ in _RANGE.findall(formula("NB_STATUS",
                                                                           format_id))]
        assert named == [s.name for s in layout_of(format_id).sheets]


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_status_passes_fails_and_blank(tmp_path, format_id):
    good = workbook(tmp_path, format_id)
    assert NB_STATUS(*excel_args(good, format_id)) == "✔ 通过"
    bad = workbook(tmp_path, format_id, broken=True)
    errors = check(bad).errors
    assert errors >= 2
    assert NB_STATUS(*excel_args(bad, format_id)) == f"✘ {errors} 处错误"
    blank = new_workbook(tmp_path / "blank.xlsx", format_id, year=2025, unit="某区政务办")
    assert NB_STATUS(*excel_args(blank, format_id)) == "未填写"


def test_status_of_one_table_and_in_any_order(tmp_path):
    bad = workbook(tmp_path, "2021", broken=True)
    t3 = [f for f in check(bad) if f.sheet == T3 and f.severity == "error"]
    assert NB_STATUS(*excel_args(bad, "2021", only=(T3,))) == f"✘ {len(t3)} 处错误"
    assert NB_STATUS(*excel_args(bad, "2021", only=("四、复议诉讼",))) == "✔ 通过"
    assert NB_STATUS(*reversed(excel_args(bad, "2021"))) == NB_STATUS(*excel_args(bad, "2021"))


def test_findings_is_a_spilled_list_errors_first(tmp_path):
    bad = workbook(tmp_path, "2021", broken=True)
    rows = NB_FINDINGS(*excel_args(bad, "2021"))
    expected = check(bad)
    assert len(rows) == len(expected) and all(len(r) == 3 for r in rows)
    levels = [r[1] for r in rows]
    assert levels == sorted(levels, key=["错误", "警告", "提示"].index)
    assert {r[2] for r in rows} == {f.message for f in expected}
    assert f"{T3}!" in rows[0][0]
    good = workbook(tmp_path, "2021")
    assert NB_FINDINGS(*excel_args(good, "2021", only=(T3,))) == [[say("udf.none"), None, None]]


def test_narrative_is_the_generated_text(tmp_path):
    good = workbook(tmp_path, "2021")
    expected = render_narratives(read_report(good), parts=["s4"])["s4"]
    assert expected
    assert NB_NARRATIVE("s4", *excel_args(good, "2021")) == "\n".join(expected)
    assert "没有「s9」这一部分" in NB_NARRATIVE("s9", *excel_args(good, "2021"))


def test_ranges_that_are_no_report_give_a_message_not_an_error():
    other = [["姓名", "金额"], ["张三", 12.0]]
    for result in (NB_STATUS(other), NB_FINDINGS(other)[0][0], NB_NARRATIVE("s1", other),
                   NB_STATUS("单个值"), NB_STATUS()):
        assert result == say("udf.status.unreadable", message=say("udf.no_sheet"))


def test_xlwings_server_lists_the_functions_with_their_help():
    """Behind xlwings Server (Office.js custom functions) the decorators are xlwings.server's:
    imported afresh with XLWINGS_ON_SERVER=true, the metadata Excel loads lists the three."""
    code = ("import json, nianbao.addin.udfs as u; from xlwings.server import "
            "custom_functions_meta as m; print(json.dumps(m(u), ensure_ascii=False))")
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    meta = {f["name"]: f for f in json.loads(out.stdout)["functions"]}
    assert set(meta) == {"NB_STATUS", "NB_FINDINGS", "NB_NARRATIVE"}
    assert meta["NB_STATUS"]["description"] == say("udf.help.status")
    assert meta["NB_FINDINGS"]["description"] == say("udf.help.findings")
    assert meta["NB_NARRATIVE"]["description"] == say("udf.help.narrative")
    sheets = meta["NB_STATUS"]["parameters"][0]
    assert sheets["repeating"] and sheets["description"] == say("udf.help.sheets")
    assert [p["name"] for p in meta["NB_NARRATIVE"]["parameters"]] == ["part", "sheets"]


_SERVER_CALL = """
import asyncio, json, sys
import nianbao.addin.udfs as module
from xlwings.server import custom_functions_call
out = {}
for name, args in json.load(sys.stdin).items():
    data = {"func_name": name, "args": args, "client": "Office.js", "version": "",
            "runtime": "1.4", "caller_address": "Sheet1!Z1", "culture_info_name": "zh-CN",
            "date_format": "yyyy/m/d"}
    out[name] = asyncio.run(custom_functions_call(data, module))
print(json.dumps(out, ensure_ascii=False))
"""


def test_xlwings_server_calls_them_with_office_js_arguments(tmp_path):
    """The call path of xlwings Server: Office.js sends each range as a 2-D array with "" for a
    blank, the sheets of a repeating parameter as one list; the result goes back as a matrix."""
    bad = workbook(tmp_path, "2021", broken=True)
    sheets = [[["" if v is None else v for v in row] for row in grid]
              for grid in excel_args(bad, "2021")]
    calls = {"NB_STATUS": [sheets], "NB_FINDINGS": [sheets], "NB_NARRATIVE": [[["s4"]], sheets]}
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    out = subprocess.run([sys.executable, "-c", _SERVER_CALL], input=json.dumps(calls),
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["NB_STATUS"] == [[f"✘ {check(bad).errors} 处错误"]]
    assert result["NB_FINDINGS"] == NB_FINDINGS(*excel_args(bad, "2021"))
    assert result["NB_NARRATIVE"] == [[NB_NARRATIVE("s4", *excel_args(bad, "2021"))]]
