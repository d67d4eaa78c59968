"""What the add-in's VBA calls: ``RunPython "import nianbao.addin.entry as e; e.run('validate')"``.

One entry point for every button, so the VBA never names a Python module of its own: the button
id is looked up in :data:`nianbao.addin.buttons_spec.BUTTONS` and its function is called with
the workbook the clerk is working in.  xlwings passes that workbook's name (``--wb=``, the active
workbook, not the add-in) and ``xw.Book.caller()`` finds it.
"""
from __future__ import annotations

import os

from ..messages import say
from .buttons_spec import button


def run(button_id: str) -> None:
    import xlwings as xw

    book = xw.Book.caller()
    spec = button(button_id)
    if spec is None:  # an add-in built from another nianbao version than the one installed
        book.app.alert(say("addin.unknown_button", button=button_id), title=say("addin.title"))
        return
    try:
        spec.resolve()(book)
    except Exception as e:  # a bug of ours: one Chinese alert, not xlwings' traceback box
        if os.environ.get("NIANBAO_DEBUG"):  # as on the command line: show the traceback
            raise
        book.app.alert(say("addin.internal", kind=type(e).__name__, detail=e),
                       title=say("addin.title"))
