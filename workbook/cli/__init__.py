"""The ``nianbao`` command: a thin door onto the Python API, one module per command.

Every command calls the API and prints its result, in Chinese for people or as stable JSON for
scripts (``--json``).  Exit codes: 0 success, 1 the report has errors, 2 the input could not be
read or the command could not run (one Chinese line on stderr, never a traceback).  The core
never prints: everything a terminal shows is in :mod:`nianbao.cli.terminal`.

A new command is a module here and one line in ``COMMANDS``.  A command's module is imported
when that command runs (or when ``--help`` lists them all), not at start: ``nianbao check``
never pays for the server, the merge or the importer.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from importlib import import_module
from typing import Any, NoReturn

import click

from .. import __version__
from ..errors import NianbaoError
from ..messages import say
from .context import Context, in_context
from .terminal import fail, prepare_streams


class Terminated(KeyboardInterrupt):
    """SIGTERM/SIGHUP as an exception, so that ``finally`` blocks remove temporary files."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


def _param_name(param: click.Parameter | None) -> str:
    if param is None:
        return say("cli.usage.other")
    if isinstance(param, click.Option):
        return "/".join(param.opts)
    return param.human_readable_name


def _expected(param: click.Parameter | None) -> str:
    kind = param.type if param is not None else None
    if isinstance(kind, click.IntRange):
        return say("cli.usage.expect_range", lo=kind.min, hi=kind.max)
    if isinstance(kind, click.types.IntParamType):
        return say("cli.usage.expect_int")
    if isinstance(kind, click.Choice):
        return say("cli.usage.expect_choice", choices="、".join(map(str, kind.choices)))
    if isinstance(kind, click.Path):
        if not kind.dir_okay:
            return say("cli.usage.expect_file")
        if not kind.file_okay:
            return say("cli.usage.expect_dir")
        return say("cli.usage.expect_exists")
    return say("cli.usage.other")


def usage_message(e: click.UsageError) -> str:
    """click's English usage errors, said in Chinese from what the exception knows."""
    if isinstance(e, click.NoSuchOption):
        detail = say("cli.usage.no_option", name=e.option_name)
    elif isinstance(e, click.BadOptionUsage):
        detail = say("cli.usage.needs_value", name=e.option_name)
    elif isinstance(e, click.MissingParameter):
        detail = say("cli.usage.missing", name=_param_name(e.param))
    elif isinstance(e, click.BadParameter):
        detail = say("cli.usage.bad_value", name=_param_name(e.param), expected=_expected(e.param))
    elif e.ctx is not None and isinstance(e.ctx.command, click.Group):
        # the group's own commands, by the names people type (import, not its module import_)
        names = "、".join(e.ctx.command.list_commands(e.ctx))
        given = type(e).__name__ != "NoArgsIsHelpError"  # click 8.2+: nothing after it
        detail = say("cli.usage.no_command" if given else "cli.usage.no_command_given",
                     names=names)
    else:
        detail = say("cli.usage.other")
    command = e.ctx.command_path if e.ctx is not None else "nianbao"
    return say("cli.usage", detail=detail, command=command)


class Group(click.Group):
    """Turns any NianbaoError into one Chinese line and exit 2; hides tracebacks from users."""

    context_class = Context

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        prepare_streams()
        unraisable = sys.unraisablehook
        debug = os.environ.get("NIANBAO_DEBUG")  # --debug sets it for this run only
        if not os.environ.get("NIANBAO_DEBUG"):
            # errors in libraries' finalizers after a failure we already reported (an open zip
            # closed on a full disk) are not for users: Python would print their tracebacks
            sys.unraisablehook = lambda _: None
        handlers = {}
        if threading.current_thread() is threading.main_thread():
            for name in ("SIGTERM", "SIGHUP"):
                if hasattr(signal, name):
                    handlers[name] = signal.signal(getattr(signal, name), _terminate)
        try:
            rv = super().main(args, prog_name or "nianbao", complete_var, False, **extra)
        except click.UsageError as e:
            fail(usage_message(e), 2)
        except click.Abort:
            fail(say("cli.cancelled"), 130)
        except click.ClickException:
            fail(say("cli.usage", detail=say("cli.usage.other"), command="nianbao"), 2)
        finally:
            for name, old in handlers.items():
                signal.signal(getattr(signal, name), old)
            sys.unraisablehook = unraisable
            if debug is None:
                os.environ.pop("NIANBAO_DEBUG", None)
            else:
                os.environ["NIANBAO_DEBUG"] = debug
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """In the order ``COMMANDS`` declares them (the order of the work), not alphabetical."""
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command ``name``, its module imported now (the first time it is asked for)."""
        if name not in self.commands and name in COMMANDS:
            module, attribute = COMMANDS[name]
            command = getattr(import_module(f".{module}", __name__), attribute)
            self.add_command(in_context(command), name)
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from .helptext import install

        for name in self.list_commands(ctx):  # loaded, with their short help in Chinese
            command = self.get_command(ctx, name)
            if command is not None:
                install(command)
        super().format_commands(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NianbaoError as e:
            fail(str(e), e.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # the reader of our output went away (… | head): end quietly
            _closed_stdout()
        except KeyboardInterrupt:
            fail(say("cli.cancelled"), 130)
        except Exception as e:  # a bug of ours: say so plainly; --debug shows the trace
            if os.environ.get("NIANBAO_DEBUG"):
                raise
            fail(say("cli.internal", kind=type(e).__name__, detail=str(e)[:300]), 3)


def _closed_stdout() -> NoReturn:
    """Stdout is a pipe whose reader has gone: nothing more can be said there, and Python would
    complain when it flushes at exit.  Point stdout at nothing and end with 2 (an output that
    could not be written), without a word — the user stopped reading on purpose."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(2)


def _debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """``--debug``: what NIANBAO_DEBUG does, for this run (worker processes inherit it)."""
    if value:
        os.environ["NIANBAO_DEBUG"] = "1"
        sys.unraisablehook = sys.__unraisablehook__
    return value


@click.group(cls=Group, help=say("cli.help"), context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
@click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_debug,
              help=say("cli.opt.debug"))
def main() -> None:
    pass


# the name people type → the module and its click command, in the order ``nianbao --help``
# lists them; a module is imported only when its command is asked for (Group.get_command)
COMMANDS = {
    "new": ("new", "new_command"),
    "fields": ("fields", "fields_command"),
    "show": ("show", "show_command"),
    "check": ("check", "check_command"),
    "dismiss": ("dismiss", "dismiss_command"),
    "report": ("report", "report_command"),
    "merge": ("merge", "merge_command"),
    "migrate": ("migrate", "migrate_command"),
    "demo": ("demo", "demo_command"),
    "addin": ("addin", "addin_command"),
    "import": ("import_", "import_command"),
    "audit": ("audit", "audit_command"),
    "serve": ("serve", "serve_command"),
}


if __name__ == "__main__":
    main()
