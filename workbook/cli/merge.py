"""``nianbao merge INPUTS... -o 汇总.xlsx [--units 名单.xlsx] [--json]`` — a thin door onto
:func:`nianbao.consolidate`; ``nianbao merge --history 汇总.db`` onto
:func:`nianbao.merge_history`.

``--json`` prints ``Consolidation.to_dict()`` (or a page of the history listing).  Exit code:
0 every unit merged without errors, 1 some rejected, left out, merged with errors or missing,
2 nothing could be merged or the command could not run; with ``--detailed-exit`` 4 only units
missing, 5 files to return and no unit missing, 6 both (``Consolidation.detailed_exit_code``).
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
# rows printed on the terminal (who must act comes first); the rest are in 汇总情况 and --json
PRINT_ROWS = 200


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
@click.option("--page", type=click.IntRange(1), default=1,
              help=say("cli.merge.page", n=actions.HISTORY_PAGE))
@click.option("--feedback", "feedback", default=None, metavar="目录",
              help=say("cli.merge.feedback"))
@click.option("--calls", "calls", default=None, metavar="催报.xlsx", help=say("cli.merge.calls"))
@click.option("--by-parent", is_flag=True, help=say("cli.merge.by_parent"))
@click.option("--detailed-exit", is_flag=True, help=say("cli.merge.detailed_exit"))
@click.option("--force", is_flag=True, help=say("cli.opt.force"))
def merge_command(inputs: tuple[str, ...], output: Path | None, units: str | None,
                  year: int | None, format_id: str | None, unit: str | None,
                  include_invalid: bool, as_json: bool, history: str | None, page: int,
                  feedback: str | None, calls: str | None, by_parent: bool,
                  detailed_exit: bool, force: bool) -> None:
    if history:
        _history(history, as_json, page)
        return
    if not inputs:
        fail(say("cli.merge.need_inputs"))
    if output is None:
        fail(say("cli.merge.need_output"))
    with _progress(as_json) as progress:
        result = actions.consolidate(inputs, output, units=units, year=year,
                                     format_id=format_id, include_invalid=include_invalid,
                                     unit=unit, progress=progress, force=force,
                                     feedback=feedback, calls=calls, by_parent=by_parent)
    if as_json:
        emit_json(result.to_dict())
    else:
        _print(result, feedback)
    sys.exit(result.detailed_exit_code if detailed_exit else result.exit_code)


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


def _print(result, feedback: str | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..merge.records import INVALID, MERGED, MERGED_INVALID, REJECTED, SUPERSEDED, UNSENT

    console = make_console()
    styles = {REJECTED: "bold red", INVALID: "red", UNSENT: "yellow", MERGED_INVALID: "yellow",
              MERGED: "green", SUPERSEDED: "dim"}
    table = Table(show_lines=False)
    for key in ("cli.merge.h.unit", "cli.merge.h.status", "cli.merge.h.file", "cli.merge.h.reason"):
        table.add_column(say(key), overflow="fold")
    for r in result.rows[:PRINT_ROWS]:
        # what clerks typed (unit names, file names) is never read as rich markup
        table.add_row(Text(r.unit), Text(say(f"merge.status.{r.status}"), style=styles[r.status]),
                      Text(r.shown), Text(r.reason))
    console.print(table)
    if len(result.rows) > PRINT_ROWS:
        click.echo(say("cli.merge.more_rows" if result.output else "cli.merge.more_rows_json",
                       n=len(result.rows) - PRINT_ROWS))
    if result.output is None:
        click.echo(say("cli.merge.nothing"), err=True)
        return
    click.echo(say("cli.merge.done", file=result.output, merged=result.accepted,
                   rejected=result.rejected, invalid=result.count(INVALID),
                   missing=len(result.missing)))
    click.echo(say("cli.merge.database", db=result.database,
                   archive=result.archive))
    if feedback is not None:
        marked = sum(1 for p in result.feedback if p.suffix.lower() == ".xlsx")
        click.echo(say("cli.merge.feedback_done", dir=feedback,
                       units=len(result.feedback) - marked, marked=marked))
    if result.calls is not None:
        click.echo(say("cli.merge.calls_done", file=result.calls))
    if result.by_parent:
        click.echo(say("cli.merge.by_parent_done",
                       files="、".join(str(p) for p in result.by_parent.values())))
    if not result.coordinator:
        click.echo(say("cli.merge.no_unit"), err=True)


def _history(db: str, as_json: bool, page: int = 1) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..merge.records import local_time

    total = actions.history_size(db)
    entries = actions.merge_history(db, limit=actions.HISTORY_PAGE,
                                    offset=(page - 1) * actions.HISTORY_PAGE)
    pages = max(1, -(-total // actions.HISTORY_PAGE))
    if as_json:
        emit_json(entries)
        if pages > 1:
            click.echo(say("cli.merge.history_page", total=total, page=page, pages=pages), err=True)
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
    if pages > 1:
        click.echo(say("cli.merge.history_page", total=total, page=page, pages=pages))


__all__ = ["merge_command"]
