"""``nianbao audit``: many reports — published ones and workbooks, files and folders — read,
checked as ``check`` checks them (one bad file never stops the others), the cross-year rules run
along each unit's series of years, the indicators computed with their outliers, and the result
written as a workbook and/or a page (:mod:`nianbao.audit`, :mod:`nianbao.audit_writer`)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..audit import (INDICATORS, Audit, AuditRow, flag_outliers, published_view, series,
                     workbook_view)
from ..checks.run import check_report, unreadable
from ..errors import NianbaoError
from ..findings import Findings
from ..merge.units import Unit, units_from
from .checking import CHECKED, NOT_A_REPORT, import_published, is_published
from .inputs import expand, is_folder, left_out
from .outputs import Outputs

PathLike = str | os.PathLike[str]


def audited_kinds() -> tuple[str, ...]:
    """What a folder given to ``audit`` stands for: the workbooks and the published reports
    (Word, PDF, web pages, text) in it — not the unit list or a spreadsheet of notes."""
    from ..importing import READERS

    return (*CHECKED, *READERS)


def check_one(file: str) -> AuditRow:
    """One input read (imported or a workbook) and checked, its findings parted into what is
    wrong with the report and what could not be read; a bad input is a result too."""
    from ..places import published_places

    try:
        if is_published(file):
            imported = import_published(file)
            report, detected = imported.report, imported.format_detected
            # an imported report has no cells: its findings name the printed report's places
            with published_places():
                found = check_report(report)
            about, reading = published_view(found, report, [a.fields for a in imported.ambiguous])
        else:
            from ..reader import read_report

            report = read_report(file)
            detected = report.format
            about, reading = workbook_view(check_report(report))
    except NianbaoError as e:
        return AuditRow(file, Findings([], file=file, unreadable=True), None,
                        reading=list(unreadable(file, e)))
    return AuditRow(file, Findings(about, file=file), report, detected,
                    {i.key: i.value(report) for i in INDICATORS},
                    unit=report.meta.unit, year=report.meta.year, format=report.format,
                    reading=reading, published=is_published(file))


def audit(sources: Iterable[PathLike], progress: Callable[[str], None] | None = None,
          jobs: int | None = None, *, xlsx: PathLike | None = None, html: PathLike | None = None,
          force: bool = False, units: PathLike | Sequence[Unit] | None = None) -> Audit:
    """Check every input (never raising for a bad one; a folder stands for the files in it),
    then each unit's series of years and the indicators; write the workbook ``xlsx`` and the
    page ``html`` when asked (decided before any work: never over an input, an existing file
    only with ``force``).

    ``units``: a unit list (as ``merge`` takes it: a file, or :class:`Unit` s) by which a unit's
    reports are linked across years; its units without a report are listed.
    ``jobs``: worker processes for reading and checking (default 1: on a machine whose cores
    are busy, workers cost more than they save); results keep the order of the files.
    """
    sources = list(sources)
    unit_file = [units] if isinstance(units, (str, os.PathLike)) else []
    outputs = Outputs(inputs=[s for s in sources if not is_folder(s)] + unit_file,
                      folders=[s for s in sources if is_folder(s)], force=force)
    targets = [outputs.add(p) if p is not None else None for p in (xlsx, html)]
    listed = units_from(units) if units is not None else None
    written = [t for t in targets if t is not None]
    kinds = audited_kinds()
    files = [str(f) for f in expand(sources, skip=written, kinds=kinds)]
    if not files:  # folders holding no report: nothing to audit is not a clean audit
        raise NianbaoError("audit.nothing", folders="、".join(map(str, sources)))
    from ..parallel import parallel_map

    named = {str(s) for s in sources if not is_folder(s)}
    rows: list[AuditRow] = []
    passed_over = left_out(sources, kinds, skip=written)
    for row in parallel_map(check_one, files, n=jobs or 1):
        if progress:
            progress(row.file)
        # an unreadable file's finding is what could not be read (check_one keeps it apart)
        if (row.file not in named and row.findings.unreadable
                and any(f.rule == NOT_A_REPORT for f in row.reading)):
            passed_over.append(Path(row.file))  # found in a folder: a unit list, an audit
            continue
        rows.append(row)
    linked, unlinked = series(rows, listed)
    flag_outliers(rows)
    result = Audit(rows, series=linked, unlinked=unlinked)
    result.left_out = passed_over
    if targets[0] is not None or targets[1] is not None:
        from ..audit_writer import write_html, write_xlsx

        if targets[0] is not None:
            write_xlsx(result, targets[0])
        if targets[1] is not None:
            write_html(result, targets[1])
    result.written = [t for t in targets if t is not None]
    return result


__all__ = ["audit", "check_one", "audited_kinds"]
