"""Importing published reports: the three real samples (expected values written by hand from
reading the texts), damaged texts, blanks, units, the mix of formats, and the doors (the CLI,
``check --previous``)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import consistent_report
from nianbao.cli import main
from nianbao.importing import import_report
from nianbao.importing.matcher import match
from nianbao.importing.plain import plain_text
from nianbao.layout import layout_of
from nianbao.report import MISSING

SAMPLES = Path(__file__).parent / "data" / "samples"


def _zeros(format_id: str) -> dict:
    return {f.id: 0 for f in layout_of(format_id).statutory_fields()}


# -- the real samples -------------------------------------------------------------------------------
# read off the printed tables by a person: every value not listed is printed 0
DISTRICT = {
    "t2.normative.issued": 1, "t2.normative.in_force": 16,
    "t3.new.natural": 9, "t3.new.total": 9,
    "t3.granted.natural": 9, "t3.granted.total": 9,
    "t3.total.natural": 9, "t3.total.total": 9,
    "t4.review.corrected": 1, "t4.review.total": 1,
}
# 南浔 prints 第二十条 （五）（六）（八） and 表三 （六）其他处理 as the 2019 format does: the
# 2021 cells those blocks lack are missing, not 0 (its 2019-only figures, e.g. 行政处罚 上一年项目
# 数量 2, have no 2021 cell)
NANXUN_MISSING = {"t2.fees.amount"} | {f"t3.other_{i}.{c}" for i in (1, 2, 3) for c in (
    "natural", "business", "research", "nonprofit", "legal", "other_org", "total")}


def test_district_sample_every_value():
    im = import_report(SAMPLES / "district-office-2021.txt")
    r = im.report
    assert (r.format, r.meta.unit, r.meta.year, im.format_detected) == ("2021", "政府办公室", 2021, "2021")
    assert r.statutory() == {**_zeros("2021"), **DISTRICT}
    assert im.ambiguous == []
    assert r.texts["s6.other"] == "无"  # printed with the Kangxi radical ⽆
    assert r.texts["s1.overview"].startswith("今年来，在上级主管部")
    assert r.texts["s5.problems"].endswith("提高相关业务水平。")
    assert [f.rule for f in r.findings] == []
    # 六's 信息处理费 figures, which a published report states in words, in no table
    assert r.missing() == ["s6.fee_notices", "s6.fee_amount"]


def test_fenghua_sample_every_value():
    im = import_report(SAMPLES / "fenghua-zwb-2021.txt")
    r = im.report
    assert (r.format, r.meta.unit, r.meta.year, im.format_detected) == ("2021", "奉化区政务办", 2021, "2021")
    assert r.statutory() == _zeros("2021")
    # the title has no year: read from the text, and said so
    assert [f.rule for f in r.findings] == ["import.year_inferred"]
    # the office's own sub-headings 「一是主动公开情况。」… start the declared parts; the
    # heading is the part's heading, not the first words of its text
    assert r.texts["s1.active"].startswith("通过多渠道")
    assert r.texts["s1.request"] == "本年度我办未收到依申请公开件。"
    assert r.texts["s1.active.heading"] == "（一）主动公开情况"
    assert r.texts["s1.oversight"].startswith("在网站公布监督电话")
    assert r.texts["s1.overview"].startswith("2021年，区政务办紧紧围绕")
    assert r.texts["s6.other"] == "不存在收取信息处理费等相关情况。"


def test_nanxun_sample_is_a_mix_of_formats():
    im = import_report(SAMPLES / "nanxun-zwb-2021.txt")
    r = im.report
    assert (r.format, r.meta.unit, r.meta.year, im.format_detected) == ("2021", "区政务办", 2021, "mixed")
    expected = {fid: MISSING if fid in NANXUN_MISSING else 0 for fid in _zeros("2021")}
    assert r.statutory() == expected
    rules = [f.rule for f in r.findings]
    assert rules.count("import.format_mixed") == 1 and rules.count("import.missing") == 2
    mixed = next(f for f in r.findings if f.rule == "import.format_mixed")
    assert mixed.severity == "error"
    for part in ("第二十条第（五）项", "上一年项目数量", "其他对外管理服务事项", "（六）其他处理"):
        assert part in mixed.message
    # a PDF's text: lines joined where the page broke them, digits no longer spaced apart
    assert r.texts["s5.problems"].startswith(
        "2021年，区政务办信息公开工作取得了一定成效，但还存在一些不足：一是")


def test_checking_an_imported_sample_reports_missing_cells_not_zero_sums():
    from nianbao import check

    found = check(SAMPLES / "nanxun-zwb-2021.txt")
    assert {f.rule for f in found} >= {"import.format_mixed", "import.missing", "rule.missing"}
    assert not found.by_rule("t3.total", "t3.row", "t3.balance", "t4.sum")
    clean = check(SAMPLES / "district-office-2021.txt")
    assert clean.errors == 0


# -- damaged texts ------------------------------------------------------------------------------------
def _district() -> str:
    return (SAMPLES / "district-office-2021.txt").read_text(encoding="utf-8")


def test_a_table_cut_off_is_reported_by_name_and_left_missing():
    text = _district()
    cut = text[:text.index("（三）不予")]  # the extraction stopped in the middle of 表三
    im = match(cut.splitlines())
    r = im.report
    t4 = [f for f in r.values if f.startswith("t4.")]
    assert all(r.values[f] is MISSING for f in t4)
    t3_missing = [f for f in r.missing() if f.startswith("t3.")]
    assert "t3.granted.natural" not in t3_missing and "t3.denied_1.natural" in t3_missing
    messages = " ".join(f.message for f in r.findings if f.rule == "import.missing")
    assert "四、政府信息公开行政复议、行政诉讼情况" in messages and "1.属于国家秘密" in messages
    # nothing invented: what was read is what was printed
    for fid, v in r.statutory().items():
        assert v is MISSING or v == {**_zeros("2021"), **DISTRICT}[fid], fid


def test_numbers_missing_from_a_row_leave_that_row_missing():
    text = _district().replace("2.重复申请 0 0 0 0 0 0 0", "2.重复申请")
    r = match(text.splitlines()).report
    assert r.missing() == [f"t3.not_processed_2.{c}" for c in (
        "natural", "business", "research", "nonprofit", "legal", "other_org", "total")] + \
        ["s6.fee_notices", "s6.fee_amount"]
    assert any("「（五）不予处理·2.重复申请」行" in f.message for f in r.findings)


def test_a_garbled_label_loses_its_row_not_its_neighbours():
    text = _district().replace("（⼀）予以公开", "（⼀）予乙公开")
    r = match(text.splitlines()).report
    assert r["t3.granted.natural"] is MISSING
    assert r["t3.carried.natural"] == 0 and r["t3.partial.natural"] == 0


def test_a_blank_printed_in_a_table_is_blank_and_fewer_numbers_are_not_guessed():
    report = consistent_report("2021", 1)
    report["t2.rules.issued"] = None
    im = match(plain_text(report).splitlines())
    # a text has no empty cell to see: two numbers for three columns, three placements
    assert im.report["t2.rules.repealed"] is MISSING
    assert im.ambiguous and im.ambiguous[0].fields[0] == "t2.rules.issued"
    assert len(im.ambiguous[0].candidates) == 3
    # marked as a blank cell (a Word or HTML table), it is blank
    im = match(plain_text(report, sep="\t", blank="\ue000").splitlines())
    assert im.report["t2.rules.issued"] is None
    assert im.report.statutory() == report.statutory()


def test_money_printed_in_yuan_is_converted_with_a_notice():
    # 2019's 采购总金额 is declared in 元 since issue 17; 2021's 收费金额 is in 万元
    report = consistent_report("2021", 2)
    report["t2.fees.amount"] = 12.3456
    text = plain_text(report).replace("本年收费金额（单位：万元）", "本年收费金额（单位：元）")
    text = text.replace(" 12.3456", " 123456")
    r = match(text.splitlines()).report
    assert r["t2.fees.amount"] == pytest.approx(12.3456)
    assert [f.rule for f in r.findings] == ["import.unit"]


def test_a_report_with_no_tables_is_all_missing_with_one_finding_per_table():
    r = match(["某单位2022年政府信息公开工作年度报告", "一、总体情况", "本年度工作平稳。"]).report
    assert r.meta.year == 2022 and r.meta.unit == "某单位"
    assert set(r.missing()) >= {f.id for f in layout_of("2021").statutory_fields()}
    assert [f.rule for f in r.findings] == ["import.missing"] * 3


def test_a_2019_report_is_read_as_2019():
    report = consistent_report("2019", 4)
    im = match(plain_text(report).splitlines())
    assert im.format_detected == "2019" and im.report.format == "2019"
    assert im.report.statutory() == report.statutory()


# -- doors ---------------------------------------------------------------------------------------------
def test_import_command_json_is_show_json_plus_what_import_knows(tmp_path):
    out = tmp_path / "年报.xlsx"
    res = CliRunner().invoke(main, ["import", str(SAMPLES / "nanxun-zwb-2021.txt"), "-o", str(out), "--json"])
    assert res.exit_code == 1, res.output  # the mix of formats is an error
    data = json.loads(res.output)
    assert set(data) >= {"meta", "values", "extras", "texts", "invalid", "missing",
                         "format_detected", "ambiguous", "notices"}
    assert data["format_detected"] == "mixed" and "t2.fees.amount" in data["missing"]
    from nianbao.reader import read_report

    back = read_report(out)
    assert back.meta.unit == "区政务办" and back["t3.new.total"] == 0


def test_import_command_prints_the_report_and_what_was_detected():
    res = CliRunner().invoke(main, ["import", str(SAMPLES / "district-office-2021.txt")])
    assert res.exit_code == 0, res.output
    assert "政府办公室" in res.output and "2021年版格式" in res.output


@pytest.mark.parametrize("name,code", [("坏.docx", 2), ("无.txt", 2), ("x.odt", 2)])
def test_import_command_unreadable_input_is_one_line(tmp_path, name, code):
    path = tmp_path / name
    if name != "无.txt":
        path.write_bytes(b"not a document")
    res = CliRunner().invoke(main, ["import", str(path)])
    assert res.exit_code == code
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1


def test_check_previous_accepts_last_years_published_report(tmp_path):
    from nianbao.xlsx_writer import write_report

    last = consistent_report("2021", 5)
    last.meta.year = 2021
    (tmp_path / "2021.txt").write_text(plain_text(last), encoding="gbk")
    this = consistent_report("2021", 6)
    this.meta.year = 2022
    for col in ("natural", "business", "research", "nonprofit", "legal", "other_org", "total"):
        this[f"t3.carried.{col}"] = (last[f"t3.carry_forward.{col}"]
                                     + (1 if col in ("natural", "total") else 0))
    write_report(this, tmp_path / "2022.xlsx")
    res = CliRunner().invoke(main, ["check", str(tmp_path / "2022.xlsx"), "--previous",
                                    str(tmp_path / "2021.txt"), "--json"])
    rules = [f["rule"] for f in json.loads(res.output)[0]["findings"]]
    assert "t3.carry" in rules


def test_unknown_kind_and_missing_pdf_library_are_one_chinese_line(tmp_path, monkeypatch):
    from nianbao.errors import UnreadableWorkbook

    odt = tmp_path / "年报.odt"
    odt.write_bytes(b"x")
    with pytest.raises(UnreadableWorkbook) as e:
        import_report(odt)
    assert e.value.code == "import.unknown_kind" and ".docx" in str(e.value)
    pdf = tmp_path / "年报.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    monkeypatch.setitem(__import__("sys").modules, "pdfplumber", None)
    with pytest.raises(UnreadableWorkbook) as e:
        import_report(pdf)
    assert e.value.code == "import.pdf_library" and "nianbao[pdf]" in str(e.value)


def test_a_word_zip_bomb_is_refused_before_unpacking(tmp_path):
    import zipfile

    from nianbao.errors import UnreadableWorkbook

    bomb = tmp_path / "年报.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"0" * (3 << 20))
    with pytest.raises(UnreadableWorkbook) as e:
        import_report(bomb)
    assert e.value.code == "file.too_large"


def test_word_parts_inside_content_controls_are_read(tmp_path):
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = Document()
    body = doc.element.body
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>某局2023年政府信息公开工作年度报告'
                    '</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    body.insert(0, sdt)
    doc.save(tmp_path / "x.docx")
    r = import_report(tmp_path / "x.docx").report
    assert (r.meta.unit, r.meta.year) == ("某局", 2023)


def test_import_never_writes_over_its_input(tmp_path):
    src = tmp_path / "年报.txt"
    original = (SAMPLES / "district-office-2021.txt").read_bytes()
    src.write_bytes(original)
    res = CliRunner().invoke(main, ["import", str(src), "-o", str(src)])
    assert res.exit_code == 2 and src.read_bytes() == original


def test_import_command_reads_a_word_report(tmp_path):
    from nianbao.document import render_report

    want = consistent_report("2019", 3)
    render_report(want, tmp_path / "2019.docx")
    res = CliRunner().invoke(main, ["import", str(tmp_path / "2019.docx"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    # the 2019 format has no extras; every statutory value was printed
    assert data["format_detected"] == "2019" and data["missing"] == []
    assert data["values"] == want.to_dict()["values"]


def test_a_block_whose_title_was_lost_is_still_read_by_its_rows():
    assert "第⼆⼗条第（六）项" in _district()
    text = _district().replace("第⼆⼗条第（六）项", "")
    r = match(text.splitlines()).report
    assert r["t2.punishment.decisions"] == 0 and r["t2.enforcement.decisions"] == 0
    assert r["t2.licensing.decisions"] == 0 and r.statutory() == {**_zeros("2021"), **DISTRICT}


def test_a_damaged_word_or_pdf_file_says_so_in_chinese(tmp_path):
    from nianbao.errors import UnreadableWorkbook

    for name in ("坏.docx", "坏.pdf"):
        (tmp_path / name).write_bytes(b"garbage")
        with pytest.raises(UnreadableWorkbook) as e:
            import_report(tmp_path / name)
        assert e.value.code == "import.unreadable" and name in str(e.value)
        assert ("Word" if name.endswith("docx") else "PDF") in str(e.value)


def test_a_year_in_chinese_digits_and_dashes_in_table_cells(tmp_path):
    from test_import_roundtrip import html_page

    want = consistent_report("2021", 7)
    want["t3.new.legal"] = None
    page = html_page(want).decode("utf-8").replace("测试单位", "某县司法局")
    page = page.replace("2021年政府信息公开", "二〇二一年政府信息公开")
    page = page.replace('colspan="1"></td>', 'colspan="1">—</td>', 1)  # the blank printed as —
    (tmp_path / "x.html").write_text(page, encoding="utf-8")
    im = import_report(tmp_path / "x.html")
    assert (im.report.meta.unit, im.report.meta.year) == ("某县司法局", 2021)
    assert not [f for f in im.report.findings if f.rule == "import.year_inferred"]
    assert im.report["t3.new.legal"] is None
    assert im.report.statutory() == want.statutory()


def test_a_change_printed_with_its_sign():
    want = consistent_report("2019", 8)
    want["t2.licensing.change"], want["t2.punishment.change"] = 3, -2
    text = plain_text(want)
    row = next(line for line in text.splitlines() if line.startswith("行政许可 "))
    parts = row.split(" ")
    parts[2] = "+3"
    text = text.replace(row, " ".join(parts))
    r = match(text.splitlines()).report
    assert r["t2.licensing.change"] == 3 and r["t2.punishment.change"] == -2
    assert r.statutory() == want.statutory()
