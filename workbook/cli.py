"""The ``nianbao`` command: a thin door onto the Python API.

Every command calls one API function and prints its result, in Chinese for people or as stable
JSON for scripts (``--json``).  Exit codes: 0 success, 1 the report has errors, 2 the input could
not be read or the command could not run (one Chinese line on stderr, never a traceback).
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import NianbaoError
from .formats import CURRENT, FORMATS, format_for_year, get_format
from .layout import layout_of
from .messages import say
from .show import fail


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class Group(click.Group):
    """Turns any NianbaoError into one Chinese line and exit 2; hides tracebacks from users."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NianbaoError as e:
            fail(str(e), e.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            fail(say("cli.cancelled"), 130)
        except Exception as e:  # a bug of ours: say so plainly; NIANBAO_DEBUG=1 shows the trace
            if os.environ.get("NIANBAO_DEBUG"):
                raise
            fail(say("cli.internal", kind=type(e).__name__, detail=e), 3)


@click.group(cls=Group, help=say("cli.help"), context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def main() -> None:
    pass


_FORMAT = click.Choice(sorted(FORMATS))


@main.command(help=say("cli.new.help"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=say("cli.new.output"))
@click.option("--format", "format_id", type=_FORMAT, default=None, help=say("cli.new.format"))
@click.option("--year", type=click.IntRange(*layout_of(CURRENT).fields["meta.year"].bounds),
              default=None, help=say("cli.new.year"))
@click.option("--unit", default="", help=say("cli.new.unit"))
@click.option("--contact", default="", help=say("cli.new.contact"))
@click.option("--phone", default="", help=say("cli.new.phone"))
@click.option("--force", is_flag=True, help=say("cli.new.force"))
def new(output: Path, format_id: str | None, year: int | None, unit: str, contact: str,
        phone: str, force: bool) -> None:
    from .xlsx_writer import new_workbook

    year = year or dt.date.today().year - 1
    fmt = get_format(format_id) if format_id else format_for_year(year)
    if output.exists() and not force:
        fail(say("cli.new.exists", file=output))
    if not fmt.accepts_year(year):
        click.echo(say("cli.new.other_format", year=year, expected=format_for_year(year).title,
                       actual=fmt.title), err=True)
    new_workbook(output, fmt.id, year=year, unit=unit, contact=contact, phone=phone)
    click.echo(say("cli.new.done", file=output, format=fmt.title, year=year,
                   unit=say("cli.new.done_unit", unit=unit) if unit else ""))


@main.command(help=say("cli.fields.help"))
@click.option("--format", "format_id", type=_FORMAT, default="2021", show_default=True,
              help=say("cli.opt.format"))
@click.option("--json", "as_json", is_flag=True, help=say("cli.opt.json"))
def fields(format_id: str, as_json: bool) -> None:
    lay = layout_of(format_id)
    rows = [{"id": f.id, "table": f.table, "labels": list(f.labels), "sheet": f.sheet,
             "cell": f.cell, "name": f.name, "kind": f.kind}
            for f in lay.statutory_fields()]
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    from .formats.model import KIND_LABELS
    from .show import make_console

    t = Table(title=say("cli.fields.title", format=lay.format.title, n=len(rows)))
    for h in say("cli.fields.headers").split("|"):
        t.add_column(h)
    for r in rows:
        t.add_row(r["id"], r["table"], " / ".join(r["labels"]), f"{r['sheet']}!{r['cell']}",
                  KIND_LABELS[r["kind"]])
    make_console().print(t)


@main.command(help=say("cli.show.help"))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=say("cli.opt.json"))
def show(file: Path, as_json: bool) -> None:
    from .reader import read_report
    from .show import print_report

    report = read_report(file)
    if as_json:
        emit_json(report.to_dict())
        return
    print_report(report)


# commands that live beside the parts they drive
from .checks.command import check_command  # noqa: E402
from .demo import demo_command  # noqa: E402
from .document_command import report_command  # noqa: E402

for _cmd in (check_command, report_command, demo_command):
    main.add_command(_cmd)


if __name__ == "__main__":
    main()
