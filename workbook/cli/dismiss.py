"""``nianbao dismiss FILE ID... --reason R -o OUT``: record reviewed warnings or notices as
dismissed in a copy of the workbook (:func:`nianbao.dismiss`); the input is never written.  An
ID is a finding's 编号 or a rule code (every open finding of that rule); ``--all`` takes every
open warning and notice."""
from __future__ import annotations

from pathlib import Path

import click

from .. import actions
from ..messages import say
from .terminal import fail


@click.command("dismiss", help=say("cli.dismiss.help"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="工作簿.xlsx")
@click.argument("ids", nargs=-1, metavar="编号…")
@click.option("--reason", required=True, help=say("cli.dismiss.reason"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=say("cli.dismiss.output"))
@click.option("--previous", default=None, metavar="上年文件",
              help=say("cli.dismiss.previous"))
@click.option("--all", "--all-warnings", "everything", is_flag=True, help=say("cli.dismiss.all"))
@click.option("--force", is_flag=True, help=say("cli.opt.force"))
def dismiss_command(file: Path, ids: tuple[str, ...], reason: str, output: Path,
                    previous: str | None, everything: bool, force: bool) -> None:
    if not ids and not everything:
        fail(say("cli.dismiss.need_ids"))
    done = actions.dismiss(file, ids, reason, output, previous=previous, everything=everything,
                           force=force)
    click.echo(say("dismiss.done", n=len(done), ids="、".join(f.id or "" for f in done),
                   reason=" ".join(reason.split()), file=output))


__all__ = ["dismiss_command"]
