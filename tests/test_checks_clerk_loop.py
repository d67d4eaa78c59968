"""Issue 28 items 1–9: the clerk's loop — no false alarm on ordinary report language, every
message pointing at the cell to change.

Each item's sentence (quoted in the issue, from real published reports) is put into a real
report (the district office's 2021 report, tests/data/samples) where a clerk writes it, with
table figures that agree with it: nothing may be raised.  Beside it, the real defect of the same
kind must still be found, at the right cell.  Every word list the items add has a test of what it
must not catch.
"""
from __future__ import annotations

import re
from pathlib import Path

from nianbao import check
from nianbao.checks.narrative import heading_parts, headings, stated_sums
from nianbao.messages import MESSAGES
from nianbao.report import MISSING, Report
from test_checks_narrative import COMPARING, DISTRICT, S1, S5, S6, sample_report, sections

T2, T3, INFO = "二、主动公开", "三、依申请公开", "基本信息"


def district(**texts: str) -> Report:
    r = sample_report("district-office-2021.txt", DISTRICT)
    r.texts.update({k.replace("_", ".", 1): v for k, v in texts.items()})
    return r


def t3(r: Report, new: int, done: int, forward: int, carried: int = 0) -> Report:
    """Table 3 of ``r`` with all applications from natural persons, granted."""
    for row, v in (("new", new), ("carried", carried), ("granted", done), ("total", done),
                   ("carry_forward", forward)):
        r[f"t3.{row}.natural"] = r[f"t3.{row}.total"] = v
    return r


def rules(res, *codes):
    return [(f.rule, f.sheet, f.cell) for f in res if f.rule in codes]


# -- 1. 「含…N件」 states a part, not the total ----------------------------------------------------
NOTE_1 = "注：现行有效件数含经评估后延期继续有效的规范性文件1件。"


def test_1_a_part_of_the_documents_in_force_is_not_their_number():
    r = district(s2_note=NOTE_1)
    r["t2.normative.in_force"] = 12
    assert not check(r).by_rule("text.table2")


def test_1_the_number_in_force_itself_is_still_compared():
    r = district(s2_note="注：现行有效规范性文件15件，含经评估后延期继续有效的1件。")
    r["t2.normative.in_force"] = 12
    (f,) = check(r).by_rule("text.table2")
    assert (f.sheet, f.cell, f.expected, f.actual) == (T2, "B21", 12, 15)
    assert f"{T2}!D6" in f.cells


def test_1_what_the_inclusion_words_must_not_catch():
    # 「不含」 excludes: the figure after it is the number in force, still compared
    r = district(s1_active="现行有效规范性文件不含已到期文件共15件。")
    r["t2.normative.in_force"] = 12
    (f,) = check(r).by_rule("text.table2")
    assert (f.expected, f.actual) == (12, 15)
    # 含 before the measure says nothing about the figure after it
    r.texts["s1.active"] = "含修订在内，本年制发规范性文件3件。"
    (g,) = check(r).by_rule("text.table2")
    assert (g.expected, g.actual) == (1, 3)


# -- 2. a 其中 after a full stop ---------------------------------------------------------------------
REQUEST_2 = ("本年度共收到政府信息公开申请26件，办结21件，结转下年度继续办理5件。"
             "其中区政府办代表区政府受理政府信息公开申请21件，区政府办受理5件。")


def test_2_a_new_sentence_after_several_figures_does_not_attach_to_the_last():
    r = t3(district(s1_overview="本年度政府信息公开工作平稳有序。", s1_request=REQUEST_2),
           new=26, done=21, forward=5)
    res = check(r)
    assert not res.by_rule("text.parts", "text.parts_short")
    # nor is 「其中…受理…21件」, a part, the number received
    assert not [f.message for f in res if f.rule in COMPARING]


def test_2_a_part_is_no_number_received_but_the_totals_around_it_are_compared():
    r = t3(district(s1_overview="本年度政府信息公开工作平稳有序。",
                    s1_request="本年度共收到政府信息公开申请26件，其中受理网上申请20件，办结21件。"),
           new=26, done=20, forward=6)
    (f,) = check(r).by_rule("text.received", "text.done")
    assert (f.rule, f.expected, f.actual) == ("text.done", 20, 21)


def test_2_after_a_sentence_of_one_figure_it_still_does():
    r = t3(district(s1_request="本年度共收到政府信息公开申请10件。其中自然人申请11件。"),
           new=10, done=10, forward=0)
    (f,) = check(r).by_rule("text.parts")
    assert (f.sheet, f.cell, f.expected, f.actual) == (S1, "B5", 10, 11)


def test_2_the_message_names_the_parts_and_the_total_in_the_texts_words():
    r = sample_report("nanxun-zwb-2021.txt", {})
    r.texts["s1.overview"] = r.texts["s1.overview"].replace("2842 条", "2841 条")
    (f,) = check(r).by_rule("text.parts")
    assert "「通过政府网站公开政府信息 73 条」「微信公众号公开 251 条」" in f.message
    assert "主动公开政府信息的数量：2841 条」" in f.message and "所述总数 2841 条" in f.message
    assert "73 + 251 + 2518 = 2842 条" in f.message
    # one part: no 「21 = 21」
    r.texts["s1.overview"] = "全年主动公开信息84条，其中，通过采购网公开85条。"
    (g,) = check(r).by_rule("text.parts")
    assert "「全年主动公开信息84条」" in g.message and "「通过采购网公开85条」合计 85 条" in g.message
    assert " = " not in g.message
    (s,) = stated_sums("全年主动公开信息84条，其中，通过采购网公开85条。")
    assert (s.total_quote, s.part_quotes) == ("全年主动公开信息84条", ("通过采购网公开85条",))


# -- 3. 五: quote only what is there; a year is no concrete problem -------------------------------------
SPECIFIC_3 = "一是个别部门对复杂申请件的研判能力不足，答复文书规范性有待提升；二是政策解读形式还不够丰富。"
GENERIC_3 = ("2022年，我局政府信息公开工作取得一定成效，但与上级要求和群众期待相比仍存在一定差距，"
             "公开内容的全面性有待提高，公开形式有待提升，解读回应工作有待加强。")


def quoted(message: str) -> list[str]:
    return re.findall(r"「([^「」]+)」", message)


def test_3_a_specific_problem_is_no_boilerplate():
    assert not check(district(s5_problems=SPECIFIC_3)).by_rule("text.problems_generic")


def test_3_boilerplate_opening_with_a_year_is_found_and_quoted_as_written():
    (f,) = check(district(s5_problems=GENERIC_3)).by_rule("text.problems_generic")
    assert (f.severity, f.sheet, f.cell) == ("notice", S5, "B3")
    phrases = quoted(f.message.split("只有", 1)[1])
    assert phrases == ["仍存在一定差距", "有待提高", "有待提升", "有待加强"]
    assert all(p in GENERIC_3 for p in phrases)


def test_3_the_fenghua_boilerplate_is_quoted_from_its_own_text():
    r = sample_report("fenghua-zwb-2021.txt", {})
    (f,) = check(r).by_rule("text.problems_generic")
    phrases = quoted(f.message.split("只有", 1)[1])
    assert phrases and all(p in r.texts["s5.problems"] for p in phrases)
    assert "还存在一定差距" in phrases and "有待进一步加强" not in phrases


def test_3_what_the_concrete_words_must_not_catch():
    def generic(text: str) -> bool:
        return bool(check(district(s5_problems=text)).by_rule("text.problems_generic"))
    # 「不足」 of something is a problem; 「存在一些不足」「不足之处」 are not
    assert not generic("信息公开工作人员力量不足，业务经验欠丰富。")
    for text in ("与上级要求相比还存在一些不足，公开工作有待进一步加强。",
                 "对照群众期待，我局工作仍有不足之处，有待进一步改进。",
                 "存在的问题和不足主要是公开工作还需进一步加强。"):
        assert generic(text), text
    # a count names a problem, a year or a date does not
    assert not generic("全年有2个栏目长期未更新。")
    assert generic("2022年12月31日前，政务公开工作有待进一步提高。")
    # 「不够」 with what is lacking is concrete, 「还不够」 alone is not
    assert not generic("政策解读形式还不够丰富。")
    assert generic("我局对政务公开工作的重视程度还不够。")


def test_3_a_text_without_stock_phrases_is_not_told_it_has_them():
    (f,) = check(district(s5_problems="我局将继续认真做好政府信息公开工作，全力打造透明政府。")
                 ).by_rule("text.problems_generic")
    assert "套话" not in f.message and "没有写出具体问题" in f.message


# -- 4. 全部 before a noun is no 全部办结 ---------------------------------------------------------------
def test_4_reviewing_all_reply_documents_is_not_a_claim_that_all_were_done():
    r = t3(district(s1_overview="本年度政府信息公开工作平稳有序。",
                    s1_request="为提高依申请公开答复质量，对2022年办理的全部答复文书逐件复核。"),
           new=10, done=9, forward=1)
    assert not check(r).by_rule("text.all_done")


def test_4_the_claim_itself_is_still_found_in_its_usual_forms():
    for claim in ("本年度收到的政府信息公开申请已全部办结。", "政府信息公开申请均已按时答复。",
                  "政府信息公开申请均已依法答复完毕。", "政府信息公开申请全部办结并答复申请人。",
                  # the review's misses: a time limit between the words, the subject before 已
                  "全部申请均在法定期限内办结。", "全部政府信息公开申请已办理完毕。",
                  "收到的申请均在规定时限内答复。"):
        r = t3(district(s1_overview="本年度政府信息公开工作平稳有序。", s1_request=claim),
               new=10, done=9, forward=1)
        (f,) = check(r).by_rule("text.all_done")
        assert (f.sheet, f.cell, f.expected) == (S1, "B5", 1), claim
    for noun in ("全部答复意见书", "全部办理结果", "全部答复文书"):
        r = t3(district(s1_overview="本年度政府信息公开工作平稳有序。",
                        s1_request=f"对政府信息公开申请的{noun}进行了归档。"),
               new=10, done=9, forward=1)
        assert not check(r).by_rule("text.all_done"), noun


# -- 5. the 信息处理费 in other words, and wherever the report says it ---------------------------------
FEE_5 = ("政府信息公开未发生收费情况。", "本年度无收取信息处理费情况。", "未发生政府信息公开收费事项。")


def test_5_fee_statements_in_other_words():
    for sentence in FEE_5 + ("依申请公开未向申请人收取任何费用。", "本年度无收费情况。"):
        assert not check(district(s6_other=sentence)).by_rule("text.fee_missing"), sentence


def test_5_the_statement_counts_where_offices_write_it():
    for key in ("s1_request", "s3_note"):
        for sentence in FEE_5:
            res = check(district(**{key: sentence}))
            assert not res.by_rule("text.fee_missing"), (key, sentence)


def test_5_what_the_fee_words_must_not_catch():
    # table 2's 行政事业性收费, a charge without 政府信息公开 outside 六, table 3's unpaid-fee row:
    # none of them states the 信息处理费
    for key, sentence in (("s2_note", "注：本年度行政事业性收费0万元。"),
                          ("s1_active", "本年度无收费情况。"),
                          ("s1_request", "政府信息公开收费标准按国家规定执行。"),
                          ("s1_request",
                           "因申请人逾期未按收费通知要求缴纳费用，终止处理政府信息公开申请1件。")):
        (f,) = check(district(**{key: sentence})).by_rule("text.fee_missing")
        assert (f.sheet, f.cell) == (S6, "B3"), sentence


def test_5_a_none_claim_in_other_words_is_checked_against_the_cells_where_it_stands():
    r = district(s1_request="本年度政府信息公开未发生收费情况。")
    r["s6.fee_amount"], r["s6.fee_notices"] = 300, 2
    (f,) = check(r).by_rule("text.fee")
    assert (f.sheet, f.cell) == (S1, "B5") and "未发生收费" in f.message
    # 「未按收费通知要求缴纳费用」「未缴纳信息处理费」 are no claims that nothing was charged
    r.texts["s6.other"] = "本年度发出收费通知2件，收取信息处理费300元。"
    for sentence in ("因申请人逾期未按收费通知要求缴纳费用，终止处理政府信息公开申请1件。",
                     "因申请人逾期未缴纳信息处理费，终止处理政府信息公开申请1件。"):
        r.texts["s1.request"] = sentence
        assert not check(r).by_rule("text.fee"), sentence


# -- 6. parts found under other headings -------------------------------------------------------------
FIVE = sections("district-office-2021.txt")["五"]


def test_6_a_five_with_its_own_problems_and_improvements():
    text = ("（一）主要问题\n" + SPECIFIC_3 + "\n（二）改进情况\n"
            "针对人员力量薄弱的问题，增配兼职信息员2名，组织业务培训3次。")
    res = check(district(s5_problems=text))
    assert not res.by_rule("text.part_empty", "text.problems_empty", "text.problems_thin")


def test_6_a_five_numbered_six_is_pointed_at_not_called_absent():
    r = district(s5_problems="", s6_other="本年度未收取信息处理费。\n六、存在的主要问题及改进情况\n" + FIVE)
    (f,) = check(r).by_rule("text.problems_empty")
    assert (f.sheet, f.cell) == (S5, "B3")
    assert "六、其他需要报告的事项（B3）中有「存在的主要问题及改进情况」" in f.message
    assert not check(r).by_rule("text.part_empty")
    # a 五 titled 「存在的主要问题及整改措施」 that landed in 四's 备注
    r = district(s5_problems="", s4_note="五、存在的主要问题及整改措施\n" + SPECIFIC_3)
    (g,) = check(r).by_rule("text.problems_empty")
    assert "「存在的主要问题及整改措施」" in g.message and "B9" in g.message


def test_6_parts_of_one_under_their_own_headings_elsewhere():
    r = district(s1_overview="本年度政府信息公开工作平稳有序。")
    assert len([f for f in check(r).by_rule("text.part_empty") if f.sheet == S1]) == 3
    r.texts["s6.other"] = ("本年度未收取信息处理费。\n（三）政府信息管理方面\n严格落实信息发布三审制度。\n"
                           "四是平台建设管理情况。升级改版门户网站。\n五）监督保障\n将政务公开纳入年度考核。")
    assert not [f for f in check(r).by_rule("text.part_empty") if f.sheet == S1]
    # two parts under one heading
    r.texts["s6.other"] = ("本年度未收取信息处理费。\n（四）平台建设和监督保障情况\n"
                           "升级改版门户网站，开展年度考核。")
    assert [f.cell for f in check(r).by_rule("text.part_empty") if f.sheet == S1] == ["B6"]


def test_6_what_the_headings_must_not_catch():
    # a section's own title names its improvements part but does not show it written
    r = district(s5_problems="五、存在的主要问题及改进情况\n" + FIVE)
    (f,) = check(r).by_rule("text.part_empty")
    assert (f.sheet, f.cell) == (S5, "B4")
    # a numbered sentence that only mentions a topic is no heading of it
    r = district(s1_overview="本年度政府信息公开工作平稳有序。",
                 s6_other="本年度未收取信息处理费。二是强化平台建设，推动网站升级。")
    assert ("text.part_empty", S1, "B7") in rules(check(r), "text.part_empty")
    assert headings("二是强化平台建设，推动网站升级。") == ["强化平台建设"]
    assert heading_parts("强化平台建设") == ()
    assert heading_parts("存在的主要问题及整改措施") == ("s5.problems", "s5.improvements")
    assert heading_parts("政府信息管理方面") == ("s1.management",)
    assert heading_parts("平台建设和监督保障情况") == ("s1.platform", "s1.oversight")


SAMPLES = Path(__file__).parent / "data" / "samples"


def _import_variant(tmp_path, name: str, *edits: tuple[str, str]) -> Report:
    from nianbao.importing import import_report

    text = (SAMPLES / name).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_report(path).report


def test_6_a_published_one_with_parts_headed_fangmian(tmp_path):
    # fenghua's 一 with its parts headed 「（三）政府信息管理方面」 …: nothing called absent
    r = _import_variant(tmp_path, "fenghua-zwb-2021.txt",
                        *[(f"{n}是{t}情况。", f"（{n}）{t}方面\n") for n, t in
                          (("一", "主动公开"), ("二", "依申请公开"), ("三", "政府信息管理"),
                           ("四", "平台建设"), ("五", "监督保障"))])
    assert not [f for f in check(r).by_rule("text.part_empty") if f.sheet == S1]


def test_6_a_published_five_under_another_title_or_number(tmp_path):
    # the importer finds 五 under a wording or a number of the office's own; the checks then
    # see its text
    for edits in ((("五、存在的主要问题及改进情况", "五、存在的主要问题及整改措施"),),
                  (("五、存在的主要问题及改进情况", "六、存在的主要问题及改进情况"),
                   ("六、其他需要报告的事项", "七、其他需要报告的事项"))):
        res = check(_import_variant(tmp_path, "district-office-2021.txt", *edits))
        assert not [f.message for f in res.by_rule("text.problems_empty")
                    if "未填写：" in f.message], edits


# -- 7. state the fact, leave the scoring out -----------------------------------------------------------
def test_7_the_message_states_what_is_missing_and_no_scoring():
    (f,) = check(district()).by_rule("text.part_empty")
    assert f.message.endswith("未填写，正文其他部分也未写明上年问题改进情况")
    assert not [k for k, v in MESSAGES.items() if "扣分" in v or "评议时" in v]


# -- 8. t3.balance points at the cell another rule flags -------------------------------------------------
def _last_year_and_this(carried_typo: int):
    """Last year's district report (nothing carried forward) and this year's, whose 上年结转
    自然人 (D7) and 总计 (J7) say ``carried_typo`` though last year's D30/J30 are 0."""
    prev = district()
    prev.meta.year = 2021
    prev["t2.normative.in_force"] = 15  # + 1 issued = this year's 16
    r = district()
    r.meta.year = 2022
    for c in ("natural", "total"):
        r[f"t3.carried.{c}"] = carried_typo
    return prev, r


def test_8_the_balance_names_the_carried_cell_the_carry_rule_flags():
    prev, r = _last_year_and_this(2)
    res = check(r, previous=prev)
    carry = {f.cell: f for f in res.by_rule("t3.carry")}
    balance = {f.cell: f for f in res.by_rule("t3.balance")}
    assert set(carry) == {"D7", "J7"} and set(balance) == {"D6:D30", "J6:J30"}
    assert balance["D6:D30"].hints == (f"{T3}!D7",) and balance["J6:J30"].hints == (f"{T3}!J7",)
    assert "请优先核对 D7" in balance["D6:D30"].message and "上年结转校验" in balance["D6:D30"].message
    assert "D30" not in balance["D6:D30"].message.split("；")[-1]  # not 结转下年度
    assert carry["D7"].hints == (f"{T3}!D7",)


def test_8_last_years_cells_are_never_hints():
    # last year's 结转下年度 (D30 in its own workbook) is given, not a cell to change here
    prev, r = _last_year_and_this(2)
    hinted = {h for f in check(r, previous=prev) for h in f.hints}
    assert hinted == {f"{T3}!D7", f"{T3}!J7"}


# -- 9. a renamed office -----------------------------------------------------------------------------
def _renamed(prev_unit: str = "某区人民政府办公室"):
    prev, r = _last_year_and_this(0)  # figures that follow on
    prev.meta.unit = prev_unit
    r.meta.unit = "某区政务服务和数据管理局"
    return prev, r


def test_9_a_renamed_office_whose_figures_follow_on_is_a_warning():
    prev, r = _renamed()
    res = check(r, previous=prev)
    (f,) = res.by_rule("prev.unit")
    assert (f.severity, f.sheet, f.cell) == ("warning", INFO, "B3")
    assert "某区人民政府办公室" in f.message and "某区政务服务和数据管理局" in f.message
    assert "上年结转校验" in f.message and res.errors == 0


def test_9_another_offices_report_stays_an_error():
    prev, r = _renamed()
    prev["t3.carry_forward.natural"] = prev["t3.carry_forward.total"] = 4
    prev["t3.total.natural"] = prev["t3.total.total"] = 5  # still balanced: 9 = 5 + 4
    prev["t3.granted.natural"] = prev["t3.granted.total"] = 5
    (f,) = check(r, previous=prev).by_rule("prev.unit")
    assert f.severity == "error" and "上年结转校验" in f.message and "不符" in f.message
    # nothing to compare (last year's table 3 not in the source): an error, as before
    prev2, r2 = _renamed()
    for fid in list(prev2.values):
        if fid.startswith(("t2.", "t3.")):
            prev2.values[fid] = MISSING
    (g,) = check(r2, previous=prev2).by_rule("prev.unit")
    assert g.severity == "error" and g.message.endswith("两者应一致")


# -- 8 and 9 as a clerk meets them: last year's workbook, this year's started from it ----------------
def _this_year(tmp_path, **cells):
    """This year's workbook started from the bundled sample (a real office's 2021 report, its
    figures entered again as 2022's, 现行有效 carried on), with ``cells`` (field id → value)."""
    import openpyxl

    from nianbao.places import place
    from nianbao.reader import read_report
    from nianbao.samples import sample_path
    from nianbao import start_from_last_year

    last = read_report(sample_path())
    out = start_from_last_year(sample_path(), tmp_path / "2022年报.xlsx", free=True).path
    values = {fid: v for fid, v in last.values.items() if fid.startswith(("t2.", "t3.", "t4."))}
    values["t2.normative.in_force"] = (last.number("t2.normative.in_force")
                                       + last.number("t2.normative.issued"))
    values["s6.fee_notices"] = values["s6.fee_amount"] = 0
    values.update(cells)
    wb = openpyxl.load_workbook(out)
    for fid, v in values.items():
        p = place("2021", fid)
        wb[p.sheet][p.cell] = v
    for fid, text in last.texts.items():
        p = place("2021", fid)
        wb[p.sheet][p.cell] = text
    wb.save(out)
    return out


def test_8_in_a_workbook_started_from_last_year(tmp_path):
    path = _this_year(tmp_path, **{"t3.carried.natural": 2, "t3.carried.total": 2})
    res = check(path)
    (carry,) = [f for f in res.by_rule("t3.carry") if f.cell == "D7"]
    assert "（D7）应为 0（2021年报告" in carry.message and "实为 2" in carry.message
    (balance,) = [f for f in res.by_rule("t3.balance") if f.cell == "D6:D30"]
    assert balance.hints == (f"{T3}!D7",) and "请优先核对 D7" in balance.message


def test_9_a_renamed_office_dismisses_the_warning_and_publishes(tmp_path):
    import subprocess
    import sys

    from nianbao import dismiss
    from nianbao.errors import NianbaoError

    path = _this_year(tmp_path, **{"meta.unit": "某区政务服务和数据管理局"})
    res = check(path)
    assert res.errors == 0, [f.message for f in res if f.severity == "error"]
    (f,) = res.by_rule("prev.unit")
    assert f.severity == "warning"
    reviewed = tmp_path / "已复核.xlsx"
    dismiss(path, f.id, "2022年机构改革，原某区人民政府办公室更名", reviewed)
    again = check(reviewed)
    assert not again.by_rule("prev.unit") and [g.rule for g, _ in again.dismissed] == ["prev.unit"]
    exe = str(Path(sys.executable).with_name("nianbao"))
    p = subprocess.run([exe, "report", str(reviewed), "-o", str(tmp_path / "年报.docx")],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "年报.docx").exists()

    # another office's figures as this office's 上年结转: an error, which cannot be dismissed
    other = _this_year(tmp_path, **{"meta.unit": "某区政务服务和数据管理局",
                                    "t3.carried.natural": 3, "t3.carried.total": 3,
                                    "t3.new.natural": 6, "t3.new.total": 6})
    (g,) = check(other).by_rule("prev.unit")
    assert g.severity == "error"
    try:
        dismiss(other, g.id, "机构改革", tmp_path / "x.xlsx")
    except NianbaoError as e:
        assert "不能标为已复核" in str(e)
    else:
        raise AssertionError("an error was dismissed")


# -- the 2019 format's 其他对外管理服务事项 has a row of its own in table 2 -------------------------
def _report_2019():
    from helpers import consistent_report

    r = consistent_report("2019", 3)
    r.meta.unit, r.meta.year = "某县人民政府办公室", 2020
    r["t2.licensing.decisions"], r["t2.other_services.decisions"] = 20, 10
    return r


def test_2019_other_services_decisions_are_their_own_figure():
    r = _report_2019()
    r.texts["s1.active"] = "全年作出行政许可处理决定20件、其他对外管理服务事项处理决定10件。"
    assert not check(r).by_rule("text.table2")
    # nianbao's own 2019 paragraph, which writes the two side by side, is silent too
    from nianbao.narrative import render_narratives

    r.texts["s1.active"] = "\n".join(render_narratives(r)["s1.active"])
    assert "其他对外管理服务事项" in r.texts["s1.active"]
    assert not check(r).by_rule("text.table2")


def test_2019_a_wrong_figure_is_still_found_at_its_own_row():
    r = _report_2019()
    r.texts["s1.active"] = "全年作出行政许可处理决定20件、其他对外管理服务事项处理决定12件。"
    (f,) = check(r).by_rule("text.table2")
    assert (f.expected, f.actual) == (10, 12) and "其他对外管理服务事项" in f.message
    r.texts["s1.active"] = "全年作出行政许可处理决定25件、其他对外管理服务事项处理决定10件。"
    (g,) = check(r).by_rule("text.table2")
    assert (g.expected, g.actual) == (20, 25) and "「行政许可」行" in g.message
