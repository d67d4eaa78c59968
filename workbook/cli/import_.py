"""``nianbao import REPORT [-o 年报.xlsx] [--json]`` — a published report (Word, PDF, web page,
text) read back into a Report: shown, optionally written as a workbook to fill in what is
missing.  ``--json`` is ``nianbao show --json`` plus ``format_detected``, ``ambiguous`` and
``notices``.  Exit code 0, 1 when the reading found errors (a mixed format), 2 when the file
cannot be read."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..messages import say
from .terminal import emit_json, fail, print_report


@click.command("import", help=say("cli.import.help"))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              metavar="OUT.xlsx", help=say("cli.import.output"))
@click.option("--json", "as_json", is_flag=True, help=say("cli.opt.json"))
def import_command(file: Path, output: Path | None, as_json: bool) -> None:
    from ..importing import import_report
    from ..importing.matcher import extras_named

    if output is not None and output.exists() and file.exists() and output.samefile(file):
        fail(say("cli.import.same_file", file=output))
    imported = import_report(file)
    report = imported.report
    if output is not None:
        from ..xlsx_writer import write_report

        write_report(report, output)
    if as_json:
        emit_json(imported.to_dict())
    else:
        print_report(report)
        extras = [e for s in report.spec.sections for e in s.extras if e.key in report.missing()]
        click.echo(say("cli.import.detected_counts", format=imported.detected_title,
                       missing=len(report.missing()) - len(extras),
                       extras=say("cli.import.extras", n=len(extras), items=extras_named(extras))
                       if extras else "", ambiguous=len(imported.ambiguous)))
        if output is not None:
            click.echo(say("cli.import.written", file=output))
    sys.exit(1 if any(f.severity == "error" for f in report.findings) else 0)


__all__ = ["import_command"]
