"""The roll-up per 上级单位: for each parent (a district, a bureau) how many of its units were
expected, merged, returned or silent, and their key figures — with a total row.

Units without a parent are the coordinator's own 直属 units.  A district's own government
(「甲区人民政府」, listed without a parent or under the city) is counted inside its district's
line, where a coordinator looks for it, not among the city's 直属 units.  The same grouping
decides what ``merge --by-parent`` writes per district.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Sequence

from ..text.cjk import unit_key
from .records import (INVALID, MERGE_FIGURES, MERGED, MERGED_INVALID, REJECTED, SUMMED,
                      SUPERSEDED, UNSENT, UnitRow)

# what a government's name adds to its place: 甲区人民政府办公室 → 甲区
_GOVERNMENT = ("人民政府办公室", "人民政府办公厅", "人民政府办", "人民政府", "政府办公室", "政府办公厅",
               "政府办", "政府")
# a unit's state from its rows, best first: one merged file settles it
_RANK = (MERGED, MERGED_INVALID, INVALID, REJECTED, UNSENT)
DIRECT = ""  # the group of units without a parent: the coordinator's own


def seat(name: str) -> str:
    """The place a government's name stands for (「甲区人民政府」 → 「甲区」), else the name."""
    key = unit_key(name)
    for suffix in _GOVERNMENT:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def group_of(rows: Sequence[UnitRow]) -> dict[str, str]:
    """unit_key(unit) → the parent it is counted under (:data:`DIRECT` for none)."""
    parents = {seat(r.parent): r.parent for r in rows if r.parent}
    out: dict[str, str] = {}
    for r in rows:
        if not r.unit:
            continue
        parent = r.parent
        if not parent or seat(parent) == seat(r.unit):
            # a district's own government: its district's line (when the district has units)
            parent = parents.get(seat(r.unit), parent if parent else DIRECT)
        out.setdefault(unit_key(r.unit), parent)
    return out


def groups(rows: Sequence[UnitRow]) -> dict[str, list[UnitRow]]:
    """The rows of each parent (rows without a unit are left out)."""
    where = group_of(rows)
    out: dict[str, list[UnitRow]] = defaultdict(list)
    for r in rows:
        if r.unit:
            out[where[unit_key(r.unit)]].append(r)
    return dict(out)


def _state(statuses: set[str]) -> str | None:
    return next((s for s in _RANK if s in statuses), None)


def rollup(rows: Sequence[UnitRow]) -> list[dict[str, Any]]:
    """One entry per parent (sorted, 直属 last), the files of units not on the list apart, and a
    total last: ``parent`` ("" for 直属), ``expected`` units, ``merged`` (summed), ``clean``
    (merged without errors), ``invalid`` (errors: left out or summed with --include-invalid),
    ``rejected``, ``missing``, and the merged key figures (None where no unit gave one).

    Only listed units are expected (应报): units not on the list (``UnitRow.on_list``) are one
    entry with ``unlisted`` true, expected 0, and are not in the total."""
    entries = []
    keys = [code.split(".")[-1] for code, _ in MERGE_FIGURES]
    total = _entry("", keys, total=True)
    listed = [r for r in rows if r.on_list]
    for parent, members in sorted(groups(listed).items(), key=lambda kv: (kv[0] == DIRECT, kv[0])):
        entry = _entry(parent, keys)
        _count(entry, members, keys)
        if not entry["expected"]:
            continue
        entries.append(entry)
        for name in COUNTS:
            total[name] += entry[name]
        for k in keys:
            if entry["key_figures"][k] is not None:
                total["key_figures"][k] = (total["key_figures"][k] or 0) + entry["key_figures"][k]
    stray = _entry("", keys, unlisted=True)
    _count(stray, [r for r in rows if not r.on_list], keys)
    if stray["expected"]:
        stray["expected"] = 0  # sent, but not asked for
        entries.append(stray)
    return [*entries, total] if entries else []


COUNTS = ("expected", "merged", "clean", "invalid", "rejected", "missing")


def _count(entry: dict[str, Any], members: Sequence[UnitRow], keys: list[str]) -> None:
    """Add ``members``' units (each counted once, by its best state) and key figures to
    ``entry``; a file of no known unit counts as one unit of its own."""
    by_unit: dict[str, set[str]] = defaultdict(set)
    for r in members:
        if r.status != SUPERSEDED:
            by_unit[unit_key(r.unit) if r.unit else f"\0{r.file}"].add(r.status)
        if r.status in SUMMED:
            for k, v in zip(keys, r.key):
                if v is not None:
                    entry["key_figures"][k] = (entry["key_figures"][k] or 0) + v
    for statuses in by_unit.values():
        state = _state(statuses)
        if state is None:
            continue
        entry["expected"] += 1
        entry["merged"] += state in SUMMED
        entry["clean"] += state == MERGED
        entry["invalid"] += state in (INVALID, MERGED_INVALID)
        entry["rejected"] += state == REJECTED
        entry["missing"] += state == UNSENT


def _entry(parent: str, keys: list[str], total: bool = False,
           unlisted: bool = False) -> dict[str, Any]:
    return {"parent": parent, "total": total, "unlisted": unlisted, "expected": 0, "merged": 0,
            "clean": 0, "invalid": 0, "rejected": 0, "missing": 0,
            "key_figures": dict.fromkeys(keys)}


__all__ = ["rollup", "groups", "group_of", "seat", "DIRECT"]
