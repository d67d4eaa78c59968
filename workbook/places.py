"""Plain-Chinese names for fields, as a clerk finds them on paper: 表三「（一）予以公开」行「自然人」列.

Every message that points at a cell — from the reader, the checks or the document — names it
this way, so a clerk reads one style of location everywhere.

Names come from the format declaration (table titles, block titles, row and column labels) and
the wording from the message catalogue; nothing here knows a particular label.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator

from .formats import get_format
from .formats.model import field_id
from .layout import Field, layout_of
from .messages import say

if TYPE_CHECKING:
    from .findings import Finding


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
    _describe.cache_clear()
    _cites.cache_clear()


# A published report (imported from Word, PDF, a web page) has no cells: while a finding about
# one is made, the places it names are the report's own — no template cell 「（D8）」 is added.
_PUBLISHED: ContextVar[bool] = ContextVar("nianbao_published_places", default=False)


@contextmanager
def published_places() -> Iterator[None]:
    """Within it, :func:`describe` names no template cell: the findings made are about a
    published report, which cites its own tables (:func:`cite`)."""
    token = _PUBLISHED.set(True)
    try:
        yield
    finally:
        _PUBLISHED.reset(token)


def unplaced(f: Finding) -> Finding:
    """A finding about a published report without the template's cells (it has none)."""
    if f.sheet is None and f.cell is None and not f.cells and not f.hints:
        return f
    return replace(f, sheet=None, cell=None, cells=(), hints=())


def describe(format_id: str, fid: str, with_cell: bool = True) -> str:
    """表三「（一）予以公开」行「自然人」列（D8） — the full name of one field (without the
    cell for a published report: :func:`published_places`)."""
    return _describe(format_id, fid, with_cell and not _PUBLISHED.get())


@lru_cache(maxsize=4096)
def _describe(format_id: str, fid: str, with_cell: bool) -> str:
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


# -- a published report's own places, as an evaluator cites them: 「表三（四）1 自然人列」 ----------
# a row label's numbering: 「（四）无法提供」, 「1.本机关不掌握…」, 「一、本年新收…」
_NUMBERING = re.compile(r"^\s*(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+(?=、)|\d+(?=[.．、]))")


@dataclass(frozen=True)
class _Cite:
    table: str  # 「表三」
    row: str  # 「（四）1」, 「第一项」, 「规章」, or "" (表四's one row)
    kind: str  # how the row is cited: "number", "item" (a numbered heading row), "label"
    column: str  # 「自然人」, 「行政复议·结果维持」

    def cell(self) -> str:
        """The cell without its table: 「（四）1 自然人列」."""
        if not self.row:
            return say("place.cite_column", column=self.column)
        return say(f"place.cite_{self.kind}_cell", row=self.row, column=self.column)

    def whole_row(self) -> str:
        """The whole row without its table: 「（六）1 行」, 「第一项」, 「 规章 行」."""
        if self.kind == "item":
            return self.row
        return (" " if self.kind == "label" else "") + say("place.cite_row", row=self.row)


def _row_cite(labels: tuple[str, ...]) -> tuple[str, str]:
    """How a row is cited: by its numbering (「（四）1」; 「第一项」 for 「一、…」), or by its
    label where the table numbers no row (表二 「规章」)."""
    numbers = [m.group(1) if (m := _NUMBERING.match(label)) else "" for label in labels]
    if labels and all(numbers):
        if len(numbers) == 1 and not numbers[0].startswith("（"):
            return say("place.cite_item", number=numbers[0]), "item"
        return "".join(numbers), "number"
    return say("place.join").join(labels), "label"


@lru_cache(maxsize=None)
def _cites(format_id: str) -> dict[str, _Cite]:
    """Every statutory field's citation.  A column is cited by the fewest of its last labels
    that no other column of its table shares (「自然人」, 「商业企业」, but 「行政复议·结果维持」
    beside 「行政诉讼·复议后起诉·结果维持」)."""
    out: dict[str, _Cite] = {}
    for table in get_format(format_id).tables:
        short = say("place.table", number=table.title.split("、", 1)[0])
        paths = list(dict.fromkeys(c.labels for b in table.blocks for c in b.columns))
        column: dict[tuple[str, ...], str] = {}
        for path in paths:
            k = next(k for k in range(1, len(path) + 1)
                     if k == len(path) or sum(1 for p in paths if p[-k:] == path[-k:]) == 1)
            column[path] = say("place.join").join(path[-k:])
        for block in table.blocks:
            for row in block.rows:
                cited, kind = _row_cite(row.labels)
                for col in block.columns:
                    out[field_id(table.key, row, col)] = _Cite(short, cited, kind, column[col.labels])
    return out


def cite(format_id: str, fid: str) -> str:
    """Where a published report prints a field, as an evaluator cites it: 「表三（四）1
    自然人列」, 「表三第一项 总计列」, 「表二 规章 本年制发件数列」, 「表四 行政复议·结果纠正列」;
    a text part or a meta item by its name (no cell: the report has none)."""
    found = _cites(format_id).get(fid)
    if found is None:
        return _describe(format_id, fid, False)
    return say("place.cite", table=found.table, cell=found.cell())


def cite_row(format_id: str, fid: str) -> str:
    """The row a field of a published report stands in: 「表二 行政规范性文件 行」."""
    found = _cites(format_id).get(fid)
    if found is None or not found.row:
        return cite(format_id, fid) if found is None else found.table
    return say("place.cite", table=found.table, cell=found.whole_row())


@lru_cache(maxsize=None)
def _by_ref(format_id: str) -> dict[str, str]:
    return {p.ref: fid for fid, p in places(format_id).items()}


def ref_name(format_id: str, ref: str, sheet: str | None) -> str:
    """A cell a message asks to check first: 「D7」 on the finding's own sheet, 「sheet!D7」 on
    another; on a published report (:func:`published_places`) the report's own place."""
    if _PUBLISHED.get() and ref in _by_ref(format_id):
        return cite(format_id, _by_ref(format_id)[ref])
    on, addr = ref.rsplit("!", 1)
    return addr if on == sheet else ref


def cite_many(format_id: str, fids: list[str]) -> str:
    """Several fields of a published report, shortest first: a whole table by its name, whole
    rows by their row (「表三（六）1 行、（六）2 行」), the other cells one by one."""
    cites = _cites(format_id)
    fmt = get_format(format_id)
    names: list[str] = []
    for table in fmt.tables:
        wanted = {f for f in fids if f.startswith(table.key + ".") and f in cites}
        if not wanted:
            continue
        every = [[field_id(table.key, r, c) for c in b.columns] for b in table.blocks for r in b.rows]
        if wanted >= {f for row in every for f in row}:
            names.append(cites[every[0][0]].table)
            continue
        parts: list[str] = []
        for row in every:
            gone = [f for f in row if f in wanted]
            if gone and len(gone) == len(row) and cites[gone[0]].row:
                parts.append(cites[gone[0]].whole_row())
            else:
                parts += [cites[f].cell() for f in gone]
        names.append(say("place.cite", table=cites[every[0][0]].table,
                         cell=say("text.and").join(p.strip() if i else p for i, p in enumerate(parts))))
    names += [cite(format_id, f) for f in fids if f not in cites]
    return say("text.and").join(names)


__all__ = ["unplaced", "Place", "places", "place", "describe", "common_and_names", "published_places",
           "cite", "cite_row", "cite_many", "ref_name"]
