"""Starting this year's workbook from last year's (``nianbao new --from``, the add-in's 导入上年,
the server's ``/api/next-year``): last year's workbook or published report read, this year's
workbook written with 上年结转 filled and last year recorded (:mod:`nianbao.yearly`)."""
from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from ..checks.run import check_report
from ..findings import Finding
from ..formats import get_format
from ..messages import say
from ..report import Report
from ..yearly import NextYear, next_year
from .checking import Upload, is_published, load, paths
from .outputs import Outputs

PathLike = str | os.PathLike[str]


def reference_rows(previous: Report) -> list[Any]:
    """Rows of the reference sheet: each section of last year's report with its texts."""
    from ..xlsx_writer import NoteRow

    fmt = get_format(previous.format)
    rows = [NoteRow((say("yearly.h.item"), say("yearly.h.text")))]
    for section in fmt.sections:
        texts = [(t.label, previous.texts.get(t.key, "")) for t in section.texts]
        if not any(text for _, text in texts):
            continue
        rows.append(NoteRow((section.title,), heading=True))
        rows += [NoteRow((label, text)) for label, text in texts if text]
    return rows


def write_next_year(ny: NextYear, path: PathLike) -> Path:
    """Write this year's workbook: the template filled with ``ny.report``, the record on the
    hidden sheet, last year's texts on the reference sheet (atomically)."""
    from ..xlsx_writer import add_note_sheet, add_record, build_template, fill_workbook, save_workbook

    m = ny.report.meta
    wb = build_template(ny.report.format, year=m.year, unit=m.unit, contact=m.contact,
                        phone=m.phone)
    fill_workbook(wb, ny.report)
    add_record(wb, ny.record)
    if any(ny.previous.texts.values()):
        add_note_sheet(wb, say("yearly.sheet"),
                       say("yearly.title", year=ny.previous.meta.year), (26.0, 90.0),
                       reference_rows(ny.previous))
    return save_workbook(wb, path)


def start_from_last_year(last: PathLike | Report | Upload, output: PathLike, format_id: str | None = None,
                         *, force: bool = False, free: bool = False, **meta: Any) -> NextYear:
    """Read last year's workbook or published report, write this year's to ``output``.

    Never writes over ``last``; refuses an existing ``output`` unless ``force`` (``free``: a
    free name beside it).  ``NextYear.path`` is the file written."""
    target = Outputs(inputs=paths(last), force=force, free=free).add(output)
    previous = load(last)
    ny = next_year(previous, format_id, **meta)
    shown = last.name if isinstance(last, Upload) else "" if isinstance(last, Report) else str(last)
    ny.notes = last_year_notes(previous, published=bool(shown) and is_published(shown))
    ny.path = write_next_year(ny, target)
    return ny


def last_year_notes(previous: Report, *, published: bool = False) -> tuple[Finding, ...]:
    """Last year's report's own defects: what reading it found (values its text lacks, digits
    that could not be split, a mix of formats) and its declared sums that fail.  They are about
    last year — a door shows them as notices about last year's report, never as this year's
    errors (they keep their own codes and severities, as the catalogue gives them).
    ``published``: last year is a published report (Word, PDF, a page): the notes cite its own
    tables, rows and columns, never a template cell it does not have (as ``audit`` does)."""
    from ..places import published_places, unplaced

    rules = {r.id for r in previous.spec.rules}
    with published_places() if published else nullcontext():
        found = check_report(previous)
    imported = any(f.rule == "import.missing" for f in found)  # names the cells already
    notes = (f for f in found if f.rule.startswith(("import.", "format."))
             or (f.rule == "rule.missing" and not imported)
             or (f.rule in rules and f.severity == "error"))
    return tuple(unplaced(f) for f in notes) if published else tuple(notes)


__all__ = ["start_from_last_year", "write_next_year", "reference_rows", "last_year_notes"]
