"""The list of units a coordinating office hands the template out to and collects it from.

A unit list is an Excel workbook (its first sheet) or a CSV file: one row per unit with its name
and, optionally, a unit code, the parent it reports to (a district, a bureau), a contact and a
phone number.  The header row is recognised by the column titles in :data:`HEADERS`; a list
without a recognised header is read as name, code, parent, contact, phone in that order.

A list has at most a few thousand rows, and it may come from anyone: its size is checked from
``stat`` before it is read (:data:`MAX_LIST_BYTES`), a workbook goes through the same safety
screen as a unit's workbook (zip bombs, DTDs, a cell at XFD1048576) before calamine sees it,
rows are counted while reading (:data:`MAX_UNITS`), and the reading itself runs in a worker
process with a time and memory limit, so that a parser that aborts or hangs ends as one message.

:func:`hand_out` writes one template per unit (``nianbao new --units``); the consolidation
(:mod:`nianbao.consolidate`) matches received workbooks against the same list.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import NianbaoError
from ..messages import say
from ..text.cjk import unit_key
from .records import failure_text, printable, shown

# column titles people give these columns (compared after NFKC and without spaces)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("单位名称", "单位", "名称", "填报单位", "部门", "部门名称"),
    "code": ("单位代码", "代码", "编码", "单位编码", "统一社会信用代码", "机构代码"),
    "parent": ("上级单位", "上级", "所属", "所属单位", "主管单位", "上级主管单位", "所属区县", "区县"),
    "contact": ("联系人", "联系方式", "联系人及电话"),
    "phone": ("电话", "联系电话", "电话号码", "手机", "手机号码", "办公电话", "联系人电话"),
}
COLUMNS = tuple(HEADERS)  # the order of a list without a header row
# characters Windows refuses in file names, and the control characters
_BAD_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
# extra rows of the hidden sheet (beside format, template version, year and unit)
ORIGIN_CODE, ORIGIN_PARENT = "unit_code", "parent"


@dataclass(frozen=True)
class Unit:
    name: str
    code: str = ""
    parent: str = ""
    contact: str = ""
    phone: str = ""
    row: int = 0  # the row of the list it came from (1-based, as Excel numbers rows)

    @property
    def file_name(self) -> str:
        """The name of the workbook handed out to this unit."""
        return f"{self.name}.xlsx"


MAX_UNITS = 5000  # units on one list: a province has a few thousand offices
MAX_ROWS_READ = 4 * MAX_UNITS  # rows looked at, blank ones included
MAX_LIST_BYTES = 8 * 1024 * 1024  # a list of 5,000 units is ~300 KB as CSV, ~200 KB as .xlsx
MAX_FIELD = 1000  # characters of one cell: a unit name is ~10-40
MAX_PROBLEMS = 10  # rows named in the message refusing a list
LIST_SECONDS = 20.0  # reading a list of 5,000 rows takes well under a second


def read_units(path: str | os.PathLike) -> list[Unit]:
    """The units of a list (.xlsx/.xlsm/.xls/.ods or .csv), checked: blank names, duplicate
    names or codes and characters a file name cannot hold are refused, naming every row.
    Read in a worker process (:func:`nianbao.parallel.isolated_map`), within bounds."""
    from ..parallel import isolated_map

    p = Path(path)
    outcome = next(isolated_map(_read_isolated, [str(p)], failed=_read_failed, n=1,
                                timeout=LIST_SECONDS))
    if isinstance(outcome, NianbaoError):
        raise outcome
    return outcome


def _read_isolated(path: str) -> list[Unit] | NianbaoError:
    try:
        return _read_checked(Path(path))
    except NianbaoError as e:
        return e


def _read_failed(path: str, failure) -> NianbaoError:
    return NianbaoError("units.crashed", file=shown(path), detail=failure_text(failure))


def _read_checked(p: Path) -> list[Unit]:
    name = shown(p)
    rows = _read_rows(p, name)
    units = _units_from_rows(rows)
    if not units:
        raise NianbaoError("units.empty", file=name)
    problems = _problems(units)
    if problems:
        # one line, as every refusal: the first rows to fix, and how many more there are
        shown_ = "；".join(problems[:MAX_PROBLEMS])
        if len(problems) > MAX_PROBLEMS:
            shown_ += say("units.more_problems", n=len(problems) - MAX_PROBLEMS)
        raise NianbaoError("units.invalid", file=name, problems=shown_)
    return units


def _open_list(p: Path, name: str) -> bytes:
    """The list's bytes: a regular file of a plausible size, checked before reading."""
    from ..fileio import InputProblem, read_input

    try:
        return read_input(p, MAX_LIST_BYTES)[0]
    except InputProblem as e:
        if e.code == "input.too_large":
            raise NianbaoError("units.too_large", file=name, size=e.params["size"],
                               limit=MAX_LIST_BYTES // (1024 * 1024)) from None
        if e.code == "input.not_regular":
            raise NianbaoError("units.not_regular", file=name, kind=e.params["kind"]) from None
        if e.code == "file.missing":
            raise NianbaoError("units.missing", file=name) from None
        raise NianbaoError("units.unreadable", file=name, detail=e.params.get("detail", "")) from None


def _read_rows(p: Path, name: str) -> list[list[str]]:
    data = _open_list(p, name)
    if p.suffix.lower() == ".csv":
        return _csv_rows(data, name)
    return _sheet_rows(p, data, name)


def _csv_rows(data: bytes, name: str) -> list[list[str]]:
    # Excel on a Chinese Windows saves CSV as GBK; everything else as UTF-8 (maybe with BOM)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NianbaoError("units.encoding", file=name)
    reader = csv.reader(io.StringIO(text))
    rows: list[list[str]] = []
    filled = [0]
    try:
        for row in reader:
            _bound(rows, filled, row, reader.line_num, name)
            rows.append([_text(v) for v in row])
    except csv.Error:  # a field beyond the csv module's limit, a NUL byte, an open quote
        raise NianbaoError("units.bad_row", file=name, row=reader.line_num) from None
    return rows


def _bound(rows: list, filled: list[int], row: Sequence[Any], line: int, name: str) -> None:
    """Refuse a list before it grows past what a unit list can be (``filled``: rows with
    content so far, counted here)."""
    if len(rows) >= MAX_ROWS_READ or filled[0] > MAX_UNITS:  # MAX_UNITS units and a header
        raise NianbaoError("units.too_many", file=name, limit=MAX_UNITS)
    if any(isinstance(v, str) and len(v) > MAX_FIELD for v in row):
        raise NianbaoError("units.long_field", file=name, row=line, limit=MAX_FIELD)
    if any(v not in (None, "") for v in row):
        filled[0] += 1


class _Every:
    """Every sheet (for the safety screen's ``sheets``): the list's first sheet is only known
    by its position."""

    def __contains__(self, _: object) -> bool:
        return True


def _sheet_rows(p: Path, data: bytes, name: str) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    from ..errors import UnreadableWorkbook
    from ..safety import MAX_SHEET_CELLS, inspect_xlsx

    scans = {}
    if data[:2] == b"PK" and p.suffix.lower() in (".xlsx", ".xlsm"):
        try:  # zip bombs, DTDs and a cell at XFD1048576 are refused before calamine sees them
            scans = inspect_xlsx(data, _Every(), name=name).sheets  # type: ignore[arg-type]
        except UnreadableWorkbook as e:
            raise NianbaoError("units.unreadable", file=name, detail=_detail(e)) from None
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        first = wb.sheet_names[0] if wb.sheet_names else None
        scan = scans.get(first) if first is not None else None
        if scan is not None:
            if scan.absurd or scan.rows * max(scan.cols, 1) > MAX_SHEET_CELLS:
                raise NianbaoError("units.too_large_sheet", file=name,
                                   cell=scan.absurd or f"{scan.cols} 列 × {scan.rows} 行")
            if scan.rows > MAX_ROWS_READ:
                raise NianbaoError("units.too_many", file=name, limit=MAX_UNITS)
        rows: list[list[str]] = []
        filled = [0]
        if first is not None:
            for row in wb.get_sheet_by_index(0).iter_rows():
                _bound(rows, filled, row, len(rows) + 1, name)
                rows.append([_text(v) for v in row[:len(COLUMNS) * 4]])
    except NianbaoError:
        raise
    except Exception as e:  # calamine raises several error types for damaged files
        raise NianbaoError("units.unreadable", file=name, detail=_detail(e)) from None
    return rows


def _detail(e: BaseException) -> str:
    """A reason in Chinese: ours as it is, a library's (English) only as 「无法解析」."""
    from ..messages import say

    if isinstance(e, NianbaoError):
        # the screen's message names the file; ours names it already
        file = str(e.params.get("file", ""))
        return str(e).replace(file, "").strip(" ：:，") if file else str(e)
    return say("units.damaged")


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():  # a code typed as a number: 110101, not 110101.0
        return str(int(v))
    return str(v).strip()


def _header_columns(row: Sequence[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        title = unit_key(cell)
        for key, names in HEADERS.items():
            if key not in found and title in names:
                found[key] = i
    return found if "name" in found else None


def _units_from_rows(rows: list[list[str]]) -> list[Unit]:
    first = next((i for i, r in enumerate(rows) if any(r)), None)
    if first is None:
        return []
    columns = _header_columns(rows[first])
    start = first + 1
    if columns is None:
        columns, start = {key: i for i, key in enumerate(COLUMNS)}, first
    units = []
    for i in range(start, len(rows)):
        row = rows[i]
        if not any(row):
            continue
        values = {k: (row[c] if c < len(row) else "") for k, c in columns.items()}
        units.append(Unit(row=i + 1, **values))
    return units


def _problems(units: Iterable[Unit]) -> list[str]:
    out: list[str] = []
    names: dict[str, Unit] = {}
    codes: dict[str, Unit] = {}
    for u in units:
        if not u.name:
            out.append(say("units.blank_name", row=u.row))
            continue
        bad = sorted(set(_BAD_CHARS.findall(u.name)))
        if bad or u.name.endswith((".", " ")):
            out.append(say("units.bad_chars", row=u.row, name=printable(u.name),
                           chars=" ".join(repr(c)[1:-1] for c in bad) or say("units.trailing")))
        key = unit_key(u.name)
        if key in names:
            out.append(say("units.duplicate", row=u.row, name=printable(u.name),
                           first=names[key].row))
        else:
            names[key] = u
        if u.code:
            if u.code in codes:
                out.append(say("units.duplicate_code", row=u.row, unit_code=u.code,
                               first=codes[u.code].row))
            else:
                codes[u.code] = u
    return out


def units_from(units: str | os.PathLike | Sequence[Unit]) -> list[Unit]:
    """The units of a list file (read and checked), or the given :class:`Unit` s."""
    if isinstance(units, Sequence) and not isinstance(units, str):
        return list(units)
    return read_units(units)


__all__ = ["Unit", "read_units", "units_from", "HEADERS", "ORIGIN_CODE", "ORIGIN_PARENT",
           "MAX_UNITS", "MAX_LIST_BYTES"]
