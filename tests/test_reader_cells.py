"""Issue 17, reading the workbook: what real tables put into number cells — money in the other
unit (11), a number with a note (12), 「/」 and 「—」 for none (17) — read from real .xlsx files."""
from __future__ import annotations

import openpyxl
import pytest

from nianbao import check
from nianbao.formats import get_format
from nianbao.layout import layout_of
from nianbao.reader import read_report
from nianbao.samples import sample_path


def typed(tmp_path, fmt_sheet_cells: dict[str, str], source=None):
    """The bundled sample with ``{field id: text}`` typed into its cells, read back."""
    wb = openpyxl.load_workbook(source or sample_path())
    fields = layout_of("2021").fields
    for fid, raw in fmt_sheet_cells.items():
        f = fields[fid]
        wb[f.sheet][f.cell] = raw
        wb[f.sheet][f.cell].data_type = "s"
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    return path


def one(findings, code):
    (f,) = [f for f in findings if f.rule == code]
    return f


# -- 11. money units ----------------------------------------------------------------------------
def test_11_yuan_in_a_wanyuan_cell_is_converted_and_said(tmp_path):
    path = typed(tmp_path, {"t2.fees.amount": "5000元"})
    r = read_report(path)
    assert r["t2.fees.amount"] == 0.5  # 5000 元 = 0.5 万元, never 5000 万元
    f = one(r.findings, "read.unit")
    assert (f.severity, f.sheet, f.cell) == ("notice", "二、主动公开", "B19")
    assert "5000元" in f.message and "万元" in f.message and "0.5" in f.message


def test_11_wanyuan_in_a_yuan_cell_is_converted(tmp_path):
    r = read_report(typed(tmp_path, {"s6.fee_amount": "1.2万元", "s6.fee_notices": "3"}))
    assert r["s6.fee_amount"] == 12000
    assert one(r.findings, "read.unit").cell == "B5"


def test_11_a_unit_of_the_cell_itself_is_only_stripped(tmp_path):
    r = read_report(typed(tmp_path, {"t2.fees.amount": "1.2万元", "s6.fee_amount": "300元"}))
    assert (r["t2.fees.amount"], r["s6.fee_amount"]) == (1.2, 300)
    assert not [f for f in r.findings if f.rule == "read.unit"]


def test_11_money_in_a_count_cell_is_refused(tmp_path):
    r = read_report(typed(tmp_path, {"t3.new.natural": "9元"}))
    assert one(r.findings, "read.invalid").cell == "D6"


def test_11_the_2019_format_asks_for_procurement_in_yuan_and_prints_the_unit():
    (block,) = [b for b in get_format("2019").table("t2").blocks if b.key == "art20_9"]
    amount = block.columns[1]
    assert amount.unit == "元"
    assert block.header_paths()[1] == ("采购总金额（单位：元）",)
    # the 2021 format's label names its unit already: printed as the statute prints it
    (fees,) = [b for b in get_format("2021").table("t2").blocks if b.key == "art20_8"]
    assert fees.header_paths() == [("本年收费金额（单位：万元）",)]


# -- 12. notes in number cells ------------------------------------------------------------------
@pytest.mark.parametrize("raw,value,note", [
    ("16（其中修订2件）", 16, "其中修订2件"),
    ("16 (含上年度结转数量)", 16, "含上年度结转数量"),
    ("１６件（其中新制定14件）", 16, "其中新制定14件"),
])
def test_12_a_number_with_a_note_reads_the_number_and_keeps_the_note(tmp_path, raw, value, note):
    path = typed(tmp_path, {"t2.normative.in_force": raw})
    r = read_report(path)
    assert r["t2.normative.in_force"] == value
    f = one(r.findings, "read.note")
    assert (f.severity, f.cell, f.actual) == ("notice", "D6", raw)
    assert note in f.message
    assert check(path).errors == 0


def test_12_a_note_without_a_number_is_still_an_error(tmp_path):
    r = read_report(typed(tmp_path, {"t2.normative.in_force": "（见说明）"}))
    assert one(r.findings, "read.invalid").severity == "error"


# -- 17. 「/」 and 「—」 ----------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["/", "—", "——", "－", "／"])
def test_17_a_dash_means_none_a_notice_not_an_error(tmp_path, raw):
    path = typed(tmp_path, {"t3.denied_1.natural": raw})
    res = check(path)
    assert res.errors == 0
    f = one(res, "read.dash")
    assert (f.severity, f.sheet, f.cell) == ("notice", "三、依申请公开", "D10")
    assert res.report["t3.denied_1.natural"] is None
    assert not [g for g in res if g.rule in ("read.blank", "value.blank") and g.cell == "D10"]


# -- 12. each table's 备注, printed under the table ----------------------------------------------
NOTE = "注：含上年度结转数量"


def test_12_each_table_has_a_note_input_under_it(tmp_path):
    from nianbao.report import Report
    from nianbao.xlsx_writer import write_report

    lay = layout_of("2021")
    for key, sheet in (("s2.note", "二、主动公开"), ("s3.note", "三、依申请公开"), ("s4.note", "四、复议诉讼")):
        f = lay.fields[key]
        table_rows = [g.row for g in lay.sheet(sheet).fields if g.statutory]
        assert f.sheet == sheet and f.kind == "text" and f.row > max(table_rows)
    r = Report.empty("2021", unit="某区", year=2021)
    r.texts["s4.note"] = NOTE
    path = write_report(r, tmp_path / "备注.xlsx")
    wb = openpyxl.load_workbook(path)
    f = lay.fields["s4.note"]
    assert wb[f.sheet].cell(f.row, 1).value == "备注"
    assert wb[f.sheet].cell(f.row, f.col).protection.locked is False
    assert read_report(path).texts["s4.note"] == NOTE


def test_12_a_workbook_made_before_the_note_row_still_reads(tmp_path):
    lay = layout_of("2021")
    wb = openpyxl.load_workbook(sample_path())
    for key in ("s2.note", "s3.note", "s4.note"):
        f = lay.fields[key]
        wb[f.sheet].unmerge_cells(start_row=f.row, start_column=f.col, end_row=f.row,
                                  end_column=lay.sheet(f.sheet).last_col)
        wb[f.sheet].cell(f.row, 1).value = None
    path = tmp_path / "旧.xlsx"
    wb.save(path)
    res = check(path)
    assert res.errors == 0 and not res.by_rule("read.label_moved")


def test_12_the_word_report_prints_the_note_under_its_table(tmp_path):
    from docx import Document

    from nianbao.document import render_report
    from nianbao.samples.build import load_sample

    r = load_sample("district-2021")
    r.texts["s4.note"] = NOTE
    out = render_report(r, tmp_path / "年报.docx")
    body = Document(out).element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    kinds = [(el.tag.rsplit("}", 1)[1], "".join(t.text or "" for t in el.iter(f"{w}t")))
             for el in body]
    tables = [i for i, (tag, _) in enumerate(kinds) if tag == "tbl"]
    assert kinds[tables[-1] + 1] == ("p", NOTE)  # right under 表四
    assert sum(text == NOTE for _, text in kinds) == 1
