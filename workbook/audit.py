"""Auditing many reports at once: what an evaluator of a province's reports computes — the
indicators, the outliers against the whole batch, the cross-year rules along each unit's series
of years — and the rows every output of an audit shows.

The ``audit`` action (:mod:`nianbao.actions.auditing`) reads and checks the files;
:mod:`nianbao.audit_writer` writes the result as a workbook and as a page.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from .rules import instances
from .findings import SEVERITY_LABELS, Findings
from .formats.common import t3_result_rows
from .messages import say
from .report import Report
from .text.cjk import unit_key

FIRST_MESSAGES = 3  # messages shown in the summary row
MESSAGE_COLUMN = 6  # of the summary: the first messages
OUTLIER_Z = 3.5  # modified z-score (Iglewicz & Hoaglin) beyond which a value is an outlier
OUTLIER_MIN_REPORTS = 5  # fewer values than this say nothing about what is usual


# -- indicators -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Indicator:
    """A share evaluators compute: Σ numerator fields over Σ denominator fields."""

    key: str
    numerator: Callable[[Report], list[str]]
    denominator: Callable[[Report], list[str]]

    @property
    def title(self) -> str:
        return say(f"audit.ind.{self.key}")

    def value(self, report: Report) -> float | None:
        """None when a term is missing or the denominator is 0 (nothing to compute)."""
        def total(fids: list[str]) -> float | None:
            vals = [v for f in fids if (v := report.number(f)) is not None]
            return None if not fids or len(vals) < len(fids) else float(sum(vals))

        num, den = total(self.numerator(report)), total(self.denominator(report))
        if num is None or den is None or den == 0:
            return None
        return num / den


def _t3_rows(report: Report) -> list[str]:
    return list(t3_result_rows(report.spec.table("t3")))


def _other_rows(report: Report) -> list[str]:
    """The rows of 表三's last result group (（六）其他处理: one row in 2019, three in 2021)."""
    table = report.spec.table("t3")
    results = _t3_rows(report)
    rows = {r.key: r for r in table.blocks[0].rows}
    group = rows[results[-1]].labels[0]
    return [k for k in results if rows[k].labels[0] == group]


# 公开率: （一）予以公开 + （二）部分公开 over （七）总计 (办结); 纠错率: 复议 结果纠正 over 复议
# 总计; 其他处理占比: （六）其他处理 over （七）总计 — the results are the declared result rows
INDICATORS = (
    Indicator("disclosed", lambda r: [f"t3.{k}.total" for k in _t3_rows(r)[:2]],
              lambda r: ["t3.total.total"]),
    Indicator("corrected", lambda r: ["t4.review.corrected"], lambda r: ["t4.review.total"]),
    Indicator("other", lambda r: [f"t3.{k}.total" for k in _other_rows(r)],
              lambda r: ["t3.total.total"]),
)


# -- the audit ---------------------------------------------------------------------------------------
@dataclass
class AuditRow:
    """One input's result.  ``report`` is dropped when the row comes back from a worker process
    (sending it costs more than reading it); ``unit``, ``year`` and ``format`` stay."""

    file: str
    findings: Findings
    report: Report | None
    format_detected: str | None = None
    indicators: dict[str, float | None] = field(default_factory=dict)
    outliers: list[str] = field(default_factory=list)  # indicator keys
    unit: str = ""
    year: int | None = None
    format: str | None = None

    def first_messages(self) -> list[str]:
        ranked = sorted(self.findings, key=lambda f: ("error", "warning", "notice").index(f.severity))
        return [f.message for f in ranked if f.severity != "notice"][:FIRST_MESSAGES]

    def to_dict(self) -> dict:
        return {
            "file": self.file, "unit": self.unit, "year": self.year,
            "format": self.format,
            "format_detected": self.format_detected,
            "errors": self.findings.errors, "warnings": self.findings.warnings,
            "notices": self.findings.notices, "unreadable": self.findings.unreadable,
            "indicators": self.indicators, "outliers": self.outliers,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class Audit:
    rows: list[AuditRow]
    written: list[Path] = field(default_factory=list)  # the workbook and page written
    # files in the folders given that are not reports (the unit list, notes), not audited
    left_out: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 all clean, 1 any report has errors, 2 none could be read."""
        if self.rows and all(r.findings.unreadable for r in self.rows):
            return 2
        return 1 if any(r.findings.errors for r in self.rows) else 0

    def to_dict(self) -> list[dict]:
        return [r.to_dict() for r in self.rows]


def series(rows: list[AuditRow]) -> None:
    """The cross-year rules along each unit's years: each break names the two years."""
    from .checks.context import Context
    from .checks.engine import check_rules

    by_unit: dict[str, dict[int, AuditRow]] = {}
    for row in rows:
        if row.format and row.unit and row.year:
            by_unit.setdefault(unit_key(row.unit), {})[row.year] = row
    for years in by_unit.values():
        for year, row in years.items():
            prev = years.get(year - 1)
            if prev is None:
                continue
            if row.report is None or prev.report is None:
                continue
            cross = {i.rule.id for i in instances(row.format) if i.cross_year}
            found = [f for f in check_rules(Context.of(row.report), prev.report) if f.rule in cross]
            row.findings.findings += [
                replace(f, message=say("audit.series", prev=year - 1, year=year, message=f.message))
                for f in found]


def flag_outliers(rows: list[AuditRow]) -> None:
    for ind in INDICATORS:
        values = [(r, r.indicators.get(ind.key)) for r in rows]
        known = [v for _, v in values if v is not None]
        if len(known) < OUTLIER_MIN_REPORTS:
            continue
        med = statistics.median(known)
        mad = statistics.median(abs(v - med) for v in known)
        for row, v in values:
            if v is None:
                continue
            z = 0.6745 * abs(v - med) / mad if mad else (math.inf if abs(v - med) > 1e-9 else 0)
            if z > OUTLIER_Z:
                row.outliers.append(ind.key)


# -- outputs -----------------------------------------------------------------------------------------
def _percent(v: float | None) -> str:
    return "" if v is None else f"{v * 100:.1f}%"


def summary_headers() -> list[str]:
    return [say(f"audit.h.{k}") for k in ("file", "unit", "year", "format", "errors", "warnings",
                                          "messages")] + [i.title for i in INDICATORS]


def summary_values(row: AuditRow) -> list:
    from .importing.matcher import detected_title

    fmt = detected_title(row.format_detected) if row.format is not None else ""
    return [row.file, row.unit, row.year or "", fmt, row.findings.errors, row.findings.warnings,
            "\n".join(row.first_messages())] + [_percent(row.indicators.get(i.key)) for i in INDICATORS]


def finding_headers() -> list[str]:
    return [say(f"audit.h.{k}") for k in ("file", "unit", "year", "severity", "code", "title",
                                          "message")]


def finding_rows(audit: Audit) -> Iterable[list]:
    from .codes import title_of

    for row in audit.rows:
        for f in row.findings:
            yield [row.file, row.unit, row.year or "", SEVERITY_LABELS[f.severity], f.rule,
                   title_of(f.rule), f.message]


__all__ = ["Audit", "AuditRow", "INDICATORS", "Indicator", "series", "flag_outliers",
           "summary_headers", "summary_values", "finding_headers", "finding_rows"]
