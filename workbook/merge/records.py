"""What a consolidation decides and reports, as plain records: the status of each file and
unit (in the order a coordinator must act on them), the figures compared across units, the time
stamps office programs write, and the exact sums.  Nothing here reads or writes a file."""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from ..fileio import printable, shown  # noqa: F401 - names merge has always had
from ..findings import Findings
from ..layout import layout_of
from ..report import Report, is_number

# what happened to one file (or unit), in the order a coordinator must act on them
REJECTED, INVALID, UNSENT, MERGED_INVALID, MERGED, SUPERSEDED = (
    "rejected", "invalid", "missing", "merged_invalid", "merged", "superseded")
STATUSES = (REJECTED, INVALID, UNSENT, MERGED_INVALID, MERGED, SUPERSEDED)
SUMMED = (MERGED, MERGED_INVALID)

# the figures a coordinator compares across units: (catalogue code of the column title, the
# fields added up).  Field ids are the same in every format.
MERGE_FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
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
    contact: str = ""  # as the workbook's 基本信息 gives them
    phone: str = ""
    sent: str = ""  # what a file that is not a workbook is (SENT_KINDS), from its bytes and name
    content_unit: str = ""  # the unit a published report (PDF, Word…) names in its text
    # the open errors and warnings, errors first: (severity, rule, sheet, cell, message)
    issues: tuple[tuple[str, str, str, str, str], ...] = ()
    first_seen: str = ""  # when nianbao first received these bytes (from the history), UTC
    # a file recorded before this run: (first_seen, name, path, status) as the history has them
    earlier: tuple[str, ...] = ()
    archive: str = ""  # the archived copy's file name
    report_read: bool = False  # read as a workbook (whatever its findings)
    # as JSON text: serialised in the worker, so the main process only passes it to the history
    report: str | None = field(default=None, repr=False)
    findings: str = field(default="", repr=False)
    # the bytes the worker read, hashed and checked: what the archive keeps (never read again,
    # so the copy is the file that was checked even if it changes meanwhile); dropped with report
    data: bytes | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return shown(os.path.basename(self.path))


# what a file sent instead of the workbook can be: kind → the words used for it
SENT_KINDS = ("pdf", "word", "wps", "xls", "html", "text", "ofd", "image", "archive")
PUBLISHED = ("pdf", "word", "html", "text")  # the importer reads their unit

def failure_text(failure: Any) -> str:
    """A :class:`nianbao.parallel.Failure` in words."""
    from ..messages import say

    if failure.kind == "timeout":
        return say("merge.failure.timeout", seconds=f"{failure.seconds:g}")
    if failure.kind == "crashed":
        return say("merge.failure.crashed", detail=failure.detail)
    from ..errors import debugging  # the library's words (English) only for --debug

    if failure.detail == "MemoryError":
        return say("merge.failure.memory")
    text = say("merge.failure.error")
    return say("debug.detail", message=text, detail=failure.detail) if debugging() else text


def merge_figures(report: Report) -> KeyFigures:
    out = []
    for _, fids in MERGE_FIGURES:
        nums = [report.number(f) for f in fids]
        present = [n for n in nums if n is not None]
        out.append(sum(present) if len(present) == len(nums) else None)
    return tuple(out)



@dataclass
class UnitRow:
    """One row of 汇总情况 and of ``--json``'s "units": a file received, or a unit missing —
    with everything a coordinator needs to act on it (what is wrong, the message to send, whom
    to call).  Every door (command line, add-in, web board) shows these same fields."""

    unit: str
    status: str
    reason: str = ""
    code: str = ""
    parent: str = ""
    file: str = ""  # the path as found (may hold bytes that are not UTF-8: see ``shown``)
    sha256: str = ""
    errors: int = 0
    warnings: int = 0
    received: str = ""  # the file's modification time where it was found (local time)
    saved: str = ""  # the workbook's own "last saved" stamp (local time)
    key: KeyFigures = ()
    contact: str = ""
    phone: str = ""
    shown: str = ""  # the file as printed: its name, with folders where names repeat
    first_seen: str = ""  # when nianbao first received these bytes (local time)
    attributed: str = ""  # how a file was tied to its unit when it does not say: ATTRIBUTIONS
    sent: str = ""  # a file that is not a workbook: its kind (SENT_KINDS)
    identical_to: str = ""  # an earlier file with the same bytes (a resubmission unchanged)
    archive: str = ""  # the archived copy's file name
    size: int = 0  # bytes
    readable: bool = False  # the file was read as a workbook (so it can be marked)
    findings: list[dict[str, Any]] = field(default_factory=list)  # errors first, then warnings
    feedback: str = ""  # the message to send the unit (empty when it has nothing to do)
    # the unit is on the coordinator's list (always so without a list): only listed units are
    # expected (应报); a file of a unit not on the list is counted apart
    on_list: bool = True

    @property
    def to_act(self) -> bool:
        """The unit must do something about this row: resend, correct, or send at all."""
        return self.status in (REJECTED, INVALID, UNSENT, MERGED_INVALID)

    def to_dict(self) -> dict[str, Any]:
        return {"file": shown(self.file) if self.file else None, "unit": self.unit or None,
                "status": self.status, "reason": self.reason, "errors": self.errors,
                "warnings": self.warnings, "sha256": self.sha256 or None,
                "code": self.code or None, "parent": self.parent or None,
                "received": self.received or None, "saved": self.saved or None,
                "first_seen": self.first_seen or None,
                "key_figures": {code.split(".")[-1]: v for (code, _), v in zip(MERGE_FIGURES, self.key)},
                "shown": self.shown or None, "contact": self.contact or None,
                "phone": self.phone or None, "attributed": self.attributed or None,
                "sent": self.sent or None, "identical_to": self.identical_to or None,
                "archive": self.archive or None, "size": self.size or None,
                "findings": self.findings,
                "feedback": self.feedback or None, "on_list": self.on_list}


ATTRIBUTIONS = ("content", "file_name")  # a published report's text; a listed name in the file name


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
    archive: Path | None = None  # the folder of archived copies, beside the database
    year_from: str = ""  # where the round's year came from: YEAR_SOURCES
    feedback: list[Path] = field(default_factory=list)  # files written by --feedback
    calls: Path | None = None  # the call list written
    by_parent: dict[str, Path] = field(default_factory=dict)  # parent → its consolidated workbook
    coordinator: str = ""  # the consolidated workbook's 填报单位, as the coordinator gave it
    # the roll-up per 上级单位 with a total (nianbao.merge.rollup.rollup of the rows)
    rollup: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r.status in SUMMED)

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.rows if r.status == REJECTED)

    @property
    def missing(self) -> list[str]:
        return [r.unit for r in self.rows if r.status == UNSENT]

    @property
    def to_return(self) -> list[UnitRow]:
        """Files the units must correct or replace (rejected, or with errors)."""
        return [r for r in self.rows if r.status in (REJECTED, INVALID, MERGED_INVALID)]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def exit_code(self) -> int:
        """0 every unit merged without errors; 1 some rejected, left out, merged with errors or
        missing; 2 nothing could be merged."""
        if not self.accepted:
            return 2
        return 1 if any(r.status in (REJECTED, INVALID, UNSENT, MERGED_INVALID)
                        for r in self.rows) else 0

    @property
    def detailed_exit_code(self) -> int:
        """``merge --detailed-exit``: 0 complete and clean; 4 only units still missing (every
        file received is merged clean); 5 files to return (rejected or with errors), no unit
        missing; 6 both; 2 nothing could be merged.  Scripts tell "wait for units" from
        "send files back" without reading the JSON.  (3 stays what it is for every command: an
        internal error.)"""
        if not self.accepted:
            return 2
        missing, to_return = bool(self.missing), bool(self.to_return)
        return {(False, False): 0, (True, False): 4, (False, True): 5, (True, True): 6}[
            (missing, to_return)]

    def to_dict(self) -> dict[str, Any]:
        return {"output": str(self.output) if self.output else None,
                "database": str(self.database), "format": self.format, "year": self.year,
                "accepted": self.accepted, "rejected": self.rejected, "missing": self.missing,
                "units": [r.to_dict() for r in self.rows],
                "year_from": self.year_from or None,
                "to_return": sorted({r.unit for r in self.to_return if r.unit}),
                "coordinator": self.coordinator or None,
                "rollup": self.rollup,
                "feedback": [str(p) for p in self.feedback],
                "calls": str(self.calls) if self.calls else None,
                "by_parent": {k: str(v) for k, v in self.by_parent.items()}}


# where the round's year and format came from, in the order they are looked for
YEAR_SOURCES = ("options", "round", "units")


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
        return _local_stamp(timestamp)
    return dt.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")


@lru_cache(maxsize=4096)
def _local_stamp(text: str) -> str:
    # one run stamps thousands of files with the same few times (its own start, a save time)
    when = parse_stamp(text) if text else None
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S") if when else text



def sum_values(reports: Iterable[dict[str, Any]], format_id: str) -> dict[str, int | float | None]:
    """Every number cell (statutory and extras) of reports given as ``Report.to_dict()``,
    summed exactly.  There a blank, invalid text and a missing cell are all null: each adds
    nothing, which is how the official tables count a blank (0) and why a unit with invalid or
    missing cells has errors of its own.  A cell no unit entered a number in stays None (blank):
    the consolidation states only what units entered, not a 0 nobody wrote."""
    lay = layout_of(format_id)
    kinds = {f.id: f.kind for f in lay.fields.values() if f.table != "meta" and f.kind != "text"}
    acc: dict[str, Any] = dict.fromkeys(kinds)
    for report in reports:
        for part in ("values", "extras"):
            for fid, v in report.get(part, {}).items():
                if fid in acc and is_number(v):
                    # decimals, so that money adds up the same in any order, without binary noise
                    acc[fid] = (acc[fid] or 0) + (Decimal(repr(v)) if isinstance(v, float) else v)
    return {fid: None if v is None else (float(v) if kinds[fid] == "money" else int(v))
            for fid, v in acc.items()}


__all__ = ["shown", "printable", "failure_text", "SENT_KINDS", "PUBLISHED", "ATTRIBUTIONS", "YEAR_SOURCES",
           "REJECTED", "INVALID", "UNSENT", "MERGED_INVALID", "MERGED", "SUPERSEDED", "STATUSES",
           "SUMMED", "MERGE_FIGURES", "ALTERED", "ORIGIN_KIND", "KIND_CONSOLIDATION",
           "SOURCE_PREFIX", "Examined", "UnitRow", "Consolidation", "merge_figures",
           "parse_stamp", "local_time", "sum_values"]
