"""The rule engine: it interprets the reconciliation rules that each format declares.

Nothing here names a rule, a format or a label.  A rule's *kind* decides how it is computed and
worded (``rule.<kind>`` in the message catalogue); its terms, severity, title and basis come from
the declaration.  Three kinds look like "target = Σ terms" (``sum``, ``carry``, ``stock``: the
first left term is the target, so a finding says 应为 X，实为 Y at the target's cell); ``balance``
compares two sums and names both sides.  Terms prefixed ``prev:`` are read from last year's
report and are only checked when one is given.

Cascades are contained: a table the reader could not read (sheet missing, labels moved) is not
checked at all; a rule instance involving a cell that is not a number is skipped, with one notice
per such cell; and when several failing instances share a cell, each message names that cell
and the other rule, since one wrong entry usually breaks its row *and* its column.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable

from ..findings import Finding, Findings, sort_findings
from ..formats import FORMATS, format_for_year, get_format
from ..formats.model import KIND_LABELS, Format, Rule
from ..layout import cell_address, layout_of, parse_cell
from ..messages import say
from ..report import Invalid, Report, format_number
from ..places import common_and_names, describe, place

# reader findings that mean "this sheet's data was not read": its table is not checked
UNREADABLE_SHEET_CODES = frozenset({"read.sheet_missing", "read.label_moved"})
NUMERIC_KINDS = ("count", "signed", "money")
_TOLERANCE = 1e-6  # money sums in 万元 with 4–5 decimals


# -- compiled rules ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    field: str
    sign: int  # +1 or -1
    prev: bool  # taken from last year's report

    @classmethod
    def parse(cls, text: str) -> "Term":
        sign = 1
        if text.startswith("-"):
            sign, text = -1, text[1:]
        prev = text.startswith("prev:")
        return cls(text[5:] if prev else text, sign, prev)


@dataclass(frozen=True)
class Instance:
    """One instance of a declared rule, its terms resolved."""

    rule: Rule
    bindings: tuple[tuple[str, str], ...]
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right

    @property
    def cross_year(self) -> bool:
        return any(t.prev for t in self.terms)

    @property
    def key(self) -> tuple[str, str]:
        """(rule id, field of the first left term): what a native check cell is matched by."""
        return self.rule.id, self.left[0].field


@lru_cache(maxsize=None)
def instances(format_id: str) -> tuple[Instance, ...]:
    fmt = get_format(format_id)
    return tuple(
        Instance(rule, tuple(b.items()), tuple(map(Term.parse, left)), tuple(map(Term.parse, right)))
        for rule in fmt.rules
        for b, left, right in rule.instances()
    )


# -- the context of one check ------------------------------------------------------------------
@dataclass
class Context:
    report: Report
    fmt: Format
    unreadable: set[str] = field(default_factory=set)  # sheet names
    reader_fields: set[str] = field(default_factory=set)
    reader_cells: set[tuple[str | None, str | None]] = field(default_factory=set)
    reader_error_cells: set[tuple[str | None, str | None]] = field(default_factory=set)

    @classmethod
    def of(cls, report: Report) -> "Context":
        ctx = cls(report, get_format(report.format))
        for f in report.findings:
            if f.rule in UNREADABLE_SHEET_CODES and f.sheet:
                ctx.unreadable.add(f.sheet)
            if f.field:
                ctx.reader_fields.add(f.field)
            if f.cell:
                ctx.reader_cells.add((f.sheet, f.cell))
                if f.severity == "error":
                    ctx.reader_error_cells.add((f.sheet, f.cell))
        return ctx

    def readable(self, fid: str) -> bool:
        return place(self.fmt.id, fid).sheet not in self.unreadable

    def reported_by_reader(self, fid: str, errors_only: bool = False) -> bool:
        p = place(self.fmt.id, fid)
        if errors_only:
            return (p.sheet, p.cell) in self.reader_error_cells
        return fid in self.reader_fields or (p.sheet, p.cell) in self.reader_cells


def _finding(rule: str, severity: str, message: str, format_id: str, fid: str | None,
             expected=None, actual=None, cells: Iterable[str] = (), cell: str | None = None) -> Finding:
    p = place(format_id, fid) if fid else None
    return Finding(rule, severity, message, p.sheet if p else None, cell or (p.cell if p else None),
                   expected, actual, fid, tuple(cells))


# -- value kinds ---------------------------------------------------------------------------------
def check_values(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    fid_kinds = layout_of(ctx.fmt.id).fields
    for fid, f in fid_kinds.items():
        if f.kind not in NUMERIC_KINDS or f.table == "meta" or not ctx.readable(fid):
            continue
        if ctx.reported_by_reader(fid, errors_only=True):
            continue
        v = ctx.report.values.get(fid)
        where = describe(ctx.fmt.id, fid)
        kind = KIND_LABELS[f.kind]
        if isinstance(v, Invalid):
            if not ctx.reported_by_reader(fid):
                out.append(_finding("value.invalid", "error",
                                    say("value.invalid", where=where, kind=kind, raw=v.raw),
                                    ctx.fmt.id, fid, actual=v.raw))
        elif v is None:
            if f.statutory and not ctx.reported_by_reader(fid):
                out.append(_finding("value.blank", "notice", say("value.blank", where=where),
                                    ctx.fmt.id, fid, expected=0))
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            out.append(_finding("value.invalid", "error",
                                say("value.invalid", where=where, kind=kind, raw=str(v)),
                                ctx.fmt.id, fid, actual=str(v)))
        else:
            if f.kind in ("count", "money") and v < 0:
                out.append(_finding("value.negative", "error",
                                    say("value.negative", where=where, kind=kind, value=format_number(v)),
                                    ctx.fmt.id, fid, actual=v))
            if f.kind in ("count", "signed") and isinstance(v, float) and not v.is_integer():
                out.append(_finding("value.not_integer", "error",
                                    say("value.not_integer", where=where, kind=kind,
                                        value=format_number(v)),
                                    ctx.fmt.id, fid, actual=v))
    return out


# -- basic information and format ---------------------------------------------------------------
def check_meta(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for item in ctx.fmt.meta:
        fid = f"meta.{item.key}"
        if not item.required or ctx.reported_by_reader(fid) or not ctx.readable(fid):
            continue
        value = getattr(ctx.report.meta, item.key, None)
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(_finding(fid, "error", say("meta.missing", where=describe(ctx.fmt.id, fid)),
                                ctx.fmt.id, fid))
    year = ctx.report.meta.year
    if isinstance(year, int) and not ctx.fmt.accepts_year(year):
        lo, hi = ctx.fmt.years
        due = format_for_year(year)
        if not due.accepts_year(year):  # no format covers the year (e.g. before 2019)
            due = min(FORMATS.values(), key=lambda f: f.years[0])
        newer = hi is not None and year > hi
        code = "format.year_newer" if newer else "format.year_older"
        out.append(_finding("format.year", "error" if newer else "warning",
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
        out.append(_finding("prev.year", "error",
                            say("prev.year", prev=pyear, year=year, expected=year - 1),
                            ctx.fmt.id, "meta.year", expected=year - 1, actual=pyear))
    unit, punit = _unit(ctx.report.meta.unit), _unit(prev.meta.unit)
    if unit and punit and unit != punit:
        out.append(_finding("prev.unit", "error",
                            say("prev.unit", prev=prev.meta.unit.strip(), unit=ctx.report.meta.unit.strip()),
                            ctx.fmt.id, "meta.unit", expected=prev.meta.unit.strip(),
                            actual=ctx.report.meta.unit.strip()))
    return out, follows


def _unit(s: str | None) -> str:
    return "".join((s or "").split())


# -- reconciliation rules ------------------------------------------------------------------------
def check_rules(ctx: Context, prev: Report | None = None) -> list[Finding]:
    fid = ctx.fmt.id
    out: list[Finding] = []
    skipped_tables: set[str] = set()
    invalid_cells: dict[str, list[str]] = {}  # field → titles of the rules skipped for it
    prev_ctx = Context.of(prev) if prev is not None else None
    prev_fields = layout_of(prev.format).fields if prev is not None else {}
    prev_skipped: set[str] = set()
    failed: list[tuple[Finding, frozenset[str], str]] = []

    for inst in instances(fid):
        rule = inst.rule
        if inst.cross_year and prev is None:
            continue
        here = [t for t in inst.terms if not t.prev]
        bad_sheets = {place(fid, t.field).sheet for t in here} & ctx.unreadable
        if bad_sheets:
            for sheet in bad_sheets:
                if sheet not in skipped_tables:
                    skipped_tables.add(sheet)
                    table = place(fid, here[0].field).table or ""
                    out.append(Finding("rule.skipped", "notice",
                                       say("rule.skipped_table", sheet=sheet, table=table), sheet))
            continue
        # last year's terms: the field may not exist in last year's format, or not be readable
        if inst.cross_year:
            if rule.id in prev_skipped:
                continue
            reason = _prev_problem(inst, prev, prev_ctx, prev_fields, fid)
            if reason is not None:
                prev_skipped.add(rule.id)
                out.append(reason)
                continue
        values: dict[Term, int | float] = {}
        skip = False
        for t in inst.terms:
            src = prev if t.prev else ctx.report
            v = src.values.get(t.field)
            if isinstance(v, Invalid) or isinstance(v, str):
                skip = True
                if t.prev:
                    out.append(_finding("prev.invalid", "notice",
                                        say("prev.invalid", where=describe(prev.format, t.field),
                                            title=rule.title), fid, None))
                else:
                    invalid_cells.setdefault(t.field, [])
                    if rule.title not in invalid_cells[t.field]:
                        invalid_cells[t.field].append(rule.title)
            values[t] = src.number(t.field)
        if skip:
            continue
        finding = _evaluate(inst, values, fid, prev)
        if finding is not None:
            out.append(finding)
            if not inst.cross_year:
                failed.append((finding, frozenset(finding.cells), rule.title))

    for f, titles in invalid_cells.items():
        out.append(_finding("rule.skipped", "notice",
                            say("rule.skipped_invalid", where=describe(fid, f), title=say("join.titles").join(titles)),
                            fid, f))
    return _name_shared_cells(out, failed)


def _prev_problem(inst: Instance, prev: Report, prev_ctx: Context, prev_fields, fid: str) -> Finding | None:
    for t in inst.terms:
        if not t.prev:
            continue
        if t.field not in prev_fields:
            return Finding("prev.skipped", "notice",
                           say("prev.missing_field", format=get_format(prev.format).title,
                               what=describe(fid, t.field, with_cell=False), title=inst.rule.title))
        sheet = prev_fields[t.field].sheet
        if sheet in prev_ctx.unreadable:
            return Finding("prev.skipped", "notice",
                           say("prev.unreadable", sheet=sheet, title=inst.rule.title))
    return None


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0, abs_tol=_TOLERANCE)


def _evaluate(inst: Instance, values: dict[Term, int | float], fid: str,
              prev: Report | None) -> Finding | None:
    rule = inst.rule
    here = [t.field for t in inst.terms if not t.prev]
    cells = tuple(place(fid, f).ref for f in here)
    if rule.kind == "balance":
        left = sum(t.sign * values[t] for t in inst.left)
        right = sum(t.sign * values[t] for t in inst.right)
        if _close(left, right):
            return None
        common, names = common_and_names(fid, [t.field for t in inst.terms])
        n = len(inst.left)
        msg = say("rule.balance", where=common or describe(fid, inst.left[0].field),
                  left_terms=_signed_names(inst.left, names[:n]), left=format_number(left),
                  right_terms=_signed_names(inst.right, names[n:]), right=format_number(right),
                  basis=rule.basis)
        return _finding(rule.id, rule.severity, msg, fid, inst.left[0].field,
                        expected=left, actual=right, cells=cells, cell=_span(fid, here))
    # sum / carry / stock: the first left term is the target
    target = inst.left[0]
    expected = (sum(t.sign * values[t] for t in inst.right)
                - sum(t.sign * values[t] for t in inst.left[1:]))
    actual = target.sign * values[target]
    if _close(expected, actual):
        return None
    args = dict(where=describe(fid, target.field), expected=format_number(expected),
                actual=format_number(actual), basis=rule.basis)
    if rule.kind == "carry":
        prev_term = next(t for t in inst.right if t.prev)
        args["prev_where"] = describe(prev.format, prev_term.field) if prev else ""
    if rule.kind == "stock":
        others = list(inst.right) + [replace(t, sign=-t.sign) for t in inst.left[1:]]
        _, names = common_and_names(fid, [t.field for t in others])
        names = [say("place.prev", what=n) if t.prev else n for t, n in zip(others, names)]
        args["terms"] = " ".join(
            (("− " if t.sign < 0 else ("+ " if i else "")) + f"{n} {format_number(values[t] if t in values else 0)}")
            for i, (t, n) in enumerate(zip(others, names))
        )
    return _finding(rule.id, rule.severity, say(f"rule.{rule.kind}", **args), fid, target.field,
                    expected=expected, actual=actual, cells=cells)


def _signed_names(terms: tuple[Term, ...], names: list[str]) -> str:
    out = ""
    for i, (t, n) in enumerate(zip(terms, names)):
        out += ("−" if t.sign < 0 else ("+" if i else "")) + n
    return out


def _span(fid: str, fields: list[str]) -> str:
    """The smallest range covering the fields' cells (all on one sheet)."""
    coords = [parse_cell(place(fid, f).cell) for f in fields]
    a = cell_address(min(r for r, _ in coords), min(c for _, c in coords))
    b = cell_address(max(r for r, _ in coords), max(c for _, c in coords))
    return a if a == b else f"{a}:{b}"


def _name_shared_cells(out: list[Finding], failed: list[tuple[Finding, frozenset[str], str]]) -> list[Finding]:
    """When failing instances share a cell, each of their messages names it and the other rule."""
    if len(failed) < 2:
        return out
    counts: dict[str, int] = {}
    for _, cells, _ in failed:
        for c in cells:
            counts[c] = counts.get(c, 0) + 1
    replaced: dict[int, Finding] = {}
    for i, (f, cells, _) in enumerate(failed):
        notes = []
        for c in sorted(cells, key=_cell_order):
            if counts[c] < 2:
                continue
            others = [t for j, (_, oc, t) in enumerate(failed) if j != i and c in oc]
            sheet, addr = c.rsplit("!", 1)
            name = addr if sheet == f.sheet else c
            notes.append(say("rule.shared", cell=name, title=say("join.titles").join(dict.fromkeys(others))))
        if notes:
            replaced[id(f)] = replace(f, message=f.message + "".join(notes))
    return [replaced.get(id(f), f) for f in out]


def _cell_order(ref: str):
    sheet, addr = ref.rsplit("!", 1)
    return (sheet,) + parse_cell(addr)


# -- the whole check -----------------------------------------------------------------------------
def check_report(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every finding for ``report`` (the reader's included), sorted and deduplicated."""
    from .narrative import check_narrative

    ctx = Context.of(report)
    out: list[Finding] = list(report.findings)
    out += check_meta(ctx)
    out += check_values(ctx)
    follows = True
    if previous is not None:
        found, follows = check_previous_meta(ctx, previous)
        out += found
    out += check_rules(ctx, previous if follows else None)
    out += check_narrative(ctx, previous if follows else None)
    order = [s.name for s in layout_of(ctx.fmt.id).sheets]
    return sort_findings(out, order)


def _load(source: Report | str | os.PathLike) -> Report:
    if isinstance(source, Report):
        return source
    from ..reader import read_report  # late: checking an in-memory Report never needs calamine

    return read_report(source)


def check(source: Report | str | os.PathLike, previous: Report | str | os.PathLike | None = None) -> Findings:
    """Check one report (a :class:`Report` or a workbook path), optionally against last year's.

    Raises :class:`nianbao.errors.UnreadableWorkbook` when a path is not a nianbao workbook at
    all (the CLI turns that into exit code 2); everything else becomes a finding.
    """
    report = _load(source)
    prev = _load(previous) if previous is not None else None
    file = str(source) if not isinstance(source, Report) else report.source
    return Findings(check_report(report, prev), file=file)


__all__ = ["check", "check_report", "instances", "Instance", "Term", "Context",
           "UNREADABLE_SHEET_CODES"]
