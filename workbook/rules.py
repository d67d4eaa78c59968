"""The declared reconciliation rules, compiled: each rule's instances with their terms resolved
(``t3.row`` for every row of 表三, ``prev:`` terms marked as last year's).

A property of the declarations, not of the checker: the engine checks these instances, the
importer splits run-together digits by them, starting next year fills the cells they fix, and
the audit runs the cross-year ones along a unit's series.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .formats import get_format
from .formats.model import Rule
from .places import place


@dataclass(frozen=True)
class Term:
    field: str
    sign: int  # +1 or -1
    prev: bool  # taken from last year's report

    @classmethod
    def parse(cls, text: str) -> "Term":
        sign = 1
        if text.startswith("-"):
            sign, text = -1, text[1:]
        prev = text.startswith("prev:")
        return cls(text[5:] if prev else text, sign, prev)


@dataclass(frozen=True)
class Instance:
    """One instance of a declared rule, its terms resolved."""

    rule: Rule
    bindings: tuple[tuple[str, str], ...]
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    # derived once per format (instances() is cached): a check of a province's thousands of
    # workbooks runs every instance thousands of times
    terms: tuple[Term, ...] = ()
    cross_year: bool = False
    sheets: frozenset[str] = frozenset()  # the sheets of this year's terms

    @classmethod
    def of(cls, format_id: str, rule: Rule, bindings: dict[str, str], left: tuple[str, ...],
           right: tuple[str, ...]) -> "Instance":
        lt, rt = tuple(map(Term.parse, left)), tuple(map(Term.parse, right))
        terms = lt + rt
        sheets = frozenset(place(format_id, t.field).sheet for t in terms if not t.prev)
        return cls(rule, tuple(bindings.items()), lt, rt, terms, any(t.prev for t in terms), sheets)


@lru_cache(maxsize=None)
def instances(format_id: str) -> tuple[Instance, ...]:
    fmt = get_format(format_id)
    return tuple(
        Instance.of(fmt.id, rule, b, left, right)
        for rule in fmt.rules
        for b, left, right in rule.instances()
    )


__all__ = ["Term", "Instance", "instances"]
