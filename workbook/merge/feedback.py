"""What a coordinator sends back and whom they call: the ready-to-send message per unit (on the
退回说明 sheet, in ``--json`` and as a .txt beside the marked copy with ``merge --feedback``),
and the call list of units still missing or returned (``merge --calls 催报.xlsx``/``.csv``).

The messages are built from the same findings ``check`` gives (errors first, each naming its
cell), so what the unit reads is what ``check --mark`` shows it in the marked copy.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path
from typing import Any, Sequence

from ..messages import say
from ..text.cjk import char_width, unit_key
from .records import INVALID, MERGED_INVALID, REJECTED, UNSENT, UnitRow

RETURNED = (REJECTED, INVALID, MERGED_INVALID)  # files a unit must correct or replace
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
NAME_CHARS = 60  # of a unit's name in a file name (a file name holds 255 bytes)


def report_title(year: int | None) -> str:
    return say("feedback.title", year=year) if year else say("feedback.title_no_year")


def message(row: UnitRow, year: int | None, today: str = "") -> str:
    """The message for one row a unit must act on ("" for a row with nothing to do)."""
    title = report_title(year)
    if row.status == UNSENT:
        return say("feedback.unsent", title=title, date=today)
    if row.status not in RETURNED:
        return ""
    file = row.shown or Path(row.file).name
    if row.sent:
        return say("feedback.sent", kind=say(f"merge.kind.{row.sent}"), file=file, title=title)
    if row.status == REJECTED:
        return say("feedback.rejected", file=file, reason=row.reason.rstrip("。"))
    errors = [f for f in row.findings if f["severity"] == "error"]
    warnings = [f for f in row.findings if f["severity"] == "warning"]
    if row.identical_to:
        head = say("feedback.unchanged", file=file, other=row.identical_to)
    else:
        head = say("feedback.invalid", title=title, file=file,
                   saved=say("feedback.saved", saved=row.saved) if row.saved else "")
    lines = [head]
    n = 0
    for f in errors:
        n += 1
        lines.append(f"{n}. {f['message']}")
    if row.errors > len(errors):
        lines.append(say("feedback.more", n=row.errors - len(errors)))
    if warnings:
        lines.append(say("feedback.warnings"))
        for f in warnings:
            n += 1
            lines.append(f"{n}. {f['message']}")
    lines.append(say("feedback.resend"))
    return "\n".join(lines)


GIST_WIDTH = 36  # display columns (a CJK character is two) of what a finding says, in short
_CLAUSE_END = re.compile(r"[（(；;：:]")  # where the gist of a finding's message ends


def gist(finding: dict[str, Any]) -> str:
    """A finding in short: its place and what is wrong — 「三、依申请公开!J8：应为 12，实为 999…」
    for 「表三「（一）予以公开」行「总计」列（J8）应为 12，实为 999（表三各行：…）；…」: the
    message after the cell it names, to the end of its first clause, at most GIST_WIDTH wide.
    The whole message is in 退回说明 and ``findings``."""
    text, sheet, cell = str(finding.get("message") or ""), finding.get("sheet"), finding.get("cell")
    if cell and f"（{cell}）" in text:
        text = text.split(f"（{cell}）", 1)[1].lstrip("，, ")
    end = _CLAUSE_END.search(text, 3)  # a clause of three characters at least: not 「表三（」
    short = text[:end.start()] if end else text
    width, cut = 0, len(short)
    for i, ch in enumerate(short):
        width += char_width(ch)
        if width > GIST_WIDTH:
            cut = i
            break
    short = short[:cut].rstrip("，,、 ")
    if short != text:
        short += "…"
    where = say("merge.gist.where", sheet=sheet, cell=cell) if sheet and cell else sheet or ""
    return say("merge.gist", where=where, text=short) if where else short


def brief(row: UnitRow, n: int) -> str:
    """What a row with errors adds to its reason: its first ``n`` errors in short and how many
    there are (「。三、依申请公开!J8：应为 12，实为 999… 等 2 处，见退回说明」); "" for any
    other row.  The reason then says what the unit must correct, not only that it must."""
    if row.status not in (INVALID, MERGED_INVALID):
        return ""
    errors = [f for f in row.findings if f.get("severity") == "error"][:n]
    if not errors:
        return ""
    more = say("merge.gist.more", n=row.errors) if row.errors > 1 else say("merge.gist.see")
    return say("merge.gist.brief", items="；".join(gist(f) for f in errors), more=more)


def fill_messages(rows: Sequence[UnitRow], year: int | None, today: str) -> None:
    """Put each row's message on it (``UnitRow.feedback``)."""
    for r in rows:
        r.feedback = message(r, year, today)


def per_unit(rows: Sequence[UnitRow]) -> "OrderedDict[str, list[UnitRow]]":
    """Rows a unit must act on, by unit (in the order of the rows: most urgent first); rows
    that no unit can be told about (a file of unknown origin) are left out."""
    out: OrderedDict[str, list[UnitRow]] = OrderedDict()
    for r in rows:
        if r.feedback and r.unit:
            out.setdefault(unit_key(r.unit), []).append(r)
    return out


def unit_text(rows: Sequence[UnitRow]) -> str:
    """One unit's whole message: a greeting and each of its rows' messages."""
    return say("feedback.greeting", unit=rows[0].unit) + "\n" + "\n\n".join(r.feedback for r in rows)


def safe_file_name(text: str) -> str:
    return _UNSAFE.sub("_", text).strip(" ._")[:NAME_CHARS] or say("feedback.no_name")


def feedback_plan(rows: Sequence[UnitRow], folder: Path) -> list[tuple[str, list[UnitRow], Path,
                                                                      list[tuple[UnitRow, Path]]]]:
    """For each unit to write to: (unit, its rows, the .txt, [(workbook row, marked copy)]).
    Marked copies are made of workbooks that were read (a rejected PDF has none)."""
    plan = []
    taken: set[str] = set()

    def free(stem: str, suffix: str) -> Path:
        name, k = f"{stem}{suffix}", 2
        while name.casefold() in taken:
            name, k = f"{stem}-{k}{suffix}", k + 1
        taken.add(name.casefold())
        return folder / name

    for unit_rows in per_unit(rows).values():
        stem = safe_file_name(unit_rows[0].unit)
        text = free(say("feedback.txt_name", unit=stem), ".txt")
        marks = [(r, free(say("feedback.mark_name", unit=stem), ".xlsx"))
                 for r in unit_rows if r.status in RETURNED and r.file and r.readable]
        plan.append((unit_rows[0].unit, unit_rows, text, marks))
    return plan


def write_text(path: Path, text: str) -> None:
    """A message as a .txt that Notepad on a Chinese Windows opens right (UTF-8 with BOM, CRLF)."""
    from ..fileio import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_bytes(("\r\n".join(text.splitlines()) + "\r\n").encode("utf-8-sig"))


# ---- the call list -----------------------------------------------------------------------------
CALL_COLUMNS = ("calls.col.no", "calls.col.unit", "calls.col.parent", "calls.col.contact",
                "calls.col.phone", "calls.col.status", "calls.col.todo")
CALL_WIDTHS = (5, 22, 12, 8, 14, 12, 52)  # 125 units: printed one page wide at ≥ 9 pt


def call_rows(rows: Sequence[UnitRow]) -> list[list[Any]]:
    """One row per unit still missing or returned (most urgent first): the unit, its parent,
    whom to call, its status and what it must do."""
    out: list[list[Any]] = []
    seen: set[str] = set()
    for r in rows:
        if r.status not in (*RETURNED, UNSENT) or not r.unit or unit_key(r.unit) in seen:
            continue
        seen.add(unit_key(r.unit))
        todo = say("calls.todo.unsent") if r.status == UNSENT else r.reason
        out.append([len(out) + 1, r.unit, r.parent, r.contact, r.phone,
                    say(f"merge.status.{r.status}"), todo])
    return out


__all__ = ["message", "gist", "brief", "fill_messages", "per_unit", "unit_text", "feedback_plan",
           "write_text", "call_rows", "CALL_COLUMNS", "CALL_WIDTHS", "safe_file_name", "RETURNED"]
