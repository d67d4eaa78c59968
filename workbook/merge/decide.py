"""The decision per file and unit: merged, left out for errors, superseded by a later version,
rejected (with the reason), or not sent — from the records of what arrived, the unit list and
the year and format consolidated.

What a coordinator is told must stay true in the second round too:

* a unit's rejected or faulty file is *superseded* once a later workbook of that unit is
  merged (it has nothing left to do about it), not still 退回;
* a file that is not a workbook (a PDF or Word report, an .xls) is tied to its unit — from the
  unit its text names, else from a listed unit's name in the file name, and the reason says
  which — so that unit is told to send the workbook and is not also listed 未报送;
* a resubmission with the same bytes as an earlier file is said to be one, with the date of
  the first (「内容与 1月10日 报送的……相同，错误仍未改正」), not presented as a new version;
* files of the same name in different folders are told apart by their folders.

The round's year and format are the coordinator's (``--year``/``--format``), else the year the
units' workbooks carry — one vote per unit, only listed units when there is a list — never a
count of files: nine stray copies of one workbook are one unit's vote.
"""
from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import NianbaoError
from ..formats import format_for_year, get_format
from ..messages import say
from ..text.cjk import unit_key
from .feedback import brief
from .records import (INVALID, MERGED, MERGED_INVALID, REJECTED, STATUSES, SUPERSEDED, UNSENT,
                      Examined, UnitRow, local_time, parse_stamp, shown)
from .units import Unit

MAX_FINDINGS = 50  # per file kept for the summary, the API and the message (errors first)


def _saved_key(ex: Examined) -> tuple:
    """The order of versions: the stamp of the last save, then the file time, then the path."""
    when = parse_stamp(ex.saved_at) if ex.saved_at else None
    return (when.timestamp() if when else float("-inf"), ex.file_time, ex.path)


def _arrival(ex: Examined) -> tuple:
    """The order files came in: when nianbao first received the bytes, then the file time."""
    return (ex.first_seen or "~", ex.file_time, ex.path)


class Matcher:
    """Which listed unit a file belongs to: by the code or name its workbook was stamped with,
    by the unit a published report names, or by a listed name in the file's name."""

    def __init__(self, listed: Sequence[Unit] | None) -> None:
        self.listed = listed
        self.by_code = {u.code: u for u in listed or () if u.code}
        self.by_name = {unit_key(u.name): u for u in listed or ()}
        # longest first: 「甲区教育局」 before 「甲区」
        self.names = sorted(self.by_name.items(), key=lambda kv: -len(kv[0]))

    def stamped(self, ex: Examined) -> Unit | None:
        if self.listed is None:
            return Unit(ex.unit, ex.unit_code, ex.parent) if ex.unit else None
        if ex.unit_code in self.by_code:
            return self.by_code[ex.unit_code]
        return self.by_name.get(unit_key(ex.unit))

    def named(self, text: str) -> Unit | None:
        """The listed unit a text (a report's 填报单位, a file name) names."""
        key = unit_key(text)
        if not key:
            return None
        if self.listed is None:
            return None
        if key in self.by_name:
            return self.by_name[key]
        return next((u for k, u in self.names if len(k) >= 2 and k in key), None)

    def attribute(self, ex: Examined) -> tuple[Unit | None, str]:
        """(unit, how): how is "" (the workbook says so), "content" or "file_name"."""
        if ex.handed_out:
            return self.stamped(ex), ""
        named = ex.content_unit or ex.unit  # a published report's unit, or a plain workbook's
        if named:
            unit = self.named(named) if self.listed is not None else Unit(named)
            if unit is not None:
                return unit, "content"
        unit = self.named(Path(ex.path).stem) if self.listed is not None else None
        return (unit, "file_name") if unit is not None else (None, "")


def target_of(seen: Iterable[Examined], listed: Sequence[Unit] | None, year: int | None,
              format_id: str | None, last_round: tuple[int | None, str | None] = (None, None)
              ) -> tuple[int | None, str | None, str]:
    """The year and format consolidated, and where they came from (:data:`YEAR_SOURCES`):
    as the coordinator asked; else the year the units' own workbooks carry, one vote per unit
    (its latest workbook), only listed units' when there is a list; a tie is settled by the
    previous consolidation recorded in the database ("round"), else refused."""
    if year is not None:
        return year, format_id or format_for_year(year).id, "options"
    match = Matcher(listed)
    latest: dict[str, Examined] = {}
    for ex in seen:
        if not ex.handed_out or ex.year is None or ex.altered:
            continue
        if format_id is not None and ex.format != format_id:
            continue
        unit = match.stamped(ex)
        if unit is None:
            continue  # not on the list: a stray file has no say in the round
        key = unit_key(unit.name)
        if key not in latest or _saved_key(ex) > _saved_key(latest[key]):
            latest[key] = ex
    votes = Counter(ex.year for ex in latest.values())
    if not votes:
        return None, format_id, ""
    top = max(votes.values())
    leaders = sorted(y for y, n in votes.items() if n == top and y is not None)
    if len(leaders) == 1:
        year, source = leaders[0], "units"
    elif last_round[0] in leaders:
        year, source = last_round[0], "round"
    else:
        raise NianbaoError("merge.year_unclear", years="、".join(
            say("merge.year_votes", year=y, n=votes[y]) for y in leaders))
    return year, format_id or format_for_year(year).id, source


def _rejection(ex: Examined, year: int | None, format_id: str | None) -> str:
    if ex.problem:
        return ex.problem
    if not ex.handed_out:
        return say("merge.no_origin")
    if ex.altered:
        return say("merge.altered", detail=ex.altered)
    if ex.format != format_id:
        assert ex.format is not None  # read with the origin that makes it handed out
        return say("merge.wrong_format", actual=get_format(ex.format).title,
                   expected=get_format(format_id).title if format_id else "")
    if ex.year != year:
        return say("merge.wrong_year", actual=ex.year if ex.year is not None else say("merge.no_year"),
                   expected=year)
    if not ex.unit:
        return say("merge.no_unit")
    return ""


def day(stamp: str | float) -> str:
    """「1月10日」: the day a file came, in local time, as a clerk writes it."""
    text = local_time(stamp) if stamp else ""
    try:
        return f"{int(text[5:7])}月{int(text[8:10])}日"
    except ValueError:
        return text


def _earliest(ex: Examined) -> str | float:
    """When a file came at the latest: the first of nianbao's first sight and its file time."""
    seen = parse_stamp(ex.first_seen) if ex.first_seen else None
    if seen is None or (ex.file_time and ex.file_time < seen.timestamp()):
        return ex.file_time
    return ex.first_seen


def _sent_reason(ex: Examined, unit: Unit | None, how: str) -> str:
    kind = say(f"merge.kind.{ex.sent}")
    reason = say("merge.sent_unit" if unit is not None else "merge.sent", kind=kind)
    if unit is not None and how:
        reason += say(f"merge.attributed.{how}")
    return reason


def _issues(ex: Examined, reason: str) -> list[dict]:
    out = [{"severity": sev, "rule": rule, "sheet": sheet or None, "cell": cell or None,
            "message": message} for sev, rule, sheet, cell, message in ex.issues[:MAX_FINDINGS]]
    if reason and not any(f["message"] == reason for f in out) and not ex.errors:
        # rejected for what the round expects (year, format, list): that is the finding
        out.insert(0, {"severity": "error", "rule": "merge.rejected", "sheet": None,
                       "cell": None, "message": reason})
    return out


def decide(seen: list[Examined], listed: Sequence[Unit] | None, year: int | None,
           format_id: str | None, include_invalid: bool) -> list[UnitRow]:
    """Every file's status and reason, and a row for each listed unit that sent nothing;
    sorted so that who must act comes first."""
    match = Matcher(listed)
    listed_by_key = {unit_key(u.name): u for u in listed or ()}
    # every file as it is printed — in its row and in the reasons that cite it — so that
    # 「第一轮/甲区水务局.xlsx」 says which 甲区水务局.xlsx was replaced by which
    names = file_names(ex.path for ex in seen)

    def name(ex: Examined) -> str:
        return names.get(ex.path) or ex.name

    def row(ex: Examined, status: str, reason: str, unit: Unit | None, how: str = "") -> UnitRow:
        ref = listed_by_key.get(unit_key(unit.name)) if unit else None
        return UnitRow(unit=unit.name if unit else ex.unit or ex.content_unit, status=status,
                       reason=reason, code=unit.code if unit else ex.unit_code,
                       parent=unit.parent if unit else ex.parent, file=ex.path,
                       sha256=ex.sha256, errors=ex.errors, warnings=ex.warnings,
                       received=local_time(ex.file_time) if ex.size else "",
                       saved=local_time(ex.saved_at), key=ex.key,
                       contact=(ref.contact if ref and ref.contact else ex.contact),
                       phone=(ref.phone if ref and ref.phone else ex.phone),
                       first_seen=local_time(ex.first_seen) if ex.first_seen else "",
                       attributed=how, sent=ex.sent, archive=ex.archive, size=ex.size,
                       readable=ex.report_read, findings=_issues(ex, reason), shown=name(ex),
                       on_list=listed is None or ref is not None)

    rows: list[UnitRow] = []
    versions: dict[str, list[tuple[Examined, Unit]]] = defaultdict(list)
    refused: dict[str, list[tuple[Examined, Unit | None, str, str]]] = defaultdict(list)
    heard_from: set[str] = set()
    received = {ex.sha256 for ex in seen if ex.sha256}
    for ex in seen:
        unit, how = match.attribute(ex)
        reason = _rejection(ex, year, format_id)
        if ex.sent and not ex.handed_out:
            reason = _sent_reason(ex, unit, how)
        elif reason and how:
            reason += say(f"merge.attributed.{how}")
        if not reason and ex.sources & received:
            # an earlier consolidation lying among the files it summed: never count them twice
            reason = say("merge.overlap", n=len(ex.sources & received))
        if not reason and unit is None:
            reason = say("merge.unlisted", unit=ex.unit)
        if unit is not None:
            heard_from.add(unit_key(unit.name))
        if not reason:
            assert unit is not None  # no unit is a reason (merge.unlisted) above
            versions[unit_key(unit.name)].append((ex, unit))
        else:  # files of no known unit are refused together ("")
            refused[unit_key(unit.name) if unit else ""].append((ex, unit, how, reason))
    latest_of: dict[str, Examined] = {}
    for key, candidates in versions.items():
        candidates.sort(key=lambda c: _saved_key(c[0]), reverse=True)
        (latest, unit), older = candidates[0], candidates[1:]
        latest_of[key] = latest
        copies = [ex for ex, _ in older if ex.sha256 == latest.sha256]
        if latest.errors:
            status = MERGED_INVALID if include_invalid else INVALID
            reason = say("merge.has_errors_included" if include_invalid else "merge.has_errors",
                         errors=latest.errors)
        else:
            status, reason = MERGED, ""
        first = min(copies, key=_arrival) if copies else None
        earlier = latest.earlier
        r = row(latest, status, reason, unit)
        renamed = bool(earlier) and earlier[2] != shown(latest.path) and earlier[1] != latest.name
        if first is not None or renamed:
            # the same bytes again: a resubmission that changed nothing
            when = _earliest(first) if first is not None else earlier[0]
            other = name(first) if first is not None else shown(Path(earlier[1]).name)
            r.identical_to = other
            if latest.errors:
                r.reason = say("merge.resent_unchanged", date=day(when), file=other,
                               errors=latest.errors)
        elif earlier and status in (INVALID, MERGED_INVALID):
            # the very bytes of an earlier round, still with their errors
            r.reason = say("merge.not_resent", date=day(earlier[0])) + r.reason
        rows.append(r)
        for ex, u in older:
            if ex.sha256 == latest.sha256:
                rows.append(row(ex, SUPERSEDED, say("merge.same_as", file=name(latest)), u))
            else:
                rows.append(row(ex, SUPERSEDED, say("merge.superseded", file=name(latest)), u))
    for key, items in refused.items():
        best = latest_of.get(key) if key else None
        # the same bytes sent again count once: the latest copy carries the status
        latest_copy: dict[str, Examined] = {}
        for ex, *_ in items:
            if ex.sha256 and (ex.sha256 not in latest_copy
                              or _arrival(ex) > _arrival(latest_copy[ex.sha256])):
                latest_copy[ex.sha256] = ex
        for ex, unit, how, reason in items:
            if best is not None and _arrival(ex) <= _arrival(best):
                # a later workbook of the unit was received: nothing left to do about this one
                rows.append(row(ex, SUPERSEDED, say("merge.resolved", file=name(best),
                                                    reason=reason), unit, how))
            elif ex.sha256 and latest_copy[ex.sha256] is not ex:
                copy = latest_copy[ex.sha256]
                rows.append(row(ex, SUPERSEDED, say("merge.same_as", file=name(copy)), unit, how))
            else:
                rows.append(row(ex, REJECTED, reason, unit, how))
    for u in listed or ():
        if unit_key(u.name) not in heard_from:
            rows.append(UnitRow(unit=u.name, status=UNSENT, reason=say("merge.missing"),
                                code=u.code, parent=u.parent, contact=u.contact, phone=u.phone))
    for r in rows:
        r.reason += brief(r, 1)  # what is wrong, not only that something is: the first error
    order = {s: i for i, s in enumerate(STATUSES)}
    rows.sort(key=lambda r: (order[r.status], r.parent, unit_key(r.unit), r.shown, r.file))
    return rows


def file_names(paths: Iterable[str]) -> dict[str, str]:
    """Each file as printed: its name, with as many of its folders as tell apart files of the
    same name found in different folders (「第一轮/甲局.xlsx」, 「第二轮/甲局.xlsx」)."""
    parts = {f: tuple(p for p in f.replace(os.sep, "/").split("/") if p) for f in paths if f}
    depth = dict.fromkeys(parts, 1)
    while True:
        names: dict[tuple, list[str]] = defaultdict(list)
        for f, d in depth.items():
            names[parts[f][-d:]].append(f)
        clash = [f for group in names.values() if len(group) > 1 for f in group
                 if depth[f] < len(parts[f])]
        if not clash:
            break
        for f in clash:
            depth[f] += 1
    return {f: shown("/".join(parts[f][-depth[f]:])) for f in parts}


__all__ = ["decide", "target_of", "Matcher", "day"]
