"""``nianbao addin build`` and ``nianbao addin install``: the Excel add-in a clerk installs.

The add-in code lives in :mod:`nianbao.addin`, imported only when a subcommand runs: the core
and the rest of the command line never import xlwings.
Exit codes: 0 done (or, off Windows, the steps printed); 2 nothing could be written.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import NianbaoError
from ..messages import say
from .terminal import fail


@click.group("addin", help=say("addin.help"))
def addin_command() -> None:
    pass


@addin_command.command("build", help=say("addin.build.help"))
@click.option("-d", "--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), help=say("addin.build.dir"))
@click.option("--python", type=str, default=None, help=say("addin.build.python"))
@click.option("--force", is_flag=True, help=say("addin.build.force"))
def build_command(directory: Path, python: str | None, force: bool) -> None:
    try:
        from ..addin.build import build_addin, conf_rows, default_python
    except ImportError:  # olefile, like xlwings, comes with the addin extra
        fail(say("addin.xlwings_missing"))
    try:
        addin, *sources = build_addin(directory, force=force, python=python)
    except NianbaoError as e:  # also when called on its own, not through the nianbao group
        fail(str(e), e.exit_code)
    click.echo(say("addin.build.done", file=str(addin)))
    for source in sources:
        click.echo(say("addin.build.done_bas", file=str(source)))
    interpreter = dict(conf_rows(python or default_python())).get("Interpreter_Win")
    click.echo(say("addin.build.python_set", python=interpreter) if interpreter
               else say("addin.build.python_default"))


def xlstart() -> Path:
    """The user's Excel startup folder: add-ins there open with Excel, and Excel trusts it by
    default, so no administrator rights and no registry changes are needed."""
    appdata = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"


@addin_command.command("install", help=say("addin.install.help"))
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help=say("addin.install.file"))
def install_command(file: Path | None) -> None:
    if not sys.platform.startswith("win"):
        click.echo(say("addin.install.not_windows"))
        click.echo(say("addin.install.steps"))
        return
    from ..addin.install import install, prebuilt_addin, user_settings_file, xlwings_dll_dir

    try:
        target, settings = install(file or prebuilt_addin(), xlstart(), user_settings_file(),
                                   sys.executable, xlwings_dll_dir())
    except NianbaoError as e:
        fail(str(e), e.exit_code)
    click.echo(say("addin.install.copied", file=str(target)))
    click.echo(say("addin.install.recorded", file=str(user_settings_file()),
                   python=settings["INTERPRETER_WIN"]))
    click.echo(say("addin.install.next"))


__all__ = ["addin_command"]
