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

:func:`start_from_last_year` is the whole of ``nianbao new --from``; the Excel add-in's 导入上年
button can call :func:`next_year` on the report it reads and write the result into the open
workbook, or call :func:`start_from_last_year` for a new file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import NianbaoError
from .findings import Finding
from .formats import FORMATS, format_for_year, get_format
from .layout import layout_of
from .messages import say
from .report import MISSING, Invalid, Meta, Report, Value, format_number, is_number

PREV = "prev:"  # the rules' prefix for last year's terms: a recorded row is keyed by its term
_FORMAT, _YEAR, _UNIT = PREV + "format", PREV + "meta.year", PREV + "meta.unit"


@dataclass
class NextYear:
    """This year's report started from last year's, and what went into it."""

    report: Report  # meta, the carried-over cells, and the record in ``report.origin``
    previous: Report
    filled: tuple[str, ...]  # field ids filled from last year (in declaration order)
    record: tuple[tuple[str, Value | str | int | None], ...]  # rows for the hidden sheet
    # what is wrong with last year's report itself (values its published text lacks, a mix of
    # formats, sums that fail): notices about last year — nothing this year's clerk can fix
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
    kept = dict(unit=m.unit, contact=m.contact, phone=m.phone)
    kept.update({k: v for k, v in meta.items() if v})
    report = Report.empty(fmt.id, year=year + 1, **kept)
    filled = _fill_from_rules(report, previous)
    record = tuple(record_rows(previous))
    report.origin = {k: _as_recorded_text(v) for k, v in record}
    return NextYear(report, previous, filled, record, last_year_notes(previous))


def last_year_notes(previous: Report) -> tuple[Finding, ...]:
    """Last year's report's own defects as notices: what reading it found (values its text
    lacks, digits that could not be split, a mix of formats) and its declared sums that fail."""
    from .checks.run import check_report  # late: checks.run imports this module

    rules = {r.id for r in previous.spec.rules}
    found = check_report(previous)
    imported = any(f.rule == "import.missing" for f in found)  # names the cells already
    keep = [f for f in found if f.rule.startswith(("import.", "format."))
            or (f.rule == "rule.missing" and not imported)
            or (f.rule in rules and f.severity == "error")]
    return tuple(replace(f, severity="notice") for f in keep)


def _fill_from_rules(report: Report, previous: Report) -> tuple[str, ...]:
    """Fill each target that a declared rule fixes from last year's figures alone."""
    # late: nianbao.checks.run imports this module for recorded_previous
    from .checks.engine import instances

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


# -- the workbook ---------------------------------------------------------------------------------
def reference_rows(previous: Report):
    """Rows of the reference sheet: each section of last year's report with its texts."""
    from .xlsx_writer import NoteRow

    fmt = get_format(previous.format)
    rows = [NoteRow((say("yearly.h.item"), say("yearly.h.text")))]
    for section in fmt.sections:
        texts = [(t.label, previous.texts.get(t.key, "")) for t in section.texts]
        if not any(text for _, text in texts):
            continue
        rows.append(NoteRow((section.title,), heading=True))
        rows += [NoteRow((label, text)) for label, text in texts if text]
    return rows


def write_next_year(ny: NextYear, path: str | os.PathLike) -> Path:
    """Write this year's workbook: the template filled with ``ny.report``, the record on the
    hidden sheet, last year's texts on the reference sheet (atomically)."""
    from .fileio import atomic_path
    from .xlsx_writer import add_note_sheet, add_record, build_template, fill_workbook

    m = ny.report.meta
    wb = build_template(ny.report.format, year=m.year, unit=m.unit, contact=m.contact,
                        phone=m.phone)
    fill_workbook(wb, ny.report)
    add_record(wb, ny.record)
    if any(ny.previous.texts.values()):
        add_note_sheet(wb, say("yearly.sheet"),
                       say("yearly.title", year=ny.previous.meta.year), (26.0, 90.0),
                       reference_rows(ny.previous))
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def start_from_last_year(last: str | os.PathLike | Report, output: str | os.PathLike,
                         format_id: str | None = None, **meta: Any) -> NextYear:
    """``nianbao new --from LAST -o OUTPUT``: read last year's workbook, write this year's.

    Never writes over ``last``.  Raises :class:`NianbaoError` (unreadable input, no year, the
    output is the input).
    """
    from .checks.run import load
    from .fileio import same_file

    if not isinstance(last, Report) and same_file(last, output):
        raise NianbaoError("yearly.same_file", file=str(output))
    previous = load(last)
    ny = next_year(previous, format_id, **meta)
    write_next_year(ny, output)
    return ny


__all__ = ["NextYear", "next_year", "record_rows", "recorded_previous", "reference_rows",
           "write_next_year", "start_from_last_year", "PREV"]
