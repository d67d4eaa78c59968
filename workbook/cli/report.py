"""``nianbao report``: the Word report of a filled workbook (and its PDF).

A thin door onto :func:`nianbao.publish` (check, refuse on errors unless ``--force``, write the
report and its PDF); ``--force`` also replaces an existing output (never an input).
Exit codes: 0 written; 1 refused because the workbook has errors; 2 the input could not be read
or the output not written (one Chinese line on stderr).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import actions
from ..errors import NianbaoError
from ..messages import say
from .terminal import fail


def _where(f) -> str:
    if f.sheet and f.cell:
        return say("report.where", sheet=f.sheet, cell=f.cell)
    if f.sheet:
        return say("report.where_sheet", sheet=f.sheet)
    return ""


def print_published(done, file: Path) -> None:
    """What ``publish`` did, as ``report`` and ``demo`` print it."""
    if done.errors:
        key = "document.forced" if done.forced else "document.refused"
        click.echo(say(key, file=str(file), count=len(done.errors)), err=True)
        for f in done.errors:
            click.echo(say("document.error_line", where=_where(f), message=f.message), err=True)
    if done.refused:
        return
    if done.warnings:
        click.echo(say("document.warnings", count=done.warnings, file=str(file)), err=True)
    click.echo(say("document.written", file=str(done.docx)))
    for line in done.generated:  # which paragraphs nianbao wrote
        click.echo(line)
    if done.pdf is not None:
        click.echo(say("document.pdf_written", file=str(done.pdf)))
    if done.no_pdf:
        click.echo(say("document.no_pdf", reason=done.no_pdf), err=True)
    if done.pdf_failed:
        click.echo(say("cli.error", message=done.pdf_failed), err=True)
    if done.font_warning:
        click.echo(done.font_warning, err=True)


@click.command("report", help=say("report.help"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="工作簿.xlsx")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help=say("report.output"))
@click.option("--pdf", is_flag=True, help=say("report.pdf"))
@click.option("--force", is_flag=True, help=say("report.force"))
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help=say("report.previous"))
@click.option("--offer-generated", is_flag=True,
              help=say("report.offer_generated"))
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path),
              help=say("report.templates"))
def report_command(file: Path, output: Path | None, pdf: bool, force: bool,
                   previous: Path | None, offer_generated: bool,
                   templates_dir: Path | None) -> None:
    try:
        done = actions.publish(file, output, previous=previous, force=force, overwrite=force,
                               pdf=pdf, templates_dir=templates_dir,
                               offer_generated=offer_generated)
    except NianbaoError as e:  # also when called on its own, not through the nianbao group
        fail(str(e), e.exit_code)
    print_published(done, file)
    sys.exit(done.exit_code)


__all__ = ["report_command", "print_published"]
