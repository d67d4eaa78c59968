"""The vocabulary in which a statutory format is declared.

A format (2019, 2021, a future one) is *data*: sections, tables made of blocks, rows and
columns with their printed labels, the kind of every cell, and the reconciliation rules as
linear relations over field ids.  Everything else — the Excel template, the reader, the checks,
the Word document — interprets these declarations; none of it knows a label or a cell address.

Field ids are stable across formats (``t3.carried.natural`` means the same in 2019 and 2021), so
cross-year rules and users' suppressions survive a format change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping

Kind = Literal["count", "signed", "money", "text"]
Severity = Literal["error", "warning", "notice"]

KIND_LABELS: Mapping[str, str] = {
    "count": "非负整数",
    "signed": "整数（可为负）",
    "money": "非负金额",
    "text": "文字",
}

# How an amount of money is printed — in the workbook, the Word report's tables and its prose
# alike (nianbao.report.format_money; the workbook's number format is derived from it): 0 as 「0」,
# any other amount with two decimals, or up to as many as its unit needs to reach the 分
# (「1234.5678」万元, 「0.50」万元, 「123456789.50」元); nothing entered is lost short of the 分.
# No thousands separators: the official tables and the reports published in them print none.
MONEY_MIN_DECIMALS = 2
MONEY_DECIMALS: Mapping[str, int] = {"元": 2, "万元": 6}


@dataclass(frozen=True)
class Column:
    key: str
    labels: tuple[str, ...]  # header path as printed, outermost first
    kind: Kind = "count"
    unit: str | None = None  # money only: "万元" / "元"

    @property
    def printed_labels(self) -> tuple[str, ...]:
        """The header as printed: a money column names its unit (「采购总金额（单位：元）」)
        unless the statutory label already does (「本年收费金额（单位：万元）」)."""
        if self.unit is None or "单位" in self.labels[-1]:
            return self.labels
        return self.labels[:-1] + (f"{self.labels[-1]}（单位：{self.unit}）",)


@dataclass(frozen=True)
class Row:
    key: str
    labels: tuple[str, ...]  # row-label path as printed, outermost first
    band: str | None = None  # an umbrella label printed left of the path (表三「三、本年度办理结果」)
    # what the workbook shows beside a row the statutory table prints without a label (表四's one
    # row of numbers); never printed in the report
    caption: str | None = None


@dataclass(frozen=True)
class Block:
    """A rectangular part of a table: one header, some rows, the same columns for every row."""

    key: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    title: str | None = None  # 「第二十条第（一）项」
    corner: str = ""  # text of the top-left header cell (「信息内容」, the 勾稽 note)
    column_band: str | None = None  # umbrella header over every column (「申请人情况」)

    def header_paths(self) -> list[tuple[str, ...]]:
        """Each column's printed header path, the column band first (the workbook and the Word
        document lay headers out from these)."""
        band = (self.column_band,) if self.column_band else ()
        return [band + c.printed_labels for c in self.columns]

    def row_paths(self) -> list[tuple[str, ...]]:
        """Each row's printed label path, its band first."""
        return [((r.band,) if r.band else ()) + r.labels for r in self.rows]


@dataclass(frozen=True)
class Table:
    key: str  # "t2" | "t3" | "t4"
    title: str  # the section heading the table belongs to
    blocks: tuple[Block, ...]


# an office titles each text part in its own words (「（一）主要做法」); the workbook offers the
# standard heading (the TextItem's label) in a cell of this name beside the text
HEADING_LABEL = "小标题"


@dataclass(frozen=True)
class TextItem:
    key: str  # id, e.g. "s1.request"
    label: str
    hint: str = ""
    # evaluators deduct when this part says nothing: its topic words (any one found in the
    # section's other texts counts as the part being written there); () = may be left empty
    expected: tuple[str, ...] = ()
    # words by which offices' sub-headings name this part besides its label (for importers:
    # 「（二）改进措施」 is 下一步工作打算); its topic words above count as well
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stated:
    """How the narrative states a table value: 「现行有效规范性文件215件」 is
    ``t2.normative.in_force``.  A figure is that value when ``measure`` (a regular expression)
    stands in the figure's own clause and ``subject`` is the nearest subject before it."""

    field: str
    subject: str
    measure: str


@dataclass(frozen=True)
class Extra:
    """A non-statutory input with a value kind (信息处理费 in section 六)."""

    key: str  # id, e.g. "s6.fee_amount"
    label: str
    kind: Kind
    unit: str | None = None


@dataclass(frozen=True)
class Section:
    key: str  # "s1" … "s6"
    title: str  # as printed: 「一、总体情况」
    sheet: str  # the workbook sheet that holds it
    table: str | None = None
    texts: tuple[TextItem, ...] = ()
    extras: tuple[Extra, ...] = ()
    # headings that published reports use for the same section (for importers)
    variants: tuple[str, ...] = ()
    # a 备注 input under the section's table, printed under the table in the report
    # (表四's 「注：含上年度结转数量」, a note a clerk would otherwise type into a number cell)
    note: TextItem | None = None
    # the office's own paragraph under the heading, before the table, in place of the one nianbao
    # writes from the table (template ``{section}.j2``) — a paragraph it writes must be one the
    # office can replace
    lead: TextItem | None = None


def expand(each: tuple[tuple[str, tuple[str, ...]], ...]) -> list[dict[str, str]]:
    """Every combination of the placeholders' keys: ``(("row", (a, b)), ("col", (x,)))`` →
    ``[{"row": a, "col": x}, {"row": b, "col": x}]`` (one empty binding when there are none)."""
    combos: list[dict[str, str]] = [{}]
    for name, keys in each:
        combos = [{**c, name: k} for c in combos for k in keys]
    return combos


@dataclass(frozen=True)
class Rule:
    """One reconciliation rule: Σ left = Σ right, instantiated once per key of ``each``.

    Terms are field-id templates: ``"t3.{row}.total"``; a leading ``-`` subtracts the term and
    ``prev:`` takes it from last year's report.  For ``kind="sum"`` the first left term is the
    total that the right-hand side must add up to (so a finding can say 应为 X，实为 Y).
    ``stock`` and ``roll`` are both "this year's figure = last year's rolled forward", worded with
    every term; ``stock`` adds that documents may also lapse (现行有效件数).
    """

    id: str
    kind: Literal["sum", "balance", "carry", "stock", "roll"]
    severity: Severity
    title: str  # short Chinese name, shown beside the native check cells
    basis: str  # the statutory text it rests on
    left: tuple[str, ...]
    right: tuple[str, ...]
    each: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # where the workbook shows the native ✔/✘ cell of each instance: a check "column" to the
    # right of the table (one per row), a check "row" under it (one per column), or None
    # (cross-year rules cannot be computed inside one workbook)
    place: Literal["row", "column"] | None = None
    table: str | None = None

    def instances(self) -> list[tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]]:
        """Each (bindings, left terms, right terms) with the placeholders filled in."""
        return [
            (c, tuple(t.format(**c) for t in self.left), tuple(t.format(**c) for t in self.right))
            for c in expand(self.each)
        ]


@dataclass(frozen=True)
class MetaItem:
    key: str  # "unit", "year", …
    label: str
    kind: Kind = "text"
    required: bool = False  # blank is an error
    bounds: tuple[int, int] | None = None  # whole numbers only, inclusive
    # printed in the report an office publishes on the web: the workbook says so beside the cell
    # (a personal mobile number typed there would be published)
    published: bool = False
    # blank is a warning: the report leaves a gap where it is printed (成文日期)
    wanted: bool = False


@dataclass(frozen=True)
class Format:
    id: str  # "2021"
    title: str  # 格式名称
    basis: str  # the document that fixes it
    years: tuple[int, int | None]  # report years it is valid for (inclusive, open-ended)
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    rules: tuple[Rule, ...]
    meta: tuple[MetaItem, ...] = field(default=())
    # the paragraph under the title, before 「一、」: the office's own, or — left empty — the one
    # nianbao writes (template ``preamble.j2``)
    preamble: TextItem | None = None
    # the document's name as reports cite it in 书名号 (《中华人民共和国政府信息公开工作年度报告格式》)
    name: str = ""
    # how a blank input cell counts in the rules: the official tables read a blank count as 0
    # (messages still say 「未填写」); a format that must tell blank from 0 declares False
    blank_is_zero: bool = True
    # figures the narrative states about table values other than 表三/表四 (see Stated)
    stated: tuple[Stated, ...] = ()
    # 总体情况 「原则上1000字左右」: the length above which a notice is given; None = no limit
    overview_chars: int | None = None
    # fields compared year on year: a jump of more than fivefold is noted for the office to
    # explain in its text (nianbao.checks.yearly)
    key_figures: tuple[str, ...] = ()

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def section_of_table(self, key: str) -> Section:
        for s in self.sections:
            if s.table == key:
                return s
        raise KeyError(key)

    def accepts_year(self, year: int) -> bool:
        lo, hi = self.years
        return year >= lo and (hi is None or year <= hi)


def field_id(table: str, row: Row, column: Column) -> str:
    return ".".join(p for p in (table, row.key, column.key) if p)
