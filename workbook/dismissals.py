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
from dataclasses import replace
from functools import lru_cache
from typing import Iterable

from .findings import Finding
from .layout import layout_of
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


__all__ = ["finding_id", "with_ids", "dismissed_in", "split", "PREFIX", "DISMISSABLE"]
