"""``nianbao demo``: the whole job on the bundled sample, as a new user's first run."""
from __future__ import annotations

import shutil
from pathlib import Path

import click
from rich.console import Console

from ..messages import say
from ..samples import SAMPLE_YEAR, sample_path


@click.command("demo", help=say("demo.help"))
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path(say("demo.outdir_default")), show_default=True, help=say("demo.outdir"))
@click.option("--pdf/--no-pdf", default=None, help=say("demo.pdf"))
def demo_command(outdir: Path, pdf: bool | None) -> None:
    from ..checks import check
    from ..document import pdf_font_warning, render_report
    from ..libreoffice import find_soffice, to_pdf
    from ..reader import read_report
    from .terminal import print_findings, print_report

    console = Console()
    outdir.mkdir(parents=True, exist_ok=True)
    workbook = outdir / say("demo.workbook_name", year=SAMPLE_YEAR)
    shutil.copyfile(sample_path(), workbook)
    console.rule(say("demo.step_read"))
    report = read_report(workbook)
    print_report(report, console)
    console.rule(say("demo.step_check"))
    print_findings(check(report))
    console.rule(say("demo.step_report"))
    docx = render_report(report, outdir / say("demo.docx_name", year=SAMPLE_YEAR))
    console.print(say("demo.written", file=docx), markup=False)
    if pdf is None:
        pdf = find_soffice() is not None
    if pdf:
        pdf_path = to_pdf(docx)
        console.print(say("demo.written", file=pdf_path), markup=False)
        warning = pdf_font_warning(docx, pdf_path)
        if warning:
            console.print(warning, markup=False)
    console.rule(say("demo.step_next"))
    console.print(say("demo.next"), markup=False)
