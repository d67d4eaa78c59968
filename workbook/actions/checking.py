"""Reading and checking files — what ``nianbao show``, ``check``, ``check --mark``, the add-in's
校验, the web server's ``/api/check`` and every other action that needs a Report call.

:func:`load` is the one way a path (or the bytes of an upload) becomes a Report: a workbook
through the one reader, a published report (.docx/.pdf/.html/.txt) through the importer.  So
``check --previous last.txt`` and ``report --previous last.txt`` accept the same files.
:func:`check_many` never raises for a bad input: a file that cannot be read is a result with one
error finding (like frictionless' ``validate``), so one bad file never stops a batch.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Union

from ..checks.run import check_report, result, unreadable
from ..errors import NianbaoError
from ..findings import Finding, Findings, emit
from ..report import Report
from .inputs import expand, is_folder
from .inputs import left_out as left
from .outputs import Outputs

if TYPE_CHECKING:  # loaded by the calls that mark or paint, not by every check
    from ..marks import MarkPlan
    from ..painting import Painting



@dataclass(frozen=True)
class Upload:
    """A file whose bytes are already in memory — an upload to the web server, a copy an
    add-in sends — and the name it is known by.  Every action that reads a file takes one.
    The name is only shown (``Findings.file``, the title of 校验结果) and its suffix says which
    reader applies; it is never opened or used as a path."""

    name: str
    data: bytes = field(repr=False)


Source = Union[Report, Upload, str, os.PathLike[str]]


# what a folder given to ``check`` stands for: the workbooks in it
CHECKED = (".xlsx", ".xlsm")

def paths(*sources: Any) -> list[Any]:
    """The sources that are files on disk (what the output rule must never write over)."""
    return [s for s in sources if isinstance(s, (str, os.PathLike))]


def name_of(source: Source) -> str | None:
    """The name a source is shown by."""
    if isinstance(source, Report):
        return source.source
    if isinstance(source, Upload):
        return source.name
    return str(source)


def is_published(source: str | os.PathLike[str]) -> bool:
    from ..importing import READERS

    return Path(source).suffix.lower() in READERS


def load(source: Source, *, data: bytes | None = None) -> Report:
    """A Report from a Report, a workbook or a published report (.docx/.pdf/.html/.txt,
    imported); ``data``: the file's bytes when they are already in memory (an upload), and
    ``source`` is then only its name.  Raises :class:`nianbao.UnreadableWorkbook`."""
    if isinstance(source, Report):
        return source
    if isinstance(source, Upload):
        return load(source.name, data=source.data)
    if is_published(source):
        return import_published(source, data).report
    from ..reader import read_report  # late: checking an in-memory Report never needs calamine

    if data is not None:
        return read_report(data, name=str(source))
    return read_report(source)


def import_published(source: str | os.PathLike[str], data: bytes | None = None) -> Any:
    """A published report imported; ``data``: its bytes (an upload: ``source`` is then only
    the name it is shown by, never opened)."""
    from ..importing import import_report

    if data is None:
        return import_report(source)
    return import_report(data, name=str(source))


def load_grids(grids: dict[str, list[list[Any]]], source: str = "",
               sheet_names: Iterable[str] | None = None) -> Report:
    """A Report from sheet name → rows of cell values, as a spreadsheet program hands an open
    workbook over (the add-ins; ``sheet_names``: every sheet it has); raises
    :class:`nianbao.UnreadableWorkbook`."""
    from ..reader import report_from_grids

    return report_from_grids(grids, source=source, sheet_names=sheet_names)


def plan_painting(findings: Findings, file_name: str | None = None) -> tuple[MarkPlan, Painting]:
    """What a check (its ``report`` included) means for the workbook it read: the marking plan
    (the cells ``check --mark`` marks, the 校验结果 rows) and the steps a painter of the open
    workbook carries out (:mod:`nianbao.painting`) — the xlwings add-in, the WPS add-in and the
    server's ``/api/check`` all take them from here."""
    report = findings.report
    if report is None:
        raise ValueError("plan_painting needs the check of a report, not of an unreadable file")
    from ..marks import plan_marks
    from ..painting import painting

    names = list(report.sheet_names) or None
    marks = plan_marks(findings, names,
                       file_name if file_name is not None else Path(report.source or "").name)
    return marks, painting(marks, report, names)


def load_ranges(ranges: Iterable[list[list[Any]]]) -> tuple[Report, dict[str, list[list[Any]]]]:
    """A Report from bare ranges — each a sheet's cells from A1, without its name, as a
    worksheet function receives them — recognised by the labels they hold; also the ranges
    by sheet name.  Raises :class:`nianbao.UnreadableWorkbook` when none is a sheet of any
    format."""
    from ..reader import identify_grids, report_from_grids

    _, grids = identify_grids(ranges)
    return report_from_grids(grids), grids


def check(source: Source, previous: Source | None = None) -> Findings:
    """Check one report (a :class:`Report`, a workbook or a published report), optionally
    against last year's.  Raises :class:`nianbao.UnreadableWorkbook` when ``source`` cannot be
    read at all; :func:`check_many` turns that into a result instead."""
    report = load(source)
    prev = load(previous) if previous is not None else None
    file = report.source if isinstance(source, Report) else name_of(source)
    return result(report, check_report(report, prev), file)


def _previous(previous: Source | None) -> tuple[Report | None, Finding | None]:
    if previous is None:
        return None, None
    try:
        return load(previous), None
    except NianbaoError as e:
        return None, emit("prev.unreadable", dict(message=str(e)))


def check_many(sources: Iterable[Source], previous: Source | None = None, *,
               left_out: list[Path] | None = None) -> Iterator[Findings]:
    """One :class:`Findings` per input, in order; never raises for a bad input.  A folder among
    ``sources`` stands for the report workbooks in it (:func:`nianbao.actions.inputs.expand`):
    files of other kinds (the unit list as .csv, notes, the Word and PDF reports written beside
    the workbooks) and workbooks that are no nianbao workbook at all (a unit list, an audit's
    result) are passed over — appended to ``left_out`` when given, for saying so.  A file named
    itself is always checked (a published report is imported).

    ``previous`` (last year's report) is read once; when it cannot be read, every result gets
    that one error finding and the cross-year rules are not run.
    """
    sources = list(sources)
    named = [s for s in sources if not isinstance(s, (Report, Upload))]
    if left_out is not None:
        left_out += left(named, CHECKED)
    prev, prev_problem = _previous(previous)
    for source, in_folder in _sources(sources):
        file = name_of(source)
        try:
            report = load(source)
        except NianbaoError as e:
            if in_folder and e.code == NOT_A_REPORT:
                if left_out is not None:
                    left_out.append(Path(file or ""))
                continue
            yield unreadable(file, e)
            continue
        found = check_report(report, prev)
        if prev_problem is not None:
            found = [prev_problem, *found]
        yield result(report, found, file)


# what a workbook found in a folder is when it is not a report (a unit list, an audit's result)
NOT_A_REPORT = "file.not_nianbao"


def _sources(sources: Iterable[Source]) -> Iterator[tuple[Source, bool]]:
    """Each source, a folder as its workbooks; with whether it was found in a folder."""
    for s in sources:
        if isinstance(s, (Report, Upload)) or not is_folder(s):
            yield s, False
        else:
            yield from ((f, True) for f in expand([s], kinds=CHECKED))


def mark(source: str | os.PathLike[str] | Upload, out: str | os.PathLike[str], *,
         previous: Source | None = None, findings: Findings | None = None,
         force: bool = False, free: bool = False) -> tuple[Findings, Path]:
    """``check --mark``: check ``source`` and write a marked copy to ``out`` — faulty cells
    filled and commented, a 校验结果 sheet (:func:`nianbao.plan_marks`, painted with openpyxl).
    Returns the findings and the path written.  ``findings``: a check already made."""
    outputs = Outputs(inputs=paths(source, previous), force=force, free=free)
    target = outputs.add(out)
    if findings is None:
        findings = check(source, previous)
    from ..xlsx_marks import paint_marked_copy

    if isinstance(source, Upload):
        import io

        paint_marked_copy(io.BytesIO(source.data), target, findings, name=source.name)
    else:
        paint_marked_copy(source, target, findings)
    return findings, target


def plan(findings: Findings, sheetnames: Iterable[str] | None = None) -> MarkPlan:
    """The marking plan of a check (:func:`nianbao.plan_marks`): the cells to colour and the
    校验结果 rows, for a door that paints them itself (an add-in) or sends them on (the
    server's ``/api/check``); titled with the checked file's name.  :func:`plan_painting` adds
    the steps that paint it into the open workbook."""
    from ..marks import plan_marks

    return plan_marks(findings, sheetnames, Path(findings.file or "").name)


def mark_workbook(source: str | os.PathLike[str], out: str | os.PathLike[str],
                  findings: Findings | None = None, previous: Source | None = None, *,
                  force: bool = False) -> Findings:
    """``nianbao.mark_workbook``: :func:`mark`, returning the findings marked."""
    return mark(source, out, previous=previous, findings=findings, force=force)[0]


__all__ = ["load", "load_grids", "load_ranges", "plan_painting", "check", "check_many", "mark",
           "mark_workbook", "Source", "is_published", "CHECKED", "NOT_A_REPORT", "import_published",
           "Upload", "plan", "paths", "name_of"]
