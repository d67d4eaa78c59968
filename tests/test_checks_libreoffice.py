"""The template's native ✔/✘ check cells agree with the Python checks on the same workbooks,
once LibreOffice (headless) has recalculated them."""
from __future__ import annotations

import random
import shutil

import openpyxl
import pytest
from helpers import consistent_report

from nianbao.libreoffice import convert
from nianbao import check
from nianbao.layout import layout_of
from nianbao.report import Invalid
from nianbao.xlsx_writer import CHECK_FAIL, CHECK_PASS, write_report

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed"),
]


def _cases():
    """(name, format, report) — consistent ones, single changed cells, blanks, negatives, text."""
    out = []
    rng = random.Random(2024)
    for fmt in ("2021", "2019"):
        lay = layout_of(fmt)
        t34 = [f.id for f in lay.statutory_fields() if f.table in ("t3", "t4")]
        for seed in range(2):
            out.append((f"{fmt}-ok-{seed}", fmt, consistent_report(fmt, seed)))
        for i in range(6):
            r = consistent_report(fmt, 10 + i)
            fid = rng.choice(t34)
            r[fid] = r.number(fid) + rng.choice((-3, -1, 1, 2, 5))
            out.append((f"{fmt}-one-{i}", fmt, r))
        r = consistent_report(fmt, 20)
        zeros = [fid for fid in t34 if r.number(fid) == 0]
        for fid in zeros[:5]:
            r[fid] = None
        r["t4.review.upheld"] = r.number("t4.review.upheld") + 0.5  # decimal: both sides see it
        out.append((f"{fmt}-blank", fmt, r))
        r = consistent_report(fmt, 21)
        r["t3.granted.business"] = Invalid("若干")
        r["t3.partial.natural"] = r.number("t3.partial.natural") + 1
        out.append((f"{fmt}-text", fmt, r))
    return out


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    src = tmp_path_factory.mktemp("written")
    dst = tmp_path_factory.mktemp("recalculated")
    cases = []
    for name, fmt, report in _cases():
        report.meta.unit = "测试单位"
        cases.append((name, fmt, report, write_report(report, src / f"{name}.xlsx")))
    convert([c[3] for c in cases], "xlsx", dst, timeout=300)
    return [(name, fmt, report, path, dst / path.name) for name, fmt, report, path in cases]


def test_native_checks_agree_with_python(recalculated):
    compared = 0
    for name, fmt, report, path, calc in recalculated:
        assert calc.exists(), name
        res = check(path)
        failed = {(f.rule, f.field) for f in res if f.severity == "error"}
        invalid = {fid for fid, v in report.values.items() if isinstance(v, Invalid)}
        wb = openpyxl.load_workbook(calc, data_only=True)
        for sheet, cc in layout_of(fmt).checks():
            native = wb[sheet.name][cc.cell].value
            assert native in (CHECK_PASS, CHECK_FAIL), (name, sheet.name, cc.cell, native)
            terms = {t.lstrip("-") for t in cc.left + cc.right}
            if terms & invalid:
                continue  # Python skips a rule on a cell that is no number (and says so)
            python_fails = (cc.rule.id, cc.left[0].lstrip("-")) in failed
            assert (native == CHECK_FAIL) == python_fails, (name, cc.rule.id, sheet.name, cc.cell)
            compared += 1
        if invalid:
            assert res.by_rule("read.invalid") and res.by_rule("rule.skipped")
    assert compared > 700  # 20 workbooks × ~40 native check cells


def test_some_cases_fail_and_some_pass(recalculated):
    outcomes = {name: check(path).errors == 0 for name, _, _, path, _ in recalculated}
    assert outcomes["2021-ok-0"] and outcomes["2019-ok-1"]
    assert not outcomes["2021-one-0"] and not outcomes["2019-text"]
