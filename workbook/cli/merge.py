"""``nianbao merge INPUTS... -o 汇总.xlsx [--units 名单.xlsx] [--json]`` — a thin door onto
:func:`nianbao.consolidate`; ``nianbao merge --history 汇总.db`` onto
:func:`nianbao.merge_history`.

``--json`` prints ``Consolidation.to_dict()`` (or the history listing).  Exit code: 0 every unit
merged without errors, 1 some rejected, left out, merged with errors or missing, 2 nothing could
be merged or the command could not run.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import actions
from ..messages import say
from .new import FORMAT_CHOICE
from .terminal import emit_json, fail, make_console

if TYPE_CHECKING:  # imported when a bar is shown
    from rich.progress import Progress

# a progress bar only where there is something to wait for
PROGRESS_FROM = 20


@click.command("merge", help=say("cli.merge.help"))
@click.argument("inputs", nargs=-1, metavar="[文件或文件夹]…")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=say("cli.merge.output"))
@click.option("--units", "units", default=None, metavar="名单.xlsx", help=say("cli.merge.units"))
@click.option("--year", type=int, default=None, help=say("cli.merge.year"))
@click.option("--format", "format_id", type=FORMAT_CHOICE, default=None,
              help=say("cli.merge.format"))
@click.option("--unit", default=None, help=say("cli.merge.unit"))
@click.option("--include-invalid", is_flag=True, help=say("cli.merge.include_invalid"))
@click.option("--json", "as_json", is_flag=True, help=say("cli.merge.json"))
@click.option("--history", "history", default=None, metavar="汇总.db",
              help=say("cli.merge.history"))
@click.option("--force", is_flag=True, help=say("cli.opt.force"))
def merge_command(inputs: tuple[str, ...], output: Path | None, units: str | None,
                  year: int | None, format_id: str | None, unit: str | None,
                  include_invalid: bool, as_json: bool, history: str | None,
                  force: bool) -> None:
    if history:
        _history(history, as_json)
        return
    if not inputs:
        fail(say("cli.merge.need_inputs"))
    if output is None:
        fail(say("cli.merge.need_output"))
    with _progress(as_json) as progress:
        result = actions.consolidate(inputs, output, units=units, year=year,
                                     format_id=format_id, include_invalid=include_invalid,
                                     unit=unit, progress=progress, force=force)
    if as_json:
        emit_json(result.to_dict())
    else:
        _print(result)
    sys.exit(result.exit_code)


class _progress:
    """A progress bar on an interactive terminal's stderr for large batches; else nothing."""

    def __init__(self, quiet: bool) -> None:
        self.show = not quiet and sys.stderr.isatty()
        self.bar: Progress | None = None
        self.task: Any = None  # rich's TaskID, once the bar is shown

    def __enter__(self):
        return self.update

    def update(self, done: int, total: int) -> None:
        if not self.show or total < PROGRESS_FROM:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(say("cli.merge.progress"), total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def _print(result) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..merge.records import INVALID, MERGED, MERGED_INVALID, REJECTED, SUPERSEDED, UNSENT

    console = make_console()
    styles = {REJECTED: "bold red", INVALID: "red", UNSENT: "yellow", MERGED_INVALID: "yellow",
              MERGED: "green", SUPERSEDED: "dim"}
    table = Table(show_lines=False)
    for key in ("cli.merge.h.unit", "cli.merge.h.status", "cli.merge.h.file", "cli.merge.h.reason"):
        table.add_column(say(key), overflow="fold")
    for r in result.rows:
        # what clerks typed (unit names, file names) is never read as rich markup
        table.add_row(Text(r.unit), Text(say(f"merge.status.{r.status}"), style=styles[r.status]),
                      Text(Path(r.file).name if r.file else ""), Text(r.reason))
    console.print(table)
    if result.output is None:
        click.echo(say("cli.merge.nothing"), err=True)
        return
    click.echo(say("cli.merge.done", file=result.output, merged=result.accepted,
                   rejected=result.rejected, invalid=result.count(INVALID),
                   missing=len(result.missing)))
    click.echo(say("cli.merge.database", db=result.database,
                   archive=result.archive))


def _history(db: str, as_json: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..merge.records import local_time

    entries = actions.merge_history(db)
    if as_json:
        emit_json(entries)
        return
    if not entries:
        click.echo(say("cli.merge.history_empty", db=db))
        return
    table = Table(show_lines=False)
    for key in ("cli.merge.h.unit", "cli.merge.h.received", "cli.merge.h.saved",
                "cli.merge.h.file", "cli.merge.h.status", "cli.merge.h.sha256"):
        table.add_column(say(key), overflow="fold")
    for e in entries:
        table.add_row(Text(e["unit"] or ""), local_time(e["received"] or ""),
                      local_time(e["saved"] or ""),
                      Text(e["file"]), say(f"merge.status.{e['status']}"), e["sha256"][:12])
    make_console().print(table)


__all__ = ["merge_command"]
