"""Auditing many reports at once: what an evaluator of a province's reports computes — the
indicators, the outliers against the whole batch, the cross-year rules along each unit's series
of years — and the rows every output of an audit shows.

What the evaluator sees of one report is two lists: what is wrong with **the report itself**
(its sums, its texts, a mix of formats), and what nianbao **could not read or check** (values
the source lacks, digits run together, a unit no title names: :data:`nianbao.codes.READING`).
A published report has no cells: its findings cite the printed tables (「表三（四）1 自然人列」,
:func:`nianbao.places.cite`), and a value it lacks is named once, with the checks it kept from
running (:func:`published_view`).

A unit's reports are linked across years by its name as the same office writes it
(:func:`nianbao.text.cjk.office_key`), or by the unit list when one is given; a report whose unit
or year was not read is listed apart (「未识别单位」), never linked (:func:`link`).

The ``audit`` action (:mod:`nianbao.actions.auditing`) reads and checks the files;
:mod:`nianbao.audit_writer` writes the result as a workbook and as a page.
"""
from __future__ import annotations

import math
import statistics
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .codes import is_reading
from .findings import SEVERITY_LABELS, SEVERITY_ORDER, Finding, Findings, emit
from .formats.common import t3_result_rows
from .messages import say
from .places import cite, cite_many, cite_row, published_places, unplaced
from .report import Report
from .rules import instances
from .text.cjk import office_key, unit_key

FIRST_MESSAGES = 3  # messages shown in the summary row
OUTLIER_Z = 3.5  # modified z-score (Iglewicz & Hoaglin) beyond which a value is an outlier
OUTLIER_MIN_REPORTS = 5  # fewer values than this say nothing about what is usual
# the importer reads no 成文日期: that a published report's is "not filled in" says nothing
# about the report (the template's wording asks the office to fill a workbook cell)
UNREAD_FROM_PUBLISHED = frozenset({"meta.document_date"})


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
        """None when a term was not read (missing, or text that is no number) or the
        denominator is 0: a share is computed from values the report gives, never from a 0
        made up for one it lacks.  A cell printed blank was read: the tables count it as 0."""
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


# -- one report as the evaluator sees it ----------------------------------------------------------
def published_view(found: Iterable[Finding], report: Report,
                   ambiguous: Iterable[Sequence[str]] = ()) -> tuple[list[Finding], list[Finding]]:
    """(what is wrong with a published report, what could not be read or checked) from its
    findings, made while :func:`nianbao.places.published_places` was on.

    * each value the source lacks is named once: one finding per table names the values (by the
      report's own places) and the checks they kept from running — not the importer's list and
      the rules' list again, and not a value whose digits ran together (its own finding says
      so: ``ambiguous``, the fields of each);
    * a unit or year no title, 落款 or page names is a reading finding (``audit.no_unit``), not
      「基本信息「填报单位」未填写」; a 成文日期 is never read from a published report;
    * no finding keeps a template cell.
    """
    about: list[Finding] = []
    reading: list[Finding] = []
    skipped: dict[str, str] = {}  # 「表三」 → the titles of the checks its missing cells skipped
    for f in found:
        if f.rule in UNREAD_FROM_PUBLISHED or f.rule == "import.missing":
            continue
        if f.rule == "rule.missing":
            if f.args["title"]:  # (a table whose missing cells no check reads skips none)
                skipped[f.args["table"]] = f.args["title"]
        elif f.rule in ("meta.unit", "meta.year"):
            reading.append(emit("audit.no_unit" if f.rule == "meta.unit" else "audit.no_year"))
        else:
            (reading if is_reading(f.rule) else about).append(unplaced(f))
    return about, _missing_once(report, {f for fs in ambiguous for f in fs}, skipped) + reading


def _missing_once(report: Report, explained: set[str], skipped: dict[str, str]) -> list[Finding]:
    missing = set(report.missing()) - explained
    if not missing:  # most reports: every value read
        return []
    out = []
    for table in report.spec.tables:
        every = _table_fields(report.format, table.key)
        gone = [f for f in every if f in missing]
        if not gone:
            continue
        short = say("place.table", number=table.title.split("、", 1)[0])
        title = skipped.get(short)
        whole = len(gone) == len(every)
        variant = "_".join(w for w, on in (("table", whole), ("unchecked", title)) if on)
        args = dict(table=table.title, n=len(gone), title=title or "")
        if not whole:
            args["cells"] = cite_many(report.format, gone)
        out.append(emit("import.missing", args, variant=variant, field=gone[0]))
    return out


@lru_cache(maxsize=None)
def _table_fields(format_id: str, table: str) -> tuple[str, ...]:
    from .formats import get_format
    from .formats.model import field_id

    t = get_format(format_id).table(table)
    return tuple(field_id(table, r, c) for b in t.blocks for r in b.rows for c in b.columns)


def workbook_view(found: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(what is wrong with a workbook, what could not be read or checked in it)."""
    about: list[Finding] = []
    reading: list[Finding] = []
    for f in found:
        (reading if is_reading(f.rule) else about).append(f)
    return about, reading


# -- the audit ---------------------------------------------------------------------------------------
@dataclass
class AuditRow:
    """One input's result: what is wrong with the report (``findings``, counted as errors and
    warnings) and what could not be read or checked (``reading``), apart.  ``unit``, ``year`` and
    ``format`` are what was read; ``series`` the unit it was linked under (:func:`link`)."""

    file: str
    findings: Findings
    report: Report | None
    format_detected: str | None = None
    indicators: dict[str, float | None] = field(default_factory=dict)
    outliers: list[str] = field(default_factory=list)  # indicator keys
    unit: str = ""
    year: int | None = None
    format: str | None = None
    reading: list[Finding] = field(default_factory=list)
    published: bool = False  # imported from a published report: it has no cells
    series: str | None = None  # the series' name; None: not linked (unit or year not read)

    def place(self, f: Finding) -> str:
        """Where a finding is: the printed report's own place (「表三（四）1 自然人列」) for a
        published report, the workbook's sheet and cell for a workbook, "" for the whole."""
        if not self.published or self.format is None:
            if f.sheet and f.cell:
                return say("audit.cell", sheet=f.sheet, cell=f.cell)
            return f.sheet or ""
        if f.rule == "import.missing":  # the whole table: the message names the values
            return say("place.table", number=str(f.args["table"]).split("、", 1)[0])
        if f.field is None:
            return ""
        if f.rule == "import.ambiguous":  # a row's digits run together
            return cite_row(self.format, f.field)
        return cite(self.format, f.field)

    @property
    def errors(self) -> int:
        """Errors about the report and errors in reading it (an unreadable file is one)."""
        return self.findings.errors + sum(1 for f in self.reading if f.severity == "error")

    def first_messages(self) -> list[str]:
        """The summary's few lines: the report's worst findings — or, for a file that could
        not be read at all, why."""
        found = self.reading if self.findings.unreadable else self.findings
        ranked = sorted(found, key=lambda f: SEVERITY_ORDER[f.severity])
        return [f.message for f in ranked if f.severity != "notice"][:FIRST_MESSAGES]

    def to_dict(self) -> dict:
        def one(f: Finding) -> dict:
            return dict(f.to_dict(), place=self.place(f))

        return {
            "file": self.file, "unit": self.unit, "year": self.year, "series": self.series,
            "format": self.format, "format_detected": self.format_detected,
            "published": self.published,
            "errors": self.findings.errors, "warnings": self.findings.warnings,
            "notices": self.findings.notices, "unreadable": self.findings.unreadable,
            "indicators": self.indicators, "outliers": self.outliers,
            "findings": [one(f) for f in self.findings],
            "reading": [one(f) for f in self.reading],
        }


@dataclass
class Series:
    """One unit's reports over the years (several in one year: the rows of each)."""

    name: str  # as the unit list names it, else as its latest report does
    rows: list[AuditRow] = field(default_factory=list)
    listed: bool = False  # on the unit list given to the audit

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.rows if r.year is not None})

    @property
    def gaps(self) -> list[int]:
        """Years between the first and the last that no report covers."""
        ys = self.years
        return [y for y in range(ys[0], ys[-1] + 1) if y not in ys] if ys else []

    def names(self) -> dict[str, list[int]]:
        """Each way the reports write the unit's name, with the years written so."""
        out: dict[str, list[int]] = {}
        for r in sorted(self.rows, key=lambda r: r.year or 0):
            years = out.setdefault(r.unit.strip(), [])
            if r.year is not None and r.year not in years:
                years.append(r.year)
        return out

    def by_year(self) -> dict[int, list[AuditRow]]:
        out: dict[int, list[AuditRow]] = {}
        for r in self.rows:
            if r.year is not None:
                out.setdefault(r.year, []).append(r)
        return dict(sorted(out.items()))

    def cross_year(self) -> int:
        """Findings of the cross-year rules along the series."""
        codes = {i.rule.id for r in self.rows if r.format for i in instances(r.format) if i.cross_year}
        return sum(1 for r in self.rows for f in r.findings if f.rule in codes)


@dataclass
class Audit:
    rows: list[AuditRow]
    written: list[Path] = field(default_factory=list)  # the workbook and page written
    series: list[Series] = field(default_factory=list)  # each unit's years (link)
    unlinked: list[AuditRow] = field(default_factory=list)  # unit or year not read
    # files in the folders given that are not reports (the unit list, notes), not audited
    left_out: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 all clean, 1 any report has errors (in itself or in reading it), 2 none could be read."""
        if self.rows and all(r.findings.unreadable for r in self.rows):
            return 2
        return 1 if any(r.errors for r in self.rows) else 0

    def to_dict(self) -> list[dict]:
        return [r.to_dict() for r in self.rows]


def link(rows: list[AuditRow], units: Sequence | None = None) -> tuple[list[Series], list[AuditRow]]:
    """Each unit's reports across years, and the reports linked to none (their unit or year was
    not read; an unreadable file is in neither).

    Reports are one unit's when their names are the same office's (:func:`office_key`).  With a
    unit list (``merge``'s: :class:`nianbao.merge.units.Unit`), a name is the list's unit it
    names exactly, else the one unit of the list it names as the same office; a list that holds
    two units one name could be (「某市人民政府」 and 「某市政府」 as two entries) is believed: those
    names link only exactly.  The list's units no report names are series without rows.
    """
    listed = list(units or ())
    exact = {unit_key(u.name): u for u in listed}
    loose: dict[str, list] = {}
    for u in listed:
        loose.setdefault(office_key(u.name), []).append(u)
    found: dict[tuple[str, str], Series] = {}
    for u in listed:
        found[("list", unit_key(u.name))] = Series(u.name, listed=True)
    unlinked: list[AuditRow] = []
    for row in rows:
        row.series = None
        if row.findings.unreadable:
            continue
        if not unit_key(row.unit) or row.year is None:
            unlinked.append(row)
            continue
        unit = exact.get(unit_key(row.unit))
        if unit is None and len(loose.get(office_key(row.unit), ())) == 1:
            unit = loose[office_key(row.unit)][0]
        if unit is not None:
            key = ("list", unit_key(unit.name))
        elif office_key(row.unit) in loose:  # the list tells these names apart
            key = ("name", unit_key(row.unit))
        else:
            key = ("name", office_key(row.unit))
        found.setdefault(key, Series(row.unit.strip())).rows.append(row)
    for s in found.values():
        if not s.listed and s.rows:  # named as its latest report names it
            s.name = max(s.rows, key=lambda r: r.year or 0).unit.strip()
        for r in s.rows:
            r.series = s.name
    return list(found.values()), unlinked


def series(rows: list[AuditRow], units: Sequence | None = None) -> tuple[list[Series], list[AuditRow]]:
    """Link each unit's reports (:func:`link`) and run the cross-year rules along its years:
    each report against each distinct report of the year before; each finding names the two
    years (and last year's file when that year has several reports that differ)."""
    from .checks.context import Context
    from .checks.engine import check_rules

    linked, unlinked = link(rows, units)
    for s in linked:
        years = s.by_year()
        for year, now in years.items():
            before = _distinct([r for r in years.get(year - 1, []) if r.report is not None])
            for row in now:
                if row.report is None or row.format is None:
                    continue
                cross = {i.rule.id for i in instances(row.format) if i.cross_year}
                for prev in before:
                    assert prev.report is not None
                    with published_places() if row.published else nullcontext():
                        found = check_rules(Context.of(row.report), prev.report)
                    prefix = (say("audit.series_file", prev=year - 1, file=Path(prev.file).name,
                                  year=year) if len(before) > 1
                              else say("audit.series_years", prev=year - 1, year=year))
                    for f in found:
                        if f.rule not in cross and f.rule not in ("prev.skipped", "prev.invalid"):
                            continue
                        f = replace(f, message=say("audit.series", years=prefix, message=f.message))
                        if row.published:
                            f = unplaced(f)
                        if is_reading(f.rule):
                            row.reading.append(f)
                        else:
                            row.findings.findings.append(f)
    return linked, unlinked


def _distinct(rows: list[AuditRow]) -> list[AuditRow]:
    """The rows whose reports differ (the same report saved as PDF and as a page is one)."""
    out: list[AuditRow] = []
    for r in rows:
        if not any(o.report == r.report for o in out):
            out.append(r)
    return out


def flag_outliers(rows: list[AuditRow]) -> None:
    """Mark each indicator far from the batch's usual value — computed from the reports whose
    value could be computed (from values they give) only."""
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


def unit_shown(row: AuditRow) -> str:
    """The unit as the outputs show it: 「未识别单位」 when none was read."""
    return row.unit.strip() or say("audit.unit_unknown")


def display_names(files: list[str]) -> dict[str, str]:
    """Each file as the outputs show it: its path below the folder all the files share."""
    import os

    if not files:
        return {}
    parents = [str(Path(f).parent) for f in files]
    try:
        common = os.path.commonpath(parents) if len(files) > 1 else parents[0]
    except ValueError:  # paths on different drives
        return {f: f for f in files}
    return {f: (os.path.relpath(f, common) if common not in ("", ".") else f) for f in files}


SUMMARY_COLUMNS = ("file", "unit", "year", "format", "errors", "warnings", "reading", "messages")


def summary_headers() -> list[str]:
    return [say(f"audit.h.{k}") for k in SUMMARY_COLUMNS] + [i.title for i in INDICATORS]


def summary_values(row: AuditRow, name: str | None = None) -> list:
    from .importing.matcher import detected_title

    fmt = detected_title(row.format_detected) if row.format is not None else ""
    return [name or row.file, unit_shown(row), row.year or "", fmt, row.findings.errors,
            row.findings.warnings, len(row.reading),
            "\n".join(row.first_messages())] + [_percent(row.indicators.get(i.key)) for i in INDICATORS]


FINDING_COLUMNS = ("file", "unit", "year", "severity", "place", "title", "message", "code")


def finding_headers() -> list[str]:
    return [say(f"audit.h.{k}") for k in FINDING_COLUMNS]


def finding_rows(audit: Audit, reading: bool = False) -> Iterable[list]:
    """One row per finding about the reports (``reading``: per finding of what could not be
    read), in the order of the files; the file as :func:`display_names` shows it."""
    from .codes import title_of

    names = display_names([r.file for r in audit.rows])
    for row in audit.rows:
        for f in (row.reading if reading else row.findings):
            yield [names[row.file], unit_shown(row), row.year or "", SEVERITY_LABELS[f.severity],
                   row.place(f), title_of(f.rule), f.message, f.rule]


SERIES_COLUMNS = ("unit", "names", "years", "gaps", "cross_year", "files")


def series_headers() -> list[str]:
    return [say(f"audit.h.series.{k}") for k in SERIES_COLUMNS]


@dataclass(frozen=True)
class SeriesLine:
    """One line of the table of units across years, as every output shows it."""

    unit: str
    known: bool  # False: 「未识别单位」
    names: tuple[tuple[str, str], ...]  # (the unit as written, its years) when written two ways
    years: str  # 「2019–2025」, 「2019、2021」, 「未收到报告」
    copies: tuple[str, ...]  # 「2021 年 2 份，内容相同」
    gaps: str
    cross_year: int | None
    files: tuple[str, ...]


def series_lines(audit: Audit) -> list[SeriesLine]:
    """One line per unit (the ways its reports write its name, its years, the years missing
    between, the cross-year findings, the files), the units a list names without a report
    among them; then one line per report whose unit or year was not read (「未识别单位」)."""
    names = display_names([r.file for r in audit.rows])
    out: list[SeriesLine] = []
    for s in sorted(audit.series, key=lambda s: (not s.rows, unit_key(s.name))):
        if not s.rows:
            out.append(SeriesLine(s.name, True, (), say("audit.series_none"), (), "", None, ()))
            continue
        written = s.names()
        copies = tuple(say("audit.series_copies", year=year, n=len(rows), same=say(
            "audit.series_same" if len(_distinct(rows)) == 1 else "audit.series_differ"))
            for year, rows in s.by_year().items() if len(rows) > 1)
        out.append(SeriesLine(
            s.name, True, tuple((n, _years(ys)) for n, ys in written.items()) if len(written) > 1 else (),
            _years(s.years), copies, say("text.and").join(map(str, s.gaps)), s.cross_year(),
            tuple(names[r.file] for r in sorted(s.rows, key=lambda r: r.year or 0))))
    for r in audit.unlinked:
        known = bool(unit_key(r.unit))
        out.append(SeriesLine(r.unit.strip() if known else say("audit.unit_unknown"), known, (),
                              str(r.year) if r.year else say("audit.series_no_year"), (), "",
                              None, (names[r.file],)))
    return out


def series_rows(audit: Audit) -> list[list]:
    """:func:`series_lines` as the workbook's rows (one cell per column)."""
    join = say("text.and")
    return [[line.unit,
             join.join(say("audit.series_name", name=n, years=y) for n, y in line.names),
             "\n".join((line.years,) + line.copies), line.gaps,
             "" if line.cross_year is None else line.cross_year, "\n".join(line.files)]
            for line in series_lines(audit)]


def _years(years: list[int]) -> str:
    """「2019–2025」 for years that follow one another, else 「2019、2021」."""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return say("audit.year_range", first=years[0], last=years[-1])
    return say("text.and").join(map(str, years))


__all__ = ["Audit", "AuditRow", "Series", "INDICATORS", "Indicator", "series", "link",
           "flag_outliers", "published_view", "workbook_view", "unit_shown", "display_names",
           "summary_headers", "summary_values", "finding_headers", "finding_rows",
           "series_headers", "series_lines", "series_rows", "SeriesLine"]
