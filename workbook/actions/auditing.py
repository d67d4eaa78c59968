"""``nianbao audit``: many reports — published ones and workbooks, files and folders — read,
checked as ``check`` checks them (one bad file never stops the others), the cross-year rules run
along each unit's series of years, the indicators computed with their outliers, and the result
written as a workbook and/or a page (:mod:`nianbao.audit`, :mod:`nianbao.audit_writer`)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from ..audit import INDICATORS, Audit, AuditRow, flag_outliers, series
from ..checks.run import check_report, unreadable
from ..errors import NianbaoError
from ..findings import Findings
from ..report import Report
from .checking import CHECKED, NOT_A_REPORT, import_published, is_published
from .inputs import expand, is_folder, left_out
from .outputs import Outputs

PathLike = str | os.PathLike[str]


def audited_kinds() -> tuple[str, ...]:
    """What a folder given to ``audit`` stands for: the workbooks and the published reports
    (Word, PDF, web pages, text) in it — not the unit list or a spreadsheet of notes."""
    from ..importing import READERS

    return (*CHECKED, *READERS)


def _load(source: str) -> tuple[Report, str | None]:
    """As :func:`nianbao.actions.check.load`, keeping the format the importer detected."""
    if is_published(source):
        imported = import_published(source)
        return imported.report, imported.format_detected
    from ..reader import read_report

    report = read_report(source)
    return report, report.format


def check_one(file: str) -> AuditRow:
    """One input read (imported or a workbook) and checked; a bad one is a result too."""
    try:
        report, detected = _load(file)
    except NianbaoError as e:
        return AuditRow(file, unreadable(file, e), None)
    return AuditRow(file, Findings(check_report(report), file=file), report, detected,
                    {i.key: i.value(report) for i in INDICATORS},
                    unit=report.meta.unit, year=report.meta.year, format=report.format)


def audit(sources: Iterable[PathLike], progress: Callable[[str], None] | None = None,
          jobs: int | None = None, *, xlsx: PathLike | None = None, html: PathLike | None = None,
          force: bool = False) -> Audit:
    """Check every input (never raising for a bad one; a folder stands for the files in it),
    then the series and the indicators; write the workbook ``xlsx`` and the page ``html`` when
    asked (decided before any work: never over an input, an existing file only with ``force``).

    ``jobs``: worker processes for reading and checking (default 1: on a machine whose cores
    are busy, workers cost more than they save); results keep the order of the files.
    """
    sources = list(sources)
    outputs = Outputs(inputs=[s for s in sources if not is_folder(s)],
                      folders=[s for s in sources if is_folder(s)], force=force)
    targets = [outputs.add(p) if p is not None else None for p in (xlsx, html)]
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
        if (row.file not in named and row.findings.unreadable
                and row.findings.findings[0].rule == NOT_A_REPORT):
            passed_over.append(Path(row.file))  # found in a folder: a unit list, an audit
            continue
        rows.append(row)
    series(rows)
    flag_outliers(rows)
    result = Audit(rows)
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
