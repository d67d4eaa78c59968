"""Checking workbook files: the check command's output and exit codes for broken inputs, the
marked copy, and the input staying byte-identical."""
from __future__ import annotations

import hashlib
import html
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import consistent_report

from nianbao import check, mark_workbook
from nianbao.cli.check import check_command
from nianbao.xlsx_marks import FILLS, STORE_SHEET
from nianbao.findings import Finding, Findings
from nianbao.xlsx_writer import write_report

T3, T4, INFO = "三、依申请公开", "四、复议诉讼", "基本信息"


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def run(*args: str):
    result = CliRunner().invoke(check_command, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def run_json(*args: str):
    """Exit code and the JSON: always an array, one object per input; one input's object alone."""
    result = run("--json", *args)
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return result.exit_code, data[0] if len(data) == 1 else data


def located(data: dict, rule: str, sheet: str, cell: str, severity: str | None = None) -> dict:
    hits = [f for f in data["findings"] if f["rule"] == rule and f["sheet"] == sheet
            and f["cell"] == cell and (severity is None or f["severity"] == severity)]
    assert hits, [(f["rule"], f["sheet"], f["cell"]) for f in data["findings"]]
    return hits[0]


@pytest.fixture
def good(tmp_path) -> Path:
    r = consistent_report("2021", 3)
    r.meta.unit, r.meta.year = "某区政务办", 2021
    r.texts["s5.problems"] = "人员力量较为薄弱，业务能力有待加强，公开的规范性和主动性不高。"
    r.texts["s6.other"] = "本年度未收取信息处理费。"
    return write_report(r, tmp_path / "good.xlsx")


def edited(src: Path, dst: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def set_cell(sheet: str, cell: str, value, as_text: bool = False):
    def edit(wb):
        c = wb[sheet][cell]
        c.value = value
        if as_text:
            c.data_type = "s"
    return edit


# -- clean and broken files ----------------------------------------------------------------------
def test_a_consistent_workbook_passes(good):
    code, data = run_json(good)
    assert code == 0
    assert data["file"] == str(good) and data["errors"] == 0
    assert set(data) == {"file", "errors", "warnings", "notices", "findings", "dismissed"}


def test_cli_json_equals_the_api(good, tmp_path):
    bad = edited(good, tmp_path / "bad.xlsx", set_cell(T3, "D8", 99))
    code, data = run_json(bad)
    assert data == check(bad).to_dict()
    assert code == 1


def test_human_output_is_a_chinese_table(good, tmp_path):
    bad = edited(good, tmp_path / "bad.xlsx", set_cell(T3, "D8", 99))
    result = run(bad)
    assert result.exit_code == 1
    for word in ("位置", "规则", "级别", "说明", "错误", "行合计校验", "J8"):
        assert word in result.stdout
    assert "个错误" in result.stdout
    assert "t3.row" not in result.stdout  # the rule's title for people, its code in --json


def test_one_wrong_cell_is_located_at_its_row_and_column_totals(good, tmp_path):
    bad = edited(good, tmp_path / "bad.xlsx", set_cell(T3, "D8", 99))
    code, data = run_json(bad)
    assert code == 1
    row = located(data, "t3.row", T3, "J8", "error")
    col = located(data, "t3.total", T3, "D29", "error")
    assert row["actual"] != row["expected"] and "D8" in row["message"] and "D8" in col["message"]


def test_invalid_text_is_located_and_does_not_cascade(good, tmp_path):
    bad = edited(good, tmp_path / "bad.xlsx", set_cell(T3, "D8", "十二件左右"))
    code, data = run_json(bad)
    assert code == 1
    located(data, "read.invalid", T3, "D8", "error")
    located(data, "rule.skipped", T3, "D8", "notice")
    assert not [f for f in data["findings"] if f["rule"] in ("t3.row", "t3.total")]
    assert data["errors"] == 1


def test_negative_count(good, tmp_path):
    code, data = run_json(edited(good, tmp_path / "neg.xlsx", set_cell(T4, "C6", -1)))
    assert code == 1
    located(data, "value.negative", T4, "C6", "error")


def test_decimal_in_a_count_cell(good, tmp_path):
    code, data = run_json(edited(good, tmp_path / "dec.xlsx", set_cell(T3, "E10", 2.5)))
    assert code == 1
    located(data, "value.not_integer", T3, "E10", "error")


def test_blank_cell_is_a_notice(good, tmp_path):
    wb = openpyxl.load_workbook(good)
    cell = next(c for row in wb[T3]["D8:I28"] for c in row if c.value == 0)
    code, data = run_json(edited(good, tmp_path / "blank.xlsx", set_cell(T3, cell.coordinate, None)))
    assert code == 0
    located(data, "read.blank", T3, cell.coordinate, "notice")


def test_fullwidth_digits_are_read_with_a_notice(good, tmp_path):
    wb = openpyxl.load_workbook(good)
    value = wb[T3]["J29"].value
    full = "".join(chr(ord(ch) + 0xFEE0) for ch in str(value))
    code, data = run_json(edited(good, tmp_path / "fw.xlsx", set_cell(T3, "J29", full, as_text=True)))
    assert code == 0
    located(data, "read.fullwidth", T3, "J29", "notice")


def test_deleted_row_is_reported_not_misread(good, tmp_path):
    def edit(wb):
        wb[T3].delete_rows(12)
    code, data = run_json(edited(good, tmp_path / "row.xlsx", edit))
    assert code == 1
    moved = [f for f in data["findings"] if f["rule"] == "read.label_moved"]
    assert moved and moved[0]["sheet"] == T3 and moved[0]["cell"]
    assert not [f for f in data["findings"] if f["rule"].startswith("t3.")]
    assert [f for f in data["findings"] if f["rule"] == "rule.skipped" and f["sheet"] == T3]


def test_renamed_sheet_is_reported(good, tmp_path):
    def edit(wb):
        wb[T4].title = "四、复议"
    code, data = run_json(edited(good, tmp_path / "ren.xlsx", edit))
    assert code == 1
    (f,) = [f for f in data["findings"] if f["rule"] == "read.sheet_missing"]
    assert f["sheet"] == T4 and T4 in f["message"]
    assert not [f for f in data["findings"] if f["rule"] == "t4.sum"]


def test_workbook_of_the_other_format(tmp_path):
    r = consistent_report("2019", 1)
    r.meta.year = 2021
    code, data = run_json(write_report(r, tmp_path / "old.xlsx"))
    assert code == 1
    f = located(data, "format.year", INFO, "B4", "error")
    assert f["expected"] == "2021" and f["actual"] == "2019"


def test_unrelated_xlsx_exits_2_with_one_line(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "销售数据"
    p = tmp_path / "other.xlsx"
    wb.save(p)
    result = run(p)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("错误：")
    assert str(p) in result.stderr


def test_non_excel_file_named_xlsx_exits_2(tmp_path):
    p = tmp_path / "fake.xlsx"
    p.write_text("这不是 Excel 文件", encoding="utf-8")
    result = run(p)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "不是有效的 Excel 工作簿" in result.stderr
    code, data = run_json(p)
    assert code == 2 and data["errors"] == 1 and data["findings"][0]["rule"] == "file.not_xlsx"


def test_missing_file_exits_2(tmp_path):
    result = run(tmp_path / "nope.xlsx")
    assert result.exit_code == 2 and "找不到文件" in result.stderr


def test_several_files_give_a_json_list_and_the_worst_exit_code(good, tmp_path):
    bad = edited(good, tmp_path / "bad.xlsx", set_cell(T3, "D8", 99))
    code, data = run_json(good, bad)
    assert code == 1 and [d["file"] for d in data] == [str(good), str(bad)]
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 broken")
    code, data = run_json(good, fake, bad)
    assert code == 2 and len(data) == 3 and data[1]["errors"] == 1


def test_previous_year(tmp_path):
    prev = consistent_report("2021", 5)
    prev.meta.unit, prev.meta.year = "某区政务办", 2021
    cur = consistent_report("2021", 6)
    cur.meta.unit, cur.meta.year = "某区政务办", 2022
    p_prev = write_report(prev, tmp_path / "2021.xlsx")
    p_cur = write_report(cur, tmp_path / "2022.xlsx")
    code, data = run_json(p_cur, "--previous", p_prev)
    carry = [f for f in data["findings"] if f["rule"] == "t3.carry"]
    if any(prev.number(f"t3.carry_forward.{c}") != cur.number(f"t3.carried.{c}")
           for c in ("natural", "total")):
        assert code == 1 and carry
    assert data == check(p_cur, previous=p_prev).to_dict()
    cur.meta.year = 2023
    code, data = run_json(write_report(cur, tmp_path / "2023.xlsx"), "--previous", p_prev)
    located(data, "prev.year", INFO, "B4", "error")


def test_unreadable_previous_exits_2(good, tmp_path):
    fake = tmp_path / "prev.xlsx"
    fake.write_text("x")
    result = run(good, "--previous", fake)
    assert result.exit_code == 2 and "上年度工作簿无法读取" in result.stderr


# -- the input is never written --------------------------------------------------------------------
def test_check_writes_nothing_and_leaves_the_input_identical(good, tmp_path):
    before = sha(good)
    listing = sorted(tmp_path.iterdir())
    run(good)
    run("--json", good)
    assert sha(good) == before and sorted(tmp_path.iterdir()) == listing
    out = tmp_path / "marked.xlsx"
    run(good, "--mark", out)
    assert sha(good) == before and out.exists()


# -- the marked copy -------------------------------------------------------------------------------
@pytest.fixture
def bad(good, tmp_path) -> Path:
    def edit(wb):
        wb[T3]["D8"] = wb[T3]["D8"].value + 1  # t3.row at J8, t3.total at D29
        wb[T4]["C6"] = "=1+2 不是数字"  # text a finding quotes: must stay text in 校验结果
        wb[T4]["C6"].data_type = "s"
    return edited(good, tmp_path / "bad.xlsx", edit)


def values(path: Path, skip=("校验结果", STORE_SHEET)) -> dict:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets if ws.title not in skip
            for row in ws.iter_rows() for c in row}


def test_mark_highlights_comments_and_lists_with_links(bad, tmp_path):
    before = sha(bad)
    out = tmp_path / "marked.xlsx"
    result = run(bad, "--mark", out)
    assert result.exit_code == 1 and "已写出标注副本" in result.stdout
    assert sha(bad) == before
    assert values(out) == values(bad)  # no value changed
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "校验结果" and wb.active.title == "校验结果"
    assert wb[STORE_SHEET].sheet_state == "veryHidden"
    for sheet, cell in ((T3, "J8"), (T3, "D29"), (T4, "C6")):
        c = wb[sheet][cell]
        assert c.fill.fgColor.rgb == FILLS["error"], (sheet, cell)
        assert c.comment is not None and "【错误】" in c.comment.text
    res = wb["校验结果"]
    findings = check(bad)
    rows = list(res.iter_rows(min_row=5, values_only=True))
    assert len(rows) == len(findings)
    links = {c.hyperlink.location for row in res.iter_rows(min_row=5) for c in row if c.hyperlink}
    assert f"'{T3}'!J8" in links and f"'{T3}'!D29" in links and f"'{T4}'!C6" in links
    assert any(r[6] == "=1+2 不是数字" for r in rows)


def test_result_sheet_text_is_never_a_formula(bad, tmp_path):
    out = tmp_path / "marked.xlsx"
    mark_workbook(bad, out)
    wb = openpyxl.load_workbook(out)
    sheet_xml = {ws.title: f"xl/worksheets/sheet{i + 1}.xml" for i, ws in enumerate(wb.worksheets)}
    with zipfile.ZipFile(out) as z:
        xml = html.unescape(z.read(sheet_xml["校验结果"]).decode("utf-8"))
    assert "<f>" not in xml and "<f " not in xml
    assert "=1+2 不是数字" in xml


def fill_xml(cell) -> bytes:
    from openpyxl.xml.functions import tostring

    return tostring(cell.fill.to_tree())


def test_marking_again_replaces_the_old_marks(good, bad, tmp_path):
    first = tmp_path / "m1.xlsx"
    mark_workbook(bad, first)
    # mark the marked copy with other findings: the old cells get their look back
    only = Findings([Finding("t4.sum", "warning", "只标这一格", T4, "F6")], file=str(first))
    second = tmp_path / "m2.xlsx"
    mark_workbook(first, second, only)
    orig, wb = openpyxl.load_workbook(bad), openpyxl.load_workbook(second)
    for sheet, cell in ((T3, "J8"), (T3, "D29"), (T4, "C6")):
        assert fill_xml(wb[sheet][cell]) == fill_xml(orig[sheet][cell])
        assert wb[sheet][cell].comment is None
    assert wb[T4]["F6"].fill.fgColor.rgb == FILLS["warning"]
    assert wb.sheetnames.count("校验结果") == 1 and "校验结果2" not in wb.sheetnames
    assert [r[4] for r in wb["校验结果"].iter_rows(min_row=5, values_only=True)] == ["只标这一格"]
    assert values(second) == values(bad)


def test_a_marked_copy_still_reads_and_checks_the_same(bad, tmp_path):
    out = tmp_path / "marked.xlsx"
    mark_workbook(bad, out)
    strip = lambda fs: [(f.rule, f.sheet, f.cell, f.message) for f in fs]  # noqa: E731
    assert strip(check(out)) == strip(check(bad))


def test_mark_needs_exactly_one_file(good, bad, tmp_path):
    result = run(good, bad, "--mark", tmp_path / "m.xlsx")
    assert result.exit_code == 2 and "--mark 只能用于一个文件" in result.stderr
    assert not (tmp_path / "m.xlsx").exists()


def test_mark_refuses_to_overwrite_the_input(bad):
    before = sha(bad)
    result = run(bad, "--mark", bad)
    assert result.exit_code == 2 and "不能把结果写到输入文件" in result.stderr
    assert sha(bad) == before


def test_mark_a_clean_workbook(good, tmp_path):
    out = tmp_path / "m.xlsx"
    assert run(good, "--mark", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb["校验结果"]["A2"].value.startswith(("未发现问题", "共 0 个错误"))


def test_marking_again_gives_back_the_users_own_comment(bad, tmp_path):
    from openpyxl.comments import Comment

    def edit(wb):
        wb[T3]["J8"].comment = Comment("用户自己的批注", "张三")
    src = edited(bad, tmp_path / "commented.xlsx", edit)
    first, second = tmp_path / "m1.xlsx", tmp_path / "m2.xlsx"
    mark_workbook(src, first)
    assert "【错误】" in openpyxl.load_workbook(first)[T3]["J8"].comment.text
    mark_workbook(first, second, Findings([], file=str(first)))
    c = openpyxl.load_workbook(second)[T3]["J8"].comment
    assert c.text == "用户自己的批注" and c.author == "张三"


def test_check_is_a_subcommand_of_nianbao(good):
    from nianbao.cli import main

    result = CliRunner().invoke(main, ["check", "--json", str(good)])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["errors"] == 0


# -- the marked copy agrees with itself (issue 26) -------------------------------------------------
def _rgb(hex6: str) -> tuple[int, int, int]:
    return tuple(int(hex6[i:i + 2], 16) for i in (0, 2, 4))


def test_warning_orange_is_not_the_input_cells_yellow():
    from nianbao.xlsx_writer import INPUT_FILL

    colours = {"input": _rgb(INPUT_FILL), **{k: _rgb(v[-6:]) for k, v in FILLS.items()}}
    for a in colours:
        for b in colours:
            if a < b:  # every two looks told apart at a glance
                distance = sum((x - y) ** 2 for x, y in zip(colours[a], colours[b])) ** 0.5
                assert distance > 40, (a, b, distance)


def test_expected_is_the_tables_actual_the_texts(good, tmp_path):
    """Text against the tables: 应为 is what the cells hold, 实为 what the text says — for every
    such finding, 「未收取信息处理费」 against a fee entered included."""
    r = consistent_report("2021", 3)
    r.meta.unit, r.meta.year = "某区政务办", 2021
    r["s6.fee_notices"], r["s6.fee_amount"] = 2, 300
    r.texts["s6.other"] = "本年度未收取信息处理费。"
    r.texts["s1.request"] = "本年度共收到政府信息公开申请999件。"
    found = check(r)
    [fee] = found.by_rule("text.fee")
    assert (fee.expected, fee.actual) == (300, 0)
    [received] = found.by_rule("text.received")
    assert (received.expected, received.actual) == (r.number("t3.new.total"), 999)


def test_result_sheet_keeps_numbers_and_codes_apart(bad, tmp_path):
    out = tmp_path / "marked.xlsx"
    run(bad, "--mark", out)
    ws = openpyxl.load_workbook(out)["校验结果"]
    headers = [c.value for c in ws[4]]
    exp, act, code = (headers.index(h) + 1 for h in ("应为", "实为", "代码"))
    for row in ws.iter_rows(min_row=5):
        assert row[exp - 1].alignment.horizontal == row[act - 1].alignment.horizontal == "center"
        assert row[code - 1].alignment.indent >= 1  # not against the 实为 beside it
