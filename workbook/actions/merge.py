"""``nianbao merge`` (the API's :func:`consolidate`, the add-in's 汇总, the server's rounds):
many units' workbooks → one workbook of the same template.

Every file under the inputs is read in parallel through the one reader and checked as ``check``
checks it (:func:`examine`, in worker processes), recorded in the history database with an
archived copy (:mod:`nianbao.merge.history`), decided per unit (:mod:`nianbao.merge.decide`) and
summed into the consolidated workbook (:mod:`nianbao.merge.workbook`).

Memory stays flat in the number of units: workers return one compact record per file, its full
report goes straight into the history database, and the sums are taken by reading the merged
reports back one at a time.  Sums are exact (money added as decimals), so the same inputs give
the same figures in any order.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..checks.run import check_report, result, unreadable
from ..errors import NianbaoError
from ..fileio import os_reason
from ..findings import Findings
from ..merge.decide import decide, target_of
from ..merge.history import Received, archive_copy, archive_dir, archive_name, merge_history, recording
from ..merge.records import (ALTERED, KIND_CONSOLIDATION, ORIGIN_KIND, REJECTED, SOURCE_PREFIX,
                             SUMMED, UNSENT, Consolidation, Examined, merge_figures)
from ..merge.units import ORIGIN_CODE, ORIGIN_PARENT, Unit, units_from
from ..messages import say
from ..reader import read_report
from ..report import Report
from .inputs import expand, folders, is_folder
from .outputs import Outputs

PathLike = str | os.PathLike[str]
Progress = Callable[[int, int], None]
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


# ---- one file, examined in a worker process -----------------------------------------------
def _saved_at(data: bytes) -> str:
    """The time the workbook was last saved, as its program stamped it ("" when absent)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            core = zf.read("docProps/core.xml")[:4096]
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return ""
    m = _MODIFIED.search(core)
    return m.group(1).decode("ascii", "replace").strip() if m else ""


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def examine(path: str, archive: str) -> Examined:
    """Read, hash, archive and check one file; never raises for a bad file."""
    p = Path(path)
    ex = Examined(path=path)
    try:
        stat = p.stat()
        data = p.read_bytes()
    except OSError as e:
        ex.problem = say("file.missing", file=path) if isinstance(e, FileNotFoundError) else \
            say("file.unreadable", file=path, detail=os_reason(e))
        ex.findings = _json({"file": path, "errors": 1, "warnings": 0, "notices": 0,
                             "findings": [], "problem": ex.problem})
        return ex
    ex.size, ex.file_time = stat.st_size, stat.st_mtime
    ex.sha256 = hashlib.sha256(data).hexdigest()
    try:
        archive_copy(data, Path(archive) / archive_name(ex.sha256, p.name))
    except NianbaoError as e:  # a full disk: the merge must stop (the caller raises it)
        ex.fatal = str(e)
        return ex
    try:
        report = read_report(data, name=path)
    except NianbaoError as e:
        found = unreadable(path, e)
        ex.problem = str(e)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # a parser that panics (pyo3 panics are BaseExceptions)
        found = unreadable(path, NianbaoError("merge.crashed", file=path,
                                              kind=type(e).__name__, detail=e))
        ex.problem = found.findings[0].message
    else:
        found = result(report, check_report(report), path)
        ex.saved_at = _saved_at(data)
        _identify(ex, report, found)
    ex.errors, ex.warnings = found.errors, found.warnings
    ex.findings = _json(found.to_dict())
    return ex


def _identify(ex: Examined, report: Report, found: Findings) -> None:
    origin = report.origin
    ex.handed_out = bool(origin.get("format"))
    ex.format = report.format
    year = report.meta.year if report.meta.year is not None else origin.get("year")
    ex.year = int(year) if str(year or "").isdigit() else None
    ex.unit = origin.get("unit") or report.meta.unit
    ex.unit_code = origin.get(ORIGIN_CODE, "")
    ex.parent = origin.get(ORIGIN_PARENT, "")
    ex.kind = origin.get(ORIGIN_KIND, "")
    if ex.kind == KIND_CONSOLIDATION:
        ex.sources = frozenset(v.split(" ", 1)[0] for k, v in origin.items()
                               if k.startswith(SOURCE_PREFIX))
    altered = found.by_rule(*ALTERED)
    ex.altered = altered[0].message if altered else ""
    ex.key = merge_figures(report)
    ex.report = _json(report.to_dict())


def _checked(report: Report) -> Findings:
    return result(report, check_report(report), report.source)


# ---- the consolidation ---------------------------------------------------------------------
def consolidate(inputs: Iterable[PathLike] | PathLike, output: PathLike, *,
                units: PathLike | Sequence[Unit] | None = None,
                year: int | None = None, format_id: str | None = None,
                include_invalid: bool = False, unit: str | None = None,
                progress: Progress | None = None, workers: int | None = None,
                force: bool = False, free: bool = False,
                database: PathLike | None = None) -> Consolidation:
    """Consolidate the workbooks found in ``inputs`` (files and/or folders) into ``output``.

    ``units``: the unit list (path or :class:`Unit` s) — units that sent nothing are listed as
    missing, and files of units not on it are rejected.  ``year``/``format_id``: what to
    consolidate (default: the year most workbooks carry, and its format).
    ``include_invalid``: sum the workbooks that have errors too (marked as such).  ``unit``: the
    consolidated workbook's 填报单位 (default: the output's file name).  ``progress(done, total)``
    is called after each file.  The history database (``output`` with suffix .db) and the
    archive beside it record what was received; input files are only ever read.  An existing
    ``output`` is replaced only with ``force`` (``free``: a free name beside it).
    ``database``: keep the history in this database (and its archive) instead of beside
    ``output`` — a server's one record of everything it received.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = list(inputs)
    given = [p for p in inputs if not is_folder(p)]
    if isinstance(units, (str, os.PathLike)):
        given.append(units)
    outputs = Outputs(inputs=given, folders=folders(inputs), force=force, free=free)
    out = outputs.add(output)
    db = outputs.add(Path(database) if database is not None else out.with_suffix(".db"),
                     append=True)
    archive = outputs.folder(archive_dir(db))
    listed = None if units is None else units_from(units)
    files = expand(inputs, skip=(out, db, archive, db.with_name(db.name + "-journal")))
    if not files:
        raise NianbaoError("merge.no_inputs")
    seen: list[Examined] = []
    with recording(db) as history:
        try:
            archive.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise NianbaoError("file.write_failed", file=str(archive), detail=e.strerror or e) from None
        from ..parallel import parallel_map

        work = partial(examine, archive=str(archive))
        for done, ex in enumerate(parallel_map(work, [str(f) for f in files], n=workers), 1):
            if ex.fatal:
                raise NianbaoError("merge.fatal", message=ex.fatal)
            if ex.sha256:
                history.add_file(Received(
                    ex.sha256, ex.size, ex.name, ex.saved_at, ex.format, ex.year, ex.unit,
                    ex.unit_code, ex.errors, ex.warnings, ex.report, ex.findings))
            seen.append(replace(ex, report=None, findings=""))  # keep the record, not the report
            if progress:
                progress(done, len(files))
        year, format_id = target_of(seen, year, format_id)
        rows = decide(seen, listed, year, format_id, include_invalid)
        totals = checked = None
        written = None
        if format_id is not None and any(r.status in SUMMED for r in rows):
            from ..merge.workbook import write_consolidated

            totals, checked = write_consolidated(
                out, rows, history, format_id=format_id, year=year,
                unit=unit or out.stem, include_invalid=include_invalid, check=_checked)
            written = out
        history.add_consolidation(
            output=str(out), format=format_id, year=year,
            units_list=str(units) if isinstance(units, (str, os.PathLike)) else None,
            include_invalid=include_invalid,
            merged=sum(1 for r in rows if r.status in SUMMED),
            rejected=sum(1 for r in rows if r.status == REJECTED),
            missing=sum(1 for r in rows if r.status == UNSENT),
            totals=totals.to_dict() if totals else {},
            receipts=[(r.sha256, r.file, r.received, r.unit, r.status, r.reason)
                      for r in rows if r.sha256])
    return Consolidation(written, db, format_id, year, rows, totals, checked, archive)


__all__ = ["consolidate", "examine", "merge_history"]
