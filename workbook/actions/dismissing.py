"""``nianbao dismiss``: an office records warnings and notices it has reviewed, with its reason,
in a copy of its workbook (the hidden ``_nianbao`` sheet, so they travel with it); ``check``
then lists them apart (:mod:`nianbao.dismissals`).  Several at once: by id, by rule code (every
open finding of that rule), or every open warning and notice.  Errors cannot be dismissed: the
statutory sums must reconcile."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from ..dismissals import DISMISSABLE, PREFIX
from ..errors import NianbaoError
from ..findings import Finding
from ..layout import META_SHEET
from .checking import Source, Upload, check, paths
from .outputs import Outputs

PathLike = str | os.PathLike[str]


class Dismissed(list[Finding]):
    """The findings dismissed (a list, as before), and ``output``: the file written — ``out``,
    or the free name next to it a door that cannot ask got (``free=True``)."""

    def __init__(self, findings: Iterable[Finding], output: Path) -> None:
        super().__init__(findings)
        self.output = output


def dismiss(source: PathLike | Upload, ids: str | Iterable[str], reason: str, out: PathLike, *,
            previous: Source | None = None, everything: bool = False, force: bool = False,
            free: bool = False) -> Dismissed:
    """Write a copy of workbook ``source`` to ``out`` in which the findings ``ids`` are
    dismissed for ``reason``; returns them (and the file written, ``.output``).  An id is a
    finding's id or a rule code (every open finding of that rule); ``everything``: every open
    warning and notice.  Refuses an unknown id, an error, an empty reason, and ``out`` being the
    input or (unless ``force``) existing; ``free``: an existing ``out`` gives a free name beside
    it (年报-已复核-2.xlsx) instead."""
    from openpyxl import load_workbook

    from ..xlsx_writer import save_workbook

    wanted = [ids] if isinstance(ids, str) else list(ids)
    target = Outputs(inputs=paths(source, previous), force=force, free=free).add(out)
    reason = " ".join(reason.split())
    if not reason:
        raise NianbaoError("dismiss.no_reason")
    result = check(source, previous)
    file = result.file or ""
    chosen = _chosen(list(result), [f for f, _ in result.dismissed], wanted, everything, file)
    if not chosen:
        raise NianbaoError("dismiss.nothing", file=file)
    if isinstance(source, Upload):
        import io

        wb = load_workbook(io.BytesIO(source.data))
    else:
        wb = load_workbook(source)
    if META_SHEET not in wb.sheetnames:
        raise NianbaoError("dismiss.no_store", file=file, sheet=META_SHEET)
    ws = wb[META_SHEET]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for f in chosen:
        key = PREFIX + (f.id or "")
        row = rows.get(key) or ws.max_row + 1
        rows[key] = row
        ws.cell(row, 1, key)
        ws.cell(row, 2).value = reason
        ws.cell(row, 2).data_type = "s"  # a reason is text, whatever it starts with
    save_workbook(wb, target)
    return Dismissed(chosen, Path(target))


def _chosen(open_: list[Finding], dismissed: list[Finding], wanted: list[str], everything: bool,
            file: str) -> list[Finding]:
    by_id = {f.id: f for f in [*open_, *dismissed]}  # a dismissed one may get a new reason
    chosen: dict[str | None, Finding] = {}
    if everything:
        chosen.update((f.id, f) for f in open_ if f.severity in DISMISSABLE)
    for key in wanted:
        if key in by_id:
            f = by_id[key]
            if f.severity not in DISMISSABLE:
                raise NianbaoError("dismiss.error", id=key, message=f.message)
            chosen[f.id] = f
            continue
        of_rule = [f for f in open_ if f.rule == key]
        if not of_rule:
            raise NianbaoError("dismiss.unknown", id=key, file=file)
        errors = [f for f in of_rule if f.severity not in DISMISSABLE]
        if errors:
            raise NianbaoError("dismiss.error", id=key, message=errors[0].message)
        chosen.update((f.id, f) for f in of_rule)
    return list(chosen.values())


__all__ = ["dismiss", "Dismissed"]
