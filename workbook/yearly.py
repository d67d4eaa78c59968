"""Start this year's workbook from last year's, and remember last year inside it.

Every report continues the one before: this year's 上年结转 is last year's 结转下年度继续办理, a
stock of documents rolls forward.  :func:`next_year` makes this year's report from last year's:

* year + 1, the same unit and contacts, the format for that year;
* every cell that a declared cross-year rule fixes from last year's figures alone (a rule whose
  right-hand terms are all ``prev:``, such as ``t3.carry``) filled with them — nothing here names
  such a cell, the rules say which;
* last year's figures and texts *recorded*: rows ``prev:<field id>`` on the hidden sheet, keyed
  by the very term the rules use to read them, so the cross-year rules, the repetition share
  and the year-on-year jumps run on this year's workbook alone (:func:`recorded_previous`,
  which :func:`nianbao.checks.run.check_report` uses when no previous report is given);
* last year's section texts on a reference sheet for people (never in this year's sections).

:func:`nianbao.start_from_last_year` (the ``next_year`` action) reads last year's file and writes
this year's workbook: ``nianbao new --from``, the add-in's 导入上年, the server's
``/api/next-year``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import NianbaoError
from .findings import Finding
from .formats import FORMATS, format_for_year, get_format
from .layout import layout_of
from .report import MISSING, Invalid, Meta, Report, Value, format_number, is_number
from .rules import instances

PREV = "prev:"  # the rules' prefix for last year's terms: a recorded row is keyed by its term
_FORMAT, _YEAR, _UNIT = PREV + "format", PREV + "meta.year", PREV + "meta.unit"


@dataclass
class NextYear:
    """This year's report started from last year's, and what went into it."""

    report: Report  # meta, the carried-over cells, and the record in ``report.origin``
    previous: Report
    filled: tuple[str, ...]  # field ids filled from last year (in declaration order)
    record: tuple[tuple[str, Value | str | int | None], ...]  # rows for the hidden sheet
    path: Path | None = None  # the workbook written, once it is (nianbao.actions.yearly)
    # what is wrong with last year's report itself (values its published text lacks, a mix of
    # formats, sums that fail): notices about last year — nothing this year's clerk can fix
    # (nianbao.actions.yearly.last_year_notes)
    notes: tuple[Finding, ...] = ()


def next_year(previous: Report, format_id: str | None = None, **meta: Any) -> NextYear:
    """This year's report from last year's ``previous``; ``meta`` overrides unit, contact, phone.

    Raises :class:`NianbaoError` when last year's report has no year.
    """
    year = previous.meta.year
    if not isinstance(year, int):
        raise NianbaoError("yearly.no_year", file=previous.source or "")
    fmt = get_format(format_id) if format_id else format_for_year(year + 1)
    m = previous.meta
    kept: dict[str, Any] = dict(unit=m.unit, contact=m.contact, phone=m.phone)
    kept.update({k: v for k, v in meta.items() if v})
    report = Report.empty(fmt.id, year=year + 1, **kept)
    filled = _fill_from_rules(report, previous)
    record = tuple(record_rows(previous))
    report.origin = {k: _as_recorded_text(v) for k, v in record}
    return NextYear(report, previous, filled, record)


def _fill_from_rules(report: Report, previous: Report) -> tuple[str, ...]:
    """Fill each target that a declared rule fixes from last year's figures alone."""
    prev_fields = layout_of(previous.format).fields
    filled = []
    for inst in instances(report.format):
        target = inst.left[0]
        if len(inst.left) != 1 or target.prev or target.sign < 0 or not inst.right:
            continue
        if not all(t.prev and t.field in prev_fields for t in inst.right):
            continue
        values = [previous.values.get(t.field, MISSING) for t in inst.right]
        if not all(is_number(v) or v is None for v in values) or all(v is None for v in values):
            continue  # missing or text last year, or nothing entered: leave the cell to the clerk
        report[target.field] = sum(t.sign * (previous.number(t.field) or 0) for t in inst.right)
        filled.append(target.field)
    return tuple(filled)


# -- the record on the hidden sheet ----------------------------------------------------------------
def record_rows(previous: Report) -> list[tuple[str, Value | str | int | None]]:
    """Last year's format, year, unit, every value it had and every text it wrote, as
    ``prev:<id>`` rows.  A value missing from last year's source is not recorded (so it stays
    missing, not 0); text in a number cell is recorded as the text."""
    rows: list[tuple[str, Value | str | int | None]] = [
        (_FORMAT, previous.format), (_YEAR, previous.meta.year), (_UNIT, previous.meta.unit)]
    rows += [(PREV + fid, v) for fid, v in previous.values.items() if v is not MISSING]
    rows += [(PREV + fid, t) for fid, t in previous.texts.items() if t]
    return rows


def _as_recorded_text(v: object) -> str:
    """A recorded value as the reader gives it back from the hidden sheet."""
    if v is None:
        return ""
    if isinstance(v, (int, float, Invalid)) and not isinstance(v, bool):
        return format_number(v)
    return str(v)


def recorded_previous(report: Report) -> Report | None:
    """Last year's report as recorded in this one's workbook, or None when none was recorded.

    Only what was recorded is there: every other cell is missing (the rules that need it say
    so), never 0.
    """
    rows = {k[len(PREV):]: v for k, v in report.origin.items() if k.startswith(PREV)}
    fmt_id = rows.get("format", "")
    if fmt_id not in FORMATS:
        return None
    year = rows.get("meta.year", "")
    prev = Report.empty(fmt_id, missing=True)
    prev.meta = Meta(unit=rows.get("meta.unit", ""), year=int(year) if year.isdigit() else None)
    prev.source = report.source
    fields = layout_of(fmt_id).fields
    for fid, text in rows.items():
        f = fields.get(fid)
        if f is None or f.table == "meta":
            continue
        if f.kind == "text":
            prev.texts[fid] = text
        else:
            prev.values[fid] = _recorded_value(text, f.kind)
    return prev


def _recorded_value(text: str, kind: str) -> Value:
    # rows we wrote ourselves: a plain number, blank, or a clerk's text kept verbatim
    if text == "":
        return None
    try:
        x = float(text)
    except ValueError:
        return Invalid(text)
    return int(x) if kind != "money" and x.is_integer() else x


__all__ = ["NextYear", "next_year", "record_rows", "recorded_previous", "PREV"]
