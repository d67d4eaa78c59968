"""Where every label, input cell and native check cell of a format sits in the workbook.

The layout is computed from the format declaration alone, so the template writer, the reader,
the marker and ``nianbao fields`` agree by construction.  Nothing outside this module computes a
cell address; everything else goes through :func:`layout_of` and field ids.

Defined names follow one scheme: ``NB_`` + the field id with dots replaced by underscores
(``t3.unavailable_1.natural`` → ``NB_t3_unavailable_1_natural``; ``meta.unit`` → ``NB_meta_unit``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Literal

from .formats import FORMATS, get_format
from .formats.model import (HEADING_LABEL, Block, Format, Kind, MetaItem, Rule, Section, Table,
                            TextItem, field_id)

META_SHEET = "_nianbao"
# rows ``missing:<field id>`` of the hidden sheet: cells written as 「缺失」 (not in an imported
# source), read back as missing while they still say so
MISSING_ROW = "missing:"
HEADINGS = "headings"  # Field.table of the text parts' headings (not a section: no check reads them)
PREAMBLE = "preamble"  # Field.table (and id) of the paragraph under the title
INFO_SHEET = "基本信息"
# 2: editable text headings, the contact items on 基本信息; 3: 成文日期 and 导语 on 基本信息, a
# table's lead paragraph, 将生成的文字, the native checks reading what `check` reads
TEMPLATE_VERSION = "3"
# what each version added to 基本信息, below what was there before (so an older workbook's rows
# stay where they were): read from a workbook of an earlier version as blank, not looked for
ADDED_IN: dict[str, int] = {"meta.document_date": 3, PREAMBLE: 3}
TEXT_NOTE_COL = 3  # a sheet of texts: heading, text, and what the report prints if it is empty
TEXT_NOTE_WIDTH = 44.0  # the notes beside the texts: two lines of 10 pt take any of them
INFO_NOTE_COL = 3  # 基本信息's column of notes (printed where?), and of the add-in's 校验 result
# the hidden sheet's column where the Excel add-in lists the cells its last 校验 coloured (it
# cannot read formats back); columns A–B hold the key/value rows the reader parses
MARK_RECORD_COL = 4
# a hidden sheet where each input a native check reads is converted as `check` reads it
# (「１０」「12件」「/」), at its own address shifted by CALC_STRIDE columns per table sheet
CALC_SHEET = "_nianbao_calc"
CALC_STRIDE = 30
# the sheet for people that shows what nianbao will write where the office wrote nothing
PREVIEW_SHEET = "将生成的文字"
LabelStyle = Literal["title", "block", "header", "label", "band", "corner", "check_header", "note",
                     "caption"]


def defined_name(fid: str) -> str:
    return "NB_" + fid.replace(".", "_")


def column_letter(col: int) -> str:
    # our own, so that reading a workbook does not import openpyxl (~0.2 s of start-up)
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_address(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def parse_cell(ref: str) -> tuple[int, int]:
    """"D12" → (12, 4); the first cell of a range "D12:J12"; (0, 0) when not a cell reference."""
    ref = ref.split(":")[0].replace("$", "").upper()
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    if not i or not ref[i:].isdigit():
        return (0, 0)
    col = 0
    for ch in ref[:i]:
        col = col * 26 + ord(ch) - 64
    return int(ref[i:]), col


@dataclass(frozen=True)
class Field:
    """One input cell: a statutory value, a text, an extra or a meta item."""

    id: str
    table: str  # "t2" | "t3" | "t4" for statutory cells; "meta", "s1" … for the others
    labels: tuple[str, ...]
    kind: Kind
    sheet: str
    row: int
    col: int
    unit: str | None = None
    bounds: tuple[int, int] | None = None  # declared range of a whole number (报告年度)
    default: str | None = None  # what a new workbook shows in it (the standard heading)
    since: int = 1  # the template version that added it (ADDED_IN)

    @property
    def cell(self) -> str:
        return cell_address(self.row, self.col)

    @property
    def name(self) -> str:
        return defined_name(self.id)

    @property
    def statutory(self) -> bool:
        return self.table in ("t2", "t3", "t4")


@dataclass(frozen=True)
class Label:
    row: int
    col: int
    text: str
    style: LabelStyle
    last_row: int | None = None  # merged range end, when merged
    last_col: int | None = None
    since: int = 1  # the template version that added it (ADDED_IN)

    @property
    def cell(self) -> str:
        return cell_address(self.row, self.col)


@dataclass(frozen=True)
class CheckCell:
    """The native ✔/✘ cell of one instance of a rule."""

    rule: Rule
    bindings: tuple[tuple[str, str], ...]
    left: tuple[str, ...]
    right: tuple[str, ...]
    row: int
    col: int

    @property
    def cell(self) -> str:
        return cell_address(self.row, self.col)


@dataclass
class SheetLayout:
    name: str
    title: str
    kind: Literal["info", "table", "texts"]
    labels: list[Label] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    checks: list[CheckCell] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    last_col: int = 1
    last_row: int = 1


@dataclass(frozen=True)
class StatusGroup:
    """One line of 基本信息's status area: the ✘ count of one rule on one sheet."""

    rule: Rule
    sheet: str
    cells: tuple[tuple[int, int], ...]  # (row, col) of the rule's check cells on that sheet
    row: int


@dataclass(frozen=True)
class StatusArea:
    """The status area under 基本信息's meta items: a header row, one line per rule and sheet,
    the overall verdict (a formula) and a note.  Beside the verdict, in a cell of its own, the
    Excel add-in writes the result of its last 校验 (the formulas stay formulas)."""

    header_row: int
    groups: tuple[StatusGroup, ...]
    total_row: int
    note_row: int
    run_col: int  # column of the add-in's result cell (in total_row) and its header

    @property
    def run_cell(self) -> str:
        return cell_address(self.total_row, self.run_col)

    @property
    def run_header_cell(self) -> str:
        return cell_address(self.header_row, self.run_col)


@dataclass
class Layout:
    format: Format
    sheets: list[SheetLayout]
    fields: dict[str, Field]
    status: StatusArea

    def sheet(self, name: str) -> SheetLayout:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def statutory_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.statutory]

    def checks(self) -> list[tuple[SheetLayout, CheckCell]]:
        return [(s, c) for s in self.sheets for c in s.checks]


@lru_cache(maxsize=None)
def layout_of(format_id: str) -> Layout:
    fmt = get_format(format_id)
    sheets = [_info_sheet(fmt)]
    for section in fmt.sections:
        if section.table:
            sheets.append(_table_sheet(fmt, fmt.table(section.table), section))
        else:
            sheets.append(_texts_sheet(fmt, section))
    fields: dict[str, Field] = {}
    for s in sheets:
        for f in s.fields:
            assert f.id not in fields, f"duplicate field id {f.id}"
            fields[f.id] = f
    return Layout(fmt, sheets, fields, _status_area(sheets))


@lru_cache(maxsize=1)
def known_sheets() -> frozenset[str]:
    """Every sheet some format declares, and the hidden sheet: the only sheets ever read."""
    return frozenset({META_SHEET} | {s.name for f in FORMATS for s in layout_of(f).sheets})


def _status_area(sheets: list[SheetLayout]) -> StatusArea:
    info = sheets[0]
    cells: dict[tuple[str, str], tuple[Rule, list[tuple[int, int]]]] = {}
    for s in sheets:
        for c in s.checks:
            cells.setdefault((c.rule.id, s.name), (c.rule, []))[1].append((c.row, c.col))
    header = info.last_row + 2
    groups = tuple(StatusGroup(rule, sheet, tuple(found), header + 1 + i)
                   for i, ((_, sheet), (rule, found)) in enumerate(cells.items()))
    total = header + len(groups) + 1
    return StatusArea(header, groups, total, total + 1, INFO_NOTE_COL)


def _info_sheet(fmt: Format) -> SheetLayout:
    """The meta items, 报告格式, then what later template versions added (ADDED_IN); beside each
    item, in INFO_NOTE_COL, where the report prints it (the note's text is the workbook's,
    see :mod:`nianbao.xlsx_writer`: a "note" label with no text here)."""
    from .messages import say  # late: the catalogue is not needed to read a workbook

    s = SheetLayout(INFO_SHEET, "政府信息公开工作年度报告 · 基本信息", "info",
                    widths={1: 16, 2: 60, INFO_NOTE_COL: 40})
    s.labels.append(Label(1, 1, s.title, "title", last_col=INFO_NOTE_COL))
    items: list[tuple[str, MetaItem | TextItem]] = [(f"meta.{m.key}", m) for m in fmt.meta]
    if fmt.preamble is not None:
        items.append((PREAMBLE, fmt.preamble))
    r = 3
    for added in (False, True):
        if added:
            s.labels.append(Label(r, 1, "报告格式", "label"))
            s.labels.append(Label(r, 2, f"{fmt.title}（{fmt.basis}）", "note"))
            r += 1
        for fid, item in items:
            since = ADDED_IN.get(fid, 1)
            if (since > 2) != added:
                continue
            s.labels.append(Label(r, 1, item.label, "label", since=since))
            if not isinstance(item, MetaItem):  # the preamble, a text the office may write
                s.fields.append(Field(fid, PREAMBLE, (item.label,), "text", s.name, r, 2,
                                      since=since))
                note = say("wb.generated.note" if fid in generated_parts(fmt.id)
                           else "wb.generated.none")
            else:
                s.fields.append(Field(fid, "meta", (item.label,), item.kind, s.name, r, 2,
                                      bounds=item.bounds, since=since))
                note = say(f"wb.meta_note.{item.key}")
            s.labels.append(Label(r, INFO_NOTE_COL, note, "note", since=since))
            r += 1
    s.last_col, s.last_row = INFO_NOTE_COL, r - 1
    return s


@lru_cache(maxsize=None)
def generated_parts(format_id: str) -> frozenset[str]:
    """The parts (``preamble``, a section key, a text id) for which nianbao writes a paragraph
    with its built-in templates (``{part}.{format}.j2`` or ``{part}.j2``): the workbook says so
    beside their cells.  Read from the file names, without loading Jinja2."""
    # the folder read directly, not through importlib.resources (which costs every command
    # ~5 ms of imports at start: tempfile, shutil, random); the package is always files on disk
    from importlib.util import find_spec

    spec = find_spec(f"{__package__}.templates")
    folder = Path(spec.origin if spec and spec.origin else __file__).parent / "narrative"
    names = {p.name for p in folder.iterdir()}
    out = set()
    for name in names:
        if name.startswith("_") or not name.endswith(".j2"):
            continue
        stem = name[:-3]
        fmt_suffix = next((f for f in _format_ids() if stem.endswith("." + f)), None)
        if fmt_suffix is None:
            out.add(stem)
        elif fmt_suffix == format_id:
            out.add(stem[:-len(fmt_suffix) - 1])
    return frozenset(out)


def _format_ids() -> tuple[str, ...]:
    from .formats import FORMATS

    return tuple(FORMATS)


def sheet_ranges(format_id: str) -> list[str]:
    """Every sheet of the template as a range from A1 (``'基本信息'!$A$1:$C$16``), the arguments
    of the NB_ worksheet functions (which see only what they are given)."""
    ranges = []
    for sheet in layout_of(format_id).sheets:
        last_row = max([sheet.last_row] + [f.row for f in sheet.fields])
        last_col = max([sheet.last_col] + [f.col for f in sheet.fields])
        quoted = "'" + sheet.name.replace("'", "''") + "'"
        ranges.append(f"{quoted}!$A$1:${column_letter(last_col)}${last_row}")
    return ranges


def heading_id(text_id: str) -> str:
    """The field of the office's own heading of a text part: ``s1.active`` → ``s1.active.heading``."""
    return f"{text_id}.heading"


def _texts_sheet(fmt: Format, section: Section) -> SheetLayout:
    # column A holds the headings: wide enough for the longest standard one on one line
    s = SheetLayout(section.sheet, section.title, "texts", widths={1: 28, 2: 90})
    s.labels.append(Label(1, 1, section.title, "title", last_col=2))
    r = 3
    for t in section.texts:
        s.fields.append(Field(t.key, section.key, (t.label,), "text", s.name, r, 2))
        # the heading, editable and prefilled with the standard one, where the label stood (a
        # workbook from before it was editable reads as the standard heading); after the text,
        # so that whatever names a section's first text field names the text
        s.fields.append(Field(heading_id(t.key), HEADINGS, (t.label, HEADING_LABEL), "text",
                              s.name, r, 1, default=t.label))
        s.labels.append(Label(r, TEXT_NOTE_COL, _text_note(t.key, fmt), "note"))
        r += 1
    for e in section.extras:
        label = f"{e.label}（{e.unit}）" if e.unit else e.label
        s.labels.append(Label(r, 1, label, "label"))
        s.fields.append(Field(e.key, section.key, (e.label,), e.kind, s.name, r, 2, e.unit))
        r += 1
    s.widths[TEXT_NOTE_COL] = TEXT_NOTE_WIDTH
    s.last_col, s.last_row = TEXT_NOTE_COL, r - 1
    return s


def _text_note(text_id: str, fmt: Format) -> str:
    """What the report prints for a text part the office leaves empty (beside its cell)."""
    from .messages import MESSAGES, say

    own = f"wb.generated.{text_id}"
    if own in MESSAGES:
        return say(own)
    return say("wb.generated.note" if text_id in generated_parts(fmt.id) else "wb.generated.none")


def _table_sheet(fmt: Format, table: Table, section: Section) -> SheetLayout:
    s = SheetLayout(section.sheet, table.title, "table")
    top = 3
    for block in table.blocks:
        top = _place_block(fmt, table, block, s, top) + 2
    s.labels.insert(0, Label(1, 1, table.title, "title", last_col=s.last_col))
    r = s.last_row + 1
    # "note" labels are not among the reader's structure checks: a workbook made before these
    # rows existed still reads (their cells are simply empty)
    for item, text in ((section.note, None), (section.lead, "lead")):
        if item is None:
            continue
        r += 1
        label = item.label
        if text == "lead":
            from .messages import say

            generated = section.key in generated_parts(fmt.id)
            label += "\n" + say("wb.generated.lead" if generated else "wb.generated.none")
        s.labels.append(Label(r, 1, label, "note"))
        s.fields.append(Field(item.key, section.key, (item.label,), "text", s.name, r, 2))
        s.last_row = r
    return s


def _label_depth(block: Block) -> int:
    return max(1, max(len(r.labels) + (1 if r.band else 0) for r in block.rows))


def label_spans(paths: list[tuple[str, ...]], level: int) -> list[tuple[int, int, str, bool]]:
    """Runs of consecutive label paths that print one merged cell at ``level``:
    (first, last, text, is_leaf).  A leaf (the path ends here) is never merged with its
    neighbours; a shared prefix that goes on is (「（三）不予公开」 over its eight sub-rows).
    The Word document lays its tables out with the same function."""
    out: list[tuple[int, int, str, bool]] = []
    i = 0
    while i < len(paths):
        p = paths[i]
        if len(p) <= level:
            i += 1
            continue
        leaf = len(p) == level + 1
        j = i
        while (not leaf and j + 1 < len(paths) and len(paths[j + 1]) > level + 1
               and paths[j + 1][: level + 1] == p[: level + 1]):
            j += 1
        out.append((i, j, p[level], leaf))
        i = j + 1
    return out


def _place_block(fmt: Format, table: Table, block: Block, s: SheetLayout, top: int) -> int:
    depth = _label_depth(block)
    ncols = len(block.columns)
    if block.title:
        s.labels.append(Label(top, 1, block.title, "block", last_col=depth + ncols))
        top += 1
    hpaths = block.header_paths()
    hdepth = max(len(p) for p in hpaths)
    s.labels.append(Label(top, 1, block.corner, "corner", top + hdepth - 1, depth))
    for level in range(hdepth):
        for first, last, text, leaf in label_spans(hpaths, level):
            last_row = top + hdepth - 1 if leaf else top + level
            s.labels.append(Label(top + level, depth + 1 + first, text, "header",
                                  last_row, depth + 1 + last))
    first_data = top + hdepth
    rpaths = block.row_paths()
    for level in range(depth):
        for first, last, text, leaf in label_spans(rpaths, level):
            style: LabelStyle = "band" if (level == 0 and block.rows[first].band) else "label"
            s.labels.append(Label(first_data + first, 1 + level, text, style,
                                  first_data + last, depth if leaf else 1 + level))
    for i, row in enumerate(block.rows):
        if not rpaths[i] and row.caption:  # 表四's row of numbers: the statutory table has no label
            s.labels.append(Label(first_data + i, 1, row.caption, "caption",
                                  last_col=depth if depth > 1 else None))
    here: dict[str, Field] = {}
    for i, row in enumerate(block.rows):
        for j, col in enumerate(block.columns):
            fid = field_id(table.key, row, col)
            labels = (((block.title,) if block.title else ()) + row.labels + col.labels)
            here[fid] = Field(fid, table.key, labels, col.kind, s.name,
                              first_data + i, depth + 1 + j, col.unit)
    s.fields.extend(here.values())
    last_data = first_data + len(block.rows) - 1

    # native check cells: one column right of the block per "column" rule, one row under it
    # per "row" rule — only for rules with an instance whose target lies in this block
    def targeted(place: str) -> list[tuple[Rule, list[tuple[dict, tuple, tuple, Field]]]]:
        out = []
        for rule in fmt.rules:
            if rule.table != table.key or rule.place != place:
                continue
            hits = [(b, left, right, here[left[0].lstrip("-")])
                    for b, left, right in rule.instances() if left[0].lstrip("-") in here]
            if hits:
                out.append((rule, hits))
        return out

    by_column = targeted("column")
    for k, (rule, hits) in enumerate(by_column):
        at = depth + ncols + 1 + k
        s.labels.append(Label(top, at, rule.title, "check_header", top + hdepth - 1, at))
        for b, left, right, target in hits:
            s.checks.append(CheckCell(rule, tuple(b.items()), left, right, target.row, at))
    r = last_data
    for rule, hits in targeted("row"):
        r += 1
        s.labels.append(Label(r, 1, rule.title, "check_header", None if depth == 1 else r,
                              None if depth == 1 else depth))
        for b, left, right, target in hits:
            s.checks.append(CheckCell(rule, tuple(b.items()), left, right, r, target.col))
    block_width = depth + ncols + len(by_column)
    spots = [(c.row, c.col) for c in s.checks]
    if len(spots) != len(set(spots)):
        clashing = sorted({c.rule.id for c in s.checks if spots.count((c.row, c.col)) > 1})
        raise ValueError(f"format {fmt.id}: check cells of {', '.join(clashing)} fall on one "
                         f"cell; a rule that varies by row needs place='column', and vice versa")
    s.last_row = max(s.last_row, r)
    s.last_col = max(s.last_col, block_width)
    for c in range(1, depth + 1):
        s.widths[c] = 30.0 if (c == depth and depth > 1) else (14.0 if depth > 1 else 22.0)
    # few value columns (table 2) get room for headers like 本年收费金额（单位：万元）
    value_width = 18.0 if ncols <= 4 else 11.0
    for c in range(depth + 1, block_width + 1):
        s.widths[c] = max(s.widths.get(c, 0.0), value_width)
    return r


def calc_address(lay: Layout, fid: str) -> tuple[int, int]:
    """(row, column) on the hidden calc sheet of the converted copy of input ``fid``: its own
    address, shifted CALC_STRIDE columns to the right for each table sheet before its own, so
    that a row or column of inputs stays a range there too."""
    f = lay.fields[fid]
    tables = [s.name for s in lay.sheets if s.kind == "table"]
    return f.row, f.col + CALC_STRIDE * tables.index(f.sheet)


@dataclass(frozen=True)
class GeneratedPlace:
    """A part nianbao writes a paragraph for, and where the office's own text replaces it."""

    part: str  # "preamble", a section key (its lead paragraph) or a text id
    section: str | None  # the section it is printed in (None: before 「一、」)
    name: str  # what the part is called (「导语」「（二）依申请公开情况」「表前说明」)
    # the text cell whose own text replaces it; None: no cell does (an office's own template
    # for a part the format gives no text, e.g. before 表三: only the template replaces it)
    field: str | None
    mention: bool  # True: it is replaced when that cell speaks of the same thing (信息处理费)


def generated_places(format_id: str, parts: Iterable[str] | None = None) -> list[GeneratedPlace]:
    """Every part the built-in templates write (:func:`generated_parts`; or ``parts``), in
    document order, with the cell that replaces it: the preamble's and a text's own cells, a
    section's lead cell — or, for a section without one, its first text (the template leaves the
    paragraph out when the office writes about it there)."""
    fmt = get_format(format_id)
    parts = generated_parts(fmt.id) if parts is None else frozenset(parts)
    out = []
    if fmt.preamble is not None and PREAMBLE in parts:
        out.append(GeneratedPlace(PREAMBLE, None, fmt.preamble.label, PREAMBLE, False))
    for section in fmt.sections:
        if section.key in parts:
            if section.lead is not None:
                out.append(GeneratedPlace(section.key, section.key, section.lead.label,
                                          section.lead.key, False))
            elif section.texts:
                out.append(GeneratedPlace(section.key, section.key, "", section.texts[0].key, True))
            else:
                out.append(GeneratedPlace(section.key, section.key, "", None, False))
        for t in section.texts:
            if t.key in parts:
                out.append(GeneratedPlace(t.key, section.key, t.label, t.key, False))
    return out


def place_texts(format_id: str, place: GeneratedPlace) -> tuple[str, str]:
    """How a generated part is named to people — (「四、… · 表前说明」, 「四、复议诉讼!B10」) —
    in the workbook's 「将生成的文字」 and in what `report` prints."""
    from .messages import say

    fmt = get_format(format_id)
    sections = {s.key: s for s in fmt.sections}
    where = sections[place.section].title if place.section else say("wb.preview.before_first")
    if place.field is None:
        return (f"{where} · {place.name or say('wb.preview.opening')}",
                say("wb.preview.template_only", part=place.part))
    f = layout_of(fmt.id).fields[place.field]
    cell = say("wb.preview.mention" if place.mention else "wb.preview.cell",
               sheet=f.sheet, cell=f.cell)
    return f"{where} · {place.name or say('wb.preview.opening')}", cell
