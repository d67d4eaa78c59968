"""Reports for tests: consistent ones (every in-report rule holds) built from a seed.

Shared by several test modules; keep :func:`consistent_report`'s signature stable.
"""
from __future__ import annotations

import random
from pathlib import Path

from nianbao.formats import get_format
from nianbao.formats.model import MONEY_DECIMALS
from nianbao.formats.common import T3_APPLICANTS, T4_GROUPS, T4_OUTCOMES, t3_result_rows
from nianbao.layout import layout_of
from nianbao.report import Report


def consistent_report(format_id: str, seed: int = 0) -> Report:
    """A report of ``format_id`` whose t2/t3/t4 cells are all filled and satisfy t3.row,
    t3.total, t3.balance and t4.sum.

    Counts are small non-negative ints (signed cells may be negative), money is a float with at
    most 4 decimals and none below the 分.  Meta: unit 「测试单位」, the first year the format is
    valid for.  Texts and the section-六 extras are left empty; cross-year rules (t3.carry,
    t2.stock) need a previous
    report and are not arranged.
    """
    fmt = get_format(format_id)
    lay = layout_of(fmt.id)
    rng = random.Random(seed)
    report = Report.empty(fmt.id, unit="测试单位", year=fmt.years[0])

    for f in lay.statutory_fields():
        if f.table != "t2":
            continue
        if f.kind == "money":  # to the 分 at most, as the report prints money (format_money)
            report[f.id] = round(rng.uniform(0, 5000), min(4, MONEY_DECIMALS[f.unit]))
        elif f.kind == "signed":
            report[f.id] = rng.randint(-5, 5)
        else:
            report[f.id] = rng.randint(0, 30)

    t3 = fmt.table("t3")
    rows = [r.key for r in t3.blocks[0].rows]
    results = t3_result_rows(t3)
    for col in T3_APPLICANTS:
        for key in results:
            report[f"t3.{key}.{col}"] = rng.choice((0, 0, 0, 1, 2, 3, 7))
        handled = sum(report.number(f"t3.{key}.{col}") for key in results)
        report[f"t3.total.{col}"] = handled
        carry_forward = rng.randint(0, 3)
        carried = rng.randint(0, min(3, handled + carry_forward))
        report[f"t3.carry_forward.{col}"] = carry_forward
        report[f"t3.carried.{col}"] = carried
        # 一 + 二 = （七） + 四
        report[f"t3.new.{col}"] = handled + carry_forward - carried
    for key in rows:
        report[f"t3.{key}.total"] = sum(report.number(f"t3.{key}.{c}") for c in T3_APPLICANTS)

    outcomes = [k for k, _ in T4_OUTCOMES if k != "total"]
    for group, _ in T4_GROUPS:
        for k in outcomes:
            report[f"t4.{group}.{k}"] = rng.randint(0, 3)
        report[f"t4.{group}.total"] = sum(report.number(f"t4.{group}.{k}") for k in outcomes)
    return report


def examples(n: int) -> int:
    """How many examples a property test tries: ``n`` (its count in CI), no more than the loaded
    Hypothesis profile allows (20 on a developer's run; see conftest.py)."""
    from hypothesis import settings

    return min(n, settings.default.max_examples)


# -- the four reports the README shows a page of, and the page tests render (issue 26) ---------
WORST_UNIT = "新疆维吾尔自治区伊犁哈萨克自治州奎屯市城市管理综合行政执法局市容环境卫生管理中心"
_LONG = ("本机关坚持以公开为常态、不公开为例外，围绕重点领域信息公开、政策解读和回应关切，持续完善"
         "工作机制，规范公开流程，提升公开质量，切实保障人民群众的知情权、参与权、表达权和监督权。")


def published_cases() -> dict[str, Report]:
    """The bundled sample; a 2019 report; a worst case (a 40-character unit name, long texts in
    every part, five-digit numbers, fees); a blank workbook as ``nianbao new`` makes it."""
    from nianbao.samples.build import load_sample

    r2019 = consistent_report("2019", seed=3)
    r2019.meta.unit, r2019.meta.year = "某某市某某区住房和城乡建设局", 2019
    r2019.meta.document_date = "2020-01-20"
    r2019.texts.update({
        "s1.overview": "2019年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、"
                       "不公开为例外，不断完善政府信息公开工作机制，各项工作有序推进。",
        "s1.management": "严格落实信息发布审查制度，对拟公开的政府信息进行保密审查。",
        "s5.problems": "一是信息公开的及时性有待提高；二是政策解读形式较为单一。",
        "s5.plans": "进一步加强政策解读，丰富解读形式；加强业务培训。",
        "s6.other": "无",
    })
    worst = consistent_report("2021", seed=9)
    assert len(WORST_UNIT) == 40
    worst.meta.unit, worst.meta.year, worst.meta.document_date = WORST_UNIT, 2022, "2023-01-20"
    worst.meta.phone, worst.meta.email = "0999-12345678", "gk@example.gov.cn"
    worst.meta.address = "某某市某某路1号"
    for fid in ("t3.new.natural", "t3.new.total", "t3.granted.natural", "t3.granted.total",
                "t3.total.natural", "t3.total.total"):
        worst[fid] = worst.number(fid) + 12000  # five digits, the table still balanced
    worst["t4.review.pending"] = 8
    worst["t4.review.total"] = sum(worst.number(f"t4.review.{k}")
                                   for k in ("upheld", "corrected", "other", "pending"))
    worst["t2.fees.amount"] = 1234.5678
    worst["t2.licensing.decisions"], worst["t2.punishment.decisions"] = 12345, 23456
    worst["s6.fee_notices"], worst["s6.fee_amount"] = 3, 123456789.5
    for key in worst.texts:  # 四's lead left to nianbao: 「…尚未审结8件」 must stay with 表四
        if not key.endswith((".heading", ".note", ".lead")):
            worst.texts[key] = _LONG * 3
    worst.texts["s4.note"] = "注：含上年度结转数量"
    blank = Report.empty("2021", unit="某区政务办", year=2022)
    return {"sample": load_sample("district-2021"), "2019": r2019, "worst": worst, "blank": blank}


def not_a_report(folder: str | Path) -> Path:
    """An ordinary spreadsheet someone saved as .xlsx (names and amounts): no nianbao workbook."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(["姓名", "金额"])
    wb.active.append(["张三", 12])
    out = Path(folder) / "其他.xlsx"
    wb.save(out)
    return out

