"""What the add-in's VBA calls: ``RunPython "import nianbao.addin.entry as e; e.run('validate')"``.

One entry point for every button, so the VBA never names a Python module of its own: the button
id is looked up in :data:`nianbao.addin.buttons_spec.BUTTONS` and its function is called with
the workbook the clerk is working in.  xlwings passes that workbook's name (``--wb=``, the active
workbook, or the add-in itself when no workbook is open) and ``xw.Book.caller()`` finds it.

A workbook carrying ``*.py`` or ``*.conf`` sheets is refused before anything else: those are the
sheets xlwings takes for code (its PRO "embedded code") and for settings.  The add-in's own VBA
no longer reads them, but a workbook that has them was made to carry them — it is not handled.
"""
from __future__ import annotations

import os

from ..messages import say
from .buttons_spec import button

FOREIGN_SHEET_SUFFIXES = (".py", ".conf")


def foreign_sheets(names) -> list[str]:
    """The sheets among ``names`` that xlwings would take for code or settings."""
    return [n for n in names if n.strip().lower().endswith(FOREIGN_SHEET_SUFFIXES)]


def _is_addin(book) -> bool:
    # desktop Excel: the add-in itself (with its own nianbao.conf sheet) when no workbook is open
    return getattr(book.api, "IsAddin", False) is True


def run(button_id: str) -> None:
    import xlwings as xw

    book = xw.Book.caller()
    spec = button(button_id)
    if spec is None:  # an add-in built from another nianbao version than the one installed
        book.app.alert(say("addin.unknown_button", button=button_id), title=say("addin.title"))
        return
    foreign = [] if _is_addin(book) else foreign_sheets(s.name for s in book.sheets)
    if foreign:
        book.app.alert(say("addin.foreign_sheets", file=book.name, sheets="、".join(foreign)),
                       title=say("addin.title"), mode="critical")
        return
    try:
        spec.resolve()(book)
    except Exception as e:  # a bug of ours: one Chinese alert, not xlwings' traceback box
        if os.environ.get("NIANBAO_DEBUG"):  # as on the command line: show the traceback
            raise
        book.app.alert(say("addin.internal", kind=type(e).__name__, detail=e),
                       title=say("addin.title"))
