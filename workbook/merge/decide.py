"""The decision per file and unit: merged, left out for errors, superseded by a later version,
rejected (with the reason), or not sent — from the records of what arrived, the unit list and
the year and format consolidated."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Sequence

from ..formats import format_for_year, get_format
from ..messages import say
from ..text.cjk import unit_key
from .records import (INVALID, MERGED, MERGED_INVALID, REJECTED, STATUSES, SUPERSEDED, UNSENT,
                      Examined, UnitRow, local_time, parse_stamp)
from .units import Unit


def _saved_key(ex: Examined) -> tuple:
    """The order of versions: the stamp of the last save, then the file time, then the path."""
    when = parse_stamp(ex.saved_at) if ex.saved_at else None
    return (when.timestamp() if when else float("-inf"), ex.file_time, ex.path)


def target_of(seen: list[Examined], year: int | None, format_id: str | None
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
            rows.append(UnitRow(unit=u.name, status=UNSENT, reason=say("merge.missing"),
                                code=u.code, parent=u.parent))
    order = {s: i for i, s in enumerate(STATUSES)}
    rows.sort(key=lambda r: (order[r.status], r.parent, unit_key(r.unit), r.file))
    return rows



__all__ = ["decide", "target_of"]
