"""The Excel template (nianbao.xlsx_writer): labels as the statutory table prints them, input
cells, names, protection, validation, native checks (computed by LibreOffice), filling.

Statutory labels are checked twice: against the layout (the writer writes what is declared) and
against lists copied from the spec (the declaration says what the State Council printed).
"""
from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from helpers import consistent_report
from nianbao import __version__
from nianbao.libreoffice import convert
from nianbao.formats import UnknownFormat, get_format
from nianbao.layout import (CALC_SHEET, HEADINGS, INFO_SHEET, META_SHEET, PREVIEW_SHEET,
                            TEMPLATE_VERSION, calc_address, layout_of, parse_cell)
from nianbao.report import Invalid, Report
from nianbao.samples import build as samples
from nianbao.xlsx_writer import (
    CHECK_FAIL,
    CHECK_NAME_PREFIX,
    CHECK_PASS,
    STATUS_ALL_PASSED,
    STATUS_BLANK,
    build_template,
    fill_workbook,
    new_workbook,
    write_report,
)

FORMATS = ("2021", "2019")
YEARS = {"2021": 2021, "2019": 2020}
SAMPLE_DIR = Path(samples.__file__).parent

# ---- the statutory layout, copied from spec/formats.md --------------------------------------
# indentation as printed in the spec: a line with deeper lines below it is a group label
T3_ROWS_2021 = """
一、本年新收政府信息公开申请数量
二、上年结转政府信息公开申请数量
三、本年度办理结果
  （一）予以公开
  （二）部分公开（区分处理的，只计这一情形，不计其他情形）
  （三）不予公开
      1.属于国家秘密
      2.其他法律行政法规禁止公开
      3.危及“三安全一稳定”
      4.保护第三方合法权益
      5.属于三类内部事务信息
      6.属于四类过程性信息
      7.属于行政执法案卷
      8.属于行政查询事项
  （四）无法提供
      1.本机关不掌握相关政府信息
      2.没有现成信息需要另行制作
      3.补正后申请内容仍不明确
  （五）不予处理
      1.信访举报投诉类申请
      2.重复申请
      3.要求提供公开出版物
      4.无正当理由大量反复申请
      5.要求行政机关确认或重新出具已获取信息
  （六）其他处理
      1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请
      2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请
      3.其他
  （七）总计
四、结转下年度继续办理
"""
# 2019: identical except （六）其他处理 is a single row with no sub-items
T3_ROWS_2019 = re.sub(r"(  （六）其他处理\n)(      .*\n)+", r"\1", T3_ROWS_2021)
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_COLUMNS = [("申请人情况", "自然人")] + [
    ("申请人情况", "法人或其他组织", x)
    for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
] + [("申请人情况", "总计")]
T4_OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_COLUMNS = ([("行政复议", o) for o in T4_OUTCOMES]
              + [("行政诉讼", "未经复议直接起诉", o) for o in T4_OUTCOMES]
              + [("行政诉讼", "复议后起诉", o) for o in T4_OUTCOMES])
_ITEMS_2019 = ["上一年项目数量", "本年增/减"]
T2_BLOCKS = {  # (block title, column headers, row labels)
    "2021": [
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "行政规范性文件"]),
        ("第二十条第（五）项", ["本年处理决定数量"], ["行政许可"]),
        ("第二十条第（六）项", ["本年处理决定数量"], ["行政处罚", "行政强制"]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], ["行政事业性收费"]),
    ],
    "2019": [
        ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
         ["规章", "规范性文件"]),
        ("第二十条第（五）项", _ITEMS_2019 + ["处理决定数量"], ["行政许可", "其他对外管理服务事项"]),
        ("第二十条第（六）项", _ITEMS_2019 + ["处理决定数量"], ["行政处罚", "行政强制"]),
        ("第二十条第（八）项", _ITEMS_2019, ["行政事业性收费"]),
        ("第二十条第（九）项", ["采购项目数量", "采购总金额（单位：元）"], ["政府集中采购"]),
    ],
}
STATUTORY_FIELDS = {"2021": 200, "2019": 198}
SHEETS = ["基本信息", "一、总体情况", "二、主动公开", "三、依申请公开", "四、复议诉讼", "五、问题及改进",
          "六、其他事项"]


def _row_paths(spec: str) -> list[tuple[str, ...]]:
    """Leaf rows of an indented list as label paths, outermost first."""
    lines = [ln for ln in spec.splitlines() if ln.strip()]
    paths: list[tuple[str, ...]] = []
    stack: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, line.strip()))
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if len(nxt) - len(nxt.lstrip()) <= indent or not nxt:
            paths.append(tuple(text for _, text in stack))
    return paths


# ---- helpers --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def template_files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("templates")
    return {fmt: new_workbook(d / f"template-{fmt}.xlsx", fmt, year=YEARS[fmt], unit="某区人民政府办公室",
                              contact="张三", phone="0571-12345678", date="2022年1月10日")
            for fmt in FORMATS}


@pytest.fixture(scope="module")
def templates(template_files) -> dict[str, openpyxl.Workbook]:
    return {fmt: openpyxl.load_workbook(p) for fmt, p in template_files.items()}


def _merge_map(ws: Worksheet) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    out = {}
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                out[(r, c)] = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
    return out


def _shown(ws: Worksheet, merges, row: int, col: int):
    """What the reader sees at (row, col): the value of the merged range covering it, without
    the line breaks a label is written with (the reader compares labels without whitespace)."""
    r, c, _, _ = merges.get((row, col), (row, col, row, col))
    v = ws.cell(r, c).value
    return v.replace("\n", "") if isinstance(v, str) else v


def _dedupe(texts) -> tuple[str, ...]:
    out: list[str] = []
    for t in texts:
        if t is not None and (not out or out[-1] != t):
            out.append(t)
    return tuple(out)


def _fields(fmt: str, table: str):
    return [f for f in layout_of(fmt).fields.values() if f.table == table]


def _row_labels(ws, fmt: str, table: str) -> list[tuple[str, ...]]:
    merges = _merge_map(ws)
    fields = _fields(fmt, table)
    first_col = min(f.col for f in fields)
    rows = sorted({f.row for f in fields})
    return [_dedupe(_shown(ws, merges, r, c) for c in range(1, first_col)) for r in rows]


def _column_labels(ws, fmt: str, table: str) -> list[tuple[str, ...]]:
    merges = _merge_map(ws)
    fields = _fields(fmt, table)
    first_row = min(f.row for f in fields)
    corner = next(lb for lb in layout_of(fmt).sheet(ws.title).labels if lb.style == "corner")
    cols = sorted({f.col for f in fields if f.row == first_row})
    return [_dedupe(_shown(ws, merges, r, c) for r in range(corner.row, first_row)) for c in cols]


def _sheet_of(fmt: str, table: str) -> str:
    return get_format(fmt).section_of_table(table).sheet


# ---- labels and merges ----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_sheets_in_order_with_hidden_meta_last(templates, fmt):
    wb = templates[fmt]
    assert wb.sheetnames == SHEETS + [PREVIEW_SHEET, META_SHEET, CALC_SHEET]
    assert [wb[s].sheet_state for s in SHEETS + [PREVIEW_SHEET]] == ["visible"] * (len(SHEETS) + 1)
    assert wb[META_SHEET].sheet_state == wb[CALC_SHEET].sheet_state == "hidden"
    assert wb.active.title == INFO_SHEET


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_label_of_the_layout_is_written_with_its_merge(templates, fmt):
    wb = templates[fmt]
    for sheet in layout_of(fmt).sheets:
        ws = wb[sheet.name]
        merges = {(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges}
        expected_merges = set()
        for lb in sheet.labels:
            assert _shown(ws, {}, lb.row, lb.col) == (lb.text.replace("\n", "") or None), (sheet.name, lb)
            r2, c2 = lb.last_row or lb.row, lb.last_col or lb.col
            if (r2, c2) != (lb.row, lb.col):
                expected_merges.add((lb.row, lb.col, r2, c2))
                assert isinstance(ws.cell(r2, c2), MergedCell)
            assert ws.cell(lb.row, lb.col).protection.locked
        # a table's 备注 input spans the table's width (issue 17)
        expected_merges |= {(f.row, f.col, f.row, sheet.last_col) for f in sheet.fields
                            if f.kind == "text" and sheet.kind == "table"}
        # the 校验结果 header on 基本信息 is the writer's own merge
        assert expected_merges <= merges
        assert len(merges - expected_merges) <= (1 if sheet.name == INFO_SHEET else 0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_table3_rows_and_columns_as_in_the_spec(templates, fmt):
    ws = templates[fmt][_sheet_of(fmt, "t3")]
    spec = _row_paths(T3_ROWS_2021 if fmt == "2021" else T3_ROWS_2019)
    assert len(spec) == {"2021": 25, "2019": 23}[fmt]
    assert _row_labels(ws, fmt, "t3") == spec
    assert _column_labels(ws, fmt, "t3") == T3_COLUMNS
    corner = next(lb for lb in layout_of(fmt).sheet(ws.title).labels if lb.style == "corner")
    assert _shown(ws, {}, corner.row, corner.col) == T3_NOTE
    assert ws["A1"].value == "三、收到和处理政府信息公开申请情况"


@pytest.mark.parametrize("fmt", FORMATS)
def test_table4_columns_as_in_the_spec(templates, fmt):
    ws = templates[fmt][_sheet_of(fmt, "t4")]
    assert len(T4_COLUMNS) == 15
    assert _column_labels(ws, fmt, "t4") == T4_COLUMNS
    assert len({f.row for f in _fields(fmt, "t4")}) == 1  # one data row
    assert ws["A1"].value == "四、政府信息公开行政复议、行政诉讼情况"


@pytest.mark.parametrize("fmt", FORMATS)
def test_table2_blocks_as_in_the_spec(templates, fmt):
    ws = templates[fmt][_sheet_of(fmt, "t2")]
    fields = _fields(fmt, "t2")
    rows = sorted({f.row for f in fields})
    blocks: list[list[int]] = []
    for r in rows:  # blocks are runs of consecutive data rows
        if blocks and r == blocks[-1][-1] + 1:
            blocks[-1].append(r)
        else:
            blocks.append([r])
    got = []
    for block in blocks:
        header = block[0] - 1
        cols = sorted({f.col for f in fields if f.row in block})
        assert ws.cell(header, 1).value == "信息内容"
        got.append((_shown(ws, {}, header - 1, 1), [_shown(ws, {}, header, c) for c in cols],
                    [_shown(ws, {}, r, 1) for r in block]))
    assert got == T2_BLOCKS[fmt]
    assert ws["A1"].value == "二、主动公开政府信息情况"


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_groups_are_merged_like_the_official_table(templates, fmt):
    def span(ws, text):
        merges = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
        [cell] = [c for row in ws.iter_rows() for c in row
                  if isinstance(c.value, str) and c.value.replace("\n", "") == text]
        rng = merges[(cell.row, cell.column)]
        return rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1

    t3 = templates[fmt][_sheet_of(fmt, "t3")]
    assert span(t3, "申请人情况") == (1, 7)
    assert span(t3, "法人或其他组织") == (1, 5)
    assert span(t3, "自然人")[0] == 2 and span(t3, "总计")[0] == 2  # down to the leaf row
    assert span(t3, "三、本年度办理结果") == ({"2021": 22, "2019": 20}[fmt], 1)
    assert span(t3, "（三）不予公开") == (8, 1)
    t4 = templates[fmt][_sheet_of(fmt, "t4")]
    assert span(t4, "行政复议") == (1, 5)
    assert span(t4, "行政诉讼") == (1, 10)
    assert span(t4, "未经复议直接起诉") == (1, 5)
    assert span(t4, "复议后起诉") == (1, 5)


# ---- input cells, names, protection, validation ---------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_field_has_a_workbook_level_name(templates, fmt):
    wb = templates[fmt]
    lay = layout_of(fmt)
    names = [n for n in wb.defined_names if n.startswith("NB_")]
    assert len(names) == len(set(names)) == len(lay.fields)
    for f in lay.fields.values():
        dn = wb.defined_names[f.name]
        assert dn.localSheetId is None  # workbook scope
        assert dn.attr_text == f"'{f.sheet}'!${re.sub(r'[0-9]', '', f.cell)}${f.row}"
        assert list(dn.destinations) == [(f.sheet, f"${re.sub(r'[0-9]', '', f.cell)}${f.row}")]
    statutory = [f for f in lay.fields.values() if f.statutory]
    assert len(statutory) == STATUTORY_FIELDS[fmt]
    assert wb.defined_names["NB_t3_new_natural"].attr_text == "'三、依申请公开'!$D$6"


@pytest.mark.parametrize("fmt", FORMATS)
def test_inputs_unlocked_and_distinct_everything_else_locked(templates, fmt):
    wb = templates[fmt]
    lay = layout_of(fmt)
    for sheet in lay.sheets:
        ws = wb[sheet.name]
        inputs = {(f.row, f.col) for f in sheet.fields}
        # a table's 备注 input is merged across the table: the whole range is the input
        inputs |= {(f.row, c) for f in sheet.fields if f.kind == "text" and sheet.kind == "table"
                   for c in range(f.col, sheet.last_col + 1)}
        assert ws.protection.sheet and ws.protection.password is None
        assert ws.protection.formatColumns is False and ws.protection.formatRows is False
        for f in sheet.fields:
            cell = ws.cell(f.row, f.col)
            assert cell.protection.locked is False, f.id
            assert cell.fill.fgColor.rgb.endswith("FFF2CC"), f.id
            if f.kind == "text":
                assert cell.alignment.wrap_text
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row + 2, max_col=ws.max_column + 2):
            for cell in row:
                if (cell.row, cell.column) not in inputs:
                    assert cell.protection.locked, (sheet.name, cell.coordinate)
                    assert not cell.fill.fgColor.rgb.endswith("FFF2CC")
        # (text rows fit what is typed: see test_text_rows_fit_what_is_typed)


_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("fmt", FORMATS)
def test_validation_on_every_numeric_input_by_kind(templates, fmt):
    wb = templates[fmt]
    for sheet in layout_of(fmt).sheets:
        ws = wb[sheet.name]
        dvs = ws.data_validations.dataValidation
        groups = {("year" if f.id == "meta.year" else f.kind, f.unit)
                  for f in sheet.fields if f.kind != "text"}
        assert len(dvs) == len(groups)  # one validation per kind, not one per cell
        for f in sheet.fields:
            covering = [dv for dv in dvs if f.cell in dv.sqref]
            if f.kind == "text":
                assert covering == []
                continue
            [dv] = covering
            assert dv.showErrorMessage and dv.allow_blank and dv.errorStyle == "stop"
            assert _CHINESE.search(dv.errorTitle) and _CHINESE.search(dv.error)
            if f.id == "meta.year":
                assert (dv.type, dv.operator) == ("whole", "between")
                assert (dv.formula1, dv.formula2) == ("2000", "2100")
            elif f.kind == "count":
                assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
                assert dv.errorTitle == "请输入不小于 0 的整数"
            elif f.kind == "signed":
                assert dv.type == "whole" and dv.operator == "between"
                assert int(dv.formula1) < -1_000_000 and int(dv.formula2) > 1_000_000
            elif f.kind == "money":
                assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
            else:
                pytest.fail(f"unexpected kind {f.kind}")


def test_the_table3_sheet_has_a_single_count_validation_over_all_175_cells(templates):
    ws = templates["2021"]["三、依申请公开"]
    [dv] = ws.data_validations.dataValidation
    assert sum(r.size["rows"] * r.size["columns"] for r in dv.sqref.ranges) == 175


@pytest.mark.parametrize("fmt", FORMATS)
def test_hidden_meta_sheet(templates, fmt):
    ws = templates[fmt][META_SHEET]
    rows = {k: v for k, v in ws.iter_rows(values_only=True)}
    assert rows == {"format": fmt, "template_version": TEMPLATE_VERSION, "year": str(YEARS[fmt]),
                    "unit": "某区人民政府办公室", "generator": f"nianbao {__version__}"}
    assert ws.sheet_state == "hidden"


@pytest.mark.parametrize("fmt", FORMATS)
def test_meta_items_prefilled(templates, fmt):
    ws = templates[fmt][INFO_SHEET]
    lay = layout_of(fmt)
    got = {f.id: ws[f.cell].value for f in lay.fields.values() if f.table == "meta"}
    assert got == {"meta.unit": "某区人民政府办公室", "meta.year": YEARS[fmt], "meta.contact": "张三",
                   "meta.phone": "0571-12345678", "meta.date": "2022年1月10日",
                   "meta.address": None, "meta.postcode": None, "meta.email": None,
                   "meta.website": None, "meta.document_date": None}
    fmt_label = next(lb for lb in lay.sheet(INFO_SHEET).labels if lb.text == "报告格式")
    assert get_format(fmt).basis in ws.cell(fmt_label.row, 2).value


def test_unknown_meta_item_or_format_is_refused():
    with pytest.raises(TypeError, match="contakt"):
        build_template("2021", contakt="张三")
    with pytest.raises(UnknownFormat):
        build_template("2018")


def test_blank_template_leaves_meta_blank():
    wb = build_template("2021")
    lay = layout_of("2021")
    # every input blank but the text parts' headings, which offer the standard ones
    assert all(wb[f.sheet][f.cell].value == f.default for f in lay.fields.values())
    headings = [f for f in lay.fields.values() if f.default]
    assert headings and all(f.id.endswith(".heading") for f in headings)
    assert {k: v for k, v in wb[META_SHEET].iter_rows(values_only=True)}["year"] is None


# ---- native checks --------------------------------------------------------------------------
_REF = re.compile(r"(?:'((?:[^']|'')+)'!)?\$?([A-Z]{1,3})\$?([0-9]+)")


def _refs(expr: str, sheet: str) -> list[tuple[str, str]]:
    return [(s.replace("''", "'") if s else sheet, f"{c}{r}") for s, c, r in _REF.findall(expr)]


def _calc_cells(expr: str) -> list[tuple[int, int]]:
    """The (row, column) of every cell of the calc-sheet ranges a SUM names."""
    out = []
    for a, b in re.findall(rf"'{CALC_SHEET}'!\$?([A-Z]+\$?[0-9]+)(?::\$?([A-Z]+\$?[0-9]+))?", expr):
        (r1, c1), (r2, c2) = parse_cell(a), parse_cell(b or a)
        out += [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_formulas_compare_the_rule_terms(templates, fmt):
    """Each ✔/✘ cell adds up its rule's terms as `check` reads them: their converted copies on
    the hidden calc sheet, each of which reads its own input cell."""
    wb = templates[fmt]
    lay = layout_of(fmt)
    checks = lay.checks()
    assert {c.rule.id for _, c in checks} == {"t3.row", "t3.total", "t3.balance", "t4.sum"}
    calc = wb[CALC_SHEET]
    for sheet, check in checks:
        formula = wb[sheet.name].cell(check.row, check.col).value
        m = re.fullmatch(r'=IF\((COUNTIF\(.+\))>0,"缺失",'
                         r'IFERROR\(IF\((SUM\(.+\))=(SUM\(.+\)),"✔","✘"\),"✘"\)\)', formula)
        assert m, formula
        # 「缺失」 when any term is missing (an imported report lacked it): the same cells
        assert sorted(_calc_cells(m.group(1))) == sorted(
            calc_address(lay, t.lstrip("-")) for t in check.left + check.right)
        for expr, terms in zip(m.groups()[1:], (check.left, check.right)):
            cells = _calc_cells(expr)
            assert sorted(cells) == sorted(calc_address(lay, t) for t in terms)
            for t, (r, c) in zip(sorted(terms, key=lambda t: calc_address(lay, t)), sorted(cells)):
                f = lay.fields[t]  # the copy reads the input
                assert calc.cell(r, c).value.startswith(f"=IF(ISNUMBER('{f.sheet}'!{f.cell}),")
    k6 = wb["三、依申请公开"]["K6"].value
    assert k6 == ('=IF(COUNTIF(\'_nianbao_calc\'!AH6:AN6,"缺失")>0,"缺失",'
                  'IFERROR(IF(SUM(\'_nianbao_calc\'!AN6)=SUM(\'_nianbao_calc\'!AH6:AM6),'
                  '"✔","✘"),"✘"))')
    cf = wb["三、依申请公开"].conditional_formatting
    red = [r for rng in cf for r in rng.rules if r.formula == ['"✘"']]
    assert red and red[0].dxf.font.color.rgb.endswith("C00000")


@pytest.mark.parametrize("fmt", FORMATS)
def test_status_area_lists_each_rule_with_check_cells(templates, fmt):
    wb = templates[fmt]
    ws = wb[INFO_SHEET]
    lay = layout_of(fmt)
    titles = [c.rule.title for _, c in lay.checks()]
    wanted = list(dict.fromkeys(titles))
    for rule_title in wanted:
        [cell] = [c for row in ws.iter_rows(max_col=1) for c in row if c.value == rule_title]
        formula = ws.cell(cell.row, 2).value
        # 「未填写」 until the rule's sheet holds a value, then the count of its ✘ cells
        assert formula.startswith('=IF(COUNTA(') and '"未填写",IF(AND((COUNTIF(' in formula
        assert '"✘"' in formula
    total = wb.defined_names[CHECK_NAME_PREFIX + "all"]
    [(sheet, ref)] = list(total.destinations)
    formula = ws[ref.replace("$", "")].value
    assert sheet == INFO_SHEET and "全部通过" in formula and '"未填写"' in formula
    # every table's input cells are counted, and only they
    counted = set(re.findall(r"'([^']+)'!\$", formula.split("SUM(")[0]))
    assert counted == {s.name for s in lay.sheets if s.kind == "table"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_print_setup(templates, fmt):
    wb = templates[fmt]
    for sheet in layout_of(fmt).sheets:
        ws = wb[sheet.name]
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)  # 9 = A4
        # a table on one page; texts and 基本信息 as many pages down as they need
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == (1 if sheet.kind == "table" else 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_options.horizontalCentered
        landscape = sheet.name in ("三、依申请公开", "四、复议诉讼")
        assert ws.page_setup.orientation == ("landscape" if landscape else "portrait")
        assert ws.print_area
    assert wb["三、依申请公开"].freeze_panes == "D6"
    assert wb["三、依申请公开"].print_title_rows == "$1:$5"
    assert wb["四、复议诉讼"].freeze_panes == "B6"


# ---- filling --------------------------------------------------------------------------------
def _full_report(fmt: str) -> Report:
    report = consistent_report(fmt, seed=3)
    report.meta.contact, report.meta.phone, report.meta.date = "李四", "12345", "2022-01-20"
    for f in layout_of(fmt).fields.values():
        if f.kind == "text" and f.table != "meta":
            report.texts[f.id] = f"{f.labels[0]}：第一段。\n第二段，共 9 件。"
    if fmt == "2021":
        report["s6.fee_notices"] = 2
        report["s6.fee_amount"] = 12.5
    return report


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_report_puts_every_value_at_its_field(tmp_path, fmt):
    report = _full_report(fmt)
    report["t3.denied_3.legal"] = Invalid("三件")
    report["t3.denied_4.legal"] = None
    path = write_report(report, tmp_path / "out.xlsx")
    assert path == tmp_path / "out.xlsx"
    wb = openpyxl.load_workbook(path)
    for f in layout_of(fmt).fields.values():
        cell = wb[f.sheet][f.cell]
        if f.table == "meta":
            want = getattr(report.meta, f.id.split(".")[1]) or None
        elif f.kind == "text":
            want = report.texts[f.id] or None
        else:
            want = report.values[f.id]
            want = want.raw if isinstance(want, Invalid) else want
        assert cell.value == want, f.id
        if isinstance(want, (int, float)):
            assert cell.data_type == "n" and type(cell.value) is type(want), f.id
    meta = {k: v for k, v in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta["year"] == str(report.meta.year) and meta["unit"] == report.meta.unit


def test_strings_never_become_formulas(tmp_path):
    report = Report.empty("2021", unit="=HYPERLINK(\"http://x\",\"点我\")", year=2021)
    report["t3.new.natural"] = Invalid("=1+2")
    report["t3.new.business"] = Invalid("+3")
    report["t3.new.research"] = Invalid("-4")
    report["t3.new.nonprofit"] = Invalid("@SUM(A1)")
    report.texts["s1.overview"] = "=cmd|' /C calc'!A0"
    report.texts["s5.plans"] = "-一、加强培训\x0b。"  # a control character from a PDF copy
    wb = openpyxl.load_workbook(write_report(report, tmp_path / "x.xlsx"))
    lay = layout_of("2021")
    expected = {"meta.unit": report.meta.unit, "t3.new.natural": "=1+2", "t3.new.business": "+3",
                "t3.new.research": "-4", "t3.new.nonprofit": "@SUM(A1)",
                "s1.overview": "=cmd|' /C calc'!A0", "s5.plans": "-一、加强培训。"}
    for fid, text in expected.items():
        cell = wb[lay.fields[fid].sheet][lay.fields[fid].cell]
        assert cell.value == text and cell.data_type == "s", fid
        assert cell.quotePrefix, fid


def test_fill_workbook_refuses_a_template_of_another_format():
    with pytest.raises(ValueError, match="2019"):
        fill_workbook(build_template("2019"), Report.empty("2021"))


def test_new_workbook_replaces_atomically(tmp_path):
    path = tmp_path / "sub" / "t.xlsx"
    new_workbook(path, "2021", year=2021)
    new_workbook(path, "2019", year=2020)
    assert [p.name for p in path.parent.iterdir()] == ["t.xlsx"]  # no temp file left behind
    assert openpyxl.load_workbook(path)[META_SHEET]["B1"].value == "2019"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", range(4))
def test_consistent_report_helper_satisfies_the_in_report_rules(fmt, seed):
    report = consistent_report(fmt, seed)
    assert report.format == fmt
    assert all(isinstance(v, (int, float)) for v in report.statutory().values())
    for fid, v in report.statutory().items():
        kind = layout_of(fmt).fields[fid].kind
        if kind == "money":
            assert isinstance(v, float) and v >= 0 and round(v, 4) == v
        else:
            assert isinstance(v, int) and (kind == "signed" or v >= 0)

    def value(term: str) -> float:
        return -report.number(term[1:]) if term.startswith("-") else report.number(term)

    for rule in report.spec.rules:
        if any(t.startswith(("prev:", "-prev:")) for t in rule.left + rule.right):
            continue
        for _, left, right in rule.instances():
            assert sum(map(value, left)) == sum(map(value, right)), (rule.id, left)


# ---- the bundled sample ---------------------------------------------------------------------
def test_committed_sample_workbook_holds_the_json():
    report = samples.load_sample("district-2021")
    wb = openpyxl.load_workbook(SAMPLE_DIR / "district-2021.xlsx")
    lay = layout_of(report.format)
    for f in lay.fields.values():
        got = wb[f.sheet][f.cell].value
        if f.table == "meta":
            want = getattr(report.meta, f.id.split(".")[1]) or None
        elif f.kind == "text":
            want = report.texts.get(f.id) or None
        else:
            want = report.values[f.id]
        assert got == want, f.id
    raw = json.loads((SAMPLE_DIR / "district-2021.json").read_text(encoding="utf-8"))
    assert Report.from_dict(raw).to_dict() == raw


def test_sample_json_holds_the_published_figures():
    r = samples.load_sample("district-2021")
    assert (r.format, r.meta.unit, r.meta.year) == ("2021", "某区人民政府办公室", 2021)
    nonzero = {k: v for k, v in r.statutory().items() if v}
    assert nonzero == {"t2.normative.issued": 1, "t2.normative.in_force": 16,
                       "t3.new.natural": 9, "t3.new.total": 9, "t3.granted.natural": 9,
                       "t3.granted.total": 9, "t3.total.natural": 9, "t3.total.total": 9,
                       "t4.review.corrected": 1, "t4.review.total": 1}
    assert None not in r.statutory().values()
    assert r.texts["s6.other"] == "无"
    assert "共收到信息公开申请9件" in r.texts["s1.request"]
    text = "".join(r.texts.values())
    # no compatibility radicals (⼀ ⼯ ⽹ …) or half-width punctuation left by over-normalising
    assert not re.search(r"[\u2e80-\u2fdf]", text)
    assert "，" in text and "：" in text  # full-width punctuation kept (whole-text NFKC breaks it)


def test_sample_build_reproduces_the_values(tmp_path):
    [path] = samples.build(tmp_path)
    fresh = openpyxl.load_workbook(path)
    committed = openpyxl.load_workbook(SAMPLE_DIR / "district-2021.xlsx")
    for f in layout_of("2021").fields.values():
        assert fresh[f.sheet][f.cell].value == committed[f.sheet][f.cell].value, f.id


# ---- LibreOffice computes the native checks -------------------------------------------------
def _expected_fails(fmt: str, fid: str) -> dict[str, set[str]]:
    """Check cells (per sheet) whose rule instance involves ``fid``: a +1 there breaks them."""
    out: dict[str, set[str]] = {}
    for sheet, c in layout_of(fmt).checks():
        if fid in {t.lstrip("-") for t in c.left + c.right}:
            out.setdefault(sheet.name, set()).add(c.cell)
    return out


PERTURB = {"t3": "t3.granted.business", "t4": "t4.review.upheld"}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """(written, recalculated by LibreOffice) for every case, converted in one soffice call."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    src = tmp_path_factory.mktemp("lo-src")
    out = tmp_path_factory.mktemp("lo-out")
    cases: dict[str, Path] = {}
    for fmt in FORMATS:
        cases[f"blank-{fmt}"] = new_workbook(src / f"blank-{fmt}.xlsx", fmt)
        cases[f"ok-{fmt}"] = write_report(consistent_report(fmt), src / f"ok-{fmt}.xlsx")
        for key, fid in PERTURB.items():
            report = consistent_report(fmt)
            report[fid] = report.number(fid) + 1
            cases[f"{key}-{fmt}"] = write_report(report, src / f"{key}-{fmt}.xlsx")
    injected = Report.empty("2021", year=2021)
    injected["t3.new.natural"] = Invalid("=1+2")
    injected.texts["s1.overview"] = "=1+2"
    cases["injected"] = write_report(injected, src / "injected.xlsx")
    cases["sample"] = SAMPLE_DIR / "district-2021.xlsx"
    convert(cases.values(), "xlsx", out, timeout=300)
    return {name: (p, out / p.name) for name, p in cases.items()}


def _check_values(fmt: str, path: Path) -> dict[str, dict[str, str]]:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {s.name: {c.cell: wb[s.name][c.cell].value for c in s.checks}
            for s in layout_of(fmt).sheets if s.checks}


def _status(written: Path, recalculated: Path) -> tuple[dict[str, int], str]:
    names = openpyxl.load_workbook(written).defined_names
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    counts, total = {}, None
    for name, dn in names.items():
        if name.startswith(CHECK_NAME_PREFIX):
            [(sheet, ref)] = list(dn.destinations)
            value = wb[sheet][ref.replace("$", "")].value
            if name == CHECK_NAME_PREFIX + "all":
                total = value
            else:
                counts[name[len(CHECK_NAME_PREFIX):]] = value
    return counts, total


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", ["blank", "ok"])
def test_libreoffice_all_checks_pass_on_consistent_data(recalculated, fmt, case):
    written, done = recalculated[f"{case}-{fmt}"]
    values = _check_values(fmt, done)
    assert sum(len(v) for v in values.values()) == len(layout_of(fmt).checks())
    for sheet, cells in values.items():
        assert set(cells.values()) == {CHECK_PASS}, sheet
    counts, total = _status(written, done)
    assert set(counts) == {"t3_row", "t3_total", "t3_balance", "t4_sum"}
    if case == "blank":  # nothing entered yet: no verdict, not 「全部通过」
        assert set(counts.values()) == {STATUS_BLANK} and total == STATUS_BLANK
    else:
        assert set(counts.values()) == {0}
        assert total == STATUS_ALL_PASSED


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", sorted(PERTURB))
def test_libreoffice_marks_exactly_the_broken_checks(recalculated, fmt, table):
    written, done = recalculated[f"{table}-{fmt}"]
    expected = _expected_fails(fmt, PERTURB[table])
    assert sum(map(len, expected.values())) == (2 if table == "t3" else 1)
    values = _check_values(fmt, done)
    failed = {s: {cell for cell, v in cells.items() if v == CHECK_FAIL}
              for s, cells in values.items()}
    assert {s: c for s, c in failed.items() if c} == expected
    assert all(v in (CHECK_PASS, CHECK_FAIL) for cells in values.values() for v in cells.values())
    counts, total = _status(written, done)
    by_rule: dict[str, int] = {}
    for sheet, c in layout_of(fmt).checks():
        if c.cell in expected.get(sheet.name, ()):
            key = c.rule.id.replace(".", "_")
            by_rule[key] = by_rule.get(key, 0) + 1
    assert {k: v for k, v in counts.items() if v} == by_rule
    assert total == f"✘ 有 {sum(by_rule.values())} 处未通过"


@pytest.mark.libreoffice
def test_libreoffice_keeps_formula_like_text_literal(recalculated):
    _, done = recalculated["injected"]
    wb = openpyxl.load_workbook(done, data_only=True)
    lay = layout_of("2021")
    for fid in ("t3.new.natural", "s1.overview"):
        assert wb[lay.fields[fid].sheet][lay.fields[fid].cell].value == "=1+2"


@pytest.mark.libreoffice
def test_libreoffice_sample_passes_every_check(recalculated):
    written, done = recalculated["sample"]
    for cells in _check_values("2021", done).values():
        assert set(cells.values()) == {CHECK_PASS}
    assert _status(written, done)[1] == STATUS_ALL_PASSED


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", FORMATS)
def test_printed_workbook_one_page_a_sheet_whole_texts(tmp_path, fmt):
    """Printed through LibreOffice: each sheet on one page (表三 too), and a long narrative
    printed whole, not cut off at a fixed row height."""
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or poppler-utils not installed")
    report = consistent_report(fmt, seed=3)
    long_text = "".join(f"第{i}项工作稳步推进，群众满意度持续提升。" for i in range(1, 31))
    report.texts["s1.overview"] = long_text  # about 600 characters
    report.texts["s1.active.heading"] = "（一）主要做法"
    path = write_report(report, tmp_path / "年报.xlsx")
    (pdf,) = convert([path], "pdf", tmp_path)
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    visible = [s.name for s in layout_of(fmt).sheets] + [PREVIEW_SHEET]
    assert len(pages) == len(visible)
    flat = [re.sub(r"\s+", "", p) for p in pages]
    t3 = next(p for p in flat if "一、本年新收政府信息公开申请数量" in p)
    assert "四、结转下年度继续办理" in t3
    texts_page = next(p for p in flat if "一、总体情况" in p and "（一）主要做法" in p)
    assert long_text in texts_page


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_rows_fit_what_is_typed(templates, fmt):
    """A blank text row has no fixed height (Excel, WPS and LibreOffice grow it as the clerk
    types); a filled one is as tall as its text needs, up to Excel's limit."""
    lay = layout_of(fmt)
    texts = [f for f in lay.fields.values() if f.kind == "text" and f.table != HEADINGS
             and lay.sheet(f.sheet).kind == "texts"]
    for f in texts:
        assert templates[fmt][f.sheet].row_dimensions[f.row].height is None, f.id
    report = consistent_report(fmt)
    short, long = texts[0], texts[1]
    report.texts[short.id] = "简短。"
    report.texts[long.id] = "很长的一段文字。" * 120  # 960 characters
    wb = build_template(fmt)
    fill_workbook(wb, report)
    short_h = wb[short.sheet].row_dimensions[short.row].height
    long_h = wb[long.sheet].row_dimensions[long.row].height
    assert short_h < long_h <= 409
    # 960 characters of about two units each in a column 90 wide: 22 lines of 11 pt at least
    width = wb[long.sheet].column_dimensions["B"].width
    assert long_h >= math.ceil(960 * 2 / width) * 11 * 1.2


# ---- what the workbook says about the report (issue 26) -------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_workbook_says_which_paragraphs_nianbao_writes(templates, fmt):
    """Beside each text cell: whether nianbao writes a paragraph where it is left empty; and a
    sheet 「将生成的文字」 listing each such paragraph, the cell whose own text replaces it, and
    the text itself (NB_NARRATIVE, from the add-in)."""
    from nianbao.layout import generated_parts, generated_places, sheet_ranges

    wb = templates[fmt]
    lay = layout_of(fmt)
    parts = generated_parts(fmt)
    assert {"preamble", "s1.active", "s1.request", "s4", "s6.other"} <= parts
    texts = [f for f in lay.fields.values() if f.kind == "text" and lay.sheet(f.sheet).kind == "texts"
             and f.table != HEADINGS]
    for f in texts:
        note = wb[f.sheet].cell(f.row, 3).value
        if f.id == "s6.other":
            assert "只填「无」时印为" in note and "留空时不印" in note
        elif f.id in parts:
            assert note.startswith("留空时由 nianbao 生成一段") and "将生成的文字" in note, f.id
        else:
            assert note == "留空时年报中不印此部分", f.id
    # 四's paragraph before the table: a cell of its own, said to be generated when empty
    lead = lay.fields["s4.lead"]
    label = wb[lead.sheet].cell(lead.row, 1).value
    assert label.startswith("表前说明") and "据本表生成" in label
    # the preview sheet
    ws = wb[PREVIEW_SHEET]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True)]
    places = generated_places(fmt)
    assert len(rows) == len(places) >= 5
    for (_, cell, formula), p in zip(rows, places):
        f = lay.fields[p.field]
        assert cell.startswith(f"{f.sheet}!{f.cell}")
        assert formula == (f'=IFERROR(NB_NARRATIVE("{p.part}",{",".join(sheet_ranges(fmt))}),'
                           '"（在装有年报加载项的 Excel 中于此显示；也可运行 nianbao report 生成年报查看）")')
    links = [c.hyperlink.location for row in ws.iter_rows(min_row=5, min_col=2, max_col=2)
             for c in row]
    assert links == [f"'{lay.fields[p.field].sheet}'!{lay.fields[p.field].cell}" for p in places]
    assert ws.protection.sheet
    # nothing cut off in print: a link never wraps in LibreOffice, so the link cell holds the
    # address alone, on one line, and what is said of it goes under the part's name
    # (「六、其他事项!B3（其中写到这一内容时不再生成）」 was cut at 「…内容时不再」); every cell
    # wraps, in a row as tall as its texts need
    from nianbao.xlsx_writer import BASE_SIZE, PREVIEW_WIDTHS, text_height
    one_line = text_height("", 1, BASE_SIZE)
    for r, row in enumerate(ws.iter_rows(min_row=5, max_col=3), start=5):
        assert all(c.alignment.wrap_text for c in row), r
        assert text_height(row[1].value, PREVIEW_WIDTHS[1], BASE_SIZE) == one_line, row[1].value
        need = max(text_height(str(c.value), PREVIEW_WIDTHS[i], BASE_SIZE)
                   for i, c in enumerate(row[:2]))
        assert ws.row_dimensions[r].height >= need, r
    mentioned = [row[0].value for row in ws.iter_rows(min_row=5, max_col=1)
                 if "其中写到这一内容时不再生成" in row[0].value]
    assert mentioned and all("\n（其中写到" in v for v in mentioned)


@pytest.mark.libreoffice
def test_libreoffice_shows_where_to_see_the_preview(recalculated):
    """Without the add-in (LibreOffice here, WPS, an Excel without it) the preview cells say
    where to see the text, never an error value."""
    _, done = recalculated["ok-2021"]
    ws = openpyxl.load_workbook(done, data_only=True)[PREVIEW_SHEET]
    shown = [r[2] for r in ws.iter_rows(min_row=5, values_only=True)]
    assert shown and all(v.startswith("（在装有年报加载项的 Excel 中于此显示") for v in shown)


@pytest.mark.parametrize("fmt", FORMATS)
def test_basic_information_says_what_goes_on_the_web(templates, fmt):
    """Phone, e-mail and address are printed in the published report: the sheet says so beside
    them; 成文日期 is a cell of its own (the 落款's date, not 填报日期); the 导语 a text cell."""
    ws = templates[fmt][INFO_SHEET]
    lay = layout_of(fmt)
    notes = {f.id: ws.cell(f.row, 3).value for f in lay.fields.values() if f.sheet == INFO_SHEET}
    for item in get_format(fmt).meta:
        note = notes[f"meta.{item.key}"]
        assert ("公开发布" in note) == item.published, item.key
    assert "不要填个人手机" in notes["meta.phone"] and "不要填个人邮箱" in notes["meta.email"]
    assert notes["meta.date"].startswith("不印入年报") and notes["meta.contact"].startswith("不印入年报")
    date = lay.fields["meta.document_date"]
    assert ws.cell(date.row, 1).value == "成文日期" and "落款" in notes["meta.document_date"]
    assert ws.cell(lay.fields["preamble"].row, 1).value == "导语"
    # added below 报告格式: an older workbook's rows stay where they were
    fmt_row = next(lb.row for lb in lay.sheet(INFO_SHEET).labels if lb.text == "报告格式")
    assert date.row == fmt_row + 1 and lay.fields["preamble"].row == fmt_row + 2
    assert date.since == lay.fields["preamble"].since == 3 == int(TEMPLATE_VERSION)
    # a one-line item keeps a one-line row (the note beside it wraps to two at most); the 导语
    # has room for a paragraph
    unit_row = lay.fields["meta.unit"].row
    assert (ws.row_dimensions[unit_row].height or 15) < 40
    assert ws.row_dimensions[lay.fields["preamble"].row].height >= 60
    # the add-in's result cell says what it is for, rather than standing as an empty box
    area = lay.status
    assert "校验" in ws[area.run_cell].value


def test_a_workbook_of_template_version_2_still_reads():
    """A workbook made before 成文日期 and 导语 had cells reads as before, those blank — and
    the report's 落款 then asks for the date (meta.document_date)."""
    from nianbao import check
    from nianbao.reader import read_report
    from nianbao.samples.build import load_sample

    old = read_report(Path(__file__).parent / "data" / "template-v2-district-2021.xlsx")
    assert old.origin["template_version"] == "2"
    assert not [f for f in old.findings if f.severity == "error"]
    sample = load_sample("district-2021")
    assert old.values == sample.values
    assert old.meta.document_date == "" and old.texts["preamble"] == "" == old.texts["s4.lead"]
    assert [f.rule for f in check(old) if f.rule.startswith("meta.")] == ["meta.document_date"]
    warning = check(old).by_rule("meta.document_date")[0]
    assert warning.severity == "warning" and "成文日期" in warning.message


@pytest.mark.parametrize("fmt", FORMATS)
def test_money_cells_show_money_as_the_report_prints_it(templates, fmt):
    from nianbao.xlsx_writer import money_number_format

    lay = layout_of(fmt)
    money = [f for f in lay.fields.values() if f.kind == "money"]
    assert money
    for f in money:
        assert templates[fmt][f.sheet][f.cell].number_format == money_number_format(f.unit)
    assert money_number_format("万元") == "0.00####;-0.00####;0"  # 0 shows 「0」, not 「0.0000」
    assert money_number_format("元") == "0.00;-0.00;0"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_label_fits_its_cell_without_a_lone_character(templates, fmt):
    """Labels are written with their line breaks (where the meaning allows, else evenly): no line
    wider than its cell — so Excel, WPS and LibreOffice add no break of their own — and no line
    of one character (「…不计其他情形 /）」「三、本年度办理结 / 果」)."""
    from nianbao.xlsx_writer import LABEL_LOOKS, _units

    for sheet in layout_of(fmt).sheets:
        ws = templates[fmt][sheet.name]
        for lb in sheet.labels:
            if lb.style in ("title", "note") or not lb.text or len(lb.text) > 32:
                continue  # prose wraps by itself
            width = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width
                        for c in range(lb.col, (lb.last_col or lb.col) + 1))
            size = LABEL_LOOKS[lb.style].size
            lines = ws.cell(lb.row, lb.col).value.split("\n")
            for line in lines:
                assert _units(line) * size / 11 <= width - 1.5, (sheet.name, lb.text, line)
                if len(lines) > 1:
                    assert len(line) > 1, (sheet.name, lb.text, lines)
    t3 = templates[fmt][_sheet_of(fmt, "t3")]
    band = next(c.value for row in t3.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.replace("\n", "") == "三、本年度办理结果")
    assert band == "三、本年度\n办理结果"


@pytest.mark.parametrize("fmt", FORMATS)
def test_table4s_row_of_numbers_is_labelled_in_the_workbook(templates, fmt):
    ws = templates[fmt][_sheet_of(fmt, "t4")]
    row = {f.row for f in _fields(fmt, "t4")}.pop()
    assert ws.cell(row, 1).value == "本年度件数"


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_sheets_rows_tall_enough_for_a_heading(templates, fmt):
    """A blank text's row has no height of its own (it grows as the clerk types), and the sheet's
    default is tall enough for a heading in LibreOffice (whose 15 pt cut 「上年问题改进情况」)."""
    for sheet in layout_of(fmt).sheets:
        if sheet.kind == "texts":
            ws = templates[fmt][sheet.name]
            assert ws.sheet_format.defaultRowHeight >= 20


@pytest.mark.libreoffice
def test_printed_workbook_money_and_labels(tmp_path):
    """Printed through LibreOffice: money as the report prints it (「0」「1234.5678」「150.50」,
    never 「0.0000」 or 「.50」); no label line of one character; 表四's row labelled."""
    if shutil.which("pdftotext") is None or shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) or poppler-utils not installed")
    r = consistent_report("2021", seed=2)
    r["t2.fees.amount"], r["s6.fee_amount"], r["s6.fee_notices"] = 1234.5678, 150.5, 1
    zero = consistent_report("2021", seed=2)
    zero["t2.fees.amount"] = 0
    paths = [write_report(r, tmp_path / "money.xlsx"), write_report(zero, tmp_path / "zero.xlsx")]
    convert(paths, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "money.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "1234.5678" in text and "150.50" in text and "本年度件数" in text
    zero_text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "zero.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
    assert "0.0000" not in zero_text and not re.search(r"(?<![\d])\.\d\d", zero_text)
    lines = [ln.strip() for ln in text.splitlines()]
    for lone in ("）", "果", "人"):
        assert lone not in lines
