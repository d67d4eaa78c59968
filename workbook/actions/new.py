"""Making blank workbooks: one (``nianbao new``) or one per unit of a list (``new --units``,
handing the template out).  The year↔format rule is decided here, once, for every door: a
workbook that ``check`` would reject as ``format.year`` is never made."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Sequence

from ..errors import NianbaoError
from ..formats import Format, format_for_year, get_format, year_mismatch
from ..merge.units import ORIGIN_CODE, ORIGIN_PARENT, Unit, units_from
from .outputs import Outputs

PathLike = str | os.PathLike[str]


def default_year() -> int:
    """The year a report is made for when none is given: last year (reports are due in January
    for the year just ended)."""
    return dt.date.today().year - 1


def format_for(year: int, format_id: str | None = None) -> Format:
    """The format of a new workbook for ``year``: as asked, which must be the one the year
    requires (``format.year``, the message ``check`` gives), else the one it requires."""
    fmt = get_format(format_id) if format_id else format_for_year(year)
    mismatch = year_mismatch(year, fmt)
    if mismatch is not None:
        raise NianbaoError("format.year", **mismatch)
    return fmt


def new_workbook(path: PathLike, format_id: str | None = None, *, year: int | None = None,
                 unit: str = "", force: bool = False, free: bool = False, **meta: str) -> Path:
    """Write a blank template for ``unit`` and ``year`` (default: last year) to ``path``; returns
    the path written.  Raises :class:`NianbaoError` (``format.year``) when ``format_id`` is not
    the format that year requires, and when ``path`` exists (unless ``force``; ``free`` writes
    under a free name instead)."""
    from ..xlsx_writer import build_template, save_workbook

    year = default_year() if year is None else year
    fmt = format_for(year, format_id)
    target = Outputs(force=force, free=free).add(path)
    save_workbook(build_template(fmt.id, year=year, unit=unit, **meta), target)
    return target


def template_for(unit: Unit, format_id: str, year: int):
    """The blank workbook (an openpyxl Workbook) handed out to ``unit``: its hidden sheet
    stamped with unit, unit code, parent, year, format and template version."""
    from ..xlsx_writer import add_record, build_template

    wb = build_template(format_id, year=year, unit=unit.name, contact=unit.contact,
                        phone=unit.phone)
    add_record(wb, ((ORIGIN_CODE, unit.code), (ORIGIN_PARENT, unit.parent)))
    return wb


def hand_out(units: PathLike | Sequence[Unit], directory: PathLike, *, year: int | None = None,
             format_id: str | None = None, force: bool = False) -> list[Path]:
    """Write one blank workbook per unit into ``directory``, named after the unit.  Refuses
    (before writing anything) when a file of that name exists, unless ``force``, and when the
    unit list itself would be written over."""
    from ..xlsx_writer import save_workbook

    year = default_year() if year is None else year
    fmt = format_for(year, format_id)
    listed = units_from(units)
    outputs = Outputs(inputs=[units] if isinstance(units, (str, os.PathLike)) else [],
                      force=force)
    targets = [outputs.add(Path(directory) / u.file_name) for u in listed]
    for unit, target in zip(listed, targets):
        save_workbook(template_for(unit, fmt.id, year), target)
    return targets


__all__ = ["new_workbook", "hand_out", "template_for", "format_for", "default_year"]
