"""The Excel template: a workbook built by interpreting :func:`nianbao.layout.layout_of`.

Nothing here knows a statutory label or a cell address.  Every label, merge, input cell, defined
name and native ✔/✘ check comes from the layout, so a new format needs no change here, and the
reader (which goes through the same layout) finds every value where this module put it.

Public API:

* :func:`build_template` — an in-memory :class:`openpyxl.Workbook` for a format;
* :func:`new_workbook` — the same, saved atomically to a path;
* :func:`fill_workbook` — write a :class:`~nianbao.report.Report` into such a workbook;
* :func:`write_report` — a fresh template filled with a report, saved atomically;
* :func:`add_record`, :func:`add_note_sheet` — rows on the hidden sheet and a sheet for people
  to read (last year's record and texts, a migration's notes).
"""
from __future__ import annotations

import math
import os
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from .version import __version__
from .fileio import atomic_path
from .formats import CURRENT, get_format
from .formats.model import MONEY_DECIMALS, MONEY_MIN_DECIMALS, Format
from .layout import (
    CALC_SHEET,
    HEADINGS,
    INFO_SHEET,
    META_SHEET,
    PREAMBLE,
    PREVIEW_SHEET,
    MISSING_ROW,
    TEMPLATE_VERSION,
    TEXT_NOTE_COL,
    CheckCell,
    Field,
    Label,
    Layout,
    LabelStyle,
    SheetLayout,
    calc_address,
    generated_places,
    layout_of,
    place_texts,
    sheet_ranges,
)
from .messages import say
from .palette import CHECK_FILL, INPUT_FILL, LABEL_FILLS, template_fill
from .report import Invalid, Meta, Missing, Report, Value
from .text.cjk import char_width

__all__ = ["build_template", "new_workbook", "fill_workbook", "write_report", "template_fill",
           "put_value", "save_workbook", "style_cell", "LABEL_LOOKS", "add_record", "add_note_sheet",
           "NoteRow", "CHECK_PASS", "CHECK_FAIL",
           "STATUS_ALL_PASSED", "STATUS_BLANK", "CHECK_NAME_PREFIX"]

# ---- what a clerk reads in the workbook -----------------------------------------------------
# The template's wording lives in messages.py ("wb.*"); the symbols and Excel number formats
# below are part of the formulas, so they stay with them.
CHECK_PASS = "✔"
CHECK_FAIL = "✘"
STATUS_ALL_PASSED = say("wb.status.all_passed")
STATUS_BLANK = say("wb.status.blank")  # nothing entered yet: no verdict, blanks would all "pass"
# number format of a per-rule count: the value stays a number (machines read it), the clerk
# reads a sentence; the zero section says it passed
RULE_COUNT_FORMAT = '"✘ 有 "0" 处未通过（{sheet}）";"";"✔ 通过（{sheet}）"'
# a check one of whose inputs an imported report did not contain shows 「缺失」: neither ✔ nor ✘
# (`check` skips such a rule and says which cells are missing: rule.missing); a rule whose
# cells fail nowhere but are missing somewhere says so in words, and the verdict counts them
CHECK_MISSING = say("wb.missing")
TOTAL_FORMULA = ('=IF({filled}=0,"{blank}",IF({n}=0,IF({missing}=0,"{ok}",'
                 '{missing_text}),"✘ 有 "&{n}&" 处未通过"))')
RULE_FORMULA = '=IF({filled}=0,"{blank}",IF(AND({count}=0,{missing}>0),{missing_text},{count}))'
GENERATOR = "nianbao " + __version__
# workbook-level names of the status cells, apart from the NB_ field names so that a reader
# enumerating NB_* names sees only fields
CHECK_NAME_PREFIX = "NBCHECK_"

SIGNED_LIMIT = 999_999_999  # Excel's "whole" validation needs bounds; this is "any" in practice


@dataclass(frozen=True)
class _Validation:
    type: str
    operator: str
    formula1: str
    formula2: str | None
    error_title: str
    error: str
    prompt: str | None = None  # input hint shown on selection; None for plain counts (noise)


def _validation_for(f: Field) -> _Validation | None:
    if f.bounds is not None:
        lo, hi = f.bounds
        label = f.labels[-1]
        return _Validation("whole", "between", str(lo), str(hi), say("wb.bounds.title", label=label),
                           say("wb.bounds.error", label=label, lo=lo, hi=hi),
                           say("wb.bounds.prompt", label=label, lo=lo, hi=hi))
    unit = say("wb.money.unit", unit=f.unit) if f.unit else ""
    if f.kind == "count":
        return _Validation("whole", "greaterThanOrEqual", "0", None, say("wb.count.title"),
                           say("wb.count.error"))
    if f.kind == "signed":
        return _Validation("whole", "between", str(-SIGNED_LIMIT), str(SIGNED_LIMIT),
                           say("wb.signed.title"), say("wb.signed.error"), say("wb.signed.prompt"))
    if f.kind == "money":
        return _Validation("decimal", "greaterThanOrEqual", "0", None, say("wb.money.title"),
                           say("wb.money.error", unit=unit), say("wb.money.prompt", unit=unit))
    return None  # text: anything goes


# ---- looks ----------------------------------------------------------------------------------
FONT_NAME = "宋体"  # the official tables are set in 宋体; Excel substitutes when it is missing
BASE_SIZE = 11
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NO_BORDER = Border()


def _fill(rgb: str | None) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb) if rgb else PatternFill()




@dataclass(frozen=True)
class _Look:
    font: Font
    alignment: Alignment
    fill: PatternFill
    border: Border

    @property
    def size(self) -> float:
        return float(self.font.sz or BASE_SIZE)


def _look(size: float = BASE_SIZE, *, bold: bool = False, color: str | None = None,
          h: str = "left", v: str = "center", wrap: bool = True, fill: str | None = None,
          box: bool = True, italic: bool = False) -> _Look:
    return _Look(Font(name=FONT_NAME, size=size, bold=bold, italic=italic, color=color),
                 Alignment(horizontal=h, vertical=v, wrap_text=wrap),
                 _fill(fill), _BOX if box else _NO_BORDER)


LABEL_LOOKS: dict[LabelStyle, _Look] = {
    "title": _look(16, bold=True, h="center", wrap=False, box=False),
    "block": _look(bold=True, h="center", fill=LABEL_FILLS["block"]),
    "header": _look(bold=True, h="center", fill=LABEL_FILLS["header"]),
    "corner": _look(9, h="center", fill=LABEL_FILLS["corner"]),
    "label": _look(),
    "band": _look(h="center"),
    "check_header": _look(9, color="595959", h="center", fill=LABEL_FILLS["check_header"]),
    "note": _look(10, color="595959"),
    "caption": _look(h="center"),  # beside a row the statutory table prints without a label
}
INPUT_LOOK = _look(h="center", fill=INPUT_FILL)
TEXT_INPUT_LOOK = _look(v="top", fill=INPUT_FILL)
CHECK_LOOK = _look(bold=True, color="00B050", h="center", fill=CHECK_FILL)
STATUS_LOOK = _look(bold=True, color="00B050")
RUN_LOOK = _look(bold=True)  # the add-in's verdict: ✔ or ✘, so no colour until it is known
CHECK_FAIL_FONT = Font(color="C00000", bold=True)
CHECK_FAIL_FILL = _fill("FFC7CE")
BLANK_FONT = Font(color="7F7F7F", bold=False)  # 「未填写」: no verdict yet, neither green nor red
# a value the imported source did not contain: 「缺失」 on orange, italic — not a number, not blank
MISSING_FONT = Font(name=FONT_NAME, size=BASE_SIZE, italic=True, color="C65911")
MISSING_FILL = _fill("FCE4D6")

NUMBER_FORMATS = {"count": "0", "signed": "0"}


def money_number_format(unit: str | None) -> str:
    """The Excel number format of an amount in ``unit``: the one money rule
    (:data:`nianbao.formats.model.MONEY_DECIMALS`, :func:`nianbao.report.format_money`) — 0 shows
    「0」, any other amount two decimals or up to the unit's (「0.00####」 for 万元)."""
    places = MONEY_DECIMALS.get(unit or "", MONEY_MIN_DECIMALS)
    body = "0." + "0" * MONEY_MIN_DECIMALS + "#" * (places - MONEY_MIN_DECIMALS)
    return f"{body};-{body};0"


TITLE_HEIGHT = 30.0
TEXT_MIN_HEIGHT = 60.0  # a filled narrative row: room to add a few lines
# rows without a height of their own on the sheets of texts (a blank text's row: Excel, WPS and
# LibreOffice grow it as the clerk types): two lines of the note beside the text, and room for
# the heading (LibreOffice's 15 pt default cut the bottom off 「上年问题改进情况」)
TEXT_SHEET_ROW_HEIGHT = 30.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit: about 1 200 characters in a text cell 90 wide
DEFAULT_WIDTH = 8.43
DEFAULT_HEIGHT = 15.0
# a table wider than this (in character units) does not fit portrait A4 at a readable scale
PORTRAIT_MAX_WIDTH = 100.0
POINTS_PER_WIDTH = 5.6  # one character unit of column width, in points (Calibri/宋体 11)


# ---- public API -----------------------------------------------------------------------------
def build_template(format_id: str = CURRENT, *, year: int | None = None, unit: str = "",
                   **meta: str) -> Workbook:
    """A blank workbook of format ``format_id``, the meta items prefilled.

    ``meta`` takes the other items of :class:`~nianbao.report.Meta` (``contact``, ``phone``,
    ``date``); an unknown keyword raises ``TypeError`` so a typo does not vanish silently.
    """
    unknown = set(meta) - (set(Meta.__dataclass_fields__) - {"year", "unit"})
    if unknown:
        raise TypeError(f"unknown meta item(s): {', '.join(sorted(unknown))}")
    lay = layout_of(get_format(format_id).id)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = GENERATOR
    wb.properties.title = say("wb.title")
    for sheet in lay.sheets:
        ws = wb.create_sheet(sheet.name)
        _build_sheet(ws, sheet, lay)
    _add_status_area(wb[INFO_SHEET], lay)
    _add_defined_names(wb, lay)
    _add_meta_sheet(wb, lay.format, year, unit)
    _add_preview_sheet(wb, lay)
    _add_calc_sheet(wb, lay)
    values = Meta(unit=unit, year=year, **meta)
    for f in lay.fields.values():
        if f.table == "meta":
            _put(wb[f.sheet].cell(f.row, f.col), _meta_value(values, f))
    wb.active = 0
    return wb


def new_workbook(path: str | os.PathLike, format_id: str = CURRENT, *, year: int | None = None,
                 unit: str = "", **meta: str) -> Path:
    """Write a blank template to ``path`` (atomically: replaces any file there in one rename)."""
    return _save(build_template(format_id, year=year, unit=unit, **meta), path)


def fill_workbook(wb: Workbook, report: Report) -> None:
    """Write every field of ``report`` into ``wb``, a template of the same format.

    Numbers are written as numbers, ``None`` as a blank cell, :class:`Invalid` as its raw text
    (always a literal string, never a formula).  A :data:`~nianbao.report.MISSING` value (not in
    an imported source) is shown as 「缺失」 in a style of its own and recorded on the hidden
    sheet (rows ``missing:<field id>``), so that reading the workbook gives it back as missing,
    not as blank or 0 (:func:`nianbao.reader.report_from_grids`).  Otherwise the hidden sheet is
    left as it is: it records how the workbook was handed out, not what was filled in.
    """
    lay = layout_of(report.format)
    if META_SHEET in wb.sheetnames:
        fmt = _meta_rows(wb[META_SHEET]).get("format")
        if fmt is not None and str(fmt) != lay.format.id:
            raise ValueError(f"workbook is format {fmt}, report is format {lay.format.id}")
    missing: list[str] = []
    for f in lay.fields.values():
        ws = wb[f.sheet]
        cell = ws.cell(f.row, f.col)
        if f.table == "meta":
            _put(cell, _meta_value(report.meta, f))
        elif f.kind == "text":
            _put(cell, report.texts.get(f.id) or None)
            if lay.sheet(f.sheet).kind in ("texts", "info"):
                if f.table != HEADINGS:  # the heading beside it shares the text's row
                    _fit_text_row(ws, f, cell.value)
            elif cell.value:  # a table's 备注 or lead, merged across the table's width
                need = text_height(str(cell.value), _span_width(ws, f.col, lay.sheet(f.sheet).last_col),
                                   BASE_SIZE)
                ws.row_dimensions[f.row].height = round(min(need, MAX_ROW_HEIGHT), 1)
        else:
            value = report.values.get(f.id)
            if isinstance(value, Missing):
                _mark_missing(cell)
                missing.append(f.id)
            else:
                _put(cell, value)
    if missing and META_SHEET in wb.sheetnames:
        recorded = _meta_rows(wb[META_SHEET])
        add_record(wb, [(MISSING_ROW + fid, say("wb.missing")) for fid in missing
                        if MISSING_ROW + fid not in recorded])


def write_report(report: Report, path: str | os.PathLike) -> Path:
    """Write ``report`` to ``path`` as a filled template (atomically)."""
    wb = build_template(report.format, **asdict(report.meta))
    fill_workbook(wb, report)
    return _save(wb, path)


# ---- building one sheet ---------------------------------------------------------------------
def _build_sheet(ws: Worksheet, sheet: SheetLayout, lay: Layout) -> None:
    for col, width in sheet.widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    if sheet.kind == "texts":
        ws.sheet_format.defaultRowHeight = TEXT_SHEET_ROW_HEIGHT
        ws.sheet_format.customHeight = True
    heights = _Heights(ws)
    for label in sheet.labels:
        text = _write_label(ws, label)
        look = LABEL_LOOKS[label.style]
        if label.style == "title":
            heights.need(label.row, label.row, TITLE_HEIGHT)
        elif sheet.kind == "texts" and label.style == "note":
            pass  # beside a text: fits the sheet's row height, which leaves the row free to grow
        elif text:
            heights.need(label.row, label.last_row or label.row,
                         text_height(text, _span_width(ws, label.col, label.last_col or label.col),
                                     look.size))
    for f in sheet.fields:
        cell = ws.cell(f.row, f.col)
        _put(cell, f.default)
        _style(cell, TEXT_INPUT_LOOK if f.kind == "text" else INPUT_LOOK)
        if f.table == PREAMBLE:  # 导语: a paragraph on 基本信息, room to write it
            heights.need(f.row, f.row, TEXT_MIN_HEIGHT)
        cell.protection = Protection(locked=False)
        if f.kind in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[f.kind]
        elif f.kind == "money":
            cell.number_format = money_number_format(f.unit)
        # a blank text row gets no height of its own: Excel, WPS and LibreOffice then fit it
        # to what the clerk types (a fixed height cut longer texts off on screen and in print)
        if f.kind == "text" and sheet.kind == "table":  # a table's 备注: as wide as the table
            ws.merge_cells(start_row=f.row, start_column=f.col, end_row=f.row, end_column=sheet.last_col)
    for check in sheet.checks:
        cell = ws.cell(check.row, check.col)
        cell.value = _check_formula(check, sheet.name, lay)
        _style(cell, CHECK_LOOK)
    if sheet.kind == "table":
        _close_table_borders(ws, sheet)
    heights.apply()
    _add_validations(ws, sheet)
    _add_check_formatting(ws, [(c.row, c.col) for c in sheet.checks])
    _protect(ws)
    _setup_print(ws, sheet)


def _write_label(ws: Worksheet, label: Label) -> str:
    """Write a label (merged, styled), broken into lines where it would wrap (see
    :func:`label_lines`); returns the text written.  Column widths must be set first."""
    r2, c2 = label.last_row or label.row, label.last_col or label.col
    if (r2, c2) != (label.row, label.col):
        ws.merge_cells(start_row=label.row, start_column=label.col, end_row=r2, end_column=c2)
    look = LABEL_LOOKS[label.style]
    text = label.text
    if text and label.style in _BROKEN_STYLES and len(text) <= BROKEN_MAX:
        width = _span_width(ws, label.col, c2)
        text = "\n".join(line for para in text.split("\n")
                         for line in label_lines(para, width, look.size))
    ws.cell(label.row, label.col).value = text or None
    # style every cell of a merged range: Excel draws a merged range's border from its edge
    # cells, not from the top-left one
    for row in ws.iter_rows(min_row=label.row, max_row=r2, min_col=label.col, max_col=c2):
        for cell in row:
            _style(cell, look)
    return text


# labels broken by hand; a note, or a sentence longer than BROKEN_MAX, wraps by itself (prose
# broken evenly would break inside its words)
_BROKEN_STYLES = frozenset({"header", "label", "band", "block", "corner", "caption", "check_header"})
BROKEN_MAX = 32
_ORDINAL = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)")


def _units(text: str) -> float:
    """Width in column units (about one 「0」 of the default font): as :func:`text_height` counts."""
    return 1.1 * sum(map(char_width, text))


def label_lines(text: str, width: float, size: float = BASE_SIZE) -> list[str]:
    """A label as the lines to show it in a cell ``width`` units wide: one when it fits; else
    broken where the meaning allows — after its ordinal (「（三）/ 不予公开」) or before a
    bracketed note (「本年收费金额 /（单位：万元）」) when each side fits a line — or else into lines
    of even length, so that Excel, WPS or LibreOffice never leave a 「）」 or 「果」 alone on a
    line by wrapping it themselves.  The reader ignores the line breaks (labels are compared
    without whitespace)."""
    usable = max(1.0, width - 1.5) / (size / BASE_SIZE)
    total = _units(text)
    if total <= usable:
        return [text]
    m = _ORDINAL.match(text)
    cuts = ([m.end()] if m else []) + [i for i, ch in enumerate(text) if ch in "（(" and i > 0]
    for cut in cuts:
        head, tail = text[:cut], text[cut:]
        if _units(head) <= usable and _units(tail) <= usable:
            return [head, tail]
    n = math.ceil(total / usable)
    while True:
        target = min(usable, math.ceil(total / n / 2.2) * 2.2)
        lines: list[str] = []
        line = ""
        for ch in text:
            if line and _units(line + ch) > target and len(lines) < n - 1:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
        if _units(lines[-1]) <= usable or n > len(text):
            return lines
        n += 1


def _style(cell: Cell, look: _Look) -> None:
    cell.font = look.font
    cell.alignment = look.alignment
    cell.fill = look.fill
    cell.border = look.border


def _close_table_borders(ws: Worksheet, sheet: SheetLayout) -> None:
    """Box the cells a table row leaves without a label (表四's unlabelled data row)."""
    rows: dict[int, int] = defaultdict(int)
    for f in sheet.fields:
        rows[f.row] = max(rows[f.row], f.col)
    for c in sheet.checks:
        rows[c.row] = max(rows[c.row], c.col)
    for r, last in rows.items():
        for col in range(1, last + 1):
            cell = ws.cell(r, col)
            if cell.border == _NO_BORDER:
                cell.border = _BOX


def _check_formula(check: CheckCell, sheet: str, lay: Layout) -> str:
    """``=IFERROR(IF(<Σ left>=<Σ right>,"✔","✘"),"✘")`` over the inputs as `check` reads them —
    their converted copies on the hidden calc sheet (see :func:`_add_calc_sheet`): a blank or
    「/」 is 0, 「１０」 and 「12件」 are 10 and 12; text that is no number makes the sum an error,
    shown as ✘ (`check` says read.invalid)."""
    terms = check.left + check.right
    fields = [_term_field(t, lay) for t in terms]
    left, right = (_sum_expr(check.left, lay), _sum_expr(check.right, lay))
    if any(f.kind == "money" for f in fields):
        # decimals: compare with a tolerance so 0.1+0.2 equals 0.3
        test = f"ROUND({left}-({right}),6)=0"
    else:
        test = f"{left}={right}"
    verdict = f'IFERROR(IF({test},"{CHECK_PASS}","{CHECK_FAIL}"),"{CHECK_FAIL}")'
    missing = "+".join(f'COUNTIF({quote_sheetname(CALC_SHEET)}!{_range_ref(*run)},'
                       f'"{CHECK_MISSING}")'
                       for run in _runs([calc_address(lay, f.id) for f in fields]))
    return f'=IF({missing}>0,"{CHECK_MISSING}",{verdict})'


def _term_field(term: str, lay: Layout) -> Field:
    fid = term[1:] if term.startswith("-") else term
    try:
        return lay.fields[fid]
    except KeyError:
        raise KeyError(f"check term {term!r} names no field of format {lay.format.id}") from None


def _sum_expr(terms: Iterable[str], lay: Layout) -> str:
    """SUM of the terms' converted copies, cells side by side joined into ranges."""
    plus: list[tuple[int, int]] = []
    minus: list[tuple[int, int]] = []
    for t in terms:
        (minus if t.startswith("-") else plus).append(calc_address(lay, _term_field(t, lay).id))
    sheet = quote_sheetname(CALC_SHEET)

    def refs(cells: list[tuple[int, int]]) -> str:
        return ",".join(f"{sheet}!{_range_ref(*run)}" for run in _runs(cells))

    expr = f"SUM({refs(plus)})" if plus else "0"
    if minus:
        expr += f"-SUM({refs(minus)})"
    return expr


# what `check` reads as blank in a number cell (nianbao.reader: 「/」「—」 mean none); 「／」「－」
# are full-width and reach the formula through ASC as 「/」「-」
_DASHES = ("/", "-", "--", "—", "——", "–")
_COUNT_UNITS = "件条个项次人"


def _converted(ref: str) -> str:
    """A formula giving the value `check` reads from the cell at ``ref`` (a count): a number as
    it is; blank, whitespace or a dash 0; text that is a number once full-width characters are
    made half-width (ASC), a bracketed note after it dropped (「22（其中修订16件）」), a unit
    after it (「12件」) and thousands separators removed — that number; any other text #N/A.
    「缺失」 (what an imported report did not contain) stays 「缺失」: the checks that read it say
    so instead of ✘.  Written once per input on the calc sheet; the rule that says what `check` accepts is the
    reader's (:func:`nianbao.reader.convert`), and a test recalculates both in LibreOffice."""
    t = f"TRIM(ASC({ref}))"
    n = f'TRIM(LEFT({t},FIND("(",{t}&"(")-1))'
    u = f'IF(ISNUMBER(FIND(RIGHT({n}),"{_COUNT_UNITS}")),LEFT({n},LEN({n})-1),{n})'
    dashes = ",".join(f'"{d}"' for d in _DASHES)
    return (f'=IF(ISNUMBER({ref}),{ref},IF(TRIM({ref})="",0,IF(TRIM({ref})="{CHECK_MISSING}",'
            f'"{CHECK_MISSING}",IF(OR({t}={{{dashes}}}),0,'
            f'IFERROR(VALUE(SUBSTITUTE({u},",","")),NA())))))')


def _add_calc_sheet(wb: Workbook, lay: Layout) -> None:
    """The hidden sheet the native checks add up: each input a check reads, converted as `check`
    reads it (:func:`_converted`)."""
    terms = {t.lstrip("-") for _, c in lay.checks() for t in c.left + c.right}
    if not terms:
        return
    ws = wb.create_sheet(CALC_SHEET)
    for fid in sorted(terms, key=list(lay.fields).index):
        f = lay.fields[fid]
        if f.kind not in ("count", "signed"):
            raise ValueError(f"format {lay.format.id}: a native check reads {fid}, a {f.kind} cell; "
                             "the calc sheet converts counts only")
        row, col = calc_address(lay, fid)
        ws.cell(row, col).value = _converted(f"{quote_sheetname(f.sheet)}!{f.cell}")
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _add_validations(ws: Worksheet, sheet: SheetLayout) -> None:
    """One DataValidation per kind (and unit) with all its cells, not one per cell."""
    groups: dict[_Validation, list[str]] = defaultdict(list)
    for f in sheet.fields:
        v = _validation_for(f)
        if v is not None:
            groups[v].append(f.cell)
    for v, cells in groups.items():
        dv = DataValidation(type=v.type, operator=v.operator, formula1=v.formula1,
                            formula2=v.formula2, allow_blank=True, showErrorMessage=True,
                            errorStyle="stop", errorTitle=v.error_title, error=v.error,
                            showInputMessage=v.prompt is not None,
                            promptTitle=say("wb.prompt_title") if v.prompt else None, prompt=v.prompt)
        for ref in cells:
            dv.add(ref)
        ws.add_data_validation(dv)


def _add_check_formatting(ws: Worksheet, cells: list[tuple[int, int]]) -> None:
    if not cells:
        return
    ranges = " ".join(_range_ref(*run) for run in _runs(cells))
    ws.conditional_formatting.add(ranges, CellIsRule(
        operator="equal", formula=[f'"{CHECK_FAIL}"'], font=CHECK_FAIL_FONT, fill=CHECK_FAIL_FILL))
    ws.conditional_formatting.add(ranges, CellIsRule(
        operator="equal", formula=[f'"{CHECK_MISSING}"'], font=MISSING_FONT, fill=MISSING_FILL))


def _protect(ws: Worksheet) -> None:
    # no password: the lock guards against slips, and a clerk may lift it (审阅 → 撤销工作表保护)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # False = allowed: widen a column to read a long label
    ws.protection.formatRows = False  # … or heighten a row for a long narrative


def _setup_print(ws: Worksheet, sheet: SheetLayout) -> None:
    """A4, one page wide; a table on one page (fit to one page tall as well), landscape when it
    is wide — its width in points against its height; texts as many pages down as they need."""
    total_width = sum(sheet.widths.get(c, DEFAULT_WIDTH) for c in range(1, sheet.last_col + 1))
    total_height = sum(ws.row_dimensions[r].height or DEFAULT_HEIGHT
                       for r in range(1, sheet.last_row + 1))
    ps = ws.page_setup
    ps.paperSize = ws.PAPERSIZE_A4
    wide = total_width > PORTRAIT_MAX_WIDTH and total_width * POINTS_PER_WIDTH > total_height
    ps.orientation = "landscape" if sheet.kind == "table" and wide else "portrait"
    ps.fitToWidth = 1
    ps.fitToHeight = 1 if sheet.kind == "table" else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = say("wb.footer")
    # the notes beside the texts guide the clerk on screen; the printed copy is the texts
    last_col = TEXT_NOTE_COL - 1 if sheet.kind == "texts" else sheet.last_col
    ws.print_area = f"A1:{get_column_letter(last_col)}{sheet.last_row}"
    corners = [lb for lb in sheet.labels if lb.style == "corner"]
    if sheet.kind == "table" and len(corners) == 1 and sheet.fields:
        # one header for the whole table: repeat it on every page and freeze it on screen.
        # (表二 has a header per block, so no single header can stay in view.)
        header_last = corners[0].last_row or corners[0].row
        ws.print_title_rows = f"1:{header_last}"
        values = [f for f in sheet.fields if f.kind != "text"]  # not the 备注 under the table
        first_row = min(f.row for f in values)
        first_col = min(f.col for f in values)
        ws.freeze_panes = ws.cell(first_row, first_col).coordinate


class _Heights:
    """Row heights that fit wrapped labels; a merged label spreads its need over its rows."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.needs: list[tuple[int, int, float]] = []

    def need(self, first: int, last: int, height: float) -> None:
        self.needs.append((first, last, height))

    def apply(self) -> None:
        h: dict[int, float] = {}
        for first, last, need in sorted(self.needs, key=lambda n: n[1] - n[0]):
            rows = range(first, last + 1)
            have = sum(h.get(r, DEFAULT_HEIGHT) for r in rows)
            if have < need:
                extra = (need - have) / len(rows)
                for r in rows:
                    h[r] = h.get(r, DEFAULT_HEIGHT) + extra
        for r, height in h.items():
            self.ws.row_dimensions[r].height = round(min(height, MAX_ROW_HEIGHT), 1)


def _span_width(ws: Worksheet, first_col: int, last_col: int) -> float:
    return sum(ws.column_dimensions[get_column_letter(c)].width or DEFAULT_WIDTH
               for c in range(first_col, last_col + 1))


def _fit_text_row(ws: Worksheet, f: Field, text: object) -> None:
    """A filled text row as tall as its text needs: LibreOffice does not fit rows to their
    text when it opens a file.  A blank one is left to fit itself as the clerk types."""
    if not text:
        return
    width = ws.column_dimensions[get_column_letter(f.col)].width or DEFAULT_WIDTH
    need = text_height(str(text), width, BASE_SIZE)
    ws.row_dimensions[f.row].height = round(min(max(TEXT_MIN_HEIGHT, need), MAX_ROW_HEIGHT), 1)


def text_height(text: str, width: float, size: float) -> float:
    """Points needed to show ``text`` wrapped in ``width`` character units (an estimate)."""
    usable = max(1.0, width - 1.5)  # cell padding
    scale = size / BASE_SIZE
    lines = 0
    for para in str(text).split("\n"):
        # a CJK character is about two '0' widths of the default font
        # (2.2: a little more, so that an estimate errs towards a blank line, not a lost one)
        units = 1.1 * sum(map(char_width, para))
        lines += max(1, math.ceil(units * scale / usable))
    return lines * size * 1.4 + 4


# ---- the 校验结果 area on 基本信息 ----------------------------------------------------------
def _add_status_area(ws: Worksheet, lay: Layout) -> None:
    """Under the meta items: one count of ✘ cells per rule and sheet, then an overall verdict —
    where :attr:`nianbao.layout.Layout.status` places them."""
    area = lay.status
    if not area.groups:
        return
    heights = _Heights(ws)
    filled = {s.name: _count_entered(s) for s in lay.sheets if s.kind == "table"}
    anything = "+".join(filled.values())
    _write_label(ws, Label(area.header_row, 1, say("wb.status.header"), "block", last_col=2))
    for group in area.groups:
        r = group.row
        head = ws.cell(r, 1, group.rule.title)
        _style(head, LABEL_LOOKS["label"])
        row0, col0 = min(group.cells)
        # a click on the rule jumps to its first check cell
        head.hyperlink = Hyperlink(ref=head.coordinate,
                                   location=f"{quote_sheetname(group.sheet)}!{_cell(row0, col0)}")
        head.font = Font(name=FONT_NAME, size=BASE_SIZE, color="0563C1", underline="single")
        runs = [f"{quote_sheetname(group.sheet)}!{_range_ref(*run, absolute=True)}"
                for run in _runs(list(group.cells))]
        counts = "(" + "+".join(f'COUNTIF({run},"{CHECK_FAIL}")' for run in runs) + ")"
        missing = "(" + "+".join(f'COUNTIF({run},"{CHECK_MISSING}")' for run in runs) + ")"
        cell = ws.cell(r, 2, RULE_FORMULA.format(
            filled=filled.get(group.sheet, anything), blank=STATUS_BLANK, count=counts,
            missing=missing, missing_text=say("wb.status.rule_missing", n=f'"&{missing}&"')
            .join('""')))
        _style(cell, STATUS_LOOK)
        cell.number_format = RULE_COUNT_FORMAT.format(sheet=group.sheet)
        name = CHECK_NAME_PREFIX + group.rule.id.replace(".", "_")
        if name in ws.parent.defined_names:  # a rule with check cells on two sheets
            name += "_" + str(r)
        _name(ws.parent, name, ws.title, cell.coordinate)
    first, last = area.groups[0].row, area.groups[-1].row
    r = area.total_row
    _style(ws.cell(r, 1, say("wb.status.total")), LABEL_LOOKS["label"])
    ws.cell(r, 1).font = Font(name=FONT_NAME, size=BASE_SIZE, bold=True)
    skipped = f'COUNTIF($B${first}:$B${last},"*{CHECK_MISSING}*")'  # rules shown in words
    total = ws.cell(r, 2, TOTAL_FORMULA.format(
        n=f"SUM($B${first}:$B${last})", filled=anything, blank=STATUS_BLANK, ok=STATUS_ALL_PASSED,
        missing=skipped, missing_text=say("wb.status.total_missing", n=f'"&{skipped}&"')
        .join('""')))
    _style(total, STATUS_LOOK)
    _name(ws.parent, CHECK_NAME_PREFIX + "all", ws.title, total.coordinate)
    # the add-in's own result of its last 校验 goes beside the verdict, under this header
    _style(ws.cell(area.header_row, area.run_col, say("wb.status.run_header")),
           LABEL_LOOKS["block"])
    run = ws.cell(r, area.run_col, say("wb.run_placeholder"))
    _style(run, RUN_LOOK)
    ws.conditional_formatting.add(run.coordinate, FormulaRule(
        formula=[f'LEFT({run.coordinate},1)="{CHECK_FAIL}"'], font=CHECK_FAIL_FONT,
        fill=CHECK_FAIL_FILL))
    ws.conditional_formatting.add(run.coordinate, CellIsRule(
        operator="equal", formula=[f'"{say("wb.run_placeholder")}"'], font=BLANK_FONT))
    # 「缺失」 in words (a rule, the verdict) as the missing cells look, before the verdict's red
    ws.conditional_formatting.add(f"B{first}:{total.coordinate}", FormulaRule(
        formula=[f'ISNUMBER(SEARCH("{CHECK_MISSING}",B{first}))'], font=MISSING_FONT,
        fill=MISSING_FILL, stopIfTrue=True))
    # red for a failing count; 「未填写」 (text) stays neutral: Excel ranks text above numbers
    ws.conditional_formatting.add(f"B{first}:B{last}", FormulaRule(
        formula=[f"AND(ISNUMBER(B{first}),B{first}>0)"], font=CHECK_FAIL_FONT,
        fill=CHECK_FAIL_FILL))
    ws.conditional_formatting.add(f"B{first}:{total.coordinate}", CellIsRule(
        operator="equal", formula=[f'"{STATUS_BLANK}"'], font=BLANK_FONT))
    ws.conditional_formatting.add(total.coordinate, FormulaRule(
        formula=[f'AND({total.coordinate}<>"{STATUS_ALL_PASSED}",'
                 f'{total.coordinate}<>"{STATUS_BLANK}")'], font=CHECK_FAIL_FONT,
        fill=CHECK_FAIL_FILL))
    cross = [rule.title for rule in lay.format.rules if rule.place is None]
    r = area.note_row
    note = say("wb.status.note", cross="「" + "」「".join(cross) + "」" if cross
               else say("wb.status.cross_default"))
    _style(ws.cell(r, 1, say("wb.status.note_label")), LABEL_LOOKS["label"])
    _style(ws.cell(r, 2, note), LABEL_LOOKS["note"])
    heights.need(r, r, text_height(note, _span_width(ws, 2, 2), LABEL_LOOKS["note"].size))
    heights.apply()
    ws.print_area = f"A1:{_cell(r, area.run_col)}"


def _count_entered(sheet: SheetLayout) -> str:
    """``COUNTA(…)`` of a table sheet's input cells: 0 until something is entered there."""
    ranges = ",".join(f"{quote_sheetname(sheet.name)}!{_range_ref(*run, absolute=True)}"
                      for run in _runs([(f.row, f.col) for f in sheet.fields]))
    return f"COUNTA({ranges})"


def _runs(cells: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cover ``cells`` with few rectangles: vertical runs first, single cells joined by row."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for r, c in cells:
        by_col[c].append(r)
    vertical: list[tuple[int, int, int, int]] = []
    singles: list[tuple[int, int]] = []
    for c, rows in sorted(by_col.items()):
        for r1, r2 in _consecutive(sorted(set(rows))):
            if r1 == r2:
                singles.append((r1, c))
            else:
                vertical.append((r1, c, r2, c))
    by_row: dict[int, list[int]] = defaultdict(list)
    for r, c in singles:
        by_row[r].append(c)
    horizontal = [(r, c1, r, c2) for r, cols in sorted(by_row.items())
                  for c1, c2 in _consecutive(sorted(cols))]
    return vertical + horizontal


def _consecutive(xs: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for x in xs:
        if out and x == out[-1][1] + 1:
            out[-1] = (out[-1][0], x)
        else:
            out.append((x, x))
    return out


def _cell(row: int, col: int, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    return f"{d}{get_column_letter(col)}{d}{row}"


def _range_ref(r1: int, c1: int, r2: int, c2: int, absolute: bool = False) -> str:
    a = _cell(r1, c1, absolute)
    return a if (r1, c1) == (r2, c2) else f"{a}:{_cell(r2, c2, absolute)}"


# ---- what nianbao will write --------------------------------------------------------------
PREVIEW_WIDTHS = (26.0, 30.0, 70.0)


def _add_preview_sheet(wb: Workbook, lay: Layout) -> None:
    """「将生成的文字」: each paragraph nianbao writes where the office wrote nothing, the cell
    whose own text replaces it (a link), and the text itself — ``NB_NARRATIVE``, computed by
    the Excel add-in; without it (WPS, LibreOffice, an Excel without the add-in) the cell says
    where to see it instead."""
    places = generated_places(lay.format.id)
    if not places:
        return
    ranges = ",".join(sheet_ranges(lay.format.id))
    fallback = say("wb.preview.fallback")
    rows = [NoteRow(tuple(say(k) for k in ("wb.preview.h.part", "wb.preview.h.cell",
                                            "wb.preview.h.text")))]
    for p in places:
        name, cell = place_texts(lay.format.id, p)
        formula = f'=IFERROR(NB_NARRATIVE("{p.part}",{ranges}),"{fallback}")'
        rows.append(NoteRow((name, cell, _Formula(formula))))
    ws = add_note_sheet(wb, PREVIEW_SHEET, say("wb.preview.title"), PREVIEW_WIDTHS,
                        [NoteRow((say("wb.preview.intro"),), span=True)] + rows)
    for row in ws.iter_rows(min_row=4, max_row=4):
        for cell in row:
            _style(cell, LABEL_LOOKS["header"])
    for r, p in enumerate(places, start=5):  # the previews: room for a paragraph once computed
        for c in (1, 2, 3):
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
        if p.field is not None:
            # the cell's address jumps to it (a link on the part's name would stop it
            # wrapping).  A link never wraps in LibreOffice: it holds the address alone, and
            # what is said of it (「（其中写到这一内容时不再生成）」) goes under the part's name
            f = lay.fields[p.field]
            link, address = ws.cell(r, 2), say("wb.preview.cell", sheet=f.sheet, cell=f.cell)
            said = str(link.value)
            if said != address and said.startswith(address):
                link.value = address
                ws.cell(r, 1).value = f"{ws.cell(r, 1).value}\n{said[len(address):]}"
            link.hyperlink = Hyperlink(ref=link.coordinate,
                                       location=f"{quote_sheetname(f.sheet)}!{f.cell}")
            link.font = Font(name=FONT_NAME, size=BASE_SIZE, color="0563C1", underline="single")
        need = max(text_height(str(ws.cell(r, c).value or ""), PREVIEW_WIDTHS[c - 1], BASE_SIZE)
                   for c in (1, 2))
        ws.row_dimensions[r].height = max(ws.row_dimensions[r].height or 0, 60, need)


class _Formula(str):
    """A formula we wrote ourselves (never text from a workbook): :func:`_put` keeps it one."""


# ---- names and the hidden sheet ------------------------------------------------------------
def _add_defined_names(wb: Workbook, lay: Layout) -> None:
    for f in lay.fields.values():
        _name(wb, f.name, f.sheet, f.cell)


def _name(wb: Workbook, name: str, sheet: str, cell: str) -> None:
    col = cell.rstrip("0123456789")
    row = cell[len(col):]
    # always quoted: sheet names like 「三、依申请公开」 hold punctuation Excel would misparse
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(sheet)}!${col}${row}")


def _add_meta_sheet(wb: Workbook, fmt: Format, year: int | None, unit: str) -> None:
    ws = wb.create_sheet(META_SHEET)
    rows = (("format", fmt.id), ("template_version", TEMPLATE_VERSION),
            ("year", "" if year is None else str(year)), ("unit", unit),
            ("generator", GENERATOR))
    for i, (key, value) in enumerate(rows, start=1):
        ws.cell(i, 1, key)
        _put(ws.cell(i, 2), value)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 40
    # "hidden" rather than "veryHidden": a curious clerk can see that it exists (取消隐藏)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _meta_rows(ws: Worksheet) -> dict[str, object]:
    return {str(k): v for k, v, *_ in ws.iter_rows(min_col=1, max_col=2, values_only=True)
            if k is not None}


# ---- values ---------------------------------------------------------------------------------
def _meta_value(meta: Meta, f: Field) -> Value | str | None:
    v = getattr(meta, f.id.split(".", 1)[1], None)
    return None if v == "" else v


# what makes Excel (or LibreOffice) read a typed string as a formula
_FORMULA_START = ("=", "+", "-", "@")


def _put(cell: Cell, value: object) -> None:
    """Write ``value`` so that it is stored as what it is — and text never as a formula."""
    if isinstance(value, Invalid):
        value = value.raw
    # a missing value (not in an imported source) is left empty: the cell is there to be filled
    if value is None or isinstance(value, Missing) or value == "":
        cell.value = None
        return
    if isinstance(value, bool):  # a bool is an int to Python, but not a count
        value = str(value)
    if isinstance(value, (int, float)) and (not isinstance(value, float) or math.isfinite(value)):
        cell.value = value
        return
    if isinstance(value, _Formula):
        cell.value = str(value)
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters from PDF copies
    cell.value = text
    if text.startswith(_FORMULA_START):
        # openpyxl stores "=…" as a formula; force a plain string, and set the quote prefix so
        # that a clerk who edits the cell does not turn it into one either
        cell.data_type = "s"
        cell.quotePrefix = True


def _mark_missing(cell: Cell) -> None:
    """「缺失」 in the cell, marked: the clerk types the number over it (the cell stays an
    unlocked input; its validation applies to what is typed)."""
    from openpyxl.comments import Comment

    cell.value = say("wb.missing")
    cell.font = MISSING_FONT
    cell.fill = MISSING_FILL
    cell.comment = Comment(say("wb.missing_comment"), GENERATOR)


def _save(wb: Workbook, path: str | os.PathLike) -> Path:
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


# ---- what a workbook carries besides the report (nianbao.yearly, nianbao.migrate) -----------
@dataclass(frozen=True)
class NoteRow:
    """One row of a note sheet: its cells; or one text spanning the sheet (``span``), set as
    a heading (``heading``); the first cell may jump to ``link`` (``sheet!A1``)."""

    cells: tuple[object, ...]
    heading: bool = False
    link: str | None = None
    span: bool = False


def add_record(wb: Workbook, rows: Iterable[tuple[str, object]]) -> None:
    """Append key/value rows to the hidden sheet, under how the workbook was handed out (the
    reader gives every row of that sheet back in :attr:`Report.origin`)."""
    ws = wb[META_SHEET]
    r = ws.max_row
    for key, value in rows:
        r += 1
        ws.cell(r, 1, key)
        _put(ws.cell(r, 2), value)


def add_note_sheet(wb: Workbook, name: str, title: str, widths: tuple[float, ...],
                   rows: Iterable[NoteRow]) -> Worksheet:
    """A protected sheet for people to read (last year's texts, what a migration left to do),
    placed before the hidden sheet.  The reader never parses it."""
    ws = wb.create_sheet(name, index=wb.sheetnames.index(META_SHEET))
    ncols = len(widths)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    heights = _Heights(ws)
    _write_label(ws, Label(1, 1, title, "title", last_col=ncols))
    heights.need(1, 1, TITLE_HEIGHT)
    r = 2
    for row in rows:
        r += 1
        if row.heading or row.span:
            _write_label(ws, Label(r, 1, str(row.cells[0]), "block" if row.heading else "label",
                                   last_col=ncols))
            heights.need(r, r, text_height(str(row.cells[0]), sum(widths), BASE_SIZE))
            continue
        for c, value in enumerate(row.cells, start=1):
            cell = ws.cell(r, c)
            _put(cell, value)
            _style(cell, LABEL_LOOKS["label"])
            if value not in (None, ""):
                heights.need(r, r, text_height(str(value), widths[c - 1], BASE_SIZE))
        if row.link:
            sheet, addr = row.link.rsplit("!", 1)
            first = ws.cell(r, 1)
            first.hyperlink = Hyperlink(ref=first.coordinate,
                                        location=f"{quote_sheetname(sheet)}!{addr}")
            first.font = Font(name=FONT_NAME, size=BASE_SIZE, color="0563C1", underline="single")
    heights.apply()
    _protect(ws)
    ps = ws.page_setup
    ps.paperSize = ws.PAPERSIZE_A4
    ps.fitToWidth, ps.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = say("wb.footer")
    ws.print_area = f"A1:{get_column_letter(ncols)}{r}"
    return ws


# for the other writers of workbooks built here (hand-out, consolidation): the same guarantees
put_value = _put
save_workbook = _save
style_cell = _style
