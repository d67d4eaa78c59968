"""The Word report: read back with python-docx (and, with LibreOffice, as a PDF).

Tables are checked against the format declaration through an independent reading of the
table XML (gridSpan and vMerge resolved here, not by the code under test).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Mm, Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import consistent_report, examples
from nianbao.document import (OFFICIAL_FONTS, STYLE, check_pdf_fonts, docx_template, find_soffice,
                               pdf_fonts, render_report, to_pdf)
from nianbao.cli.report import report_command
from nianbao.errors import NianbaoError
from nianbao.formats import get_format
from nianbao.formats.common import T3_NOTE
from nianbao.formats.model import field_id
from nianbao.narrative import format_number
from nianbao.report import Invalid, Report, format_money

FORMATS = ("2021", "2019")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# -- reading the document back --------------------------------------------------------------------
def render(report: Report, tmp_path: Path, name: str = "年报.docx", **kw) -> docx.document.Document:
    path = render_report(report, tmp_path / name, **kw)
    assert path == tmp_path / name
    return docx.Document(str(path))


def grid(table) -> list[list[tuple[int, str]]]:
    """Every grid position of every row as (cell identity, text); a merged cell repeats."""
    rows: list[list[tuple[int, str]]] = []
    serial = 0  # not id(tc): lxml proxies come and go, and ids are reused
    for tr in table._tbl.findall(W + "tr"):
        row: list[tuple[int, str]] = []
        for tc in tr.findall(W + "tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_el.get(W + "val")) if span_el is not None else 1
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            if vmerge is not None and vmerge.get(W + "val") != "restart":
                entry = rows[-1][len(row)]  # continues the cell above
            else:
                serial += 1
                entry = (serial, "".join(t.text or "" for t in tc.iter(W + "t")))
            row.extend([entry] * span)
        rows.append(row)
    return rows


def distinct(row: list[tuple[int, str]]) -> list[str]:
    """The texts of a row's cells, each merged cell once."""
    out, last = [], None
    for ident, text in row:
        if ident != last:
            out.append(text)
        last = ident
    return out


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == STYLE.heading1]


def body_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def values_of(report: Report, table_key: str, block, row) -> list[str]:
    """The row's values as printed: what was entered, a blank cell blank, an amount as money."""
    return ["" if (v := report.values[field_id(table_key, row, c)]) is None
            else format_money(v, c.unit) if c.kind == "money" else format_number(v)
            for c in block.columns]


# -- structure ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_title_and_six_headings_in_order(tmp_path, fmt):
    r = consistent_report(fmt, seed=2)
    r.meta.unit = "某区政务办"
    d = render(r, tmp_path)
    title = d.paragraphs[0]
    assert title.style.name == STYLE.title
    assert title.text.replace("\n", "") == f"某区政务办{r.meta.year}年政府信息公开工作年度报告"
    assert headings(d) == [s.title for s in get_format(fmt).sections]
    assert headings(d)[0] == "一、总体情况" and headings(d)[-1] == "六、其他需要报告的事项"
    # one table per table section, right after its heading (and lead paragraph)
    assert len(d.tables) == 3
    body = list(d.element.body)
    for table, key in zip(d.tables, ("二、", "三、", "四、")):
        i = body.index(table._tbl)
        before = [e for e in body[:i] if e.tag == W + "p"]
        texts = ["".join(t.text or "" for t in p.iter(W + "t")) for p in before]
        last_heading = [t for t in texts if re.match("^[一二三四五六]、", t)][-1]
        assert last_heading.startswith(key)


def test_long_title_breaks_after_the_unit(tmp_path):
    r = Report.empty("2021", unit="某某市某某区人民政府办公室", year=2021)
    title = render(r, tmp_path).paragraphs[0]
    assert title.text == "某某市某某区人民政府办公室\n2021年政府信息公开工作年度报告"
    short = Report.empty("2021", unit="某局", year=2021)
    assert render(short, tmp_path, "b.docx").paragraphs[0].text == "某局2021年政府信息公开工作年度报告"


@pytest.mark.parametrize("unit,lines", [
    ("内蒙古自治区呼和浩特市赛罕区人民政府办公室", ["内蒙古自治区呼和浩特市", "赛罕区人民政府办公室"]),
    # not 「…自治州 / 奎屯市住房和城乡建设局 / 2021年…」: 16, 11, 15 characters is an hourglass
    ("新疆维吾尔自治区伊犁哈萨克自治州奎屯市住房和城乡建设局",
     ["新疆维吾尔自治区", "伊犁哈萨克自治州奎屯市住房和城乡建设局"]),
])
def test_a_unit_name_longer_than_a_line_breaks_between_words(tmp_path, unit, lines):
    r = Report.empty("2021", unit=unit, year=2021)
    title = render(r, tmp_path).paragraphs[0]
    assert title.text.split("\n") == lines + ["2021年政府信息公开工作年度报告"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_table3_every_row_label_and_its_seven_numbers(tmp_path, fmt):
    r = consistent_report(fmt, seed=5)
    r["t3.granted.natural"] = None  # blank prints blank: the report shows what was entered
    d = render(r, tmp_path)
    spec = get_format(fmt).table("t3")
    block = spec.blocks[0]
    rows = grid(d.tables[1])
    lines = [distinct(row) for row in rows]
    # header: 申请人情况 over all seven columns, 法人或其他组织 over five, the 勾稽 note in the corner
    assert lines[0] == [T3_NOTE, "申请人情况"]
    assert lines[1] == [T3_NOTE, "自然人", "法人或其他组织", "总计"]
    assert lines[2] == [T3_NOTE, "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                        "其他", "总计"]
    assert [t for _, t in rows[1]].count("法人或其他组织") == 5
    assert [t for _, t in rows[0]].count("申请人情况") == 7
    trs = d.tables[1]._tbl.findall(W + "tr")
    assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in trs[:4]] == [True] * 3 + [False]
    data = lines[3:]
    assert len(data) == len(block.rows) == (25 if fmt == "2021" else 23)
    for line, row in zip(data, block.rows):
        path = [row.band] if row.band else []
        path += list(row.labels)
        assert line == path + values_of(r, "t3", block, row), row.key
    assert data[2][2] == ""  # （一）予以公开 · 自然人 was blank
    # three-level row header: the band spans every row from （一） to （七）, 「（三）不予公开」 its 8
    band_cells = {rows[i][0][0] for i in range(3, len(rows)) if rows[i][0][1] == "三、本年度办理结果"}
    assert len(band_cells) == 1
    denied = [i for i in range(3, len(rows)) if rows[i][1][1] == "（三）不予公开"]
    assert len(denied) == 8 and len({rows[i][1][0] for i in denied}) == 1
    # the whole table fits a page, so it is kept on one: every row but the last keeps with next
    keep = [tr.find(f"{W}tc/{W}p/{W}pPr/{W}keepNext") is not None for tr in trs]
    assert keep == [True] * (len(trs) - 1) + [False]


def test_a_table_too_long_for_a_page_breaks_only_between_groups():
    from nianbao.document import column_widths, table_element, table_grid

    r = consistent_report("2021", seed=5)
    grid = table_grid(get_format("2021").table("t3"), r)
    widths = column_widths(grid, 8845, 180)
    trs = table_element(grid, widths, {k: k for k in vars(STYLE)}, 180,
                        page_height=5000).findall(W + "tr")
    keep = [tr.find(f"{W}tc/{W}p/{W}pPr/{W}keepNext") is not None for tr in trs]
    labels = [c for c in grid.cells if 0 < c.col < grid.depth and c.rows > 1]
    assert labels  # （三）不予公开 …
    for c in labels:  # a group stays on one page with its merged label
        assert keep[c.row:c.row + c.rows] == [True] * (c.rows - 1) + [False]
    assert keep[:grid.header_rows] == [True] * grid.header_rows
    assert not all(keep[:-1])


@pytest.mark.parametrize("fmt", FORMATS)
def test_table4_fifteen_numbers_and_its_header(tmp_path, fmt):
    r = consistent_report(fmt, seed=7)
    d = render(r, tmp_path)
    block = get_format(fmt).table("t4").blocks[0]
    lines = [distinct(row) for row in grid(d.tables[2])]
    assert lines[0] == ["行政复议", "行政诉讼"]
    assert lines[1] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
                        "未经复议直接起诉", "复议后起诉"]
    assert lines[2][5:] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2
    numbers = [format_number(r.values[field_id("t4", block.rows[0], c)]) for c in block.columns]
    assert len(numbers) == 15
    assert lines[3] == numbers
    assert len(lines) == 4


@pytest.mark.parametrize("fmt", FORMATS)
def test_table2_blocks_and_values(tmp_path, fmt):
    r = consistent_report(fmt, seed=11)
    money = next(f for f in r.values if f.startswith("t2.") and f.endswith(".amount"))
    r[money] = 26828.741970000002
    d = render(r, tmp_path)
    spec = get_format(fmt).table("t2")
    assert len(spec.blocks) == (4 if fmt == "2021" else 5)
    lines = [distinct(row) for row in grid(d.tables[0])]
    i = 0
    for block in spec.blocks:
        assert lines[i] == [block.title]
        assert lines[i + 1] == ["信息内容"] + [c.printed_labels[0] for c in block.columns]
        for k, row in enumerate(block.rows):
            assert lines[i + 2 + k] == [row.labels[0]] + values_of(r, "t2", block, row)
        i += 2 + len(block.rows)
    assert i == len(lines)
    # money as the one rule prints it (format_money): 万元 to the 分, 元 to the 分
    printed = format_money(26828.741970000002, "万元" if fmt == "2021" else "元")
    assert printed == ("26828.74197" if fmt == "2021" else "26828.74")
    assert printed in {t for line in lines for t in line}
    assert "26828.741970000002" not in body_text(d)


def test_table_widths_fit_the_text_block(tmp_path):
    d = render(consistent_report("2021"), tmp_path)
    s = d.sections[0]
    text_width = (s.page_width - s.left_margin - s.right_margin) / 635  # twips
    for table in d.tables:
        cols = [int(c.get(W + "w")) for c in table._tbl.findall(f"{W}tblGrid/{W}gridCol")]
        assert abs(sum(cols) - text_width) <= 1
        assert min(cols) > 400
        assert table._tbl.find(f"{W}tblPr/{W}tblLayout").get(W + "type") == "fixed"


# -- narrative ------------------------------------------------------------------------------------
def test_generated_sentences_carry_the_numbers(tmp_path):
    r = consistent_report("2021", seed=4)
    d = render(r, tmp_path)
    text = body_text(d)
    n = r.number
    assert (f"本年度新收政府信息公开申请{n('t3.new.total')}件，上年结转{n('t3.carried.total')}件；"
            f"办结{n('t3.total.total')}件，其中予以公开{n('t3.granted.total')}件") in text
    assert f"结转下年度继续办理{n('t3.carry_forward.total')}件。" in text
    assert f"作出行政许可决定{n('t2.licensing.decisions')}件" in text
    review = "、".join(f"{name}{n(f't4.review.{k}')}件" for k, name in (
        ("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
        ("pending", "尚未审结")) if n(f"t4.review.{k}"))
    assert f"被申请行政复议{n('t4.review.total')}件，其中{review}；" in text
    suits = n("t4.suit_direct.total") + n("t4.suit_after_review.total")
    assert f"被提起行政诉讼{suits}件" in text
    assert "信息处理费" not in text  # the fee cells are blank: nothing was stated
    # the generated parts sit under their sub-headings
    paras = [p.text for p in d.paragraphs]
    assert paras[paras.index("（二）依申请公开情况") + 1].startswith("本年度新收政府信息公开申请")


def zeros(report: Report) -> Report:
    """``report`` with 0 entered in every cell of its three tables."""
    for fid in report.statutory():
        report[fid] = 0
    return report


def test_zero_cases_say_none(tmp_path):
    r = zeros(Report.empty("2021", unit="某局", year=2022))
    text = body_text(render(r, tmp_path))
    assert "本年度未收到政府信息公开申请" in text
    assert "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。" in text
    assert "本年度未制发、废止规章和行政规范性文件。" in text
    # what did not happen is said once, never as a list of zeros
    assert not re.search(r"(?<![0-9.])0(件|个|万元|元)", text), text
    d = docx.Document(str(tmp_path / "年报.docx"))
    assert distinct(grid(d.tables[2])[3]) == ["0"] * 15


# what a blank workbook's report would have asserted before (issue 26): none of it was entered
NOBODY_ENTERED = ("本年度未制发", "未作出行政许可", "未收到政府信息公开申请", "也无上年结转",
                  "未发生因政府信息公开工作", "无其他需要报告的事项", "未收取")


def test_blank_tables_say_nothing(tmp_path):
    """Blank is 「未填写」, not 「none」: a report of a blank workbook states no fact about its
    tables; its empty parts say they are not filled in, never stand as bare headings."""
    d = render(Report.empty("2021", unit="某局", year=2022), tmp_path)
    text = body_text(d)
    for phrase in NOBODY_ENTERED:
        assert phrase not in text, phrase
    # the tables print what was entered: blanks stay blank
    assert distinct(grid(d.tables[2])[3]) == [""] * 15
    paras = [p for p in d.paragraphs if p.text]
    for i, p in enumerate(paras[:-1]):
        if p.style.name == STYLE.heading1 and not re.match("^[二三四]、", p.text):
            nxt = paras[i + 1]
            assert nxt.style.name != STYLE.heading1, p.text  # never a bare heading
    unfilled = [p for p in paras if p.text == "（本部分未填写）"]
    assert len(unfilled) == 3 and all(p.style.name == STYLE.offered for p in unfilled)  # 一 五 六


def test_a_sentence_states_only_entered_values(tmp_path):
    """0 entered is a fact and is said; a blank beside it is not turned into one."""
    r = Report.empty("2021", unit="某局", year=2022)
    r["t2.rules.issued"], r["t2.licensing.decisions"] = 0, 3
    r["t3.new.total"], r["t3.total.total"], r["t3.granted.total"] = 5, 5, 5
    r["t4.review.total"], r["t4.review.corrected"] = 2, 1
    text = body_text(render(r, tmp_path))
    assert "本年度未制发规章。" in text  # not 「…规章和行政规范性文件」: that cell is blank
    assert "全年作出行政许可决定3件。" in text  # nothing about 处罚、强制, nor 收费
    assert "行政处罚" not in text.split("二、主动公开政府信息情况")[0]
    assert "本年度新收政府信息公开申请5件；办结5件，其中予以公开5件。" in text
    # 复议 entered, 诉讼 blank: the sentence speaks of 复议 only
    assert "本年度因政府信息公开工作被申请行政复议2件，其中结果纠正1件。" in text
    assert "行政诉讼" not in text.split("四、政府信息公开行政复议、行政诉讼情况")[1].split("行政复议")[1][:40]


def test_fee_notices_and_amount(tmp_path):
    r = Report.empty("2021", unit="某局", year=2022)
    r["s6.fee_notices"], r["s6.fee_amount"] = 2, 150.5
    text = body_text(render(r, tmp_path))
    assert "发出收费通知2件，实际收取信息处理费150.50元。" in text
    assert "未收取信息处理费" not in text
    # the office already wrote about the fee: its text, verbatim, and no second statement
    r.texts["s6.other"] = "本年度收取信息处理费150.5元，已全部上缴国库。"
    text = body_text(render(r, tmp_path, "b.docx"))
    assert "本年度收取信息处理费150.5元，已全部上缴国库。" in text
    assert "发出收费通知" not in text


def section_six(document) -> list[str]:
    paras = [p.text for p in document.paragraphs]
    i = paras.index("六、其他需要报告的事项")
    return [t for t in paras[i + 1:] if t][:-2]  # up to the 落款 (unit and date)


@pytest.mark.parametrize("notices,amount,own,expected", [
    # blank fee cells: no statement about the fee; the office's 「无」 said in full
    (None, None, "无", ["本年度无其他需要报告的事项。"]),
    # nothing entered, nothing written: not 「无其他需要报告的事项」 (blank is not 「无」)
    (None, None, "", ["（本部分未填写）"]),
    # entered zeros: the fee sentence and the office's text (or 「无」) make one paragraph
    (0, 0, "无", ["本年度未收取信息处理费。除此之外，无其他需要报告的事项。"]),
    (0, 0, "我办无其他需要报告的事项。", ["本年度未收取信息处理费。我办无其他需要报告的事项。"]),
    (0, None, "", ["本年度未发出信息处理费收费通知。"]),
    (3, 0, "", ["本年度发出信息处理费收费通知3件，未实际收取信息处理费。"]),
])
def test_section_six_states_only_what_was_entered(tmp_path, notices, amount, own, expected):
    r = Report.empty("2021", unit="某局", year=2022, document_date="2023-01-15")
    r["s6.fee_notices"], r["s6.fee_amount"] = notices, amount
    r.texts["s6.other"] = own
    assert section_six(render(r, tmp_path)) == expected


def test_preamble_cites_the_format_and_says_how_to_reach_the_office(tmp_path):
    r = Report.empty("2021", unit="某市某区人民政府办公室", year=2022)
    text = body_text(render(r, tmp_path))
    assert ("和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）要求编制。"
            in text)
    assert "如对本报告有疑问" not in text and "下载" not in text  # nothing entered, nothing said
    r.meta.address, r.meta.postcode = "某市某区人民路1号", "310000"
    r.meta.phone, r.meta.email = "0571-12345678", "zwgk@example.gov.cn"
    r.meta.website = "某区人民政府门户网站（http://www.example.gov.cn/）"
    text = body_text(render(r, tmp_path, "b.docx"))
    assert "本报告电子版可登录某区人民政府门户网站（http://www.example.gov.cn/）查阅和下载。" in text
    assert ("如对本报告有疑问，请与某市某区人民政府办公室联系（地址：某市某区人民路1号，邮编：310000，"
            "电话：0571-12345678，电子邮箱：zwgk@example.gov.cn）。") in text
    r.meta.address = r.meta.postcode = r.meta.email = r.meta.website = ""
    text = body_text(render(r, tmp_path, "c.docx"))
    assert "联系（电话：0571-12345678）。" in text
    assert "2019" not in body_text(render(Report.empty("2021"), tmp_path, "d.docx"))
    assert ("《中华人民共和国政府信息公开工作年度报告格式（试行）》（国办公开办函〔2019〕60号）"
            in body_text(render(Report.empty("2019"), tmp_path, "e.docx")))


@pytest.mark.parametrize("unit,date,lines", [
    # the date is the longer: it ends two characters in, the unit moves left to match
    ("某局", "2023-01-15", [("某局", "right", 8.5), ("2023年1月15日", "right", 2)]),
    # the date starts two characters right of the unit's first character: placed by its left
    # edge, whatever width a font gives its digits (28.08 characters a line)
    ("某市某区人民政府办公室", "2023年1月5日", [("某市某区人民政府办公室", "right", 2),
                                            ("2023年1月5日", "left", 28.08 - 2 - 11 + 2)]),
    # no date entered: its line is left to be filled in by hand, never a date nobody entered
    ("某局", "", [("某局", "right", 13), ("　　　　年　　月　　日", "right", 2)]),
])
def test_the_report_ends_with_unit_and_date(tmp_path, unit, date, lines):
    d = render(Report.empty("2021", unit=unit, year=2022, document_date=date), tmp_path)
    paras = d.paragraphs[-len(lines) - 1:]
    assert paras[0].text == ""  # a blank line after the text
    for p, (text, side, chars) in zip(paras[1:], lines):
        assert p.text == text
        assert p.alignment == (2 if side == "right" else 0)
        ind = p._p.find(f"{W}pPr/{W}ind")
        assert int(ind.get(W + f"{side}Chars")) == round(chars * 100), text
        assert ind.get(W + "firstLineChars") == "0"
    # no unit, no 落款
    last = render(Report.empty("2021", document_date="2023-01-15"), tmp_path, "b.docx").paragraphs[-1]
    assert last.text == "（本部分未填写）"


def test_office_headings_are_printed_numbered_as_printed(tmp_path):
    from nianbao.reader import read_report
    from nianbao.xlsx_writer import write_report

    r = consistent_report("2021", seed=3)
    r.texts["s1.overview"] = "概述。"
    r.texts["s1.active"] = "做法。"
    r.texts["s1.active.heading"] = "（一）主要做法"
    r.texts["s1.request.heading"] = "依申请公开"  # no number: it gets its place's
    r.texts["s5.problems"] = "问题。"
    r.texts["s5.problems.heading"] = "（一）2022年存在的问题"
    r.texts["s5.plans"] = "打算。"
    back = read_report(write_report(r, tmp_path / "年报.xlsx"))  # through the workbook
    paras = [p.text for p in render(back, tmp_path).paragraphs]
    heads = [p.text for p in render(back, tmp_path, "b.docx").paragraphs
             if p.style.name == STYLE.heading2]
    assert heads == ["（一）主要做法", "（二）依申请公开", "（一）2022年存在的问题", "（二）下一步工作打算"]
    assert "总体概述" not in paras  # a lone unnumbered part keeps running without a heading
    r.texts["s1.overview.heading"] = "工作概况"
    paras = [p.text for p in render(r, tmp_path, "c.docx").paragraphs]
    assert paras[paras.index("工作概况") + 1] == "概述。"


def test_2019_narrative_and_section_six(tmp_path):
    r = consistent_report("2019", seed=1)
    r.texts["s6.other"] = "无"
    text = body_text(render(r, tmp_path))
    assert f"政府集中采购项目{r.number('t2.procurement.items')}个" in text
    assert "信息处理费" not in text  # the 2019 format has no fee items
    assert "本年度无其他需要报告的事项。" in text
    lines = [distinct(row) for row in grid(docx.Document(str(tmp_path / "年报.docx")).tables[1])]
    other = [line for line in lines if "（六）其他处理" in line]
    assert len(other) == 1 and other[0][:2] == ["三、本年度办理结果", "（六）其他处理"]


def test_office_text_kept_verbatim_generated_only_when_asked(tmp_path):
    r = consistent_report("2021", seed=4)
    own = "本年度我办共受理申请若干件，均已按时答复。"
    r.texts["s1.request"] = "　　" + own + "\n\n第二段：依法依规办理。"
    r.texts["s5.problems"] = "人员力量较为薄弱。"
    d = render(r, tmp_path)
    paras = [p.text for p in d.paragraphs]
    i = paras.index("（二）依申请公开情况")
    assert paras[i + 1:i + 3] == [own, "第二段：依法依规办理。"]
    assert "本年度共收到政府信息公开申请" not in body_text(d)
    # a lone unnumbered part runs without a sub-heading
    j = paras.index("五、存在的主要问题及改进情况")
    assert paras[j + 1] == "人员力量较为薄弱。"

    d2 = render(r, tmp_path, "offered.docx", offer_generated=True)
    paras = [p for p in d2.paragraphs]
    texts = [p.text for p in paras]
    i = texts.index("（二）依申请公开情况")
    assert texts[i + 1] == own
    offered = paras[i + 3]
    assert offered.style.name == STYLE.offered
    assert offered.text.startswith("〔据表格数据生成，供参考〕本年度新收政府信息公开申请")


def test_sub_headings_are_numbered_as_printed(tmp_path):
    r = zeros(Report.empty("2021", unit="某局", year=2022))  # （一）（二） written from the tables
    r.texts["s1.platform"] = "平台。"  # 「（四）平台建设情况」, with （三） left empty
    texts = [p.text for p in render(r, tmp_path).paragraphs]
    heads = [t for t in texts if re.match("^（[一二三四五]）", t)]
    assert heads == ["（一）主动公开情况", "（二）依申请公开情况", "（三）平台建设情况"]


def test_several_unnumbered_parts_are_numbered(tmp_path):
    r = Report.empty("2021", unit="某局", year=2022)
    r.texts["s5.problems"] = "问题。"
    r.texts["s5.plans"] = "打算。"
    texts = [p.text for p in render(r, tmp_path).paragraphs]
    j = texts.index("五、存在的主要问题及改进情况")
    assert texts[j + 1:j + 5] == ["（一）存在的主要问题", "问题。", "（二）下一步工作打算", "打算。"]


# -- escaping -------------------------------------------------------------------------------------
HOSTILE_UNIT = '<w:t>单位 & "局" {{ 7*7 }} {% raw %}'
HOSTILE_TEXT = "{% for x in range(3) %}X{% endfor %} <b>加粗</b> &amp; {{ unit }} {# c #}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_user_data_appears_literally_and_is_never_executed(tmp_path, fmt):
    r = consistent_report(fmt, seed=3)
    r.meta.unit = HOSTILE_UNIT
    r.texts["s1.overview"] = HOSTILE_TEXT
    r.texts["s5.problems"] = "{% include 's4.j2' %}"
    r.texts["s6.other"] = "a\x07b\x00c"  # control characters: dropped, not a crash
    d = render(r, tmp_path)
    assert d.paragraphs[0].text.replace("\n", "") == HOSTILE_UNIT + f"{r.meta.year}年政府信息公开工作年度报告"
    text = body_text(d)
    assert HOSTILE_TEXT in text
    assert "{% include 's4.j2' %}" in text
    assert "49" not in text and "XXX" not in text
    assert "abc" in text
    assert d.core_properties.author == HOSTILE_UNIT
    with zipfile.ZipFile(tmp_path / "年报.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "&lt;w:t&gt;单位 &amp; " in xml and "<b>" not in xml


@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_any_report_renders_and_reopens(tmp_path, data, fmt):
    """Whatever a workbook holds — blanks, text in number cells, huge or negative numbers, any
    Unicode (control characters, surrogates of broken files) — the document is written."""
    text = st.text(st.characters(), max_size=30)
    r = Report.empty(fmt, unit=data.draw(text), year=data.draw(st.none() | st.integers(1900, 2200)))
    for fid in r.values:
        r.values[fid] = data.draw(st.none() | st.integers(-10**12, 10**12)
                                  | st.floats(allow_nan=False, allow_infinity=False)
                                  | text.map(Invalid), label=fid)
    for fid in r.texts:
        r.texts[fid] = data.draw(text, label=fid)
    d = render(r, tmp_path, offer_generated=data.draw(st.booleans()))
    assert headings(d) == [sec.title for sec in get_format(fmt).sections]
    assert len(d.tables) == 3


# -- templates ------------------------------------------------------------------------------------
def own_templates(tmp_path: Path, **files: str) -> Path:
    d = tmp_path / "模板"
    d.mkdir(exist_ok=True)
    for name, text in files.items():
        (d / f"{name}.j2").write_text(text, encoding="utf-8")
    return d


def test_office_templates_override_the_builtin_ones(tmp_path):
    d = own_templates(tmp_path, s4="本单位自定义：{{ unit }}，复议{{ t4.review.total }}件。",
                      preamble="")
    r = consistent_report("2021", seed=1)
    text = body_text(render(r, tmp_path, templates_dir=d))
    assert f"本单位自定义：测试单位，复议{r.number('t4.review.total')}件。" in text
    assert "本报告根据" not in text  # an emptied template prints nothing
    assert "本年度新收政府信息公开申请" in text  # the built-in ones still fill the rest


@pytest.mark.parametrize("source,code,line", [
    ("第一行\n{% if true %}\n{{ t3.nope.total }}\n{% endif %}\n", "引用了不存在的数据", 3),
    ("第一行\n{% if %}\n", "语法错误", 2),
    ("{{ ''.__class__.__mro__ }}", "不允许的操作", 1),
    ("甲\n乙\n{{ 1 // 0 }}", "出错", 3),
    ("{{ texts.__init__.__globals__ }}", "不允许的操作", 1),
])
def test_template_errors_name_file_and_line(tmp_path, source, code, line):
    d = own_templates(tmp_path, **{"s1.request": source})
    with pytest.raises(NianbaoError) as e:
        render(Report.empty("2021", unit="某局", year=2022), tmp_path, templates_dir=d)
    message = str(e.value)
    assert "s1.request.j2" in message and f"第 {line} 行" in message and code in message
    assert not (tmp_path / "年报.docx").exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_templates_saved_by_notepad_are_read(tmp_path, encoding):
    d = tmp_path / "模板"
    d.mkdir()
    (d / "s4.j2").write_bytes("复议{{ t4.review.total }}件。\r\n".encode(encoding))
    r = Report.empty("2021", unit="某局", year=2022)
    r["t4.review.total"] = 0
    text = body_text(render(r, tmp_path, templates_dir=d))
    assert "\n复议0件。\n" in text and "\ufeff" not in text


def test_undecodable_template(tmp_path):
    d = tmp_path / "模板"
    d.mkdir()
    (d / "s4.j2").write_bytes(b"\xff\xfe\x00\xff")
    with pytest.raises(NianbaoError, match="s4.j2 无法识别编码"):
        render(Report.empty("2021"), tmp_path, templates_dir=d)


def test_no_year_no_statistics_period(tmp_path):
    text = body_text(render(Report.empty("2021", unit="某局"), tmp_path))
    assert "统计期限" not in text and "本报告根据" in text


def test_missing_templates_dir(tmp_path):
    with pytest.raises(NianbaoError, match="找不到模板目录"):
        render(Report.empty("2021"), tmp_path, templates_dir=tmp_path / "nope")


# -- the Word template ----------------------------------------------------------------------------
def _east_asia(style) -> str | None:
    rfonts = style.element.find(f"{W}rPr/{W}rFonts")
    return rfonts.get(W + "eastAsia") if rfonts is not None else None


def test_page_and_styles_follow_gb_t_9704(tmp_path):
    d = render(consistent_report("2021"), tmp_path)
    s = d.sections[0]
    def mm(length) -> float:
        return round(length / Mm(1), 1)

    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)  # A4
    assert [mm(x) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    st = d.styles
    assert _east_asia(st[STYLE.title]) == "方正小标宋简体" and st[STYLE.title].font.size == Pt(22)
    assert st[STYLE.title].paragraph_format.alignment == 1  # centred
    assert _east_asia(st["Normal"]) == "仿宋_GB2312" and st["Normal"].font.size == Pt(16)
    assert _east_asia(st[STYLE.heading1]) == "黑体"
    assert _east_asia(st[STYLE.heading2]) == "楷体_GB2312"
    assert _east_asia(st[STYLE.table_text]) == "仿宋_GB2312" and st[STYLE.table_text].font.size == Pt(9)
    normal = st["Normal"].paragraph_format
    assert normal.line_spacing_rule == 4 and Pt(28) <= normal.line_spacing <= Pt(29)  # exactly
    assert d.settings.odd_and_even_pages_header_footer
    odd, even = s.footer.paragraphs[0], s.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # right, left
    for p in (odd, even):
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert "PAGE" in "".join(t.text for t in p._p.iter(W + "instrText"))
        assert p.style.font.size == Pt(14)
    with zipfile.ZipFile(tmp_path / "年报.docx") as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts


def test_28_characters_a_line_22_lines_a_page(tmp_path):
    d = render(consistent_report("2021"), tmp_path)
    s = d.sections[0]
    grid = s._sectPr.find(W + "docGrid")
    text_height = s.page_height - s.top_margin - s.bottom_margin
    assert int(grid.get(W + "linePitch")) * 22 <= text_height / 635 < int(grid.get(W + "linePitch")) * 23
    normal = d.styles["Normal"]
    spacing = int(normal.element.find(f"{W}rPr/{W}spacing").get(W + "val")) / 20  # pt
    pitch = normal.font.size.pt + spacing
    text_width = (s.page_width - s.left_margin - s.right_margin) / Pt(1)
    assert 28 * pitch <= text_width < 29 * pitch
    # LibreOffice hangs no punctuation (it would drop it from the PDF): see build_docx
    assert normal.element.find(f"{W}pPr/{W}overflowPunct").get(W + "val") == "1"


def test_a_current_word_document_with_the_reports_properties(tmp_path):
    r = consistent_report("2021")
    r.meta.unit = "某市某区人民政府办公室"
    d = render(r, tmp_path)
    with zipfile.ZipFile(tmp_path / "年报.docx") as z:
        names = z.namelist()
        settings = z.read("word/settings.xml").decode("utf-8")
        app = z.read("docProps/app.xml").decode("utf-8")
        rels = z.read("_rels/.rels").decode("utf-8") + z.read("word/_rels/document.xml.rels").decode("utf-8")
    assert re.search(r'w:name="compatibilityMode"[^>]*w:val="15"', settings)
    assert not any(n.startswith(("docProps/thumbnail", "customXml/")) for n in names), names
    assert "thumbnail" not in rels and "customXml" not in rels and "stylesWithEffects" not in rels
    assert "Microsoft" not in app and "<Application>nianbao</Application>" in app
    assert d.core_properties.title == f"某市某区人民政府办公室{r.meta.year}年政府信息公开工作年度报告"
    assert d.core_properties.author == "某市某区人民政府办公室"


def test_build_script_reproduces_the_committed_template(tmp_path):
    root = Path(__file__).resolve().parents[1]
    here = root / "templates"
    built_with = docx.Document(str(here / "report.docx")).core_properties.version
    if built_with != f"python-docx {docx.__version__}":
        pytest.skip(f"report.docx was built with {built_with}; python-docx {docx.__version__} "
                    "is installed (rerun tools/build_docx.py)")
    out = tmp_path / "report.docx"
    subprocess.run([sys.executable, str(root / "tools" / "build_docx.py"), str(out)], check=True,
                   capture_output=True)
    with zipfile.ZipFile(out) as a, zipfile.ZipFile(here / "report.docx") as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            if name != "docProps/core.xml":
                assert a.read(name) == b.read(name), name


def test_properties_are_in_schema_order(tmp_path):
    """Word calls a file corrupt when pPr/rPr/tblPr children are out of order."""
    from lxml import etree

    import importlib.util

    tool = Path(__file__).resolve().parents[1] / "tools" / "build_docx.py"
    spec = importlib.util.spec_from_file_location("build_docx", tool)
    assert spec is not None and spec.loader is not None
    build_docx = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_docx)
    SCHEMA_ORDER = build_docx.SCHEMA_ORDER

    render(consistent_report("2021"), tmp_path)
    with zipfile.ZipFile(tmp_path / "年报.docx") as z:
        parts = [n for n in z.namelist() if re.match(r"word/(styles|document|footer\d*)\.xml$", n)]
        assert len(parts) >= 4
        for name in parts:
            root = etree.fromstring(z.read(name))
            for tag, names in SCHEMA_ORDER.items():
                rank = {W + n: i for i, n in enumerate(names.split())}
                for el in root.iter(W + tag):
                    seen = [rank[c.tag] for c in el if c.tag in rank]
                    assert seen == sorted(seen), (name, tag, [c.tag for c in el])
                    assert all(c.tag in rank for c in el), (name, tag, [c.tag for c in el])


def test_an_office_restyles_the_word_template(tmp_path):
    d = own_templates(tmp_path)
    shutil.copy(docx_template(), d / "report.docx")
    t = docx.Document(str(d / "report.docx"))
    t.styles["Normal"].font.size = Pt(15)
    t.save(str(d / "report.docx"))
    out = render(consistent_report("2021"), tmp_path, templates_dir=d)
    assert out.styles["Normal"].font.size == Pt(15)
    assert "本文件是年报的 Word 模板" not in body_text(out)  # the specimen is replaced


def test_a_word_template_without_our_styles_is_refused(tmp_path):
    d = own_templates(tmp_path)
    docx.Document().save(str(d / "report.docx"))
    with pytest.raises(NianbaoError, match="缺少样式「年报标题」"):
        render(consistent_report("2021"), tmp_path, templates_dir=d)


def test_save_is_atomic_and_errors_are_ours(tmp_path):
    target = tmp_path / "年报.docx"
    target.write_bytes(b"old")
    d = own_templates(tmp_path, preamble="{{ nope }}")
    with pytest.raises(NianbaoError):
        render_report(consistent_report("2021"), target, templates_dir=d)
    assert target.read_bytes() == b"old"
    (tmp_path / "dir.docx").mkdir()
    with pytest.raises(NianbaoError, match="无法写入"):
        render_report(consistent_report("2021"), tmp_path / "dir.docx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.docx", "年报.docx", "模板"]


def test_invalid_cells_print_what_was_typed(tmp_path):
    r = consistent_report("2021")
    r["t3.new.natural"] = Invalid("十二")
    lines = [distinct(row) for row in grid(render(r, tmp_path).tables[1])]
    assert lines[3][1] == "十二"


# -- PDF ------------------------------------------------------------------------------------------
def test_pdf_without_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_SOFFICE", str(tmp_path / "no-soffice"))
    path = render_report(Report.empty("2021"), tmp_path / "a.docx")
    with pytest.raises(NianbaoError) as e:
        to_pdf(path)
    assert "apt-get install libreoffice-writer-nogui fonts-wqy-microhei" in str(e.value)


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for soffice")
def test_pdf_timeout_and_failure(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("NIANBAO_SOFFICE", str(fake))
    path = render_report(Report.empty("2021"), tmp_path / "a.docx")
    start = time.monotonic()
    with pytest.raises(NianbaoError, match="超过 1 秒"):
        to_pdf(path, timeout=1)
    assert time.monotonic() - start < 10
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    with pytest.raises(NianbaoError, match="source file could not be loaded"):
        to_pdf(path)
    assert not path.with_suffix(".pdf").exists()


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", FORMATS)
def test_pdf_has_title_labels_numbers_on_a4(tmp_path, fmt):
    if find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or poppler-utils not installed")
    r = consistent_report(fmt, seed=9)
    r.meta.unit = "某市某区人民政府办公室"
    docx_path = render_report(r, tmp_path / "年报.docx")
    pdf = to_pdf(docx_path)
    assert pdf == tmp_path / "年报.pdf"
    text = _pdftotext(pdf)
    flat = re.sub(r"\s+", "", text)
    assert f"某市某区人民政府办公室{r.meta.year}年政府信息公开工作年度报告" in flat
    for heading in (s.title for s in get_format(fmt).sections):
        assert heading in flat
    for label in ("第二十条第（一）项", "一、本年新收政府信息公开申请数量", "1.属于国家秘密",
                  "四、结转下年度继续办理", "未经复议直接起诉", "复议后起诉"):
        assert label in flat
    block = get_format(fmt).table("t3").blocks[0]
    for key in ("new", "carried", "carry_forward"):
        row = next(x for x in block.rows if x.key == key)
        numbers = values_of(r, "t3", block, row)
        line = next(t for t in text.splitlines() if row.labels[0] in t)
        assert line.split()[-7:] == numbers
    t4 = get_format(fmt).table("t4").blocks[0]
    t4_numbers = [format_number(r.values[field_id("t4", t4.rows[0], c)]) for c in t4.columns]
    assert any(t.split() == t4_numbers for t in text.splitlines())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts", info), info


# -- the command ----------------------------------------------------------------------------------
def workbook(tmp_path: Path, report: Report, name: str = "年报.xlsx") -> Path:
    from nianbao.xlsx_writer import write_report

    return write_report(report, tmp_path / name)


def test_command_writes_the_report(tmp_path):
    r = consistent_report("2021", seed=2)
    r.meta.unit = "某区政务办"
    src = workbook(tmp_path, r)
    out = tmp_path / "out" / "年报.docx"
    res = CliRunner().invoke(report_command, [str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "已生成 Word 年报" in res.output
    d = docx.Document(str(out))
    assert headings(d) == [s.title for s in get_format("2021").sections]
    assert d.paragraphs[0].text == f"某区政务办\n{r.meta.year}年政府信息公开工作年度报告"
    # what nianbao wrote, and where the office's own text would replace it
    assert "处文字由 nianbao 据表格和基本信息生成" in res.output
    assert ("四、政府信息公开行政复议、行政诉讼情况 · 表前说明（本单位文字写在 四、复议诉讼!B10）"
            in res.output)


def test_command_mentions_warnings_but_writes(tmp_path):
    r = consistent_report("2021", seed=2)
    r.texts["s1.request"] = "本年度共收到政府信息公开申请999件。"  # the table says otherwise
    src = workbook(tmp_path, r)
    res = CliRunner().invoke(report_command, [str(src)])
    assert res.exit_code == 0, res.output
    assert "处警告，年报照常生成" in res.output and (tmp_path / "年报.docx").exists()


def test_command_default_output_beside_the_workbook(tmp_path):
    src = workbook(tmp_path, consistent_report("2019", seed=2))
    res = CliRunner().invoke(report_command, [str(src)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "年报.docx").exists()


def test_command_refuses_a_workbook_with_errors_unless_forced(tmp_path):
    r = consistent_report("2021", seed=2)
    r["t3.new.total"] = r.number("t3.new.total") + 1  # breaks t3.row and t3.balance
    src = workbook(tmp_path, r)
    out = tmp_path / "年报.docx"
    res = CliRunner().invoke(report_command, [str(src), "-o", str(out)])
    assert res.exit_code == 1
    assert "处错误或整张未填写的表，未生成年报" in res.output and "--force" in res.output
    assert "一、本年新收政府信息公开申请数量" in res.output  # the errors are listed
    assert not out.exists()
    forced = CliRunner().invoke(report_command, [str(src), "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "已按 --force 照常生成年报" in forced.output and out.exists()


def test_command_previous_year_is_checked(tmp_path):
    from nianbao.formats.common import T3_COLUMN_KEYS

    this = consistent_report("2021", seed=2)
    this.meta.year = 2022
    prev = consistent_report("2021", seed=1)
    prev.meta.year = 2021
    for c in T3_COLUMN_KEYS:  # last year's 结转下年度 is this year's 上年结转 …
        prev[f"t3.carry_forward.{c}"] = this.number(f"t3.carried.{c}")
    src = workbook(tmp_path, this, "2022.xlsx")
    ok = CliRunner().invoke(report_command, [str(src), "--previous",
                                             str(workbook(tmp_path, prev, "2021.xlsx"))])
    assert ok.exit_code == 0, ok.output
    prev["t3.carry_forward.natural"] = this.number("t3.carried.natural") + 1  # … except here
    prev["t3.carry_forward.total"] = this.number("t3.carried.total") + 1
    bad = CliRunner().invoke(report_command, [str(src), "--previous",
                                              str(workbook(tmp_path, prev, "2021b.xlsx")),
                                              "-o", str(tmp_path / "b.docx")])
    assert bad.exit_code == 1
    assert "上年" in bad.output and "二、上年结转政府信息公开申请数量" in bad.output


def test_command_pdf_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_SOFFICE", str(tmp_path / "no-soffice"))
    src = workbook(tmp_path, consistent_report("2021", seed=2))
    res = CliRunner().invoke(report_command, [str(src), "--pdf"])
    assert res.exit_code == 2
    assert "已生成 Word 年报" in res.output  # the .docx is there; only the PDF is missing
    assert "apt-get install libreoffice-writer-nogui" in res.output


@pytest.mark.libreoffice
def test_installed_command_with_pdf(tmp_path):
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    src = workbook(tmp_path, consistent_report("2021", seed=2))
    nianbao = str(Path(sys.executable).with_name("nianbao"))
    p = subprocess.run([nianbao, "report", str(src), "-o", str(tmp_path / "年报.docx"), "--pdf"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "年报.pdf").stat().st_size > 10_000
    # the PDF is honest about its fonts: substitutes named, not for publication
    fonts = check_pdf_fonts(tmp_path / "年报.docx", tmp_path / "年报.pdf")
    if fonts.missing:
        assert "不宜正式发布" in p.stderr and "、".join(fonts.missing) in p.stderr
        assert all(f in p.stderr for f in fonts.used)
    else:
        assert "不宜正式发布" not in p.stderr


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def _table_lines(pdf: Path, first: str, last: str) -> list[list[str]]:
    """The words of each text line of the page holding ``first``, from its line to ``last``'s
    (pdftotext -bbox-layout: one <line> per printed line of a cell)."""
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for page in html.split("<page")[1:]:
        lines = [(float(m.group(1)), re.findall(r">([^<]*)</word>", m.group(2)))
                 for m in re.finditer(r'<line xMin="[^"]+" yMin="([^"]+)"[^>]*>(.*?)</line>',
                                      page, re.S)]
        top = [y for y, words in lines if "".join(words) == first]
        bottom = [y for y, words in lines if "".join(words) == last]
        if top and bottom:
            return [words for y, words in lines if top[0] <= y <= bottom[0]]
    raise AssertionError(f"no page holds both {first} and {last}")


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", FORMATS)
def test_pdf_keeps_every_character_28_a_line_and_table3_on_one_page(tmp_path, fmt):
    if find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or poppler-utils not installed")
    r = consistent_report(fmt, seed=9)
    r.meta.unit = "内蒙古自治区呼和浩特市赛罕区人民政府办公室"
    for fid in ("t3.new.natural", "t3.new.total", "t3.granted.total", "t4.review.total"):
        r[fid] = 12345  # numbers as wide as plausible: labels must still read as words
    plain = "本单位坚持以公开为常态不公开为例外的原则" * 5  # 100 characters, no digits
    r.texts["s1.overview"] = plain
    r.texts["s1.request"] = "本年度收到申请若干件；办结若干件；其余按期答复；全部依法办理；" * 4
    if fmt == "2021":
        r["s6.fee_notices"] = r["s6.fee_amount"] = 0
    docx_path = render_report(r, tmp_path / "年报.docx")
    pdf = to_pdf(docx_path)
    pages = _pdf_pages(pdf)
    # every character of the document is in the PDF (none dropped at a line end)
    d = docx.Document(str(docx_path))
    text = "".join(t.text or "" for t in d.element.body.iter(W + "t"))
    want = Counter(re.sub(r"\s+", "", text))
    got = Counter(re.sub(r"\s+", "", "".join(pages)))
    assert not want - got, want - got
    # 28 characters a line: the 100-character paragraph after its two-character indent
    lines = [t.strip() for t in "\n".join(pages).splitlines()]
    assert plain[26:54] in lines and plain[54:82] in lines
    # 表三 whole on one page: its first row and its last
    flat = [re.sub(r"\s+", "", p) for p in pages]
    t3 = [p for p in flat if "一、本年新收政府信息公开申请数量" in p]
    assert len(t3) == 1 and "四、结转下年度继续办理" in t3[0]
    # no label of 表三 leaves a character alone on a line
    for words in _table_lines(pdf, "申请人情况", "四、结转下年度继续办理"):
        lone = [w for w in words if len(w) == 1 and not w.isascii()]
        assert not lone, words
    # the fonts: what check_pdf_fonts says agrees with poppler's pdffonts
    if shutil.which("pdffonts"):
        listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                                check=True).stdout.splitlines()[2:]
        names = {line.split()[0].split("+", 1)[-1] for line in listed if line.strip()}
        assert set(pdf_fonts(pdf)) == names
        fonts = check_pdf_fonts(docx_path, pdf)
        assert set(fonts.used) <= names
        for name in ("方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体"):
            assert (name in fonts.missing) == (not set(OFFICIAL_FONTS[name]) & names)


@pytest.mark.parametrize("text,per_line,lines", [
    ("（三）不予公开", 4, ["（三）", "不予公开"]),  # the ordinal on a line of its own
    ("（三）不予公开", 8, ["（三）不予公开"]),  # fits: left alone
    ("2.其他法律行政法规禁止公开", 12, ["2.其他法律行政", "法规禁止公开"]),  # not 「…公 / 开」
    ("1.属于国家秘密", 5, ["1.属于国家秘密"]),  # Word's wrap leaves 2+ on the last line
    ("三、本年度办理结果", 3, ["三、本年度办理结果"]),
])
def test_labels_never_strand_a_character(text, per_line, lines):
    from nianbao.document import label_lines

    assert label_lines(text, per_line) == lines


@pytest.mark.parametrize("text,chars", [("自然人", 3), ("商业企业", 2), ("社会公益组织", 2),
                                        ("结果维持", 2), ("总计", 2), ("其他结果", 2)])
def test_header_columns_wide_enough_to_wrap_without_a_lone_character(text, chars):
    from nianbao.document import fitting_width

    assert fitting_width(text) == chars


# -- what nianbao writes, and what the office writes in its place (issue 26) -----------------------
def test_office_text_replaces_each_paragraph_nianbao_writes(tmp_path):
    """Every paragraph nianbao writes has a cell for the office's own text: 导语, 四's 表前说明,
    the text parts; what it wrote is listed with that cell (``written_parts``)."""
    from nianbao.document import written_parts

    r = consistent_report("2021", seed=4)
    generated = {w.place.part: w for w in written_parts(r)}
    assert set(generated) == {"preamble", "s1.active", "s1.request", "s4"}
    assert generated["s4"].place.field == "s4.lead" and not generated["s4"].place.mention
    own = {"preamble": "本报告由本办编制，数据截至2021年12月31日。",
           "s4.lead": "本年度我办行政复议、行政诉讼情况见下表。",
           "s1.active": "主动公开文件若干。", "s1.request": "依申请公开工作依法开展。"}
    r.texts.update(own)
    assert written_parts(r) == []
    text = body_text(render(r, tmp_path))
    for t in own.values():
        assert t in text
    assert "本报告根据《中华人民共和国政府信息公开条例》" not in text
    assert "被申请行政复议" not in text
    # the fee sentence of 六 is replaced by the office writing about the fee in 其他需要报告的事项
    r["s6.fee_notices"], r["s6.fee_amount"] = 0, 0
    [fee] = [w for w in written_parts(r) if w.place.part == "s6"]
    assert fee.place.field == "s6.other" and fee.place.mention
    r.texts["s6.other"] = "本年度未收取信息处理费，无其他需要报告的事项。"
    assert written_parts(r) == []


def test_only_published_items_of_basic_information_are_printed(tmp_path):
    """联系人 and 填报日期 stay in the workbook; 成文日期 is the 落款's date (not 填报日期)."""
    r = consistent_report("2021", seed=4)
    r.meta.contact, r.meta.date = "张三", "2022-01-05"
    r.meta.phone, r.meta.email, r.meta.address = "0571-12345678", "gk@example.gov.cn", "某路1号"
    text = body_text(render(r, tmp_path))
    assert "张三" not in text and "2022年1月5日" not in text and "2022-01-05" not in text
    assert "电话：0571-12345678" in text and "gk@example.gov.cn" in text and "地址：某路1号" in text
    assert text.rstrip().endswith("　　　　年　　月　　日")  # no 成文日期 entered: left to fill
    r.meta.document_date = "2022/1/20"
    assert body_text(render(r, tmp_path, "b.docx")).rstrip().endswith("2022年1月20日")


def test_table_rows_as_tall_as_published_tables_where_the_page_has_room(tmp_path):
    """表二 and 表四 at 8 mm a row; 表三 as tall as lets it stay on one page (here: as set)."""
    from nianbao.document import ROW_MAX

    d = render(consistent_report("2021", seed=4), tmp_path)
    heights = []
    for table in d.tables:
        rows = table._tbl.findall(W + "tr")
        hs = {tr.find(f"{W}trPr/{W}trHeight") for tr in rows}
        heights.append({(h.get(W + "val"), h.get(W + "hRule")) if h is not None else None
                        for h in hs})
    assert heights[0] == heights[2] == {(str(ROW_MAX), "atLeast")}
    assert len(heights[1]) == 1  # one height for 表三, whatever fits


@pytest.mark.parametrize("unit,lines", [
    # an hourglass is not a title (GB/T 9704 7.3.3: 梯形 or 菱形)
    ("新疆维吾尔自治区伊犁哈萨克自治州奎屯市城市管理综合行政执法局市容环境卫生管理中心",
     ["新疆维吾尔自治区伊犁哈萨克自治州奎屯市", "城市管理综合行政执法局", "市容环境卫生管理中心"]),
    # a committee's office is one unit; a bracketed name goes whole on its line
    ("某某市发展和改革委员会办公室（某某市粮食和物资储备局）",
     ["某某市发展和改革委员会办公室", "（某某市粮食和物资储备局）"]),
    ("中共某某省委机构编制委员会办公室（某某省机构编制研究中心）",
     ["中共某某省委", "机构编制委员会办公室", "（某某省机构编制研究中心）"]),
    # 「城市」「市容」「乡村」 are words, not places to break
    ("某某省某某市城市管理局市容环境卫生处乡村振兴办公室", None),
])
def test_unit_names_break_by_meaning(unit, lines):
    from nianbao.document import split_title, unit_breaks

    got = split_title(unit, "2022年政府信息公开工作年度报告", 19.1)[:-1]
    if lines is not None:
        assert got == lines
    for a, b in zip(got, got[1:]):
        assert not (a.endswith("城") and b.startswith("市")), got
        assert not (a.endswith("市") and b.startswith(("容", "场"))), got
        assert not (a.endswith("乡") and b.startswith("村")), got
    breaks = unit_breaks(unit)
    assert all(unit[i - 1:i + 1] not in ("城市", "市容", "乡村", "员会", "办公") for i in breaks)


def test_a_blank_workbook_is_refused_unless_forced_and_says_nothing(tmp_path):
    """`nianbao new` then `nianbao report`: a statutory table left wholly blank stops the report
    (exit 1) as an error does — the one rule every door uses (``Findings.blocking``); forced, the
    report asserts nothing nobody entered."""
    from nianbao import check
    from nianbao.xlsx_writer import new_workbook

    src = new_workbook(tmp_path / "年报.xlsx", "2021", year=2022, unit="某区政务办")
    found = check(src)
    assert found.errors == 0 and [f.rule for f in found.blocking] == ["table.blank"] * 3
    out = tmp_path / "年报.docx"
    res = CliRunner().invoke(report_command, [str(src), "-o", str(out)])
    assert res.exit_code == 1 and not out.exists()
    assert "3 处错误或整张未填写的表，未生成年报" in res.output and "表三" in res.output
    forced = CliRunner().invoke(report_command, [str(src), "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    text = body_text(docx.Document(str(out)))
    for phrase in ("本年度未制发、废止规章和行政规范性文件", "全年未作出行政许可、行政处罚、行政强制决定",
                   "本年度未收到政府信息公开申请，也无上年结转的申请",
                   "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况",
                   "本年度无其他需要报告的事项"):
        assert phrase not in text, phrase


def test_an_office_template_for_a_part_without_a_cell_is_listed(tmp_path):
    """A lead the office writes a template for where the format has no text (before 表三): it is
    printed and listed, with no cell to replace it but the template."""
    from nianbao.document import make_report, written_lines

    d = own_templates(tmp_path, s3="本年度依申请公开情况见下表。")
    r = consistent_report("2021", seed=4)
    made = make_report(r, tmp_path / "年报.docx", templates_dir=d)
    assert "本年度依申请公开情况见下表。" in body_text(docx.Document(str(made.path)))
    [s3] = [w for w in made.written if w.place.part == "s3"]
    assert s3.place.field is None
    assert any("修改或删空模板 s3.j2" in line for line in written_lines(r, made.written))
