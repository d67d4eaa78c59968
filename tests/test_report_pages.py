"""The report as it prints (issue 26): four reports — the bundled sample, a 2019 report, a worst
case (a 40-character unit name, long texts in every part, five-digit numbers, fees) and a blank
workbook — rendered by LibreOffice and read back with their positions (``pdftotext
-bbox-layout``).  What is measured is what a reader of the published PDF sees: where the title's
lines stand, what a page holds, where the page numbers and the 落款 are."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import WORST_UNIT, published_cases

from nianbao.document import find_soffice, make_report, set_lines, split_title, written_lines
from nianbao.libreoffice import convert

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(find_soffice() is None or shutil.which("pdftotext") is None,
                       reason="LibreOffice (soffice) or poppler-utils not installed"),
]

PT_PER_MM = 72 / 25.4
A4_WIDTH = 595.3
LEFT, RIGHT = 28 * PT_PER_MM, 26 * PT_PER_MM  # GB/T 9704 margins
BODY_PITCH = 15.75  # a body character: 16 pt less 0.25 pt of spacing (28 a line)
PAGE_NUMBER_CHAR = 14  # 4号


@dataclass(frozen=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pages_of(pdf: Path) -> list[list[Line]]:
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    out = []
    for page in html.split("<page")[1:]:
        lines = []
        for m in re.finditer(r'<line xMin="([^"]+)" yMin="([^"]+)" xMax="([^"]+)" yMax="([^"]+)"'
                             r'>(.*?)</line>', page, re.S):
            words = re.findall(r">([^<]*)</word>", m.group(5))
            lines.append(Line(*map(float, m.groups()[:4]), "".join(words)))
        out.append(lines)
    return out


def flat(lines: list[Line]) -> str:
    return "".join(ln.text for ln in lines)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[object, list[list[Line]], list]]:
    """name → (report, pages, what nianbao wrote), all converted in one LibreOffice run."""
    d = tmp_path_factory.mktemp("pages")
    made = {name: (r, make_report(r, d / f"{name}.docx")) for name, r in published_cases().items()}
    convert([m.path for _, m in made.values()], "pdf", d, timeout=300)
    return {name: (r, pages_of(d / f"{name}.pdf"), m.written) for name, (r, m) in made.items()}


def page_with(pages: list[list[Line]], text: str) -> int:
    hits = [i for i, p in enumerate(pages) if text in flat(p)]
    assert hits, text
    return hits[0]


# -- 1. only what was entered -------------------------------------------------------------------
NOBODY_ENTERED = ("未制发", "未作出", "未收到政府信息公开申请", "也无上年结转", "未发生",
                  "无其他需要报告的事项", "未收取", "未发出")


def test_a_blank_workbook_prints_no_fact_and_no_bare_heading(rendered):
    _, pages, written = rendered["blank"]
    text = "".join(flat(p) for p in pages)
    for phrase in NOBODY_ENTERED:
        assert phrase not in text, phrase
    assert text.count("（本部分未填写）") == 3  # 一、五、六: visibly not written, not bare headings
    assert [w.place.part for w in written] == ["preamble"]  # about the format and the year only
    # the 落款: the unit, and the date line left to be filled in by hand
    last = [ln for ln in pages[-1] if ln.text and not re.fullmatch(r"—\d+—", ln.text)]
    assert "".join(ln.text for ln in last).endswith("某区政务办年月日")  # 「　　　　年　　月　　日」
    unit = next(ln for ln in last if ln.text == "某区政务办")
    day = next(ln for ln in last if ln.text == "日")
    assert day.y0 > unit.y1 and day.x1 <= A4_WIDTH - RIGHT - 2 * BODY_PITCH + 3


# -- 5, 9. the 落款 -------------------------------------------------------------------------------
@pytest.mark.parametrize("name,unit_lines", [("2019", ["某某市某某区住房和城乡建设局"]),
                                             ("worst", split_title(WORST_UNIT, "", 26.08))])
def test_the_date_starts_two_characters_right_of_the_unit_above_it(rendered, name, unit_lines):
    report, pages, _ = rendered[name]
    lines = [ln for ln in pages[-1] if ln.text and not re.fullmatch(r"—\d+—", ln.text)]
    *units, date = lines[-len(unit_lines) - 1:]
    assert [u.text for u in units] == unit_lines
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", date.text)
    for u in units:  # each line of the unit ends two characters in from the right margin
        assert abs((A4_WIDTH - RIGHT - u.x1) - 2 * BODY_PITCH) < 3, u
    assert abs(date.x0 - units[-1].x0 - 2 * BODY_PITCH) < 3, (date, units[-1])
    assert date.y0 - units[-1].y0 < 40  # the next line, not floating below


# -- 6. a table's heading and lead stay with it ----------------------------------------------------
@pytest.mark.parametrize("name", ["sample", "2019", "worst"])
def test_table4_heading_and_lead_on_the_page_of_the_table(rendered, name):
    report, pages, written = rendered[name]
    heading = page_with(pages, "四、政府信息公开行政复议、行政诉讼情况")
    assert page_with(pages, "未经复议直接起诉") == heading
    lead = next(w for w in written if w.place.part == "s4").paragraphs
    assert "".join(lead) in flat(pages[heading])  # whole: 「尚未审结8｜件」 never split
    if name == "worst":
        assert "尚未审结8件" in "".join(lead)


# -- 7, 8. the title ------------------------------------------------------------------------------
@pytest.mark.parametrize("name,lines", [
    ("sample", ["某区人民政府办公室", "2021年政府信息公开工作年度报告"]),
    ("worst", ["新疆维吾尔自治区伊犁哈萨克自治州奎屯市", "城市管理综合行政执法局", "市容环境卫生管理中心",
               "2022年政府信息公开工作年度报告"]),
])
def test_title_lines_break_by_meaning_about_10mm_apart(rendered, name, lines):
    _, pages, _ = rendered[name]
    title = pages[0][:len(lines)]
    assert [ln.text for ln in title] == lines
    for a, b in zip(title, title[1:]):  # one title, not two: published titles ~10 mm apart
        assert 9 * PT_PER_MM < b.y0 - a.y0 < 11.5 * PT_PER_MM, (a, b)
    widths = [ln.x1 - ln.x0 for ln in title]
    for i in range(1, len(widths) - 1):  # no waist: 梯形 or 菱形, not an hourglass
        assert widths[i] > min(widths[i - 1], widths[i + 1]) - 22 * 1.5, widths
    centre = A4_WIDTH - RIGHT - (A4_WIDTH - LEFT - RIGHT) / 2
    for ln in title:
        assert abs((ln.x0 + ln.x1) / 2 - centre) < 8, ln  # centred


# -- 9. page numbers ------------------------------------------------------------------------------
def test_page_numbers_one_character_in_from_the_text_block(rendered):
    _, pages, _ = rendered["worst"]
    assert len(pages) >= 4
    for i, page in enumerate(pages, start=1):
        [number] = [ln for ln in page if ln.text == f"—{i}—"]
        if i % 2:  # odd pages: right, one 4号 character in
            assert abs((A4_WIDTH - RIGHT - number.x1) - PAGE_NUMBER_CHAR) < 3, (i, number)
        else:  # even pages: left, ~33 mm from the edge (not 44 mm)
            assert abs(number.x0 - LEFT - PAGE_NUMBER_CHAR) < 3, (i, number)
            assert number.x0 / PT_PER_MM < 35


# -- 10. money -----------------------------------------------------------------------------------
def test_money_is_printed_alike_in_tables_and_prose(rendered):
    _, pages, _ = rendered["worst"]
    text = "".join(flat(p) for p in pages)
    assert "实际收取信息处理费123456789.50元" in text  # not 「123456789.5」
    assert "1234.5678" in flat(pages[page_with(pages, "第二十条第（八）项")])
    _, pages, _ = rendered["2019"]
    text = "".join(flat(p) for p in pages)
    report = rendered["2019"][0]
    amount = f"{report.values['t2.procurement.amount']:.2f}"
    assert f"采购总金额{amount}元" in text and text.count(amount) >= 2  # the prose and 表二


# -- 11. tables -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sample", "2019", "worst", "blank"])
def test_table3_on_one_page_and_table_rows_readable(rendered, name):
    _, pages, _ = rendered[name]
    first = page_with(pages, "一、本年新收政府信息公开申请数量")
    assert "四、结转下年度继续办理" in flat(pages[first])
    # 表二's rows as published tables set them (~8 mm) or, where that finishes a page that
    # would be left mostly empty (the 2019 report's second), no less than 6 mm; not 4.6 mm
    page = pages[page_with(pages, "第二十条第（一）项")]
    rules = next(ln for ln in page if ln.text == "规章")
    normative = next(ln for ln in page if ln.text in ("行政规范性文件", "规范性文件"))
    assert normative.y0 - rules.y0 > 6 * PT_PER_MM


TOP, TEXT_HEIGHT = 37 * PT_PER_MM, 12756 / 20  # the text block: 37 mm down, 22 lines


@pytest.mark.parametrize("name", ["sample", "2019", "worst"])
def test_the_page_before_table3_is_not_left_mostly_empty(rendered, name):
    """表三 takes a page; the one before it is filled (表二 whole where it finishes its page,
    rows set to fit), not left holding 表二's last block alone (the 2019 report: 10 %) — unless
    it holds section 二 whole, its heading and 表二, which the page before could not."""
    _, pages, _ = rendered[name]
    before = [ln for ln in pages[page_with(pages, "一、本年新收政府信息公开申请数量") - 1]
              if not re.fullmatch(r"—\d+—", ln.text)]
    fill = (max(ln.y1 for ln in before) - TOP) / TEXT_HEIGHT
    if before[0].text.startswith("二、"):
        assert "第二十条第（一）项" in flat(before) and fill > 0.5, fill
    else:
        assert fill > 0.6, fill


def test_the_command_says_which_paragraphs_nianbao_wrote(rendered):
    report, _, written = rendered["sample"]
    lines = written_lines(report, written)
    assert lines[0].startswith("以下 3 处文字由 nianbao")
    assert any("表前说明（本单位文字写在 四、复议诉讼!B10）" in ln for ln in lines)


@pytest.mark.parametrize("name", ["sample", "2019", "worst"])
def test_lines_are_counted_as_libreoffice_sets_them(rendered, name):
    """The estimate that places 表二 (:func:`set_lines`) counts each body paragraph's lines as
    the PDF shows them — numbers, autospace and all (「…4182.31 / 元。」 takes a sixth line)."""
    report, pages, _ = rendered[name]
    lines = [ln.text for p in pages for ln in p if not re.fullmatch(r"—\d+—", ln.text)]
    per_line = (A4_WIDTH - LEFT - RIGHT) / BODY_PITCH
    counted = 0
    for text in {t for t in report.texts.values() if t and "\n" not in t}:
        i = next((i for i, ln in enumerate(lines) if ln and text.startswith(ln)), None)
        if i is None or len(lines[i]) < 8:
            continue  # not printed as a paragraph of its own (a heading, 「无」 …)
        n, acc = 0, ""
        while len(acc) < len(text):
            acc, n = acc + lines[i + n], n + 1
        if acc == text:
            assert set_lines(text, per_line) == n, text
            counted += 1
    assert counted >= 3
