"""Checking a report: the declared reconciliation rules, value kinds, format, cross-year and
narrative ↔ table rules, as :class:`~nianbao.findings.Findings`.

``check(path_or_report, previous=None)`` checks one input and ``check_many(inputs)`` many
(never raising for a bad one); the CLI, the Excel add-in and consolidation all call these.
``mark_workbook`` writes a marked copy of a workbook, painting :func:`nianbao.marks.plan_marks`.
"""
from __future__ import annotations

from ..findings import Finding, Findings
from .run import check, check_many, check_report


def mark_workbook(source, out, findings=None, previous=None) -> Findings:
    """Write a marked copy of workbook ``source`` to ``out`` (see :mod:`nianbao.checks.marking`)."""
    from .marking import mark_workbook as mark  # openpyxl is only needed for marking

    return mark(source, out, findings, previous)


__all__ = ["check", "check_many", "check_report", "mark_workbook", "Findings", "Finding"]
