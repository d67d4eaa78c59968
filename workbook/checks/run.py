"""A whole check: reading, cell and meta checks, the declared rules, the narrative, and last
year's report (given, or recorded in the workbook) — for one input (:func:`check`) or many
(:func:`check_many`).

This is the one place where a check run is put together; the CLI, the Excel add-in,
consolidation and audit all call it.  :func:`check_many` never raises for a bad input: a file
that cannot be read is a result with one error finding (like frictionless' ``validate``), so one
bad file never stops a batch.
"""
from __future__ import annotations

import os
from typing import Iterable, Iterator, Union

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

Source = Union[Report, str, os.PathLike]


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


def _result(report: Report, found: list[Finding], file: str | None) -> Findings:
    """The result for one report: the findings its office dismissed (in the workbook) apart."""
    open_, dismissed = split(found, report)
    return Findings(open_, file=file, report=report, dismissed=dismissed)


def load(source: Source) -> Report:
    """A Report from a Report, a workbook path or a published report (.docx/.pdf/.html/.txt,
    imported); raises :class:`UnreadableWorkbook`."""
    if isinstance(source, Report):
        return source
    from ..importing import import_report, is_published

    if is_published(source):
        return import_report(source).report
    from ..reader import read_report  # late: checking an in-memory Report never needs calamine

    return read_report(source)


def check(source: Source, previous: Source | None = None) -> Findings:
    """Check one report (a :class:`Report` or a workbook path), optionally against last year's.

    Raises :class:`nianbao.errors.UnreadableWorkbook` when a path is not a nianbao workbook at
    all; :func:`check_many` turns that into a result instead.
    """
    report = load(source)
    prev = load(previous) if previous is not None else None
    file = str(source) if not isinstance(source, Report) else report.source
    return _result(report, check_report(report, prev), file)


def unreadable(file: str | None, error: NianbaoError) -> Findings:
    """The result for an input that could not be read: one error finding, no position."""
    return Findings([Finding(error.code, "error", str(error))], file=file, unreadable=True)


def check_many(sources: Iterable[Source], previous: Source | None = None) -> Iterator[Findings]:
    """One :class:`Findings` per input, in order; never raises for a bad input.

    ``previous`` (last year's report) is read once; when it cannot be read, every result gets
    that one error finding and the cross-year rules are not run.
    """
    prev: Report | None = None
    prev_problem: Finding | None = None
    if previous is not None:
        try:
            prev = load(previous)
        except NianbaoError as e:
            from ..messages import say

            prev_problem = Finding("prev.unreadable", "error",
                                   say("cli.previous_failed", message=str(e)))
    for source in sources:
        file = str(source) if not isinstance(source, Report) else source.source
        try:
            report = load(source)
        except NianbaoError as e:
            yield unreadable(file, e)
            continue
        found = check_report(report, prev)
        if prev_problem is not None:
            found = [prev_problem, *found]
        yield _result(report, found, file)


__all__ = ["check", "check_many", "check_report", "load", "unreadable", "Source"]
