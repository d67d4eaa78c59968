"""What every check of one report shares: the report, its format, and what reading it found.

The rule engine, the cell and meta checks and the narrative checks all take a :class:`Context`;
none of them imports another, and :mod:`nianbao.checks.run` puts them together.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..findings import Finding, Severity, emit
from ..formats import get_format
from ..formats.model import Format
from ..layout import layout_of
from ..places import place
from ..report import MISSING, Report

# reader findings that mean "this sheet's data was not read": its table is not checked
UNREADABLE_SHEET_CODES = frozenset({"read.sheet_missing", "read.label_moved", "read.sheet_too_large"})
NUMERIC_KINDS = ("count", "signed", "money")


@dataclass
class Context:
    report: Report
    fmt: Format
    unreadable: set[str] = field(default_factory=set)  # sheet names
    reader_fields: set[str] = field(default_factory=set)
    reader_cells: set[tuple[str | None, str | None]] = field(default_factory=set)
    reader_error_cells: set[tuple[str | None, str | None]] = field(default_factory=set)
    blank_tables: set[str] = field(default_factory=set)  # tables with every cell left blank

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
        by_table: dict[str, list[str]] = {}
        for f in layout_of(ctx.fmt.id).statutory_fields():
            by_table.setdefault(f.table, []).append(f.id)
        ctx.blank_tables = {t for t, fids in by_table.items()
                            if ctx.readable(fids[0]) and all(report.values.get(k) is None for k in fids)}
        return ctx

    def blank_table(self, fid: str) -> bool:
        """The field's table was never filled in: not a table of zeros to compare with."""
        return fid.split(".", 1)[0] in self.blank_tables

    def readable(self, fid: str) -> bool:
        return place(self.fmt.id, fid).sheet not in self.unreadable

    def missing(self, fid: str) -> bool:
        """The source did not contain the value (an imported report's gap)."""
        return self.report.values.get(fid) is MISSING

    def reported_by_reader(self, fid: str, errors_only: bool = False) -> bool:
        p = place(self.fmt.id, fid)
        if errors_only:
            return (p.sheet, p.cell) in self.reader_error_cells
        return fid in self.reader_fields or (p.sheet, p.cell) in self.reader_cells


def finding(code: str, format_id: str, field_: str | None, args: Mapping[str, Any] | None = None,
            *, variant: str = "", severity: Severity | None = None, expected: Any = None,
            actual: Any = None, cells: Iterable[str] = (), cell: str | None = None,
            hints: Iterable[str] = ()) -> Finding:
    """The finding ``code`` located at a field's cell (or ``cell``, a range on the field's
    sheet), worded by the catalogue from ``args`` (:func:`nianbao.findings.emit`)."""
    p = place(format_id, field_) if field_ else None
    return emit(code, args, variant=variant, severity=severity, sheet=p.sheet if p else None,
                cell=cell or (p.cell if p else None), expected=expected, actual=actual,
                field=field_, cells=cells, hints=hints)


__all__ = ["Context", "finding", "UNREADABLE_SHEET_CODES", "NUMERIC_KINDS"]
