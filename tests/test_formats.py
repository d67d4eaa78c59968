"""The declarations against the statutory format (spec/formats.md), independent of any workbook."""
from __future__ import annotations

import pytest

from nianbao import FORMATS, get_format, layout_of
from nianbao.formats import format_for_year

# Copied from the State Council format so that a wrong declaration cannot pass by agreeing with itself.
T3_ROWS_2021 = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
    "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他",
    "（七）总计", "四、结转下年度继续办理",
]
T3_ROWS_2019 = T3_ROWS_2021[:20] + ["（六）其他处理"] + T3_ROWS_2021[23:]
T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T4_COLUMNS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
T2_ROWS = {
    "2021": ["规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"],
    "2019": ["规章", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
             "行政事业性收费", "政府集中采购"],
}


@pytest.mark.parametrize("fid,rows", [("2021", T3_ROWS_2021), ("2019", T3_ROWS_2019)])
def test_table3_rows_and_columns(fid, rows):
    block = get_format(fid).table("t3").blocks[0]
    assert [r.labels[-1] for r in block.rows] == rows
    assert [c.labels[-1] for c in block.columns] == T3_COLUMNS
    assert block.corner == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@pytest.mark.parametrize("fid", FORMATS)
def test_table4_and_table2(fid):
    fmt = get_format(fid)
    cols = fmt.table("t4").blocks[0].columns
    assert [c.labels[-1] for c in cols] == T4_COLUMNS
    assert [c.labels[:-1] for c in cols[::5]] == [("行政复议",), ("行政诉讼", "未经复议直接起诉"),
                                                  ("行政诉讼", "复议后起诉")]
    assert [r.labels[0] for b in fmt.table("t2").blocks for r in b.rows] == T2_ROWS[fid]


@pytest.mark.parametrize("fid,count", [("2021", 200), ("2019", 198)])
def test_field_count_and_ids(fid, count):
    lay = layout_of(fid)
    fields = lay.statutory_fields()
    assert len(fields) == count
    names = [f.name for f in lay.fields.values()]
    assert len(set(n.lower() for n in names)) == len(names)  # Excel names ignore case
    cells = [(f.sheet, f.cell) for f in lay.fields.values()]
    assert len(set(cells)) == len(cells)


@pytest.mark.parametrize("fid", FORMATS)
def test_every_rule_term_names_a_field(fid):
    lay = layout_of(fid)
    for rule in get_format(fid).rules:
        instances = rule.instances()
        assert instances, rule.id
        for _, left, right in instances:
            for term in left + right:
                name = term.lstrip("-").removeprefix("prev:")
                assert name in lay.fields, (rule.id, term)


def test_rule_ids_are_shared_across_formats():
    ids = {fid: {r.id for r in get_format(fid).rules} for fid in FORMATS}
    # tables 3 and 4 are printed alike and share their rules; table 2 differs, and so do its
    # cross-year rules (issue 16: the 2019 format's are inferred from its columns)
    t2 = {fid: {r.id for r in get_format(fid).rules if r.table == "t2"} for fid in FORMATS}
    assert ids["2019"] - t2["2019"] == ids["2021"] - t2["2021"]
    assert t2 == {"2021": {"t2.stock"}, "2019": {"t2.public_total", "t2.items"}}


def test_stable_ids_for_cross_year_rules():
    a, b = layout_of("2019").fields, layout_of("2021").fields
    assert {k for k in a if k.startswith("t3.carry_forward.")} == {
        k for k in b if k.startswith("t3.carry_forward.")}


def test_format_for_year():
    assert format_for_year(2020).id == "2019"
    assert format_for_year(2021).id == "2021"
    assert format_for_year(2030).id == "2021"


def test_labels_in_fields_json_shape():
    f = layout_of("2021").fields["t3.unavailable_1.natural"]
    assert f.labels == ("（四）无法提供", "1.本机关不掌握相关政府信息", "自然人")
    assert f.name == "NB_t3_unavailable_1_natural"
    assert layout_of("2021").fields["t2.rules.issued"].labels == ("第二十条第（一）项", "规章",
                                                                  "本年制发件数")


def test_layout_places_check_cells_only_under_the_block_they_check():
    """A declared rule on one block of a multi-block table (a future format's kind of rule)."""
    from dataclasses import replace

    from nianbao.formats.model import Rule

    base = get_format("2021")
    extra = Rule("t2.demo", "sum", "error", "演示校验", "演示", ("t2.normative.{col}",),
                 ("t2.rules.{col}",), each=(("col", ("issued", "repealed", "in_force")),),
                 place="row", table="t2")
    lay = layout_of(replace(base, id="test-2021", rules=base.rules + (extra,)))
    sheet = lay.sheet("二、主动公开")
    below = lay.fields["t2.normative.issued"].row + 1
    cells = {(c.row, c.col) for c in sheet.checks if c.rule.id == "t2.demo"}
    assert cells == {(below, lay.fields[f"t2.normative.{k}"].col)
                     for k in ("issued", "repealed", "in_force")}
    assert next(lb for lb in sheet.labels if lb.text == "演示校验").row == below
    # the blocks below moved down by the one check row; nothing was added under them
    assert (lay.fields["t2.licensing.decisions"].row
            == layout_of("2021").fields["t2.licensing.decisions"].row + 1)
    assert len(sheet.checks) == 3


def test_layout_refuses_two_check_cells_in_one_place():
    from dataclasses import replace

    from nianbao.formats.model import Rule

    base = get_format("2021")
    clash = Rule("t2.clash", "sum", "error", "冲突", "演示", ("t2.{row}.in_force",),
                 ("t2.{row}.issued",), each=(("row", ("rules", "normative")),), place="row",
                 table="t2")
    with pytest.raises(ValueError, match="t2.clash"):
        layout_of(replace(base, id="test-clash", rules=base.rules + (clash,)))
