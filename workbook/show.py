"""Human-readable Chinese rendering of a Report in the terminal (``nianbao show``)."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable

from .findings import SEVERITY_LABELS
from .formats.model import field_id
from .report import Invalid, Report, Value, format_number


def make_console() -> Console:
    """A console for people: piped output is not squeezed into 80 columns (Chinese labels are long)."""
    import sys

    return Console() if sys.stdout.isatty() else Console(width=200)


def fmt_value(v: Value) -> str:
    if v is None:
        return "—"
    if isinstance(v, Invalid):
        return f"[red]「{v.raw}」[/red]"
    return format_number(v)


def print_report(report: Report, console: Console | None = None) -> None:
    console = console or make_console()
    fmt = report.spec
    m = report.meta
    console.print(f"[bold]{m.unit or '（未填单位）'} {m.year or '（未填年度）'}年度"
                  f"政府信息公开工作年度报告[/bold]  {fmt.title}（{fmt.basis}）")
    if m.contact or m.phone:
        console.print(f"联系人：{m.contact}  电话：{m.phone}")
    for table in fmt.tables:
        for block in table.blocks:
            title = table.title + (f" · {block.title}" if block.title else "")
            t = RichTable(title=title, title_justify="left", show_lines=False)
            t.add_column(block.corner if len(block.corner) < 8 else "项目")
            for col in block.columns:
                t.add_column("·".join(col.labels), justify="right")
            for row in block.rows:
                cells = [fmt_value(report.values.get(field_id(table.key, row, c)))
                         for c in block.columns]
                t.add_row("  " * (len(row.labels) - 1) + (row.labels[-1] if row.labels else ""),
                          *cells)
            console.print(t)
    for section in fmt.sections:
        items = [(t.label, report.texts.get(t.key, "")) for t in section.texts]
        items += [(e.label, fmt_value(report.values.get(e.key))) for e in section.extras]
        if not items:
            continue
        console.print(f"[bold]{section.title}[/bold]")
        for label, text in items:
            text = str(text)
            short = text if len(text) <= 80 else text[:80] + "……"
            console.print(f"  {label}：{short or '（空）'}")
    shown = [f for f in report.findings if f.severity != "notice"]
    blanks = sum(1 for f in report.findings if f.rule == "read.blank")
    others = [f for f in report.findings if f.severity == "notice" and f.rule != "read.blank"]
    if shown or others or blanks:
        console.print("[bold]读取时发现[/bold]")
        for f in shown + others:
            console.print(f"  [{SEVERITY_LABELS[f.severity]}] {f.message}")
        if blanks:
            console.print(f"  [提示] 共 {blanks} 个法定单元格未填写，按 0 计")
