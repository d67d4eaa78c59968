"""Checks of single cells: each value against its kind, the basic information, the report year
against the format, and last year's report's year and unit against this one's."""
from __future__ import annotations

from ..findings import Finding
from ..formats import FORMATS, format_for_year
from ..formats.model import KIND_LABELS
from ..layout import layout_of
from ..messages import say
from ..places import describe
from ..report import Invalid, Missing, Report, format_number, is_number
from .context import NUMERIC_KINDS, Context, finding


def check_values(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for fid, f in layout_of(ctx.fmt.id).fields.items():
        if f.kind not in NUMERIC_KINDS or f.table == "meta" or not ctx.readable(fid):
            continue
        if ctx.reported_by_reader(fid, errors_only=True):
            continue
        v = ctx.report.values.get(fid)
        where = describe(ctx.fmt.id, fid)
        kind = KIND_LABELS[f.kind]
        if isinstance(v, Missing):
            continue  # named once, with the rules it stops (engine.check_rules)
        if isinstance(v, Invalid):
            if not ctx.reported_by_reader(fid):
                out.append(finding("value.invalid", "error",
                                   say("value.invalid", where=where, kind=kind, raw=v.raw),
                                   ctx.fmt.id, fid, actual=v.raw))
        elif v is None:
            if f.statutory and not ctx.reported_by_reader(fid):
                code = "value.blank" if ctx.fmt.blank_is_zero else "value.blank_unknown"
                out.append(finding("value.blank", "notice", say(code, where=where),
                                   ctx.fmt.id, fid, expected=0 if ctx.fmt.blank_is_zero else None))
        elif not is_number(v):
            out.append(finding("value.invalid", "error",
                               say("value.invalid", where=where, kind=kind, raw=str(v)),
                               ctx.fmt.id, fid, actual=str(v)))
        else:
            if f.kind in ("count", "money") and v < 0:
                out.append(finding("value.negative", "error",
                                   say("value.negative", where=where, kind=kind,
                                       value=format_number(v)),
                                   ctx.fmt.id, fid, actual=v))
            if f.kind in ("count", "signed") and isinstance(v, float) and not v.is_integer():
                out.append(finding("value.not_integer", "error",
                                   say("value.not_integer", where=where, kind=kind,
                                       value=format_number(v)),
                                   ctx.fmt.id, fid, actual=v))
    return out


def check_meta(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for item in ctx.fmt.meta:
        fid = f"meta.{item.key}"
        if not item.required or ctx.reported_by_reader(fid) or not ctx.readable(fid):
            continue
        value = getattr(ctx.report.meta, item.key, None)
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(finding(fid, "error", say("meta.missing", where=describe(ctx.fmt.id, fid)),
                               ctx.fmt.id, fid))
    year = ctx.report.meta.year
    if isinstance(year, int) and not ctx.fmt.accepts_year(year):
        lo, hi = ctx.fmt.years
        due = format_for_year(year)
        if not due.accepts_year(year):  # no format covers the year (e.g. before 2019)
            due = min(FORMATS.values(), key=lambda f: f.years[0])
        newer = hi is not None and year > hi
        code = "format.year_newer" if newer else "format.year_older"
        out.append(finding("format.year", "error" if newer else "warning",
                           say(code, year=year, expected=due.title, basis=due.basis,
                               actual=ctx.fmt.title),
                           ctx.fmt.id, "meta.year", expected=due.id, actual=ctx.fmt.id))
    return out


def check_previous_meta(ctx: Context, prev: Report) -> tuple[list[Finding], bool]:
    """Year and unit against last year's report; False when the years do not follow."""
    out: list[Finding] = []
    year, pyear = ctx.report.meta.year, prev.meta.year
    follows = True
    if isinstance(year, int) and isinstance(pyear, int) and year != pyear + 1:
        follows = False
        out.append(finding("prev.year", "error",
                           say("prev.year", prev=pyear, year=year, expected=year - 1),
                           ctx.fmt.id, "meta.year", expected=year - 1, actual=pyear))
    unit, punit = _unit(ctx.report.meta.unit), _unit(prev.meta.unit)
    if unit and punit and unit != punit:
        out.append(finding("prev.unit", "error",
                           say("prev.unit", prev=prev.meta.unit.strip(),
                               unit=ctx.report.meta.unit.strip()),
                           ctx.fmt.id, "meta.unit", expected=prev.meta.unit.strip(),
                           actual=ctx.report.meta.unit.strip()))
    return out, follows


def _unit(s: str | None) -> str:
    return "".join((s or "").split())


__all__ = ["check_values", "check_meta", "check_previous_meta"]
