"""The ``nianbao`` command: a thin door onto the Python API.

Every command calls one API function and prints its result, in Chinese for people or as stable
JSON for scripts (``--json``).  Exit codes: 0 success, 1 the report has errors, 2 the input could
not be read or the command could not run (one Chinese line on stderr, never a traceback).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import NianbaoError
from .formats import FORMATS, format_for_year, get_format
from .layout import layout_of


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(message: str, code: int = 2) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


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
            fail("已取消", 130)
        except Exception as e:  # a bug of ours: say so plainly; NIANBAO_DEBUG=1 shows the trace
            if os.environ.get("NIANBAO_DEBUG"):
                raise
            fail(f"内部错误（{type(e).__name__}: {e}）。请将此信息与文件一并反馈给维护人员。", 3)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def main() -> None:
    """nianbao：政府信息公开工作年度报告工具（模板、校验、Word 年报）。"""


_FORMAT = click.Choice(sorted(FORMATS))


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="生成的工作簿路径（.xlsx）")
@click.option("--format", "format_id", type=_FORMAT, default=None,
              help="报告格式：2021（现行）或 2019（试行）；缺省按年度确定")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="报告年度，缺省为上一年")
@click.option("--unit", default="", help="填报单位名称")
@click.option("--contact", default="", help="联系人")
@click.option("--phone", default="", help="联系电话")
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
def new(output: Path, format_id: str | None, year: int | None, unit: str, contact: str,
        phone: str, force: bool) -> None:
    """生成空白年报工作簿（Excel 模板）。"""
    from .xlsx_writer import new_workbook

    year = year or dt.date.today().year - 1
    fmt = get_format(format_id) if format_id else format_for_year(year)
    if output.exists() and not force:
        fail(f"{output} 已存在；如需覆盖请加 --force")
    if not fmt.accepts_year(year):
        click.echo(f"提示：{year} 年度应使用{format_for_year(year).title}，"
                   f"此处按要求生成{fmt.title}。", err=True)
    new_workbook(output, fmt.id, year=year, unit=unit, contact=contact, phone=phone)
    click.echo(f"已生成 {output}（{fmt.title}，{year}年度{('，' + unit) if unit else ''}）")


@main.command()
@click.option("--format", "format_id", type=_FORMAT, default="2021", show_default=True,
              help="报告格式")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def fields(format_id: str, as_json: bool) -> None:
    """列出某一格式的全部法定填报单元格（编号、标签、位置、定义名称、类型）。"""
    lay = layout_of(format_id)
    rows = [{"id": f.id, "table": f.table, "labels": list(f.labels), "sheet": f.sheet,
             "cell": f.cell, "name": f.name, "kind": f.kind}
            for f in lay.statutory_fields()]
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    from .show import make_console

    t = Table(title=f"{lay.format.title} 法定填报单元格（{len(rows)} 个）")
    for h in ("编号", "表", "标签", "位置", "类型"):
        t.add_column(h)
    from .formats.model import KIND_LABELS

    for r in rows:
        t.add_row(r["id"], r["table"], " / ".join(r["labels"]), f"{r['sheet']}!{r['cell']}",
                  KIND_LABELS[r["kind"]])
    make_console().print(t)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def show(file: Path, as_json: bool) -> None:
    """显示工作簿中的年报数据。"""
    from .reader import read_report

    report = read_report(file)
    if as_json:
        emit_json(report.to_dict())
        return
    from .show import print_report

    print_report(report)


# commands that live beside the parts they drive
from .checks.command import check_command  # noqa: E402
from .demo import demo_command  # noqa: E402
from .document_command import report_command  # noqa: E402

for _cmd in (check_command, report_command, demo_command):
    main.add_command(_cmd)


if __name__ == "__main__":
    main()
