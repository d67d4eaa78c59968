"""Property tests: random consistent reports pass; any single changed statutory cell of table 3
or table 4 that takes part in a sum rule yields an error naming that cell or its row/column total."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao import check
from nianbao.rules import instances
from nianbao.formats import get_format
from nianbao.formats.common import T3_APPLICANTS, T4_GROUPS, T4_OUTCOMES, t3_result_rows
from nianbao.layout import layout_of
from nianbao.report import Report

FORMATS = ("2021", "2019")
counts = st.integers(min_value=0, max_value=500)


@st.composite
def consistent_reports(draw, format_id: str | None = None) -> Report:
    fmt = get_format(format_id or draw(st.sampled_from(FORMATS)))
    lay = layout_of(fmt.id)
    r = Report.empty(fmt.id, unit=draw(st.text(min_size=1, max_size=12).filter(str.strip)),
                     year=draw(st.integers(fmt.years[0], fmt.years[1] or 2100)))
    for f in lay.statutory_fields():
        if f.table == "t2":
            if f.kind == "money":
                r[f.id] = draw(st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 4)))
            elif f.kind == "signed":
                r[f.id] = draw(st.integers(-500, 500))
            else:
                r[f.id] = draw(st.one_of(counts, st.none()))
    t3 = fmt.table("t3")
    results = t3_result_rows(t3)
    for c in T3_APPLICANTS:
        for key in results:
            r[f"t3.{key}.{c}"] = draw(st.one_of(counts, st.none()))  # blank counts as 0
        handled = sum(r.number(f"t3.{key}.{c}") for key in results)
        r[f"t3.total.{c}"] = handled
        forward = draw(counts)
        carried = draw(st.integers(0, handled + forward))
        r[f"t3.carry_forward.{c}"] = forward
        r[f"t3.carried.{c}"] = carried
        r[f"t3.new.{c}"] = handled + forward - carried
    for row in t3.blocks[0].rows:
        r[f"t3.{row.key}.total"] = sum(r.number(f"t3.{row.key}.{c}") for c in T3_APPLICANTS)
    for g, _ in T4_GROUPS:
        parts = [k for k, _ in T4_OUTCOMES if k != "total"]
        for k in parts:
            r[f"t4.{g}.{k}"] = draw(counts)
        r[f"t4.{g}.total"] = sum(r.number(f"t4.{g}.{k}") for k in parts)
    return r


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_reports())
def test_random_consistent_reports_have_no_errors(report):
    res = check(report)
    assert res.errors == 0, [f.message for f in res if f.severity == "error"]


def _sum_fields(format_id: str) -> list[str]:
    """Every t3/t4 field that takes part in an in-report sum/balance rule."""
    out: set[str] = set()
    for inst in instances(format_id):
        if inst.rule.table in ("t3", "t4") and not inst.cross_year:
            out |= {t.field for t in inst.terms}
    return sorted(out)


def _totals(format_id: str, fid: str) -> set[str]:
    """The cells of the row total and column total of a field (its own cell included)."""
    lay = layout_of(format_id)
    table, *rest = fid.split(".")
    if table == "t3":
        row, col = rest
        keys = [f"t3.{row}.total", f"t3.total.{col}", fid]
    else:
        group = rest[0]
        keys = [f"t4.{group}.total", fid]
    return {f"{lay.fields[k].sheet}!{lay.fields[k].cell}" for k in keys}


@st.composite
def one_cell_changed(draw):
    format_id = draw(st.sampled_from(FORMATS))
    report = draw(consistent_reports(format_id))
    fid = draw(st.sampled_from(_sum_fields(format_id)))
    delta = draw(st.integers(-50, 50).filter(bool))
    report[fid] = report.number(fid) + delta
    return format_id, report, fid


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_cell_changed())
def test_changing_one_cell_is_found_at_that_cell_or_its_totals(case):
    format_id, report, fid = case
    lay = layout_of(format_id)
    here = f"{lay.fields[fid].sheet}!{lay.fields[fid].cell}"
    named = _totals(format_id, fid)
    res = check(report)
    errors = [f for f in res if f.severity == "error"]
    assert errors
    assert any(
        f"{f.sheet}!{f.cell}" in named or here in f.cells or (f.field and f.field == fid)
        for f in errors
    ), [(f.rule, f.cell, f.message) for f in errors]
    # and the cell itself is in every rule finding's list of involved cells or is its target
    for f in errors:
        if f.rule.startswith(("t3.", "t4.")):
            assert here in f.cells or f"{f.sheet}!{f.cell}" in named


def test_sum_fields_cover_all_of_tables_3_and_4():
    for format_id in FORMATS:
        lay = layout_of(format_id)
        t34 = {f.id for f in lay.statutory_fields() if f.table in ("t3", "t4")}
        assert set(_sum_fields(format_id)) == t34
