"""The context every command of the command line runs in: its --help in Chinese, laid out by
display width.  The formatter (:mod:`nianbao.cli.helptext`) loads when help is shown, not at
every start: ``nianbao check`` never pays for it."""
from __future__ import annotations

import click


class Context(click.Context):
    def make_formatter(self) -> click.HelpFormatter:
        from .helptext import HelpFormatter, install

        install(self.command)  # the short help of what it lists, in Chinese
        return HelpFormatter(width=self.terminal_width, max_width=self.max_content_width)


def in_context(command: click.Command) -> click.Command:
    """``command`` and the commands under it run in :class:`Context`."""
    command.context_class = Context
    for sub in getattr(command, "commands", {}).values():
        in_context(sub)
    return command


__all__ = ["Context", "in_context"]
