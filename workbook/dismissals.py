"""Reviewed findings: an office dismisses a warning or notice it has checked, with a reason
(「经核实，系统计口径不同」), and it stays dismissed on the next check.

Every finding has an id (:func:`finding_id`) built from its code, its place and the *values of
the cells it involves* — so it survives re-checking, re-reading and re-ordering as long as those
cells are unchanged, and a dismissal lapses by itself when someone edits them.  Dismissals are
rows ``dismissed:<id> | reason`` of the workbook's hidden ``_nianbao`` sheet, so they travel
with the workbook between offices; the reader returns them in ``Report.origin``.

Errors cannot be dismissed: the statutory sums must reconcile.  Writing a dismissal writes a new
workbook (never the input), atomically.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .errors import NianbaoError
from .findings import Finding
from .layout import META_SHEET, layout_of
from .report import Report

PREFIX = "dismissed:"
DISMISSABLE = ("warning", "notice")


@lru_cache(maxsize=None)
def _refs(format_id: str) -> dict[str, str]:
    return {f"{f.sheet}!{f.cell}": fid for fid, f in layout_of(format_id).fields.items()}


def finding_id(f: Finding, report: Report | None) -> str:
    """A short id that stays the same while the finding's code, place and the values of the
    cells it involves stay the same."""
    parts = [f.rule, f.sheet or "", f.cell or "", f.field or ""]
    involved = sorted(set(f.cells) | ({f"{f.sheet}!{f.cell}"} if f.sheet and f.cell else set()))
    if report is not None:
        refs = _refs(report.format)
        for ref in involved:
            fid = refs.get(ref)
            if fid is None:
                parts.append(ref)
            elif fid in report.texts:
                parts.append(f"{ref}={report.texts[fid]}")
            else:
                parts.append(f"{ref}={report.values.get(fid, getattr(report.meta, fid[5:], ''))!r}")
    if not involved:  # a finding with no place (an unreadable file): its wording is all it has
        parts.append(f.message)
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


def with_ids(findings: Iterable[Finding], report: Report | None) -> list[Finding]:
    return [replace(f, id=finding_id(f, report)) for f in findings]


def dismissed_in(report: Report) -> dict[str, str]:
    """id → reason, as stored in the workbook's hidden sheet."""
    return {k[len(PREFIX):]: v for k, v in report.origin.items() if k.startswith(PREFIX)}


def split(findings: list[Finding], report: Report | None
          ) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    """(findings still open, [(dismissed finding, reason)]); an error is never dismissed."""
    stored = dismissed_in(report) if report is not None else {}
    if not stored:
        return findings, []
    open_, dismissed = [], []
    for f in findings:
        if f.id in stored and f.severity in DISMISSABLE:
            dismissed.append((f, stored[f.id]))
        else:
            open_.append(f)
    return open_, dismissed


def dismiss(source: str | os.PathLike, finding: str, reason: str, out: str | os.PathLike,
            previous=None) -> Finding:
    """Write a copy of workbook ``source`` to ``out`` in which finding ``finding`` (its id) is
    dismissed for ``reason``; returns the finding.  Refuses an unknown id, an error, an empty
    reason and ``out`` being the input."""
    from openpyxl import load_workbook

    from .checks import check
    from .fileio import atomic_path

    src, dst = Path(source), Path(out)
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise NianbaoError("dismiss.same_file", file=str(src))
    reason = " ".join(reason.split())
    if not reason:
        raise NianbaoError("dismiss.no_reason")
    result = check(src, previous)
    known = {f.id: f for f in list(result) + [f for f, _ in result.dismissed]}
    target = known.get(finding)
    if target is None:
        raise NianbaoError("dismiss.unknown", id=finding, file=str(src))
    if target.severity not in DISMISSABLE:
        raise NianbaoError("dismiss.error", id=finding, message=target.message)
    wb = load_workbook(src)
    if META_SHEET not in wb.sheetnames:
        raise NianbaoError("dismiss.no_store", file=str(src), sheet=META_SHEET)
    ws = wb[META_SHEET]
    key = PREFIX + finding
    row = next((r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key), ws.max_row + 1)
    ws.cell(row, 1, key)
    ws.cell(row, 2).value = reason
    ws.cell(row, 2).data_type = "s"  # a reason is text, whatever it starts with
    with atomic_path(dst) as tmp:
        wb.save(tmp)
    return target


__all__ = ["finding_id", "with_ids", "dismissed_in", "split", "dismiss", "PREFIX", "DISMISSABLE"]
