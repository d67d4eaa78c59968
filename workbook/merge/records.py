"""What a consolidation decides and reports, as plain records: the status of each file and
unit (in the order a coordinator must act on them), the figures compared across units, the time
stamps office programs write, and the exact sums.  Nothing here reads or writes a file."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

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
    # as JSON text: serialised in the worker, so the main process only passes it to the history
    report: str | None = field(default=None, repr=False)
    findings: str = field(default="", repr=False)

    @property
    def name(self) -> str:
        return Path(self.path).name



def merge_figures(report: Report) -> KeyFigures:
    out = []
    for _, fids in MERGE_FIGURES:
        nums = [report.number(f) for f in fids]
        out.append(None if any(n is None for n in nums) else sum(nums))
    return tuple(out)



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
                "key_figures": {code.split(".")[-1]: v for (code, _), v in zip(MERGE_FIGURES, self.key)}}


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

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r.status in SUMMED)

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.rows if r.status == REJECTED)

    @property
    def missing(self) -> list[str]:
        return [r.unit for r in self.rows if r.status == UNSENT]

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


__all__ = ["REJECTED", "INVALID", "UNSENT", "MERGED_INVALID", "MERGED", "SUPERSEDED", "STATUSES",
           "SUMMED", "MERGE_FIGURES", "ALTERED", "ORIGIN_KIND", "KIND_CONSOLIDATION",
           "SOURCE_PREFIX", "Examined", "UnitRow", "Consolidation", "merge_figures",
           "parse_stamp", "local_time", "sum_values"]
