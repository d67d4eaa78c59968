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


# -- what `check` reads from text, the native checks read alike (issue 26) -----------------------
def _forms(v: int) -> list[str]:
    """Text that `check` reads as ``v`` (with a notice): the ways clerks type and paste numbers."""
    fullwidth = str(v).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    out = [str(v), fullwidth, f"{v}件", f"{fullwidth}件", f"{v}（其中修订1件）", f" {v} ", f"{v}人"]
    if v >= 1000:
        out.append(f"{v:,}")
    if v == 0:
        out += ["/", "／", "—", "－", "--"]
    return out


def _typed_cases():
    """(name, format, {field: text}) — consistent reports with cells retyped as text that reads as
    the same number (every check passes), and as a wrong number (the checks through it fail)."""
    rng = random.Random(26)
    out = []
    for fmt in ("2021", "2019"):
        lay = layout_of(fmt)
        t34 = [f.id for f in lay.statutory_fields() if f.table in ("t3", "t4")]
        for i in range(4):
            report = consistent_report(fmt, 30 + i)
            if i == 3:  # numbers with thousands
                report["t3.granted.natural"] = report.number("t3.granted.natural") + 1200
                for key in ("t3.granted.total", "t3.total.natural", "t3.total.total",
                            "t3.new.natural", "t3.new.total"):
                    report[key] = report.number(key) + 1200
            typed = {}
            for fid in rng.sample(t34, 25):
                typed[fid] = rng.choice(_forms(report.number(fid)))
            out.append((f"{fmt}-same-{i}", fmt, report, typed))
            wrong = dict(typed)
            fid = rng.choice(sorted(typed))
            wrong[fid] = rng.choice(_forms(report.number(fid) + 3))
            out.append((f"{fmt}-wrong-{i}", fmt, report, wrong))
    return out


@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    src = tmp_path_factory.mktemp("typed")
    dst = tmp_path_factory.mktemp("typed-calc")
    cases = []
    for name, fmt, report, cells in _typed_cases():
        report.meta.unit = "测试单位"
        path = write_report(report, src / f"{name}.xlsx")
        wb = openpyxl.load_workbook(path)
        lay = layout_of(fmt)
        for fid, text in cells.items():
            f = lay.fields[fid]
            wb[f.sheet][f.cell].value = text
            wb[f.sheet][f.cell].data_type = "s"
        wb.save(path)
        cases.append((name, fmt, cells, path))
    convert([c[3] for c in cases], "xlsx", dst, timeout=300)
    return [(name, fmt, cells, path, dst / path.name) for name, fmt, cells, path in cases]


def test_native_checks_read_typed_numbers_as_check_does(typed):
    """「１０」「12件」「1,234」「22（其中修订1件）」「/」: `check` reads them (a notice, no error);
    the workbook's own ✔/✘ read them alike — one rule — and 基本信息's count of ✘ is the number
    of rule errors `check` lists."""
    from nianbao.xlsx_writer import CHECK_NAME_PREFIX

    rules = {"t3.row", "t3.total", "t3.balance", "t4.sum"}
    seen_wrong = 0
    for name, fmt, cells, path, calc in typed:
        res = check(path)
        assert not res.by_rule("read.invalid", "value.invalid"), name  # all accepted
        assert {f.rule for f in res if f.field in cells and f.rule.startswith("read.")}  # noticed
        failed = {(f.rule, f.field) for f in res if f.severity == "error" and f.rule in rules}
        wb = openpyxl.load_workbook(calc, data_only=True)
        crosses = 0
        for sheet, cc in layout_of(fmt).checks():
            native = wb[sheet.name][cc.cell].value
            assert native in (CHECK_PASS, CHECK_FAIL), (name, cc.cell, native)
            python_fails = (cc.rule.id, cc.left[0].lstrip("-")) in failed
            assert (native == CHECK_FAIL) == python_fails, (name, cc.rule.id, sheet.name, cc.cell)
            crosses += native == CHECK_FAIL
        assert crosses == len(failed), name
        assert ("wrong" in name) == bool(failed), name
        seen_wrong += bool(failed)
        total = next(wb[s][r.replace("$", "")].value for n, dn in
                     openpyxl.load_workbook(path).defined_names.items()
                     if n == CHECK_NAME_PREFIX + "all" for s, r in dn.destinations)
        assert total == (f"✘ 有 {len(failed)} 处未通过" if failed else "✔ 全部通过"), name
    assert seen_wrong == 8


# -- a value an imported report did not contain: 「缺失」, neither ✔ nor ✘ ------------------------
@pytest.fixture(scope="module")
def missing(tmp_path_factory):
    """Consistent reports with cells an import found missing (written 「缺失」), one of them with
    a wrong figure elsewhere too, recalculated by LibreOffice."""
    from nianbao.report import MISSING

    src = tmp_path_factory.mktemp("missing")
    dst = tmp_path_factory.mktemp("missing-calc")
    cases = []
    for fmt in ("2021", "2019"):
        for wrong in (False, True):
            report = consistent_report(fmt, 40)
            report.meta.unit = "测试单位"
            gone = ["t3.granted.natural", "t3.total.total"]
            for fid in gone:
                report[fid] = MISSING
            if wrong:
                report["t4.review.upheld"] = report.number("t4.review.upheld") + 2
            name = f"{fmt}-missing{'-wrong' if wrong else ''}"
            cases.append((name, fmt, set(gone), wrong, write_report(report, src / f"{name}.xlsx")))
    convert([c[4] for c in cases], "xlsx", dst, timeout=300)
    return [(*c, dst / c[4].name) for c in cases]


def test_native_checks_say_missing_where_an_input_is_missing(missing):
    """What `check` skips as rule.missing the workbook shows as 「缺失」 (not ✘), a rule that
    fails nowhere says in words how many of its checks could not be made, and the verdict never
    says 全部通过 while one could not: a clerk sees the same as `check` says."""
    from nianbao.xlsx_writer import CHECK_MISSING, STATUS_ALL_PASSED

    for name, fmt, gone, wrong, path, calc in missing:
        res = check(path)
        assert res.by_rule("rule.missing"), name
        assert (res.errors > 0) == wrong, name
        wb = openpyxl.load_workbook(calc, data_only=True)
        shown_missing = 0
        for sheet, cc in layout_of(fmt).checks():
            native = wb[sheet.name][cc.cell].value
            terms = {t.lstrip("-") for t in cc.left + cc.right}
            if terms & gone:
                assert native == CHECK_MISSING, (name, sheet.name, cc.cell, native)
                shown_missing += 1
            else:
                assert native in (CHECK_PASS, CHECK_FAIL), (name, sheet.name, cc.cell, native)
                assert (native == CHECK_FAIL) == (wrong and "t4.review.upheld" in terms), (
                    name, cc.cell)
        assert shown_missing >= 2, name
        (sheet_name, ref), = wb.defined_names["NBCHECK_all"].destinations
        verdict = wb[sheet_name][ref.replace("$", "")].value
        assert verdict != STATUS_ALL_PASSED, (name, verdict)
        if wrong:
            assert verdict.startswith(CHECK_FAIL), (name, verdict)
        else:
            assert "其余通过" in verdict and "缺失" in verdict, (name, verdict)
        column = [wb[sheet_name].cell(r, 2).value for r in range(1, wb[sheet_name].max_row + 1)]
        assert any(isinstance(v, str) and "因数值缺失未能校验" in v for v in column), name
