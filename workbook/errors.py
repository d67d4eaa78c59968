"""Errors that end a command with exit code 2 and one plain Chinese line (never a traceback)."""
from __future__ import annotations

import os
from typing import TypeVar

from .messages import say


class NianbaoError(Exception):
    """A problem a user must fix before nianbao can go on; ``str()`` is the Chinese message."""

    exit_code = 2
    debug = ""  # what a library said about the cause: shown only with --debug (see with_debug)

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params  # what the message was rendered from (Finding.args of a bad file)
        super().__init__(say(code, **params))

    def __reduce__(self):
        # rebuilt from its code and arguments when it comes back from a worker process (pickle
        # would otherwise call the class with the message as the code)
        return (_rebuild, (type(self), self.code, self.params, self.debug))


def _rebuild(cls: type, code: str, args: dict, debug: str = "") -> NianbaoError:
    error = cls(code, **args)
    return with_debug(error, debug) if debug else error


class UnreadableWorkbook(NianbaoError):
    """The file cannot be read as a nianbao workbook at all."""


E = TypeVar("E", bound=NianbaoError)


def debugging() -> bool:
    """Whether the user asked for the libraries' own words (``nianbao --debug`` sets
    ``NIANBAO_DEBUG``, which worker processes inherit)."""
    return bool(os.environ.get("NIANBAO_DEBUG"))


def with_debug(error: E, cause: BaseException | str) -> E:
    """``error``, keeping what the library said about ``cause`` (its exception's name and
    words, in English; or those words already taken from it).  One Chinese message per cause
    is what users read; the library's detail is added to it only when debugging, for whoever
    reports the problem."""
    error.debug = (cause if isinstance(cause, str) else f"{type(cause).__name__}: {cause}")[:1000]
    if debugging():
        error.args = (say("debug.detail", message=error.args[0], detail=error.debug),)
    return error
