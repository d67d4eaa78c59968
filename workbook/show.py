"""What the terminal shows people: a Report (``nianbao show``), and the one-line errors of every
command."""
from __future__ import annotations

import sys
from typing import NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from .findings import SEVERITY_LABELS
from .formats.model import field_id
from .messages import say
from .report import Invalid, Report, Value, format_number


def fail(message: str, code: int = 2) -> NoReturn:
    """End a command with one Chinese line on stderr and ``code`` (2: input unusable)."""
    click.echo(say("cli.error", message=message), err=True)
    sys.exit(code)


def make_console() -> Console:
    """A console for people: piped output is not squeezed into 80 columns (Chinese labels are long)."""
    return Console() if sys.stdout.isatty() else Console(width=200)


def fmt_value(v: Value) -> str:
    if v is None:
        return "—"
    if isinstance(v, Invalid):
        return f"[red]「{escape(v.raw)}」[/red]"
    return format_number(v)


def print_report(report: Report, console: Console | None = None) -> None:
    console = console or make_console()
    fmt = report.spec
    m = report.meta
    title = say("show.title", unit=m.unit or say("show.no_unit"), year=m.year or say("show.no_year"))
    # what clerks typed is never read as rich markup (a unit named "[red]…" prints as typed)
    console.print(f"[bold]{escape(title)}[/bold]  {fmt.title}（{fmt.basis}）")
    if m.contact or m.phone:
        console.print(say("show.contact", contact=m.contact, phone=m.phone), markup=False)
    for table in fmt.tables:
        for block in table.blocks:
            title = table.title + (f" · {block.title}" if block.title else "")
            t = RichTable(title=title, title_justify="left", show_lines=False)
            t.add_column(block.corner if len(block.corner) < 8 else say("show.row_header"))
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
        items += [(e.label, "—" if report.values.get(e.key) is None
                   else format_number(report.values.get(e.key))) for e in section.extras]
        if not items:
            continue
        console.print(f"[bold]{section.title}[/bold]")
        for label, text in items:
            text = str(text)
            short = text if len(text) <= 80 else text[:80] + "……"
            console.print(say("show.item", label=label, text=short or say("show.empty")),
                          markup=False)
    shown = [f for f in report.findings if f.severity != "notice"]
    blanks = sum(1 for f in report.findings if f.rule == "read.blank")
    others = [f for f in report.findings if f.severity == "notice" and f.rule != "read.blank"]
    if shown or others or blanks:
        console.print(f"[bold]{say('show.read_findings')}[/bold]")
        for f in shown + others:
            console.print(say("show.finding", severity=SEVERITY_LABELS[f.severity],
                              message=f.message), markup=False)
        if blanks:
            console.print(say("show.blanks", n=blanks), markup=False)
