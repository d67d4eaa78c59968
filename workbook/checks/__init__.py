"""Checking a report: the declared reconciliation rules, value kinds, format, cross-year and
narrative ↔ table rules, as :class:`~nianbao.findings.Finding` records.

:func:`check_report` checks one Report in memory; :func:`nianbao.check` and
:func:`nianbao.check_many` (the ``check`` action) read files and call it.
"""
from __future__ import annotations

from ..findings import Finding, Findings
from .run import check_report

__all__ = ["check_report", "Findings", "Finding"]
