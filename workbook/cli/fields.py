"""``nianbao fields``: every input cell of a format — the statutory table cells, the basic
information, the section texts and the fee cells — with id, labels, place, defined name, kind."""
from __future__ import annotations

import click

from ..formats import CURRENT
from ..layout import layout_of
from ..messages import say
from .new import FORMAT_CHOICE
from .terminal import emit_json, make_console


@click.command("fields", help=say("cli.fields.help"))
@click.option("--format", "format_id", type=FORMAT_CHOICE, default=CURRENT, show_default=True,
              help=say("cli.opt.format"))
@click.option("--json", "as_json", is_flag=True, help=say("cli.opt.json"))
def fields_command(format_id: str, as_json: bool) -> None:
    lay = layout_of(format_id)
    rows = [{"id": f.id, "table": f.table, "labels": list(f.labels), "sheet": f.sheet,
             "cell": f.cell, "name": f.name, "kind": f.kind, "unit": f.unit,
             "statutory": f.statutory}
            for f in lay.fields.values()]
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    from ..formats.model import KIND_LABELS

    t = Table(title=say("cli.fields.title", format=lay.format.title, n=len(rows)))
    for h in say("cli.fields.headers").split("|"):
        t.add_column(h)
    for f in lay.fields.values():  # the fields of the JSON rows above
        t.add_row(f.id, f.table, " / ".join(f.labels), f"{f.sheet}!{f.cell}", KIND_LABELS[f.kind])
    make_console().print(t)


__all__ = ["fields_command"]
