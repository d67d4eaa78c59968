"""The list of units a coordinating office hands the template out to and collects it from.

A unit list is an Excel workbook (its first sheet) or a CSV file: one row per unit with its name
and, optionally, a unit code, the parent it reports to (a district, a bureau) and a contact.  The
header row is recognised by the column titles in :data:`HEADERS`; a list without a recognised
header is read as name, code, parent, contact in that order.

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

# column titles people give these columns (compared after NFKC and without spaces)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("单位名称", "单位", "名称", "填报单位", "部门", "部门名称"),
    "code": ("单位代码", "代码", "编码", "单位编码", "统一社会信用代码", "机构代码"),
    "parent": ("上级单位", "上级", "所属", "所属单位", "主管单位", "上级主管单位", "所属区县", "区县"),
    "contact": ("联系人", "联系方式", "联系人及电话"),
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
    row: int = 0  # the row of the list it came from (1-based, as Excel numbers rows)

    @property
    def file_name(self) -> str:
        """The name of the workbook handed out to this unit."""
        return f"{self.name}.xlsx"


def read_units(path: str | os.PathLike) -> list[Unit]:
    """The units of a list (.xlsx/.xlsm/.xls/.ods or .csv), checked: blank names, duplicate
    names or codes and characters a file name cannot hold are refused, naming every row."""
    p = Path(path)
    if not p.is_file():
        raise NianbaoError("file.missing", file=str(p))
    rows = _read_rows(p)
    units = _units_from_rows(rows)
    if not units:
        raise NianbaoError("units.empty", file=str(p))
    problems = _problems(units)
    if problems:
        raise NianbaoError("units.invalid", file=str(p), problems="\n".join(problems))
    return units


def _read_rows(p: Path) -> list[list[str]]:
    if p.suffix.lower() == ".csv":
        data = p.read_bytes()
        # Excel on a Chinese Windows saves CSV as GBK; everything else as UTF-8 (maybe with BOM)
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise NianbaoError("units.encoding", file=str(p))
        return [[_text(v) for v in row] for row in csv.reader(io.StringIO(text))]
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(p))
        grid = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises several error types for damaged files
        raise NianbaoError("units.unreadable", file=str(p), detail=e) from None
    return [[_text(v) for v in row] for row in grid]


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
            out.append(say("units.bad_chars", row=u.row, name=u.name,
                           chars=" ".join(repr(c)[1:-1] for c in bad) or say("units.trailing")))
        key = unit_key(u.name)
        if key in names:
            out.append(say("units.duplicate", row=u.row, name=u.name, first=names[key].row))
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


__all__ = ["Unit", "read_units", "units_from", "HEADERS", "ORIGIN_CODE", "ORIGIN_PARENT"]
