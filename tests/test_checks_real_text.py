"""Issue 17: the checks on sentences as real reports write them.  Each test names the item of
the issue it covers; false-warning cases must stay silent, missed defects must be found at the
right cell.  The sentences are our own wording of what the published reports say."""
from __future__ import annotations

from nianbao import check
from nianbao.checks.narrative import fullwidth_punctuation, stated_sums, statements
from nianbao.report import Report
from test_checks_narrative import DISTRICT, S1, S5, S6, sample_report

T2, T3, T4 = "二、主动公开", "三、依申请公开", "四、复议诉讼"


def district(**texts: str) -> Report:
    r = sample_report("district-office-2021.txt", DISTRICT)
    r.texts.update({k.replace("_", ".", 1): v for k, v in texts.items()})
    return r


def rules(res, *codes):
    return [(f.rule, f.sheet, f.cell) for f in res if f.rule in codes]


# -- 1. a fee amount ending in 0 is no 「0元」 --------------------------------------------------
def test_1_a_fee_of_450_yuan_is_not_read_as_none():
    r = district(s6_other="本年度依申请收取信息处理费450元，发出收费通知3件。")
    r["s6.fee_amount"], r["s6.fee_notices"] = 450, 3
    assert not [f for f in check(r) if f.rule.startswith(("text.fee", "fee."))]
    r.texts["s6.other"] = "本年度共收取信息处理费1200元。"
    r["s6.fee_amount"] = 1200
    assert not check(r).by_rule("text.fee")
    # an amount that really is nothing is still read as nothing
    r.texts["s6.other"] = "本年度信息处理费为0元。"
    found = check(r).by_rule("text.fee")
    assert any("「处理费为0元」" in f.message and "1200" in f.message for f in found)


# -- 2. numerals in names and quotations are no counts -----------------------------------------
def test_2_names_in_quotation_marks_are_not_counts():
    r = district(s1_request="我办收到政府信息公开申请后，落实“两个全覆盖”工作机制，推行“五公开”，共办结9件。")
    assert not check(r).by_rule("text.received", "text.done", "text.parts", "text.parts_short")
    assert [s.value for s in statements(r.texts["s1.request"], about_requests=True)] == [9]
    assert stated_sums("共发布信息9条，其中落实“两个全覆盖”相关信息9条。") == []


def test_2_quotes_in_messages_are_whole_clauses():
    r = district(s1_request="依申请公开方面，全年共收到政府信息公开申请12件，均已按期答复。")
    (f,) = check(r).by_rule("text.received")
    assert "「全年共收到政府信息公开申请12件」" in f.message


# -- 3. negated outcomes say nothing about the number of cases -------------------------------------
def test_3_no_correction_is_not_no_cases():
    r = district(s6_other="本年度未收取信息处理费。全年未发生因政府信息公开被行政复议纠错或行政诉讼败诉的情形。")
    r["t4.review.corrected"], r["t4.review.upheld"] = 0, 1  # one review, upheld
    assert not check(r).by_rule("text.cases", "text.none_received")
    r.texts["s6.other"] = "本年度未收取信息处理费。我办没有被复议机关纠错的情况。"
    assert not check(r).by_rule("text.cases")
    # with 申请 in it, it is still no 「未收到申请」
    r.texts["s6.other"] = "本年度未收取信息处理费。未发生因政府信息公开申请被行政复议纠错的情形。"
    assert not check(r).by_rule("text.cases", "text.none_received")


def test_3_a_denied_correction_is_checked_against_the_corrected_cells():
    # the district report's table 4 has one review whose result was corrected
    r = district(s6_other="本年度未收取信息处理费。全年没有被复议机关纠错的情况。")
    (f,) = check(r).by_rule("text.cases")
    assert (f.sheet, f.cell, f.expected, f.actual) == (S6, "B3", 1, 0)
    assert "结果纠正" in f.message


# -- 4. figures about other things are not compared with table 3 -----------------------------------
def test_4_licensing_figures_are_not_information_requests():
    r = district(s1_overview="本年度受理行政许可申请2310件，办结2310件，办结率100%。",
                 s1_request="共收到政府信息公开申请9件，均已办结。")
    assert not check(r).by_rule("text.received", "text.done")


def test_4_a_count_without_subject_counts_only_in_the_request_part():
    r = district(s1_platform="政务服务中心全年办结1200件。")
    assert not check(r).by_rule("text.done")
    r = district(s1_request="全年办结12件。")
    (f,) = check(r).by_rule("text.done")
    assert (f.sheet, f.cell, f.expected, f.actual) == (S1, "B5", 9, 12)


# -- 5. a 其中 list need not be exhaustive ---------------------------------------------------------
def test_5_parts_short_of_the_whole_are_a_notice_over_it_a_warning():
    r = district(s1_active="全年共发布信息1000条，其中政策文件600条、工作动态300条。")
    res = check(r)
    assert not res.by_rule("text.parts")
    (f,) = res.by_rule("text.parts_short")
    assert (f.severity, f.sheet, f.cell) == ("notice", S1, "B4")
    r.texts["s1.active"] = "全年共发布信息1000条，其中政策文件600条、工作动态500条。"
    (g,) = check(r).by_rule("text.parts")
    assert (g.severity, g.expected, g.actual) == ("warning", 1000, 1100)


# -- 6. bracketed 其中 lists --------------------------------------------------------------------
def test_6_bracketed_parts_are_checked():
    r = district(s1_active="主动公开政府信息2400条（其中政策文件800条、工作动态1700条），较上年有所增加。")
    (f,) = check(r).by_rule("text.parts")
    assert (f.cell, f.expected, f.actual) == ("B4", 2400, 2500)
    r.texts["s1.active"] = "主动公开政府信息2400条，(其中政策文件800条、工作动态1600条)，另有转载1000条。"
    assert not check(r).by_rule("text.parts", "text.parts_short")


# -- 7. prose against table 2 -------------------------------------------------------------------
def test_7_normative_documents_in_force():
    r = district(s1_active="本年制发行政规范性文件1件，现行有效规范性文件16件。")
    assert not check(r).by_rule("text.table2")
    r.texts["s1.active"] = "本年制发行政规范性文件1件，现行有效规范性文件215件。"
    (f,) = check(r).by_rule("text.table2")
    assert (f.sheet, f.cell, f.expected, f.actual) == (S1, "B4", 16, 215)
    assert f"{T2}!D6" in f.cells


def test_7_issued_repealed_and_decisions():
    r = district(s1_active="本年度印发规范性文件3件，废止2件；作出行政处罚决定12件。")
    got = {(f.expected, f.actual) for f in check(r).by_rule("text.table2")}
    assert got == {(1, 3), (0, 2), (0, 12)}
    # 受理行政许可申请 is no 处理决定; 规章制度 are no 规章
    r.texts["s1.active"] = "受理行政许可申请2310件，办结2310件；修订内部规章制度5项。"
    assert not check(r).by_rule("text.table2")


# -- 8. a table left wholly blank ------------------------------------------------------------------
def blank_t3(r: Report) -> Report:
    for fid in r.values:
        if fid.startswith("t3."):
            r.values[fid] = None
    return r


def test_8_a_blank_table_is_one_warning_not_175_notices():
    r = blank_t3(district(s1_overview="依申请公开工作平稳有序。", s1_request="依法依规办理。"))
    res = check(r)
    (f,) = res.by_rule("table.blank")
    assert (f.severity, f.sheet, f.cell) == ("warning", T3, "D6:J30")
    assert "表三" in f.message and "未填写" in f.message
    assert not [g for g in res if g.rule in ("read.blank", "value.blank") and g.sheet == T3]


def test_8_a_blank_table_the_text_gives_figures_for_is_an_error_and_not_compared():
    r = blank_t3(district())  # the district text says 共收到信息公开申请9件
    res = check(r)
    (f,) = res.by_rule("table.blank")
    assert f.severity == "error" and res.exit_code == 1
    assert not res.by_rule("text.received", "text.done", "text.all_done", "text.none_received")


def test_8_a_blank_cell_is_quoted_as_not_filled_never_as_0():
    r = district(s1_request="共收到政府信息公开申请9件，结转下年度继续办理2件。")
    r["t3.carry_forward.natural"] = None
    r["t3.carry_forward.total"] = None
    (f,) = check(r).by_rule("text.forward")
    assert "未填写" in f.message and "为 0" not in f.message


# -- 9. fee cells against each other and table 3 -------------------------------------------------
def test_9_money_collected_without_a_notice():
    r = district(s6_other="本年度收取信息处理费300元。")
    r["s6.fee_amount"] = 300
    (f,) = check(r).by_rule("fee.no_notice")
    assert (f.severity, f.sheet, f.cell) == ("warning", S6, "B4")
    assert "未填写" in f.message
    r["s6.fee_notices"] = 0
    (f,) = check(r).by_rule("fee.no_notice")
    assert "为 0" in f.message
    r["s6.fee_notices"] = 2
    assert not check(r).by_rule("fee.no_notice", "fee.unpaid")


def test_9_dropped_for_unpaid_fees_without_a_notice():
    r = district(s6_other="本年度未收取信息处理费。")
    r["s6.fee_notices"], r["s6.fee_amount"] = 0, 0
    r["t3.other_2.natural"] = r["t3.other_2.total"] = 1
    r["t3.granted.natural"] = r["t3.granted.total"] = 8
    (f,) = check(r).by_rule("fee.unpaid")
    assert (f.severity, f.cell, f.expected) == ("warning", "B4", 1)
    assert f"{T3}!J27" in f.cells


# -- 10. missing content -----------------------------------------------------------------------
def test_10_empty_parts_of_section_one_and_five():
    r = district(s1_management="", s1_oversight="")
    r.texts["s1.overview"] = "本年度政府信息公开工作平稳有序。"
    res = check(r)
    cells = sorted(f.cell for f in res.by_rule("text.part_empty") if f.sheet == S1)
    assert cells == ["B6", "B7", "B8"]
    r.texts["s1.management"] = "严格落实信息发布保密审查制度。"
    r.texts["s1.platform"] = "加强政府网站和政务新媒体建设。"
    r.texts["s1.oversight"] = "将政务公开纳入年度绩效考核。"
    assert not [f for f in check(r).by_rule("text.part_empty") if f.sheet == S1]
    r.texts["s5.improvements"] = "针对上年度报告所列人员不足的问题，已增配专职人员一名。"
    assert not check(r).by_rule("text.part_empty")


def test_10_overview_over_about_a_thousand_characters():
    r = district(s1_overview="本年度持续推进政务公开标准化规范化建设。" * 60)
    (f,) = check(r).by_rule("text.overview_long")
    assert (f.severity, f.sheet, f.cell, f.expected) == ("notice", S1, "B3", 1000)


def test_10_boilerplate_problems():
    r = district(s5_problems="我单位政务公开工作与上级要求相比还存在一定差距，公开工作有待进一步加强和深化。")
    (f,) = check(r).by_rule("text.problems_generic")
    assert (f.severity, f.sheet, f.cell) == ("notice", S5, "B3")
    r.texts["s5.problems"] = "政策解读形式单一，图解、视频解读偏少；部分栏目更新不及时。"
    assert not check(r).by_rule("text.problems_generic")


def test_10_half_width_punctuation_between_chinese():
    r = district(s6_other="本年度未收取信息处理费,也未发出收费通知。")
    (f,) = check(r).by_rule("text.halfwidth") and [g for g in check(r).by_rule("text.halfwidth")
                                                    if g.sheet == S6]
    assert (f.severity, f.cell) == ("notice", "B3")
    assert fullwidth_punctuation("同时,也存在不足:一是") == "同时，也存在不足：一是"
    assert fullwidth_punctuation("网址 http://www.gov.cn, 电话 0572-3010271") == \
        "网址 http://www.gov.cn, 电话 0572-3010271"


# -- 18. 答复N件 / 办理N件 are concluded cases ------------------------------------------------------
def test_18_answered_and_handled_are_concluded():
    for verb in ("答复", "办理"):
        r = district(s1_request=f"共收到政府信息公开申请9件，已依法{verb}9件。")
        assert not check(r).by_rule("text.done"), verb
        r.texts["s1.request"] = f"共收到政府信息公开申请9件，已依法{verb}8件。"
        (f,) = check(r).by_rule("text.done")
        assert (f.cell, f.expected, f.actual) == ("B5", 9, 8), verb


def test_18_handling_other_matters_is_not_compared():
    r = district(s1_platform="目前指导飞地工作人员帮助企业办理42项政务事项。")
    assert not check(r).by_rule("text.done")


# -- 15. one year ↔ format rule; the README's severities are the ones emitted ---------------------
def test_15_the_readme_rule_table_states_each_codes_real_severity():
    import re
    from pathlib import Path

    from nianbao.codes import registry

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## 校验规则"):]
    table = table[:table.index("\n## ", 3)]
    stated: dict[str, set[str]] = {}
    for line in table.splitlines():
        cols = [c.strip() for c in line.split("|")[1:-1]]
        if len(cols) != 3 or not cols[0].startswith("`"):
            continue
        severities = {s.strip() for s in cols[1].split("/")}
        for code in re.findall(r"`([a-z0-9_.*]+)`", cols[0]):
            stated.setdefault(code, set()).update(severities)
    for code, c in registry().items():
        named = stated.get(code) or stated.get(code.split(".")[0] + ".*")
        assert named is not None, code
        assert set(c.severity.split("/")) <= named, (code, c.severity, named)


# -- 14. 「请优先核对」 names a cell only when it alone explains the rules through it ----------------
def _typos(deltas: dict[str, int]):
    from helpers import consistent_report

    r = consistent_report("2021", 3)
    for fid, d in deltas.items():
        r[fid] = r.number(fid) + d
    return check(r)


def test_14_one_typo_is_named_in_its_row_and_column():
    res = _typos({"t3.granted.natural": 2})
    hinted = {h for f in res for h in f.hints}
    assert hinted == {f"{T3}!D8"}


def test_14_two_unrelated_typos_do_not_name_the_cells_where_they_cross():
    # 予以公开·自然人 (D8) +2 and 不予公开1·商业企业 (E10) +3 break four rules; the rows and
    # columns cross at D10 and E8, which hold no typo and must not be named
    res = _typos({"t3.granted.natural": 2, "t3.denied_1.business": 3})
    assert len([f for f in res if f.severity == "error"]) == 4
    hinted = {h for f in res for h in f.hints}
    assert hinted == {f"{T3}!D8", f"{T3}!E10"}
    assert not [f for f in res if "D10" in f.message or "E8" in f.message]


def test_14_equal_typos_are_ambiguous_and_name_no_cell():
    # with the same error in both cells, D10 and E8 would explain the four rules as well
    res = _typos({"t3.granted.natural": 2, "t3.denied_1.business": 2})
    assert not [f for f in res if f.hints or "请优先核对" in f.message]


def _cli(*args: str):
    import subprocess
    import sys
    from pathlib import Path

    exe = str(Path(sys.executable).with_name("nianbao"))
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


def test_15_new_refuses_a_format_check_would_reject(tmp_path):
    out = tmp_path / "2022.xlsx"
    p = _cli("new", "--format", "2019", "--year", "2022", "-o", str(out))
    assert p.returncode == 2 and not out.exists()
    assert "2021年版格式" in p.stderr and "--format 2021" in p.stderr and "Traceback" not in p.stderr
    p = _cli("new", "--format", "2021", "--year", "2020", "-o", str(out))
    assert p.returncode == 2 and "2019年版格式（试行）" in p.stderr


def test_15_new_and_check_agree_for_2018(tmp_path):
    out = tmp_path / "2018.xlsx"
    p = _cli("new", "--year", "2018", "--unit", "某区", "-o", str(out))
    assert p.returncode == 0, p.stderr
    res = check(out)
    assert res.report.format == "2019" and not res.by_rule("format.year")


def test_10_the_word_report_prints_full_width_punctuation(tmp_path):
    from docx import Document

    from nianbao.document import render_report

    r = district()  # its 五 says 「在做好工作的同时,也存在的一些不足和问题,主要表现在…」
    text = "\n".join(p.text for p in Document(render_report(r, tmp_path / "r.docx")).paragraphs)
    assert "同时，也存在" in text and "同时,也" not in text


# -- sentences as real reports write them, that must stay silent ---------------------------------
QUIET = ("text.received", "text.carried", "text.forward", "text.done", "text.none_received",
         "text.all_done", "text.parts", "text.parts_short", "text.table2", "text.cases", "text.fee")


def test_common_phrasings_give_no_warning():
    for key, text in (
        ("s1_request", "2021年，我办共收到政府信息公开申请9件，其中自然人申请9件。按时答复9件，答复率100%。"),
        ("s1_request", "本年度新收政府信息公开申请9件，上年结转0件，共办结9件，结转下年度继续办理0件。"),
        ("s1_request", "依申请公开平均办理5个工作日，均在法定期限内答复。"),
        ("s1_request", "全年受理依申请公开9件，其中当面申请2件、网上申请7件，已全部办结。"),
        ("s1_active", "全年主动公开政府信息1523条，其中政策文件86条，政策解读35篇，工作动态1402条。"),
        ("s1_active", "发布“一件事”集成服务指南12项，开展“三服务”活动5次。"),
        ("s1_active", "本年度制发行政规范性文件1件，现行有效16件。"),
        ("s6_other", "本年度未发生收取信息处理费的情况。"),
    ):
        found = [f.message for f in check(district(**{key: text})) if f.rule in QUIET]
        assert found == [], text
