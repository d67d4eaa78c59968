"""What a user does, one function each — the only place that combines the adapters (the
workbook reader and writer, the Word document, the importers, the history) with the checks.

Every door calls these and holds no policy of its own: the command line (``nianbao.cli``), the
Excel add-in (``nianbao.addin``), the web server and the Python API (``nianbao.*``).  An action
takes paths (or bytes, or a Report) and returns a result; what it will write is decided before
any work by the one output rule (:mod:`nianbao.actions.outputs`).

=========================  ============================================  =====================
action                     what                                          command
=========================  ============================================  =====================
``load``, ``check``,        a Report from a file; its findings            ``show``, ``check``
``check_many``
``mark``                   a marked copy of a checked workbook           ``check --mark``
``new_workbook``           a blank workbook (the year↔format rule)       ``new``
``hand_out``               one blank workbook per unit of a list         ``new --units``
``start_from_last_year``   this year's workbook from last year's         ``new --from``
``migrate_workbook``       a 2019-format workbook in the 2021 format     ``migrate``
``dismiss``                reviewed warnings recorded in a copy          ``dismiss``
``publish``                check → refuse or write .docx → PDF → fonts   ``report``
``consolidate``            many units' workbooks into one                ``merge``
``audit``                  many reports checked, indicators, outliers    ``audit``
``import_report``          a published report back into a workbook       ``import``
``open_round``, ``submit``,  a collection round through upload links        ``serve``
``board``,
``consolidate_round``
``demo``                   the sample through ``publish``                ``demo``
=========================  ============================================  =====================
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

# action → its module: imported on first use, so that ``nianbao check`` never loads openpyxl,
# python-docx or the importer it does not need
_WHERE = {
    "load": "checking", "load_grids": "checking", "load_ranges": "checking",
    "plan_painting": "checking",
    "check": "checking", "check_many": "checking", "mark": "checking", "is_published": "checking",
    "Upload": "checking", "plan": "checking",
    "new_workbook": "new", "hand_out": "new", "format_for": "new", "default_year": "new",
    "start_from_last_year": "yearly",
    "migrate_workbook": "migrate",
    "dismiss": "dismissing",
    "publish": "publishing", "Published": "publishing", "render_document": "publishing",
    "refusal_of": "publishing", "Refusal": "publishing",
    "consolidate": "merge", "merge_history": "merge", "history_size": "merge",
    "HISTORY_PAGE": "merge",
    "audit": "auditing",
    "import_report": "importing", "write_workbook": "importing",
    "demo": "demo_run",
    "Outputs": "outputs", "free_name": "outputs",
    "expand": "inputs", "is_folder": "inputs",
    "Store": "rounds", "open_store": "rounds", "open_round": "rounds", "get_round": "rounds",
    "list_rounds": "rounds", "submit": "rounds", "by_link": "rounds", "board": "rounds",
    "consolidate_round": "rounds", "reissue_link": "rounds", "revoke_link": "rounds",
    "handed_out": "rounds", "archived": "rounds", "coordinator_token": "rounds",
    "is_coordinator": "rounds", "open_session": "rounds", "is_session": "rounds",
    "close_session": "rounds", "display_name": "rounds", "versions": "rounds",
    "set_round_unit": "rounds", "publish_round": "rounds",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module 'nianbao.actions' has no attribute {name!r}")


__all__ = list(_WHERE)
