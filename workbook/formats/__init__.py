"""The registry of statutory formats.  Adding a format means adding a module and a line here."""
from __future__ import annotations

from .model import Format
from . import f2019, f2021

FORMATS: dict[str, Format] = {f.id: f for f in (f2021.FORMAT, f2019.FORMAT)}
CURRENT = "2021"


class UnknownFormat(KeyError):
    pass


def get_format(format_id: str | Format) -> Format:
    if isinstance(format_id, Format):
        return format_id
    try:
        return FORMATS[str(format_id)]
    except KeyError:
        raise UnknownFormat(str(format_id)) from None


def format_for_year(year: int) -> Format:
    """The format a report of ``year`` must use — the one rule ``new``, ``check`` and ``report``
    share: each format covers the years it declares; a year before every format takes the oldest
    (reports for 2020 and earlier: the 2019 format), a later one the current format."""
    for f in FORMATS.values():
        if f.accepts_year(year):
            return f
    oldest = min(FORMATS.values(), key=lambda f: f.years[0])
    return oldest if year < oldest.years[0] else FORMATS[CURRENT]


def year_mismatch(year: int | None, fmt: Format) -> dict[str, str | int] | None:
    """When a report of ``year`` must not use ``fmt``: the arguments of the ``format.year``
    message (the same error for ``check`` and for making a workbook); None when it may."""
    if not isinstance(year, int):
        return None
    due = format_for_year(year)
    if due.id == fmt.id:
        return None
    return {"year": year, "expected": due.title, "basis": due.basis, "actual": fmt.title,
            "actual_basis": fmt.basis}


__all__ = ["FORMATS", "CURRENT", "Format", "get_format", "format_for_year", "year_mismatch",
           "UnknownFormat"]
