"""Plain-Chinese names for fields, as a clerk finds them on paper: 表三「（一）予以公开」行「自然人」列.

Every message that points at a cell — from the reader, the checks or the document — names it
this way, so a clerk reads one style of location everywhere.

Names come from the format declaration (table titles, block titles, row and column labels) and
the wording from the message catalogue; nothing here knows a particular label.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .formats import get_format
from .formats.model import field_id
from .layout import Field, layout_of
from .messages import say


@dataclass(frozen=True)
class Place:
    field: str
    sheet: str
    cell: str
    table: str | None  # 「表三」 for statutory cells
    block: str  # 「第二十条第（一）项」 or ""
    row: str  # row label path joined, "" for one-row tables
    column: str  # column label path joined
    section: str  # section title (texts, extras), 「基本信息」 for meta
    label: str  # the item label (texts, extras, meta)

    @property
    def ref(self) -> str:
        """``sheet!A1``, the form :attr:`Finding.cells` uses."""
        return f"{self.sheet}!{self.cell}"


def _join(labels: tuple[str, ...]) -> str:
    return say("place.join").join(labels)


@lru_cache(maxsize=None)
def places(format_id: str) -> dict[str, Place]:
    fmt = get_format(format_id)
    lay = layout_of(fmt.id)
    out: dict[str, Place] = {}
    for table in fmt.tables:
        short = say("place.table", number=table.title.split("、", 1)[0])
        for block in table.blocks:
            for row in block.rows:
                for col in block.columns:
                    fid = field_id(table.key, row, col)
                    f = lay.fields[fid]
                    out[fid] = Place(fid, f.sheet, f.cell, short, block.title or "",
                                     _join(row.labels), _join(col.labels), "", "")
    for f in lay.fields.values():
        if f.id in out:
            continue
        out[f.id] = Place(f.id, f.sheet, f.cell, None, "", "", "", _section_title(fmt, f), f.labels[-1])
    return out


def _section_title(fmt, f: Field) -> str:
    for s in fmt.sections:
        if s.key == f.table:
            return s.title
    return f.sheet  # meta: the info sheet's name (「基本信息」)


def place(format_id: str, fid: str) -> Place:
    return places(format_id)[fid]


def _reset() -> None:  # for tests that change the catalogue
    describe.cache_clear()


@lru_cache(maxsize=4096)
def describe(format_id: str, fid: str, with_cell: bool = True) -> str:
    """表三「（一）予以公开」行「自然人」列（D8） — the full name of one field."""
    p = place(format_id, fid)
    if p.table is None:
        text = (p.section if p.label in p.section
                else say("place.item", section=p.section, label=p.label))
    elif p.row:
        text = say("place.cell", table=p.table, block=p.block, row=p.row, column=p.column)
    else:
        text = say("place.cell_norow", table=p.table, block=p.block, column=p.column)
    return say("place.at", what=text, cell=p.cell) if with_cell else text


def common_and_names(format_id: str, fids: list[str]) -> tuple[str, list[str]]:
    """What a group of fields shares, and the short names that tell them apart.

    For 表三 column 自然人 and rows 一/二/（七）/四 that is (表三「自然人」列, [row labels]);
    for one row of 表二 it is (表二 …「规章」行, [column labels]).
    """
    ps = [place(format_id, f) for f in fids]
    first = ps[0]
    if first.table is None:
        return "", [describe(format_id, f, with_cell=False) for f in fids]
    same_table = all(p.table == first.table and p.block == first.block for p in ps)
    if same_table and all(p.column == first.column for p in ps) and first.row:
        common = say("place.column", table=first.table, block=first.block, column=first.column)
        return common, [say("place.quote", text=p.row) for p in ps]
    if same_table and all(p.row == first.row for p in ps):
        common = (say("place.row", table=first.table, block=first.block, row=first.row)
                  if first.row else say("place.table_only", table=first.table, block=first.block))
        return common, [say("place.quote", text=p.column) for p in ps]
    return "", [describe(format_id, f, with_cell=False) for f in fids]


__all__ = ["Place", "places", "place", "describe", "common_and_names"]
