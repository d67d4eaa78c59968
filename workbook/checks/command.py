"""``nianbao check FILE... [--previous F] [--json] [--mark OUT.xlsx]`` — a thin door onto
:func:`nianbao.checks.check`; ``--json`` prints exactly ``Findings.to_dict()``.

Exit code: 0 when no file has errors (warnings allowed), 1 when any has, 2 when a file cannot be
read at all (one Chinese line on stderr, no traceback).  Without ``--mark`` nothing is written.
"""
from __future__ import annotations

import json
import sys

import click

from ..errors import NianbaoError
from ..findings import SEVERITY_LABELS, Finding, Findings
from ..messages import say
from ..show import fail

_STYLES = {"error": "bold red", "warning": "yellow", "notice": "dim"}


def _read(path: str):
    from ..reader import read_report

    return read_report(path)


def _unreadable(file: str, err: NianbaoError) -> dict:
    """The JSON object of a file that could not be read: one error finding, no position."""
    f = Finding(getattr(err, "code", "file.unreadable"), "error", str(err))
    return Findings([f], file=file).to_dict()


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

    from ..show import make_console

    console = make_console()
    file = findings.file or ""
    if not len(findings):
        console.print(Text(say("cli.clean", file=file), style="green"))
        return
    table = Table(show_lines=False, expand=False)
    for key, kw in (("cli.h.position", {"no_wrap": True}), ("cli.h.rule", {"no_wrap": True}),
                    ("cli.h.severity", {"no_wrap": True}), ("cli.h.message", {"overflow": "fold"})):
        table.add_column(say(key), **kw)
    for f, n, last in _grouped(list(findings)):
        where = " ".join(p for p in (f.sheet, f.cell) if p)
        message = f.message
        if n > 1:
            where += f"…{last.cell}"
            message = say("cli.grouped", n=n, first=f.cell, last=last.cell, example=f.message)
        table.add_row(where, f.rule, Text(SEVERITY_LABELS[f.severity], style=_STYLES[f.severity]),
                      Text(message))
    console.print(table)
    console.print(say("cli.summary", file=file, errors=findings.errors,
                      warnings=findings.warnings, notices=findings.notices))


@click.command("check", help=say("cli.check.help"))
@click.argument("files", nargs=-1, required=True)
@click.option("--previous", "previous", default=None, metavar="F", help=say("cli.check.previous"))
@click.option("--json", "as_json", is_flag=True, help=say("cli.check.json"))
@click.option("--mark", "mark", default=None, metavar="OUT.xlsx", help=say("cli.check.mark"))
def check_command(files: tuple[str, ...], previous: str | None, as_json: bool, mark: str | None) -> None:
    from .engine import check_report
    from .marking import mark_workbook

    if mark and len(files) != 1:
        fail(say("cli.mark_one_file", n=len(files)))
    prev = None
    if previous:
        try:
            prev = _read(previous)
        except NianbaoError as e:
            fail(say("cli.previous_failed", message=str(e)))
    code = 0
    results: list[dict] = []
    for file in files:
        try:
            report = _read(file)
        except NianbaoError as e:
            click.echo(say("cli.error", message=str(e)), err=True)
            results.append(_unreadable(file, e))
            code = 2
            continue
        findings = Findings(check_report(report, prev), file=file)
        if mark:
            try:
                mark_workbook(file, mark, findings)
            except NianbaoError as e:
                fail(str(e))
        results.append(findings.to_dict())
        if not as_json:
            print_findings(findings)
            if mark:
                click.echo(say("cli.marked", file=mark))
        code = max(code, findings.exit_code)
    if as_json:
        click.echo(json.dumps(results[0] if len(files) == 1 else results, ensure_ascii=False, indent=2))
    sys.exit(code)


__all__ = ["check_command"]
