"""Numbers as published reports write them: 9件, ９件, 九件, 一百二十五件, 两千条, 2,842 条, 1.15万余条.

Narrative checks compare such statements with the tables, so this module finds *quantities* —
a number followed by a measure word — and says whether the writer meant it exactly.  A number
hedged with 约/近/超过 or 余/多/左右, or a decimal scaled by 万/亿 (「1.15万条」 is a rounding),
is *approximate* and never compared.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9,
           # 大写 (financial) digits, as fee amounts are sometimes written: 壹佰伍拾元
           "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6,
           "柒": 7, "捌": 8, "玖": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000, "拾": 10, "佰": 100, "仟": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000, "萬": 10_000, "億": 100_000_000}
_CN_CHARS = "".join(_DIGITS) + "".join(_SMALL) + "".join(_BIG)

# measure words after a count; money units after an amount
COUNT_UNITS = ("人次", "件", "条", "个", "项", "起", "宗", "份", "次", "篇", "期", "场", "批次")
MONEY_UNITS = ("万元", "元")

_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CHINESE = f"[{_CN_CHARS}]+"
_PREFIX_APPROX = ("大约", "将近", "接近", "超过", "多达", "不少于", "约", "近", "逾", "上")


@lru_cache(maxsize=4096)  # every narrative rule scans the same few texts
def normalize(text: str) -> str:
    """Text as the narrative rules scan it.

    Full-width digits and the look-alike CJK radicals that PDF extraction produces (「⼀」 for
    「一」) become the ordinary characters; full-width punctuation stays (messages quote the
    text); line breaks are dropped, because reports copied from PDF break lines mid-sentence.
    """
    out = []
    for ch in text:
        o = ord(ch)
        if ch in "\r\n":
            continue
        if 0xFF10 <= o <= 0xFF19 or 0x2E80 <= o <= 0x2FDF or 0xF900 <= o <= 0xFAFF:
            n = unicodedata.normalize("NFKC", ch)
            out.append(n if len(n) == 1 else ch)
        elif ch in "\u3000\u00a0\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _below_wan(s: str) -> int | None:
    section = 0
    digit: int | None = None
    for ch in s:
        if ch in _DIGITS:
            if digit not in (None, 0):
                return None  # 「三四」 is no number
            digit = _DIGITS[ch]
        elif ch in _SMALL:
            section += (1 if digit is None else digit) * _SMALL[ch]
            digit = None
        else:
            return None
    return section + (digit or 0)


def chinese_to_int(s: str) -> int | None:
    """「九」→9, 「一百二十五」→125, 「两千」→2000, 「十二」→12, 「一万零五」→10005, 「二〇二一」→2021,
    「壹佰贰拾伍」→125; 「三四」 (a range) → None."""
    if not s or any(ch not in _CN_CHARS for ch in s):
        return None
    if not any(ch in _SMALL or ch in _BIG for ch in s):
        # positional digits, as in years (二〇二一); 「三四件」「七八条」 are ranges, not numbers
        if len(s) == 2 and not any(_DIGITS[ch] == 0 for ch in s):
            return None
        return int("".join(str(_DIGITS[ch]) for ch in s))
    for big, factor in (("亿", 100_000_000), ("億", 100_000_000), ("万", 10_000), ("萬", 10_000)):
        if big in s:
            high, low = s.split(big, 1)
            h, lo = chinese_to_int(high) if high else None, chinese_to_int(low) if low else 0
            return None if h is None or lo is None else h * factor + lo
    return _below_wan(s)


def parse_number(text: str) -> int | float | None:
    """One number written in Arabic (with 万/亿 scaling) or in Chinese numerals; else None."""
    s = normalize(text).strip()
    m = re.fullmatch(rf"({_ARABIC})\s*([万亿千]?)", s)
    if m:
        value = float(m.group(1).replace(",", ""))
        value *= {"": 1, "千": 1000, **_BIG}[m.group(2)]
        return int(value) if value == int(value) else value
    return chinese_to_int(s)


@dataclass(frozen=True)
class Quantity:
    """A number with its measure word, where it stands in the (normalized) text."""

    value: int | float
    unit: str
    start: int
    end: int
    approx: bool
    text: str


_UNITS_RE = "|".join(sorted(COUNT_UNITS + MONEY_UNITS, key=len, reverse=True))
# linear in the text: a number starts where no digit stands before it and has at most 20
# digits, so a 32,767-digit cell is not tried from each of its positions to its end
_BOUNDED = (rf"(?<![\d.])(?:\d{{1,3}}(?:,\d{{3}}){{1,6}}(?:\.\d{{1,6}})?|\d{{1,20}}(?:\.\d{{1,6}})?)"
            rf"|(?<![{_CN_CHARS}])[{_CN_CHARS}]{{1,20}}")
_QUANTITY = re.compile(
    rf"(?P<num>{_BOUNDED})\s*(?P<mult>[万亿千](?!元))?\s*(?P<suf>[余多来])?\s*"
    rf"(?P<unit>{_UNITS_RE})(?P<after>左右|以上|上下|有余)?"
)


def quantities(text: str, units: tuple[str, ...] | None = None) -> list[Quantity]:
    """Every number followed by a measure word in ``text`` (already :func:`normalize` d)."""
    out: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        value: int | float | None
        num, mult, unit = m.group("num"), m.group("mult") or "", m.group("unit")
        if units is not None and unit not in units:
            continue
        if num[0] in _CN_CHARS:
            if not any(ch in _DIGITS for ch in num) and num[0] not in _SMALL:
                continue  # 「万件」 alone is no number
            if m.start() > 0 and text[m.start() - 1] == "第":
                continue  # ordinal: 第一件
            # 「统一件」「一件事」: a Chinese numeral glued to letters is a word, not a count
            if num in ("一",) and m.end() < len(text) and text[m.end()] in "事":
                continue
            value = chinese_to_int(num)
        else:
            if m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] == "."):
                continue
            value = parse_number(num + mult)
            mult = ""
        if value is None:
            continue
        if mult:  # Chinese numeral followed by a separate 万 (rare: 「三 万条」)
            value *= {"千": 1000, **_BIG}[mult]
        before = text[max(0, m.start() - 4):m.start()].rstrip()
        approx = bool(
            m.group("suf") or m.group("after")
            or any(before.endswith(p) for p in _PREFIX_APPROX)
            or (("." in num) and ((m.group("mult") or "") in _BIG or "万" in num))
            or (isinstance(value, float) and unit not in MONEY_UNITS)
        )
        out.append(Quantity(value, unit, m.start(), m.end(), approx, m.group(0)))
    return out


__all__ = ["normalize", "chinese_to_int", "parse_number", "quantities", "Quantity",
           "COUNT_UNITS", "MONEY_UNITS"]
