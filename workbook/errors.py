"""Errors that end a command with exit code 2 and one plain Chinese line (never a traceback)."""
from __future__ import annotations

from .messages import say


class NianbaoError(Exception):
    """A problem a user must fix before nianbao can go on; ``str()`` is the Chinese message."""

    exit_code = 2

    def __init__(self, code: str, **args: object) -> None:
        self.code = code
        self.args_ = args
        super().__init__(say(code, **args))


class UnreadableWorkbook(NianbaoError):
    """The file cannot be read as a nianbao workbook at all."""
