"""One place for how Chinese text is folded, compared and measured.

Offices type the same name with full-width or half-width brackets and letters, with or without
spaces (「（开发区）」, 「(开发区)」, 「 开发区 」); PDF extraction gives look-alike radicals (「⼀」
for 「一」).  Every comparison of names and labels goes through :func:`compact`, so ``merge``,
``check --previous`` and ``audit`` agree on whether two names are the same unit; every width
estimate (workbook rows, audit columns) through :func:`display_width`.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Full-width letters, digits and punctuation as their ordinary forms, CJK radicals as the
    characters they look like (Unicode NFKC)."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4096)
def compact(text: str) -> str:
    """:func:`fold` without any whitespace: how two labels or names are compared."""
    return _SPACE.sub("", fold(text))


def unit_key(name: str | None) -> str:
    """A unit name compared as people mean it: full-width forms and spaces do not count."""
    return compact(name or "")


def office_key(name: str | None) -> str:
    """A unit name as the same office writes it in different years: :func:`unit_key`, and
    「人民政府」 written short as 「政府」 (「上海市人民政府办公厅」 and 「上海市政府办公厅」 are one
    office).  Nothing else is folded: a shorter name (「区政务办」, 「鼓楼区人民政府办公室」) can
    be any of several offices, and 「办」 stands for 办公室 as well as 办事处."""
    return unit_key(name).replace("人民政府", "政府")


def char_width(ch: str) -> int:
    """Columns a character takes on screen and paper: 2 for wide (CJK) characters, else 1.
    (The East Asian Width property, as terminals measure it — rich's ``cell_len`` agrees on every
    character a report holds — without importing anything.)"""
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    """Columns the longest line of ``text`` takes (a CJK character counts two)."""
    return max((sum(map(char_width, line)) for line in text.split("\n")), default=0)


__all__ = ["fold", "compact", "unit_key", "office_key", "char_width", "display_width"]
