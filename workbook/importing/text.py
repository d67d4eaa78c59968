"""The one shape every source becomes: lines of text, searched as a *compact stream*.

Extractions break labels across lines mid-word, pad cells with full-width spaces, print Kangxi
radicals for 一 and 二 and put tabs or nothing between cells.  The stream removes what is noise
for matching — every whitespace character, the differences NFKC folds (full-width digits and
brackets, compatibility ideographs), quotes — and remembers where whitespace was, so a run of
numbers still splits at the gaps the source printed.  A declared label is folded the same way
and found with ``str.find``.

Sources that know their cells (Word, HTML) mark an empty cell with :data:`BLANK`, so a blank
printed in a table keeps its place among the numbers.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

BLANK = "\ue000"  # an empty table cell, from sources that know their cells
CELL = "\t"  # between the cells of one table row
PAGE = "\f"  # a line of its own between two pages, from sources that know their pages

# quotes are printed in every style (“”, "", 「」) or lost; they never tell two labels apart;
# the enumeration comma and the full stop after 「1」 are interchangeable in print
_DROP = "“”‘’\"'「」『』"
_SAME = {"、": ".", "。": "."}
_WORD = re.compile(r"\S+")
# NFKC where it matters to Chinese reports — full-width forms, compatibility and Kangxi-radical
# ideographs, circled numbers — as one translation table: NFKC over a whole document is ten
# times slower, and none of the characters it would change besides these occurs in labels
_NFKC_RANGES = ((0x2460, 0x2500), (0x2E80, 0x2FE0), (0x3000, 0x3040), (0x3200, 0x3400),
                (0xF900, 0xFB00), (0xFE30, 0xFE50), (0xFF00, 0xFFF0))


def _char(ch: str) -> str:
    ch = unicodedata.normalize("NFKC", ch)
    return "".join("" if c in _DROP else _SAME.get(c, c) for c in ch)


_FOLD = {cp: _char(chr(cp)) for lo, hi in _NFKC_RANGES for cp in range(lo, hi)
         if _char(chr(cp)) != chr(cp)}
_FOLD.update({ord(c): _char(c) for c in _DROP + "".join(_SAME)})
# PDF extractions print Kangxi radicals (⼀ ⼯ ⽆) for the ideographs 一 工 无; in an office's text
# only these are folded — full NFKC would also turn its full-width punctuation into ASCII
_RADICALS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2E80, 0x2FE0)
             if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)}


def plain(text: str) -> str:
    """An office's text as it reads: radicals printed for ideographs made ideographs again."""
    return text.translate(_RADICALS) if _RADICAL.search(text) else text


_RADICAL = re.compile("[\u2e80-\u2fdf]")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """``text`` as the stream compares it: folded (NFKC for full-width forms and radicals, no
    quotes, 、 as .), no whitespace."""
    return "".join(_WORD.findall(text.translate(_FOLD)))


@dataclass
class Stream:
    """Compact text of a document: ``text`` has no whitespace; ``gaps`` are the positions where
    the source had some (a token boundary); ``line_of(pos)`` maps back to the source line."""

    lines: list[str]
    text: str
    gaps: list[int]  # sorted
    line_starts: list[int]  # compact offset where each line begins

    @classmethod
    def of(cls, lines: list[str]) -> "Stream":
        parts: list[str] = []
        gaps: list[int] = []
        starts: list[int] = []
        pos = 0
        norm = "\n".join(lines).translate(_FOLD)
        for line in norm.replace(BLANK, f" {BLANK} ").split("\n"):
            starts.append(pos)
            for word in _WORD.findall(line):
                gaps.append(pos)
                parts.append(word)
                pos += len(word)
        gaps.append(pos)
        return cls(lines, "".join(parts), gaps, starts)

    def line_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.line_starts, pos) - 1)

    def locate(self, pos: int) -> tuple[int, int]:
        """The source line and the column in it where compact offset ``pos`` is."""
        i = self.line_of(pos)
        want = pos - self.line_starts[i]
        n = 0
        line = self.lines[i]
        for col, ch in enumerate(line):
            for c in ch.translate(_FOLD):
                if not c.isspace():
                    if n >= want:
                        return i, col
                    n += 1
        return i, len(line)

    def tokens(self, start: int, end: int) -> list[tuple[int, str]]:
        """The whitespace-separated tokens between two offsets, with their offsets."""
        out: list[tuple[int, str]] = []
        begin = start
        k = bisect.bisect_right(self.gaps, start)
        while begin < end:
            stop = min(self.gaps[k], end) if k < len(self.gaps) else end
            if stop > begin:
                out.append((begin, self.text[begin:stop]))
            begin = stop
            k += 1
        return out


def decode(data: bytes) -> str:
    """Text saved by Chinese offices: UTF-8 (with or without BOM), else GB18030 (a superset of
    GBK and GB2312), else UTF-16 with a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")  # (an odd byte at the end: damage)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


# -- table rows from sources that know their cells -------------------------------------------------------
# a cell holding only a dash or a slash is printed empty on purpose: a blank, not a number
_DASHES = {"-", "—", "–", "－", "——", "/", "／", "\\"}


def table_row_line(cells: list[str]) -> str:
    """One table row as a line: empty cells after the row's first filled one are blanks
    (cells before it are empty label columns, not values)."""
    out: list[str] = []
    for text in cells:
        if text and text not in _DASHES:
            out.append(text)
        elif out:
            out.append(BLANK)
    return CELL.join(out)


_CELL_SEP = re.compile(r"\t|[|｜]")
_VALUE = re.compile(r"[-+]?[\d,.]*\d[\d,.]*")


def text_row(line: str) -> str:
    """A line of text copied from a table keeps its cells apart with tabs (a browser or Word)
    or bars (「规章 | 0 | 0 | 0 |」): an empty cell between two filled ones is a printed blank.
    Other lines are returned as they are, and so are the ends of a row (a trailing tab or bar
    ends the row, it is no cell)."""
    if "\t" not in line and "|" not in line and "｜" not in line:
        return line
    cells = [c.strip(" \u3000\xa0") for c in _CELL_SEP.split(line)]
    while cells and not cells[-1]:
        cells.pop()
    filled = [c for c in cells if c]
    if len(filled) < 2 or not any(_VALUE.fullmatch(c) for c in filled[1:]):
        return line  # prose indented with a tab, or a heading between bars
    return table_row_line(cells)


# -- page furniture -----------------------------------------------------------------------------------
# a page number printed as a folio, a whole line: 「— 3 —」, 「- 3 -」, 「·3·」, 「第 3 页」,
# 「第3页 共12页」, 「共12页 第3页」
_FOLIO = re.compile(
    r"^\s*(?:[-—–－·•]{1,2}\s*\d{1,4}\s*[-—–－·•]{1,2}"
    r"|第\s*\d{1,4}\s*页(?:\s*[/，,、]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[，,]?\s*第\s*\d{1,4}\s*页)\s*$")
# a folio run into a line (a viewer's copy joins the page's last line and its footer, 「0— 4 —」):
# the forms nothing else prints — a number between long dashes, 「第 3 页」 — never 「- 3 -」, which
# a row of dashes printed for blanks can also read
_FOLIO_IN_LINE = re.compile(
    r"(?:(?<=[\s\d])|^)[—–－]{1,2}\s*\d{1,3}\s*[—–－]{1,2}(?=\s|$)"
    r"|第\s*\d{1,4}\s*页(?:\s*[/，,、]?\s*共\s*\d{1,4}\s*页)?")
# 「3/12」 or a bare 「3」 is a page number only at a page's top or bottom, where pages are known
_PAGE_OF = re.compile(r"^\s*(\d{1,4})\s*(?:/\s*\d{1,4})?\s*$")
REPEATED_MIN = 3  # a line printed this often without pages is a running header or footer …
REPEATED_CHARS = 6  # … when it has at least this many characters
_DIGITS = re.compile(r"\d+")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def without_furniture(lines: list[str], structure: frozenset[str] = frozenset()) -> list[str]:
    """``lines`` without what a printed page adds to the report: page numbers in every common
    form and running headers and footers (a line repeated at the top or bottom of the pages,
    or — where pages are not known — the same line printed again and again).  The first time
    a running header is printed it stays (it is often the report's title).

    ``structure``: the folded labels a table prints (「信息内容」 …), which repeat for good
    reason and are never taken for a running header.
    """
    pages: list[list[str]] = [[]]
    for line in lines:
        if line == PAGE:
            pages.append([])
        else:
            pages[-1].append(line)
    drop: set[str] = set()
    if len(pages) > 1:
        pages = [_page_numbers_off(p, i, len(pages)) for i, p in enumerate(pages)]
        drop = _running(pages, structure)
    out: list[str] = []
    for page in pages:
        for line in page:
            if _FOLIO.match(line):
                continue
            out.append(_FOLIO_IN_LINE.sub(" ", line) if _has_folio_mark(line) else line)
    if len(pages) == 1:
        # one page: a running header repeats as printed (its page number, if any, is gone)
        keys = [line.strip() for line in out]
        drop = _repeated(keys, structure)
    else:
        keys = [_furniture_key(line) for line in out]
    if not drop:
        return out
    seen: set[str] = set()
    kept = []
    for line, key in zip(out, keys):
        if key in drop:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return kept


def _has_folio_mark(line: str) -> bool:
    return "页" in line or "—" in line or "–" in line or "－" in line


def _furniture_key(line: str) -> str:
    return _DIGITS.sub("#", "".join(line.split()))


def _page_numbers_off(page: list[str], index: int, count: int) -> list[str]:
    """A page without a bare page number (「3」, 「3/12」) as its first or last line: only
    where the number is the page's own (its place in the document, give or take a cover)."""
    filled = [i for i, line in enumerate(page) if line.strip()]
    for i in filled[:1] + filled[-1:]:
        m = _PAGE_OF.match(page[i])
        if m and abs(int(m.group(1)) - (index + 1)) <= 2 and (
                "/" not in page[i] or int(page[i].split("/")[1]) >= count - 2):
            page = page[:i] + page[i + 1:]
            break
    return page


def _running(pages: list[list[str]], structure: frozenset[str]) -> set[str]:
    """Lines printed at the top or bottom of at least two pages (digits aside: 「第3页」)."""
    ends: Counter = Counter()
    for page in pages:
        filled = [line for line in page if line.strip()]
        for line in set(filled[:2] + filled[-2:]):
            key = _furniture_key(line)
            if len(key) >= 2 and not _is_structure(key, structure):
                ends[key] += 1
    return {k for k, n in ends.items() if n >= 2}


def _repeated(keys: list[str], structure: frozenset[str]) -> set[str]:
    """Without pages: a long line printed REPEATED_MIN times or more, not a table's labels nor
    a row of numbers, is a running header; its later printings go."""
    counts = Counter(keys)
    return {k for k, n in counts.items() if n >= REPEATED_MIN and len(k) >= REPEATED_CHARS
            and _HAN.search(k) and not _is_structure("".join(k.split()), structure)}


def _is_structure(key: str, structure: frozenset[str]) -> bool:
    """Whether a line is made of a table's labels and numbers only (「信息内容本年处理决定数量」)."""
    rest = fold(_DIGITS.sub("", key))
    for label in sorted(structure, key=len, reverse=True):
        if label and label in rest:
            rest = rest.replace(label, "")
    return len(re.sub(r"[\W_#]", "", rest)) < 2
