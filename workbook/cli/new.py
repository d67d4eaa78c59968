"""``nianbao new``: a blank workbook (the Excel template) for one unit and year."""
from __future__ import annotations

from pathlib import Path

import click

from .. import actions
from ..errors import NianbaoError
from ..formats import CURRENT, FORMATS, format_for_year
from ..layout import layout_of
from ..messages import say
from .terminal import fail

FORMAT_CHOICE = click.Choice(sorted(FORMATS))
_YEARS = layout_of(CURRENT).fields["meta.year"].bounds
assert _YEARS is not None  # 报告年度 declares its range


@click.command("new", help=say("cli.new.help"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=say("cli.new.output"))
@click.option("--units", "units", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=say("cli.new.units"))
@click.option("-d", "--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=None, help=say("cli.new.dir"))
@click.option("--format", "format_id", type=FORMAT_CHOICE, default=None, help=say("cli.new.format"))
@click.option("--year", type=click.IntRange(*_YEARS),
              default=None, help=say("cli.new.year"))
@click.option("--unit", default="", help=say("cli.new.unit"))
@click.option("--contact", default="", help=say("cli.new.contact"))
@click.option("--phone", default="", help=say("cli.new.phone"))
@click.option("--force", is_flag=True, help=say("cli.new.force"))
@click.option("--from", "last", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="上年文件", help=say("cli.new.from"))
def new_command(output: Path | None, units: Path | None, directory: Path | None,
                format_id: str | None, year: int | None, unit: str, contact: str, phone: str,
                force: bool, last: Path | None) -> None:
    if (output is None) == (units is None) or (units is None) != (directory is None) \
            or (units is not None and last is not None):
        fail(say("cli.new.units_or_output"))
    if last is not None:
        if year is not None:
            fail(say("cli.new.from_year", year=year))
        ny = actions.start_from_last_year(last, output, format_id, force=force, unit=unit,
                                          contact=contact, phone=phone)
        m, fmt = ny.report.meta, ny.report.spec
        click.echo(say("cli.new.done", file=ny.path, format=fmt.title, year=m.year,
                       unit=say("cli.new.done_unit", unit=m.unit) if m.unit else ""))
        click.echo(say("cli.new.from_done", file=last, year=ny.previous.meta.year,
                       n=len(ny.filled)))
        if ny.notes:  # last year's own defects: said, never an error of this year's workbook
            click.echo(say("yearly.last_year_notes", year=ny.previous.meta.year, file=last,
                           n=len(ny.notes)))
            for f in ny.notes:
                click.echo(say("yearly.last_year_note", message=f.message))
        return
    year = year or actions.default_year()
    try:
        fmt = actions.format_for(year, format_id)
    except NianbaoError as e:  # the rule's own words, and how to give the right format here
        fail(say("cli.new.format_hint", message=str(e),
                 expected_id=format_for_year(year).id))
    if units is not None:
        written = actions.hand_out(units, directory, year=year, format_id=fmt.id, force=force)
        click.echo(say("cli.new.handed_out", dir=directory, n=len(written), format=fmt.title,
                       year=year))
        return
    written = actions.new_workbook(output, fmt.id, year=year, unit=unit, contact=contact,
                                   phone=phone, force=force)
    click.echo(say("cli.new.done", file=written, format=fmt.title, year=year,
                   unit=say("cli.new.done_unit", unit=unit) if unit else ""))


__all__ = ["new_command", "FORMAT_CHOICE"]
