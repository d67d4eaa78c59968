"""The WPS add-in's two generated files, made from nianbao's declarations so that the add-in
shows the labels and says the sentences every other door does:

* ``wps/ribbon.xml`` — the 年报 tab (CustomUI, the schema the ``.xlam`` uses), one button per
  entry of :data:`WPS_BUTTONS`, each calling the JS function it names;
* ``wps/js/messages.js`` — the Chinese the add-in shows (:data:`nianbao.messages.MESSAGES`: every
  ``wps.*`` key and the shared keys in :data:`SHARED_KEYS`), as JSON with ASCII escapes, so the
  file reads the same whatever charset a server announces.

Everything else in ``wps/`` is written by hand and needs no build step.  The files are committed
(the server only serves a folder); ``python -m nianbao.addin.wps_files`` rewrites them and a
test fails when they differ from what this module makes.  This module imports no xlwings.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from ..messages import MESSAGES, say

WPS_FOLDER = Path(__file__).resolve().parent / "wps"
CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2006/01/customui"


@dataclass(frozen=True)
class WpsButton:
    id: str  # the ribbon control id; its icon is images/<id>.svg
    label: str  # message code of its Chinese label
    tip: str  # message code of its screen tip
    callback: str  # the global JS function the ribbon calls (js/ribbon.js)


WPS_BUTTONS: tuple[WpsButton, ...] = (
    WpsButton("check", "addin.button.validate", "addin.button.validate_tip", "NianbaoCheck"),
    WpsButton("report", "addin.button.report", "wps.button.report_tip", "NianbaoReport"),
    WpsButton("next_year", "addin.button.last_year", "addin.button.last_year_tip",
              "NianbaoNextYear"),
    WpsButton("settings", "wps.button.settings", "wps.button.settings_tip", "NianbaoSettings"),
)
ON_LOAD, GET_IMAGE = "NianbaoRibbonLoad", "NianbaoImage"

# what the add-in says in the words of the other doors (the rest is wps.*)
SHARED_KEYS = (
    "addin.tab", "addin.group", "addin.button.validate", "addin.button.report",
    "addin.button.last_year", "addin.validate_title", "addin.report_title",
    "addin.next_year_title", "addin.unreadable",
)  # 生成报告's refusal is the server's text (nianbao.actions.Refusal), not worded here
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def message_keys() -> list[str]:
    return sorted({*SHARED_KEYS, *(k for k in MESSAGES if k.startswith("wps."))})


def ribbon_xml() -> str:
    """The add-in's ribbon: a 年报 tab with one large button per entry of WPS_BUTTONS."""
    ET.register_namespace("", CUSTOM_UI_NS)

    def el(parent, tag, **attrs):
        return ET.SubElement(parent, f"{{{CUSTOM_UI_NS}}}{tag}", attrs)

    root = ET.Element(f"{{{CUSTOM_UI_NS}}}customUI", onLoad=ON_LOAD)
    tabs = el(el(root, "ribbon", startFromScratch="false"), "tabs")
    group = el(el(tabs, "tab", id="nianbaoTab", label=say("addin.tab")), "group",
               id="nianbaoGroup", label=say("addin.group"))
    for b in WPS_BUTTONS:
        el(group, "button", id=b.id, label=say(b.label), screentip=say(b.label),
           supertip=say(b.tip), onAction=b.callback, getImage=GET_IMAGE, size="large")
    ET.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(root, encoding="unicode") + "\n")


def messages_js() -> str:
    """js/messages.js: the templates the add-in renders (``{name}`` placeholders only)."""
    table = {}
    for key in message_keys():
        template = MESSAGES[key]
        for name in _PLACEHOLDER.findall(template):
            if not re.fullmatch(r"[a-z_]+", name):  # the JS renderer knows plain names only
                raise ValueError(f"{key}: placeholder {{{name}}} is not a plain name")
        table[key] = template
    body = json.dumps(table, ensure_ascii=True, indent=1, sort_keys=True)
    return ("// Generated from nianbao's message catalogue (workbook/messages.py) by\n"
            "// `python -m nianbao.addin.wps_files`; do not edit: edit the catalogue.\n"
            "(function (root) {\n"
            f"  var MESSAGES = {body};\n"
            "  if (typeof module === \"object\" && module.exports) { module.exports = MESSAGES; }\n"
            "  else { root.NianbaoMessages = MESSAGES; }\n"
            "})(typeof self !== \"undefined\" ? self : this);\n")


GENERATED = {"ribbon.xml": ribbon_xml, "js/messages.js": messages_js}


def write(folder: Path = WPS_FOLDER) -> list[Path]:
    written = []
    for name, make in GENERATED.items():
        path = folder / name
        path.write_text(make(), encoding="utf-8", newline="\n")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - the maintainers' command
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else WPS_FOLDER):
        print(p)
