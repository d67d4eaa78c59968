"""Reading workbooks: round trips, lenient conversions, altered structure, hostile files."""
from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import examples

from nianbao import Invalid, Report, layout_of
from nianbao.errors import UnreadableWorkbook
from nianbao.reader import read_report
from nianbao.xlsx_writer import new_workbook, write_report

FORMATS = ("2021", "2019")


# -- round trip ------------------------------------------------------------------------------
def _value(kind: str):
    if kind == "count":
        return st.one_of(st.none(), st.integers(0, 10**7))
    if kind == "signed":
        return st.one_of(st.none(), st.integers(-10**6, 10**6))
    # money: what people type, up to 5 decimals (26828.74197)
    return st.one_of(st.none(), st.integers(0, 10**9).map(lambda n: n / 10**5))


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).map(str.strip)


@st.composite
def reports(draw, format_id: str) -> Report:
    lay = layout_of(format_id)
    r = Report.empty(format_id, unit=draw(_text), year=draw(st.one_of(st.none(), st.integers(2000, 2100))),
                     contact=draw(_text), phone=draw(_text), date=draw(_text))
    for fid in r.values:
        r.values[fid] = draw(_value(lay.fields[fid].kind))
    for fid in r.texts:
        r.texts[fid] = draw(st.one_of(_text, st.sampled_from(["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2",
                                                              "<w:p>&amp;", "{{ 7*7 }}"])))
    return r


@pytest.mark.parametrize("format_id", FORMATS)
def test_round_trip(format_id, tmp_path_factory):
    @settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(reports(format_id))
    def run(report):
        path = tmp_path_factory.mktemp("rt") / "r.xlsx"
        write_report(report, path)
        back = read_report(path)
        assert back == report
        assert not [f for f in back.findings if f.severity == "error"]

    run()


# -- lenient conversions -------------------------------------------------------------------
def _edit(path: Path, values: dict[str, object]) -> None:
    """Put raw cell contents where a clerk would type them (by defined field id)."""
    lay = layout_of("2021")
    wb = openpyxl.load_workbook(path)
    for fid, raw in values.items():
        f = lay.fields[fid]
        wb[f.sheet][f.cell].value = raw
    wb.save(path)


@pytest.fixture
def template(tmp_path) -> Path:
    path = tmp_path / "年报.xlsx"
    new_workbook(path, "2021", year=2025, unit="某区政务办")
    return path


CASES = [
    # field, typed, value, finding code
    ("t3.new.natural", "12", 12, "read.text_number"),
    ("t3.new.business", "１２", 12, "read.fullwidth"),
    ("t3.new.research", "1,200", 1200, "read.thousands"),
    ("t3.new.nonprofit", "9件", 9, "read.suffix"),
    ("t3.new.legal", " 3 条", 3, "read.suffix"),
    ("t2.fees.amount", "26828.74197", 26828.74197, "read.text_number"),
    ("t3.new.other_org", "１，２００件", 1200, "read.fullwidth"),
    ("t3.new.total", None, None, "read.blank"),
]


def test_lenient_conversions_are_recorded(template):
    _edit(template, {fid: typed for fid, typed, _, _ in CASES} | {"t3.granted.natural": "abc",
                                                                    "t3.carried.natural": -3})
    r = read_report(template)
    lay = layout_of("2021")
    by_cell = {(f.sheet, f.cell): f for f in r.findings}
    for fid, _typed, value, code in CASES:
        assert r[fid] == value, fid
        f = lay.fields[fid]
        finding = by_cell[(f.sheet, f.cell)]
        assert finding.rule == code, (fid, finding)
        assert finding.field == fid
        assert (finding.sheet, finding.cell) == (f.sheet, f.cell)
        assert f.cell in finding.message and f.labels[-2] in finding.message  # 表三「一、…」行
    assert r["t3.granted.natural"] == Invalid("abc")
    bad = by_cell[("三、依申请公开", lay.fields["t3.granted.natural"].cell)]
    assert bad.rule == "read.invalid" and bad.severity == "error" and "abc" in bad.message
    assert r["t3.carried.natural"] == -3  # the reader keeps it; the checks flag it


def test_decimal_in_count_cell_is_kept_for_the_checks(template):
    _edit(template, {"t3.new.natural": 1.5})
    assert read_report(template)["t3.new.natural"] == 1.5


def test_meta_is_read(template):
    r = read_report(template)
    assert (r.meta.unit, r.meta.year, r.format) == ("某区政务办", 2025, "2021")
    assert r.origin["format"] == "2021"


def test_input_file_is_not_modified(template):
    before = template.read_bytes()
    read_report(template)
    assert template.read_bytes() == before


# -- altered structure -------------------------------------------------------------------
def test_deleted_row_is_reported_not_misread(template):
    wb = openpyxl.load_workbook(template)
    wb["三、依申请公开"].delete_rows(10)
    wb.save(template)
    r = read_report(template)
    moved = [f for f in r.findings if f.rule == "read.label_moved"]
    assert len(moved) == 1 and moved[0].sheet == "三、依申请公开" and moved[0].cell
    assert all(r[f.id] is None for f in layout_of("2021").statutory_fields() if f.table == "t3")


def test_renamed_sheet_is_reported(template):
    wb = openpyxl.load_workbook(template)
    wb["四、复议诉讼"].title = "表四"
    wb.save(template)
    r = read_report(template)
    assert [(f.rule, f.sheet) for f in r.findings if f.severity == "error"] == [
        ("read.sheet_missing", "四、复议诉讼")]


def test_without_hidden_sheet_the_format_is_recognised(tmp_path):
    for fmt in FORMATS:
        path = tmp_path / f"{fmt}.xlsx"
        new_workbook(path, fmt, year=2020 if fmt == "2019" else 2025)
        wb = openpyxl.load_workbook(path)
        del wb["_nianbao"]
        wb.save(path)
        assert read_report(path).format == fmt


# -- files that are not workbooks of ours ------------------------------------------------
def _unreadable(path: Path, code: str) -> str:
    with pytest.raises(UnreadableWorkbook) as e:
        read_report(path)
    assert e.value.code == code
    assert str(path) in str(e.value)
    return str(e.value)


def test_unrelated_xlsx(tmp_path):
    path = tmp_path / "工资表.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "姓名"
    wb.save(path)
    _unreadable(path, "file.not_nianbao")


def test_non_excel_renamed(tmp_path):
    path = tmp_path / "年报.xlsx"
    path.write_text("这不是表格", encoding="utf-8")
    _unreadable(path, "file.not_xlsx")


def test_truncated_file(template):
    data = template.read_bytes()
    template.write_bytes(data[: len(data) // 2])
    _unreadable(template, "file.not_xlsx")


def test_missing_file(tmp_path):
    _unreadable(tmp_path / "nope.xlsx", "file.missing")


def test_zip_bomb(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    _unreadable(path, "file.too_large")


def test_xml_entities(template, tmp_path):
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;">]>' + data
            dst.writestr(item, data)
    _unreadable(hostile, "file.hostile")


def test_encrypted_or_legacy(tmp_path):
    legacy = tmp_path / "old.xlsx"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert ".xls" in _unreadable(legacy, "file.not_xlsx")
    enc = tmp_path / "enc.xlsx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"))
    _unreadable(enc, "file.encrypted")


def test_dataframe_has_statutory_labels(tmp_path):
    from helpers import consistent_report

    r = consistent_report("2021")
    df = r.table("t3")
    assert df.shape == (25, 7)
    assert df.loc[("（七）总计", ""), ("总计", "")] == r["t3.total.total"]
    assert (df.loc[("（三）不予公开", "3.危及“三安全一稳定”"), ("法人或其他组织", "商业企业")]
            == r["t3.denied_3.business"])
    t4 = r.table("t4")
    assert t4.shape == (1, 15)
    assert list(t4.columns[:2]) == [("行政复议", "结果维持", ""), ("行政复议", "结果纠正", "")]


# -- missing written and read back ----------------------------------------------------------------
def test_missing_cells_are_written_marked_and_read_back_missing(tmp_path):
    """A report with missing cells (an import that lacked 表四) round-trips through its workbook:
    the cells say 「缺失」 in a style of their own, the hidden sheet names them, and the reader
    gives MISSING back — until the clerk types a number over the mark or clears the cell."""
    from helpers import consistent_report
    from nianbao.layout import META_SHEET, MISSING_ROW
    from nianbao.report import MISSING

    r = consistent_report("2021", 2)
    lost = [f for f in r.values if f.startswith("t4.")] + ["s6.fee_amount"]
    for fid in lost:
        r[fid] = MISSING
    path = write_report(r, tmp_path / "导入.xlsx")
    back = read_report(path)
    assert back == r and back.missing() == lost
    assert not [f for f in back.findings if f.field in lost]  # no 「不是数字」 for the mark

    wb = openpyxl.load_workbook(path)
    f = layout_of("2021").fields["t4.review.total"]
    cell = wb[f.sheet][f.cell]
    assert cell.value == "缺失" and cell.font.i and cell.fill.fgColor.rgb.endswith("FCE4D6")
    assert cell.protection.locked is False and cell.comment is not None
    recorded = {row[0].value for row in wb[META_SHEET].iter_rows(max_col=1)}
    assert {MISSING_ROW + fid for fid in lost} <= recorded

    # the clerk fills one in and clears another; a 「缺失」 typed where none was written is text
    cell.value = 3
    g = layout_of("2021").fields["t4.review.upheld"]
    wb[g.sheet][g.cell].value = None
    h = layout_of("2021").fields["t3.new.natural"]
    wb[h.sheet][h.cell].value = "缺失"
    wb.save(tmp_path / "补填.xlsx")
    filled = read_report(tmp_path / "补填.xlsx")
    assert filled["t4.review.total"] == 3 and filled["t4.review.upheld"] is None
    assert filled["t4.suit_direct.total"] is MISSING
    assert filled["t3.new.natural"] == Invalid("缺失")
