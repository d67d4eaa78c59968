"""``nianbao import REPORT [-o 年报.xlsx] [--json]`` — a published report (Word, PDF, web page,
text) read back into a Report: shown, optionally written as a workbook to fill in what is
missing.  ``--json`` is ``nianbao show --json`` plus ``format_detected``, ``ambiguous`` and
``notices``.  Exit code 0, 1 when the reading found errors (a mixed format), 2 when the file
cannot be read."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import actions
from ..messages import say
from .terminal import emit_json, print_report


@click.command("import", help=say("cli.import.help"))
@click.argument("file", type=click.Path(path_type=Path), metavar="年报文件")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              metavar="OUT.xlsx", help=say("cli.import.output"))
@click.option("--json", "as_json", is_flag=True, help=say("cli.opt.json"))
@click.option("--force", is_flag=True, help=say("cli.opt.force"))
def import_command(file: Path, output: Path | None, as_json: bool, force: bool) -> None:
    imported = actions.import_report(file, output, force=force)
    report = imported.report
    if as_json:
        emit_json(imported.to_dict())
    else:
        print_report(report)
        # the table values apart from 六's 信息处理费 figures, which a report states in words
        extras = imported.missing_extras
        click.echo(say("cli.import.detected_counts", format=imported.detected_title,
                       missing=imported.missing_values,
                       extras=say("cli.import.extras", n=len(extras),
                                  items="、".join(f"「{e}」" for e in extras)) if extras else "",
                       ambiguous=len(imported.ambiguous)))
        if output is not None:
            click.echo(say("cli.import.written", file=imported.path))
    sys.exit(1 if any(f.severity == "error" for f in report.findings) else 0)


__all__ = ["import_command"]
