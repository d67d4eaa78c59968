"""What the terminal shows people: a Report (``nianbao show``), findings (``nianbao check``), and
the one-line errors of every command.  The core never prints; only the commands call these."""
from __future__ import annotations

import codecs
import json
import sys
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from ..codes import title_of
from ..findings import SEVERITY_LABELS, Finding, Findings
from ..formats.model import field_id
from ..messages import say
from ..report import MISSING, Invalid, Report, Value, format_number


def _literal(err: UnicodeError) -> tuple[str | bytes, int]:
    """Encode what a console cannot: a file name's undecodable bytes go out as they came in
    (Python keeps them as lone surrogates), any other character as a visible escape."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    bad = err.object[err.start:err.end]
    if all("\udc80" <= ch <= "\udcff" for ch in bad):
        return bytes(ord(ch) - 0xDC00 for ch in bad), err.end
    return codecs.backslashreplace_errors(err)


codecs.register_error("nianbao.literal", _literal)


def prepare_streams() -> None:
    """Any path and any text a user typed prints on any console (GBK, ASCII, UTF-8)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="nianbao.literal")
            except (ValueError, OSError):  # a closed or detached stream: nothing to print to
                pass


def emit_json(data: Any) -> None:
    """Stable JSON for scripts: Chinese as UTF-8 text, not as escapes."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def names(paths: Any, shown: int = 5) -> str:
    """「名单.csv、图.png 等」: the first few file names of a list, for one line."""
    listed = "、".join(str(p) for p in list(paths)[:shown])
    return say("cli.files_more", files=listed) if len(paths) > shown else listed


def fail(message: str, code: int = 2) -> NoReturn:
    """End a command with one Chinese line on stderr and ``code`` (2: input unusable)."""
    click.echo(say("cli.error", message=message), err=True)
    sys.exit(code)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader of our output went away (``… | head``): end as every command does then —
        quietly, exit 2 (nianbao.cli) — not with rich's own exit 1, which a script would read as
        「the report has errors」."""
        self.quiet = True
        raise BrokenPipeError


def make_console() -> Console:
    """A console for people: piped output is not squeezed into 80 columns (Chinese labels are long)."""
    # emoji=False: a unit named 「:smile:」 prints as typed; highlight=False: rich's highlighter
    # takes minutes over a 32,767-digit cell, and colours nothing we need
    return _Console(width=None if sys.stdout.isatty() else 200, emoji=False, highlight=False)


def fmt_value(v: Value) -> str:
    if v is None:
        return "—"
    if v is MISSING:  # not in the source: neither blank nor 0
        return f"[dim]{say('wb.missing')}[/dim]"
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


_STYLES = {"error": "bold red", "warning": "yellow", "notice": "dim"}

GROUP_NOTICES_OVER = 3


def _grouped(findings: list[Finding]) -> list[tuple[Finding, int, Finding]]:
    """People read errors one by one, but 175 「未填写」 notices as one line per sheet."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        if f.severity == "notice" and f.cell:
            groups.setdefault((f.sheet, f.rule), []).append(f)
    out = []
    for f in findings:
        group = groups.get((f.sheet, f.rule)) if f.severity == "notice" and f.cell else None
        if group is None or len(group) <= GROUP_NOTICES_OVER:
            out.append((f, 1, f))
        elif group[0] is f:
            out.append((f, len(group), group[-1]))
    return out


def print_findings(findings: Findings) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    file = findings.file or ""
    # everything below is printed as given: a path like 「[v2]/年报.xlsx」 is not rich markup
    if not len(findings):
        console.print(Text(say("cli.clean", file=file), style="green"))
        _print_dismissed(console, findings)
        return
    table = Table(show_lines=False, expand=False)
    for key, kw in (("cli.h.position", {"no_wrap": True}), ("cli.h.rule", {"no_wrap": True}),
                    ("cli.h.severity", {"no_wrap": True}), ("cli.h.message", {"overflow": "fold"}),
                    ("cli.h.id", {"no_wrap": True})):
        table.add_column(say(key), **kw)
    for f, n, last in _grouped(list(findings)):
        where = " ".join(p for p in (f.sheet, f.cell) if p)
        message = f.message
        if n > 1:
            where += f"…{last.cell}"
            message = say("cli.grouped", n=n, first=f.cell, last=last.cell, example=f.message)
        # people read the rule's title (「行合计校验」); its code stays in --json
        table.add_row(Text(where), Text(title_of(f.rule)),
                      Text(SEVERITY_LABELS[f.severity], style=_STYLES[f.severity]), Text(message),
                      "" if n > 1 else (f.id or ""))
    console.print(table)
    console.print(say("cli.summary", file=file, errors=findings.errors,
                      warnings=findings.warnings, notices=findings.notices), markup=False)
    _print_dismissed(console, findings)


def _print_dismissed(console, findings: Findings) -> None:
    """The findings the office reviewed, apart from the open ones, with its reasons."""
    from rich.text import Text

    if not findings.dismissed:
        return
    console.print(Text(say("cli.dismissed", n=len(findings.dismissed)), style="dim"))
    # one line per finding, wrapped by the terminal rather than broken at a space
    for f, reason in findings.dismissed:
        where = " ".join(p for p in (f.sheet, f.cell) if p)
        console.print(Text(say("cli.dismissed_line", id=f.id, where=f"{where} " if where else "",
                               message=f.message, reason=reason), style="dim"), soft_wrap=True)
