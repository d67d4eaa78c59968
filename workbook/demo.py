"""``nianbao demo``: the whole job on the bundled sample, as a new user's first run."""
from __future__ import annotations

import shutil
from importlib.resources import as_file, files
from pathlib import Path

import click
from rich.console import Console

SAMPLE = "district-2021.xlsx"


def sample_path() -> Path:
    """The bundled sample workbook (a real district office's 2021 figures)."""
    with as_file(files("nianbao.samples") / SAMPLE) as p:
        return Path(p)


@click.command("demo")
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("nianbao-示例"), show_default=True, help="输出目录")
@click.option("--pdf/--no-pdf", default=None, help="同时生成 PDF（缺省：装有 LibreOffice 时生成）")
def demo_command(outdir: Path, pdf: bool | None) -> None:
    """用内置示例走一遍完整流程：读取工作簿 → 校验 → 生成 Word 年报。"""
    from .checks import check
    from .checks.command import print_findings
    from .document import render_report, to_pdf
    from .reader import read_report
    from .show import print_report

    console = Console()
    outdir.mkdir(parents=True, exist_ok=True)
    workbook = outdir / "示例-2021年报数据.xlsx"
    shutil.copyfile(sample_path(), workbook)
    console.rule("1. 读取工作簿")
    report = read_report(workbook)
    print_report(report, console)
    console.rule("2. 校验勾稽关系")
    findings = check(report)
    print_findings(findings)
    console.rule("3. 生成 Word 年报")
    docx = render_report(report, outdir / "示例-2021年政府信息公开工作年度报告.docx")
    console.print(f"已生成 {docx}")
    if pdf is None:
        pdf = shutil.which("soffice") is not None
    if pdf:
        console.print(f"已生成 {to_pdf(docx)}")
    console.rule("下一步")
    console.print("nianbao new -o 年报.xlsx --unit 本单位名称 --year 2025   # 生成空白模板\n"
                  "nianbao check 年报.xlsx                               # 校验\n"
                  "nianbao report 年报.xlsx -o 年报.docx --pdf            # 生成年报")
