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
from dataclasses import dataclass
from functools import lru_cache

BLANK = "\ue000"  # an empty table cell, from sources that know their cells
CELL = "\t"  # between the cells of one table row

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
    return text.translate(_RADICALS)


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
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")
