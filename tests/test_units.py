"""The unit list and handing the template out (nianbao new --units -d)."""
from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

import nianbao
from nianbao.cli import main
from nianbao.errors import NianbaoError
from nianbao.layout import TEMPLATE_VERSION
from nianbao.reader import read_report
from nianbao import hand_out, read_units
from nianbao.merge.units import Unit


def xlsx_list(path, rows):
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_excel_list_with_header_in_any_column_order(tmp_path):
    p = xlsx_list(tmp_path / "名单.xlsx", [
        ["序号", "上级单位", "单位名称", "单位代码", "联系人"],
        [1, "甲区", "甲区政务办", 110101, "张三"],
        [],
        [2, "甲区", "甲区教育局", "110102", ""],
    ])
    units = read_units(p)
    assert units == [Unit("甲区政务办", "110101", "甲区", "张三", row=2),
                     Unit("甲区教育局", "110102", "甲区", "", row=4)]


def test_csv_list_without_header_in_gbk(tmp_path):
    p = tmp_path / "名单.csv"
    p.write_bytes("某县政务办,C1\n某县财政局,C2,某县\n".encode("gb18030"))
    assert [(u.name, u.code, u.parent, u.row) for u in read_units(p)] == [
        ("某县政务办", "C1", "", 1), ("某县财政局", "C2", "某县", 2)]


def test_a_bad_list_names_every_bad_row(tmp_path):
    p = xlsx_list(tmp_path / "名单.xlsx", [
        ["单位名称", "单位代码"],
        ["甲局", "A"],
        [None, "B"],
        ["甲 局", "C"],
        ["乙/丙局", "A"],
        ["丁局.", "D"],
    ])
    with pytest.raises(NianbaoError) as e:
        read_units(p)
    message = str(e.value)
    assert e.value.code == "units.invalid"
    assert "第 3 行：单位名称为空" in message
    assert "第 4 行：单位「甲 局」与第 2 行重复" in message
    assert "第 5 行：单位名称「乙/丙局」含有文件名中不允许的字符 /" in message
    assert "第 5 行：单位代码「A」与第 2 行重复" in message
    assert "第 6 行" in message


def test_empty_or_unreadable_list(tmp_path):
    empty = xlsx_list(tmp_path / "空.xlsx", [["单位名称"]])
    with pytest.raises(NianbaoError) as e:
        read_units(empty)
    assert e.value.code == "units.empty"
    junk = tmp_path / "坏.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(NianbaoError) as e:
        read_units(junk)
    assert e.value.code == "units.unreadable"


def test_hand_out_stamps_every_workbook(tmp_path):
    units = [Unit("甲区政务办", "110101", "甲区", "张三"), Unit("=乙局", "", "")]
    written = hand_out(units, tmp_path / "分发", year=2025)
    assert [p.name for p in written] == ["甲区政务办.xlsx", "=乙局.xlsx"]
    r = read_report(written[0])
    assert (r.meta.unit, r.meta.year, r.meta.contact, r.format) == ("甲区政务办", 2025, "张三", "2021")
    assert r.origin["unit_code"] == "110101" and r.origin["parent"] == "甲区"
    assert r.origin["template_version"] == TEMPLATE_VERSION and r.origin["year"] == "2025"
    assert read_report(written[1]).meta.unit == "=乙局"
    assert nianbao.check(written[0]).errors == 0
    with pytest.raises(NianbaoError) as e:
        hand_out(units, tmp_path / "分发", year=2025)
    assert e.value.code == "file.exists"
    old = hand_out(units[:1], tmp_path / "旧", year=2020)
    assert read_report(old[0]).format == "2019"


def test_cli_new_units(tmp_path):
    lst = xlsx_list(tmp_path / "名单.xlsx", [["单位", "代码"], ["甲局", "1"], ["乙局", "2"]])
    out = tmp_path / "分发"
    res = CliRunner().invoke(main, ["new", "--units", str(lst), "-d", str(out), "--year", "2025"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["乙局.xlsx", "甲局.xlsx"]
    assert "2 份" in res.output
    res = CliRunner().invoke(main, ["new", "--units", str(lst), "-d", str(out), "--year", "2025"])
    assert res.exit_code == 2 and "--force" in res.output
    res = CliRunner().invoke(main, ["new", "--units", str(lst)])
    assert res.exit_code == 2
    res = CliRunner().invoke(main, ["new"])
    assert res.exit_code == 2 and "-o" in res.output
    res = CliRunner().invoke(main, ["new", "--units", str(lst), "-d", str(tmp_path / "y"),
                                    "--from", str(out / "甲局.xlsx")])
    assert res.exit_code == 2 and not (tmp_path / "y").exists()
    bad = xlsx_list(tmp_path / "坏名单.xlsx", [["单位"], ["甲局"], ["甲局"]])
    res = CliRunner().invoke(main, ["new", "--units", str(bad), "-d", str(tmp_path / "x")])
    assert res.exit_code == 2 and "第 3 行" in res.output and "Traceback" not in res.output
