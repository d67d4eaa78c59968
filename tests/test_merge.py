"""Collect and consolidate (nianbao merge): real unit workbooks made from the hand-out template,
filled with random consistent numbers, consolidated, and the result read back with openpyxl
and compared cell by cell with sums taken here, independently of nianbao."""
from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import sqlite3
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import consistent_report

import nianbao
from nianbao.merge import history as history_module
from nianbao.libreoffice import convert
from nianbao.parallel import parallel_map
from nianbao.cli import main
from nianbao import consolidate
from nianbao.merge.records import (INVALID, MERGED, MERGED_INVALID, REJECTED, SUPERSEDED,
                                   UNSENT as MISSING)
from nianbao.errors import NianbaoError, UnreadableWorkbook
from nianbao.layout import layout_of
from nianbao.messages import say
from nianbao.reader import read_report
from nianbao.report import Report
from nianbao.actions.new import template_for
from nianbao.merge.units import Unit
from nianbao.xlsx_writer import (CHECK_NAME_PREFIX, STATUS_ALL_PASSED, fill_workbook,
                                 save_workbook, write_report)

YEAR = 2025
N = 50
FORMULA_TEXT = '=HYPERLINK("http://example.com","点我")'


def unit_workbook(path: Path, unit: Unit, report: Report, *, format_id: str = "2021",
                  year: int = YEAR, saved: str | None = None) -> Path:
    """The workbook ``unit`` was handed out, filled with ``report`` and saved (at ``saved``,
    an ISO time stamped as the office program would)."""
    wb = template_for(unit, format_id, year)
    report.meta.unit, report.meta.year = unit.name, year
    fill_workbook(wb, report)
    save_workbook(wb, path)
    if saved:
        set_saved(path, saved)
    return path


def set_saved(path: Path, iso: str) -> None:
    """Rewrite the workbook's "last saved" stamp (docProps/core.xml dcterms:modified)."""
    src = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]+", rb"\g<1>" + iso.encode(), data)
            zout.writestr(item, data)
    path.write_bytes(out.getvalue())


def units_list() -> list[Unit]:
    units = [Unit(f"测试单位{i:02d}", f"C{i:02d}", ("甲区", "乙区", "丙局")[i % 3]) for i in range(N)]
    # a unit name an office program would take for a formula
    return [*units, Unit("=1+1局", "C98", "丙局"), Unit("未报送单位", "C99", "甲区")]


def filled(seed: int) -> Report:
    r = consistent_report("2021", seed=seed)
    r.texts["s1.request"] = f"本单位第{seed}号文字。"
    r.texts["s6.other"] = FORMULA_TEXT
    return r


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    """50 listed units' workbooks (one sent twice), and one file of every kind to reject."""
    d = tmp_path_factory.mktemp("inbox")
    units = units_list()
    by_name = {u.name: u for u in units}
    merged: dict[str, Report] = {}
    for i, unit in enumerate(units[:N]):
        if i in (10, 11, 12, 13, 14, 15):
            continue
        report = filled(i)
        unit_workbook(d / unit.file_name, unit, report, saved="2026-01-10T08:00:00Z")
        merged[unit.name] = report
    formula_unit = by_name["=1+1局"]
    report = filled(98)
    unit_workbook(d / "formula.xlsx", formula_unit, report)
    merged[formula_unit.name] = report
    # unit 03 sends a corrected version later, under another name, in a subfolder
    later = filled(1003)
    (d / "更正").mkdir()
    unit_workbook(d / "更正" / "测试单位03-更正.xlsx", units[3], later, saved="2026-01-20T09:30:00Z")
    merged[units[3].name] = later
    # rejected, each for its reason
    unit_workbook(d / "上年.xlsx", units[10], filled(10), year=YEAR - 1)
    unit_workbook(d / "旧格式.xlsx", units[11], consistent_report("2019", seed=11), format_id="2019")
    broken = filled(12)
    broken["t3.new.natural"] = broken.number("t3.new.natural") + 1
    unit_workbook(d / "勾稽错误.xlsx", units[12], broken)
    (d / "损坏.xlsx").write_bytes((d / units[0].file_name).read_bytes()[:3000])
    (d / "说明.txt").write_text("请查收", encoding="utf-8")
    altered = template_for(units[13], "2021", YEAR)
    altered["四、复议诉讼"]["B3"] = "改过的表头"
    save_workbook(altered, d / "改动.xlsx")
    plain = openpyxl.Workbook()
    plain.active["A1"] = "随便一个表"
    plain.save(d / "别的表.xlsx")
    unit_workbook(d / "名单外.xlsx", Unit("名单外单位"), filled(77))
    (d / "~$测试单位00.xlsx").write_bytes(b"lock")  # Excel's lock file: not an input
    return d, units, merged


@pytest.fixture(scope="module")
def merged_once(inbox, tmp_path_factory):
    d, units, merged = inbox
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in d.rglob("*") if p.is_file()}
    out = tmp_path_factory.mktemp("out") / "汇总.xlsx"
    result = consolidate([d], out, units=units)
    return result, out, before


def by_file(result, name: str):
    rows = [r for r in result.rows if r.file and Path(r.file).name == name]
    assert len(rows) == 1, name
    return rows[0]


def test_every_file_gets_its_status_and_reason(merged_once):
    result, out, _ = merged_once
    expect = {
        "上年.xlsx": (REJECTED, say("merge.wrong_year", actual=YEAR - 1, expected=YEAR)),
        "旧格式.xlsx": (REJECTED, say("merge.wrong_format", actual="2019年版格式（试行）",
                                      expected="2021年版格式")),
        "勾稽错误.xlsx": (INVALID, None),
        "损坏.xlsx": (REJECTED, "不是有效的 Excel 工作簿"),
        "说明.txt": (REJECTED, say("merge.sent", kind=say("merge.kind.text"))),
        "改动.xlsx": (REJECTED, "表格结构被改动"),
        "别的表.xlsx": (REJECTED, "不是年报工作簿"),
        "名单外.xlsx": (REJECTED, say("merge.unlisted", unit="名单外单位")),
        "测试单位03.xlsx": (SUPERSEDED, say("merge.superseded", file="测试单位03-更正.xlsx")),
        "测试单位03-更正.xlsx": (MERGED, ""),
        "formula.xlsx": (MERGED, ""),
    }
    for name, (status, reason) in expect.items():
        row = by_file(result, name)
        assert row.status == status, (name, row.reason)
        if reason is not None:
            assert reason in row.reason, (name, row.reason)
    assert by_file(result, "勾稽错误.xlsx").errors > 0
    assert "错误" in by_file(result, "勾稽错误.xlsx").reason
    assert not any(r.file.endswith("~$测试单位00.xlsx") for r in result.rows)
    # the 2019 format's title, as the declaration spells it
    assert nianbao.get_format("2019").title in by_file(result, "旧格式.xlsx").reason


def test_missing_units_are_listed_and_the_exit_code_says_so(merged_once):
    result, _, _ = merged_once
    assert set(result.missing) == {"未报送单位", "测试单位14", "测试单位15"}
    assert result.exit_code == 1
    statuses = [r.status for r in result.rows]
    # who must act comes first
    order = [REJECTED, INVALID, MISSING, MERGED_INVALID, MERGED, SUPERSEDED]
    assert statuses == sorted(statuses, key=order.index)


def _expected_sums(reports: list[Report]) -> dict[str, object]:
    lay = layout_of("2021")
    out: dict[str, object] = {}
    for f in lay.fields.values():
        if f.table == "meta" or f.kind == "text":
            continue
        entered = [r.values[f.id] for r in reports if r.values[f.id] is not None]
        if not entered:  # no unit entered a number: the consolidation states none (not 0)
            out[f.id] = None
        elif f.kind == "money":
            out[f.id] = float(sum(Decimal(str(v)) for v in entered))
        else:
            out[f.id] = sum(int(v) for v in entered)
    return out


def test_sums_are_exact_cell_by_cell(inbox, merged_once):
    _, _, merged = inbox
    result, out, _ = merged_once
    assert result.accepted == len(merged) == N - 6 + 1
    expected = _expected_sums(list(merged.values()))
    wb = openpyxl.load_workbook(out)
    lay = layout_of("2021")
    compared = 0
    for fid, value in expected.items():
        f = lay.fields[fid]
        got = wb[f.sheet][f.cell].value
        assert got == value, (fid, f.sheet, f.cell, got, value)
        compared += 1
    assert compared >= 200  # every number cell of the 2021 format
    # texts are left for the coordinator; each unit's are on the reference sheet
    for f in lay.fields.values():
        if f.kind == "text" and f.table != "meta":  # a part's heading: the standard one
            assert wb[f.sheet][f.cell].value == f.default


def test_the_consolidated_workbook_passes_its_checks_and_records_its_sources(merged_once):
    result, out, _ = merged_once
    findings = nianbao.check(out)
    # the only error: 填报单位, which the coordinator has not given (never 「汇总」)
    assert [f.rule for f in findings if f.severity == "error"] == ["meta.unit"]
    assert [f.rule for f in result.checked if f.severity == "error"] == ["meta.unit"]
    report = read_report(out)
    assert report.origin["kind"] == "consolidation"
    sources = {k: v for k, v in report.origin.items() if k.startswith("source.")}
    assert len(sources) == result.accepted
    merged_rows = [r for r in result.rows if r.status == MERGED]
    assert {v.split(" ")[0] for v in sources.values()} == {r.sha256 for r in merged_rows}
    assert report.meta.year == YEAR and not report.meta.unit and not result.coordinator


def test_no_string_from_a_unit_becomes_a_formula(merged_once):
    _, out, _ = merged_once
    wb = openpyxl.load_workbook(out)
    texts = wb[say("merge.sheet.texts")]
    summary = wb[say("merge.sheet.summary")]
    found = [c for ws in (texts, summary) for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert {c.value for c in found} >= {FORMULA_TEXT, "=1+1局"}
    assert all(c.data_type == "s" and c.quotePrefix for c in found)
    assert all(c.data_type != "f" for ws in (texts, summary) for row in ws.iter_rows() for c in row)


def test_summary_sheet_lists_every_unit_with_key_figures_and_files_the_hash(inbox, merged_once):
    d, units, merged = inbox
    result, out, _ = merged_once
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == say("merge.sheet.summary") and wb.active.title == wb.sheetnames[0]
    ws = wb[say("merge.sheet.summary")]
    header = [c.value for c in ws[5]]
    # what a coordinator acts on; hash, times and path are on 文件明细
    assert header[:10] == [say(f"merge.col.{k}") for k in (
        "no", "unit", "parent", "status", "reason", "errors", "warnings", "contact", "phone",
        "file")]
    rows = {r[1]: r for r in ws.iter_rows(min_row=6, max_row=5 + len(result.rows), values_only=True)
            if r[3] == say("merge.status.merged")}
    unit = units[5]
    row = rows[unit.name]
    sha = hashlib.sha256((d / unit.file_name).read_bytes()).hexdigest()
    report = merged[unit.name]
    assert row[10] == report.values["t3.new.total"]
    assert row[13] == report.values["t4.suit_direct.total"] + report.values["t4.suit_after_review.total"]
    # the full hash on the technical sheet
    files = wb[say("merge.sheet.files")]
    assert sha in [c.value for c in files["F"]]
    # the roll-up per parent: expected, merged, clean, with a total row
    rollup = {r[0]: r for r in wb[say("merge.sheet.rollup")].iter_rows(min_row=4, values_only=True)}
    # 甲区: units 0, 3, …, 48 (17) and 未报送单位; of them 12 has errors, 15 sent nothing
    jia = rollup["甲区"]
    jia_units = [u for u in units[:N] if u.parent == "甲区"]
    assert jia[1] == 18
    assert jia[2] == 15 == jia[3] == sum(1 for u in jia_units if u.name in merged)
    assert (jia[4], jia[6]) == (1, 2)
    assert jia[7] == sum(merged[u.name].values["t3.new.total"] for u in jia_units if u.name in merged)
    total = rollup[say("merge.rollup.total")]
    parents = [r for k, r in rollup.items()
               if k and k not in (say("merge.rollup.total"), say("merge.rollup.unlisted"))]
    assert total[1] == sum(r[1] for r in parents) == len(units)  # the list's units, no more
    # files of units not on the list: apart, below the total, not expected
    stray = rollup[say("merge.rollup.unlisted")]
    assert stray[1] in ("", None) and stray[5] >= 1


def test_inputs_are_byte_identical_afterwards(merged_once):
    _, _, before = merged_once
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before}
    assert after == before


def test_history_records_every_file_and_archives_a_copy(merged_once):
    result, out, _ = merged_once
    db = out.with_suffix(".db")
    archive = history_module.archive_dir(db)
    con = sqlite3.connect(db)
    try:
        n_files = con.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        statuses = dict(con.execute("SELECT path, status FROM receipts"))
    finally:
        con.close()
    assert n_files == len([r for r in result.rows if r.sha256])
    for r in result.rows:
        if r.sha256:
            copy = archive / r.archive
            assert hashlib.sha256(copy.read_bytes()).hexdigest() == r.sha256
            assert r.sha256[:12] in r.archive and r.archive.endswith(Path(r.file).suffix.lower())
            assert statuses[r.file] == r.status


def test_a_resubmission_keeps_both_versions_in_database_and_archive(inbox, tmp_path):
    d, units, _ = inbox
    inbox2 = tmp_path / "inbox"
    inbox2.mkdir()
    for u in units[6:9]:
        (inbox2 / u.file_name).write_bytes((d / u.file_name).read_bytes())
    out = tmp_path / "out" / "汇总.xlsx"
    first = consolidate([inbox2], out)
    assert first.exit_code == 0
    # unit 07 sends a second version; the first stays in the folder
    unit_workbook(inbox2 / "测试单位07-第二版.xlsx", units[7], filled(7007),
                  saved="2026-02-01T10:00:00Z")
    second = consolidate([inbox2], out, force=True)
    assert by_file(second, "测试单位07-第二版.xlsx").status == MERGED
    assert by_file(second, units[7].file_name).status == SUPERSEDED
    db = out.with_suffix(".db")
    con = sqlite3.connect(db)
    try:
        versions = {s for (s,) in con.execute("SELECT sha256 FROM files WHERE unit = ?",
                                              (units[7].name,))}
        assert con.execute("SELECT COUNT(*) FROM consolidations").fetchone()[0] == 2
    finally:
        con.close()
    shas = {r.sha256 for r in second.rows if r.unit == units[7].name}
    assert versions == shas and len(shas) == 2
    archive = history_module.archive_dir(db)
    copies = {r.archive for r in second.rows if r.unit == units[7].name}
    assert len(copies) == 2 and all((archive / c).is_file() for c in copies)
    assert all(c.startswith(units[7].name + "-") for c in copies)
    listed = nianbao.merge_history(db)
    mine = [e for e in listed if e["unit"] == units[7].name]
    assert {e["sha256"] for e in mine} == shas
    assert {e["status"] for e in mine} == {MERGED, SUPERSEDED}
    # the same inputs give the same values
    again = consolidate([inbox2], out, force=True)
    assert again.totals == second.totals
    assert read_report(out).statutory() == second.totals.statutory()


def _formula_in_input(source: Path, target: Path, fid: str = "t3.new.natural") -> Path:
    """A handed-out workbook whose input cell holds ``=0`` with no computed value (a script wrote
    it; no spreadsheet program saved the file since)."""
    import zipfile

    from nianbao.safety import _sheet_parts

    f = layout_of("2021").fields[fid]
    with zipfile.ZipFile(source) as zin:
        part = _sheet_parts(zin, str(source))[f.sheet]
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename == part:
                    xml = data.decode()
                    start = xml.index(f'<c r="{f.cell}"')
                    end = min(i for i in (xml.find("</c>", start) + 4, xml.find("/>", start) + 2)
                              if i > start + 1)
                    xml = xml[:start] + f'<c r="{f.cell}"><f>0</f></c>' + xml[end:]
                    data = xml.encode()
                zout.writestr(info, data)
    return target


def test_merge_and_check_read_every_workbook_alike(inbox, tmp_path):
    """One reader: what ``check`` finds in a workbook, ``merge`` finds too — the uncomputed
    formula included (merge once summed it as a blank)."""
    d, units, _ = inbox
    sample = Path(nianbao.__file__).parent / "samples" / "district-2021.xlsx"
    texty = tmp_path / "texty.xlsx"
    wb = openpyxl.load_workbook(sample)
    lay = layout_of("2021")
    for fid, raw in (("t3.new.natural", "１２"), ("t3.new.business", "1,200"),
                     ("t3.granted.natural", "9件"), ("t3.denied_1.natural", "九件左右")):
        f = lay.fields[fid]
        wb[f.sheet][f.cell] = raw
    wb.save(texty)
    formula = _formula_in_input(d / units[0].file_name, tmp_path / "formula.xlsx")
    files = [sample, texty, formula, *sorted(d.glob("*.xlsx"))[1:12]]
    for path in files:
        try:
            by_path = read_report(path)
        except UnreadableWorkbook as e:
            with pytest.raises(UnreadableWorkbook) as from_bytes:
                read_report(path.read_bytes(), name=str(path))
            assert (from_bytes.value.code, str(from_bytes.value)) == (e.code, str(e))
            continue
        by_bytes = read_report(path.read_bytes(), name=str(path))
        assert by_bytes == by_path and by_bytes.findings == by_path.findings, path
    checked = nianbao.check(formula)
    assert [f.rule for f in checked if f.severity == "error"] == ["read.formula"]
    merged = consolidate([formula], tmp_path / "汇总.xlsx", units=[units[0]])
    row = by_file(merged, formula.name)
    assert (row.status, row.errors) == (INVALID, checked.errors)


def _square(x: int) -> int:
    return x * x


def test_parallel_map_keeps_input_order():
    assert list(parallel_map(_square, range(100), n=2)) == [x * x for x in range(100)]


def test_include_invalid_sums_them_marked(inbox, tmp_path):
    d, units, merged = inbox
    result = consolidate([d / "勾稽错误.xlsx", d / units[0].file_name], tmp_path / "含错.xlsx",
                         include_invalid=True)
    assert by_file(result, "勾稽错误.xlsx").status == MERGED_INVALID
    assert "计入" in by_file(result, "勾稽错误.xlsx").reason
    assert result.exit_code == 1
    bad = read_report(d / "勾稽错误.xlsx")
    total = read_report(tmp_path / "含错.xlsx")
    assert total["t3.new.natural"] == bad["t3.new.natural"] + merged[units[0].name]["t3.new.natural"]


def test_nothing_mergeable_writes_nothing_and_exits_2(inbox, tmp_path):
    d, _, _ = inbox
    out = tmp_path / "无.xlsx"
    result = consolidate([d / "说明.txt", d / "损坏.xlsx"], out)
    assert result.exit_code == 2 and result.output is None and not out.exists()
    assert result.rejected == 2


def test_damaged_or_locked_database_gets_one_message_and_changes_nothing(inbox, tmp_path,
                                                                         monkeypatch):
    d, units, _ = inbox
    out = tmp_path / "汇总.xlsx"
    out.with_suffix(".db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(NianbaoError) as e:
        consolidate([d / units[0].file_name], out)
    assert e.value.code == "history.damaged" and not out.exists()

    out2 = tmp_path / "b" / "汇总.xlsx"
    consolidate([d / units[0].file_name], out2)
    db = out2.with_suffix(".db")
    before = db.read_bytes()
    monkeypatch.setattr(history_module, "LOCK_TIMEOUT", 0.1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(NianbaoError) as e:
            consolidate([d / units[1].file_name], out2, force=True)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert e.value.code == "history.locked"
    assert db.read_bytes() == before


def test_a_failure_midway_rolls_the_database_back(inbox, tmp_path, monkeypatch):
    d, units, _ = inbox
    out = tmp_path / "汇总.xlsx"
    consolidate([d / units[0].file_name], out)
    db = out.with_suffix(".db")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    import nianbao.merge.workbook as consolidated

    monkeypatch.setattr(consolidated, "save_workbook", boom)
    with pytest.raises(OSError):
        consolidate([d / units[1].file_name], out, force=True)
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 1
    assert con.execute("SELECT COUNT(*) FROM consolidations").fetchone()[0] == 1
    con.close()


def test_cli_merge_json_and_history(inbox, tmp_path):
    d, units, _ = inbox
    files = [str(d / u.file_name) for u in units[:3]] + [str(d / "说明.txt")]
    out = tmp_path / "汇总.xlsx"
    res = CliRunner().invoke(main, ["merge", *files, "-o", str(out), "--json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    assert set(data) >= {"output", "accepted", "rejected", "missing", "units"}
    assert data["accepted"] == 3 and data["rejected"] == 1 and data["missing"] == []
    api = consolidate(files, tmp_path / "api.xlsx").to_dict() | {
        "output": str(out), "database": str(out.with_suffix(".db"))}
    for row in (*data["units"], *api["units"]):
        row.pop("first_seen")  # when each database first saw the file
    assert data == api
    for u in data["units"]:
        assert set(u) >= {"file", "unit", "status", "reason", "errors", "warnings", "sha256"}
    res = CliRunner().invoke(main, ["merge", *files[:3], "-o", str(tmp_path / "ok.xlsx")])
    assert res.exit_code == 0, res.output
    assert "已生成汇总工作簿" in res.output
    res = CliRunner().invoke(main, ["merge", "--history", str(out.with_suffix(".db")), "--json"])
    assert res.exit_code == 0, res.output
    assert {e["unit"] for e in json.loads(res.output)} >= {u.name for u in units[:3]}
    res = CliRunner().invoke(main, ["merge", "--history", str(out.with_suffix(".db"))])
    assert res.exit_code == 0 and units[0].name in res.output and "已汇总" in res.output
    res = CliRunner().invoke(main, ["merge", "--history", str(tmp_path / "无.db")])
    assert res.exit_code == 2 and "Traceback" not in res.output
    res = CliRunner().invoke(main, ["merge", str(d / "说明.txt")])
    assert res.exit_code == 2


def test_a_consolidation_can_itself_be_merged_upwards(merged_once, tmp_path):
    _, out, _ = merged_once
    # a district's consolidation goes upwards once its coordinator has entered the district's unit
    district = tmp_path / "区.xlsx"
    wb = openpyxl.load_workbook(out)
    wb["基本信息"]["B3"] = "某区人民政府办公室"
    wb.save(district)
    city = consolidate([district], tmp_path / "市.xlsx", unit="某市人民政府办公室")
    assert city.accepted == 1 and city.exit_code == 0
    assert read_report(tmp_path / "市.xlsx").statutory() == read_report(out).statutory()
    assert read_report(tmp_path / "市.xlsx").meta.unit == "某市人民政府办公室"


def test_a_file_that_crashes_the_parser_does_not_stop_the_others(inbox, tmp_path, monkeypatch):
    d, units, _ = inbox
    import nianbao.actions.merge as merging

    real = merging.read_report

    def crashing(data, name):
        if Path(name).name == units[1].file_name:
            raise RuntimeError("simulated parser crash")
        return real(data, name=name)

    monkeypatch.setattr(merging, "read_report", crashing)
    files = [d / units[0].file_name, d / units[1].file_name]
    result = consolidate(files, tmp_path / "汇总.xlsx", workers=1)
    assert by_file(result, units[0].file_name).status == MERGED
    crashed = by_file(result, units[1].file_name)
    assert crashed.status == REJECTED and "读取时程序出错" in crashed.reason
    assert "simulated" not in crashed.reason  # the library's words only with --debug:
    monkeypatch.setenv("NIANBAO_DEBUG", "1")
    result = consolidate(files, tmp_path / "汇总2.xlsx", workers=1)
    assert "simulated parser crash" in by_file(result, units[1].file_name).reason


def test_an_archive_that_cannot_be_written_stops_the_merge_cleanly(inbox, tmp_path):
    d, units, _ = inbox
    out = tmp_path / "汇总.xlsx"
    history_module.archive_dir(out.with_suffix(".db")).write_text("a file where the folder goes")
    with pytest.raises(NianbaoError) as e:
        consolidate([d / units[0].file_name], out)
    assert e.value.code == "file.output_not_folder" and not out.exists()


def test_each_merged_units_texts_are_on_the_reference_sheet(inbox, merged_once):
    _, _, merged = inbox
    _, out, _ = merged_once
    ws = openpyxl.load_workbook(out)[say("merge.sheet.texts")]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    part = say("merge.texts.part", section="一、总体情况", item="（二）依申请公开情况")
    found = {unit: text for unit, p, text in rows if p == part}
    assert found == {unit: r.texts["s1.request"] for unit, r in merged.items()}
    assert len(rows) == 2 * len(merged)  # the two texts each unit wrote; empty ones are left out


def test_a_database_from_a_newer_nianbao_is_refused(inbox, tmp_path):
    d, units, _ = inbox
    out = tmp_path / "汇总.xlsx"
    con = sqlite3.connect(out.with_suffix(".db"))
    con.execute(f"PRAGMA user_version = {history_module.SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(NianbaoError) as e:
        consolidate([d / units[0].file_name], out)
    assert e.value.code == "history.newer" and not out.exists()
    res = CliRunner().invoke(main, ["merge", str(d / units[0].file_name), "-o", str(out)])
    assert res.exit_code == 2 and "更新版本" in res.output


def test_cli_merge_refuses_a_bad_unit_list_naming_the_row(inbox, tmp_path):
    d, units, _ = inbox
    bad = tmp_path / "名单.csv"
    bad.write_text("单位名称\n甲局\n\n甲局\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["merge", str(d / units[0].file_name), "-o",
                                    str(tmp_path / "汇总.xlsx"), "--units", str(bad)])
    assert res.exit_code == 2 and "第 4 行" in res.output and "Traceback" not in res.output


def test_an_earlier_consolidation_among_its_own_sources_is_not_counted_twice(inbox, tmp_path):
    d, units, _ = inbox
    files = [d / u.file_name for u in units[:2]]
    earlier = consolidate(files, tmp_path / "上次汇总.xlsx", unit="某区政务公开办")
    assert earlier.exit_code == 0
    again = consolidate([*files, tmp_path / "上次汇总.xlsx"], tmp_path / "本次" / "汇总.xlsx")
    row = by_file(again, "上次汇总.xlsx")
    assert row.status == REJECTED and "重复" in row.reason
    assert again.totals.statutory() == earlier.totals.statutory()


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_the_consolidated_workbook_passes_its_native_checks_in_libreoffice(merged_once,
                                                                          tmp_path):
    _, out, _ = merged_once
    convert([out], "xlsx", tmp_path, timeout=300)
    wb = openpyxl.load_workbook(tmp_path / out.name, data_only=True)
    sheet, cell = wb.defined_names[CHECK_NAME_PREFIX + "all"].attr_text.split("!")
    assert wb[sheet.strip("'")][cell.replace("$", "")].value == STATUS_ALL_PASSED
    assert wb.sheetnames[0] == say("merge.sheet.summary")


@pytest.mark.parametrize("text, expected", [
    ("2026-01-20T09:30:00Z", "2026-01-20T09:30:00+00:00"),
    ("2026-01-20T09:30:00.379046123Z", "2026-01-20T09:30:00.379046+00:00"),  # LibreOffice
    ("2026-01-20T17:30:00+08:00", "2026-01-20T09:30:00+00:00"),
    ("2026-01-20T09:30:00", "2026-01-20T09:30:00+00:00"),
    ("yesterday", None),
    ("2026-02-30T09:30:00Z", None),
])
def test_save_stamps_as_office_programs_write_them(text, expected):
    from datetime import timezone

    from nianbao.merge.records import parse_stamp

    when = parse_stamp(text)
    assert (when.astimezone(timezone.utc).isoformat() if when else None) == expected


def test_merge_never_writes_over_an_input_file_or_the_unit_list(tmp_path):
    a = write_report(consistent_report("2021", 31), tmp_path / "甲.xlsx")
    b = write_report(consistent_report("2021", 32), tmp_path / "乙.xlsx")
    names = tmp_path / "名单.csv"
    names.write_text("单位名称\n甲\n乙\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (a, b, names)}
    for out, extra in ((a, []), (names, ["--units", str(names)])):
        res = CliRunner().invoke(main, ["merge", str(a), str(b), "-o", str(out), *extra])
        assert res.exit_code == 2 and "不能" in res.stderr, res.output
    assert {p: p.read_bytes() for p in before} == before


def test_a_cell_no_unit_entered_stays_blank_in_the_consolidation(tmp_path):
    """Blank templates merged give a blank consolidation, not a table of 0 nobody wrote (the
    report made from it would print them as figures)."""
    folder = tmp_path / "收件"
    folder.mkdir()
    for unit in ("甲局", "乙局"):
        nianbao.new_workbook(folder / f"{unit}.xlsx", "2021", year=2025, unit=unit)
    nianbao.consolidate([folder], tmp_path / "汇总.xlsx", unit="某市人民政府办公室")
    report = nianbao.read_report(tmp_path / "汇总.xlsx")
    assert all(v is None for v in report.values.values()), {
        k: v for k, v in report.values.items() if v is not None}
