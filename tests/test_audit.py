"""Auditing many reports: the three real samples, a province's worth of generated ones, a
unit's series of years, the indicators and their outliers, and the xlsx and HTML outputs."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from helpers import consistent_report
from nianbao.actions.auditing import audit
from nianbao.audit import INDICATORS
from nianbao.audit_writer import write_html, write_xlsx
from nianbao.cli import main
from nianbao.importing.plain import plain_text
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
    summary, findings = wb.worksheets
    assert summary.title == "审查汇总" and findings.title == "全部问题"
    assert summary.max_row == len(result.rows) + 1
    assert summary.auto_filter.ref and findings.auto_filter.ref
    headers = [c.value for c in summary[1]]
    assert [i.title for i in INDICATORS] == headers[-3:]
    assert findings.max_row == 1 + sum(len(r.findings) for r in result.rows)
    nanxun = next(row for row in summary.iter_rows(min_row=2, values_only=True)
                  if row[0].endswith("nanxun-zwb-2021.txt"))
    assert nanxun[3] == "新旧格式混用" and "2019年版格式" in nanxun[6]
    district = next(row for row in summary.iter_rows(min_row=2)
                    if row[0].value.endswith("district-office-2021.txt"))
    assert district[7].value == 1.0 and district[7].number_format == "0.0%"  # sorts as a number


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
    assert "新旧格式混用" in page and "审查汇总" in page and "全部问题" in page
    assert page.count("<tr>") == 1 + 3 + 1 + sum(len(r.findings) for r in result.rows)


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
