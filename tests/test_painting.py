"""The painting steps every painter of an open workbook carries out (nianbao.painting): the
same cells and colours as the plan ``check --mark`` paints, the previous run undone, no input
cell written."""
from __future__ import annotations

import json

import nianbao
from helpers import consistent_report
from nianbao.layout import META_SHEET, layout_of, parse_cell
from nianbao.marks import plan_marks
from nianbao.painting import MARK_RECORD_HEADER, painting, recorded_marks
from nianbao.palette import INPUT_FILL


def _cells(fills):
    out = {}
    for f in fills:
        first, _, last = f.range.partition(":")
        (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                out[(f.sheet, r, c)] = f.colour
    return out


def _bad():
    r = consistent_report("2021", seed=4)
    r.meta.unit, r.meta.year = "测试单位", 2021
    r["t3.new.natural"] = r.number("t3.new.natural") + 1
    return r


def test_painting_marks_exactly_the_planned_cells_and_writes_no_input():
    report = _bad()
    names = [s.name for s in layout_of("2021").sheets] + [META_SHEET]
    plan = plan_marks(nianbao.check(report), names, "x.xlsx")
    steps = painting(plan, report, names)
    painted = _cells(steps.fills)
    assert {(m.sheet, *parse_cell(m.cell)): m.fill[-6:] for m in plan.marks} == painted
    inputs = {(f.sheet, f.row, f.col) for f in layout_of("2021").fields.values()}
    for b in steps.blocks:
        r0, c0 = parse_cell(b.cell)
        written = {(b.sheet, r0 + i, c0 + j) for i, row in enumerate(b.values)
                   for j, _ in enumerate(row)}
        assert not written & inputs, b.sheet
    assert steps.critical and "错误" in steps.message
    json.dumps(steps.to_dict(), ensure_ascii=False)  # what the server hands the WPS add-in


def test_the_next_run_puts_back_the_template_fill_where_it_no_longer_marks():
    report = _bad()
    names = [s.name for s in layout_of("2021").sheets] + [META_SHEET]
    first = painting(plan_marks(nianbao.check(report), names), report, names)
    record = next(b for b in first.blocks if b.sheet == META_SHEET)
    assert record.values[0] == (MARK_RECORD_HEADER,)
    previous = recorded_marks(v[0] for v in record.values[1:])
    assert previous and set(previous) == {(m.sheet, m.cell) for m in
                                         plan_marks(nianbao.check(report), names).marks}
    fixed = consistent_report("2021", seed=4)
    fixed.meta.unit, fixed.meta.year = "测试单位", 2021
    fixed.mark_record = tuple(v[0] for v in record.values[1:])  # as the reader gives it back
    again = painting(plan_marks(nianbao.check(fixed), names), fixed, names)
    restored = _cells(again.fills)
    t3 = layout_of("2021").fields["t3.new.natural"]
    assert restored[(t3.sheet, t3.row, t3.col)] == INPUT_FILL  # the input's own yellow back
    cleared = next(b for b in again.blocks if b.sheet == META_SHEET)
    assert len(cleared.values) >= len(record.values)  # the old record blanked, not left behind
