"""nianbao — 政府信息公开工作年度报告：格式声明 → 工作簿 ⇄ Report → 校验 / 叙述 / Word 文档.

The public API, one call per CLI command::

    read_report(path) -> Report            # nianbao show
    new_workbook(path, "2021", year=, unit=)  # nianbao new
    write_report(report, path)             # a filled workbook from a Report
    check(report_or_path, previous=None) -> Findings   # nianbao check FILE
    check_many(inputs, previous=None) -> Iterator[Findings]  # nianbao check FILE...; never raises
    mark_workbook(path, out)               # nianbao check --mark
    render_report(report, path) -> Path    # nianbao report
    consolidate(inputs, out, units=) -> Consolidation  # nianbao merge
    merge_history(db) -> list[dict]        # nianbao merge --history
    hand_out(units, directory, year=)      # nianbao new --units -d
    read_units(path) -> list[Unit]         # the unit list, checked
    start_from_last_year(last, path) -> NextYear   # nianbao new --from (the add-in's 导入上年)
    next_year(last_report) -> NextYear     # the same in memory: this year's Report and the record
    migrate_workbook(old, path) -> Migrated        # nianbao migrate
    import_report(path) -> Imported       # nianbao import (a published .docx/.pdf/.html/.txt)
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

from .errors import NianbaoError, UnreadableWorkbook
from .findings import Finding, Findings
from .formats import FORMATS, get_format
from .layout import layout_of
from .report import MISSING, Invalid, Meta, Missing, Report

# imported on first use: writing pulls in openpyxl and the document python-docx, which reading
# and checking a province's workbooks never need
_LAZY = {
    "read_report": "reader",
    "new_workbook": "xlsx_writer",
    "write_report": "xlsx_writer",
    "check": "checks",
    "check_many": "checks",
    "plan_marks": "marks",
    "mark_workbook": "checks",
    "render_report": "document",
    "to_pdf": "libreoffice",
    "consolidate": "consolidate",
    "merge_history": "history",
    "hand_out": "units",
    "read_units": "units",
    "start_from_last_year": "yearly",
    "next_year": "yearly",
    "migrate_workbook": "migrate",
    "import_report": "importing",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'nianbao' has no attribute {name!r}")


__all__ = ["__version__", "FORMATS", "get_format", "layout_of", "Report", "Meta", "Invalid",
           "MISSING", "Missing",
           "Finding", "Findings", "NianbaoError", "UnreadableWorkbook", *_LAZY]
