"""A whole check of one Report: what reading found, cell and meta checks, the declared rules,
the narrative, and last year's report (given, or recorded in the workbook).

This is the one place where the checks are put together (:func:`check_report`); reading files
and checking many of them is the ``check`` action's (:mod:`nianbao.actions.checking`), which every
door calls.
"""
from __future__ import annotations

from ..dismissals import split, with_ids
from ..errors import NianbaoError
from ..findings import Finding, Findings, sort_findings
from ..layout import layout_of
from ..report import Report
from ..yearly import recorded_previous
from .cells import (BLANK_CELL_CODES, check_blank_tables, check_fees, check_meta,
                    check_previous_meta, check_values)
from .context import Context
from .engine import check_rules
from .narrative import check_narrative, stated_tables
from .yearly import check_yearly

def check_report(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every finding for ``report`` (the reader's included), sorted and deduplicated.

    Without ``previous``, last year's report recorded in the workbook (``nianbao new --from``)
    is used, so the cross-year rules run on this year's file alone.
    """
    if previous is None:
        previous = recorded_previous(report)
    ctx = Context.of(report)
    blank = {f.id for f in layout_of(ctx.fmt.id).statutory_fields() if f.table in ctx.blank_tables}
    out: list[Finding] = [f for f in report.findings
                          if not (f.rule in BLANK_CELL_CODES and f.field in blank)]
    out += check_meta(ctx)
    out += check_values(ctx)
    out += check_blank_tables(ctx, stated_tables(ctx) if ctx.blank_tables else set())
    out += check_fees(ctx)
    follows = True
    if previous is not None:
        found, follows = check_previous_meta(ctx, previous)
        out += found
    out += check_rules(ctx, previous if follows else None)
    out += check_narrative(ctx, previous if follows else None)
    out += check_yearly(ctx, previous if follows else None)
    order = [s.name for s in layout_of(ctx.fmt.id).sheets]
    return with_ids(sort_findings(out, order), report)


def unreadable(file: str | None, error: NianbaoError) -> Findings:
    """The result for an input that could not be read: one error finding, no position."""
    return Findings([Finding(error.code, "error", str(error), args=dict(error.params))],
                    file=file, unreadable=True)


def result(report: Report, found: list[Finding], file: str | None) -> Findings:
    """The result for one report: the findings its office dismissed (in the workbook) apart."""
    open_, dismissed = split(found, report)
    return Findings(open_, file=file, report=report, dismissed=dismissed)


__all__ = ["check_report", "result", "unreadable"]
