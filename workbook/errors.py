"""Errors that end a command with exit code 2 and one plain Chinese line (never a traceback)."""
from __future__ import annotations

from .messages import say


class NianbaoError(Exception):
    """A problem a user must fix before nianbao can go on; ``str()`` is the Chinese message."""

    exit_code = 2

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params  # what the message was rendered from (Finding.args of a bad file)
        super().__init__(say(code, **params))

    def __reduce__(self):
        # rebuilt from its code and arguments when it comes back from a worker process (pickle
        # would otherwise call the class with the message as the code)
        return (_rebuild, (type(self), self.code, self.params))


def _rebuild(cls: type, code: str, args: dict) -> NianbaoError:
    return cls(code, **args)


class UnreadableWorkbook(NianbaoError):
    """The file cannot be read as a nianbao workbook at all."""
