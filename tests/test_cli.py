"""The command line as a user runs it: the installed `nianbao` script in a subprocess."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.xlsx_writer import write_report

NIANBAO = str(Path(sys.executable).with_name("nianbao"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([NIANBAO, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_fields_json():
    p = run("fields", "--format", "2021", "--json")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert sum(r["statutory"] for r in rows) == 200
    row = next(r for r in rows if r["id"] == "t3.unavailable_1.natural")
    assert row == {"id": "t3.unavailable_1.natural", "table": "t3",
                   "labels": ["（四）无法提供", "1.本机关不掌握相关政府信息", "自然人"],
                   "sheet": "三、依申请公开", "cell": row["cell"], "name": "NB_t3_unavailable_1_natural",
                   "kind": "count", "unit": None, "statutory": True}
    # every input, as the README says (issue 17): basic information, texts, the fee cells
    by_id = {r["id"]: r for r in rows}
    assert (by_id["meta.unit"]["kind"], by_id["meta.year"]["kind"]) == ("text", "count")
    assert by_id["s1.request"]["kind"] == "text" and not by_id["s1.request"]["statutory"]
    assert (by_id["s6.fee_amount"]["kind"], by_id["s6.fee_amount"]["unit"]) == ("money", "元")
    assert by_id["s6.fee_notices"]["name"] == "NB_s6_fee_notices"
    assert {r["table"] for r in rows} >= {"meta", "s1", "t2", "t3", "t4", "s5", "s6"}
    rows19 = json.loads(run("fields", "--format", "2019", "--json").stdout)
    assert sum(r["statutory"] for r in rows19) == 198
    assert next(r for r in rows19 if r["id"] == "t2.licensing.change")["kind"] == "signed"


def test_fields_human():
    p = run("fields")
    assert p.returncode == 0 and "1.本机关不掌握相关政府信息" in p.stdout


@pytest.mark.parametrize("fmt,year", [("2021", 2025), ("2019", 2020)])
def test_new_then_show(tmp_path, fmt, year):
    out = tmp_path / "年报.xlsx"
    p = run("new", "--format", fmt, "--year", str(year), "--unit", "某区政务办", "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert out.exists() and "已生成" in p.stdout
    shown = json.loads(run("show", str(out), "--json").stdout)
    assert shown["meta"] == {"unit": "某区政务办", "year": year, "format": fmt,
                             "contact": "", "phone": "", "date": "", "address": "",
                             "postcode": "", "email": "", "website": "",
                             "document_date": ""}
    assert set(shown["values"].values()) == {None}
    assert "s5.problems" in shown["texts"]
    # an existing file is never overwritten without --force
    again = run("new", "--format", fmt, "--year", str(year), "-o", str(out))
    assert again.returncode == 2 and "--force" in again.stderr
    assert run("new", "--format", fmt, "--year", str(year), "-o", str(out), "--force").returncode == 0


def test_new_defaults_format_from_year(tmp_path):
    out = tmp_path / "a.xlsx"
    assert run("new", "--year", "2020", "-o", str(out)).returncode == 0
    assert json.loads(run("show", str(out), "--json").stdout)["meta"]["format"] == "2019"


def test_show_values_and_human_output(tmp_path):
    from helpers import consistent_report

    r = consistent_report("2021", seed=3)
    r.meta.unit, r.meta.year = "某县政务办", 2024
    path = write_report(r, tmp_path / "r.xlsx")
    shown = json.loads(run("show", str(path), "--json").stdout)
    assert shown["values"] == {k: v for k, v in r.statutory().items()}
    human = run("show", str(path))
    assert human.returncode == 0
    assert "三、收到和处理政府信息公开申请情况" in human.stdout and "某县政务办" in human.stdout


@pytest.mark.parametrize("command", ["show", "check", "report"])
@pytest.mark.parametrize("content", [b"not excel", b"PK\x03\x04broken"])
def test_unreadable_input_exit_2_one_line(tmp_path, command, content):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(content)
    p = run(command, str(bad))
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and "坏文件.xlsx" in lines[0]
    assert sorted(x.name for x in tmp_path.iterdir()) == ["坏文件.xlsx"]  # nothing written


def test_missing_file_exit_2(tmp_path):
    p = run("show", str(tmp_path / "none.xlsx"), "--json")
    assert p.returncode == 2 and "找不到文件" in p.stderr and p.stdout == ""


def test_demo_runs_the_whole_job(tmp_path):
    p = run("demo", "-o", str(tmp_path / "out"), "--no-pdf")
    assert p.returncode == 0, p.stderr
    assert "0 个错误" in p.stdout and "已生成" in p.stdout
    names = sorted(x.name for x in (tmp_path / "out").iterdir())
    assert names == ["示例-2021年报数据.xlsx", "示例-2021年政府信息公开工作年度报告.docx"]


def test_check_groups_blank_notices_for_people(tmp_path):
    from nianbao import Report

    r = Report.empty("2021", unit="某区", year=2025)
    for fid in ("t2.rules.issued", "t3.new.natural", "t4.review.upheld"):
        r[fid] = 0  # one cell each: the tables are begun, not left blank
    out = write_report(r, tmp_path / "空白.xlsx")
    p = run("check", str(out))
    assert p.returncode == 0
    assert "共 174 处同类提示" in p.stdout and "E6" in p.stdout
    assert p.stdout.count("未填写，按 0") == 3  # one line per sheet, not 200
    assert len(json.loads(run("check", str(out), "--json").stdout)[0]["findings"]) >= 190
    # a template nobody filled: one finding per table, no notice per cell
    fresh = tmp_path / "新.xlsx"
    run("new", "--year", "2025", "--unit", "某区", "-o", str(fresh))
    found = json.loads(run("check", str(fresh), "--json").stdout)[0]["findings"]
    assert ([f["sheet"] for f in found if f["rule"] == "table.blank"]
            == ["二、主动公开", "三、依申请公开", "四、复议诉讼"])
    assert not [f for f in found if f["rule"] in ("read.blank", "value.blank")]


def test_show_prints_what_clerks_typed_literally(tmp_path):
    from nianbao import Report

    r = Report.empty("2021", unit="[red]某区[/red]政务办", year=2025)
    r.texts["s1.overview"] = "[bold]概述[/bold]"
    path = write_report(r, tmp_path / "r.xlsx")
    out = run("show", str(path)).stdout
    assert "[red]某区[/red]政务办" in out and "[bold]概述[/bold]" in out
