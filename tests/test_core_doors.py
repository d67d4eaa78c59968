"""The core behind many doors: missing ≠ blank ≠ 0, the batch entry point that never raises,
and one marking plan painted by openpyxl (the add-in paints the same plan with xlwings)."""
from __future__ import annotations

import hashlib
import json

import openpyxl
from click.testing import CliRunner
from helpers import consistent_report

import nianbao
from nianbao import check, check_many
from nianbao.cli import main
from nianbao.findings import Finding, Findings
from nianbao.layout import layout_of
from nianbao.marks import FILLS, cells_named, plan_marks
from nianbao.narrative import render_narratives
from nianbao.places import place
from nianbao.report import MISSING, Report
from nianbao.xlsx_writer import write_report

T3 = "三、依申请公开"


# -- missing is not blank, blank is not an entered 0 ---------------------------------------------
def test_missing_cells_skip_their_rules_and_are_named_once():
    r = consistent_report("2021", 1)
    gone = ["t3.granted.natural", "t3.granted.total", "t3.new.business"]
    for fid in gone:
        r[fid] = MISSING
    found = check(r)
    # no sum or balance error: the rules touching a missing cell are not computed with a made-up 0
    assert not [f for f in found if f.severity == "error"], [f.message for f in found]
    missing = found.by_rule("rule.missing")
    assert len(missing) == 1 and missing[0].severity == "warning" and missing[0].sheet == T3
    assert set(missing[0].cells) == {place("2021", f).ref for f in gone}
    for fid in gone:
        assert place("2021", fid).cell in missing[0].message
    assert "行合计校验" in missing[0].message and "勾稽关系校验" in missing[0].message
    # missing cells get no 「未填写」 notice: they were never there to be filled
    assert not [f for f in found.by_rule("value.blank") if f.field in gone]


def test_a_missing_cell_no_rule_reads_is_named_too(tmp_path):
    """表二's 行政事业性收费 takes part in no sum: missing there must still be said (missing is
    not zero), once, through the workbook an import writes and its check."""
    r = consistent_report("2021", 1)
    r.meta.unit = "测试单位"
    r["t2.fees.amount"] = MISSING
    r["t3.granted.natural"] = MISSING
    path = write_report(r, tmp_path / "导入.xlsx")
    found = check(path)
    by_sheet = {f.sheet: f for f in found.by_rule("rule.missing")}
    assert set(by_sheet) == {"二、主动公开", T3}
    fee = by_sheet["二、主动公开"]
    assert fee.severity == "warning" and "行政事业性收费" in fee.message and "请补填" in fee.message
    assert "校验未进行" not in fee.message  # no check reads it, so none was skipped
    assert set(fee.cells) == {place("2021", "t2.fees.amount").ref}
    assert "行合计校验" in by_sheet[T3].message


def test_the_same_report_with_zeros_instead_of_missing_fails_its_sums():
    r = consistent_report("2021", 1)
    r["t3.granted.natural"] = 0 if r.number("t3.granted.natural") else 5
    assert check(r).errors >= 1


def test_blank_counts_as_the_format_declares_and_says_unfilled():
    r = consistent_report("2021", 2)
    r["t4.review.upheld"] = r.number("t4.review.upheld") + 2
    r["t4.review.total"] = None  # the total left blank: 应为 N，实为「未填写」, not 「实为 0」
    found = check(r)
    total = found.by_rule("t4.sum")[0]
    assert "未填写" in total.message and "实为 0" not in total.message
    assert r.number("t4.review.total") == 0 and r.spec.blank_is_zero


def test_report_keeps_the_three_states_through_json():
    r = consistent_report("2019", 3)
    r["t3.new.natural"] = MISSING
    r["t3.new.research"] = None
    back = Report.from_dict(json.loads(json.dumps(r.to_dict())))
    assert back["t3.new.natural"] is MISSING and back["t3.new.research"] is None
    assert back.missing() == ["t3.new.natural"] and back == r
    assert r.number("t3.new.natural") is None and r.number("t3.new.research") == 0
    assert Report.empty("2021", missing=True).missing() == list(Report.empty("2021").values)


def test_a_narrative_part_whose_data_is_missing_is_not_generated():
    r = consistent_report("2021", 4)
    full = render_narratives(r)
    assert full["s1.request"]
    r["t3.new.total"] = MISSING
    parts = render_narratives(r)
    assert parts["s1.request"] == []  # no sentence with a made-up 0: the office writes it
    assert parts["s4"] == full["s4"]  # other parts are unaffected


def test_the_word_table_prints_missing_and_blank_cells_empty(tmp_path):
    import docx

    r = consistent_report("2021", 5)
    r["t4.review.upheld"], r["t4.review.other"] = MISSING, None
    out = nianbao.render_report(r, tmp_path / "r.docx")
    texts = [c.text for c in docx.Document(str(out)).tables[-1].rows[-1].cells]
    assert texts[:3] == ["", str(r["t4.review.corrected"]), ""]


# -- the batch entry point -------------------------------------------------------------------------
def test_check_many_never_raises_and_keeps_the_order(tmp_path):
    good = write_report(consistent_report("2021", 6), tmp_path / "good.xlsx")
    text = tmp_path / "notes.xlsx"
    text.write_text("不是工作簿", encoding="utf-8")
    bad_report = consistent_report("2019", 7)
    bad_report["t3.new.natural"] = bad_report.number("t3.new.natural") + 1
    results = list(check_many([good, text, tmp_path / "没有.xlsx", bad_report]))
    assert [r.file for r in results[:3]] == [str(good), str(text), str(tmp_path / "没有.xlsx")]
    assert [r.exit_code for r in results] == [0, 2, 2, 1]
    assert results[1].unreadable and [f.rule for f in results[1]] == ["file.not_xlsx"]
    assert results[2].findings[0].rule == "file.missing"
    assert results[0].report is not None and results[1].report is None
    assert results[3].by_rule("t3.row")


def test_check_many_with_an_unreadable_previous_says_so_in_every_result(tmp_path):
    good = write_report(consistent_report("2021", 6), tmp_path / "good.xlsx")
    results = list(check_many([good, good], previous=tmp_path / "去年.xlsx"))
    assert all(r.by_rule("prev.unreadable") and r.exit_code == 1 for r in results)


def test_check_json_is_one_array_for_one_file_or_many(tmp_path):
    good = write_report(consistent_report("2021", 6), tmp_path / "good.xlsx")
    one = CliRunner().invoke(main, ["check", "--json", str(good)])
    many = CliRunner().invoke(main, ["check", "--json", str(good), str(tmp_path / "x.xlsx")])
    a, b = json.loads(one.stdout), json.loads(many.stdout)
    assert isinstance(a, list) and len(a) == 1 and set(a[0]) == {"file", "errors", "warnings",
                                                                   "notices", "findings", "dismissed"}
    assert len(b) == 2 and b[1]["findings"][0]["rule"] == "file.missing" and many.exit_code == 2
    assert a[0] == next(check_many([good])).to_dict()  # CLI = API


# -- one marking plan ------------------------------------------------------------------------------
def _broken(tmp_path):
    r = consistent_report("2021", 8)
    r["t3.granted.natural"] = r.number("t3.granted.natural") + 1  # breaks its row and column
    r["t3.new.total"] = r.number("t3.new.total") + 3
    r.texts["s6.other"] = "本年度未收取信息处理费。"
    return write_report(r, tmp_path / "bad.xlsx")


def test_the_plan_marks_exactly_the_cells_the_messages_name(tmp_path):
    path = _broken(tmp_path)
    found = check(path)
    plan = plan_marks(found)
    marked = plan.marked()
    for f in found:
        for sheet, cell in cells_named(f):
            assert (sheet, cell) in marked
        # every cell a message asks to check first is marked
        for ref in f.hints:
            assert tuple(ref.rsplit("!", 1)) in marked
            assert ref.rsplit("!", 1)[1] in f.message
    assert any(f.hints for f in found)
    # errors first, then warnings, then notices, each with its Chinese title
    order = [row.severity for row in plan.rows]
    assert order == sorted(order, key=["error", "warning", "notice"].index)
    assert all(row.title != row.code for row in plan.rows)


def test_check_mark_paints_the_plan(tmp_path):
    path = _broken(tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out = tmp_path / "marked.xlsx"
    found = nianbao.mark_workbook(path, out)
    plan = plan_marks(found, openpyxl.load_workbook(path).sheetnames, path.name)
    wb = openpyxl.load_workbook(out)
    sheets = {s.name for s in layout_of("2021").sheets}
    filled = {(ws.title, c.coordinate) for ws in wb.worksheets if ws.title in sheets
              for row in ws.iter_rows() for c in row if c.fill.fgColor.rgb in FILLS.values()}
    assert filled == plan.marked()
    for m in plan.marks:
        cell = wb[m.sheet][m.cell]
        assert cell.fill.fgColor.rgb == m.fill and cell.comment.text == m.comment
    res = wb[plan.sheet_name]
    rows = [tuple(r) for r in res.iter_rows(min_row=5, values_only=True)]
    assert rows == [row.values() for row in plan.rows]
    assert [c.value for c in res[4]] == list(plan.headers)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_finding_on_a_sheet_the_workbook_lacks_is_listed_but_not_painted():
    f = Finding("t3.row", "error", "消息", "别的表", "A1")
    plan = plan_marks(Findings([f]), ["基本信息"])
    assert plan.marks == () and plan.rows[0].sheet is None and plan.rows[0].position == "别的表!A1"
