"""The rule engine on in-memory Reports: every declared rule passes and fails, for both formats,
at the exact sheet and cell; value kinds; basic information and format; cross-year rules."""
from __future__ import annotations

import re

import pytest
from helpers import consistent_report

from nianbao import check
from nianbao.rules import instances
from nianbao.findings import Finding, Findings
from nianbao.formats import FORMATS
from nianbao.formats.common import T3_APPLICANTS
from nianbao.messages import MESSAGES
from nianbao.report import Invalid, Report

T3 = "三、依申请公开"
T4 = "四、复议诉讼"
T2 = "二、主动公开"
INFO = "基本信息"
# row of 四、结转下年度继续办理 and of （七）总计 in table 3: the 2019 format has 2 rows fewer
ROWS = {"2021": {"total": 29, "carry_forward": 30}, "2019": {"total": 27, "carry_forward": 28}}
BOTH = pytest.mark.parametrize("fmt", ["2021", "2019"])


def errors(res: Findings) -> list[Finding]:
    return [f for f in res if f.severity == "error"]


def at(res: Findings, rule: str, sheet: str, cell: str, severity: str | None = None) -> Finding:
    hits = [f for f in res if f.rule == rule and f.sheet == sheet and f.cell == cell
            and (severity is None or f.severity == severity)]
    assert hits, f"no {rule} at {sheet}!{cell}; got {[(f.rule, f.sheet, f.cell) for f in res]}"
    return hits[0]


def bump(r: Report, fid: str, delta: int = 1) -> None:
    r[fid] = r.number(fid) + delta


# -- a consistent report passes ------------------------------------------------------------------
@BOTH
@pytest.mark.parametrize("seed", range(5))
def test_consistent_report_has_no_errors(fmt, seed):
    res = check(consistent_report(fmt, seed))
    assert errors(res) == []
    assert not [f for f in res if f.rule.startswith(("t3.", "t4.", "t2."))]


@BOTH
def test_every_in_report_rule_is_interpreted_from_the_declaration(fmt):
    declared = {r.id for r in FORMATS[fmt].rules}
    assert {"t3.row", "t3.total", "t3.balance", "t4.sum", "t3.carry"} <= declared
    assert {i.rule.id for i in instances(fmt)} == declared


# -- T3-row -------------------------------------------------------------------------------------
@BOTH
def test_t3_row_fails_at_the_row_total(fmt):
    r = consistent_report(fmt, 1)
    # move one application between two applicant columns of a row: only the row total breaks…
    bump(r, "t3.granted.natural", 2)
    res = check(r)
    f = at(res, "t3.row", T3, "J8", "error")
    assert f.expected == f.actual + 2
    assert f.message.startswith("表三「（一）予以公开」行「总计」列（J8）应为")
    assert f"{T3}!D8" in f.cells and f"{T3}!J8" in f.cells
    # …and the column (七)总计, whose finding names D8 as the shared cell
    g = at(res, "t3.total", T3, f"D{ROWS[fmt]['total']}", "error")
    assert "D8" in g.message and "行合计校验" in g.message
    assert "D8" in f.message and "（七）总计校验" in f.message


@BOTH
def test_t3_row_passes_when_only_columns_shift(fmt):
    r = consistent_report(fmt, 2)
    bump(r, "t3.granted.natural", 1)
    bump(r, "t3.granted.business", 1)
    bump(r, "t3.granted.total", 2)
    res = check(r)
    assert not res.by_rule("t3.row")


# -- T3-total -----------------------------------------------------------------------------------
@BOTH
def test_t3_total_fails_at_the_column_total(fmt):
    r = consistent_report(fmt, 3)
    row = ROWS[fmt]["total"]
    bump(r, "t3.total.research", 1)  # (七)总计 of 科研机构 one too many
    bump(r, "t3.total.total", 1)  # keep the row sum of (七) right
    bump(r, "t3.carry_forward.research", -1) if r.number("t3.carry_forward.research") else None
    res = check(r)
    f = at(res, "t3.total", T3, f"F{row}", "error")
    assert f.actual == f.expected + 1
    assert "「（七）总计」行「法人或其他组织·科研机构」列" in f.message


@BOTH
def test_t3_total_passes_for_a_consistent_column(fmt):
    r = consistent_report(fmt, 3)
    res = check(r)
    assert not res.by_rule("t3.total")


# -- T3-balance ---------------------------------------------------------------------------------
@BOTH
def test_t3_balance_fails_and_names_both_sides(fmt):
    r = consistent_report(fmt, 4)
    bump(r, "t3.carry_forward.natural", 1)
    bump(r, "t3.carry_forward.total", 1)
    res = check(r)
    last = ROWS[fmt]["carry_forward"]
    f = at(res, "t3.balance", T3, f"D6:D{last}", "error")
    assert f.actual == f.expected + 1
    assert "「一、本年新收政府信息公开申请数量」+「二、上年结转政府信息公开申请数量」" in f.message
    assert "「（七）总计」+「四、结转下年度继续办理」" in f.message
    assert set(f.cells) == {f"{T3}!D6", f"{T3}!D7", f"{T3}!D{last - 1}", f"{T3}!D{last}"}
    at(res, "t3.balance", T3, f"J6:J{last}", "error")
    assert not res.by_rule("t3.row") and not res.by_rule("t3.total")


@BOTH
def test_t3_balance_passes_when_both_sides_move(fmt):
    r = consistent_report(fmt, 4)
    for fid in ("t3.carry_forward.natural", "t3.carry_forward.total", "t3.new.natural", "t3.new.total"):
        bump(r, fid, 1)
    assert errors(check(r)) == []


# -- T4-sum -------------------------------------------------------------------------------------
@BOTH
@pytest.mark.parametrize("group,part,total", [("review", "upheld", "F6"),
                                              ("suit_direct", "pending", "K6"),
                                              ("suit_after_review", "corrected", "P6")])
def test_t4_sum_fails_at_the_group_total(fmt, group, part, total):
    r = consistent_report(fmt, 5)
    bump(r, f"t4.{group}.{part}", 1)
    res = check(r)
    f = at(res, "t4.sum", T4, total, "error")
    assert f.expected == f.actual + 1
    assert len(errors(res)) == 1


@BOTH
def test_t4_sum_passes(fmt):
    r = consistent_report(fmt, 5)
    bump(r, "t4.review.upheld", 1)
    bump(r, "t4.review.total", 1)
    assert not check(r).by_rule("t4.sum")


# -- value kinds --------------------------------------------------------------------------------
@BOTH
def test_negative_count_is_an_error_at_its_cell(fmt):
    r = consistent_report(fmt, 6)
    r["t4.review.upheld"] = -1
    r["t4.review.total"] = sum(r.number(f"t4.review.{k}") for k in ("upheld", "corrected", "other", "pending"))
    res = check(r)
    f = at(res, "value.negative", T4, "B6", "error")
    assert "非负整数" in f.message and f.actual == -1
    assert not res.by_rule("t4.sum")


@BOTH
def test_decimal_in_a_count_cell_is_an_error(fmt):
    r = consistent_report(fmt, 6)
    r["t3.granted.natural"] = r.number("t3.granted.natural") + 0.5
    res = check(r)
    at(res, "value.not_integer", T3, "D8", "error")


@BOTH
def test_invalid_text_is_an_error_and_its_rules_are_skipped_with_a_notice(fmt):
    r = consistent_report(fmt, 6)
    r["t3.granted.natural"] = Invalid("十二件左右")
    res = check(r)
    f = at(res, "value.invalid", T3, "D8", "error")
    assert "十二件左右" in f.message
    assert not res.by_rule("t3.row", "t3.total")  # no cascade from a cell that is no number
    n = at(res, "rule.skipped", T3, "D8", "notice")
    assert "行合计校验" in n.message and "（七）总计校验" in n.message
    assert res.errors == 1


def test_reader_invalid_is_not_reported_twice():
    r = consistent_report("2021", 6)
    r["t3.granted.natural"] = Invalid("abc")
    r.findings.append(Finding("read.invalid", "error", "x", T3, "D8", field="t3.granted.natural"))
    res = check(r)
    assert [f.rule for f in res if f.severity == "error"] == ["read.invalid"]


@BOTH
def test_blank_statutory_cell_is_a_notice_and_counts_as_zero(fmt):
    r = consistent_report(fmt, 7)
    zero = next(fid for fid, v in r.statutory().items() if fid.startswith("t3.") and v == 0)
    r[zero] = None
    res = check(r)
    from nianbao.layout import layout_of

    f = layout_of(fmt).fields[zero]
    at(res, "value.blank", f.sheet, f.cell, "notice")
    assert res.errors == 0


def test_money_must_not_be_negative():
    r = consistent_report("2021", 8)
    r["t2.fees.amount"] = -0.5
    at(check(r), "value.negative", T2, "B19", "error")


def test_signed_cells_may_be_negative_but_whole():
    r = consistent_report("2019", 8)
    r["t2.licensing.change"] = -3
    assert check(r).errors == 0
    r["t2.licensing.change"] = -3.5
    at(check(r), "value.not_integer", T2, "C10", "error")


# -- basic information and format -------------------------------------------------------------
@BOTH
def test_missing_year_and_unit(fmt):
    r = consistent_report(fmt, 0)
    r.meta.year = None
    r.meta.unit = "  "
    res = check(r)
    at(res, "meta.year", INFO, "B4", "error")
    at(res, "meta.unit", INFO, "B3", "error")


def test_report_of_2021_in_the_2019_format_is_an_error():
    r = consistent_report("2019", 0)
    r.meta.year = 2022
    f = at(check(r), "format.year", INFO, "B4", "error")
    assert f.expected == "2021" and f.actual == "2019"
    assert "2021年版格式" in f.message and "国办公开办函〔2021〕30号" in f.message


def test_report_of_2020_in_the_2021_format_is_an_error():
    # the 2021 format was issued after a 2020 report was due: one rule, both ways (issue 17)
    r = consistent_report("2021", 0)
    r.meta.year = 2020
    res = check(r)
    f = at(res, "format.year", INFO, "B4", "error")
    assert f.expected == "2019" and "国办公开办函〔2019〕60号" in f.message


def test_year_before_any_format_takes_the_oldest_format():
    r = consistent_report("2019", 0)
    r.meta.year = 2018
    assert not check(r).by_rule("format.year")
    r = consistent_report("2021", 0)
    r.meta.year = 2018
    assert at(check(r), "format.year", INFO, "B4", "error").expected == "2019"


def test_new_check_and_the_readme_share_one_year_rule():
    from nianbao.formats import format_for_year

    assert [format_for_year(y).id for y in (2015, 2018, 2019, 2020, 2021, 2030)] == \
        ["2019", "2019", "2019", "2019", "2021", "2021"]


@BOTH
def test_year_in_range_passes(fmt):
    r = consistent_report(fmt, 0)
    r.meta.year = FORMATS[fmt].years[0] + 1
    assert not check(r).by_rule("format.year")


# -- unreadable tables -----------------------------------------------------------------------
def test_a_table_the_reader_could_not_read_is_not_checked():
    r = Report.empty("2021", unit="u", year=2021)  # everything blank, as when the sheet is gone
    r.findings.append(Finding("read.sheet_missing", "error", "缺少工作表", T3))
    r.findings.append(Finding("read.label_moved", "error", "结构被改动", T4, "A3"))
    res = check(r)
    assert not [f for f in res if f.sheet in (T3, T4) and f.rule.startswith(("t3.", "t4.", "value."))]
    assert {f.sheet for f in res.by_rule("rule.skipped")} == {T3, T4}
    assert res.errors == 2  # the reader's two


def test_an_unreadable_info_sheet_does_not_add_missing_meta_errors():
    r = consistent_report("2021", 0)
    r.meta.year, r.meta.unit = None, ""
    r.findings.append(Finding("read.sheet_missing", "error", "缺少工作表「基本信息」", INFO))
    res = check(r)
    assert [f.rule for f in res if f.severity == "error"] == ["read.sheet_missing"]


# -- across years ----------------------------------------------------------------------------------
def following(prev: Report, fmt: str, seed: int) -> Report:
    """A consistent report of the next year whose 二、上年结转 is last year's 四."""
    r = consistent_report(fmt, seed)
    r.meta.year = prev.meta.year + 1
    cols = T3_APPLICANTS
    for c in cols:
        carried = prev.number(f"t3.carry_forward.{c}")
        r[f"t3.carried.{c}"] = carried
        r[f"t3.carry_forward.{c}"] = 0
        r[f"t3.new.{c}"] = r.number(f"t3.total.{c}") - carried + 0
        if r.number(f"t3.new.{c}") < 0:  # more carried over than handled: carry the rest forward
            r[f"t3.carry_forward.{c}"] = -r.number(f"t3.new.{c}")
            r[f"t3.new.{c}"] = 0
    for key in ("carried", "carry_forward", "new"):
        r[f"t3.{key}.total"] = sum(r.number(f"t3.{key}.{c}") for c in cols)
    if "t2.rules.in_force" in r.values and "t2.rules.in_force" in prev.values:
        for row in ("rules", "normative"):
            r[f"t2.{row}.repealed"] = min(r.number(f"t2.{row}.repealed"),
                                          prev.number(f"t2.{row}.in_force") + r.number(f"t2.{row}.issued"))
            r[f"t2.{row}.in_force"] = (prev.number(f"t2.{row}.in_force") + r.number(f"t2.{row}.issued")
                                       - r.number(f"t2.{row}.repealed"))
    return r


PAIRS = pytest.mark.parametrize("prev_fmt,fmt", [("2021", "2021"), ("2019", "2021"), ("2019", "2019")])


@PAIRS
def test_carry_passes_when_last_years_carry_forward_is_carried_over(prev_fmt, fmt):
    prev = consistent_report(prev_fmt, 10)
    prev.meta.year = 2020 if prev_fmt == "2019" else 2021
    if fmt == "2019":
        prev.meta.year = 2019
    r = following(prev, fmt, 11)
    res = check(r, previous=prev)
    assert res.errors == 0, [f.message for f in errors(res)]
    assert not res.by_rule("t3.carry", "t2.stock")


@PAIRS
def test_carry_fails_at_this_years_carried_cell(prev_fmt, fmt):
    prev = consistent_report(prev_fmt, 10)
    prev.meta.year = 2019 if fmt == "2019" else (2020 if prev_fmt == "2019" else 2021)
    r = following(prev, fmt, 11)
    for key in ("carried.natural", "carried.total"):
        bump(r, f"t3.{key}", 1)
    for key in ("new.natural", "new.total"):
        bump(r, f"t3.{key}", -1)
    if r.number("t3.new.natural") < 0:
        for key in ("new.natural", "new.total", "carry_forward.natural", "carry_forward.total"):
            bump(r, f"t3.{key}", 1)
    res = check(r, previous=prev)
    f = at(res, "t3.carry", T3, "D7", "error")
    assert f.expected == prev.number("t3.carry_forward.natural") and f.actual == f.expected + 1
    # last year's report is named by its year, so that along a series the year is plain
    assert (f"{prev.meta.year}年报告表三「四、结转下年度继续办理」行「自然人」列"
            f"（D{ROWS[prev_fmt]['carry_forward']}）") in f.message
    at(res, "t3.carry", T3, "J7", "error")


def test_stock_is_a_warning_at_in_force():
    prev = consistent_report("2021", 12)
    prev.meta.year = 2021
    r = following(prev, "2021", 13)
    assert not check(r, previous=prev).by_rule("t2.stock")
    bump(r, "t2.rules.in_force", 2)
    res = check(r, previous=prev)
    f = at(res, "t2.stock", T2, "D5", "warning")
    assert f.actual == f.expected + 2
    assert "上年「现行有效件数」" in f.message and "− 「本年废止件数」" in f.message
    assert res.errors == 0


def test_stock_is_skipped_with_a_notice_when_last_year_is_in_the_2019_format():
    prev = consistent_report("2019", 12)
    prev.meta.year = 2020
    r = following(prev, "2021", 13)
    res = check(r, previous=prev)
    notes = res.by_rule("prev.skipped")
    assert len(notes) == 1 and "现行有效件数衔接" in notes[0].message and "2019年版" in notes[0].message
    assert not res.by_rule("t2.stock") and res.errors == 0


def test_2019_format_declares_no_stock_rule():
    assert "t2.stock" not in {r.id for r in FORMATS["2019"].rules}


def test_previous_year_must_be_this_year_minus_one():
    prev = consistent_report("2021", 14)
    prev.meta.year = 2021
    r = consistent_report("2021", 15)
    r.meta.year = 2023
    res = check(r, previous=prev)
    f = at(res, "prev.year", INFO, "B4", "error")
    assert f.expected == 2022 and f.actual == 2021
    assert not res.by_rule("t3.carry")  # comparing with the wrong year would only mislead


def test_previous_unit_must_match():
    # issue 28 item 9: a different name with figures that follow on is a warning (a renamed
    # office), another office's report — figures that do not follow on — an error
    prev = consistent_report("2021", 14)
    prev.meta.year, prev.meta.unit = 2021, "甲区政务办"
    r = following(prev, "2021", 15)
    r.meta.unit = "乙区政务办"
    f = at(check(r, previous=prev), "prev.unit", INFO, "B3", "warning")
    assert "甲区政务办" in f.message and "乙区政务办" in f.message
    other = consistent_report("2021", 16)
    other.meta.year, other.meta.unit = 2021, "甲区政务办"
    f = at(check(r, previous=other), "prev.unit", INFO, "B3", "error")
    assert "甲区政务办" in f.message and "乙区政务办" in f.message and "不衔接" in f.message
    r.meta.unit = " 甲区 政务办 "  # spacing does not count
    assert not check(r, previous=prev).by_rule("prev.unit")


def test_unreadable_table_in_last_years_report_skips_carry_with_a_notice():
    prev = consistent_report("2021", 16)
    prev.meta.year = 2021
    prev.findings.append(Finding("read.sheet_missing", "error", "缺少", T3))
    r = following(prev, "2021", 17)
    res = check(r, previous=prev)
    assert not res.by_rule("t3.carry")
    assert any("上年结转校验" in f.message for f in res.by_rule("prev.skipped"))


# -- the result shape ----------------------------------------------------------------------------
def test_findings_to_dict_shape_and_counts():
    r = consistent_report("2021", 18)
    bump(r, "t4.review.upheld", 1)
    r["t3.denied_1.natural"] = None
    res = check(r)
    d = res.to_dict()
    assert set(d) == {"file", "errors", "warnings", "notices", "findings", "dismissed"}
    assert (d["errors"], d["warnings"], d["notices"]) == (res.errors, res.warnings, res.notices)
    assert d["errors"] >= 1 and d["notices"] >= 1
    for f in d["findings"]:
        assert set(f) == {"rule", "title", "severity", "sheet", "cell", "message", "args", "expected",
                          "actual", "field", "cells", "hints", "id"}
    assert res.exit_code == 1 and not res.ok


def test_findings_are_sorted_by_position_and_deduplicated():
    r = consistent_report("2021", 19)
    bump(r, "t3.granted.natural", 1)
    bump(r, "t4.review.upheld", 1)
    dup = Finding("read.blank", "notice", "x", T3, "E9")
    r.findings += [dup, dup]
    res = check(r)
    assert sum(1 for f in res if (f.rule, f.message, f.cell) == (dup.rule, dup.message, dup.cell)) == 1
    order = [(f.sheet, f.cell) for f in res if f.sheet in (T3, T4)]
    sheets = [s for s, _ in order]
    assert sheets == sorted(sheets, key=[T3, T4].index)


def test_every_message_code_used_by_the_checks_exists():
    from pathlib import Path

    import nianbao.checks as pkg

    used = set()
    for p in Path(pkg.__file__).parent.glob("*.py"):
        used |= set(re.findall(r'say\(\s*"([a-z0-9_.]+)"', p.read_text(encoding="utf-8")))
    used |= {"mark.h.no", "mark.h.severity", "mark.h.position", "mark.h.rule", "mark.h.message",
             "mark.h.expected", "mark.h.actual", "cli.h.position", "cli.h.rule", "cli.h.severity",
             "cli.h.message"}
    from nianbao.codes import registry

    missing = used - set(MESSAGES) - set(registry())
    assert not missing
