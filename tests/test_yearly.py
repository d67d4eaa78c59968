"""Year over year (issue 16): ``nianbao new --from``, last year recorded in the workbook, the
2019 format's cross-year rules, the 2019 → 2021 step, repetition and jumps — on real workbooks
written and read back, the command line run as a user runs it."""
from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from helpers import consistent_report

from nianbao import check
from nianbao.formats.common import T3_APPLICANTS, T3_COLUMN_KEYS
from nianbao.layout import HEADINGS, layout_of
from nianbao.messages import say
from nianbao.reader import read_report
from nianbao.report import MISSING, Invalid, Report
from nianbao.xlsx_writer import write_report
from nianbao import start_from_last_year
from nianbao.yearly import next_year, recorded_previous

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
UNIT = "某区政务服务数据管理局"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([NIANBAO, *map(str, args)], capture_output=True, text=True, timeout=120)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def enter(path: Path, fmt: str, values: dict[str, object]) -> None:
    """Type values into a workbook as a clerk does (the cells the layout gives the fields)."""
    wb = openpyxl.load_workbook(path)
    fields = layout_of(fmt).fields
    for fid, v in values.items():
        f = fields[fid]
        wb[f.sheet].cell(f.row, f.col).value = v
    wb.save(path)


def this_years_figures(fmt: str, carried: dict[str, int], prev: Report, seed: int) -> Report:
    """A consistent report whose 二、上年结转 is ``carried`` and whose stocks roll forward."""
    r = consistent_report(fmt, seed)
    for c in T3_APPLICANTS:
        forward = r.number(f"t3.carry_forward.{c}")
        new = r.number(f"t3.total.{c}") + forward - carried[c]
        if new < 1:  # keep at least one new application, so a test may move one to 二
            forward += 1 - new
            new = 1
        r[f"t3.carried.{c}"], r[f"t3.carry_forward.{c}"], r[f"t3.new.{c}"] = carried[c], forward, new
    for key in ("carried", "carry_forward", "new"):
        r[f"t3.{key}.total"] = sum(r.number(f"t3.{key}.{c}") for c in T3_APPLICANTS)
    if fmt == prev.format == "2021":
        for row in ("rules", "normative"):
            before = prev.number(f"t2.{row}.in_force")
            r[f"t2.{row}.repealed"] = min(r.number(f"t2.{row}.repealed"), before)
            r[f"t2.{row}.in_force"] = before + r.number(f"t2.{row}.issued") - r.number(f"t2.{row}.repealed")
    return r


def start(tmp_path: Path, year: int = 2024, fmt: str = "2021", seed: int = 1) -> tuple[Path, Report]:
    last = consistent_report(fmt, seed)
    last.meta.year, last.meta.unit = year, UNIT
    last.meta.contact, last.meta.phone = "张三", "0571-12345678"
    last.texts.update({
        "s1.overview": "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，持续深化政务公开。",
        "s5.problems": "政务公开工作人员力量不足，部分栏目信息更新不够及时，解读形式较为单一。",
    })
    path = write_report(last, tmp_path / f"{year}.xlsx")
    return path, read_report(path)


# -- start from last year ---------------------------------------------------------------------------
def test_new_from_carries_each_column_and_keeps_unit_and_contacts(tmp_path):
    last_path, last = start(tmp_path)
    before = digest(last_path)
    out = tmp_path / "2025.xlsx"
    p = run("new", "--from", last_path, "-o", out)
    assert p.returncode == 0, p.stderr
    assert "2025年度" in p.stdout and "2024年度" in p.stdout
    assert digest(last_path) == before  # the input is never written

    new = read_report(out)
    assert (new.format, new.meta.year, new.meta.unit) == ("2021", 2025, UNIT)
    assert (new.meta.contact, new.meta.phone) == ("张三", "0571-12345678")
    for c in T3_COLUMN_KEYS:
        assert new.values[f"t3.carried.{c}"] == last.values[f"t3.carry_forward.{c}"], c
    # nothing else is filled: this year's figures are this year's to enter
    filled = {fid for fid, v in new.values.items() if v is not None}
    assert filled == {f"t3.carried.{c}" for c in T3_COLUMN_KEYS}
    # last year's texts are on the reference sheet, not in this year's sections
    # (each text part's heading starts as the standard one, as in any new workbook)
    lay = layout_of(new.format)
    assert {v for k, v in new.texts.items() if lay.fields[k].table != HEADINGS} == {""}
    assert {v for k, v in new.texts.items() if lay.fields[k].table == HEADINGS} == {
        f.default for f in lay.fields.values() if f.table == HEADINGS}
    ws = openpyxl.load_workbook(out)[say("yearly.sheet")]
    shown = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert last.texts["s5.problems"] in shown and last.texts["s1.overview"] in shown
    # the reference sheet is never read as part of the report
    assert say("yearly.sheet") not in {f.sheet for f in new.findings if f.sheet}


def test_new_from_refuses_to_write_over_last_year_or_take_a_year(tmp_path):
    last_path, _ = start(tmp_path)
    before = digest(last_path)
    p = run("new", "--from", last_path, "-o", last_path, "--force")
    assert p.returncode == 2 and "覆盖" in p.stderr and "Traceback" not in p.stderr
    assert digest(last_path) == before
    p = run("new", "--from", last_path, "--year", "2030", "-o", tmp_path / "x.xlsx")
    assert p.returncode == 2 and "--year" in p.stderr
    p = run("new", "--from", tmp_path / "没有.xlsx", "-o", tmp_path / "x.xlsx")
    assert p.returncode == 2 and "找不到文件" in p.stderr
    enter(last_path, "2021", {"meta.year": None})
    p = run("new", "--from", last_path, "-o", tmp_path / "x.xlsx")
    assert p.returncode == 2 and "未填写报告年度" in p.stderr and not (tmp_path / "x.xlsx").exists()


def test_stock_rule_fires_on_the_new_workbook_alone(tmp_path):
    last_path, last = start(tmp_path)
    out = tmp_path / "2025.xlsx"
    assert run("new", "--from", last_path, "-o", out).returncode == 0
    carried = {c: last.number(f"t3.carry_forward.{c}") for c in T3_APPLICANTS}
    figures = this_years_figures("2021", carried, last, seed=7)
    enter(out, "2021", figures.statutory())

    rolled = check(out)  # no --previous: last year is recorded in the workbook
    assert not rolled.errors, [f.message for f in rolled if f.severity == "error"]
    assert not rolled.by_rule("t2.stock", "t3.carry")

    # 现行有效件数 that does not roll forward from last year's: the warning, on this file alone
    in_force = figures.number("t2.normative.in_force")
    enter(out, "2021", {"t2.normative.in_force": in_force + 4})
    found = check(out).by_rule("t2.stock")
    assert len(found) == 1
    f = found[0]
    cell = layout_of("2021").fields["t2.normative.in_force"]
    assert (f.severity, f.sheet, f.cell) == ("warning", cell.sheet, cell.cell)
    assert (f.expected, f.actual) == (in_force, in_force + 4)
    assert str(last.number("t2.normative.in_force")) in f.message
    # the same finding as with last year's file given
    assert check(out, previous=last_path).by_rule("t2.stock") == found


def test_the_record_keeps_blank_missing_and_text_apart():
    last = consistent_report("2021", 2)
    last.meta.year = 2024
    last["t3.carry_forward.natural"] = None
    last["t3.carry_forward.legal"] = MISSING
    last["t2.rules.in_force"] = Invalid("约十件")
    last["t2.fees.amount"] = 12.3456
    ny = next_year(last)
    prev = recorded_previous(ny.report)
    assert prev.meta.year == 2024 and prev.format == "2021"
    assert prev.values["t3.carry_forward.natural"] is None
    assert prev.values["t3.carry_forward.legal"] is MISSING
    assert prev.values["t2.rules.in_force"] == Invalid("约十件")
    assert prev.values["t2.fees.amount"] == 12.3456
    assert prev.values["t3.carry_forward.business"] == last.values["t3.carry_forward.business"]
    # a blank or missing carry-forward is not turned into a 0 this year
    assert ny.report.values["t3.carried.natural"] is None
    assert ny.report.values["t3.carried.legal"] is None
    assert "t3.carried.legal" not in ny.filled


def test_a_workbook_without_a_record_has_no_recorded_previous(tmp_path):
    path, report = start(tmp_path)
    assert recorded_previous(report) is None
    assert not check(path).by_rule("t3.carry", "t2.stock", "year.jump")


# -- the 2019 format's cross-year rules --------------------------------------------------------------
def pair_2019(seed: int = 3) -> tuple[Report, Report]:
    """Last year (2019) and this year (2020) in the 2019 format, rolling forward correctly."""
    prev = consistent_report("2019", seed)
    prev.meta.year = 2019
    for row in ("licensing", "other_services", "punishment", "enforcement", "fees"):
        prev[f"t2.{row}.prev_items"] = 10 + seed
        prev[f"t2.{row}.change"] = -2
    now = this_years_figures("2019", {c: prev.number(f"t3.carry_forward.{c}") for c in T3_APPLICANTS},
                             prev, seed + 1)
    now.meta.year = 2020
    for row in ("rules", "normative"):
        now[f"t2.{row}.public_total"] = (prev.number(f"t2.{row}.public_total")
                                         + now.number(f"t2.{row}.published"))
    for row in ("licensing", "other_services", "punishment", "enforcement", "fees"):
        now[f"t2.{row}.prev_items"] = 8 + seed
    return prev, now


def test_2019_rules_pass_when_figures_roll_forward():
    prev, now = pair_2019()
    res = check(now, previous=prev)
    assert not res.by_rule("t2.public_total", "t2.items", "t3.carry", "prev.skipped")
    assert not res.errors


@pytest.mark.parametrize("rule,fid,delta", [
    ("t2.public_total", "t2.normative.public_total", 3),
    ("t2.public_total", "t2.rules.public_total", -1),
    ("t2.items", "t2.licensing.prev_items", 1),
    ("t2.items", "t2.fees.prev_items", -2),
])
def test_2019_rules_fail_at_this_years_cell(rule, fid, delta):
    prev, now = pair_2019()
    expected = now.number(fid)
    now[fid] = expected + delta
    found = check(now, previous=prev).by_rule(rule)
    assert len(found) == 1
    f = found[0]
    cell = layout_of("2019").fields[fid]
    assert (f.severity, f.sheet, f.cell, f.field) == ("warning", cell.sheet, cell.cell, fid)
    assert (f.expected, f.actual) == (expected, expected + delta)
    assert "上年" in f.message and "据格式各栏含义推定" in f.message


def test_new_from_a_2019_workbook_fills_last_years_items_and_records_table_2(tmp_path):
    prev, now = pair_2019()
    last_path = write_report(prev, tmp_path / "2019.xlsx")
    out = tmp_path / "2020.xlsx"
    ny = start_from_last_year(last_path, out)
    new = read_report(out)
    assert (new.format, new.meta.year) == ("2019", 2020)
    # 上一年项目数量 is fixed by last year's figures alone (the rule says so): filled
    for row in ("licensing", "other_services", "punishment", "enforcement", "fees"):
        assert new.values[f"t2.{row}.prev_items"] == 10 + 3 - 2
    assert set(ny.filled) >= {f"t3.carried.{c}" for c in T3_COLUMN_KEYS}
    # 对外公开总数量 also needs this year's 新公开: not filled, but checked from the record
    assert new.values["t2.normative.public_total"] is None
    enter(out, "2019", {"t2.rules.published": 0,
                        "t2.rules.public_total": prev.number("t2.rules.public_total"),
                        "t2.normative.published": 2,
                        "t2.normative.public_total": prev.number("t2.normative.public_total") + 5})
    found = check(out).by_rule("t2.public_total")
    assert [f.field for f in found] == ["t2.normative.public_total"]
    assert found[0].expected == prev.number("t2.normative.public_total") + 2


def test_2019_to_2021_step_checks_the_carry_and_skips_the_rest_with_one_notice():
    prev, _ = pair_2019()
    prev.meta.year = 2020
    now = this_years_figures("2021", {c: prev.number(f"t3.carry_forward.{c}") for c in T3_APPLICANTS},
                             prev, 9)
    now.meta.year = 2021
    res = check(now, previous=prev)
    assert not res.by_rule("t3.carry", "t2.stock")
    skipped = res.by_rule("prev.skipped")
    assert len(skipped) == 1 and "现行有效件数衔接" in skipped[0].message
    # 处理决定数量 (2019) and 本年处理决定数量 (2021) are different questions: never compared
    prev["t2.licensing.decisions"], now["t2.licensing.decisions"] = 1, 100
    for r, cases in ((prev, 0), (now, 40)):  # …while 表四 is shared and compared
        for k in ("corrected", "other", "pending"):
            r[f"t4.review.{k}"] = 0
        r["t4.review.upheld"] = r["t4.review.total"] = cases
    jumps = [f.field for f in check(now, previous=prev).by_rule("year.jump")]
    assert "t4.review.total" in jumps and "t2.licensing.decisions" not in jumps
    # a broken carry-over is still found across the formats
    now["t3.carried.research"] = prev.number("t3.carry_forward.research") + 1
    assert [f.field for f in check(now, previous=prev).by_rule("t3.carry")] == ["t3.carried.research"]


# -- along a series of years ---------------------------------------------------------------------------
def test_three_year_series_names_the_broken_carry_with_its_year_and_column(tmp_path):
    paths = {}
    paths[2023], report = start(tmp_path, 2023, seed=11)
    for year in (2024, 2025):
        paths[year] = tmp_path / f"{year}.xlsx"
        p = run("new", "--from", paths[year - 1], "-o", paths[year])
        assert p.returncode == 0, p.stderr
        carried = {c: read_report(paths[year]).number(f"t3.carried.{c}") for c in T3_APPLICANTS}
        report = this_years_figures("2021", carried, report, seed=year)
        values = report.statutory()
        if year == 2025:  # one application of 商业企业 entered as carried over instead of new
            for key, d in (("carried", 1), ("new", -1)):
                for c in ("business", "total"):
                    values[f"t3.{key}.{c}"] += d
        enter(paths[year], "2021", values)

    results = {}
    for year in (2024, 2025):
        p = run("check", paths[year], "--previous", paths[year - 1], "--json")
        (results[year],) = json.loads(p.stdout)
        assert p.returncode == (1 if year == 2025 else 0), p.stderr
    assert not [f for f in results[2024]["findings"] if f["rule"] == "t3.carry"]
    carry = [f for f in results[2025]["findings"] if f["rule"] == "t3.carry"]
    assert [f["field"] for f in carry] == ["t3.carried.business", "t3.carried.total"]
    business = carry[0]
    assert "2024年报告" in business["message"] and "「法人或其他组织·商业企业」列" in business["message"]
    assert business["cell"] == layout_of("2021").fields["t3.carried.business"].cell
    assert results[2025]["file"].endswith("2025.xlsx")
    # the record inside the 2025 workbook gives the same findings without last year's file
    (alone,) = json.loads(run("check", paths[2025], "--json").stdout)
    assert [f for f in alone["findings"] if f["rule"] == "t3.carry"] == carry


# -- repetition and jumps -------------------------------------------------------------------------------
def test_repetition_share_per_section_and_overall():
    prev = consistent_report("2021", 4)
    prev.meta.year = 2024
    copied = "我局持续推进政务公开标准化规范化建设，完善主动公开目录，加强政策解读与回应关切工作。"
    prev.texts.update({"s1.overview": copied, "s5.problems": "工作人员力量不足，部分栏目更新不及时，解读形式较为单一。",
                       "s6.other": "本年度未收取信息处理费，无其他需要报告的事项。"})
    now = this_years_figures("2021", {c: prev.number(f"t3.carry_forward.{c}") for c in T3_APPLICANTS},
                             prev, 5)
    now.meta.year = 2025
    now.texts.update({"s1.overview": copied + "今年新建了公开专区。",
                      "s5.problems": prev.texts["s5.problems"],
                      "s6.other": "本年度发出收费通知零件，信息处理费零元，另有新的专项说明若干。"})
    res = check(now, previous=prev)
    by_section = {f.sheet: f for f in res.by_rule("year.repeated")}
    assert set(by_section) == {"一、总体情况", "五、问题及改进"}
    assert by_section["五、问题及改进"].actual == 1.0
    assert 0.8 < by_section["一、总体情况"].actual < 1.0
    assert "2024年报告" in by_section["一、总体情况"].message
    (overall,) = res.by_rule("year.repeated_all")
    assert 0.5 < overall.actual < 1.0 and "一、总体情况" in overall.message
    # section 五's warning is kept
    assert res.by_rule("text.problems_repeated")
    # different texts: nothing to report
    prev.texts.update({k: "上年度这一部分写的是完全不同的内容，没有一句相同的话。" for k in prev.texts})
    assert not check(now, previous=prev).by_rule("year.repeated", "year.repeated_all")


@pytest.mark.parametrize("before,now,jumps", [
    (4, 30, True),  # more than fivefold up
    (60, 11, True),  # more than fivefold down
    (6, 30, False),  # exactly fivefold: not more
    (0, 8, False),  # too small to be worth explaining
    (0, 12, True),
])
def test_jump_notice_either_way(before, now, jumps):
    prev = consistent_report("2021", 6)
    prev.meta.year = 2024
    this = copy.deepcopy(prev)
    this.meta.year = 2025
    for r, v in ((prev, before), (this, now)):
        for k in ("corrected", "other", "pending"):
            r[f"t4.review.{k}"] = 0
        r["t4.review.upheld"] = r["t4.review.total"] = v
    found = [f for f in check(this, previous=prev).by_rule("year.jump") if f.field == "t4.review.total"]
    assert bool(found) == jumps
    if jumps:
        assert (found[0].expected, found[0].actual, found[0].severity) == (before, now, "notice")
        assert "行政复议" in found[0].message and "2024年报告" in found[0].message


def test_jumps_need_both_figures_entered():
    prev = consistent_report("2021", 6)
    prev.meta.year = 2024
    prev["t3.new.total"] = 500
    ny = next_year(prev)  # a workbook just started: nothing entered yet
    assert not check(ny.report).by_rule("year.jump")


def test_new_from_a_published_report(tmp_path):
    """Last year known only as the report the office published (here the extracted text of a real
    one): ``new --from`` imports it and carries its 结转下年度继续办理 over."""
    from nianbao.reader import read_report

    src = Path(__file__).parent / "data" / "samples" / "district-office-2021.txt"
    out = tmp_path / "2022.xlsx"
    p = run("new", "--from", src, "-o", out)
    assert p.returncode == 0, p.stderr
    r = read_report(out)
    assert r.meta.year == 2022 and r.format == "2021"
    assert [r[f"t3.carried.{c}"] for c in ("natural", "total")] == [0, 0]


def test_repetition_on_real_report_language():
    """Two real offices' reports share the stock phrases of the genre (「进一步加强」「政务公开」)
    but no sentences: silent.  One of them again next year with its 五 unchanged: flagged."""
    from nianbao.importing import import_report

    samples = Path(__file__).parent / "data" / "samples"
    district = import_report(samples / "district-office-2021.txt").report
    fenghua = import_report(samples / "fenghua-zwb-2021.txt").report
    district.meta.year, fenghua.meta.year = 2021, 2022
    fenghua.meta.unit = district.meta.unit
    res = check(fenghua, previous=district)
    assert not res.by_rule("year.repeated", "year.repeated_all", "text.problems_repeated")
    again = copy.deepcopy(district)
    again.meta.year = 2022
    res = check(again, previous=district)
    assert res.by_rule("year.repeated") and res.by_rule("year.repeated_all")
