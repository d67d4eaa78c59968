"""Issue 28, the wider net: the prose checks over every published report text the tests hold,
against what a reader finds in each — written down here by reading the reports, independently of
the checks.

The texts are the three real reports in tests/data/samples (they are also the importer's test
inputs; /work/shared/samples holds no others).  Each is checked twice: split by hand at its six
headings (``sample_report``), and as ``nianbao import`` reads it.  Where the reader finds a thing
stated, the check that would call it absent must stay silent; where the reader finds it absent,
the check must say so — the real defects are still found.  Then the sentences of issue 28 are
put into each report and must raise nothing new.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from nianbao import check
from nianbao.importing import import_report
from nianbao.report import Report
from test_checks_narrative import COMPARING, DISTRICT, S1, S5, S6, sample_report

SAMPLES = Path(__file__).parent / "data" / "samples"


@dataclass(frozen=True)
class Reader:
    """What a reader finds in a report (True: stated), with the words that show it."""

    fee: bool  # 六 (or elsewhere) says whether a 信息处理费 was charged
    problems: bool  # 五 is written
    concrete: bool  # 五 names problems of its own, not only stock phrases
    improvements: bool  # how last year's problems were dealt with
    management: bool  # 一: 政府信息管理
    platform: bool  # 一: 平台建设
    oversight: bool  # 一: 监督保障
    long_overview: bool  # 一 runs well over the format's ~1,000 characters
    halfwidth: bool  # half-width punctuation between Chinese characters


READERS = {
    # 一 in seven 「一是…七是」 points: 「五是健全制度规范，夯实公开基础」 (management),
    # 「二是强化平台建设，推动网站升级改版」 (platform), 「七是加强业务培训」 (oversight);
    # 「共收到信息公开申请9件，已全部办结」.  五: 「人员力量较为薄弱」「交接不到位」「大多人员都是兼职」,
    # then 「在今年工作中，重点抓好以下几方面工作」 — plans, nothing on last year's problems.
    # 六 is 「无」: no word of the 信息处理费.  「汇报如下:一是」「同时,也」 half-width.
    "district-office-2021.txt": Reader(fee=False, problems=True, concrete=True, improvements=False,
                                       management=True, platform=True, oversight=True,
                                       long_overview=False, halfwidth=True),
    # 一 under 「一是主动公开情况」…「五是监督保障情况」; 「全年主动公开信息84条，其中…41条」,
    # 「本年度我办未收到依申请公开件」.  五: 「还存在一定差距」「有待进一步丰富」「有待进一步深化」 and
    # measures — no concrete problem, nothing on last year's.  六: 「不存在收取信息处理费等相关情况」.
    "fenghua-zwb-2021.txt": Reader(fee=True, problems=True, concrete=False, improvements=False,
                                   management=True, platform=True, oversight=True,
                                   long_overview=False, halfwidth=False),
    # 一: 「2842 条。其中…73 条；…251 条；…2518 条」, 「未收到信息公开申请件」; the platforms by name
    # (「区政府门户网站、微信公众号、公共资源交易网站」, 「依托政府网站集约化建设」); management under
    # 「三是强化建设」 (领导机制, 重点公开内容, 「按照“政府信息主动公开目录”规范」); oversight (「四色”考核」,
    # 第三方测评, 自查自评).  About 1,300 characters without the preamble.  五: 「公开理念不到位」
    # 「认识不清」「形式较为单一」, then 2022's plans — nothing on last year's.  六: no 举报、复议、诉讼,
    # no 泄密 — no word of the 信息处理费.
    "nanxun-zwb-2021.txt": Reader(fee=False, problems=True, concrete=True, improvements=False,
                                  management=True, platform=True, oversight=True,
                                  long_overview=True, halfwidth=False),
}
VALUES = {"district-office-2021.txt": DISTRICT}

# what each finding would claim, and where
ABSENT = {
    "fee": ("text.fee_missing", S6, "B3"),
    "improvements": ("text.part_empty", S5, "B4"),
    "management": ("text.part_empty", S1, "B6"),
    "platform": ("text.part_empty", S1, "B7"),
    "oversight": ("text.part_empty", S1, "B8"),
}


def by_hand(name: str) -> Report:
    return sample_report(name, VALUES.get(name, {}))


def imported(name: str) -> Report:
    return import_report(SAMPLES / name).report


def claims(res) -> dict[str, bool]:
    """What the checks say of each thing a reader looks for (True: stated)."""
    found = {(f.rule, f.sheet, f.cell) for f in res}
    rules = {f.rule for f in res}
    out = {thing: at not in found for thing, at in ABSENT.items()}
    out["problems"] = not rules & {"text.problems_empty", "text.problems_thin"}
    out["concrete"] = "text.problems_generic" not in rules
    out["long_overview"] = "text.overview_long" in rules
    out["halfwidth"] = "text.halfwidth" in rules
    return out


def test_the_readers_notes_name_every_claim():
    for reader in READERS.values():
        assert set(vars(reader)) == set(claims([]))


@pytest.mark.parametrize("read", [by_hand, imported], ids=["by-hand", "imported"])
@pytest.mark.parametrize("name", sorted(READERS))
def test_the_checks_find_what_a_reader_finds(name, read):
    res = check(read(name))
    assert claims(res) == vars(READERS[name]), [f.message for f in res if f.rule.startswith("text.")]


@pytest.mark.parametrize("read", [by_hand, imported], ids=["by-hand", "imported"])
@pytest.mark.parametrize("name", sorted(READERS))
def test_no_figure_the_text_states_is_contradicted_by_its_own_tables(name, read):
    # the published tables agree with the texts (read by hand: 9 received and all done; 84 ⊇ 41;
    # 2842 = 73 + 251 + 2518; none received; no review or suit denied that the table shows)
    res = check(read(name))
    assert not [f.message for f in res if f.rule in COMPARING]


# -- the issue's sentences in every real report ----------------------------------------------------
SENTENCES = (
    ("s2.note", "注：现行有效件数含经评估后延期继续有效的规范性文件1件。"),
    ("s1.request", "为提高依申请公开答复质量，对本年度办理的全部答复文书逐件复核。"),
    ("s6.other", "政府信息公开未发生收费情况。"),
    ("s3.note", "注：本年度无收取信息处理费情况。"),
    ("s6.other", "未发生政府信息公开收费事项。"),
)


def _with_a_carried_application(name: str) -> Report:
    r = by_hand(name)
    for key, delta in (("carry_forward", 1), ("new", 1)):
        for col in ("natural", "total"):
            r[f"t3.{key}.{col}"] = r.number(f"t3.{key}.{col}") + delta
    return r


def _prose_findings(r: Report) -> set[tuple[str, str, str]]:
    return {(f.rule, f.sheet, f.cell) for f in check(r) if f.rule.startswith("text.")}


@pytest.mark.parametrize("name", sorted(READERS))
def test_the_issues_sentences_raise_nothing_new_in_any_report(name):
    before = _prose_findings(_with_a_carried_application(name))
    for key, sentence in SENTENCES:
        r = _with_a_carried_application(name)
        r.texts[key] = (r.texts.get(key) or "") + sentence
        after = _prose_findings(r)
        assert not after - before, (sentence, after - before)
        if "费" in sentence:  # and the fee is now stated
            assert ABSENT["fee"] not in after, sentence


# -- what the words of 一's parts must not catch -----------------------------------------------------
def test_the_part_words_count_only_within_section_one():
    r = by_hand("district-office-2021.txt")
    r.texts["s1.overview"] = "本年度政府信息公开工作平稳有序。"
    r.texts["s5.problems"] += "下一步将加强门户网站和政府网站的更新维护，完善公开目录和公开指南。"
    cells = sorted(f.cell for f in check(r).by_rule("text.part_empty") if f.sheet == S1)
    assert cells == ["B6", "B7", "B8"]
