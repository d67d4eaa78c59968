"""``nianbao merge`` (the API's :func:`consolidate`, the add-in's 汇总, the server's rounds):
many units' workbooks → one workbook of the same template.

Every file under the inputs is read in parallel through the one reader and checked as ``check``
checks it (:func:`examine`, in worker processes), recorded in the history database with an
archived copy (:mod:`nianbao.merge.history`), decided per unit (:mod:`nianbao.merge.decide`) and
summed into the consolidated workbook (:mod:`nianbao.merge.workbook`).  On request it also
writes what the coordinator sends back — a marked copy and a message per unit (``feedback``) —,
the call list (``calls``) and one consolidated workbook per 上级单位 (``by_parent``).

One bad file never takes the merge down: each file is read in a worker process with a time and
memory limit (:func:`nianbao.parallel.isolated_map`); a crash, an abort or a hang becomes that
file's 退回 with the reason, the worker is replaced, and the others are merged.  A file is opened
only when it is a regular file of a plausible size (:func:`nianbao.fileio.read_input`).

Memory stays flat in the number of units: workers return one compact record per file, its full
report goes straight into the history database, and the sums are taken by reading the merged
reports back one at a time.  Sums are exact (money added as decimals), so the same inputs give
the same figures in any order.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..checks.run import check_report, result, unreadable
from ..errors import NianbaoError, with_debug
from ..fileio import os_reason
from ..findings import Findings
from ..merge.decide import decide, target_of
from ..merge.feedback import feedback_plan, fill_messages, unit_text, write_text
from ..merge.history import (History, Received, archive_copy, archive_dir, archive_name,
                             history_size, merge_history, now, recording, verified,
                             HISTORY_PAGE)
from ..merge.records import (ALTERED, KIND_CONSOLIDATION, ORIGIN_KIND, PUBLISHED, REJECTED,
                             SOURCE_PREFIX, SUMMED, UNSENT, Consolidation, Examined, UnitRow,
                             failure_text, local_time, merge_figures, shown)
from ..merge.rollup import groups, rollup, seat
from ..merge.units import ORIGIN_CODE, ORIGIN_PARENT, Unit, units_from
from ..messages import say
from ..parallel import ITEM_SECONDS, Failure, isolated_map
from ..reader import read_report
from ..report import Report
from ..safety import MAX_FILE
from .inputs import InputProblem, expand, folders, read_head, read_input
from .outputs import Outputs

PathLike = str | os.PathLike[str]
Progress = Callable[[int, int], None]


# ---- one file, examined in a worker process -----------------------------------------------
MAX_INPUT = MAX_FILE  # bytes: a workbook, or a report sent instead of it (a PDF of ~100 pages)
MAX_ISSUES = 50  # findings kept per file (errors first)
_SEVERITY_ORDER = {"error": 0, "warning": 1}


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SUFFIX_KINDS = {".pdf": "pdf", ".doc": "word", ".docx": "word", ".wps": "wps", ".xls": "xls",
                 ".et": "xls", ".html": "html", ".htm": "html", ".txt": "text", ".ofd": "ofd",
                 ".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image",
                 ".bmp": "image", ".tif": "image", ".tiff": "image", ".zip": "archive",
                 ".rar": "archive", ".7z": "archive"}


def sent_kind(name: str, data: bytes) -> str:
    """What a file that is not a workbook is — from its first bytes, else its suffix ("" when
    it looks like a workbook, damaged or not: the reader's reason says more)."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(_OLE):
        if suffix in (".doc", ".wps"):
            return _SUFFIX_KINDS[suffix]
        # an encrypted .xlsx is an OLE file too: the reader's own message says what to do
        return "" if "EncryptedPackage".encode("utf-16-le") in data[:65536] else "xls"
    if data.startswith(b"PK"):
        if b"word/document.xml" in data or suffix == ".docx":
            return "word"
        if b"OFD.xml" in data[:65536] or suffix == ".ofd":
            return "ofd"
        return "archive" if suffix in (".zip",) else ""
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        return "image"
    if data.startswith((b"Rar!", b"7z\xbc\xaf")):
        return "archive"
    if data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    return _SUFFIX_KINDS.get(suffix, "") if suffix not in (".xlsx", ".xlsm") else ""


def _content_unit(path: str) -> str:
    """The unit a published report (PDF, Word, web page, text) names, read by the importer; ""
    when it cannot be read (the file name may still tell)."""
    from .checking import import_published

    try:
        return (import_published(path).report.meta.unit or "").strip()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - any failure only means we fall back to the file name
        return ""


def examine(path: str, name: str | None = None) -> Examined:
    """Read, hash and check one file (in a worker process); never raises for a bad file.
    ``name``: what its messages call it (an upload's own name, not where it was archived)."""
    ex = Examined(path=path)
    name = name or shown(path)
    try:
        data, st = read_input(path, MAX_INPUT)
    except InputProblem as e:
        ex.problem = str(e).replace(shown(path), name)
        ex.sent = sent_kind(path, read_head(path))
        ex.issues = (("error", e.code, "", "", ex.problem),)
        ex.findings = _json({"file": name, "errors": 1, "warnings": 0, "notices": 0,
                             "findings": [], "problem": ex.problem})
        return ex
    ex.size, ex.file_time = st.st_size, st.st_mtime
    ex.sha256 = hashlib.sha256(data).hexdigest()
    ex.data = data
    try:
        report = read_report(data, name=name)
    except NianbaoError as e:
        found = unreadable(name, e)
        ex.problem = str(e)
        ex.sent = sent_kind(path, data)
        if ex.sent in PUBLISHED:
            ex.content_unit = _content_unit(path)
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:  # the worker's limit: one message for the cause
        found = unreadable(name, NianbaoError("merge.memory", file=name))
        ex.problem = found.findings[0].message
    except BaseException as e:  # a parser that panics (pyo3 panics are BaseExceptions)
        found = unreadable(name, with_debug(NianbaoError("merge.crashed", file=name), e))
        ex.problem = found.findings[0].message
    else:
        found = result(report, check_report(report), name)
        ex.saved_at = report.saved_at
        _identify(ex, report, found)
    ex.errors, ex.warnings = found.errors, found.warnings
    ex.issues = tuple((f.severity, f.rule, f.sheet or "", f.cell or "", f.message)
                      for f in sorted((f for f in found if f.severity in _SEVERITY_ORDER),
                                      key=lambda f: _SEVERITY_ORDER[f.severity]))[:MAX_ISSUES]
    ex.findings = _json(found.to_dict())
    return ex


_EMPTY_SHA = hashlib.sha256(b"").hexdigest()


def _empty(path: str) -> Examined | None:
    """A regular file of no bytes, examined without a worker (a folder of 20,000 of them must
    not cost 20,000 round trips); None for anything else."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size:
        return None
    name = shown(path)
    try:  # the reader's own words for it, as ``check`` says them (it refuses at once)
        read_report(b"", name=name)
        return None
    except NianbaoError as e:
        problem, code = str(e), e.code
    return Examined(path=path, file_time=st.st_mtime, sha256=_EMPTY_SHA, problem=problem,
                    errors=1, issues=(("error", code, "", "", problem),),
                    findings=_json({"file": name, "errors": 1, "warnings": 0, "notices": 0,
                                    "findings": [], "problem": problem}))


def examine_failed(path: str, failure: Failure, name: str | None = None) -> Examined:
    """A file whose worker crashed, ran out of memory or hung: rejected with the reason; what it
    is (a PDF sent instead of the workbook) is still told from its first bytes.  ``name``: what
    its messages call it (an upload's own name, not where it was archived)."""
    name = name or shown(path)
    problem = say("merge.failed", file=name, why=failure_text(failure))
    ex = Examined(path=path, problem=problem, sent=sent_kind(path, read_head(path)))
    ex.issues = (("error", "merge.crashed", "", "", problem),)
    ex.findings = _json({"file": name, "errors": 1, "warnings": 0, "notices": 0, "findings": [],
                         "problem": problem})
    ex.errors = 1
    return ex


def _identify(ex: Examined, report: Report, found: Findings) -> None:
    origin = report.origin
    ex.report_read = True
    ex.handed_out = bool(origin.get("format"))
    ex.format = report.format
    year = report.meta.year if report.meta.year is not None else origin.get("year")
    digits = str(year or "")
    ex.year = int(digits) if digits.isdigit() else None
    ex.unit = origin.get("unit") or report.meta.unit
    ex.unit_code = origin.get(ORIGIN_CODE, "")
    ex.parent = origin.get(ORIGIN_PARENT, "")
    ex.kind = origin.get(ORIGIN_KIND, "")
    ex.contact, ex.phone = (report.meta.contact or "").strip(), (report.meta.phone or "").strip()
    if ex.kind == KIND_CONSOLIDATION:
        ex.sources = frozenset(v.split(" ", 1)[0] for k, v in origin.items()
                               if k.startswith(SOURCE_PREFIX))
    altered = found.by_rule(*ALTERED)
    ex.altered = altered[0].message if altered else ""
    ex.key = merge_figures(report)
    ex.report = _json(report.to_dict())


def _checked(report: Report) -> Findings:
    return result(report, check_report(report), report.source)


# ---- keeping what arrived ------------------------------------------------------------------
def _keep(ex: Examined, history: History, archive: Path, started: str,
          kept: dict[str, tuple] | None = None) -> None:
    """Archive the file's bytes (verified, see :func:`archive_copy`) and learn what the history
    knew of them.  A file that crashed its worker is hashed here.  A file whose bytes changed
    since the worker read them is rejected (``merge.changed``), not archived; the bytes a worker
    read are archived as they are (they are the file it checked)."""
    data, ex.data = ex.data, None
    if not ex.sha256:
        try:
            data, st = read_input(ex.path, MAX_INPUT)
        except InputProblem:
            return  # not a file we read: nothing to keep
        ex.size, ex.file_time = st.st_size, st.st_mtime
        ex.sha256 = hashlib.sha256(data).hexdigest()
    if kept is not None and ex.sha256 in kept:
        # the same bytes earlier in this run: archived and recorded already
        ex.first_seen, ex.earlier, ex.archive = kept[ex.sha256]
        return
    known = history.known(ex.sha256)
    if known is not None:
        ex.first_seen, name = known.first_seen, known.archive
        ex.earlier = (known.first_seen, known.name, known.path, known.status)
    else:
        ex.first_seen = started
        name = archive_name(ex.sha256, ex.name, ex.unit or ex.content_unit, started)
    target = archive / name
    if not verified(target, ex.sha256, ex.size):
        if data is None:
            try:
                data = read_input(ex.path, MAX_INPUT)[0]
            except InputProblem:
                data = b""
            if hashlib.sha256(data).hexdigest() != ex.sha256:
                ex.problem = say("merge.changed", file=ex.name)
                ex.issues = (("error", "merge.changed", "", "", ex.problem),)
                ex.sha256 = ""
                return
        archive_copy(data, target, ex.sha256, unverified=False)
    ex.archive = name
    if kept is not None:
        kept[ex.sha256] = (ex.first_seen, ex.earlier, name)
    history.add_file(Received(
        ex.sha256, ex.size, ex.name, ex.saved_at, ex.format, ex.year, ex.unit, ex.unit_code,
        ex.errors, ex.warnings, ex.report, ex.findings, name))


# ---- the consolidation ---------------------------------------------------------------------
def consolidate(inputs: Iterable[PathLike] | PathLike, output: PathLike, *,
                units: PathLike | Sequence[Unit] | None = None,
                year: int | None = None, format_id: str | None = None,
                include_invalid: bool = False, unit: str | None = None,
                progress: Progress | None = None, workers: int | None = None,
                force: bool = False, free: bool = False, feedback: PathLike | None = None,
                calls: PathLike | None = None, by_parent: bool = False,
                file_timeout: float = ITEM_SECONDS,
                database: PathLike | None = None) -> Consolidation:
    """Consolidate the workbooks found in ``inputs`` (files and/or folders) into ``output``.

    ``units``: the unit list (path or :class:`Unit` s) — units that sent nothing are listed as
    missing, and files of units not on it are rejected.  ``year``/``format_id``: what to
    consolidate (default: the year the units' own workbooks carry, one vote per unit — only
    listed units' when there is a list — and that year's format).  ``include_invalid``: sum the
    workbooks that have errors too (marked as such).  ``unit``: the consolidated workbook's
    填报单位 — the coordinator's own unit; without it 填报单位 is left empty, and a report is
    refused until it is entered.  ``progress(done, total)`` is called after each file.

    ``feedback``: a folder to write, per unit to return to, the message as a .txt and a marked
    copy of each faulty workbook (as ``check --mark``).  ``calls``: a call list (.xlsx or .csv)
    of the units missing or returned, with their contacts.  ``by_parent``: also one
    consolidated workbook per 上级单位 beside ``output`` (「汇总-甲区.xlsx」).
    ``file_timeout``: seconds one file may take before it is rejected as hanging.

    The history database (``output`` with suffix .db) and the archive beside it record what was
    received; input files are only ever read.  An existing ``output`` is replaced only with
    ``force`` (``free``: a free name beside it).
    ``database``: keep the history in this database (and its archive) instead of beside
    ``output`` — a server's one record of everything it received.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = list(inputs)
    given = [p for p in inputs if not folders([p])]
    if isinstance(units, (str, os.PathLike)):
        given.append(units)
    outputs = Outputs(inputs=given, folders=folders(inputs), force=force, free=free)
    out = outputs.add(output)
    db = outputs.add(Path(database) if database is not None else out.with_suffix(".db"),
                     append=True)
    archive = outputs.folder(archive_dir(db))
    calls_path = _plan_calls(outputs, calls) if calls is not None else None
    feedback_dir = _plan_feedback(outputs, feedback, inputs) if feedback is not None else None
    listed = None if units is None else units_from(units)
    parent_outputs = _plan_parents(outputs, out, listed) if by_parent and listed else None
    skip = [out, db, archive, db.with_name(db.name + "-journal"), calls_path, feedback_dir,
            *(parent_outputs or {}).values()]
    files = expand(inputs, skip=[s for s in skip if s is not None])
    if not files:
        raise NianbaoError("merge.no_inputs")
    started = now()
    with recording(db) as history:
        try:
            archive.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise NianbaoError("file.write_failed", file=str(archive), detail=os_reason(e)) from None
        paths = [str(f) for f in files]
        kept: dict[str, tuple] = {}
        # an empty file is told at once; the others are read in the workers
        found: list[Examined | None] = [_empty(p) for p in paths]
        todo = [i for i, ex in enumerate(found) if ex is None]
        results = isolated_map(examine, [paths[i] for i in todo], failed=examine_failed, n=workers,
                               timeout=file_timeout)
        read = ((i, ex) for i, ex in zip(todo, results))
        quick = ((i, ex) for i, ex in enumerate(found) if ex is not None)
        for done, (i, ex) in enumerate(chain(quick, read), 1):
            try:
                _keep(ex, history, archive, started, kept)
            except NianbaoError as e:  # the archive cannot be written (a full disk): stop
                raise NianbaoError("merge.fatal", message=str(e)) from None
            ex.report, ex.findings = None, ""  # keep the record, not the report
            found[i] = ex
            if progress:
                progress(done, len(files))
        seen = [ex for ex in found if ex is not None]
        year, format_id, year_from = target_of(seen, listed, year, format_id,
                                               history.last_round())
        rows = decide(seen, listed, year, format_id, include_invalid)
        fill_messages(rows, year, _chinese_date(local_time(started)))
        coordinator = (unit or "").strip()
        # every file this run writes is known now: refuse before writing any of them
        if by_parent and parent_outputs is None:
            parent_outputs = _plan_parents(outputs, out, None, rows)
        marks = feedback_plan(rows, feedback_dir) if feedback_dir is not None else []
        for _, _, text, marked in marks:
            outputs.add(text)
            for _, target in marked:
                outputs.add(target)
        totals = checked = None
        written = None
        parents_written: dict[str, Path] = {}
        if format_id is not None and any(r.status in SUMMED for r in rows):
            from ..merge.workbook import write_consolidated

            totals, checked = write_consolidated(
                out, rows, history, format_id=format_id, year=year, unit=coordinator,
                include_invalid=include_invalid, check=_checked, year_from=year_from)
            written = out
            for parent, members in groups(rows).items():
                by_parent_out = (parent_outputs or {}).get(parent)
                if by_parent_out is None or not any(r.status in SUMMED for r in members):
                    continue
                write_consolidated(by_parent_out, members, history, format_id=format_id,
                                   year=year,
                                   unit=_government(parent, members), include_invalid=include_invalid,
                                   check=_checked, year_from=year_from)
                parents_written[parent] = by_parent_out
        sent = _write_feedback(marks, file_timeout) if marks else []
        if calls_path is not None:
            from ..merge.workbook import write_calls

            write_calls(calls_path, rows)
        history.add_consolidation(
            output=str(out), format=format_id, year=year,
            units_list=shown(units) if isinstance(units, (str, os.PathLike)) else None,
            include_invalid=include_invalid,
            merged=sum(1 for r in rows if r.status in SUMMED),
            rejected=sum(1 for r in rows if r.status == REJECTED),
            missing=sum(1 for r in rows if r.status == UNSENT),
            totals=totals.to_dict() if totals else {},
            receipts=[(r.sha256, shown(r.file), r.received, r.unit, r.status, r.reason)
                      for r in rows if r.sha256])
    return Consolidation(written, db, format_id, year, rows, totals, checked, archive,
                         year_from=year_from, feedback=sent, calls=calls_path,
                         by_parent=parents_written, coordinator=coordinator,
                         rollup=rollup(rows))


def _chinese_date(text: str) -> str:
    """「2026年1月10日」 from a local time 「2026-01-10 …」."""
    try:
        return f"{int(text[:4])}年{int(text[5:7])}月{int(text[8:10])}日"
    except ValueError:
        return text


def _plan_calls(outputs: Outputs, calls: PathLike) -> Path:
    if Path(calls).suffix.lower() not in (".xlsx", ".csv"):
        raise NianbaoError("merge.calls_suffix", file=shown(calls))
    return outputs.add(calls)


def _plan_feedback(outputs: Outputs, feedback: PathLike, inputs: list) -> Path:
    """The feedback folder: never inside an input folder (its marked copies would be read as
    submissions by the next merge)."""
    folder = Path(feedback)
    for f in folders(inputs):
        try:
            if _resolved(folder) == _resolved(f) or _resolved(f) in _resolved(folder).parents:
                raise NianbaoError("merge.feedback_in_inputs", file=shown(folder), folder=shown(f))
        except (OSError, RuntimeError):
            continue
    return outputs.folder(folder)


def _resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except RuntimeError:
        return Path(os.path.abspath(p))


def _plan_parents(outputs: Outputs, out: Path, listed: Sequence[Unit] | None,
                  rows: Sequence[UnitRow] = ()) -> dict[str, Path]:
    """``--by-parent``: 「汇总-甲区.xlsx」 beside ``out`` for each parent (「汇总-直属.xlsx」 for
    the coordinator's own units); from the list when there is one, else from the rows."""
    from ..merge.feedback import safe_file_name

    if listed is not None:
        rows = [UnitRow(unit=u.name, status=UNSENT, parent=u.parent) for u in listed]
    planned = {}
    for parent in groups(rows):
        label = safe_file_name(parent or say("merge.rollup.direct_file"))
        planned[parent] = outputs.add(out.with_name(f"{out.stem}-{label}{out.suffix}"))
    return planned


def _government(parent: str, members: Sequence[UnitRow]) -> str:
    """A district's consolidated workbook is its government's report: that unit's name when it
    is on the list, else empty (to be entered)."""
    if not parent:
        return ""
    return next((r.unit for r in members if seat(r.unit) == seat(parent) and r.unit != parent), "")


def _mark_one(job: tuple[str, str]) -> str:
    """Worker: the marked copy of one workbook (as ``check --mark``); "" or why not."""
    from .checking import mark

    source, target = job
    try:
        mark(source, target, force=True)
    except NianbaoError as e:
        return str(e)
    return ""


def _mark_failed(job: tuple[str, str], failure: Failure) -> str:
    return failure_text(failure)


def _write_feedback(plan, timeout: float) -> list[Path]:
    """The marked copies (in worker processes: the workbooks came from strangers) and the .txt
    of each unit; returns the files written."""
    jobs = [(r.file, str(target)) for _, _, _, marked in plan for r, target in marked]
    written: list[Path] = []
    outcomes = dict(zip([j[1] for j in jobs],
                        isolated_map(_mark_one, jobs, failed=_mark_failed, timeout=timeout * 2)))
    for _, unit_rows, text, marked in plan:
        body = unit_text(unit_rows)
        for r, target in marked:
            if outcomes.get(str(target)):
                body += "\n\n" + say("feedback.no_mark", file=r.shown)
            else:
                body += "\n\n" + say("feedback.marked", file=target.name)
                written.append(target)
        write_text(text, body)
        written.append(text)
    return written


__all__ = ["consolidate", "examine", "examine_failed", "merge_history", "history_size", "sent_kind",
           "HISTORY_PAGE"]
