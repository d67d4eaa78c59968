"""``nianbao show``: what nianbao reads from a workbook (``--json``: ``Report.to_dict()``)."""
from __future__ import annotations

from pathlib import Path

import click

from .. import actions
from ..messages import say
from .terminal import emit_json, print_report


@click.command("show", help=say("cli.show.help"))
@click.argument("file", type=click.Path(path_type=Path), metavar="工作簿.xlsx")
@click.option("--json", "as_json", is_flag=True, help=say("cli.opt.json"))
def show_command(file: Path, as_json: bool) -> None:
    report = actions.load(file)
    if as_json:
        emit_json(report.to_dict())
        return
    print_report(report)


__all__ = ["show_command"]
