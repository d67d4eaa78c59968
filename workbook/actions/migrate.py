"""``nianbao migrate OLD -o NEW``: a workbook of an old statutory format written in the new one
(:func:`nianbao.migrate.migrate` decides what carries over), with a 迁移说明 sheet listing what
must be re-entered and the old figures with no place in the new format."""
from __future__ import annotations

import os
from typing import Any

from ..errors import NianbaoError
from ..formats import CURRENT, get_format
from ..messages import say
from ..migrate import Migrated, migrate, shown_value
from ..places import describe, place
from .checking import load
from .outputs import Outputs

PathLike = str | os.PathLike[str]


def migrate_workbook(source: PathLike, output: PathLike, target: str = CURRENT, *,
                     force: bool = False, free: bool = False) -> Migrated:
    """Read OLD, write NEW in format ``target`` with a 迁移说明 sheet (atomically).  Never writes
    over OLD, nor over an existing NEW unless ``force``; raises :class:`NianbaoError` when OLD
    cannot be read or is already in the target format."""
    from ..xlsx_writer import add_note_sheet, add_record, build_template, fill_workbook, save_workbook

    out = Outputs(inputs=[source], force=force, free=free).add(output)
    old = load(source)
    new = get_format(target)
    if old.format == new.id:
        raise NianbaoError("migrate.already", file=str(source), format=new.title)
    done = migrate(old, new.id)
    r = done.report
    wb = build_template(new.id, year=r.meta.year, unit=r.meta.unit, contact=r.meta.contact,
                        phone=r.meta.phone, date=r.meta.date)
    fill_workbook(wb, r)
    add_record(wb, [("migrated_from", old.format), *r.origin.items()])
    add_note_sheet(wb, say("migrate.sheet"),
                   say("migrate.title", old=get_format(old.format).title, new=new.title),
                   (30.0, 46.0, 60.0), note_rows(done))
    done.path = save_workbook(wb, out)
    return done


def note_rows(m: Migrated) -> list[Any]:
    """The 迁移说明 sheet: the cells to re-enter (each linked to its cell), the declared moves,
    the old figures with no place in the new format."""
    from ..xlsx_writer import NoteRow

    old, new = m.source.format, m.report.format
    rows = [NoteRow((say("migrate.h.reenter", n=len(m.reenter)),), heading=True),
            NoteRow((say("migrate.h.where"), say("migrate.h.item"), say("migrate.h.why")))]
    for fid in m.reenter:
        p = place(new, fid)
        rows.append(NoteRow((f"{p.sheet}!{p.cell}", describe(new, fid, with_cell=False),
                             m.reasons[fid]), link=p.ref))
    if m.plan.notes:
        rows.append(NoteRow((say("migrate.h.moved"),), heading=True))
        rows += [NoteRow((n,), span=True) for n in m.notices()]
    if m.plan.dropped:
        rows.append(NoteRow((say("migrate.h.dropped", format=get_format(old).title),), heading=True))
        rows.append(NoteRow((say("migrate.h.old_where"), say("migrate.h.item"),
                             say("migrate.h.value"))))
        rows += [NoteRow((place(old, fid).ref, describe(old, fid, with_cell=False),
                          shown_value(m.source.values.get(fid))))
                 for fid in m.plan.dropped]
    return rows


__all__ = ["migrate_workbook", "note_rows"]
