"""The Word report: the statutory document an office publishes, built from one Report.

:func:`render_report` opens the Word template (``templates/report.docx``: page setup, footers
and styles after GB/T 9704-2012), replaces its body with the title, sections 一 … 六 in the
order and wording of the format declaration, the narrative (the office's own text verbatim,
generated text where it left a part empty) and the three statutory tables.  The tables are laid
out by interpreting the declaration — block titles, header paths, row-label paths with their
bands — so this module knows no label, row or column of any format.

:func:`to_pdf` converts the .docx with LibreOffice headless.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from importlib.resources import files
from itertools import accumulate, combinations
from pathlib import Path
from typing import Any, Callable, Iterable

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from .errors import NianbaoError
from .fileio import atomic_path
from .formats.model import Section, Table, field_id
from .layout import (PREAMBLE, GeneratedPlace, generated_places, heading_id,
                     label_spans, place_texts)  # the workbook and the document merge labels alike
from .messages import say
from .narrative import (LEADING_ORDINAL, NOTHING_TO_REPORT, Narrator, format_number,
                        narrative_context)
from .report import MISSING, Report, format_money, is_number


@dataclass(frozen=True)
class StyleNames:
    """Style names as they appear in Word's style pane: the contract between the Word template
    (``tools/build_docx.py`` makes it; an office may restyle it) and this module."""

    title: str = "年报标题"
    heading1: str = "年报一级标题"  # 「一、」 黑体
    heading2: str = "年报二级标题"  # 「（一）」 楷体
    body: str = "Normal"  # 「正文」 in a Chinese Word
    offered: str = "年报参考文字"  # generated text offered beside the office's own
    table: str = "年报表格"
    table_text: str = "表格文字"  # numbers, centred
    table_head: str = "表格表头"
    table_label: str = "表格行名"  # leaf row labels, left-aligned
    table_note: str = "表格注释"  # the long corner note of 表三
    page_number: str = "页码"


STYLE = StyleNames()
DOCX_TEMPLATE = "report.docx"
KEEP_TOGETHER_MAX = 10  # rows of a merged label group kept on one page
PROPERTY_MAX = 255  # characters in a core property (python-docx refuses more)
NUMBER_DIGITS = 5  # value columns leave room for numbers this long, whatever this year's are
OUTER_LABEL_CHARS = 4  # a group label's name fits on one line of its column up to this long

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_INDENT = " \t\u3000\xa0"


def clean_text(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters pasted from other programs)."""
    return _XML_ILLEGAL.sub("", text)


def office_paragraphs(text: str | None) -> list[str]:
    """An office's text as paragraphs: one per line, verbatim except for the surrounding
    whitespace (the Word style indents the first line; a typed 「　　」 would indent twice) and
    half-width punctuation between Chinese characters, printed full-width (``text.halfwidth``)."""
    from .checks.narrative import fullwidth_punctuation  # 「同时,也」 prints as 「同时，也」

    out = []
    for line in clean_text(text or "").splitlines():
        line = line.strip(_INDENT)
        if line:
            out.append(fullwidth_punctuation(line))
    return out


def report_title(report: Report) -> str:
    return "".join(title_lines(report))


def title_lines(report: Report) -> tuple[str, str]:
    """The title as (unit, rest): 「{unit}」「{year}年政府信息公开工作年度报告」."""
    year = say("document.title_year", year=report.meta.year) if report.meta.year is not None else ""
    return clean_text((report.meta.unit or "").strip()), say("document.title_rest", year=year)


# Where the name of a unit may break across lines: after a word that ends a level of
# government or an organ (「某某省 / 某某市 / 某某区人民政府办公室」), never inside one.
UNIT_WORD_ENDS = re.compile(
    "(特别行政区|自治区|自治州|自治县|自治旗|人民政府|委员会|管委会|办公室|办公厅|办事处|"
    "街道|中心|集团|公司|总局|分局|支队|大队|"
    "[省市区县州盟旗镇乡局厅委办院部署处科所站队])")
# a one-character end that is the start or the end of another word is no end there: 「城市」
# 「市容」「市场」「区域」「乡村」「办公」…  (what follows it, what precedes it)
_NOT_AFTER = {"市": "场容政民级委直辖属区", "区": "域划委级", "县": "域委级", "省": "委级直属",
              "州": "委市", "局": "长", "委": "员", "办": "公理", "处": "理", "所": "有属",
              "站": "点", "队": "伍", "部": "门", "院": "校", "科": "技学", "署": "名",
              "乡": "村镇", "旗": "帜", "厅": "局"}
_NOT_BEFORE = {"市": "城都超门", "区": "社园景小山城校库", "局": "格布", "站": "网"}
# an organ's own office goes with it: 「…人民政府办公室」「…委员会办公室」 are one unit
_ATTACHED = re.compile("办公室|办公厅")
TITLE_FEWEST = 1.0  # cost of one more line, against evenness (squared widths over the line)


def unit_breaks(unit: str) -> dict[int, float]:
    """Where the name of a unit may break, each with what breaking there costs: 0 after a word
    that ends a level of government or an organ, or after a bracketed name; more before 「（」
    (a bracketed name goes with the one before it) and most after a word inside brackets — never
    before the office of the organ just named, or inside 「城市」「市容」「社区」 …"""
    depth, inside = 0, set()
    for i, ch in enumerate(unit):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth:
            inside.add(i)
    out: dict[int, float] = {}
    for m in UNIT_WORD_ENDS.finditer(unit):
        end = m.end()
        if end >= len(unit) or unit[end] in "）)":
            continue
        word = m.group(0)
        if len(word) == 1:
            if unit[end] in _NOT_AFTER.get(word, "") or (
                    m.start() > 0 and unit[m.start() - 1] in _NOT_BEFORE.get(word, "")):
                continue
        if _ATTACHED.match(unit, end):
            continue
        out[end] = 3.0 if end - 1 in inside else 1.0 if unit[end] in "（(" else 0.0
    for i, ch in enumerate(unit[:-1]):
        if ch in "）)" and i not in inside:
            out[i + 1] = 0.0
        elif ch not in "（(" and unit[i + 1] in "（(" and i + 1 not in out:
            out[i + 1] = 1.0
    return dict(sorted(out.items()))


def split_title(unit: str, rest: str, per_line: float) -> list[str]:
    """The title's lines: one when it fits; else the unit's name broken only where its meaning
    allows (:func:`unit_breaks`) — into as few lines as fit, as even as possible, and never
    narrower in the middle than above and below (GB/T 9704 7.3.3: 词意完整，排列对称，梯形或
    菱形) — then 「{year}年政府信息公开工作年度报告」 on a line of its own (never broken:
    「…政府信息公 / 开工作年度报告」)."""
    if not unit or _visual_width(unit + rest) <= per_line:
        return [unit + rest] if unit + rest else []
    lines = _best_lines(unit, per_line, _visual_width(rest) if rest else None)
    return lines + [rest] if rest else lines


_MAX_LINES = 4  # names longer than this many lines are broken greedily (a shape no longer matters)


def _best_lines(unit: str, per_line: float, rest: float | None) -> list[str]:
    """The unit's lines, chosen among every way to break it at :func:`unit_breaks` into the
    fewest lines that fit (or one more): the cheapest breaks, the most even lines, none much
    narrower than both its neighbours (the ``rest`` line below counted as one)."""
    # widths of every prefix, so a piece's width is a difference (a 32,767-character name
    # would otherwise be measured again for every line: quadratic)
    widths = list(accumulate((_visual_width(ch) for ch in unit), initial=0.0))
    total = widths[-1]
    if total <= per_line:
        return [unit]
    fewest = math.ceil(total / per_line)
    breaks = unit_breaks(unit)
    if fewest <= _MAX_LINES and len(breaks) <= 40:
        best: tuple[float, tuple[int, ...]] | None = None
        for n in range(fewest, min(fewest + 1, _MAX_LINES) + 1):
            for cuts in combinations(breaks, n - 1):
                bounds = (0, *cuts, len(unit))
                line_widths = [widths[b] - widths[a] for a, b in zip(bounds, bounds[1:])]
                if max(line_widths) > per_line:
                    continue
                cost = (_shape_cost(line_widths, rest, per_line) + TITLE_FEWEST * n
                        + sum(breaks[c] for c in cuts))
                if best is None or cost < best[0]:
                    best = (cost, cuts)
        if best is not None:
            bounds = (0, *best[1], len(unit))
            return [unit[a:b] for a, b in zip(bounds, bounds[1:])]
    return _greedy_lines(unit, widths, list(breaks), per_line)


def _shape_cost(line_widths: list[float], rest: float | None, per_line: float) -> float:
    """How far lines are from an even, symmetric block: their spread, each line more than a
    character narrower than both neighbours (an hourglass: 「…某某省 / 人民政府 / …」), and a
    line of a word or two."""
    seq = line_widths + ([rest] if rest is not None else [])
    mean = sum(line_widths) / len(line_widths)
    cost = sum((w - mean) ** 2 for w in line_widths) / (per_line ** 2) * 4
    for i in range(1, len(seq) - 1):
        waist = min(seq[i - 1], seq[i + 1]) - seq[i]
        if waist > 1:
            cost += 1 + waist / per_line * 8
    cost += sum(3 for w in line_widths if w < min(6.0, per_line / 2))
    return cost


def _greedy_lines(unit: str, widths: list[float], ends: list[int], per_line: float) -> list[str]:
    """A name too long for a shape to matter: each line up to the last word end that fits,
    near an even share of what is left; a word longer than a line breaks where it must."""
    total = widths[-1]
    lines = math.ceil(total / per_line)
    end_widths = [widths[e] for e in ends]
    out: list[str] = []
    start = 0
    while total - widths[start] > per_line:
        # (a name of half-width characters cut at a full line may need more lines than estimated)
        share = (total - widths[start]) / max(1, lines - len(out))
        lo = bisect_right(ends, start)
        hi = bisect_right(end_widths, widths[start] + per_line)
        fits = ends[lo:hi]
        if not fits:  # no word end within a line: a name of one long word breaks where it must
            cut = max(start + 1, bisect_right(widths, widths[start] + per_line) - 1)
        else:
            cut = min(fits, key=lambda e: abs(widths[e] - widths[start] - share))
        out.append(unit[start:cut])
        start = cut
    out.append(unit[start:])
    return out


_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+[\d:]+)?\s*$")


def signature_date(text: str | None) -> str:
    """The 成文日期 as GB/T 9704 writes it (「2022年1月10日」, Arabic numerals, no leading
    zeros) from what the office typed on 基本信息 (「2022-01-10」, 「2022/1/10」 …); other text
    as typed."""
    text = clean_text(text or "").strip()
    m = _DATE.match(text)
    if m:
        return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
    return text


def _visual_width(text: str) -> float:
    """Width in characters of the body font: Latin letters and digits half a character; the
    rest whole — 「“”…—」 too, which the styles set as Chinese punctuation (w:hint eastAsia)."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


AUTOSPACE = 0.25  # of a character: the space set between Chinese and Latin letters or digits
_TOKENS = re.compile(r"[\x21-\u1fff]+|.", re.S)  # a Latin word or number is not broken


def set_lines(text: str, per_line: float, indent: float = 2.0) -> int:
    """Lines a paragraph takes, set as Word and LibreOffice set it: characters one by one, a
    Latin word or number whole, half a character a Latin letter or digit, and a quarter of a
    character between them and Chinese (「自2019年」); the first line ``indent`` characters in.
    (On the reports tests render it counts every paragraph's lines as LibreOffice sets them,
    where a width divided by the line's missed those a number pushed onto a line of its own.)"""
    lines, width, latin = 1, indent, None
    for tok in _TOKENS.findall(text):
        is_latin = ord(tok[0]) < 0x2000
        w = _visual_width(tok)
        gap = AUTOSPACE if latin is not None and is_latin != latin and tok != " " else 0.0
        if width + gap + w > per_line + 1e-9 and width > 0:
            lines, width, gap = lines + 1, 0.0, 0.0
        width += gap + w
        if tok != " ":
            latin = is_latin
    return lines


def docx_template(templates_dir: str | os.PathLike | None = None) -> Path:
    """The Word template in use: ``templates_dir/report.docx`` if there is one, else the built-in."""
    if templates_dir is not None:
        own = Path(templates_dir) / DOCX_TEMPLATE
        if own.is_file():
            return own
    return Path(str(files("nianbao.templates").joinpath(DOCX_TEMPLATE)))


# -- the tables, from the declaration -------------------------------------------------------------
@dataclass
class GridCell:
    row: int
    col: int
    text: str
    style: str  # a StyleNames attribute name
    rows: int = 1
    cols: int = 1


@dataclass
class Grid:
    """A table as cells on a grid (merges as spans), before any XML."""

    cells: list[GridCell]
    n_rows: int
    depth: int  # label columns
    units: int  # value grid columns
    header_rows: int  # rows repeated on every page
    # the rows of each block, [first, last): a block has its own title and header, so a table
    # of several (表二) may break between them
    blocks: tuple[tuple[int, int], ...] = ()


def table_grid(table: Table, report: Report) -> Grid:
    """Lay ``table`` out as the official format prints it.

    Label columns: as many as the deepest row-label path (band + labels); a table whose rows
    have no labels (表四) has none.  Value columns: every block gets the full width, so the grid
    has lcm(column counts) units and a block's column spans units / its column count
    (表二's blocks have 3, 1, 1, 1 columns in 2021; 3, 3, 3, 2, 2 in 2019).
    """
    depth = max(max((len(p) for p in b.row_paths()), default=0) for b in table.blocks)
    units = math.lcm(*(len(b.columns) for b in table.blocks))
    cells: list[GridCell] = []
    r = 0
    header_rows = 0
    spans = []
    for block in table.blocks:
        block_start = r
        k = units // len(block.columns)
        if block.title:
            cells.append(GridCell(r, 0, block.title, "table_head", cols=depth + units))
            r += 1
        hpaths = block.header_paths()
        hdepth = max(len(p) for p in hpaths)
        if depth:
            corner_style = "table_note" if len(block.corner) > 8 else "table_head"
            cells.append(GridCell(r, 0, block.corner, corner_style, rows=hdepth, cols=depth))
        for level in range(hdepth):
            for first, last, text, leaf in label_spans(hpaths, level):
                cells.append(GridCell(r + level, depth + first * k, text, "table_head",
                                      rows=hdepth - level if leaf else 1,
                                      cols=(last - first + 1) * k))
        if len(table.blocks) == 1:
            header_rows = r + hdepth  # title and header repeat on each page
        top = r + hdepth
        rpaths = block.row_paths()
        for level in range(depth):
            for first, last, text, leaf in label_spans(rpaths, level):
                merged = last > first
                cells.append(GridCell(top + first, level, text,
                                      "table_text" if merged else "table_label",
                                      rows=last - first + 1, cols=depth - level if leaf else 1))
        for i, row in enumerate(block.rows):
            for j, col in enumerate(block.columns):
                # what was entered: a blank cell stays blank, a missing one too (not 「0」);
                # an amount as money is printed everywhere (format_money)
                value = report.values.get(field_id(table.key, row, col))
                text = ("" if value is None or value is MISSING
                        else format_money(value, col.unit) if col.kind == "money" and is_number(value)
                        else format_number(value))
                cells.append(GridCell(top + i, depth + j * k, text, "table_text", cols=k))
        r = top + len(block.rows)
        spans.append((block_start, r))
    return Grid(cells, r, depth, units, header_rows, tuple(spans))


CELL_MARGIN = 85  # left and right margin of a table cell, 1.5 mm (twips; the Word template's)
CELL_PAD = 2 * CELL_MARGIN + 20  # both margins, and a little air
ROW_MAX = 454  # a table row at least 8 mm, as published tables are set …
ROW_MIN = 284  # … or 5 mm, short of which a table is set tight rather than broken over pages
ROW_FIT = 340  # 6 mm: rows a table is set to, at least, to finish a page rather than leave it
PAGE_FILL = 0.6  # a page that would end this empty has its table's rows made to fit it


def fitting_width(text: str) -> int:
    """The fewest characters a line (at least 2) at which ``text`` wraps with no character
    alone on its last line: 「自然人」 needs 3 (「自然 / 人」 would strand one), 「商业企业」 2."""
    n = math.ceil(_visual_width(text))
    for per_line in range(2, n):
        if n % per_line != 1:
            return per_line
    return max(n, 1)


def column_widths(grid: Grid, total: int, char: int) -> list[int]:
    """Grid column widths in twips that add up to ``total`` (the text block).

    Value units get room for their longest number (five digits at least) and for their headers
    to wrap without stranding a character; outer label columns (bands and groups: short
    labels merged over many rows) as wide as :func:`outer_label_chars` asks;
    the innermost label column up to twelve characters (its longest label on one line if
    shorter), as far as the values leave room; what is left goes to the values.
    """
    depth, units = grid.depth, grid.units
    unit_min = 0
    for c in grid.cells:
        if c.col < depth:
            continue
        if c.style == "table_text":
            need = max(len(c.text), NUMBER_DIGITS) * char * 0.55 + CELL_PAD  # digits: half-width
        else:
            need = fitting_width(c.text) * char + CELL_PAD
        unit_min = max(unit_min, math.ceil(need / c.cols))
    labels = [max((outer_label_chars(c.text) for c in grid.cells if c.col == col and c.cols == 1),
                  default=3) * char + CELL_PAD for col in range(max(0, depth - 1))]
    if depth:
        longest = max((len(c.text) for c in grid.cells
                       if c.col == depth - 1 and c.cols == 1 and c.style != "table_note"),
                      default=4)
        room = total - sum(labels) - units * unit_min
        labels.append(max(4 * char + CELL_PAD, min(min(longest, 12) * char + CELL_PAD, room)))
    unit = (total - sum(labels)) // units
    widths = labels + [unit] * units
    widths[-1] += total - sum(widths)
    return widths


def outer_label_chars(text: str) -> int:
    """Characters a line for a band or group label: its ordinal and its short name on a line
    each (「（三）」「不予公开」), a long one wrapped with no character alone (「三、本 / 年度办 /
    理结果」)."""
    m = LEADING_ORDINAL.match(text)
    rest = text[m.end():] if m else text
    if m and _visual_width(rest) <= OUTER_LABEL_CHARS:
        return math.ceil(max(_visual_width(m.group(0)), _visual_width(rest)))
    return fitting_width(text)




def label_lines(text: str, per_line: float) -> list[str]:
    """A label as the lines to print it in a cell ``per_line`` characters wide.

    A label that wraps breaks after its ordinal when the rest fits a line (「（三）/不予公开」);
    else it is left to Word's own wrapping when that leaves at least two characters on the last
    line, and otherwise broken into lines of equal length (「2.其他法律行政 / 法规禁止公开」), so
    that no character stands alone (「（三）不予公 / 开」)."""
    width = _visual_width(text)
    lines = math.ceil(width / per_line) if per_line > 0 else 1
    if lines <= 1:
        return [text]
    m = LEADING_ORDINAL.match(text)
    # 「1.」 does not stand on a line of its own: it numbers a sentence, not a heading
    if (m and not m.group(0)[0].isdigit() and _visual_width(m.group(0)) <= per_line
            and _visual_width(text[m.end():]) <= per_line):
        return [m.group(0), text[m.end():]]
    if width - (lines - 1) * per_line >= 2:
        return [text]
    target = width / lines
    out: list[str] = []
    line = ""
    for ch in text:
        if line and _visual_width(line + ch) > math.ceil(target) and len(out) < lines - 1:
            out.append(line)
            line = ""
        line += ch
    out.append(line)
    return out


def cell_heights(grid: Grid, widths: list[int], char: int
                 ) -> tuple[dict[int, int], list[tuple[GridCell, int]]]:
    """Twips each row's tallest single-row cell needs, and each merged cell's need (its lines of
    text at single spacing, and the cell's margins)."""
    line = round(char * 1.35)  # single spacing of a CJK font
    need: dict[int, int] = {}
    spans: list[tuple[GridCell, int]] = []
    for c in grid.cells:
        per_line = max(1.0, (sum(widths[c.col:c.col + c.cols]) - CELL_PAD) / char)
        lines = sum(max(1, math.ceil(_visual_width(t) / per_line))
                    for t in label_lines(c.text, per_line))
        h = lines * line + 2 * 28  # top and bottom cell margins
        if c.rows == 1:
            need[c.row] = max(need.get(c.row, 0), h)
        else:
            spans.append((c, h))
    for r in range(grid.n_rows):
        need.setdefault(r, line + 56)
    return need, spans


def estimated_height(grid: Grid, widths: list[int], char: int, row_min: int = 0,
                     heights: tuple[dict[int, int], list[tuple[GridCell, int]]] | None = None
                     ) -> int:
    """Twips a table will take (an estimate: each row as tall as its tallest cell's lines, and
    at least ``row_min``; ``heights`` from :func:`cell_heights`, when already measured)."""
    need, spans = heights or cell_heights(grid, widths, char)
    rows = [max(need[r], row_min) for r in range(grid.n_rows)]
    for c, h in spans:  # a merged label taller than its rows stretches them
        have = sum(rows[c.row:c.row + c.rows])
        if have < h:
            for r in range(c.row, c.row + c.rows):
                rows[r] += math.ceil((h - have) / c.rows)
    return sum(rows)


def row_height(grid: Grid, widths: list[int], char: int, room: int, least: int = ROW_MIN) -> int:
    """The least height of the table's rows: ROW_MAX, as published tables are set, or as much
    of it as lets the table fit ``room`` twips (a page less its heading and lead) — 表三 on one
    page — down to ``least``; 0 when even that does not fit.  Measured by
    :func:`estimated_height`, which errs tall: a row it thinks as tall as ``h`` is set no
    taller, so the table that fits the estimate fits the page."""
    heights = cell_heights(grid, widths, char)
    for h in range(ROW_MAX, least - 1, -4):
        if estimated_height(grid, widths, char, h, heights) <= room:
            return h
    return 0


def _el(tag: str, **attrs: Any):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _xml_text(text: str) -> str:
    """A text as XML character data (what lxml writes for ``el.text``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(text: str) -> str:
    """A text as an attribute value between double quotes."""
    return _xml_text(text).replace('"', "&quot;")


def _t(text: str) -> str:
    """A ``w:t``; surrounding spaces kept (python-docx marks them the same way)."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:t{space}>{_xml_text(text)}</w:t>"


def _cell_paragraph(lines: list[str], style_id: str, keep_next: bool = False) -> str:
    """A table cell's ``w:p`` as XML text: its lines in one run, broken by ``w:br``."""
    keep = "<w:keepNext/>" if keep_next else ""  # in a table, Word keeps the row with the next
    run = ""
    if any(lines):
        run = "<w:r>" + "<w:br/>".join(_t(clean_text(line)) for line in lines) + "</w:r>"
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{keep}</w:pPr>{run}</w:p>'


def table_element(grid: Grid, widths: list[int], style_ids: dict[str, str], char: int = 210,
                  page_height: int | None = None, row_min: int = 0):
    """The ``w:tbl`` of a grid: horizontal merges as gridSpan, vertical ones as vMerge, every row
    at least ``row_min`` twips tall.

    A table that fits on a page (``page_height`` twips, by :func:`estimated_height`) is kept on
    one: every row keeps with the next, so it starts on a new page when it does not fit where it
    begins — 表二's blocks too, one table to read, not its last block alone on a page before
    表三.  A longer one breaks only between its blocks (titles and headers of their own), or
    between row groups, never inside a merged label, with its header repeated.

    Written as XML text and parsed once: a table is some 3,500 elements, and building them one
    by one through python-docx cost more than all the rest of the report."""
    style_ids = {k: _xml_attr(v) for k, v in style_ids.items()}
    out = [f'<w:tbl xmlns:w="{_W_NS}"><w:tblPr><w:tblStyle w:val="{style_ids["table"]}"/>'
           f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
           'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    starts = {(c.row, c.col): c for c in grid.cells}
    below: dict[tuple[int, int], GridCell] = {}  # (row, col) continued by a vertical merge
    for c in grid.cells:
        for rr in range(c.row + 1, c.row + c.rows):
            below[(rr, c.col)] = c
    ncols = grid.depth + grid.units
    keep: set[int] = set()
    if page_height is not None and estimated_height(grid, widths, char, row_min) <= page_height:
        keep.update(range(grid.n_rows - 1))
    elif len(grid.blocks) > 1:
        # blocks with titles and headers of their own (表二's 第二十条第（X）项): each whole on a
        # page, the table free to break between them
        for first, last in grid.blocks:
            keep.update(range(first, last - 1))
    else:
        # a group of sub-rows under one merged label (「（四）无法提供」 1–3) stays on one page,
        # so the label is never cut off from its rows; the outermost band (23 rows) may break
        for c in grid.cells:
            if c.col > 0 and c.col < grid.depth and 1 < c.rows <= KEEP_TOGETHER_MAX:
                keep.update(range(c.row, c.row + c.rows - 1))
        keep.update(range(grid.header_rows))
    height = f'<w:trHeight w:val="{row_min}" w:hRule="atLeast"/>' if row_min else ""
    for r in range(grid.n_rows):
        header = "<w:tblHeader/>" if r < grid.header_rows else ""
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{height}{header}</w:trPr>")
        col = 0
        while col < ncols:
            cell = starts.get((r, col))
            cont = below.get((r, col))
            if cell is None and cont is None:
                raise AssertionError(f"table grid has a hole at row {r}, column {col}")
            src = cell or cont
            assert src is not None
            width = sum(widths[col:col + src.cols])
            span = f'<w:gridSpan w:val="{src.cols}"/>' if src.cols > 1 else ""
            merge = ('<w:vMerge w:val="restart"/>' if cell else "<w:vMerge/>") if src.rows > 1 else ""
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}'
                       '<w:vAlign w:val="center"/></w:tcPr>')
            per_line = (width - CELL_PAD) / char
            lines = label_lines(cell.text, per_line) if cell and src.style != "table_note" \
                else [cell.text if cell else ""]
            out.append(_cell_paragraph(lines, style_ids[src.style], keep_next=r in keep))
            out.append("</w:tc>")
            col += src.cols
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return parse_xml("".join(out))


# -- the document ---------------------------------------------------------------------------------
class _Builder:
    def __init__(self, template: Path) -> None:
        try:
            self.doc = Document(str(template))
        except Exception as e:  # not a zip, not a Word file …
            raise NianbaoError("document.docx_template_bad", file=str(template),
                               detail=f"{type(e).__name__}: {e}") from e
        self.style_ids: dict[str, str] = {}
        for attr, name in vars(STYLE).items():
            try:
                self.style_ids[attr] = self.doc.styles[name].style_id
            except KeyError:
                raise NianbaoError("document.docx_template_bad", file=str(template),
                                   detail=say("document.style_missing", name=name)) from None
        default = self.doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        # a paragraph in the default style names none, as python-docx and Word write it
        self.default_style = default.style_id if default is not None else None
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.body = body
        section = self.doc.sections[-1]
        # EMU → twips.  python-docx reads None for a page size or margin the section does not
        # set; Word always writes them, and a hand-made template without them fails here.
        self.text_width = int((section.page_width - section.left_margin  # type: ignore[operator]
                               - section.right_margin) / 635)
        self.text_height = int((section.page_height - section.top_margin  # type: ignore[operator]
                                - section.bottom_margin) / 635)
        size = self.doc.styles[STYLE.table_text].font.size
        self.table_char = int(size / 635) if size else 210
        body = self.doc.styles[STYLE.body]
        spacing = body.element.find(f"{qn('w:rPr')}/{qn('w:spacing')}")
        # twips a body character takes: its size and the style's character spacing
        self.body_pitch = (int(body.font.size / 635) if body.font.size else 320) + (
            int(spacing.get(qn("w:val"))) if spacing is not None else 0)
        line = body.paragraph_format.line_spacing
        self.line = int(line / 635) if isinstance(line, int) and line > 1000 else 578  # twips
        # where the text has got to, estimated: twips used on the page being filled, and the
        # paragraphs kept with what follows them (a heading, a table's lead), not yet placed —
        # what chooses a table's rows where the page's end is near (:meth:`table`)
        self.used = 0
        self.kept = 0

    def lines_of(self, texts: Iterable[str]) -> int:
        """Body lines the paragraphs take (:func:`set_lines`)."""
        per_line = self.text_width / self.body_pitch
        return sum(set_lines(t, per_line) for text in texts for t in text.split("\n"))

    def place(self, height: int, whole: bool = False, keep: bool = False) -> None:
        """Move the estimate past a table ``height`` twips tall (or a paragraph kept with what
        follows, ``keep``).  ``whole``: it does not break (a table kept on one page)."""
        if keep:
            self.kept += height
            return
        need = self.kept + (height if whole else self.line)
        if self.used and self.used + need > self.text_height and need <= self.text_height:
            self.used = 0  # to the next page, with what is kept with it
        self.used += self.kept + height
        self.kept = 0
        while self.used > self.text_height:
            self.used -= self.text_height

    def place_text(self, lines: int, keep: bool = False) -> None:
        """Move the estimate past a paragraph of ``lines`` lines: it breaks over a page leaving
        two lines at least on each side (widow and orphan control), else goes to the next page
        whole, with what is kept with it (a heading: LibreOffice then moves a short paragraph
        whole rather than break it two and two, seen on the 2019 report's first page)."""
        if keep:
            self.kept += lines * self.line
            return
        room = (self.text_height - self.used - self.kept) // self.line
        if lines > room:
            first = min(room, lines - 2)
            if first >= 2 and (lines > 4 or not self.kept):  # broken over the page
                self.used, lines = 0, lines - first
                self.kept = 0
            elif self.used:  # to the next page, with its heading
                self.used = 0
        self.used += self.kept + lines * self.line
        self.kept = 0
        while self.used > self.text_height:
            self.used -= self.text_height

    def title(self, report: Report) -> None:
        """Centred, in lines from :func:`split_title`."""
        unit, rest = title_lines(report)
        style = self.doc.styles[STYLE.title]
        size = style.font.size or 279400  # 22 pt in EMU
        # a character to spare: a title set hard against the margin wraps its last character
        # alone (「…年度报 / 告」) where a font sets the digits a little wider than half
        per_line = self.text_width * 635 / size - 1
        p = self.doc.add_paragraph(style=style)
        lines = split_title(unit, rest, per_line)
        for i, line in enumerate(lines):
            run = p.add_run(line)
            if i:
                run._r.addprevious(_el("w:r"))
                run._r.getprevious().append(_el("w:br"))
        fmt = style.paragraph_format
        pitch = fmt.line_spacing if isinstance(fmt.line_spacing, int) else self.line * 635
        self.place(int((len(lines) * pitch + (fmt.space_after or 0)) / 635), keep=True)

    def signature(self, report: Report) -> None:
        """The 落款 (GB/T 9704 7.3.5.3, a document without a seal): a blank line, the unit two
        characters in from the right, the 成文日期 on the next line starting two characters right
        of the first character of the unit's line above it — or, when the date is the longer,
        ending two characters in from the right, and the unit moved left to match.  A unit
        longer than a line breaks where its meaning allows (as in the title), each line ending
        two characters in.  A date nobody entered is not printed: its line is left to be filled
        in by hand (「　　　　年　　月　　日」, and a ``meta.document_date`` warning)."""
        unit = clean_text(report.meta.unit or "").strip()
        if not unit:
            return
        if self.doc.paragraphs:  # the 落款 never stands alone on a page: the text's end comes too
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        date = signature_date(report.meta.document_date) or say("document.date_blank")
        per_line = self.text_width / self.body_pitch
        names = split_title(unit, "", per_line - 2)
        u, last, d = max(map(_visual_width, names)), _visual_width(names[-1]), _visual_width(date)
        # the date starts two characters right of the last line of the unit; a date that would
        # then end within two characters of the margin ends there, and the unit moves left
        longer = 4 + d - last > 2
        unit_right = max(0.0, min(4 + d - last if longer else 2.0, per_line - u))
        date_left = per_line - unit_right - last + 2
        self.paragraph("", "body", keep=True)
        lines = [(name, "right", unit_right) for name in names]
        if longer:  # it ends two characters in; the unit was moved by its estimated width
            lines.append((date, "right", max(0.0, min(2.0, per_line - d))))
        else:  # by its left edge: where it starts does not depend on how wide its digits are set
            lines.append((date, "left", date_left))
        for i, (text, side, chars) in enumerate(lines):
            p = self.add(text, "body")
            p.paragraph_format.alignment = (WD_ALIGN_PARAGRAPH.RIGHT if side == "right"
                                            else WD_ALIGN_PARAGRAPH.LEFT)
            p.paragraph_format.keep_with_next = i < len(lines) - 1
            ind = p._p.get_or_add_pPr().get_or_add_ind()
            ind.set(qn(f"w:{side}Chars"), str(round(chars * 100)))
            ind.set(qn(f"w:{side}"), str(round(chars * self.body_pitch)))
            ind.set(qn("w:firstLineChars"), "0")
            ind.set(qn("w:firstLine"), "0")

    def add(self, text: str, style: str, keep: bool = False) -> Paragraph:
        """A paragraph at the end of the body, as python-docx's ``add_paragraph(text, style)``
        writes it, without its style lookups by name (a scan of every style per paragraph).
        ``keep``: with the next paragraph and on one page (python-docx's keep_with_next and
        keep_together)."""
        style_id = self.style_ids[style]
        ppr = "" if style_id == self.default_style else \
            f'<w:pStyle w:val="{_xml_attr(style_id)}"/>'
        if keep:
            ppr += "<w:keepNext/><w:keepLines/>"
        plain = not any(c in text for c in "\t\n\r")  # python-docx makes these w:tab, w:br
        run = f"<w:r>{_t(text)}</w:r>" if text and plain else ""
        # an empty w:pPr for the default style too: the bytes python-docx writes
        el = parse_xml(f'<w:p xmlns:w="{_W_NS}"><w:pPr>{ppr}</w:pPr>{run}</w:p>')
        if self.body.sectPr is not None:
            self.body.sectPr.addprevious(el)
        else:
            self.body.append(el)
        p = Paragraph(el, self.doc)
        if text and not plain:
            p.add_run(text)
        # headings keep with the next paragraph by their style
        self.place_text(max(1, self.lines_of([text])), keep=keep or style in ("heading1", "heading2"))
        return p

    def paragraph(self, text: str, style: str, keep: bool = False) -> None:
        # keep: with the table that follows: heading, lead and table on one page
        self.add(clean_text(text), style, keep)

    def paragraphs(self, texts: Iterable[str], style: str = "body", keep: bool = False) -> None:
        for t in texts:
            self.paragraph(t, style, keep)

    def offered(self, texts: list[str]) -> None:
        for i, t in enumerate(texts):
            self.paragraph((say("document.offered") if i == 0 else "") + t, "offered")

    def table(self, table: Table, report: Report, note: Iterable[str] = ()) -> None:
        """The table, its 备注 under it and a blank line.  Its rows as tall as published
        tables' (:func:`row_height`) where the rest of the page has room for it with the heading
        and lead kept before it; else, when the page would be left mostly empty (less than
        PAGE_FILL of it used), as tall as lets it finish the page, down to ROW_FIT (so 表二 is not
        followed by a half-empty page before 表三, which goes to a page of its own); else as tall
        as lets it fit a page of its own with its heading and lead."""
        grid = table_grid(table, report)
        widths = column_widths(grid, self.text_width, self.table_char)
        page, char = self.text_height, self.table_char
        heights = cell_heights(grid, widths, char)
        # the rest of this page, less a line for what the estimate may have missed
        here = page - self.used - self.kept - self.line if self.used + self.kept < page else 0
        row_min = row_height(grid, widths, char, here, ROW_MAX if self.used >= PAGE_FILL * page
                             else ROW_FIT) if here > 0 else 0
        if not row_min:
            row_min = row_height(grid, widths, char, page - self.kept)
        tbl = table_element(grid, widths, self.style_ids, char, page, row_min)
        self.body.sectPr.addprevious(tbl) if self.body.sectPr is not None else self.body.append(tbl)
        height = estimated_height(grid, widths, char, row_min, heights)
        self.place(height, whole=height <= page)
        self.paragraphs(note)  # the table's 备注, right under it
        self.paragraph("", "body")  # one blank line between a table and the next heading


_ORDINALS = "一二三四五六七八九十"


_NUMBER = re.compile(r"^（[一二三四五六七八九十]+）")


def _is_numbered(label: str) -> bool:
    return bool(_NUMBER.match(label))


def _heading(report: Report, item: Any) -> str:
    """The office's own heading of a text part, else the standard one."""
    own = clean_text(report.texts.get(heading_id(item.key)) or "").strip(_INDENT)
    return own or item.label


@dataclass(frozen=True)
class WrittenPart:
    """Paragraphs of the report that nianbao wrote, not the office: where, and which cell of the
    workbook holds the office's own text that would replace them."""

    place: GeneratedPlace
    paragraphs: tuple[str, ...]


def _chosen(own: list[str], generated: list[str]) -> tuple[list[str], bool]:
    """What a part prints — the office's text, else the generated one — and whether it is
    generated.  An office's lone 「无」 gives way to the generated sentence that says it in full."""
    if generated and len(own) == 1 and NOTHING_TO_REPORT.match(own[0]):
        own = []
    return (own, False) if own else (generated, bool(generated))


def _section_texts(b: _Builder, section: Section, report: Report, narrator: Narrator,
                   ctx: dict[str, Any], offer_generated: bool, lead: list[str],
                   wrote: Callable[[str, list[str]], None], keep: bool = False) -> int:
    """A section's lead paragraphs and text parts; a part with neither office text nor
    generated text is left out.  Parts with a numbered standard label (「（一）…」) get
    sub-headings, renumbered in the order printed; unnumbered parts (五's 存在的主要问题 …) are
    numbered when more than one of them has text; a lone one (一's 总体概述) runs as plain
    paragraphs unless the office gave it a heading of its own.  The office's heading is printed
    in place of the standard one, with the number it gets here.  When the first part runs
    without a heading and no table comes between, the lead's last sentence and the part's first
    paragraph make one paragraph (「本年度未收取信息处理费。除此之外，无其他…」).  ``keep``: every
    paragraph keeps with the next (a table follows).  Returns the paragraphs printed."""
    parts = []
    for item in section.texts:
        own = office_paragraphs(report.texts.get(item.key))
        generated = narrator.render(item.key, ctx) or []
        paras, is_generated = _chosen(own, generated)
        if is_generated:
            wrote(item.key, paras)
        if paras:
            parts.append((item, paras, generated if offer_generated and not is_generated else []))
    unnumbered = [p for p in parts if not _is_numbered(p[0].label)]
    n = m = printed = 0
    lead = list(lead)
    for item, paras, offered in parts:
        heading = _heading(report, item)
        if _is_numbered(item.label):
            # numbered in the order printed: with 「（三）」 left empty, 「（四）」 becomes 「（三）」
            heading = f"（{_ORDINALS[m]}）" + LEADING_ORDINAL.sub("", heading, count=1)
            m += 1
        elif len(unnumbered) > 1:
            heading = f"（{_ORDINALS[n]}）" + LEADING_ORDINAL.sub("", heading, count=1)
            n += 1
        elif heading == item.label:
            heading = ""
        if heading:
            b.paragraphs(lead, keep=keep)
            printed += len(lead)
            lead = []
            b.paragraph(heading, "heading2")
        elif lead:
            paras = lead[:-1] + [lead[-1] + paras[0]] + paras[1:]
            lead = []
        b.paragraphs(paras, keep=keep)
        printed += len(paras)
        if offered:
            b.offered(offered)
    b.paragraphs(lead, keep=keep)
    return printed + len(lead)


def _build(report: Report, templates_dir: str | os.PathLike | None,
           offer_generated: bool) -> tuple[_Builder, list[WrittenPart]]:
    """The document in memory, and the parts nianbao wrote into it."""
    fmt = report.spec
    narrator = Narrator(templates_dir)
    ctx = narrative_context(report)
    b = _Builder(docx_template(templates_dir))
    written: list[tuple[str, list[str]]] = []

    def wrote(part: str, paras: list[str]) -> None:
        written.append((part, paras))

    b.title(report)
    preamble, generated = _chosen(office_paragraphs(report.texts.get(PREAMBLE)),
                                  narrator.render(PREAMBLE, ctx) or [])
    if generated:
        wrote(PREAMBLE, preamble)
    b.paragraphs(preamble)
    for section in fmt.sections:
        b.paragraph(section.title, "heading1")
        lead = narrator.render(section.key, ctx) or []
        if section.lead is not None:  # the office's own paragraph in its place
            lead, generated = _chosen(office_paragraphs(report.texts.get(section.lead.key)), lead)
        else:
            generated = bool(lead)
        if generated:
            wrote(section.key, lead)
        printed = 0
        if section.table:
            # the heading, the lead and the texts stay with the table (GB/T 9704: a table's
            # heading is not left at the foot of a page)
            b.paragraphs(lead, keep=True)
            printed = len(lead) + _section_texts(b, section, report, narrator, ctx,
                                                 offer_generated, [], wrote, keep=True)
            note = office_paragraphs(report.texts.get(section.note.key)) if section.note else []
            b.table(fmt.table(section.table), report, note)
        else:
            printed = _section_texts(b, section, report, narrator, ctx, offer_generated, lead,
                                     wrote)
            if not printed:  # never a bare heading: the part is visibly not written yet
                b.paragraph(say("document.unfilled"), "offered")
    b.signature(report)
    places = {p.part: p for p in generated_places(fmt.id, [part for part, _ in written])}
    return b, [WrittenPart(places[part], tuple(paras)) for part, paras in written]


def written_parts(report: Report, templates_dir: str | os.PathLike | None = None
                  ) -> list[WrittenPart]:
    """The paragraphs :func:`render_report` writes from the figures because the office wrote
    none there, each with the workbook cell that would take the office's own text (the
    workbook's 「将生成的文字」 shows the same before).  A door that makes the report gets them
    from :func:`make_report` without building it twice."""
    return _build(report, templates_dir, False)[1]


@dataclass(frozen=True)
class MadeReport:
    path: Path
    written: list[WrittenPart]  # what nianbao wrote, for the door to tell (written_lines)


def render_report(report: Report, path: str | os.PathLike, *,
                  templates_dir: str | os.PathLike | None = None,
                  offer_generated: bool = False) -> Path:
    """Write the annual report of ``report`` as a Word document at ``path``; return the path
    (:func:`make_report` also says which paragraphs nianbao wrote)."""
    return make_report(report, path, templates_dir=templates_dir,
                       offer_generated=offer_generated).path


def make_report(report: Report, path: str | os.PathLike, *,
                templates_dir: str | os.PathLike | None = None,
                offer_generated: bool = False) -> MadeReport:
    """Write the annual report of ``report`` as a Word document at ``path``.

    It states what the office entered: its texts verbatim; where it wrote none, a paragraph
    generated from the figures it entered (a blank is not a 0: nothing is said about it); a text
    part with neither is left out, and a section with nothing at all says so in a shaded line
    rather than standing as a bare heading (:func:`written_parts` lists what was generated).

    ``templates_dir``: a directory of the office's own narrative templates (``*.j2``, used
    before the built-in ones) and optionally its own ``report.docx``.  ``offer_generated``:
    where the office wrote its own text, also print the generated text after it, shaded and
    marked 〔据表格数据生成，供参考〕, to choose from.  Raises :class:`NianbaoError` for a
    broken template (naming file and line) or an unwritable path; the file is replaced in one
    step, never left half-written.
    """
    fmt = report.spec
    b, written = _build(report, templates_dir, offer_generated)
    title = report_title(report)

    props = b.doc.core_properties
    # a document property holds at most 255 characters; the title page has the whole name
    props.title = clean_text(title)[:PROPERTY_MAX]
    props.author = clean_text(report.meta.unit or "")[:PROPERTY_MAX]
    props.last_modified_by = "nianbao"
    props.subject = say("document.subject", format=fmt.title, basis=fmt.basis)
    props.comments = ""
    props.version = ""
    props.revision = 1
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now

    target = Path(path)
    with atomic_path(target) as tmp:
        b.doc.save(str(tmp))
    return MadeReport(target, written)


# -- PDF --------------------------------------------------------------------------------------------
# LibreOffice is driven from one module (nianbao.libreoffice); the document re-exports its PDF call
from .libreoffice import find_soffice, to_pdf  # noqa: E402


# -- the fonts of the PDF -----------------------------------------------------------------------
# GB/T 9704's fonts by the name a Word style gives them, with the PostScript names under which a
# PDF embeds them: a PDF that has none of a font's names was set in a substitute.
OFFICIAL_FONTS = {
    "方正小标宋简体": ("FZXBSJW--GB1-0", "FZXiaoBiaoSong-B05S"),
    "仿宋_GB2312": ("FangSong_GB2312",),
    "楷体_GB2312": ("KaiTi_GB2312",),
    "黑体": ("SimHei",),
    "宋体": ("SimSun",),
}
_BASE_FONT = re.compile(rb"/BaseFont\s*/([^\s/<>\[\]()]+)")
_FONT_NAMES = re.compile(r'w:(?:eastAsia|ascii)="([^"]+)"')


def pdf_fonts(pdf_path: str | os.PathLike) -> list[str]:
    """The fonts a PDF embeds, by PostScript name without the subset tag (「UMingCN」)."""
    data = Path(pdf_path).read_bytes()
    names = []
    for raw in _BASE_FONT.findall(data):
        name = raw.decode("latin-1").split("+", 1)[-1]
        if name not in names:
            names.append(name)
    return names


@dataclass(frozen=True)
class FontCheck:
    missing: list[str]  # official fonts the document asks for that the PDF does not have
    used: list[str]  # the other fonts in the PDF: what stood in for them


def check_pdf_fonts(docx_path: str | os.PathLike, pdf_path: str | os.PathLike) -> FontCheck:
    """Which of the official fonts the Word file names the PDF was really set in.  LibreOffice
    substitutes a font that is not installed without a word; a PDF published that way looks
    almost right and is not."""
    import zipfile

    with zipfile.ZipFile(docx_path) as z:
        named = set()
        for part in z.namelist():
            if re.fullmatch(r"word/(styles|document|footer\d*|header\d*)\.xml", part):
                named.update(_FONT_NAMES.findall(z.read(part).decode("utf-8")))
    embedded = pdf_fonts(pdf_path)
    official = {ps for ps_names in OFFICIAL_FONTS.values() for ps in ps_names}
    missing = [name for name, ps_names in OFFICIAL_FONTS.items()
               if name in named and not set(ps_names) & set(embedded)]
    return FontCheck(missing, [f for f in embedded if f not in official])


def pdf_font_warning(docx_path: str | os.PathLike, pdf_path: str | os.PathLike) -> str | None:
    """What every door that makes a PDF tells its user when the PDF was not set in the official
    fonts (see :func:`check_pdf_fonts`); None when it was."""
    fonts = check_pdf_fonts(docx_path, pdf_path)
    if not fonts.missing:
        return None
    return say("document.pdf_fonts_substituted", missing="、".join(fonts.missing),
               used="、".join(fonts.used) or "?", file=str(docx_path))


__all__ = ["render_report", "make_report", "MadeReport", "written_parts", "written_lines",
           "WrittenPart", "to_pdf", "check_pdf_fonts", "pdf_font_warning", "pdf_fonts",
           "FontCheck", "find_soffice", "table_grid", "column_widths",
           "report_title", "STYLE", "StyleNames", "docx_template"]



def written_lines(report: Report, parts: list[WrittenPart]) -> list[str]:
    """What a door prints after making the report: which paragraphs nianbao wrote, and the cell
    where the office's own text replaces each (as the workbook's 「将生成的文字」 says)."""
    if not parts:
        return []
    out = [say("document.generated", count=len(parts))]
    for w in parts:
        part, cell = place_texts(report.format, w.place)
        out.append(say("document.generated_line", part=part, cell=cell))
    return out
