"""Reading a row's numbers, and splitting digit runs that lost their separators.

Text copied from a web page's table runs cells together: 「规章000行政规范性文件5845546」.  A
row's tokens are read as they stand when there is one per column; otherwise every way of cutting
the runs into one number per column is a *candidate* (a count has no leading zero and at most
:data:`MAX_DIGITS` digits), and :func:`resolve` keeps the candidates under which the declared
rules hold — interpreted through :func:`nianbao.rules.instances`, never re-coded here.
Where more than one candidate survives, the values that differ are left missing and the
candidates reported; nothing is picked.
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from ..report import MISSING, Invalid, Value
from .text import BLANK

# an office's yearly count of requests or documents never reaches a million
MAX_DIGITS = 6
# joint search over the rows left ambiguous stops at this many combinations
MAX_COMBINATIONS = 50_000
# candidates per row considered at all (a 40-digit run has millions of cuts)
MAX_CANDIDATES = 20_000

_NUMBER = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?")  # 本年增/减 may print 「+3」
_RUN = re.compile(r"(?:-?\d+(?:\.\d+)?)+")  # numbers that lost the spaces between them


def value_tokens(tokens: Iterable[str]) -> list[str]:
    """The number-like parts of a row's tokens (blanks kept, text dropped)."""
    out: list[str] = []
    for tok in tokens:
        if tok == BLANK:
            out.append(BLANK)
        else:
            out += _NUMBER.findall(tok)
    return out


@lru_cache(maxsize=4096)  # a report's tables are mostly the same few numbers
def parse(token: str, kind: str) -> Value:
    if token == BLANK:
        return None
    text = token.replace(",", "")
    if not _NUMBER.fullmatch(token):
        return Invalid(token)
    if kind == "money":
        return float(text) if "." in text else int(text)
    if "." in text or (text.startswith(("-", "+")) and kind != "signed"):
        return Invalid(token)
    return int(text)


_HEAD = re.compile(r"-?(?:0|[1-9]\d*)")


@lru_cache(maxsize=4096)
def _cuts(run: str, k: int) -> tuple[tuple[str, ...], ...]:
    """Every way to cut a run of digits (signs and decimal points kept) into ``k`` numbers:
    no leading zeros, at most MAX_DIGITS digits before the point, a sign only in front."""
    if k == 0:
        return ((),) if not run else ()
    if len(run) < k:
        return ()
    out: list[tuple[str, ...]] = []
    m = _HEAD.match(run)
    if not m:
        return ()
    sign = run.startswith("-")
    digits = m.group().lstrip("-")
    longest = 1 if digits == "0" else min(MAX_DIGITS, len(digits))
    for i in range(1, longest + 1):
        end = i + sign
        head = run[:end]
        if head in ("-0",) or (len(head.lstrip("-")) > 1 and head.lstrip("-")[0] == "0"):
            continue
        tails = [end]
        if run[end:end + 1] == "." and i == len(digits):
            frac = len(run) - end - 1 - len(run[end + 1:].lstrip("0123456789"))
            tails = [end + 1 + j for j in range(1, frac + 1)]
        for t in tails:
            out += [(run[:t],) + rest for rest in _cuts(run[t:], k - 1)]
            if len(out) > MAX_CANDIDATES:
                return tuple(out)
    return tuple(out)


def candidates(tokens: Sequence[str], kinds: Sequence[str]) -> list[tuple[Value, ...]]:
    """Every reading of a row's value tokens as one value per column (``len(kinds)``).

    Tokens the source separated are one number each; a row printed as one digit run (its
    separators lost) is cut every possible way.  With fewer numbers than columns, some cells
    were printed blank and every placement of the blanks is a reading; with one or two more,
    a page number or a footnote mark strayed in and may be left out.
    """
    n = len(kinds)
    if len(tokens) == n:
        return [tuple(parse(t, k) for t, k in zip(tokens, kinds))]
    if not tokens:
        return []
    out: list[tuple[Value, ...]] = []
    if len(tokens) == 1 and _RUN.fullmatch(tokens[0]):
        for parts in _cuts(tokens[0], n):
            reading = tuple(parse(t, k) for t, k in zip(parts, kinds))
            if not any(isinstance(v, Invalid) for v in reading):
                out.append(reading)
        if out:
            return out[:MAX_CANDIDATES]
    if len(tokens) < n:
        for where in itertools.combinations(range(n), len(tokens)):
            it = iter(tokens)
            out.append(tuple(parse(next(it), k) if i in where else None
                             for i, k in enumerate(kinds)))
        return out[:MAX_CANDIDATES]
    if len(tokens) - n <= 2:
        for keep in itertools.combinations(range(len(tokens)), n):
            out.append(tuple(parse(tokens[i], k) for i, k in zip(keep, kinds)))
    return out


# -- resolution by the declared rules --------------------------------------------------------------
@dataclass
class Group:
    """One printed row: its fields, and the readings still possible."""

    fields: tuple[str, ...]
    options: list[tuple[Value, ...]]
    printed: str = ""  # the tokens as printed, for the message

    @property
    def decided(self) -> bool:
        return len(self.options) == 1


@dataclass(frozen=True)
class Ambiguity:
    fields: tuple[str, ...]
    candidates: tuple[tuple[Value, ...], ...]  # the readings under which every rule holds
    printed: str

    def to_dict(self) -> dict:
        return {"fields": list(self.fields), "printed": self.printed,
                "candidates": [[None if v is None else v for v in c] for c in self.candidates]}


def _holds(inst, values: dict[str, Value], blank_is_zero: bool,
           first: dict[str, Value] | None = None) -> bool | None:
    """Whether one rule instance holds (terms looked up in ``first``, then ``values``); None
    when a term is unknown."""
    total = 0.0
    first = first or {}
    for side, sign0 in ((inst.left, 1), (inst.right, -1)):
        for t in side:
            if t.field in first:
                v = first[t.field]
            elif t.prev or t.field not in values:
                return None
            else:
                v = values[t.field]
            if v is None and blank_is_zero:
                v = 0
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                return None
            total += sign0 * t.sign * v
    return math.isclose(total, 0, abs_tol=1e-6)


def resolve(groups: list[Group], known: dict[str, Value], format_id: str
            ) -> tuple[dict[str, Value], list[Ambiguity]]:
    """Values for every group's fields: a reading where one is left under the declared rules;
    where several are, the fields they agree on, MISSING for the others, and an Ambiguity."""
    from ..rules import instances
    from ..formats import get_format

    insts = [i for i in instances(format_id) if not i.cross_year]
    blank_zero = get_format(format_id).blank_is_zero
    values = dict(known)
    for g in groups:
        if g.decided:
            values.update(zip(g.fields, g.options[0]))
    open_groups = [g for g in groups if not g.decided and g.options]
    by_field = {f: g for g in open_groups for f in g.fields}

    def touching(g: Group):
        fs = set(g.fields)
        return [i for i in insts if any(t.field in fs for t in i.terms)]

    changed = True
    while changed:  # prune each row by the rules whose other terms are known
        changed = False
        for g in open_groups:
            if g.decided:
                continue
            rel = [i for i in touching(g)
                   if all(t.field in g.fields or (t.field in values and t.field not in by_field)
                          for t in i.terms)]
            if not rel:
                continue
            kept = []
            for opt in g.options:
                mine: dict[str, Value] = dict(zip(g.fields, opt))
                if all(_holds(i, values, blank_zero, mine) is not False for i in rel):
                    kept.append(opt)
            if len(kept) != len(g.options):
                g.options = kept
                changed = True
            if len(kept) == 1:
                values.update(zip(g.fields, kept[0]))
                for f in g.fields:
                    by_field.pop(f, None)
    rest = [g for g in open_groups if len(g.options) > 1]
    if rest and math.prod(len(g.options) for g in rest) <= MAX_COMBINATIONS:
        rel = [i for i in insts if any(t.field in by_field for t in i.terms)]
        seen: list[set] = [set() for _ in rest]
        for combo in itertools.product(*(g.options for g in rest)):
            mine = {}
            for g, opt in zip(rest, combo):
                mine.update(zip(g.fields, opt))
            if all(_holds(i, values, blank_zero, mine) is not False for i in rel):
                for s, opt in zip(seen, combo):
                    s.add(opt)
        for g, s in zip(rest, seen):
            g.options = [o for o in g.options if o in s]
            if len(g.options) == 1:
                values.update(zip(g.fields, g.options[0]))
    ambiguous: list[Ambiguity] = []
    for g in open_groups:
        if len(g.options) == 1:
            continue
        opts = g.options
        for j, f in enumerate(g.fields):
            same = {repr(o[j]) for o in opts}
            values[f] = opts[0][j] if len(same) == 1 and opts else MISSING
        ambiguous.append(Ambiguity(g.fields, tuple(opts), g.printed))
    return values, ambiguous


__all__ = ["candidates", "value_tokens", "parse", "resolve", "Group", "Ambiguity", "MAX_DIGITS"]
