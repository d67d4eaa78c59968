"""Read a filled workbook into a :class:`Report`, leniently and without losing anything.

People type 「１２」, 「1,200」, 「9件」 or store numbers as text; the reader converts what is
unambiguous and records each conversion as a ``read.*`` notice naming sheet and cell.  Text that
is not a number stays as :class:`Invalid` with its location.  A sheet that was renamed or whose
labels moved is reported (``read.sheet_missing`` / ``read.label_moved``) and its values are not
read, rather than misread.

python-calamine does the parsing: a workbook is read in about a millisecond, so checking a
province's thousands of files stays interactive.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable

from python_calamine import CalamineWorkbook

from .errors import UnreadableWorkbook
from .findings import Finding, emit
from .formats import FORMATS
from .formats.model import KIND_LABELS
from .layout import (INFO_SHEET, MARK_RECORD_COL, META_SHEET, MISSING_ROW, TEMPLATE_VERSION, Field,
                     Layout, SheetLayout, known_sheets, layout_of)
from .messages import say
from .places import describe
from .report import MISSING, Invalid, Meta, Report, Value, format_number
from .text.cjk import compact, fold
from .safety import FORMULA_SHOWN, SheetScan, inspect_xlsx, read_bytes

_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")
_CHECKED_LABELS = ("header", "label", "band", "corner", "block")
_SUFFIX = re.compile(r"^(.*?)\s*(件|条|个|项|次|人|万元|元)$")
# what real tables print for "none / not applicable" in a count cell: read as blank
_DASHES = frozenset({"/", "／", "—", "——", "-", "－", "–", "－－", "--"})
# a number followed by a bracketed note, as published tables print 「22（其中修订16件）」
_NOTE = re.compile(r"^(.*?\d\s*(?:件|条|个|项|次|人|万元|元)?)\s*[（(](.+)[）)]$")
_MONEY_FACTORS = {"元": Decimal(1), "万元": Decimal(10_000)}
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_META_FIRST_KEY = "format"  # the hidden sheet's first row: format, <id>
KNOWN_SHEETS = known_sheets()
# Excel keeps 15 significant digits: a longer number is no count or amount anyone typed, and
# Python would refuse it (int() beyond 4,300 digits) or read it as inf
MAX_DIGITS = 15
_LIMIT = 10.0 ** MAX_DIGITS
_UNREAD_SHEET = ("read.sheet_missing", "read.label_moved", "read.sheet_too_large")


def read_report(source: str | os.PathLike | bytes, *, name: str | None = None) -> Report:
    """Read one nianbao workbook: a path, or the bytes of a file (``name`` is what messages and
    ``Report.source`` call it).  Raises :class:`UnreadableWorkbook` when it is not one.

    This is the one reader: ``check``, ``merge``, ``audit``, the add-in and the server all come
    here, so a workbook one of them rejects, every other rejects too.  The file is read once;
    the safety screen and calamine both work on those bytes."""
    if isinstance(source, bytes):
        data, label = source, name or ""
    else:
        label = name or str(source)
        data = read_bytes(source)
    inspection = inspect_xlsx(data, KNOWN_SHEETS, name=label)
    scans = inspection.sheets
    refused = {sheet: scan for sheet, scan in scans.items() if scan.absurd}
    last = _last_rows()
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        # only the sheets a format declares, each down to the last row any layout declares on
        # it: a marked copy's 校验结果 or a clerk's scratch sheet is never parsed, nor a declared
        # one whose extent calamine cannot hold
        grids = {sheet: wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False,
                                                              nrows=last[sheet])
                 for sheet in wb.sheet_names if sheet in last and sheet not in refused}
    except UnreadableWorkbook:
        raise
    except Exception:  # calamine raises several error types for damaged parts
        raise UnreadableWorkbook("file.not_xlsx", file=label,
                                 detail="工作簿内容已损坏，无法解析") from None
    report = report_from_grids(grids, source=label, refused=_refusals(refused),
                               sheet_names=wb.sheet_names)
    _uncomputed(report, scans)
    m = _MODIFIED.search(inspection.core[:4096])
    report.saved_at = m.group(1).decode("ascii", "replace").strip() if m else ""
    return report


@lru_cache(maxsize=1)
def _last_rows() -> dict[str, int | None]:
    """Sheet name → the last row any format declares on it (None: read all, the hidden sheet)."""
    last: dict[str, int | None] = {META_SHEET: None}
    for fid in FORMATS:
        for sheet in layout_of(fid).sheets:
            last[sheet.name] = max(last.get(sheet.name) or 0, sheet.last_row)
    return last


def _refusals(refused: dict[str, SheetScan]) -> dict[str, Finding]:
    return {name: emit("read.sheet_too_large", dict(sheet=name, cell=scan.absurd),
                       sheet=name, actual=scan.absurd)
            for name, scan in refused.items()}


@lru_cache(maxsize=None)
def _fields_by_cell(format_id: str) -> dict[tuple[str, str], tuple[int, Field]]:
    """(sheet, cell) → (the field's place in the layout's order, the field)."""
    return {(f.sheet, f.cell): (i, f) for i, f in enumerate(layout_of(format_id).fields.values())}


def _uncomputed(report: Report, scans: dict[str, SheetScan]) -> None:
    """A formula without a computed value (a script wrote it; no spreadsheet program saved the
    file since) reads as blank: say so, instead of counting it as 0."""
    if not any(scan.uncomputed for scan in scans.values()):
        return  # a workbook a spreadsheet program saved: every formula has its value
    at = _fields_by_cell(report.format)
    unread = {x.sheet for x in report.findings if x.rule in _UNREAD_SHEET}
    hit = [at[(sheet, cell)] for sheet, scan in scans.items() for cell in scan.uncomputed
           if (sheet, cell) in at]
    for _, f in sorted(hit, key=lambda pair: pair[0]):  # in the layout's order, as before
        # a text is read as what the cell shows; an empty text is reported as such
        scan = scans[f.sheet]
        if f.sheet in unread or f.kind == "text":
            continue
        formula = "=" + scan.formula(f.cell)[:FORMULA_SHOWN]
        if f.table != "meta":
            report.values[f.id] = Invalid(formula)
        report.findings = [x for x in report.findings if x.field != f.id]
        report.findings.append(emit(
            "read.formula", dict(where=describe(report.format, f.id), formula=formula),
            sheet=f.sheet, cell=f.cell, field=f.id, actual=formula))


def report_from_grids(grids: dict[str, list[list[Any]]], source: str = "",
                      refused: dict[str, Finding] | None = None,
                      sheet_names: Iterable[str] | None = None) -> Report:
    """Build a Report from sheet name → rows of cell values (as calamine or xlwings give them).

    ``refused``: sheets that exist but were not read, with the finding that says why (instead
    of ``read.sheet_missing``); ``sheet_names``: every sheet of the file (default: the grids')."""
    refused = refused or {}
    origin = _origin(grids.get(META_SHEET))
    fmt_id = origin.get("format") or _guess_format(grids)
    if fmt_id is None:
        raise UnreadableWorkbook("file.not_nianbao", file=source, sheet=INFO_SHEET)
    if fmt_id not in FORMATS:
        raise UnreadableWorkbook("file.unknown_format", file=source, format=fmt_id,
                                 known="、".join(FORMATS))
    lay = layout_of(fmt_id)
    report = Report.empty(fmt_id)
    report.source, report.origin = source, origin
    report.sheet_names = tuple(sheet_names if sheet_names is not None else grids)
    report.mark_record = _mark_record(grids.get(META_SHEET))
    version = template_version(origin)
    meta: dict[str, Any] = {}
    for sheet in lay.sheets:
        grid = grids.get(sheet.name)
        if grid is None and sheet.name in refused:
            report.findings.append(refused[sheet.name])
            continue
        if grid is None:
            report.findings.append(emit("read.sheet_missing", dict(sheet=sheet.name),
                                        sheet=sheet.name))
            continue
        moved = _moved_label(sheet, grid, version)
        if moved is not None:
            report.findings.append(moved)
            continue
        for f in sheet.fields:
            if f.since > version:
                continue  # an older template has no such cell: blank
            raw = _at(grid, f.row, f.col)
            if f.kind == "text":
                text = _as_text(raw)
                if f.table == "meta":
                    meta[f.id[5:]] = text
                else:
                    report.texts[f.id] = text
                continue
            value, finding = convert(raw, f, fmt_id)
            if f.table == "meta":
                meta[f.id[5:]] = value
            else:
                report.values[f.id] = value
            if finding is not None and (f.statutory or finding.severity == "error"
                                        or finding.rule != "read.blank"):
                report.findings.append(finding)
    year = meta.get("year")
    report.meta = Meta(
        unit=meta.get("unit", ""), year=year if isinstance(year, int) else None,
        **{k: v for k, v in meta.items() if k not in ("unit", "year") and isinstance(v, str)},
    )
    report.findings.extend(_origin_findings(report, lay))
    _still_missing(report)
    return report


def _still_missing(report: Report) -> None:
    """Cells the workbook was written with as missing (rows ``missing:<id>`` of the hidden
    sheet) are missing again while they still show the mark; a number typed over it is read as
    the number, a cleared cell as blank."""
    mark = say("wb.missing")
    for key in report.origin:
        if not key.startswith(MISSING_ROW):
            continue
        fid = key[len(MISSING_ROW):]
        v = report.values.get(fid)
        if isinstance(v, Invalid) and v.raw.strip() == mark:
            report.values[fid] = MISSING
            report.findings = [f for f in report.findings if f.field != fid]


def identify_grids(grids: Iterable[list[list[Any]]]) -> tuple[str, dict[str, list[list[Any]]]]:
    """Name bare grids — ranges from A1 without their sheet's name, as an Excel worksheet
    function receives them — by the labels they hold: the format and {sheet name: grid}.

    The hidden sheet is recognised by its first key.  Raises :class:`UnreadableWorkbook` when
    no grid is a sheet of any format.
    """
    scored: list[tuple[list[list[Any]], dict[tuple[str, str], float]]] = []
    named: dict[str, list[list[Any]]] = {}
    for grid in grids:
        if grid and grid[0] and _as_text(grid[0][0]) == _META_FIRST_KEY:
            named[META_SHEET] = grid
            continue
        scores = {}
        for fid in FORMATS:
            for sheet in layout_of(fid).sheets:
                labels = [lab for lab in sheet.labels if lab.text]
                hits = sum(1 for lab in labels
                           if _norm_label(_at(grid, lab.row, lab.col)) == _norm_label(lab.text))
                scores[(fid, sheet.name)] = hits / len(labels) if labels else 0.0
        scored.append((grid, scores))
    origin = _origin(named.get(META_SHEET)).get("format")
    votes = {fid: sum(max(s[(fid, sh.name)] for sh in layout_of(fid).sheets) for _, s in scored)
             for fid in FORMATS}
    fmt_id = origin if origin in FORMATS else max(FORMATS, key=lambda f: votes[f])
    for grid, scores in scored:
        likeliest, best = max(((name, v) for (fid, name), v in scores.items() if fid == fmt_id),
                              key=lambda x: x[1])
        if best >= 0.5:
            named.setdefault(likeliest, grid)
    if set(named) <= {META_SHEET}:
        raise UnreadableWorkbook("file.not_nianbao", file="", sheet=INFO_SHEET)
    named.setdefault(META_SHEET, [[_META_FIRST_KEY, fmt_id]])
    return fmt_id, named


def _at(grid: list[list[Any]], row: int, col: int) -> Any:
    if row - 1 < len(grid):
        r = grid[row - 1]
        if col - 1 < len(r):
            return r[col - 1]
    return ""


def _norm_label(v: Any) -> str:
    return compact(str(v))


def template_version(origin: dict[str, str]) -> int:
    """The template version a workbook was made with (its hidden sheet says; without one, the
    current version)."""
    recorded = origin.get("template_version", "")
    return int(recorded) if recorded.isdigit() else int(TEMPLATE_VERSION)


def _moved_label(sheet: SheetLayout, grid: list[list[Any]], version: int) -> Finding | None:
    for lab in sheet.labels:
        if lab.style not in _CHECKED_LABELS or not lab.text or lab.since > version:
            continue
        found = _at(grid, lab.row, lab.col)
        if found != lab.text and _norm_label(found) != _norm_label(lab.text):
            return emit("read.label_moved", dict(sheet=sheet.name, cell=lab.cell,
                                                 expected=lab.text,
                                                 actual=_as_text(found) or "（空）"),
                        sheet=sheet.name, cell=lab.cell, expected=lab.text,
                        actual=_as_text(found))
    return None


def _mark_record(grid: list[list[Any]] | None) -> tuple[str, ...]:
    """The hidden sheet's record column (below its header): the ranges an add-in marked."""
    col = MARK_RECORD_COL - 1
    return tuple(r[col] for r in (grid or [])[1:]
                 if len(r) > col and isinstance(r[col], str) and "!" in r[col])


def _origin(grid: list[list[Any]] | None) -> dict[str, str]:
    if not grid:
        return {}
    return {str(r[0]).strip(): _as_text(r[1]) for r in grid if len(r) >= 2 and r[0]}


def _guess_format(grids: dict[str, list[list[Any]]]) -> str | None:
    """Without the hidden sheet (deleted, or copied into a new file): the best-matching layout."""
    best, best_score = None, 0.0
    for fid in FORMATS:
        labels = [(s, lab) for s in layout_of(fid).sheets for lab in s.labels
                  if lab.style in _CHECKED_LABELS and lab.text]
        hits = sum(1 for s, lab in labels
                   if s.name in grids and _norm_label(_at(grids[s.name], lab.row, lab.col))
                   == _norm_label(lab.text))
        score = hits / len(labels)
        if score > best_score:
            best, best_score = fid, score
    return best if best_score >= 0.5 else None


def _origin_findings(report: Report, lay: Layout) -> list[Finding]:
    """The unit and year typed on 基本信息 against those the workbook was handed out with."""
    out = []
    for key, got in (("unit", report.meta.unit), ("year", report.meta.year)):
        handed = report.origin.get(key, "")
        if handed and got not in (None, "") and str(got) != handed:
            f = lay.fields[f"meta.{key}"]
            out.append(emit("read.meta_mismatch", dict(item=f.labels[-1], actual=got,
                                                       expected=handed),
                            sheet=f.sheet, cell=f.cell, expected=handed, actual=got, field=f.id))
    return out


# -- cell conversion -----------------------------------------------------------------------
def _as_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(" ")
    if isinstance(raw, (dt.date, dt.time)):
        return raw.isoformat()
    return str(raw).strip()


def _too_long(number: str) -> bool:
    return len(number.lstrip("+-").split(".")[0].lstrip("0")) > MAX_DIGITS


def _short(raw: Any) -> str:
    """A value for a message: what it starts with and how long it is, never thousands of digits."""
    text = _as_text(raw)
    return text if len(text) <= 24 else say("read.long_value", start=text[:20], n=len(text))


def _number(text: str, kind: str) -> int | float:
    if kind != "money" and "." not in text:
        return int(text)
    x = float(text)
    return int(x) if kind != "money" and x.is_integer() else x


def convert(raw: Any, f: Field, format_id: str) -> tuple[Value, Finding | None]:
    """Turn what a cell holds into a value of the field's kind, saying what was done."""

    def note(code: str, **args: Any) -> Finding:
        return emit(code, dict(where=describe(format_id, f.id), **args), sheet=f.sheet,
                    cell=f.cell, field=f.id, actual=args.get("raw"), expected=args.get("value"))

    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, note("read.blank")
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.time)):
        text = _as_text(raw)
        return Invalid(text), note("read.invalid", raw=text, kind=KIND_LABELS[f.kind])
    if isinstance(raw, (int, float)) and not (abs(raw) < _LIMIT):  # NaN and inf included
        return Invalid(_as_text(raw)), note("read.out_of_range", raw=_short(raw))
    if isinstance(raw, int):
        return (float(raw) if f.kind == "money" else raw), None
    if isinstance(raw, float):
        return (int(raw) if f.kind != "money" and raw.is_integer() else raw), None
    text = str(raw).strip()
    # one notice per cell, naming the most surprising conversion: full-width > separators > unit
    code = "read.text_number"
    normal = fold(text).replace("－", "-").strip()
    if normal in _DASHES or text in _DASHES:
        return None, note("read.dash", raw=text)
    if normal != text:
        code = "read.fullwidth"
    noted = _NOTE.match(normal)
    if noted:  # 「22（其中修订16件）」: the number is 22, the note is kept in the notice
        normal = noted.group(1).strip()
    m = _SUFFIX.match(normal)
    written_unit = None
    if m and _NUMBER.match(m.group(1).replace(",", "")):
        normal, written_unit = m.group(1), m.group(2)
        code = "read.suffix" if code == "read.text_number" else code
    if _THOUSANDS.match(normal):
        normal = normal.replace(",", "")
        code = "read.thousands" if code in ("read.text_number", "read.suffix") else code
    money_written = written_unit in _MONEY_FACTORS
    if not _NUMBER.match(normal) or money_written != (f.kind == "money" and written_unit is not None):
        # a money unit in a count cell, a count unit in a money cell: not a guess to make
        return Invalid(text), note("read.invalid", raw=text, kind=KIND_LABELS[f.kind])
    if _too_long(normal):
        return Invalid(text), note("read.out_of_range", raw=_short(text))
    if money_written and f.unit in _MONEY_FACTORS and written_unit != f.unit:
        # 「5000元」 in a 万元 cell: converted by the unit written, and said so
        assert written_unit is not None  # money_written: it is one of _MONEY_FACTORS
        amount = Decimal(normal) * _MONEY_FACTORS[written_unit] / _MONEY_FACTORS[f.unit]
        value = float(amount)
        return value, note("read.unit", raw=text, value=format_number(value), unit=f.unit)
    value = _number(normal, f.kind)
    if noted:
        return value, note("read.note", raw=text, value=value, note=noted.group(2).strip())
    return value, note(code, raw=text, value=value)


__all__ = ["read_report", "report_from_grids", "identify_grids", "convert", "KNOWN_SHEETS"]
