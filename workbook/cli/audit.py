"""``nianbao audit FILES... [--json] [-o 审查结果.xlsx] [--html 审查结果.html] [--units 名单.xlsx]``
— a thin door onto :func:`nianbao.audit`.  Exit 0 when all are clean, 1 when any has errors, 2 when none
could be read."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import actions
from ..messages import say
from .terminal import emit_json, make_console, names


@click.command("audit", help=say("cli.audit.help"))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="文件或文件夹…")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              metavar="OUT.xlsx", help=say("cli.audit.output"))
@click.option("--html", "html_out", type=click.Path(path_type=Path), default=None,
              metavar="OUT.html", help=say("cli.audit.html"))
@click.option("-j", "--jobs", "jobs", type=click.IntRange(1, 64), default=1, metavar="进程数",
              help=say("cli.audit.jobs"))
@click.option("--units", "units", type=click.Path(path_type=Path), default=None,
              metavar="名单.xlsx", help=say("cli.audit.units"))
@click.option("--json", "as_json", is_flag=True, help=say("cli.opt.json"))
@click.option("--force", is_flag=True, help=say("cli.opt.force"))
def audit_command(files: tuple[Path, ...], output: Path | None, html_out: Path | None,
                  jobs: int, units: Path | None, as_json: bool, force: bool) -> None:
    from rich.console import Console
    from rich.progress import Progress

    from ..audit import INDICATORS, summary_headers, summary_values

    err = Console(stderr=True)
    with Progress(console=err, transient=True, disable=as_json or not err.is_terminal) as bar:
        task = bar.add_task("", total=None)
        result = actions.audit(files, progress=lambda _: bar.advance(task), jobs=jobs,
                               xlsx=output, html=html_out, force=force, units=units)
    if result.left_out:  # on stderr: --json's output stays one JSON array
        click.echo(say("cli.audit.left_out", n=len(result.left_out),
                       files=names(result.left_out)), err=True)
    if as_json:
        emit_json(result.to_dict())
    else:
        from rich.table import Table
        from rich.text import Text

        table = Table(show_lines=False)
        for h in summary_headers():
            table.add_column(h, overflow="fold")
        first = len(summary_headers()) - len(INDICATORS)
        for row in result.rows:
            cells = [Text(str(v)) for v in summary_values(row)]
            for k, ind in enumerate(INDICATORS):  # an outlier stands out as in the workbook
                if ind.key in row.outliers:
                    cells[first + k].stylize("bold black on yellow")
            table.add_row(*cells)
        console = make_console()
        console.print(table)
        rows = result.rows
        console.print(say("cli.audit.summary", n=len(rows),
                          errors=sum(1 for r in rows if r.findings.errors and not r.findings.unreadable),
                          unreadable=sum(1 for r in rows if r.findings.unreadable)), markup=False)
        for out in result.written:
            console.print(say("cli.audit.written", file=out), markup=False)
    sys.exit(result.exit_code)


__all__ = ["audit_command"]
