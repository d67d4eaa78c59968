"""The rule engine: it interprets the reconciliation rules that each format declares.

Nothing here names a rule, a format or a label.  A rule's *kind* decides how it is computed and
worded (``rule.<kind>`` in the message catalogue); its terms, severity, title and basis come from
the declaration.  Four kinds look like "target = Σ terms" (``sum``, ``carry``, ``stock``,
``roll``: the first left term is the target, so a finding says 应为 X，实为 Y at the target's
cell; ``stock`` and ``roll`` name every term); ``balance`` compares two sums and names both
sides.  Terms prefixed ``prev:`` are read from last year's report and are only checked when one
is given (or recorded in the workbook: :mod:`nianbao.yearly`).

Cascades are contained: a table the reader could not read (sheet missing, labels moved) is not
checked at all; a rule instance involving a cell that is not a number is skipped, with one notice
per such cell; an instance involving a *missing* cell (not in the source) is skipped, with one
finding per table naming every missing cell; and when several failing instances share a cell
that alone explains all of them, each message names that cell and the other rule, since one
wrong entry usually breaks its row *and* its column.  Blank cells count as the format declares
(0 in the official tables), and a message about a blank target says 「未填写」.

The engine only interprets rules; :mod:`nianbao.checks.run` orchestrates a whole check.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..findings import Finding, emit
from ..formats import get_format
from ..layout import cell_address, layout_of, parse_cell
from ..messages import say
from ..places import common_and_names, describe, place, ref_name
from ..report import Invalid, Missing, Report, format_number
from ..rules import Instance, Term, instances
from .context import Context, finding

_TOLERANCE = 1e-6  # money sums in 万元 with 4–5 decimals


# -- reconciliation rules ------------------------------------------------------------------------
def check_rules(ctx: Context, prev: Report | None = None) -> list[Finding]:
    format_id = ctx.fmt.id
    out: list[Finding] = []
    skipped_tables: set[str] = set()
    invalid_cells: dict[str, list[str]] = {}  # field → titles of the rules skipped for it
    missing_cells: dict[str, dict[str, list[str]]] = {}  # sheet → field → titles skipped
    prev_ctx = Context.of(prev) if prev is not None else None
    prev_fields = layout_of(prev.format).fields if prev is not None else {}
    prev_skipped: set[str] = set()
    failed: list[_Failed] = []

    for inst in instances(format_id):
        rule = inst.rule
        if inst.cross_year and prev is None:
            continue
        bad_sheets = inst.sheets & ctx.unreadable if ctx.unreadable else None
        if bad_sheets:
            here = [t for t in inst.terms if not t.prev]
            for sheet in bad_sheets:
                if sheet not in skipped_tables:
                    skipped_tables.add(sheet)
                    table = place(format_id, here[0].field).table or ""
                    out.append(emit("rule.skipped", dict(sheet=sheet, table=table),
                                    variant="table", sheet=sheet))
            continue
        # last year's terms: the field may not exist in last year's format, or not be readable
        if inst.cross_year:
            if rule.id in prev_skipped:
                continue
            assert prev is not None and prev_ctx is not None  # skipped above without last year
            reason = _prev_problem(inst, prev, prev_ctx, prev_fields, format_id)
            if reason is not None:
                prev_skipped.add(rule.id)
                out.append(reason)
                continue
        values: dict[Term, int | float] = {}
        blank: set[Term] = set()
        skip = False
        for t in inst.terms:
            src = prev if t.prev else ctx.report
            assert src is not None  # last year's terms only in cross-year instances, see above
            v = src.values.get(t.field)
            if isinstance(v, Missing):
                skip = True
                if t.prev:
                    out.append(emit("prev.skipped", dict(where=describe(src.format, t.field),
                                                         title=rule.title)))
                else:
                    titles = missing_cells.setdefault(place(format_id, t.field).sheet, {})
                    titles.setdefault(t.field, [])
                    if rule.title not in titles[t.field]:
                        titles[t.field].append(rule.title)
            elif isinstance(v, Invalid) or isinstance(v, str):
                skip = True
                if t.prev:
                    out.append(finding("prev.invalid", format_id, None,
                                       dict(where=describe(src.format, t.field), title=rule.title)))
                else:
                    invalid_cells.setdefault(t.field, [])
                    if rule.title not in invalid_cells[t.field]:
                        invalid_cells[t.field].append(rule.title)
            else:
                if v is None:
                    blank.add(t)
                number = src.number(t.field)
                values[t] = 0 if number is None else number
                if number is None:  # a format that does not read blank as 0
                    skip = True
        if skip:
            continue
        result = _evaluate(inst, values, blank, format_id, prev)
        if result is not None:
            out.append(result)
            # a cross-year rule takes part too: its this-year cells are the ones to change
            # (「上年结转」 D7 that 上年结转校验 flags is what breaks the column's 勾稽关系)
            failed.append(_failed(inst, values, result, format_id))

    for f, skipped_by in invalid_cells.items():
        out.append(finding("rule.skipped", format_id, f,
                           dict(where=describe(format_id, f), title=say("join.titles").join(skipped_by))))
    # a missing cell no rule reads (表二's 行政事业性收费) is reported all the same: missing is
    # not zero, and no check reading it is no reason to stay silent
    fields = layout_of(format_id).fields
    for fid, v in ctx.report.values.items():
        if isinstance(v, Missing) and fid in fields:
            missing_cells.setdefault(place(format_id, fid).sheet, {}).setdefault(fid, [])
    out += [_missing_finding(format_id, sheet, by_field) for sheet, by_field in missing_cells.items()]
    return _name_shared_cells(out, failed, format_id)


def cross_year_agreement(ctx: Context, prev: Report) -> tuple[list[str], list[str]]:
    """(titles of the cross-year rules that hold, titles of those that fail) between this
    report and ``prev``, over the instances whose cells are numbers on both sides — what
    tells last year's report of the same office from another office's (``prev.unit``)."""
    prev_fields = layout_of(prev.format).fields
    held: dict[str, None] = {}
    failed: dict[str, None] = {}
    for inst in instances(ctx.fmt.id):
        if not inst.cross_year or inst.sheets & ctx.unreadable:
            continue
        values = []
        for t in inst.terms:
            if t.prev and t.field not in prev_fields:
                break
            v = (prev if t.prev else ctx.report).number(t.field)
            if v is None:
                break
            values.append(t.sign * v)
        else:
            n = len(inst.left)
            ok = _close(sum(values[:n]), sum(values[n:]))
            (held if ok else failed)[inst.rule.title] = None
    return [t for t in held if t not in failed], list(failed)


MISSING_NAMED = 8  # cells named in a message; every one is in ``cells``


def _missing_finding(format_id: str, sheet: str, by_field: dict[str, list[str]]) -> Finding:
    """One finding per table for the cells its source lacked, naming them and the rules skipped."""
    fields = list(by_field)
    names = [describe(format_id, f) for f in fields[:MISSING_NAMED]]
    titles = dict.fromkeys(t for ts in by_field.values() for t in ts)
    more = say("rule.missing_more", n=len(fields)) if len(fields) > MISSING_NAMED else ""
    first = place(format_id, fields[0])
    return emit("rule.missing", dict(table=first.table or sheet, n=len(fields),
                                     cells=say("text.and").join(names) + more,
                                     title=say("join.titles").join(titles)),
                variant="" if titles else "unchecked",
                sheet=sheet, cell=_span(format_id, fields), actual=len(fields), field=fields[0],
                cells=tuple(place(format_id, f).ref for f in fields))


def _prev_problem(inst: Instance, prev: Report, prev_ctx: Context, prev_fields,
                  format_id: str) -> Finding | None:
    for t in inst.terms:
        if not t.prev:
            continue
        if t.field not in prev_fields:
            return emit("prev.skipped", dict(format=get_format(prev.format).title,
                                             what=describe(format_id, t.field, with_cell=False),
                                             title=inst.rule.title), variant="field")
        sheet = prev_fields[t.field].sheet
        if sheet in prev_ctx.unreadable:
            return emit("prev.skipped", dict(sheet=sheet, title=inst.rule.title), variant="sheet")
    return None


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0, abs_tol=_TOLERANCE)


def _shown(value: int | float, is_blank: bool) -> str:
    """A term's value in a message: a blank cell is 「未填写」, never 「0」."""
    return say("value.unfilled") if is_blank else format_number(value)


def _evaluate(inst: Instance, values: dict[Term, int | float], blank: set[Term], format_id: str,
              prev: Report | None) -> Finding | None:
    rule = inst.rule
    if rule.kind == "balance":
        left = sum(t.sign * values[t] for t in inst.left)
        right = sum(t.sign * values[t] for t in inst.right)
        if _close(left, right):
            return None
        here, cells = _cells(inst, format_id)
        common, names = common_and_names(format_id, [t.field for t in inst.terms])
        n = len(inst.left)
        args = dict(where=common or describe(format_id, inst.left[0].field),
                    left_terms=_signed_names(inst.left, names[:n]), left=format_number(left),
                    right_terms=_signed_names(inst.right, names[n:]), right=format_number(right),
                    basis=rule.basis)
        return finding(rule.id, format_id, inst.left[0].field, args,
                       expected=left, actual=right, cells=cells, cell=_span(format_id, here))
    # sum / carry / stock: the first left term is the target
    target = inst.left[0]
    expected = (sum(t.sign * values[t] for t in inst.right)
                - sum(t.sign * values[t] for t in inst.left[1:]))
    actual = target.sign * values[target]
    if _close(expected, actual):
        return None
    _, cells = _cells(inst, format_id)
    args = dict(where=describe(format_id, target.field), expected=format_number(expected),
                actual=_shown(actual, target in blank), basis=rule.basis)
    if rule.kind == "carry":
        prev_term = next(t for t in inst.right if t.prev)
        args["prev_where"] = describe(prev.format, prev_term.field) if prev else ""
        # along a series of years the message must say which year's report it compared with
        year = prev.meta.year if prev else None
        args["prev"] = say("rule.prev_year", year=year) if year else say("rule.prev_report")
    if rule.kind in ("stock", "roll"):
        others = list(inst.right) + [replace(t, sign=-t.sign) for t in inst.left[1:]]
        _, names = common_and_names(format_id, [t.field for t in others])
        names = [say("place.prev", what=n) if t.prev else n for t, n in zip(others, names)]
        args["terms"] = " ".join(
            (("− " if t.sign < 0 else ("+ " if i else "")) + f"{n} {_shown(values.get(t, 0), t in blank)}")
            for i, (t, n) in enumerate(zip(others, names))
        )
    return finding(rule.id, format_id, target.field, args, expected=expected, actual=actual,
                   cells=cells)


def _cells(inst: Instance, format_id: str) -> tuple[list[str], tuple[str, ...]]:
    """This year's fields of a failing instance and their ``sheet!A1`` refs (named only when
    an instance fails: most pass)."""
    here = [t.field for t in inst.terms if not t.prev]
    return here, tuple(place(format_id, f).ref for f in here)


def _signed_names(terms: tuple[Term, ...], names: list[str]) -> str:
    out = ""
    for i, (t, n) in enumerate(zip(terms, names)):
        out += ("−" if t.sign < 0 else ("+" if i else "")) + n
    return out


def _span(format_id: str, fields: list[str]) -> str:
    """The smallest range covering the fields' cells (all on one sheet)."""
    coords = [parse_cell(place(format_id, f).cell) for f in fields]
    a = cell_address(min(r for r, _ in coords), min(c for _, c in coords))
    b = cell_address(max(r for r, _ in coords), max(c for _, c in coords))
    return a if a == b else f"{a}:{b}"


@dataclass(frozen=True)
class _Failed:
    """A failing instance: Σ left − Σ right = ``residual`` (0 when it holds), and how much each
    of its cells weighs in that difference."""

    finding: Finding
    title: str
    residual: float
    weights: dict[str, int]


def _failed(inst: Instance, values: dict[Term, int | float], result: Finding, format_id: str) -> _Failed:
    weights: dict[str, int] = {}
    for side, terms in ((1, inst.left), (-1, inst.right)):
        for t in terms:
            if t.prev:  # last year's figure is given, not a cell of this workbook
                continue
            ref = place(format_id, t.field).ref
            weights[ref] = weights.get(ref, 0) + side * t.sign
    residual = (sum(t.sign * values[t] for t in inst.left)
                - sum(t.sign * values[t] for t in inst.right))
    return _Failed(result, inst.rule.title, residual, weights)


def _explains(cell: str, through: list[_Failed]) -> bool:
    """One change of ``cell`` alone would make every failing instance through it hold."""
    changes = [-f.residual / f.weights[cell] for f in through if f.weights.get(cell)]
    return len(changes) == len(through) and all(_close(c, changes[0]) for c in changes)


def _name_shared_cells(out: list[Finding], failed: list[_Failed], format_id: str) -> list[Finding]:
    """When failing instances share a cell that alone explains every one of them through it —
    and no other shared cell of theirs does — each message names it and the other rule.

    Two unrelated typos break four rules whose rows and columns cross at cells that hold no
    typo; such a crossing cell is named only if one change of it would repair both rules, and
    even then not when another cell of the same rules would too (the typo could be either)."""
    if len(failed) < 2:
        return out
    through: dict[str, list[_Failed]] = {}
    for f in failed:
        for c in f.weights:
            through.setdefault(c, []).append(f)
    shared = {c for c, fs in through.items() if len(fs) >= 2}
    explaining = {c for c in shared if _explains(c, through[c])}
    named = {c for c in explaining
             if all(not (explaining - {c}) & set(f.weights) for f in through[c])}
    replaced: dict[int, Finding] = {}
    for f in failed:
        notes, hints = [], []
        for c in sorted(named & set(f.weights), key=_cell_order):
            others = [o.title for o in through[c] if o is not f]
            name = ref_name(format_id, c, f.finding.sheet)
            notes.append(say("rule.shared", cell=name, title=say("join.titles").join(dict.fromkeys(others))))
            hints.append(c)
        if notes:
            # the cells the message asks to check first are marked too (Finding.hints)
            replaced[id(f.finding)] = replace(f.finding, message=f.finding.message + "".join(notes),
                                              hints=tuple(hints))
    return [replaced.get(id(f), f) for f in out]


def _cell_order(ref: str):
    sheet, addr = ref.rsplit("!", 1)
    return (sheet,) + parse_cell(addr)


__all__ = ["check_rules", "cross_year_agreement"]
