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

from .errors import NianbaoError
from .messages import say


def _where(f) -> str:
    if f.sheet and f.cell:
        return f"「{f.sheet}」{f.cell}："
    if f.sheet:
        return f"「{f.sheet}」："
    return ""


@click.command("report")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Word 年报的保存位置（默认：与工作簿同名的 .docx）")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF（与 Word 年报同名）")
@click.option("--force", is_flag=True, help="工作簿有错误时也照常生成")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="上年度的工作簿，用于跨年度核对（上年结转等）")
@click.option("--offer-generated", is_flag=True,
              help="单位已填写文字的部分，另附据表格数据生成的文字供参考")
@click.option("--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path),
              help="本单位的模板目录（叙述模板 *.j2，可含 report.docx），优先于内置模板")
def report_command(file: Path, output: Path | None, pdf: bool, force: bool,
                   previous: Path | None, offer_generated: bool,
                   templates_dir: Path | None) -> None:
    """由填好的工作簿生成 Word 年报（政府信息公开工作年度报告）。

    先校验工作簿，有错误时列出错误并不生成（--force 可强制生成）。
    """
    from .checks import check
    from .document import render_report, to_pdf
    from .reader import read_report

    try:
        report = read_report(file)
        prev = read_report(previous) if previous is not None else None
        findings = check(report, previous=prev)
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            key = "document.forced" if force else "document.refused"
            click.echo(say(key, file=str(file), count=len(errors)), err=True)
            for f in errors:
                click.echo(say("document.error_line", where=_where(f), message=f.message),
                           err=True)
            if not force:
                sys.exit(1)
        if findings.warnings:
            click.echo(say("document.warnings", count=findings.warnings, file=str(file)), err=True)
        target = output if output is not None else file.with_suffix(".docx")
        render_report(report, target, templates_dir=templates_dir,
                      offer_generated=offer_generated)
        click.echo(say("document.written", file=str(target)))
        if pdf:
            pdf_path = to_pdf(target, target.with_suffix(".pdf"))
            click.echo(say("document.pdf_written", file=str(pdf_path)))
    except NianbaoError as e:
        click.echo(f"错误：{e}", err=True)
        sys.exit(e.exit_code)


__all__ = ["report_command"]
