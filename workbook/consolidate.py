"""Collect and consolidate: many units' workbooks → one workbook of the same template.

``consolidate(inputs, output)`` (``nianbao merge``) reads every file under ``inputs`` in parallel
(:mod:`nianbao.parallel`), checks each with :func:`nianbao.checks.check_many`, records what arrived in
the history (:mod:`nianbao.history`), decides per file whether it is merged, left out for errors,
superseded by a later version of the same unit or rejected (with the reason), and writes:

* the consolidated workbook: every number the sum over the merged units, texts empty for the
  coordinator, the hidden sheet recording that it is a consolidation and of which files;
* a 汇总情况 sheet: one row per unit and file, who must act first, a roll-up per parent;
* a reference sheet with each merged unit's texts.

Memory stays flat in the number of units: workers return one compact record per file, its full
report goes straight into the history database, and the sums are taken by reading the merged
reports back one at a time.  Sums are exact (money added as decimals), so the same inputs give
the same figures in any order.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .errors import NianbaoError
from .fileio import refuse_overwrite
from .findings import Findings
from .formats import format_for_year, get_format
from .history import Received, archive_dir, archive_name, recording
from .layout import layout_of
from .messages import say
from .reader import read_report
from .report import Report, is_number
from .units import ORIGIN_CODE, ORIGIN_PARENT, Unit, unit_key, units_from

# what happened to one file (or unit), in the order a coordinator must act on them
REJECTED, INVALID, MISSING, MERGED_INVALID, MERGED, SUPERSEDED = (
    "rejected", "invalid", "missing", "merged_invalid", "merged", "superseded")
STATUSES = (REJECTED, INVALID, MISSING, MERGED_INVALID, MERGED, SUPERSEDED)
SUMMED = (MERGED, MERGED_INVALID)

# the figures a coordinator compares across units: (catalogue code of the column title, the
# fields added up).  Field ids are the same in every format.
KEY_FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("merge.key.new", ("t3.new.total",)),
    ("merge.key.carried", ("t3.carried.total",)),
    ("merge.key.review", ("t4.review.total",)),
    ("merge.key.suits", ("t4.suit_direct.total", "t4.suit_after_review.total")),
)
# the reader's findings that mean the workbook's structure was altered: its figures cannot be
# trusted to sit where the template put them
ALTERED = ("read.sheet_missing", "read.label_moved")
# rows of the hidden sheet a consolidation adds (beside format, template version, year, unit)
ORIGIN_KIND, KIND_CONSOLIDATION = "kind", "consolidation"
SOURCE_PREFIX = "source."  # one row per file summed: "<sha256> <unit> <file name>"

KeyFigures = tuple[Any, ...]


# ---- one file, examined in a worker process -----------------------------------------------
@dataclass
class Examined:
    """What one input file turned out to be; ``report``/``findings`` go to the history and are
    dropped before the record is kept."""

    path: str
    size: int = 0
    sha256: str = ""
    file_time: float = 0.0
    saved_at: str = ""  # the workbook's own "last saved" stamp (docProps/core.xml), UTC
    problem: str = ""  # why it could not be read at all
    fatal: str = ""  # why the whole merge must stop (the archive copy could not be written)
    handed_out: bool = False  # carries nianbao's hidden sheet
    altered: str = ""  # the reader's message when the structure was altered
    format: str | None = None
    year: int | None = None
    unit: str = ""
    unit_code: str = ""
    parent: str = ""
    kind: str = ""
    sources: frozenset[str] = frozenset()  # a consolidation: the hashes of the files it summed
    errors: int = 0
    warnings: int = 0
    key: KeyFigures = ()
    # as JSON text: serialised in the worker, so the main process only passes it to the history
    report: str | None = field(default=None, repr=False)
    findings: str = field(default="", repr=False)

    @property
    def name(self) -> str:
        return Path(self.path).name


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


def _saved_at(data: bytes) -> str:
    """The time the workbook was last saved, as its program stamped it ("" when absent)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            core = zf.read("docProps/core.xml")[:4096]
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return ""
    m = _MODIFIED.search(core)
    return m.group(1).decode("ascii", "replace").strip() if m else ""


def _archive(data: bytes, target: Path) -> None:
    """Keep a copy of the received bytes; an existing copy is the same bytes (same hash)."""
    if target.exists():
        return
    from .fileio import atomic_path

    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def key_figures(report: Report) -> KeyFigures:
    out = []
    for _, fids in KEY_FIGURES:
        nums = [report.number(f) for f in fids]
        out.append(None if any(n is None for n in nums) else sum(nums))
    return tuple(out)


def examine(path: str, archive: str) -> Examined:
    """Read, hash, archive and check one file; never raises for a bad file."""
    from .checks import check_many
    from .checks.run import unreadable

    p = Path(path)
    ex = Examined(path=path)
    try:
        stat = p.stat()
        data = p.read_bytes()
    except OSError as e:
        ex.problem = say("file.missing", file=path) if not p.exists() else \
            say("merge.os_error", file=path, detail=e.strerror or e)
        ex.findings = _json({"file": path, "errors": 1, "warnings": 0, "notices": 0,
                             "findings": [], "problem": ex.problem})
        return ex
    ex.size, ex.file_time = stat.st_size, stat.st_mtime
    ex.sha256 = hashlib.sha256(data).hexdigest()
    try:
        _archive(data, Path(archive) / archive_name(ex.sha256, p.name))
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
        found = next(check_many([report]))
        ex.saved_at = _saved_at(data)
        _identify(ex, report, found)
    ex.errors, ex.warnings = found.errors, found.warnings
    ex.findings = _json(found.to_dict())
    return ex


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


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
    ex.key = key_figures(report)
    ex.report = _json(report.to_dict())


# ---- the decision per file and unit ---------------------------------------------------------
@dataclass
class UnitRow:
    """One row of 汇总情况 and of ``--json``'s "units": a file received, or a unit missing."""

    unit: str
    status: str
    reason: str = ""
    code: str = ""
    parent: str = ""
    file: str = ""
    sha256: str = ""
    errors: int = 0
    warnings: int = 0
    received: str = ""
    saved: str = ""
    key: KeyFigures = ()

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file or None, "unit": self.unit or None, "status": self.status,
                "reason": self.reason, "errors": self.errors, "warnings": self.warnings,
                "sha256": self.sha256 or None, "code": self.code or None,
                "parent": self.parent or None, "received": self.received or None,
                "saved": self.saved or None,
                "key_figures": {code.split(".")[-1]: v for (code, _), v in zip(KEY_FIGURES, self.key)}}


@dataclass
class Consolidation:
    """The result of :func:`consolidate`; ``to_dict()`` is ``nianbao merge --json``."""

    output: Path | None
    database: Path
    format: str | None
    year: int | None
    rows: list[UnitRow]
    totals: Report | None
    checked: Findings | None  # the consolidated report's own check

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r.status in SUMMED)

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.rows if r.status == REJECTED)

    @property
    def missing(self) -> list[str]:
        return [r.unit for r in self.rows if r.status == MISSING]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def exit_code(self) -> int:
        """0 every unit merged without errors; 1 some rejected, left out, merged with errors or
        missing; 2 nothing could be merged."""
        if not self.accepted:
            return 2
        return 1 if any(r.status in (REJECTED, INVALID, MISSING, MERGED_INVALID)
                        for r in self.rows) else 0

    def to_dict(self) -> dict[str, Any]:
        return {"output": str(self.output) if self.output else None,
                "database": str(self.database), "format": self.format, "year": self.year,
                "accepted": self.accepted, "rejected": self.rejected, "missing": self.missing,
                "units": [r.to_dict() for r in self.rows]}


_STAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?"
                    r"\s*(Z|[+-]\d\d:?\d\d)?$")


def parse_stamp(text: str) -> dt.datetime | None:
    """A W3C date-time as office programs stamp them (``2025-01-10T08:00:00Z``, LibreOffice's
    nanoseconds, an offset), as an aware datetime; None when it is not one.  UTC when no zone is
    given, as the core properties are defined."""
    m = _STAMP.match(text.strip())
    if not m:
        return None
    y, mo, d, h, mi, sec, frac, zone = m.groups()
    try:
        when = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec),
                           int((frac or "0")[:6].ljust(6, "0")))
    except ValueError:
        return None
    if zone in (None, "Z"):
        return when.replace(tzinfo=dt.timezone.utc)
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[-2:])
    return when.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))


def local_time(timestamp: float | str) -> str:
    """A time as a clerk reads it: local time, to the second."""
    if isinstance(timestamp, str):
        when = parse_stamp(timestamp) if timestamp else None
        return when.astimezone().strftime("%Y-%m-%d %H:%M:%S") if when else timestamp
    return dt.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")


def _saved_key(ex: Examined) -> tuple:
    """The order of versions: the stamp of the last save, then the file time, then the path."""
    when = parse_stamp(ex.saved_at) if ex.saved_at else None
    return (when.timestamp() if when else float("-inf"), ex.file_time, ex.path)


def _target(seen: list[Examined], year: int | None, format_id: str | None
            ) -> tuple[int | None, str | None]:
    """The year and format consolidated: as asked, else the year most workbooks carry and the
    format that year requires."""
    if year is None:
        years = Counter(e.year for e in seen if e.handed_out and e.year is not None)
        if years:
            year = max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
    if format_id is None and year is not None:
        format_id = format_for_year(year).id
    return year, format_id


def _rejection(ex: Examined, year: int | None, format_id: str | None) -> str:
    if ex.problem:
        return ex.problem
    if not ex.handed_out:
        return say("merge.no_origin")
    if ex.altered:
        return say("merge.altered", detail=ex.altered)
    if ex.format != format_id:
        return say("merge.wrong_format", actual=get_format(ex.format).title,
                   expected=get_format(format_id).title if format_id else "")
    if ex.year != year:
        return say("merge.wrong_year", actual=ex.year if ex.year is not None else say("merge.no_year"),
                   expected=year)
    if not ex.unit:
        return say("merge.no_unit")
    return ""


def decide(seen: list[Examined], listed: Sequence[Unit] | None, year: int | None,
           format_id: str | None, include_invalid: bool) -> list[UnitRow]:
    """Every file's status and reason, and a row for each listed unit that sent nothing;
    sorted so that who must act comes first."""
    by_code = {u.code: u for u in listed or () if u.code}
    by_name = {unit_key(u.name): u for u in listed or ()}

    def unit_of(ex: Examined) -> Unit | None:
        if listed is None:
            return Unit(ex.unit, ex.unit_code, ex.parent) if ex.unit else None
        return by_code.get(ex.unit_code) if ex.unit_code in by_code \
            else by_name.get(unit_key(ex.unit))

    def row(ex: Examined, status: str, reason: str, unit: Unit | None) -> UnitRow:
        return UnitRow(unit=unit.name if unit else ex.unit, status=status, reason=reason,
                       code=unit.code if unit else ex.unit_code,
                       parent=unit.parent if unit else ex.parent, file=ex.path,
                       sha256=ex.sha256, errors=ex.errors, warnings=ex.warnings,
                       received=local_time(ex.file_time) if ex.size else "",
                       saved=local_time(ex.saved_at), key=ex.key)

    rows: list[UnitRow] = []
    versions: dict[str, list[tuple[Examined, Unit]]] = defaultdict(list)
    heard_from: set[str] = set()
    received = {ex.sha256 for ex in seen if ex.sha256}
    for ex in seen:
        unit = unit_of(ex) if ex.handed_out else None
        reason = _rejection(ex, year, format_id)
        if not reason and ex.sources & received:
            # an earlier consolidation lying among the files it summed: never count them twice
            reason = say("merge.overlap", n=len(ex.sources & received))
        if not reason and unit is None:
            reason = say("merge.unlisted", unit=ex.unit)
        if unit is not None:
            heard_from.add(unit_key(unit.name))
        if reason:
            rows.append(row(ex, REJECTED, reason, unit))
        else:
            versions[unit_key(unit.name)].append((ex, unit))
    for candidates in versions.values():
        candidates.sort(key=lambda c: _saved_key(c[0]), reverse=True)
        (latest, unit), older = candidates[0], candidates[1:]
        if latest.errors:
            status = MERGED_INVALID if include_invalid else INVALID
            reason = say("merge.has_errors_included" if include_invalid else "merge.has_errors",
                         errors=latest.errors)
        else:
            status, reason = MERGED, ""
        rows.append(row(latest, status, reason, unit))
        for ex, u in older:
            rows.append(row(ex, SUPERSEDED, say("merge.superseded", file=latest.name), u))
    for u in listed or ():
        if unit_key(u.name) not in heard_from:
            rows.append(UnitRow(unit=u.name, status=MISSING, reason=say("merge.missing"),
                                code=u.code, parent=u.parent))
    order = {s: i for i, s in enumerate(STATUSES)}
    rows.sort(key=lambda r: (order[r.status], r.parent, unit_key(r.unit), r.file))
    return rows


# ---- inputs ------------------------------------------------------------------------------
def collect(inputs: Iterable[str | os.PathLike], skip: Iterable[Path] = ()) -> list[Path]:
    """The files to consider: each file given, and every file under each folder given
    (recursively, sorted), except hidden files, Office lock files (~$…) and ``skip`` (the
    output, its database and archive, when they sit among the inputs)."""
    skipped = [s.resolve() for s in skip]

    def wanted(f: Path) -> bool:
        r = f.resolve()
        return not any(r == s or s in r.parents for s in skipped)

    out: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        p = Path(item)
        found = [p] if not p.is_dir() else sorted(
            f for f in p.rglob("*") if f.is_file()
            and not any(part.startswith((".", "~$")) for part in f.relative_to(p).parts))
        for f in found:
            if wanted(f) and f.resolve() not in seen:
                seen.add(f.resolve())
                out.append(f)
    return out


# ---- the consolidation ---------------------------------------------------------------------
Progress = Callable[[int, int], None]


def consolidate(inputs: Iterable[str | os.PathLike] | str | os.PathLike,
                output: str | os.PathLike, *,
                units: str | os.PathLike | Sequence[Unit] | None = None,
                year: int | None = None, format_id: str | None = None,
                include_invalid: bool = False, unit: str | None = None,
                progress: Progress | None = None, workers: int | None = None) -> Consolidation:
    """Consolidate the workbooks found in ``inputs`` (files and/or folders) into ``output``.

    ``units``: the unit list (path or :class:`Unit` s) — units that sent nothing are listed as
    missing, and files of units not on it are rejected.  ``year``/``format_id``: what to
    consolidate (default: the year most workbooks carry, and its format).
    ``include_invalid``: sum the workbooks that have errors too (marked as such).  ``unit``: the
    consolidated workbook's 填报单位 (default: the output's file name).  ``progress(done, total)``
    is called after each file.  The history database (``output`` with suffix .db) and the
    archive beside it record what was received.  Input files are only ever read.

    This is what ``nianbao merge`` and the Excel add-in's 汇总 button call.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = list(inputs)
    out = Path(output)
    db = out.with_suffix(".db")
    # a file named as an input (or the unit list) is never written over by the consolidation or
    # its database; an earlier 汇总.xlsx found inside an input *folder* is skipped, not an input
    given = [p for p in inputs if Path(p).is_file()]
    if isinstance(units, (str, os.PathLike)):
        given.append(units)
    for target in (out, db):
        refuse_overwrite(target, given)
    archive = archive_dir(db)
    listed = None if units is None else units_from(units)
    files = collect(inputs, skip=(out, db, archive, db.with_name(db.name + "-journal")))
    if not files:
        raise NianbaoError("merge.no_inputs")
    seen: list[Examined] = []
    with recording(db) as history:
        try:
            archive.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise NianbaoError("file.write_failed", file=str(archive), detail=e.strerror or e) from None
        work = partial(examine, archive=str(archive))
        from .parallel import parallel_map

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
        year, format_id = _target(seen, year, format_id)
        rows = decide(seen, listed, year, format_id, include_invalid)
        totals = checked = None
        written = None
        if format_id is not None and any(r.status in SUMMED for r in rows):
            from .consolidated import write_consolidated

            totals, checked = write_consolidated(
                out, rows, history, format_id=format_id, year=year,
                unit=unit or out.stem, include_invalid=include_invalid)
            written = out
        history.add_consolidation(
            output=str(out), format=format_id, year=year,
            units_list=str(units) if isinstance(units, (str, os.PathLike)) else None,
            include_invalid=include_invalid,
            merged=sum(1 for r in rows if r.status in SUMMED),
            rejected=sum(1 for r in rows if r.status == REJECTED),
            missing=sum(1 for r in rows if r.status == MISSING),
            totals=totals.to_dict() if totals else {},
            receipts=[(r.sha256, r.file, r.received, r.unit, r.status, r.reason)
                      for r in rows if r.sha256])
    return Consolidation(written, db, format_id, year, rows, totals, checked)


def sum_values(reports: Iterable[dict[str, Any]], format_id: str) -> dict[str, int | float]:
    """Every number cell (statutory and extras) of reports given as ``Report.to_dict()``,
    summed exactly.  There a blank, invalid text and a missing cell are all null: each adds
    nothing, which is how the official tables count a blank (0) and why a unit with invalid or
    missing cells has errors of its own."""
    lay = layout_of(format_id)
    kinds = {f.id: f.kind for f in lay.fields.values() if f.table != "meta" and f.kind != "text"}
    acc: dict[str, Any] = {fid: 0 for fid in kinds}
    for report in reports:
        for part in ("values", "extras"):
            for fid, v in report.get(part, {}).items():
                if fid in acc and is_number(v):
                    # decimals, so that money adds up the same in any order, without binary noise
                    acc[fid] += Decimal(repr(v)) if isinstance(v, float) else v
    return {fid: (float(v) if kinds[fid] == "money" else int(v)) for fid, v in acc.items()}


__all__ = ["consolidate", "decide", "collect", "examine", "sum_values", "key_figures",
           "Consolidation", "UnitRow", "Examined", "local_time", "parse_stamp", "KEY_FIGURES", "STATUSES", "MERGED",
           "MERGED_INVALID", "INVALID", "REJECTED", "SUPERSEDED", "MISSING"]
