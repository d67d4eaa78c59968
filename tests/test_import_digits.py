"""Run-together digits (a web page's table copied to text): split when the declared rules leave
one reading, reported with the candidates when they leave several — never a wrong value."""
from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import consistent_report, examples
from nianbao.formats.common import T3_COLUMN_KEYS
from nianbao.importing.digits import MAX_CANDIDATES, MAX_DIGITS, Group, candidates, resolve
from nianbao.importing.matcher import match
from nianbao.importing.plain import plain_text
from nianbao.report import MISSING


@settings(max_examples=examples(25), deadline=None)
@given(fmt=st.sampled_from(["2021", "2019"]), seed=st.integers(0, 10_000))
def test_run_together_tables_are_split_or_reported_never_guessed(fmt, seed):
    want = consistent_report(fmt, seed)
    im = match(plain_text(want, sep="").splitlines())
    got = im.report
    by_field = {f: a for a in im.ambiguous for f in a.fields}
    for fid, v in want.statutory().items():
        if got[fid] is MISSING:
            a = by_field[fid]  # a value left out is always reported with its candidates
            truth = tuple(want[f] for f in a.fields)
            assert truth in a.candidates, (fid, a)
        else:
            assert got[fid] == v, fid
    # 表三 and 表四 have rules enough to settle every row of a consistent report
    assert not [f for f in got.missing() if f.startswith(("t3.", "t4."))]


def _cuts_consistent(run: str) -> list[tuple]:
    """Brute force: every cut of ``run`` into at most 7 numbers (no leading zeros,
    ≤ MAX_DIGITS), the cells without a number blank (a blank leaves nothing in a run), whose
    first six add up to the seventh (blank counted as 0).  Cuts into fewer than 7 numbers are
    readings only while all readings of the run can be listed (MAX_CANDIDATES)."""
    readings: dict[int, list[tuple]] = {}
    for k in range(1, 8):
        for marks in itertools.combinations(range(1, len(run)), k - 1):
            parts = [run[a:b] for a, b in zip((0,) + marks, marks + (len(run),))]
            if any(len(p) > MAX_DIGITS or (len(p) > 1 and p[0] == "0") for p in parts):
                continue
            for where in itertools.combinations(range(7), k):
                it = iter(map(int, parts))
                readings.setdefault(k, []).append(tuple(next(it) if i in where else None
                                                        for i in range(7)))
    if sum(map(len, readings.values())) > MAX_CANDIDATES:
        readings = {7: readings.get(7, [])}
    return [r for rs in readings.values() for r in rs
            if sum(v or 0 for v in r[:6]) == (r[6] or 0)]


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.integers(0, 120), min_size=6, max_size=6))
def test_one_row_alone_unique_exactly_when_brute_force_says_so(applicants):
    row = tuple(applicants) + (sum(applicants),)
    run = "".join(map(str, row))
    fields = tuple(f"t3.new.{c}" for c in T3_COLUMN_KEYS)
    values, ambiguous = resolve([Group(fields, candidates([run], ["count"] * 7), run)], {}, "2021")
    truth = _cuts_consistent(run)
    if len(truth) == 1:
        assert tuple(values[f] for f in fields) == row and not ambiguous
    else:
        assert len(ambiguous) == 1 and set(ambiguous[0].candidates) == set(truth)
        assert row in ambiguous[0].candidates


def test_a_blank_cell_leaves_nothing_in_a_run_so_a_run_is_never_read_one_way():
    # 「规章303」: 3 0 3, or 30 and 3 with one cell blank — no rule inside one year decides
    im = match(["某区政务办2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（一）项",
                "信息内容本年制发件数本年废止件数现行有效件数规章303行政规范性文件000"])
    (a,) = im.ambiguous
    assert {(3, 0, 3), (None, 30, 3), (30, None, 3), (30, 3, None)} <= set(a.candidates)
    assert all(im.report[f] is MISSING for f in a.fields)
    # a row that is a run shorter than its columns has blank cells: 「11」 in 表三 is one
    # applicant's 1 and the 总计 1, the rule leaves which applicant open
    g = Group(tuple(f"t3.new.{c}" for c in T3_COLUMN_KEYS), candidates(["11"], ["count"] * 7), "11")
    _, (b,) = resolve([g], {}, "2021")
    assert len(b.candidates) == 6 and all(c[6] == 1 and sum(v or 0 for v in c[:6]) == 1
                                          for c in b.candidates)


def test_the_issue_examples():
    lines = ["某区政务办2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（一）项",
             "信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件5845546",
             "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量15130000154"]
    im = match(lines)
    r = im.report
    assert [r[f"t2.rules.{c}"] for c in ("issued", "repealed", "in_force")] == [0, 0, 0]
    assert [r[f"t3.new.{c}"] for c in T3_COLUMN_KEYS] == [151, 3, 0, 0, 0, 0, 154]
    # 5845546 into three counts: no rule inside one year decides it
    (a,) = im.ambiguous
    assert a.fields[0] == "t2.normative.issued" and (58, 45, 546) in a.candidates
    assert all(r[f] is MISSING for f in a.fields)
    assert any(f.rule == "import.ambiguous" and "5845546" in f.message for f in r.findings)


def test_a_2019_block_run_together_in_a_2021_report_is_reported_by_its_2021_cell():
    lines = ["某区政务办2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（五）项",
             "信息内容上一年项目数量本年增/减处理决定数量行政许可5845546"]
    im = match(lines)
    (a,) = im.ambiguous
    assert "t2.licensing.decisions" in a.fields
    f = next(f for f in im.report.findings if f.rule == "import.ambiguous")
    assert f.field == "t2.licensing.decisions" and "行政许可" in f.message


@settings(max_examples=examples(30), deadline=None)
@given(fmt=st.sampled_from(["2021", "2019"]), seed=st.integers(0, 10_000), data=st.data())
def test_a_row_whose_numbers_were_lost_is_missing_and_nothing_else_changes(fmt, seed, data):
    want = consistent_report(fmt, seed)
    lines = plain_text(want).splitlines()
    rows = [i for i, line in enumerate(lines)
            if line.split(" ")[0] and line.split(" ")[-1].replace(".", "").isdigit()
            and not line.split(" ")[0].replace(".", "").isdigit()]
    i = data.draw(st.sampled_from(rows))
    label = lines[i].split(" ")[0]
    lines[i] = label
    got = match(lines).report
    lost = {f for f, v in got.statutory().items() if v is MISSING}
    assert lost, lines[i]
    for fid, v in want.statutory().items():
        assert got[fid] is MISSING if fid in lost else got[fid] == v, fid
    # exactly one printed row's cells, all of them
    assert len({f.rsplit(".", 1)[0] for f in lost}) == 1
