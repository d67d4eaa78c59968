"""Carry a report from one statutory format to another (the 2019 format to the 2021 one).

What carries over is derived from the two declarations and the stable field ids: a field of the
new format takes the old value when the old format declares the same id asking the same question
— same printed row and column labels, same kind and unit (:func:`same_question`).  表三 and 表四,
the texts and the basic information carry over that way.  What a format change moved on purpose
is declared as data in :mod:`nianbao.formats.migrations`: the single 2019 （六）其他处理 goes to 2021
（六）3.其他, and （六）1 and 2 are left for the office to split.  Everything else the new format
asks is listed for re-entry with the reason (what the old format asked in that row), never
guessed: 本年制发/废止/现行有效 are not 新制作/新公开/对外公开, 本年处理决定数量 is not 处理决定数量,
本年收费金额 (万元) has no 2019 counterpart.  Old figures with no place in the new format are
listed with their values, so nothing is lost silently.

The migrated report keeps the source's report year: ``check`` then reports ``format.year`` (an
error — one year↔format rule for new, check and report) until the year is set to one the new
format is for.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .formats import CURRENT, get_format
from .formats.migrations import MIGRATIONS, Migration
from .layout import Field, layout_of
from .messages import say
from .places import place
from .report import MISSING, Report, format_number


def _question(f: Field) -> tuple:
    return (f.table, f.labels, f.kind, f.unit)


def same_question(old: str, new: str, fid: str) -> bool:
    """Both formats declare ``fid`` and ask the same thing there."""
    a, b = layout_of(get_format(old).id).fields.get(fid), layout_of(get_format(new).id).fields.get(fid)
    return a is not None and b is not None and _question(a) == _question(b)


@dataclass(frozen=True)
class Plan:
    """Which field goes where, derived once per pair of formats."""

    direct: tuple[str, ...]  # same id, same question
    moves: tuple[tuple[str, str], ...]  # (old id, new id) as declared
    notes: tuple[tuple[str, str, str], ...]  # (message code, old id, new id) per declared move
    reenter: tuple[str, ...]  # new fields nothing carries into, in layout order
    dropped: tuple[str, ...]  # old fields with no place in the new format


@lru_cache(maxsize=None)
def plan(old: str, new: str) -> Plan:
    old_fields, new_fields = layout_of(old).fields, layout_of(new).fields
    migration = MIGRATIONS.get((old, new), Migration(old, new))
    moves = [(s, t) for m in migration.moves for s, t, _ in m.instances()]
    moved_to = {t for _, t in moves}
    direct = [fid for fid, f in new_fields.items()
              if f.table != "meta" and fid not in moved_to and same_question(old, new, fid)]
    used = set(direct) | {s for s, _ in moves}
    return Plan(
        direct=tuple(direct),
        moves=tuple(moves),
        notes=tuple((m.note, *m.instances()[0][:2]) for m in migration.moves if m.note),
        reenter=tuple(fid for fid, f in new_fields.items()
                      if f.table != "meta" and fid not in direct and fid not in moved_to),
        dropped=tuple(fid for fid, f in old_fields.items()
                      if f.table != "meta" and f.kind != "text" and fid not in used),
    )


@dataclass
class Migrated:
    report: Report  # in the new format, the re-entry cells blank
    source: Report
    plan: Plan
    reasons: dict[str, str] = field(default_factory=dict)  # re-entry field → why, in Chinese
    path: Path | None = None  # the workbook written, once it is (nianbao.actions.migrate)

    @property
    def reenter(self) -> tuple[str, ...]:
        return self.plan.reenter

    def notices(self) -> list[str]:
        """The declared moves' notices: 「（六）其他处理」已移入「（六）其他处理·3.其他」…"""
        old, new = self.source.format, self.report.format
        return [say(code, old=place(old, s).row, new=place(new, t).row,
                    format=get_format(new).title) for code, s, t in self.plan.notes]


def migrate(source: Report, target: str = CURRENT) -> Migrated:
    """``source`` carried into format ``target``; its year, unit and contacts kept."""
    new = get_format(target).id
    p = plan(source.format, new)
    m = source.meta
    report = Report.empty(new, unit=m.unit, year=m.year, contact=m.contact, phone=m.phone,
                          date=m.date)
    report.origin = {k: v for k, v in source.origin.items() if k.startswith("prev:")}
    for fid in p.direct:
        if fid in report.texts:
            report.texts[fid] = source.texts.get(fid, "")
        else:
            report[fid] = source.values.get(fid, MISSING)
    for old_id, new_id in p.moves:
        report[new_id] = source.values.get(old_id, MISSING)
    done = Migrated(report, source, p)
    done.reasons = {fid: _reason(done, fid) for fid in p.reenter}
    return done


def _reason(m: Migrated, fid: str) -> str:
    """Why a new field must be re-entered: what the old format asked in the same row."""
    old, new = m.source.format, m.report.format
    split = {sh: t for mv in MIGRATIONS.get((old, new), Migration(old, new)).moves
             for _, t, shares in mv.instances() for sh in shares}
    if fid in split:
        return say("migrate.reason_split", target=place(new, split[fid]).row)
    row = fid.rsplit(".", 1)[0]
    asked = [k for k, f in layout_of(old).fields.items()
             if f.statutory and k.rsplit(".", 1)[0] == row]
    if not asked:
        return say("migrate.reason_new", format=get_format(old).title)
    values = say("text.and").join(
        say("migrate.old_value", column=place(old, f).column, value=shown_value(m.source.values.get(f)))
        for f in asked)
    return say("migrate.reason_row", format=get_format(old).title, row=place(old, asked[0]).row,
               values=values, column=place(new, fid).column)


def shown_value(v: object) -> str:
    """A value as a message quotes it: 「未填写」 for blank or missing."""
    return say("value.unfilled") if v is None or v is MISSING else format_number(v)


__all__ = ["Plan", "plan", "same_question", "Migrated", "migrate", "shown_value"]
