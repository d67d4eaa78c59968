"""Reports for tests: consistent ones (every in-report rule holds) built from a seed.

Shared by several test modules; keep :func:`consistent_report`'s signature stable.
"""
from __future__ import annotations

import random

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
    valid for.  Texts and the section-六 extras are left empty; cross-year rules (t3.carry, t2.stock) need a previous
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
