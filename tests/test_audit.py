"""Auditing many reports: the three real samples, a province's worth of generated ones, a
unit's series of years published as an office publishes them (Word, a PDF printed by
LibreOffice, web pages, one-line text), the indicators and their outliers, what the evaluator
sees (the report's own places, what could not be read apart), and the xlsx and HTML outputs —
the page looked at in Chromium, the workbook rendered by LibreOffice."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from helpers import consistent_report
from nianbao.actions.auditing import audit
from nianbao.audit import INDICATORS, Audit, AuditRow, series_lines
from nianbao.audit_writer import write_html, write_xlsx
from nianbao.cli import main
from nianbao.findings import Findings
from nianbao.importing.plain import plain_text
from nianbao.text.cjk import office_key
from nianbao.xlsx_writer import write_report

SAMPLES = Path(__file__).parent / "data" / "samples"


def _samples(tmp_path: Path) -> list[Path]:
    out = []
    for p in sorted(SAMPLES.glob("*.txt")):
        out.append(Path(shutil.copy(p, tmp_path / p.name)))
    return out


def test_the_samples_flag_what_an_evaluator_would(tmp_path):
    result = audit(_samples(tmp_path))
    rows = {Path(r.file).name: r for r in result.rows}
    nanxun = rows["nanxun-zwb-2021.txt"]
    assert nanxun.format_detected == "mixed" and nanxun.findings.by_rule("import.format_mixed")
    # sums that hold are not flagged, in any of the three
    for r in result.rows:
        assert not r.findings.by_rule("t3.row", "t3.total", "t3.balance", "t4.sum"), r.file
    district = rows["district-office-2021.txt"]
    assert district.findings.errors == 0
    assert district.indicators == {"disclosed": 1.0, "corrected": 1.0, "other": 0.0}
    # no requests at all: nothing to compute, not 0 %
    assert rows["fenghua-zwb-2021.txt"].indicators["disclosed"] is None
    assert result.exit_code == 1


def _province(tmp_path: Path, n: int = 8) -> list[Path]:
    paths = []
    for i in range(n):
        r = consistent_report("2021", i)
        r.meta.unit = f"第{i}区政务办"
        r.meta.year = 2021
        p = tmp_path / f"{i}.txt"
        p.write_text(plain_text(r), encoding="utf-8")
        paths.append(p)
    return paths


def test_an_outlier_indicator_is_flagged_and_usual_ones_are_not(tmp_path):
    paths = _province(tmp_path)
    # one office that 'other-processed' almost every request
    r = consistent_report("2021", 3)
    r.meta.unit, r.meta.year = "异常局", 2021
    for key in [k for k in r.values if k.startswith("t3.")]:
        r[key] = 0
    for col, v in (("natural", 50), ("total", 50)):
        for row in ("new", "other_3", "total"):
            r[f"t3.{row}.{col}"] = v
    odd = tmp_path / "odd.txt"
    odd.write_text(plain_text(r), encoding="utf-8")
    result = audit(paths + [odd])
    flagged = {Path(row.file).name: row.outliers for row in result.rows}
    assert "other" in flagged["odd.txt"]
    assert sum(1 for name, o in flagged.items() if o and name != "odd.txt") <= 1


def test_a_units_years_run_the_cross_year_rules_naming_both_years(tmp_path):
    last = consistent_report("2021", 1)
    last.meta.unit, last.meta.year = "某区政务办", 2021
    this = consistent_report("2021", 2)
    this.meta.unit, this.meta.year = "某区政务办", 2022
    (tmp_path / "2021.txt").write_text(plain_text(last), encoding="utf-8")
    write_report(this, tmp_path / "2022.xlsx")  # a workbook and a published report together
    result = audit([tmp_path / "2021.txt", tmp_path / "2022.xlsx"])
    later = result.rows[1]
    carry = later.findings.by_rule("t3.carry")
    assert carry and all(f.message.startswith("2021 年 → 2022 年") for f in carry)
    assert not result.rows[0].findings.by_rule("t3.carry")


def test_one_bad_file_does_not_stop_the_others_and_none_readable_is_2(tmp_path):
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"not a document")
    result = audit([bad] + _samples(tmp_path))
    assert result.rows[0].findings.unreadable and len(result.rows) == 4
    assert audit([bad]).exit_code == 2
    clean = audit([tmp_path / "district-office-2021.txt"])
    assert clean.exit_code == 0


def test_xlsx_has_a_summary_and_every_finding_filterable(tmp_path):
    result = audit(_samples(tmp_path) + _province(tmp_path, 5))
    out = write_xlsx(result, tmp_path / "审查结果.xlsx")
    wb = openpyxl.load_workbook(out)
    summary, findings, reading, units = wb.worksheets
    assert [ws.title for ws in wb.worksheets] == ["审查汇总", "报告中的问题", "未能读取", "各单位历年"]
    assert summary.max_row == len(result.rows) + 1
    assert all(ws.auto_filter.ref for ws in wb.worksheets)
    headers = [c.value for c in summary[1]]
    assert [i.title for i in INDICATORS] == headers[-3:] and "未能读取" in headers
    assert findings.max_row == 1 + sum(len(r.findings) for r in result.rows)
    assert reading.max_row == 1 + sum(len(r.reading) for r in result.rows)
    nanxun = next(row for row in summary.iter_rows(min_row=2, values_only=True)
                  if row[0].endswith("nanxun-zwb-2021.txt"))
    assert nanxun[3] == "新旧格式混用" and "2019年版格式" in nanxun[7]
    assert nanxun[4] == 1 and nanxun[6] == 2  # the mix of formats; two tables' missing values
    district = next(row for row in summary.iter_rows(min_row=2)
                    if row[0].value.endswith("district-office-2021.txt"))
    assert district[8].value == 1.0 and district[8].number_format == "0.0%"  # sorts as a number
    # the file as the folder all inputs share shows it, not a temporary path
    assert district[0].value == "district-office-2021.txt"


def test_text_from_a_report_never_becomes_a_formula(tmp_path):
    r = consistent_report("2021", 0)
    r.meta.unit, r.meta.year = '=HYPERLINK("http://x","点")', 2021
    p = tmp_path / "x.txt"
    p.write_text(plain_text(r), encoding="utf-8")
    result = audit([p])
    # the importer takes no such title text for a unit (a unit's name ends in 局, 办 …) …
    assert result.rows[0].unit == ""
    # … and whatever text a report gives, the results workbook holds it as text
    result.rows[0].unit = r.meta.unit
    out = write_xlsx(result, tmp_path / "a.xlsx")
    cell = openpyxl.load_workbook(out).worksheets[0]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_html_is_one_self_contained_page(tmp_path):
    result = audit(_samples(tmp_path))
    page = write_html(result, tmp_path / "审查结果.html").read_text(encoding="utf-8")
    assert "<script" not in page and "http" not in page.split("<body>")[0]
    for title in ("新旧格式混用", "审查汇总", "报告中的问题", "未能读取", "各单位历年"):
        assert title in page
    findings = sum(len(r.findings) + len(r.reading) for r in result.rows)
    groups = sum(1 for r in result.rows if r.findings) + sum(1 for r in result.rows if r.reading)
    series = len(result.series) + len(result.unlinked)
    # headers, one row per report, one per unit, one per finding and a heading row per report
    assert page.count("<tr") == 4 + len(result.rows) + series + findings + groups


def test_html_escapes_every_text_of_a_report(tmp_path):
    r = consistent_report("2021", 0)
    r.meta.unit, r.meta.year = "某区政务办", 2021
    r.texts["s5.problems"] = '<script>alert("x")</script>一是问题&改进'
    p = tmp_path / "x.txt"
    p.write_text(plain_text(r), encoding="utf-8")
    result = audit([p])
    result.rows[0].unit = '<img src=x onerror="alert(1)">局'
    page = write_html(result, tmp_path / "a.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "&lt;img" in page


def test_audit_command_json_outputs_and_exit_code(tmp_path):
    files = [str(p) for p in _samples(tmp_path)]
    res = CliRunner().invoke(main, ["audit", *files, "--json", "-o", str(tmp_path / "a.xlsx"),
                                    "--html", str(tmp_path / "a.html")])
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    assert [Path(d["file"]).name for d in data] == [Path(f).name for f in files]
    assert {"unit", "year", "format_detected", "errors", "indicators", "outliers", "findings"} <= set(data[0])
    assert (tmp_path / "a.xlsx").is_file() and (tmp_path / "a.html").is_file()
    res = CliRunner().invoke(main, ["audit", files[0]])
    assert res.exit_code == 0 and "公开率" in res.output


def test_worker_processes_give_the_same_result_in_the_same_order(tmp_path):
    last = consistent_report("2021", 1)
    last.meta.unit, last.meta.year = "某区政务办", 2021
    this = consistent_report("2021", 2)
    this.meta.unit, this.meta.year = "某区政务办", 2022
    (tmp_path / "2021.txt").write_text(plain_text(last), encoding="utf-8")
    (tmp_path / "2022.txt").write_text(plain_text(this), encoding="utf-8")
    files = _samples(tmp_path) + [tmp_path / "2021.txt", tmp_path / "2022.txt"]
    one, two = audit(files, jobs=1), audit(files, jobs=2)
    assert [r.to_dict() for r in one.rows] == [r.to_dict() for r in two.rows]
    assert two.rows[-1].findings.by_rule("t3.carry")


def test_an_output_never_replaces_an_audited_report(tmp_path):
    src = write_report(consistent_report("2021", 4), tmp_path / "甲.xlsx")
    before = src.read_bytes()
    for args in (["-o", str(src)], ["--html", str(src)],
                 ["-o", str(tmp_path / "审查.xlsx"), "--html", str(tmp_path / "审查.xlsx")]):
        res = CliRunner().invoke(main, ["audit", str(src), *args])
        assert res.exit_code == 2 and "不能" in res.stderr, (args, res.output)
    assert src.read_bytes() == before and not (tmp_path / "审查.xlsx").exists()


# -- a unit's years, published as an office publishes them ---------------------------------------
OLD_NAME, NEW_NAME = "上海市人民政府办公厅", "上海市政府办公厅"  # the office titles its years both ways
# 表三 (自然人 = 总计, the other applicants 0): 一 new, 二 carried, （一） granted, （二） partial,
# （六） other, 四 carried forward.  Each 二 is last year's 四 — but 2023's: 15, where 2022 carried 14.
T3_YEARS = {2019: (40, 2, 30, 4, 3, 5), 2020: (50, 5, 36, 6, 2, 11), 2021: (60, 11, 50, 5, 6, 10),
            2022: (45, 10, 30, 8, 3, 14), 2023: (52, 15, 40, 6, 5, 16), 2024: (48, 16, 35, 10, 4, 15),
            2025: (55, 15, 45, 5, 2, 18)}
REVIEW_YEARS = {2019: (3, 1), 2020: (2, 0), 2021: (4, 1), 2022: (1, 1), 2023: (2, 2), 2024: (3, 0),
                2025: (0, 0)}  # 行政复议: 结果维持, 结果纠正 (the rest 0)
# 表二 across years, every link holding: 2019 format (本年新公开数量, 对外公开总数量) and
# (上一年项目数量, 本年增/减); 2021 format (本年制发, 本年废止, 现行有效件数)
PUBLIC_2019 = {"rules": {2019: (3, 20), 2020: (2, 22)}, "normative": {2019: (5, 40), 2020: (4, 44)}}
ITEMS_2019 = {"licensing": {2019: (50, 2), 2020: (52, -1)}, "punishment": {2019: (30, -2), 2020: (28, 1)},
              "other_services": {2019: (12, 0), 2020: (12, 3)}, "enforcement": {2019: (8, 1), 2020: (9, 0)},
              "fees": {2019: (5, 0), 2020: (5, 0)}}
STOCK_2021 = {"rules": {2021: (1, 0, 10), 2022: (2, 1, 11), 2023: (0, 0, 11), 2024: (1, 0, 12),
                        2025: (0, 2, 10)},
              "normative": {2021: (3, 1, 30), 2022: (4, 2, 32), 2023: (1, 1, 32), 2024: (0, 0, 32),
                            2025: (2, 0, 34)}}


def year_report(year: int):
    from nianbao.formats import format_for_year

    fmt = format_for_year(year).id
    r = consistent_report(fmt, year)
    r.meta.unit = OLD_NAME if year <= 2021 else NEW_NAME
    r.meta.year, r.meta.document_date = year, f"{year + 1}-01-20"
    new, carried, granted, partial, other, forward = T3_YEARS[year]
    for fid in [f for f in r.values if f.startswith(("t3.", "t4."))]:
        r[fid] = 0
    other_row = "other" if fmt == "2019" else "other_3"
    for row, v in (("new", new), ("carried", carried), ("granted", granted), ("partial", partial),
                   (other_row, other), ("total", granted + partial + other), ("carry_forward", forward)):
        r[f"t3.{row}.natural"] = r[f"t3.{row}.total"] = v
    upheld, corrected = REVIEW_YEARS[year]
    r["t4.review.upheld"], r["t4.review.corrected"] = upheld, corrected
    r["t4.review.total"] = upheld + corrected
    if fmt == "2019":
        for row, by_year in PUBLIC_2019.items():
            r[f"t2.{row}.made"] = r[f"t2.{row}.published"] = by_year[year][0]
            r[f"t2.{row}.public_total"] = by_year[year][1]
        for row, by_year in ITEMS_2019.items():
            r[f"t2.{row}.prev_items"], r[f"t2.{row}.change"] = by_year[year]
    else:
        for row, by_year in STOCK_2021.items():
            r[f"t2.{row}.issued"], r[f"t2.{row}.repealed"], r[f"t2.{row}.in_force"] = by_year[year]
    return r


def publish_years(folder: Path) -> list[Path]:
    """2019 and 2023 as Word files, 2020 as a PDF printed by LibreOffice (Word without it),
    2021 and 2024 as web pages (2024 titled with the year first: 「2024年上海市政府办公厅…」),
    2022 and 2025 as the page's text on one line."""
    import publish
    from nianbao.document import find_soffice

    out = []
    for year in T3_YEARS:
        r = year_report(year)
        if year == 2020 and find_soffice() is not None:
            work = folder / "打印"
            work.mkdir()
            pdf = publish.awkward_pdf(r, work, str(year))
            out.append(pdf.rename(folder / pdf.name))
            shutil.rmtree(work)
        elif year in (2019, 2020, 2023):
            out.append(publish.word(r, folder / f"{year}.docx"))
        elif year in (2021, 2024):
            page = publish.web_page(r)
            if year == 2024:
                page = page.replace(f"<h1>{NEW_NAME}<br>{year}年".encode(),
                                    f"<h1>{year}年{NEW_NAME}".encode())
            (folder / f"{year}.html").write_bytes(page)
            out.append(folder / f"{year}.html")
        else:
            (folder / f"{year}.txt").write_text(publish.one_line(publish.web_page(r)), encoding="utf-8")
            out.append(folder / f"{year}.txt")
    return out


@pytest.fixture(scope="module")
def years_folder(tmp_path_factory) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("历年") / "上海市政府办公厅"
    folder.mkdir()
    return folder, publish_years(folder)


@pytest.fixture(scope="module")
def years_audit(years_folder):
    return audit(years_folder[1])


TEMPLATE_CELL = re.compile(r"(?<![A-Za-z])[A-Z]{1,2}[0-9]{1,3}(?![0-9])")


def test_a_units_published_years_are_linked_and_checked_along_the_series(years_audit):
    rows = {r.year: r for r in years_audit.rows}
    assert sorted(rows) == list(T3_YEARS)
    assert {r.unit for r in rows.values()} == {OLD_NAME, NEW_NAME}  # as each year's title prints it
    assert len(years_audit.series) == 1 and not years_audit.unlinked
    assert {r.series for r in rows.values()} == {NEW_NAME}  # named as the latest report names it
    # the one broken link, and only it: 2023's 二 is 15, 2022 carried 14 forward
    carry = [(y, f) for y, r in rows.items() for f in r.findings if f.rule.startswith(("t3.carry", "t2."))]
    assert [y for y, _ in carry] == [2023, 2023]
    assert {rows[2023].place(f) for _, f in carry} == {"表三第二项 自然人列", "表三第二项 总计列"}
    for _, f in carry:
        assert f.message.startswith("2022 年 → 2023 年：") and (f.expected, f.actual) == (14, 15)
        assert f.severity == "error"
    # 2020 → 2021 crosses formats: what the 2019 format lacks is said once, apart, as not checked
    skipped = [f for f in rows[2021].reading if f.rule == "prev.skipped"]
    assert len(skipped) == 1 and skipped[0].message.startswith("2020 年 → 2021 年：")
    assert not any(f.rule == "prev.skipped" for y, r in rows.items() if y != 2021 for f in r.reading)
    # every value was read: nothing missing, and the reports cite no template cell
    for r in rows.values():
        assert r.published and not [f for f in r.reading if f.rule.startswith(("import.", "rule."))]
        for f in list(r.findings) + r.reading:
            assert f.sheet is None and f.cell is None and not f.cells, f
            assert not TEMPLATE_CELL.search(f.message), f.message


def test_the_rates_of_a_units_years_are_the_ones_its_tables_give(years_audit):
    """Written from the tables above, by hand: 公开率 = （一）+（二） over （七）, 纠错率 = 复议结果纠正
    over 复议总计 (none in 2025: no rate, not 0 %), 其他处理占比 = （六） over （七）."""
    disclosed = {2019: 34 / 37, 2020: 42 / 44, 2021: 55 / 61, 2022: 38 / 41, 2023: 46 / 51,
                 2024: 45 / 49, 2025: 50 / 52}
    corrected = {2019: 1 / 4, 2020: 0.0, 2021: 1 / 5, 2022: 1 / 2, 2023: 2 / 4, 2024: 0.0, 2025: None}
    other = {2019: 3 / 37, 2020: 2 / 44, 2021: 6 / 61, 2022: 3 / 41, 2023: 5 / 51, 2024: 4 / 49,
             2025: 2 / 52}
    for r in years_audit.rows:
        assert r.indicators == pytest.approx(
            {"disclosed": disclosed[r.year], "corrected": corrected[r.year], "other": other[r.year]})


def test_a_folder_is_audited_as_the_files_in_it(years_folder, years_audit, tmp_path):
    folder, files = years_folder
    whole = audit([folder])
    assert sorted(Path(r.file).name for r in whole.rows) == sorted(p.name for p in files)
    by_name = {Path(r.file).name: r.to_dict() for r in years_audit.rows}
    for r in whole.rows:
        assert r.to_dict() == by_name[Path(r.file).name]
    # and through the door, with the outputs beside the reports (never read back as reports)
    res = CliRunner().invoke(main, ["audit", str(folder), "-o", str(tmp_path / "审查结果.xlsx"),
                                    "--html", str(tmp_path / "审查结果.html"), "--json"])
    assert res.exit_code == 1, res.output  # 2023's 上年结转 is an error
    assert len(json.loads(res.output)) == len(files)


def test_the_series_table_names_the_unit_both_ways_and_its_years(years_audit):
    lines = series_lines(years_audit)
    assert len(lines) == 1
    line = lines[0]
    assert line.unit == NEW_NAME and line.years == "2019–2025" and line.gaps == ""
    assert line.names == ((OLD_NAME, "2019–2021"), (NEW_NAME, "2022–2025"))
    assert line.cross_year == 2 and len(line.files) == 7


def test_two_copies_of_a_year_and_a_gap_are_shown(years_folder, tmp_path):
    _, files = years_folder
    picked = [f for f in files if f.stem not in ("2022",)]
    copy = tmp_path / "2021-副本.html"
    shutil.copy(next(f for f in files if f.stem == "2021"), copy)
    result = audit(picked + [copy])
    line = series_lines(result)[0]
    assert line.gaps == "2022" and line.years == "2019、2020、2021、2023、2024、2025"
    assert line.copies == ("2021 年 2 份，内容相同",)
    # with no 2022, 2023 is not compared with anything: its wrong 上年结转 goes unseen, not guessed
    assert not [f for r in result.rows for f in r.findings if f.rule == "t3.carry"]


# -- which names are one office ------------------------------------------------------------------
REAL_TITLES = {
    "2019年上海市人民政府办公厅政府信息公开工作年度报告": "上海市人民政府办公厅",
    "上海市政府办公厅2022年政府信息公开工作年度报告": "上海市政府办公厅",
    "上海市人民政府2021年政府信息公开工作年度报告": "上海市人民政府",
    "南京市鼓楼区人民政府办公室2021年政府信息公开工作年度报告": "南京市鼓楼区人民政府办公室",
    "福州市鼓楼区人民政府办公室2021年政府信息公开工作年度报告": "福州市鼓楼区人民政府办公室",
    "鼓楼区人民政府办公室2021年政府信息公开工作年度报告": "鼓楼区人民政府办公室",
    "奉化区政务办政府信息公开工作年度报告": "奉化区政务办",
    "区政务办2021年度政务公开工作总结": "区政务办",
    "宁波市奉化区人民政府办公室2021年政府信息公开工作年度报告": "宁波市奉化区人民政府办公室",
    "宁波市奉化区政府办2020年政府信息公开工作年度报告": "宁波市奉化区政府办",
}


def test_only_names_of_one_office_are_one_unit():
    """「人民政府」 written 「政府」 is the same office; a shorter name, another city's 鼓楼区, the
    government beside its 办公厅, 「政府办」 beside 「政府办公室」 (办 is also 办事处) are not."""
    from nianbao.importing.meta import title_unit

    units = {t: title_unit(t) for t in REAL_TITLES}
    assert units == REAL_TITLES
    keys = {u: office_key(u) for u in units.values()}
    assert keys["上海市人民政府办公厅"] == keys["上海市政府办公厅"]
    others = [u for u in units.values() if u not in ("上海市人民政府办公厅", "上海市政府办公厅")]
    assert len({keys[u] for u in others} | {keys["上海市政府办公厅"]}) == len(others) + 1


def _row(unit: str, year: int | None, file: str = "") -> AuditRow:
    return AuditRow(file or f"{unit}-{year}.pdf", Findings([]), None, unit=unit, year=year, format="2021")


def test_link_by_name_by_list_and_never_without_a_unit():
    from nianbao.audit import link
    from nianbao.merge.units import Unit

    rows = [_row("上海市人民政府办公厅", 2021), _row("上海市政府办公厅", 2022), _row("区政务办", 2021),
            _row("奉化区政务办", 2022), _row("", 2021), _row("", 2022), _row("某局", None)]
    series_, unlinked = link(rows)
    assert sorted(len(s.rows) for s in series_) == [1, 1, 2]
    assert [r.unit for r in unlinked] == ["", "", "某局"]  # two unread units are never one
    # the list names the unit; its units without a report are listed
    listed, _ = link(rows[:2], [Unit("上海市人民政府办公厅"), Unit("某区政务办")])
    assert [(s.name, len(s.rows), s.listed) for s in listed] == [
        ("上海市人民政府办公厅", 2, True), ("某区政务办", 0, True)]
    # a list holding both names as two units is believed: they stay apart
    two = [_row("某市人民政府", 2021), _row("某市政府", 2022)]
    assert len(link(two)[0]) == 1
    apart, _ = link(two, [Unit("某市人民政府"), Unit("某市政府")])
    assert [len(s.rows) for s in apart] == [1, 1]
    # a name the list lacks, and a year several files hold, in the table of units
    result = Audit(rows[:2] + [_row("某区政务办", 2021)])
    result.series, result.unlinked = link(result.rows, [Unit("某县政务办")])
    lines = {line.unit: line for line in series_lines(result)}
    assert lines["某县政务办"].years == "未收到报告" and lines["某区政务办"].years == "2021"


# -- what the evaluator sees of one report --------------------------------------------------------
def test_reading_findings_are_kept_apart_from_the_reports_own(tmp_path):
    rows = {Path(r.file).name: r for r in audit(_samples(tmp_path)).rows}
    nanxun = rows["nanxun-zwb-2021.txt"]
    # the report's own defect: it mixes the two formats …
    assert [f.rule for f in nanxun.findings if f.severity == "error"] == ["import.format_mixed"]
    # … what could not be read is apart: one finding per table, each value once
    assert [f.rule for f in nanxun.reading] == ["import.missing", "import.missing"]
    assert not [f for r in rows.values() for f in list(r.findings) + r.reading
                if f.rule in ("rule.missing", "meta.document_date")]
    t3 = nanxun.reading[1]
    assert nanxun.place(t3) == "表三" and "表三（六）1 行、（六）2 行、（六）3 行" in t3.message
    assert "「行合计校验」「（七）总计校验」校验未进行" in t3.message
    # the summary's counts are the report's own; reading is a column of its own
    assert (nanxun.findings.errors, len(nanxun.reading)) == (1, 2)
    assert rows["district-office-2021.txt"].reading == []
    assert [f.rule for f in rows["fenghua-zwb-2021.txt"].reading] == ["import.year_inferred"]


def _sample_text(*edits: tuple[str, str]) -> str:
    from nianbao.samples.build import load_sample

    text = plain_text(load_sample("district-2021"))
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_a_value_the_source_lacks_is_named_once_by_the_reports_place(tmp_path):
    """表三's row （五）2 printed without its numbers; 表二's 行政规范性文件 run together
    (「1016」: several splits fit the rules).  Expected, by hand: the seven cells of （五）2 in one
    finding, with the checks they stopped; the run-together row in its own finding only."""
    p = tmp_path / "年报.txt"
    p.write_text(_sample_text(("2.重复申请 0 0 0 0 0 0 0", "2.重复申请"),
                              ("行政规范性文件 1 0 16", "行政规范性文件1016")), encoding="utf-8")
    row = audit([p]).rows[0]
    assert [f.rule for f in row.reading] == ["import.missing", "import.ambiguous"]
    missing, ambiguous = row.reading
    assert missing.message == ("三、收到和处理政府信息公开申请情况中有 7 个数值在原文中未找到，"
                               "记为缺失（不是 0）：表三（五）2 行；"
                               "涉及它们的「行合计校验」「（七）总计校验」校验未进行")
    assert row.place(missing) == "表三" and row.place(ambiguous) == "表二 行政规范性文件 行"
    assert "1016" in ambiguous.message
    assert not [f for f in row.findings if f.rule.startswith(("import.", "rule."))]
    assert row.findings.errors == 0


def test_a_published_report_cites_its_own_table_row_and_column(tmp_path):
    """A sum that fails in the printed table is cited as the evaluator cites it, and no message
    names a cell of nianbao's template."""
    p = tmp_path / "年报.txt"
    # （四）1 本机关不掌握相关政府信息: 自然人 printed 1 instead of 0 — its row and column break
    p.write_text(_sample_text(("1.本机关不掌握相关政府信息 0 0 0 0 0 0 0",
                               "1.本机关不掌握相关政府信息 1 0 0 0 0 0 0")), encoding="utf-8")
    row = audit([p]).rows[0]
    errors = {f.rule: f for f in row.findings if f.severity == "error"}
    assert set(errors) == {"t3.row", "t3.total"}  # （七） as printed still balances 一 + 二
    assert row.place(errors["t3.row"]) == "表三（四）1 总计列"
    assert row.place(errors["t3.total"]) == "表三（七） 自然人列"
    for f in list(row.findings) + row.reading:
        assert not TEMPLATE_CELL.search(f.message), f.message
        assert f.sheet is None and f.cell is None and not f.hints
    # the cell both broken rules run through is named by the report's place, not 「D16」
    assert any("表三（四）1 自然人列" in f.message for f in errors.values())


def test_rates_are_computed_from_values_that_were_read_only(tmp_path):
    """Five reports read whole; one whose 「（七）总计」 row the text lacks, one without 表四: a
    rate needing what was not read is not computed (not a rate from a made-up 0), takes no part
    in what is usual, and is never flagged; the rates it can compute are."""
    paths = _province(tmp_path, 5)
    want = {}
    for i, p in enumerate(paths):
        r = consistent_report("2021", i)
        want[p.name] = ((r.number("t3.granted.total") + r.number("t3.partial.total"))
                        / r.number("t3.total.total"))
    r = consistent_report("2021", 9)
    r.meta.unit, r.meta.year = "缺行局", 2021
    text = plain_text(r)
    cut = re.search(r"（七）总计[ \d]+\n", text)
    assert cut
    (tmp_path / "cut.txt").write_text(text.replace(cut.group(0), "（七）总计\n"), encoding="utf-8")
    (tmp_path / "no-t4.txt").write_text(text[:text.index("四、政府信息公开行政复议")], encoding="utf-8")
    result = audit(paths + [tmp_path / "cut.txt", tmp_path / "no-t4.txt"])
    rows = {Path(r.file).name: r for r in result.rows}
    for name, rate in want.items():
        assert rows[name].indicators["disclosed"] == pytest.approx(rate)
    cut_row, no_t4 = rows["cut.txt"], rows["no-t4.txt"]
    assert cut_row.indicators["disclosed"] is None and cut_row.indicators["other"] is None
    assert cut_row.indicators["corrected"] == pytest.approx(
        r.number("t4.review.corrected") / r.number("t4.review.total"))
    assert no_t4.indicators["corrected"] is None
    assert no_t4.indicators["disclosed"] == pytest.approx(
        (r.number("t3.granted.total") + r.number("t3.partial.total")) / r.number("t3.total.total"))
    assert not {"disclosed", "other"} & set(cut_row.outliers) and "corrected" not in no_t4.outliers


def test_outliers_are_judged_among_the_rates_that_could_be_computed():
    from nianbao.audit import flag_outliers

    def row(v):
        r = _row("某局", 2021)
        r.indicators = {"disclosed": v}
        return r

    # four rates and three not computed: too few to say what is usual — none flagged
    few = [row(v) for v in (0.5, 0.52, 0.49, 0.01)] + [row(None)] * 3
    flag_outliers(few)
    assert not any(r.outliers for r in few)
    many = [row(v) for v in (0.5, 0.52, 0.49, 0.51, 0.5, 0.01)] + [row(None)]
    flag_outliers(many)
    assert [r.indicators["disclosed"] for r in many if r.outliers] == [0.01]


# -- the outputs as they are looked at and printed ----------------------------------------------
@pytest.fixture(scope="module")
def batch_audit(years_folder, tmp_path_factory):
    """The unit's seven years, the three real samples, and offices whose names are long (the
    worst case: 40 characters) or break nowhere (「东城区政务服务管理办公室」)."""
    from helpers import WORST_UNIT

    folder = tmp_path_factory.mktemp("批次")
    files = list(years_folder[1]) + _samples(folder)
    units = (WORST_UNIT, "东城区政务服务管理办公室", "西城区人民政府办公室", "南山区司法局")
    for i, unit in enumerate(units):
        r = consistent_report("2021", i)
        r.meta.unit, r.meta.year = unit, 2022
        files.append(folder / f"区县{i}.txt")
        files[-1].write_text(plain_text(r), encoding="utf-8")
    return audit(files)


CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# every piece the page keeps whole (the text between two <wbr>, a header word, a year, a number,
# a code), and every year or code inside the prose: the lines each spans (one, if kept whole)
_BROKEN = """() => {
  const lines = (range) => new Set([...range.getClientRects()].filter(r => r.width > 0)
                                   .map(r => Math.round(r.bottom / 4))).size;
  const bad = [];
  const whole = document.querySelectorAll('.k, .y, td.c, td.n, .code, th');
  for (const el of whole) {
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node; (node = walk.nextNode());) {
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        const r = document.createRange();
        r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
        if (lines(r) > 1) bad.push(m[0]);
      }
    }
  }
  for (const td of document.querySelectorAll('td')) {
    const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let node; (node = walk.nextNode());) {
      for (const m of node.textContent.matchAll(/\\d{4}|[a-z]+(?:\\.[a-z_0-9]+)+/g)) {
        const r = document.createRange();
        r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
        if (lines(r) > 1) bad.push(m[0]);
      }
    }
  }
  return bad;
}"""


@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="Chromium not installed")
def test_the_page_keeps_words_whole_on_screen_and_prints_full_a4_landscape_pages(batch_audit, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    page_file = write_html(batch_audit, tmp_path / "审查结果.html")
    pdf = tmp_path / "审查结果.pdf"
    with playwright.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = context.new_page()
        page.goto(page_file.as_uri())
        for width in (1400, 900):
            page.set_viewport_size({"width": width, "height": 900})
            broken = page.evaluate(_BROKEN)
            assert broken == [], (width, broken)
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
            page.screenshot(path=str(tmp_path / f"{width}.png"), full_page=True)
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        context.close()
    import subprocess

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 59[45]\.\d+ pts", info), info  # A4 landscape
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    # every page but the last is filled (a report's rows break between pages, not before them)
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    bottoms: dict[int, float] = {}
    for n, body in enumerate(bbox.split("<page ")[1:], 1):
        ys = [float(y) for y in re.findall(r'yMax="([\d.]+)"', body)]
        bottoms[n] = max(ys) / 595
    assert len(bottoms) == pages and all(bottoms[n] > 0.7 for n in range(1, pages)), bottoms
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "表三第二项 自然人列" in text and "2019–2025" in text


def test_the_workbook_has_borders_balanced_columns_and_prints_landscape(batch_audit, tmp_path):
    from nianbao.audit_writer import WIDTHS

    out = write_xlsx(batch_audit, tmp_path / "审查结果.xlsx")
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
            for c in row:
                sides = (c.border.left, c.border.right, c.border.top, c.border.bottom)
                assert all(s.style == "thin" for s in sides), (ws.title, c.coordinate)
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
                  for j in range(1, ws.max_column + 1)]
        assert max(widths) <= max(w.most for w in WIDTHS.values()) and min(widths) >= 6, (ws.title, widths)
        # each row is as tall as its wrapped text needs: no row of one short line is tall
        for i in range(2, ws.max_row + 1):
            texts = [str(c.value or "") for c in ws[i]]
            if all(len(t) < 12 and "\n" not in t for t in texts):
                assert ws.row_dimensions[i].height < 20, (ws.title, i)
    findings = wb["报告中的问题"]
    headers = [c.value for c in findings[1]]
    widths = {h: findings.column_dimensions[openpyxl.utils.get_column_letter(j)].width
              for j, h in enumerate(headers, 1)}
    assert widths["说明"] == max(widths.values()) and widths["文件"] <= 30
    places = {c.value for c in findings["E"][1:]}
    assert "表三第二项 自然人列" in places


@pytest.mark.libreoffice
def test_the_workbook_prints_through_libreoffice(batch_audit, tmp_path):
    """Rendered by LibreOffice as the coordinator prints it: every sheet on A4 landscape pages,
    each finding's text on them."""
    import subprocess

    from nianbao.document import find_soffice

    soffice = find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    out = write_xlsx(batch_audit, tmp_path / "审查结果.xlsx")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "审查结果.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 59[45]\.\d+ pts", info), info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    text = "".join(text.split())
    for r in batch_audit.rows:
        for f in list(r.findings) + r.reading:
            assert "".join(f.message.split())[:30] in text, f.message
