"""Checks of single cells: each value against its kind, the basic information, the report year
against the format, last year's report's year and unit against this one's, a table left wholly
blank, and the 信息处理费 cells against each other and against 表三."""
from __future__ import annotations

from ..findings import Finding
from ..formats import format_for_year, year_mismatch
from ..formats.common import FEE_AMOUNT, FEE_NOTICES, UNPAID
from ..formats.model import KIND_LABELS
from ..layout import cell_address, layout_of
from ..messages import say
from ..places import describe, place
from ..text.cjk import unit_key
from ..report import Invalid, Missing, Report, format_number, is_number
from .context import NUMERIC_KINDS, Context, finding
from .engine import cross_year_agreement


def check_values(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for fid, f in layout_of(ctx.fmt.id).fields.items():
        if f.kind not in NUMERIC_KINDS or f.table == "meta" or not ctx.readable(fid):
            continue
        if f.table in ctx.blank_tables:
            continue  # one finding for the table (check_blank_tables), not one per cell
        if ctx.reported_by_reader(fid, errors_only=True):
            continue
        v = ctx.report.values.get(fid)
        if is_number(v) and (v >= 0 or f.kind == "signed") and (
                f.kind == "money" or not isinstance(v, float) or v.is_integer()):
            continue  # the common case, a well-formed number: nothing to say, nothing to name
        where = describe(ctx.fmt.id, fid)
        kind = KIND_LABELS[f.kind]
        if isinstance(v, Missing):
            continue  # named once, with the rules it stops (engine.check_rules)
        if isinstance(v, Invalid):
            if not ctx.reported_by_reader(fid):
                out.append(finding("value.invalid", ctx.fmt.id, fid,
                                   dict(where=where, kind=kind, raw=v.raw), actual=v.raw))
        elif v is None:
            if f.statutory and not ctx.reported_by_reader(fid):
                out.append(finding("value.blank", ctx.fmt.id, fid, dict(where=where),
                                   variant="" if ctx.fmt.blank_is_zero else "unknown",
                                   expected=0 if ctx.fmt.blank_is_zero else None))
        elif not is_number(v):
            out.append(finding("value.invalid", ctx.fmt.id, fid,
                               dict(where=where, kind=kind, raw=str(v)), actual=str(v)))
        else:
            if f.kind in ("count", "money") and v < 0:
                out.append(finding("value.negative", ctx.fmt.id, fid,
                                   dict(where=where, kind=kind, value=format_number(v)), actual=v))
            if f.kind in ("count", "signed") and isinstance(v, float) and not v.is_integer():
                out.append(finding("value.not_integer", ctx.fmt.id, fid,
                                   dict(where=where, kind=kind, value=format_number(v)), actual=v))
    return out


def check_meta(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for item in ctx.fmt.meta:
        fid = f"meta.{item.key}"
        if not item.required or ctx.reported_by_reader(fid) or not ctx.readable(fid):
            continue
        value = getattr(ctx.report.meta, item.key, None)
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(finding(fid, ctx.fmt.id, fid, dict(where=describe(ctx.fmt.id, fid))))
    mismatch = year_mismatch(ctx.report.meta.year, ctx.fmt)
    if mismatch is not None:
        due = format_for_year(mismatch["year"])  # type: ignore[arg-type]
        out.append(finding("format.year", ctx.fmt.id, "meta.year", mismatch,
                           expected=due.id, actual=ctx.fmt.id))
    return out


def check_previous_meta(ctx: Context, prev: Report) -> tuple[list[Finding], bool]:
    """Year and unit against last year's report; False when the years do not follow."""
    out: list[Finding] = []
    year, pyear = ctx.report.meta.year, prev.meta.year
    follows = True
    if isinstance(year, int) and isinstance(pyear, int) and year != pyear + 1:
        follows = False
        out.append(finding("prev.year", ctx.fmt.id, "meta.year",
                           dict(prev=pyear, year=year, expected=year - 1),
                           expected=year - 1, actual=pyear))
    unit, punit = unit_key(ctx.report.meta.unit), unit_key(prev.meta.unit)
    if unit and punit and unit != punit:
        names = dict(prev=prev.meta.unit.strip(), unit=ctx.report.meta.unit.strip())
        # a renamed office (机构改革, a corrected name) is told from another office's report by
        # the figures: last year's 结转 is this year's 上年结转 — the declared cross-year rules
        held, failed = cross_year_agreement(ctx, prev) if follows else ([], [])
        if held and not failed:
            severity, variant, args = "warning", "renamed", dict(names, titles=_titles(held))
        elif failed:
            severity, variant, args = "error", "other", dict(names, titles=_titles(failed))
        else:
            severity, variant, args = "error", "", names
        out.append(finding("prev.unit", ctx.fmt.id, "meta.unit", args, variant=variant,
                           severity=severity, expected=names["prev"], actual=names["unit"]))
    return out, follows


def _titles(titles: list[str]) -> str:
    return say("place.quote", text=say("join.titles").join(titles))


# the reader's and the value check's per-cell notices that a blank table's one finding replaces
BLANK_CELL_CODES = frozenset({"read.blank", "value.blank", "read.dash"})


def check_blank_tables(ctx: Context, stated: set[str]) -> list[Finding]:
    """«表三未填写»: a table with every cell blank is one finding, not a notice per cell — a
    warning, or an error when the narrative states figures for it (``stated``)."""
    out: list[Finding] = []
    lay = layout_of(ctx.fmt.id)
    for key in sorted(ctx.blank_tables, key=[t.key for t in ctx.fmt.tables].index):
        fields = [f for f in lay.statutory_fields() if f.table == key]
        rows = [f.row for f in fields]
        cols = [f.col for f in fields]
        span = f"{cell_address(min(rows), min(cols))}:{cell_address(max(rows), max(cols))}"
        table = place(ctx.fmt.id, fields[0].id).table
        out.append(finding("table.blank", ctx.fmt.id, fields[0].id,
                           dict(table=table, sheet=fields[0].sheet, n=len(fields)), cell=span,
                           variant="stated" if key in stated else "",
                           severity="error" if key in stated else "warning"))
    return out


def check_fees(ctx: Context) -> list[Finding]:
    """信息处理费: money collected, or applications dropped for unpaid fees (表三（六）2), while
    no 收费通知 is counted (0 or blank) — where the format declares those cells."""
    fields = layout_of(ctx.fmt.id).fields
    if FEE_NOTICES not in fields or not ctx.readable(FEE_NOTICES):
        return []
    notices = ctx.report.values.get(FEE_NOTICES)
    if not (notices is None or (is_number(notices) and notices == 0)):
        return []
    where = describe(ctx.fmt.id, FEE_NOTICES)
    state = say("value.unfilled") if notices is None else say("text.value_is", value=0)
    out: list[Finding] = []
    amount = ctx.report.values.get(FEE_AMOUNT) if FEE_AMOUNT in fields else None
    if is_number(amount) and amount > 0:
        out.append(finding("fee.no_notice", ctx.fmt.id, FEE_NOTICES,
                           dict(where=where, state=state,
                                amount_where=describe(ctx.fmt.id, FEE_AMOUNT),
                                amount=format_number(amount)),
                           expected=None, actual=notices,
                           cells=(place(ctx.fmt.id, FEE_NOTICES).ref, place(ctx.fmt.id, FEE_AMOUNT).ref)))
    unpaid = ctx.report.values.get(UNPAID) if UNPAID in fields else None
    if is_number(unpaid) and unpaid > 0 and ctx.readable(UNPAID):
        out.append(finding("fee.unpaid", ctx.fmt.id, FEE_NOTICES,
                           dict(where=where, state=state, unpaid_where=describe(ctx.fmt.id, UNPAID),
                                unpaid=format_number(unpaid)),
                           expected=unpaid, actual=notices,
                           cells=(place(ctx.fmt.id, FEE_NOTICES).ref, place(ctx.fmt.id, UNPAID).ref)))
    return out


__all__ = ["check_values", "check_meta", "check_previous_meta", "check_blank_tables", "check_fees",
           "BLANK_CELL_CODES"]
