"""nianbao — 政府信息公开工作年度报告：格式声明 → 工作簿 ⇄ Report → 校验 / 叙述 / Word 文档.

The public API: the actions every door calls (:mod:`nianbao.actions`), one call per command::

    read_report(path_or_bytes) -> Report   # nianbao show (a workbook)
    load(path) -> Report                   # a workbook or a published report
    new_workbook(path, "2021", year=, unit=)  # nianbao new (refuses a year the format is not for)
    write_report(report, path)             # a filled workbook from a Report
    check(report_or_path, previous=None) -> Findings   # nianbao check FILE
    check_many(inputs, previous=None) -> Iterator[Findings]  # nianbao check FILE...; never raises
    mark_workbook(path, out)               # nianbao check --mark
    plan_marks(findings, sheetnames, file) # which cells to mark and the 校验结果 rows
    publish(path, out) -> Published        # nianbao report: check → refuse or .docx → PDF
    render_report(report, path) -> Path    # the .docx of a Report, unchecked
    dismiss(path, ids, reason, out)        # nianbao dismiss
    consolidate(inputs, out, units=) -> Consolidation  # nianbao merge
    merge_history(db) -> list[dict]        # nianbao merge --history
    hand_out(units, directory, year=)      # nianbao new --units -d
    read_units(path) -> list[Unit]         # the unit list, checked
    start_from_last_year(last, path) -> NextYear   # nianbao new --from (the add-in's 导入上年)
    next_year(last_report) -> NextYear     # the same in memory: this year's Report and the record
    migrate_workbook(old, path) -> Migrated        # nianbao migrate
    import_report(path, out=None) -> Imported      # nianbao import (.docx/.pdf/.html/.txt)
    audit(inputs, xlsx=, html=) -> Audit   # nianbao audit

No call replaces an existing file unless given ``force=True``, and none ever writes over one of
its inputs (:mod:`nianbao.actions.outputs`).
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from .version import __version__

from .errors import NianbaoError, UnreadableWorkbook
from .findings import Finding, Findings
from .formats import FORMATS, get_format
from .layout import layout_of
from .report import MISSING, Invalid, Meta, Missing, Report

# imported on first use: writing pulls in openpyxl and the document python-docx, which reading
# and checking a province's workbooks never need
_LAZY: dict[str, str | tuple[str, str]] = {
    "read_report": "reader",
    "load": "actions",
    "new_workbook": "actions",
    "write_report": ("actions", "write_workbook"),
    "check": "actions",
    "check_many": "actions",
    "plan_marks": "marks",
    "mark_workbook": "actions.checking",
    "publish": "actions",
    "render_report": ("actions", "render_document"),
    "to_pdf": "libreoffice",
    "dismiss": "actions",
    "consolidate": "actions",
    "merge_history": "merge.history",
    "hand_out": "actions",
    "read_units": "merge.units",
    "start_from_last_year": "actions",
    "next_year": "yearly",
    "migrate_workbook": "actions",
    "import_report": "actions",
    "audit": "actions",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        where = _LAZY[name]
        module, attr = where if isinstance(where, tuple) else (where, name)
        return getattr(import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'nianbao' has no attribute {name!r}")


__all__ = ["__version__", "FORMATS", "get_format", "layout_of", "Report", "Meta", "Invalid",
           "MISSING", "Missing",
           "Finding", "Findings", "NianbaoError", "UnreadableWorkbook", *_LAZY]
