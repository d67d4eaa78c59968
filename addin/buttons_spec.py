"""The add-in's buttons, declared once.

The ribbon XML, the VBA module and the Python dispatcher (:mod:`nianbao.addin.entry`) are all
generated from ``BUTTONS``: adding a button (汇总, 导入上年, …) is one function taking an xlwings
``Book`` and one line here.  This module imports nothing from xlwings, so the build can read it.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Callable


@dataclass(frozen=True)
class Button:
    id: str  # ribbon control id, the VBA procedure's suffix and entry.run's key; ASCII
    label: str  # message code of its Chinese label (nianbao.messages)
    tip: str  # message code of its Chinese screen tip
    function: str  # "module:function" run with the clerk's workbook (an xlwings Book)
    image: str  # a built-in Office icon (imageMso)
    # needs an open workbook: without one the button says so (汇总 and 导入上年 need none)
    needs_workbook: bool = False
    # what it asks `nianbao serve` for when the add-in's settings name a server ("check":
    # /api/check, "report": /api/report); None: it always runs local Python
    server: str | None = None

    @property
    def procedure(self) -> str:
        """The VBA procedure the ribbon calls for this button."""
        return f"NB_{self.id}"

    def resolve(self) -> Callable:
        module, name = self.function.split(":")
        return getattr(import_module(module), name)


BUTTONS: tuple[Button, ...] = (
    Button("validate", "addin.button.validate", "addin.button.validate_tip",
           "nianbao.addin:validate", "AcceptInvitation", needs_workbook=True, server="check"),
    # 复核 needs local Python: the add-in's server mode covers 校验 and 生成报告 only
    Button("review", "addin.button.review", "addin.button.review_tip",
           "nianbao.addin:review_selected", "ReviewAcceptChange", needs_workbook=True),
    Button("report", "addin.button.report", "addin.button.report_tip",
           "nianbao.addin:generate_report", "ExportWord", needs_workbook=True, server="report"),
    Button("consolidate", "addin.button.consolidate", "addin.button.consolidate_tip",
           "nianbao.addin:consolidate_folder", "TableInsert"),
    Button("last_year", "addin.button.last_year", "addin.button.last_year_tip",
           "nianbao.addin:import_last_year", "FileOpen"),
)

# the ribbon tab and group holding the buttons (message codes)
TAB, GROUP = "addin.tab", "addin.group"

# the worksheet functions (UDFs): every function of this module whose name starts with the
# prefix gets a VBA wrapper in the add-in, so =NB_STATUS(...) works without importing anything
UDF_MODULE, UDF_PREFIX = "nianbao.addin.udfs", "NB_"

# where RunPython finds the Python that runs the buttons: the add-in's conf sheet and files are
# named after this (xlwings' PROJECT_NAME): nianbao.conf
PROJECT_NAME = "nianbao"


def button(button_id: str) -> Button | None:
    return next((b for b in BUTTONS if b.id == button_id), None)
