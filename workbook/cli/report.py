"""``nianbao report``: the Word report of a filled workbook (and its PDF).

A thin door onto :func:`nianbao.document.render_report` and :func:`nianbao.document.to_pdf`:
read the workbook, check it, refuse on errors unless ``--force``, write the report.
Exit codes: 0 written; 1 refused because the workbook has errors; 2 the input could not be read
or the output not written (one Chinese line on stderr).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import NianbaoError
from ..fileio import refuse_overwrite
from ..messages import say
from .terminal import fail


def _where(f) -> str:
    if f.sheet and f.cell:
        return say("report.where", sheet=f.sheet, cell=f.cell)
    if f.sheet:
        return say("report.where_sheet", sheet=f.sheet)
    return ""


@click.command("report", help=say("report.help"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
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
    from ..checks import check
    from ..document import make_report, pdf_font_warning, to_pdf, written_lines
    from ..reader import read_report

    try:
        inputs = [file] + ([previous] if previous is not None else [])
        target = output if output is not None else file.with_suffix(".docx")
        pdf_path = target.with_suffix(".pdf")
        refuse_overwrite(target, inputs)
        if pdf:
            refuse_overwrite(pdf_path, [*inputs, target])
        report = read_report(file)
        prev = read_report(previous) if previous is not None else None
        findings = check(report, previous=prev)
        errors = findings.blocking  # the errors, and a statutory table left wholly blank
        if errors:
            key = "document.forced" if force else "document.refused"
            click.echo(say(key, file=str(file), count=len(errors)), err=True)
            for f in errors:
                click.echo(say("document.error_line", where=_where(f), message=f.message),
                           err=True)
            if not force:
                sys.exit(1)
        warnings = sum(1 for f in findings if f.severity == "warning" and f not in errors)
        if warnings:
            click.echo(say("document.warnings", count=warnings, file=str(file)), err=True)
        made = make_report(report, target, templates_dir=templates_dir,
                           offer_generated=offer_generated)
        click.echo(say("document.written", file=str(target)))
        for line in written_lines(report, made.written):  # which paragraphs nianbao wrote
            click.echo(line)
        if pdf:
            pdf_path = to_pdf(target, pdf_path)
            click.echo(say("document.pdf_written", file=str(pdf_path)))
            warning = pdf_font_warning(target, pdf_path)
            if warning:
                click.echo(warning, err=True)
    except NianbaoError as e:  # also when called on its own, not through the nianbao group
        fail(str(e), e.exit_code)


__all__ = ["report_command"]
