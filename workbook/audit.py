"""Auditing many reports at once: what an evaluator of a province's reports computes.

:func:`audit` imports or reads each input (published reports and workbooks alike) and checks
it as :func:`nianbao.checks.check_many` does — with its parts, ``check_report`` and
``unreadable``, so one bad file never stops the others — then runs the cross-year rules along
each unit's series of years, and computes the indicators evaluators use,
flagging outliers against the whole batch.  :func:`write_xlsx` and :func:`write_html` write the
same result as a workbook (a summary sheet and a sheet of every finding, filterable) and as one
self-contained page to open and print.
"""
from __future__ import annotations

import html
import math
import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .rules import instances
from .findings import SEVERITY_LABELS, Finding, Findings
from .fileio import atomic_path
from .formats.common import t3_result_rows
from .messages import say
from .report import Report
from .text.cjk import display_width, unit_key

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
            vals = [report.number(f) for f in fids]
            return None if not fids or any(v is None for v in vals) else float(sum(vals))

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

    @property
    def exit_code(self) -> int:
        """0 all clean, 1 any report has errors, 2 none could be read."""
        if self.rows and all(r.findings.unreadable for r in self.rows):
            return 2
        return 1 if any(r.findings.errors for r in self.rows) else 0

    def to_dict(self) -> list[dict]:
        return [r.to_dict() for r in self.rows]


def _load(source) -> tuple[Report, str | None]:
    """As :func:`nianbao.checks.run.load`, keeping what the importer detected."""
    from .importing import import_report, is_published
    from .reader import read_report

    if is_published(source):
        imported = import_report(source)
        return imported.report, imported.format_detected
    report = read_report(source)
    return report, report.format


def audit(sources: Iterable[str | os.PathLike], progress: Callable[[str], None] | None = None,
          jobs: int | None = None) -> Audit:
    """Check every input (never raising for a bad one), then the series and the indicators.

    ``jobs``: worker processes for reading and checking (default 1: on a machine whose cores
    are busy, workers cost more than they save); results keep the order of ``sources``.
    """
    files = [str(s) for s in sources]
    jobs = jobs or 1
    rows: list[AuditRow] = []
    if jobs > 1 and len(files) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            for row in pool.map(_check_light, files, chunksize=max(1, len(files) // (jobs * 8))):
                rows.append(row)
                if progress:
                    progress(row.file)
    else:
        for file in files:
            rows.append(_check_one(file))
            if progress:
                progress(file)
    _series(rows)
    _flag_outliers(rows)
    return Audit(rows)


def _check_one(file: str) -> AuditRow:
    """One input read (imported or a workbook) and checked; a bad one is a result too."""
    from .checks.run import check_report, unreadable
    from .errors import NianbaoError

    try:
        report, detected = _load(file)
    except NianbaoError as e:
        return AuditRow(file, unreadable(file, e), None)
    return AuditRow(file, Findings(check_report(report), file=file), report, detected,
                    {i.key: i.value(report) for i in INDICATORS},
                    unit=report.meta.unit, year=report.meta.year, format=report.format)


def _check_light(file: str) -> AuditRow:
    row = _check_one(file)
    row.report = None
    return row


def _series(rows: list[AuditRow]) -> None:
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
            for r in (row, prev):  # a worker process did not send its report back
                if r.report is None:
                    r.report = _load(r.file)[0]
            cross = {i.rule.id for i in instances(row.format) if i.cross_year}
            found = [f for f in check_rules(Context.of(row.report), prev.report) if f.rule in cross]
            row.findings.findings += [
                Finding(f.rule, f.severity, say("audit.series", prev=year - 1, year=year,
                                                message=f.message), f.sheet, f.cell,
                        f.expected, f.actual, f.field, f.cells)
                for f in found]


def _flag_outliers(rows: list[AuditRow]) -> None:
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


MAX_WIDTH = 50  # characters; longer messages wrap
LINE_HEIGHT = 15  # points, for the default 11-point font


def _lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(display_width(line) / max(1, width - 2))) for line in text.split("\n"))


def _text(cell, value) -> None:
    """A value into a cell; text is always text, never a formula (a unit named 「=…」)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def write_xlsx(audit: Audit, path: str | os.PathLike) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = say("audit.sheet.summary")
    outlier_fill = PatternFill("solid", fgColor="FFFFE699")
    error_fill = PatternFill("solid", fgColor="FFF8CBAD")
    first_ind = len(summary_headers()) - len(INDICATORS) + 1
    sheets = ((ws, summary_headers(), [summary_values(r) for r in audit.rows]),
              (wb.create_sheet(say("audit.sheet.findings")), finding_headers(),
               list(finding_rows(audit))))
    for sheet, headers, rows in sheets:
        for j, h in enumerate(headers, 1):
            _text(sheet.cell(1, j), h)
            sheet.cell(1, j).font = Font(bold=True)
        widths = [min(MAX_WIDTH, max(6, display_width(str(h)) + 2)) for h in headers]
        for values in rows[:200]:
            widths = [min(MAX_WIDTH, max(w, display_width(str(v)) + 2)) for w, v in zip(widths, values)]
        for i, values in enumerate(rows, 2):
            lines = 1
            for j, v in enumerate(values, 1):
                _text(sheet.cell(i, j), v)
                sheet.cell(i, j).alignment = Alignment(wrap_text=True, vertical="top")
                lines = max(lines, _lines(str(v), widths[j - 1]))
            # Excel and LibreOffice do not grow a row for wrapped text written by a program
            sheet.row_dimensions[i].height = LINE_HEIGHT * lines
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
        for j, w in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(j)].width = w
        # printed: landscape, one page wide, the header row on every page
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:1"
    for i, row in enumerate(audit.rows, 2):
        if row.findings.errors:
            ws.cell(i, 5).fill = error_fill
        for k, ind in enumerate(INDICATORS):
            cell = ws.cell(i, first_ind + k)
            # a number, so that sorting by it sorts by value (the text 「100.0%」 sorts first)
            cell.value = row.indicators.get(ind.key)
            cell.number_format = "0.0%"
            if ind.key in row.outliers:
                cell.fill = outlier_fill
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


_CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border:1px solid #999;padding:.3em .5em;vertical-align:top;text-align:left}
td{word-break:break-all}td.m{min-width:24em;word-break:normal}
th{background:#eee}td.n{text-align:right;white-space:nowrap}
.error{background:#f8cbad}.outlier{background:#ffe699}
@page{size:A4 landscape;margin:1.5cm}
@media print{body{margin:0}tr{page-break-inside:avoid}thead{display:table-header-group}}
"""


def write_html(audit: Audit, path: str | os.PathLike) -> Path:
    """One page, no scripts, no links to anything: styles inline, every text escaped."""
    e = html.escape
    first_ind = len(summary_headers()) - len(INDICATORS)
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{e(say('audit.title'))}</title><style>{_CSS}</style></head><body>",
           f"<h1>{e(say('audit.title'))}</h1>",
           f"<p>{e(say('audit.overview', n=len(audit.rows), errors=sum(1 for r in audit.rows if r.findings.errors)))}</p>",
           f"<h2>{e(say('audit.sheet.summary'))}</h2><table><thead><tr>"]
    out += [f"<th>{e(h)}</th>" for h in summary_headers()]
    out.append("</tr></thead><tbody>")
    for row in audit.rows:
        out.append("<tr>")
        for j, v in enumerate(summary_values(row)):
            cls = []
            if j == 4 and row.findings.errors:
                cls.append("error")
            if j >= first_ind and INDICATORS[j - first_ind].key in row.outliers:
                cls.append("outlier")
            if isinstance(v, (int, float)) or j >= first_ind:
                cls.append("n")
            if j == MESSAGE_COLUMN:
                cls.append("m")
            attr = f' class="{" ".join(cls)}"' if cls else ""
            out.append(f"<td{attr}>{e(str(v)).replace(chr(10), '<br>')}</td>")
        out.append("</tr>")
    out.append(f"</tbody></table><h2>{e(say('audit.sheet.findings'))}</h2><table><thead><tr>")
    out += [f"<th>{e(h)}</th>" for h in finding_headers()]
    out.append("</tr></thead><tbody>")
    for values in finding_rows(audit):
        out.append("<tr>" + "".join(f'<td class="m">{e(str(v))}</td>' if j == len(values) - 1
                                    else f"<td>{e(str(v))}</td>" for j, v in enumerate(values)) + "</tr>")
    out.append("</tbody></table></body></html>")
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text("".join(out), encoding="utf-8")
    return target


__all__ = ["audit", "Audit", "AuditRow", "INDICATORS", "Indicator", "write_xlsx", "write_html"]
