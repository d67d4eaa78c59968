"""``nianbao demo``: the whole job on the bundled sample, as a new user's first run
(:func:`nianbao.actions.demo_run`: the sample copied into a fresh folder, checked, published)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import actions
from ..messages import say
from .report import print_published
from .terminal import make_console, print_findings, print_report


@click.command("demo", help=say("demo.help"))
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path(say("demo.outdir_default")), show_default=True, help=say("demo.outdir"))
@click.option("--pdf/--no-pdf", default=None, help=say("demo.pdf"))
def demo_command(outdir: Path, pdf: bool | None) -> None:
    done = actions.demo(outdir, pdf=pdf)
    console = make_console()
    console.rule(say("demo.step_read"))
    print_report(done.published.findings.report, console)
    console.rule(say("demo.step_check"))
    print_findings(done.published.findings)
    console.rule(say("demo.step_report"))
    print_published(done.published, done.workbook)
    console.rule(say("demo.step_next"))
    console.print(say("demo.next"), markup=False)
    sys.exit(done.published.exit_code)


__all__ = ["demo_command"]
