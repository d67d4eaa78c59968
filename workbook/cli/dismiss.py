"""``nianbao dismiss FILE ID --reason R -o OUT``: mark a reviewed warning or notice as dismissed
in a copy of the workbook (:func:`nianbao.dismissals.dismiss`); the input is never written."""
from __future__ import annotations

from pathlib import Path

import click

from ..messages import say


@click.command("dismiss", help=say("cli.dismiss.help"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("finding_id", metavar="ID")
@click.option("--reason", required=True, help=say("cli.dismiss.reason"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=say("cli.dismiss.output"))
@click.option("--previous", default=None, metavar="F", help=say("cli.dismiss.previous"))
def dismiss_command(file: Path, finding_id: str, reason: str, output: Path, previous: str | None) -> None:
    from ..dismissals import dismiss

    dismiss(file, finding_id, reason, output, previous)
    click.echo(say("dismiss.done", id=finding_id, reason=" ".join(reason.split()), file=output))


__all__ = ["dismiss_command"]
