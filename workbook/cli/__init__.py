"""The ``nianbao`` command: a thin door onto the Python API, one module per command.

Every command calls the API and prints its result, in Chinese for people or as stable JSON for
scripts (``--json``).  Exit codes: 0 success, 1 the report has errors, 2 the input could not be
read or the command could not run (one Chinese line on stderr, never a traceback).  The core
never prints: everything a terminal shows is in :mod:`nianbao.cli.terminal`.

A new command is a module here and one line in ``COMMANDS``.
"""
from __future__ import annotations

import os
from importlib import import_module
from typing import Any

import click

from .. import __version__
from ..errors import NianbaoError
from ..messages import say
from .terminal import fail


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
            fail(say("cli.cancelled"), 130)
        except Exception as e:  # a bug of ours: say so plainly; NIANBAO_DEBUG=1 shows the trace
            if os.environ.get("NIANBAO_DEBUG"):
                raise
            fail(say("cli.internal", kind=type(e).__name__, detail=e), 3)


@click.group(cls=Group, help=say("cli.help"), context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
def main() -> None:
    pass


# module → its click command, in the order ``nianbao --help`` lists them
COMMANDS = (
    ("new", "new_command"),
    ("fields", "fields_command"),
    ("show", "show_command"),
    ("check", "check_command"),
    ("dismiss", "dismiss_command"),
    ("report", "report_command"),
    ("merge", "merge_command"),
    ("migrate", "migrate_command"),
    ("demo", "demo_command"),
    ("addin", "addin_command"),
    ("import_", "import_command"),
    ("audit", "audit_command"),
)

for _module, _name in COMMANDS:
    main.add_command(getattr(import_module(f".{_module}", __name__), _name))


if __name__ == "__main__":
    main()
