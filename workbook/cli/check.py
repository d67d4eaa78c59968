"""``nianbao check FILE... [--previous F] [--json] [--mark OUT.xlsx]`` — a thin door onto
:func:`nianbao.check_many`.

``--json`` prints a JSON array with one object per input (``Findings.to_dict()``), also for one
file.  Exit code: 0 when no file has errors (warnings allowed), 1 when any has, 2 when a file
cannot be read at all (one Chinese line on stderr, no traceback).  Without ``--mark`` nothing is
written.
"""
from __future__ import annotations

import sys

import click

from .. import actions
from ..errors import NianbaoError
from ..messages import say
from .terminal import emit_json, fail, names, print_findings


@click.command("check", help=say("cli.check.help"))
@click.argument("files", nargs=-1, required=True, metavar="工作簿或文件夹…")
@click.option("--previous", "previous", default=None, metavar="上年文件",
              help=say("cli.check.previous"))
@click.option("--json", "as_json", is_flag=True, help=say("cli.check.json"))
@click.option("--mark", "mark", default=None, metavar="OUT.xlsx", help=say("cli.check.mark"))
@click.option("--force", is_flag=True, help=say("cli.opt.force"))
def check_command(files: tuple[str, ...], previous: str | None, as_json: bool, mark: str | None,
                  force: bool) -> None:
    if mark and len(files) != 1:
        fail(say("cli.mark_one_file", n=len(files)))
    if mark and actions.is_folder(files[0]):
        fail(say("cli.mark_folder", folder=files[0]))
    if mark:  # decided before any work: the marked copy never replaces a file unasked
        try:
            actions.Outputs(inputs=[*files, *([previous] if previous else [])],
                            force=force).add(mark)
        except NianbaoError as e:  # also when called on its own, not through the nianbao group
            fail(str(e))
    prev = None
    if previous:
        try:
            prev = actions.load(previous)
        except NianbaoError as e:
            fail(say("cli.previous_failed", message=str(e)))
    code = 0
    results: list[dict] = []
    left_out: list = []  # files in the folders given that are no report workbooks
    for findings in actions.check_many(files, prev, left_out=left_out):
        code = max(code, findings.exit_code)
        results.append(findings.to_dict())
        if findings.unreadable:
            click.echo(say("cli.error", message=findings.findings[0].message), err=True)
            continue
        if mark:
            try:
                actions.mark(findings.file, mark, findings=findings, previous=previous,
                             force=force)
            except NianbaoError as e:
                fail(str(e))
        if not as_json:
            print_findings(findings)
            if mark:
                click.echo(say("cli.marked", file=mark))
    if as_json:
        emit_json(results)
    if left_out:  # on stderr: --json's output stays one JSON array
        click.echo(say("cli.check.left_out", n=len(left_out), files=names(left_out)), err=True)
    if not results:  # only folders, none holding a workbook: nothing checked is no pass
        fail(say("cli.check.nothing", folders="、".join(files)))
    sys.exit(code)


__all__ = ["check_command"]
