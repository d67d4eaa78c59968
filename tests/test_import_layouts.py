"""The layouts published reports arrive in, each written here by hand the way it arises — a web
page copied as one line, a PDF's text with the numbers above two-line labels and page numbers
between the rows, labels numbered another way, blank cells kept by tabs or bars — with the
values a person reads off it written out by hand, never taken from the importer.

Phrasings are those of real reports (the samples in tests/data/samples and offices' published
pages): 「(一)主动公开方面」, 「(四)政府信息公开平台建设」, 「五常市民意乡」 over its title, the contact
sentence 「(地址:…,电话:…,邮编:…)」.
"""
from __future__ import annotations

import pytest

from nianbao.importing.matcher import match
from nianbao.importing.txt import text_lines
from nianbao.layout import layout_of
from nianbao.report import MISSING

T3_COLS = ("natural", "business", "research", "nonprofit", "legal", "other_org", "total")


def _zeros() -> dict:
    return {f.id: 0 for f in layout_of("2021").statutory_fields()}


def _row(key: str, *values) -> dict:
    return {f"t3.{key}.{c}": v for c, v in zip(T3_COLS, values)}


# -- 1. a whole report on one line ------------------------------------------------------------------
# a government page's text with its tags stripped: breadcrumbs, the title, the page's own
# 「字号」, headings run into their text, tables with their cells a space apart
ONE_LINE = (
    "首页 > 政务公开 > 政府信息公开年报 2021年某县林业局政府信息公开工作年度报告 发布时间：2022-01-25 "
    "字号：大 中 小 本报告根据《中华人民共和国政府信息公开条例》要求编制。如对本报告有疑问，请与某县林业局"
    "办公室联系（地址：某县城关镇人民路8号，邮编：335000，电话：0793-1234567）。"
    "一、总体情况2021年，我局以习近平新时代中国特色社会主义思想为指导，扎实推进政务公开。"
    "(一)主动公开方面。全年主动公开信息126条。(二)依申请公开方面。全年收到申请3件，均已按时答复。"
    "(三)政府信息管理方面。严格执行保密审查制度。(四)政府信息公开平台建设方面。及时更新网站栏目。"
    "(五)监督保障方面。将政务公开纳入年度考核。"
    "二、主动公开政府信息情况 第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 "
    "规章 0 0 0 行政规范性文件 2 1 9 第二十条第（五）项 信息内容 本年处理决定数量 行政许可 41 "
    "第二十条第（六）项 信息内容 本年处理决定数量 行政处罚 17 行政强制 0 第二十条第（八）项 信息内容 "
    "本年收费金额（单位：万元） 行政事业性收费 0 "
    "三、收到和处理政府信息公开申请情况 （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    " 申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他 "
    "一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3 二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0 "
    "三、本年度办理结果 （一）予以公开 2 0 0 0 0 0 2 "
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 0 0 0 0 0 0 0 "
    "（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0 2.其他法律行政法规禁止公开 0 0 0 0 0 0 0 "
    "3.危及“三安全一稳定” 0 0 0 0 0 0 0 4.保护第三方合法权益 0 0 0 0 0 0 0 "
    "5.属于三类内部事务信息 0 0 0 0 0 0 0 6.属于四类过程性信息 0 0 0 0 0 0 0 "
    "7.属于行政执法案卷 0 0 0 0 0 0 0 8.属于行政查询事项 0 0 0 0 0 0 0 "
    "（四）无法提供 1.本机关不掌握相关政府信息 1 0 0 0 0 0 1 2.没有现成信息需要另行制作 0 0 0 0 0 0 0 "
    "3.补正后申请内容仍不明确 0 0 0 0 0 0 0 "
    "（五）不予处理 1.信访举报投诉类申请 0 0 0 0 0 0 0 2.重复申请 0 0 0 0 0 0 0 "
    "3.要求提供公开出版物 0 0 0 0 0 0 0 4.无正当理由大量反复申请 0 0 0 0 0 0 0 "
    "5.要求行政机关确认或重新出具已获取信息 0 0 0 0 0 0 0 "
    "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0 "
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0 "
    "3.其他 0 0 0 0 0 0 0 （七）总计 3 0 0 0 0 0 3 四、结转下年度继续办理 0 0 0 0 0 0 0 "
    "四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 "
    "未经复议直接起诉 复议后起诉 结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 "
    "尚未审结 总计 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
    "五、存在的主要问题及改进情况 一是公开内容不够丰富；二是解读形式较为单一。下一步将加强政策解读。"
    "六、其他需要报告的事项 本年度未收取信息处理费。 某县林业局 2022年1月20日"
)
ONE_LINE_VALUES = {
    **_zeros(), "t2.normative.issued": 2, "t2.normative.repealed": 1, "t2.normative.in_force": 9,
    "t2.licensing.decisions": 41, "t2.punishment.decisions": 17,
    **_row("new", 3, 0, 0, 0, 0, 0, 3), **_row("granted", 2, 0, 0, 0, 0, 0, 2),
    **_row("unavailable_1", 1, 0, 0, 0, 0, 0, 1), **_row("total", 3, 0, 0, 0, 0, 0, 3),
}


def test_a_web_page_copied_as_one_line():
    im = match([ONE_LINE])
    r = im.report
    assert (r.meta.unit, r.meta.year, im.format_detected) == ("某县林业局", 2021, "2021")
    assert r.statutory() == ONE_LINE_VALUES
    assert (r.meta.address, r.meta.postcode, r.meta.phone) == (
        "某县城关镇人民路8号", "335000", "0793-1234567")
    assert r.texts["s1.overview"] == (
        "2021年，我局以习近平新时代中国特色社会主义思想为指导，扎实推进政务公开。")
    assert r.texts["s1.active"] == "全年主动公开信息126条。"
    assert r.texts["s1.request"] == "全年收到申请3件，均已按时答复。"
    assert r.texts["s1.management"] == "严格执行保密审查制度。"
    assert r.texts["s1.platform"] == "及时更新网站栏目。"
    assert r.texts["s1.oversight"] == "将政务公开纳入年度考核。"
    # the office's headings, numbered as the format numbers the parts
    assert r.texts["s1.platform.heading"] == "（四）政府信息公开平台建设方面"
    assert r.texts["s5.problems"] == "一是公开内容不够丰富；二是解读形式较为单一。下一步将加强政策解读。"
    assert r.texts["s6.other"] == "本年度未收取信息处理费。"  # the 落款 is not its text


def test_one_line_with_the_cells_run_together_is_split_or_left_missing():
    # the same page stripped of its tags without a space: 「规章000行政规范性文件219」
    text = ONE_LINE
    for label in ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"):
        text = text.replace(f"{label} ", label)
    text = text.replace("2 1 9", "219").replace("0 0 0 行政", "000行政")
    im = match([text])
    r = im.report
    assert r["t2.licensing.decisions"] == 41 and r["t2.punishment.decisions"] == 17
    assert [r[f"t2.rules.{c}"] for c in ("issued", "repealed", "in_force")] == [0, 0, 0]
    # 「219」 is 2 1 9, or 21 and 9 with a blank, or …: nothing decides, nothing is guessed
    assert all(r[f"t2.normative.{c}"] is MISSING for c in ("issued", "repealed", "in_force"))


# -- 2, 3. numbers on the label's line, and above a two-line label -----------------------------------
# a PDF's text (a viewer's copy) where each row's numbers stand at the top of its cell and the
# label is centred: a two-line label is printed under its numbers
ABOVE = """某区司法局2021年政府信息公开工作年度报告
三、收到和处理政府信息公开申请情况
申请人情况
自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计
一、本年新收政府信息公开申请数量 12 1 0 0 0 0 13
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
（一）予以公开 5 0 0 0 0 0 5
3 1 0 0 0 0 4
（二）部分公开（区分处理的，只计这
一情形，不计其他情形）
1.属于国家秘密 0 0 0 0 0 0 0
（三）不予公开
0 0 0 0 0 0 0
2.其他法律行政
法规禁止公开
3.危及“三安全一稳定” 0 0 0 0 0 0 0
4.保护第三方合法权益 0 0 0 0 0 0 0
5.属于三类内部事务信息 0 0 0 0 0 0 0
6.属于四类过程性信息 0 0 0 0 0 0 0
7.属于行政执法案卷 0 0 0 0 0 0 0
8.属于行政查询事项 0 0 0 0 0 0 0
（四）无法提供
本机关不掌握相关政府信息 2 0 0 0 0 0 2
2.没有现成信息需要另行制作 0 0 0 0 0 0 0
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
（五）不予处理
(1)信访举报投诉类申请 1 0 0 0 0 0 1
(2)重复申请 0 0 0 0 0 0 0
(3)要求提供公开出版物 0 0 0 0 0 0 0
(4)无正当理由大量反复申请 0 0 0 0 0 0 0
0 0 0 0 0 0 0
5.要求行政机关确认或重新
出具已获取信息
1.申请人无正当理由逾期不
0 0 0 0 0 0 0
补正、行政机关不再处理其
政府信息公开申请
0 0 0 0 0 0 0
2.申请人逾期未按收费通知要求缴纳费用、
行政机关不再处理其政府信息公开申请
3.其他 0 0 0 0 0 0 0
（七）总计 11 1 0 0 0 0 12
四、结转下年度继续办理 1 0 0 0 0 0 1
"""
ABOVE_VALUES = {
    **_row("new", 12, 1, 0, 0, 0, 0, 13), **_row("granted", 5, 0, 0, 0, 0, 0, 5),
    **_row("partial", 3, 1, 0, 0, 0, 0, 4), **_row("unavailable_1", 2, 0, 0, 0, 0, 0, 2),
    **_row("not_processed_1", 1, 0, 0, 0, 0, 0, 1), **_row("total", 11, 1, 0, 0, 0, 0, 12),
    **_row("carry_forward", 1, 0, 0, 0, 0, 0, 1),
}


def test_numbers_above_two_line_labels_and_on_the_labels_line():
    r = match(text_lines(ABOVE)).report
    t3 = {f: v for f, v in r.statutory().items() if f.startswith("t3.")}
    want = {f: ABOVE_VALUES.get(f, 0) for f in t3}
    assert t3 == want


def test_every_number_above_its_label():
    # 第二十条 printed with every row's number over its label (the header ends in a number)
    lines = ["某局2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（一）项",
             "信息内容 本年制发件数 本年废止件数 现行有效件数", "0 0 0", "规章", "10 3 25", "行政规范性文件",
             "第二十条第（五）项", "信息内容 本年处理决定数量", "10", "行政许可", "第二十条第（六）项",
             "信息内容 本年处理决定数量", "3", "行政处罚", "0", "行政强制",
             "三、收到和处理政府信息公开申请情况"]
    r = match(lines).report
    assert [r[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [10, 3, 25]
    assert [r["t2.licensing.decisions"], r["t2.punishment.decisions"],
            r["t2.enforcement.decisions"]] == [10, 3, 0]


def test_a_number_above_a_label_with_no_rule_to_check_is_not_given_to_the_row_above():
    # 「行政许可」's 10 printed over its label, under 行政处罚's own line: each keeps its own
    lines = ["某局2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（六）项",
             "信息内容 本年处理决定数量", "行政处罚 3", "10", "行政强制",
             "三、收到和处理政府信息公开申请情况"]
    r = match(lines).report
    assert (r["t2.punishment.decisions"], r["t2.enforcement.decisions"]) == (3, 10)


# -- 4. page furniture ----------------------------------------------------------------------------------
def test_page_numbers_and_running_headers_are_not_values():
    text = (ABOVE.replace("（一）予以公开 5 0 0 0 0 0 5\n", "（一）予以公开 5 0 0 0 0 0 5\n- 2 -\n")
            .replace("3.危及“三安全一稳定” 0 0 0 0 0 0 0\n",
                     "3.危及“三安全一稳定” 0 0 0 0 0 0 0\n— 4 —\n某区司法局2021年政府信息公开工作年度报告\n")
            .replace("2.重复申请 0 0 0 0 0 0 0\n", "2.重复申请 0 0 0 0 0 0 0\n第 5 页 共 9 页\n"
                     "某区司法局2021年政府信息公开工作年度报告\n"))
    r = match(text_lines(text)).report
    t3 = {f: v for f, v in r.statutory().items() if f.startswith("t3.")}
    assert t3 == {f: ABOVE_VALUES.get(f, 0) for f in t3}
    assert r.meta.unit == "某区司法局"


def test_a_page_number_run_into_the_last_value_of_a_page():
    lines = ["某局2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（六）项",
             "信息内容 本年处理决定数量", "行政处罚 0— 4 —", "行政强制 9487 第 5 页 共 9 页",
             "三、收到和处理政府信息公开申请情况"]
    r = match(lines).report
    assert (r["t2.punishment.decisions"], r["t2.enforcement.decisions"]) == (0, 9487)


def test_the_unit_from_the_pages_publisher():
    lines = ["索引号 | 014416330/2018-04736 | 分类 | 政府信息公开年报 |",
             "发布机构 | 市政府办 | 发文日期 | 2018-02-28 |",
             "2017年政府信息公开工作年度报告", "一、概述", "无。"]
    r = match(text_lines("\n".join(lines))).report
    assert (r.meta.unit, r.meta.year) == ("市政府办", 2017)


def test_page_breaks_from_pdftotext_and_a_page_number_alone():
    # pdftotext separates pages with a form feed; a bare 「1」 or 「3」 at a page's foot is its
    # number (the page's place in the document), as 「— 2 —」 is anywhere
    lines = ["某局2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（五）项",
             "信息内容 本年处理决定数量", "行政许可 9487", "1", "\f第二十条第（六）项",
             "信息内容 本年处理决定数量",
             "行政处罚 0", "— 2 —", "\f行政强制 12", "三、收到和处理政府信息公开申请情况", "3"]
    r = match(text_lines("\n".join(lines))).report
    assert (r["t2.licensing.decisions"], r["t2.punishment.decisions"],
            r["t2.enforcement.decisions"]) == (9487, 0, 12)
    assert not [f for f in r.findings if f.rule == "import.ambiguous"]


# -- 5. blank cells ------------------------------------------------------------------------------------
def test_blank_cells_between_bars_and_tabs_are_blanks():
    lines = ["某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
             "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
             "一、本年新收政府信息公开申请数量 | 23 | 0 | 0 | | | 0 | 23 |",
             "二、上年结转政府信息公开申请数量\t1\t\t\t\t\t\t1"]
    r = match(text_lines("\n".join(lines))).report
    assert [r[f"t3.new.{c}"] for c in T3_COLS] == [23, 0, 0, None, None, 0, 23]
    assert [r[f"t3.carried.{c}"] for c in T3_COLS] == [1, None, None, None, None, None, 1]


def test_fewer_numbers_than_cells_are_placed_by_the_column_rules():
    # 「23 0 0 0 23」 (two cells printed blank) can be placed seven ways in its row alone; the
    # column rules (表三's （七）总计 and the balance) leave one placement
    r = match(text_lines(ABOVE.replace("一、本年新收政府信息公开申请数量 12 1 0 0 0 0 13",
                                       "一、本年新收政府信息公开申请数量 12 1 0 0 13"))).report
    assert [r[f"t3.new.{c}"] for c in ("natural", "business", "total")] == [12, 1, 13]


# -- 6. unit and year ----------------------------------------------------------------------------------
@pytest.mark.parametrize("head,unit,year", [
    (["2019年上海市人民政府办公厅政府信息公开工作年度报告"], "上海市人民政府办公厅", 2019),
    (["五常市民意乡", "2021年政府信息公开工作年度报告", "2021年政府信息公开工作年度报告"],
     "五常市民意乡", 2021),
    (["2022年上海市政府信息公开工作年度报告", "字号:"], "上海市", 2022),
    (["正文", "2021年政府信息公开工作年度报告"], "", 2021),
    (["#某某县人民政府", "2021年政府信息公开工作年度报告"], "", 2021),
    ([" 区政务办 2021 年度政务公开工作总结"], "区政务办", 2021),
    (["二〇二一年度某县司法局政府信息公开工作年度报告"], "某县司法局", 2021),
])
def test_the_unit_and_year_from_the_title(head, unit, year):
    r = match(head + ["一、总体情况", "本年度工作平稳。"]).report
    assert (r.meta.unit, r.meta.year) == (unit, year)


def test_the_unit_from_the_signature_when_the_title_names_none():
    lines = ["正文", "2021年政府信息公开工作年度报告", "一、总体情况", "本年度工作平稳。",
             "六、其他需要报告的事项", "无。", "", "某县人民政府办公室", "2022年1月18日"]
    r = match(lines).report
    assert (r.meta.unit, r.meta.year) == ("某县人民政府办公室", 2021)
    assert r.texts["s6.other"] == "无。"


def test_a_year_only_in_the_text_is_a_notice():
    r = match(["某局政府信息公开工作年度报告", "一、总体情况", "2021年，我局扎实推进政务公开。"]).report
    assert r.meta.year == 2021 and [f.rule for f in r.findings if f.severity == "notice"] == [
        "import.year_inferred"]


# -- 7. texts ------------------------------------------------------------------------------------------
def test_parts_found_by_their_subject_whatever_the_numbering():
    lines = ["某局2021年政府信息公开工作年度报告", "一、总体情况",
             "2021年，我局认真贯彻落实《条例》。",
             "（一）加强组织领导",  # the office's own heading first: the parts' numbers shift by one
             "调整了领导小组。",
             "（二）主动公开情况", "全年主动公开信息82条。",
             "（三）依申请公开情况", "全年未收到申请。",
             "（四）政府信息管理", "严格发布审查。",
             "（五）政府信息公开平台建设", "及时更新网站。",
             "（六）监督保障", "纳入考核。",
             "二、主动公开政府信息情况"]
    r = match(lines).report
    assert r.texts["s1.overview"] == (
        "2021年，我局认真贯彻落实《条例》。\n（一）加强组织领导\n调整了领导小组。")
    assert (r.texts["s1.active"], r.texts["s1.request"]) == ("全年主动公开信息82条。", "全年未收到申请。")
    assert (r.texts["s1.management"], r.texts["s1.platform"], r.texts["s1.oversight"]) == (
        "严格发布审查。", "及时更新网站。", "纳入考核。")
    assert r.texts["s1.platform.heading"] == "（四）政府信息公开平台建设"


def test_an_enumeration_inside_a_paragraph_is_no_heading():
    # 「二是强化平台建设」 in the middle of a paragraph names a topic, it does not start a part
    lines = ["某局2021年政府信息公开工作年度报告", "一、总体情况",
             "现将总体情况汇报如下：一是持续推动标准化工作。二是强化平台建设，推动网站改版。",
             "二是强化平台建设，推动网站升级改版。", "二、主动公开政府信息情况"]
    r = match(lines).report
    assert r.texts["s1.overview"].endswith("二是强化平台建设，推动网站升级改版。")
    assert r.texts["s1.platform"] == ""


def test_pdf_line_breaks_inside_words_are_joined():
    # a PDF breaks every line at the page's width; a paragraph ends with its sentence
    lines = ["某局2021年政府信息公开工作年度报告", "一、总体情况",
             "2021 年，我局坚持以习近平新时代中国特", "色社会主义思想为指导，认真贯彻落实《中华人",
             "民共和国政府信息公开条例》，全面推进政务公", "开工作，政府透明度进一步提升，各项工作取得",
             "了新的成效。", "（一）主动公开情况", "全年在门户网站主动公开各类政府信息 812 条，",
             "其中政策解读 16 条，回应关切 5 次，发布新闻", "稿 93 篇，持续提升信息发布的及时性和准确性。",
             "二、主动公开政府信息情况"]
    r = match(lines).report
    # … and the spaces the PDF's text puts between digits and Chinese are gone
    assert r.texts["s1.overview"] == (
        "2021年，我局坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息"
        "公开条例》，全面推进政务公开工作，政府透明度进一步提升，各项工作取得了新的成效。")
    assert r.texts["s1.active"] == ("全年在门户网站主动公开各类政府信息812条，其中政策解读16条，"
                                    "回应关切5次，发布新闻稿93篇，持续提升信息发布的及时性和准确性。")


@pytest.mark.parametrize("sentence,want", [
    ("如对本报告有疑问，请与湖州市南浔区政务办联系"
     "（地址：湖州市南浔区南林中路 660 号，邮编：313009，电话：0572-3010271）。",
     ("湖州市南浔区南林中路660号", "313009", "0572-3010271", "", "")),
    ("如对本报告有疑问,请与安庆市招商中心办公室联系(地址:安庆市振风大道100号东部新城综合写字楼2楼,电话:0556-5541900,邮编:246001)。",
     ("安庆市振风大道100号东部新城综合写字楼2楼", "246001", "0556-5541900", "", "")),
    ("(地址:泰州市海陵区凤凰东路58号;邮编:225300;电话:0523-86839755;传真:0523-86839056;电子邮箱:zfbdzzwc@163.com)",
     ("泰州市海陵区凤凰东路58号", "225300", "0523-86839755", "zfbdzzwc@163.com", "")),
    ("本年度报告电子版可从上海市人民政府网站(www.shanghai.gov.cn)下载。",
     ("", "", "", "", "www.shanghai.gov.cn")),
])
def test_the_preambles_contact_items_go_to_the_basic_information(sentence, want):
    r = match(["某局2021年政府信息公开工作年度报告", sentence, "一、总体情况", "无。"]).report
    assert (r.meta.address, r.meta.postcode, r.meta.phone, r.meta.email, r.meta.website) == want


def test_sections_under_an_offices_own_wording_or_number():
    # an office that words 五 its own way, and one that inserted a section of its own (so 五 is
    # printed 六 and 六 is printed 七)
    body = ["某局2021年政府信息公开工作年度报告", "一、总体情况", "本年度工作平稳。"]
    for five, six in (("五、存在的主要问题及整改措施", "六、其他需要报告的事项"),
                      ("六、存在的主要问题及改进情况", "七、其他需要报告的事项")):
        r = match(body + [five, "一是公开内容不够丰富。", six, "本年度未收取信息处理费。"]).report
        assert r.texts["s5.problems"] == "一是公开内容不够丰富。", five
        assert r.texts["s6.other"] == "本年度未收取信息处理费。", six
    # a sentence that names a section's subject is no heading
    r = match(body + ["我局在以下五个方面存在的主要问题及改进情况如下。", "五、存在的主要问题及改进情况",
                      "无。"]).report
    assert r.texts["s1.overview"].endswith("存在的主要问题及改进情况如下。")
    assert r.texts["s5.problems"] == "无。"
