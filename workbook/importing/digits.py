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
from dataclasses import dataclass, field
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


def too_long(token: str) -> bool:
    """A number with more digits before its point than a workbook cell is read with
    (``reader.MAX_DIGITS``, Excel's 15): out of range, as in a workbook — and Python's int()
    refuses a few thousand digits with a ValueError."""
    from ..reader import MAX_DIGITS

    return len(token.replace(",", "").lstrip("+-").split(".")[0].lstrip("0")) > MAX_DIGITS


@lru_cache(maxsize=4096)  # a report's tables are mostly the same few numbers
def parse(token: str, kind: str) -> Value:
    if token == BLANK:
        return None
    text = token.replace(",", "")
    if not _NUMBER.fullmatch(token) or too_long(token):
        return Invalid(token)  # (an over-long number is named by read.out_of_range)
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
    tokens = list(tokens)
    while len(tokens) > n and BLANK in (tokens[0], tokens[-1]):  # an empty cell at a row's end
        tokens.pop(0 if tokens[0] == BLANK else -1)
    if len(tokens) == n:
        return [tuple(parse(t, k) for t, k in zip(tokens, kinds))]
    if not tokens:
        return []
    out: list[tuple[Value, ...]] = []
    if len(tokens) == 1 and _RUN.fullmatch(tokens[0]):
        out = _run_readings(tokens[0], kinds)
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


def _run_readings(run: str, kinds: Sequence[str]) -> list[tuple[Value, ...]]:
    """A row printed as one digit run: every cut into one number per column, and — a cell
    printed blank leaves nothing in the run (「303」 may be 「 、30、3」) — every cut into fewer
    numbers with the blanks placed every way, as long as all of them can be listed
    (MAX_CANDIDATES); a long run is cut into one number per column only."""
    n = len(kinds)

    levels = [(k, _cuts(run, k)) for k in range(min(n, len(run)), 0, -1)]
    total = sum(len(cuts) * math.comb(n, k) for k, cuts in levels)
    if total > MAX_CANDIDATES:
        levels = levels[:1] if levels and levels[0][0] == n else []
    out: list[tuple[Value, ...]] = []
    uniform = len(set(kinds)) == 1
    for k, cuts in levels:
        for parts in cuts:
            parsed = tuple(parse(t, kinds[0]) for t in parts) if uniform else None
            if parsed is not None and any(isinstance(v, Invalid) for v in parsed):
                continue
            for where in itertools.combinations(range(n), k):
                row: list[Value] = [None] * n
                for i, at in enumerate(where):
                    row[at] = parsed[i] if parsed is not None else parse(parts[i], kinds[at])
                if parsed is None and any(isinstance(v, Invalid) for v in row):
                    continue
                out.append(tuple(row))
    return out


# -- resolution by the declared rules --------------------------------------------------------------
@dataclass
class Group:
    """One printed row: its fields, and the readings still possible."""

    fields: tuple[str, ...]
    options: list[tuple[Value, ...]]
    printed: str = ""  # the tokens as printed, for the message
    # readings to fall back on when the rules reject every option (a row's numbers read as
    # printed, when no reading that moves them to their own row holds)
    fallback: list[tuple[Value, ...]] = field(default_factory=list)

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
    open_groups = [g for g in groups if not g.decided and (g.options or g.fallback)]
    for g in open_groups:
        if not g.options:
            g.options, g.fallback = g.fallback, []
    while True:
        _propagate(open_groups, values, insts, blank_zero)
        revived = [g for g in open_groups if not g.options and g.fallback]
        for g in revived:
            g.options, g.fallback = g.fallback, []
        if not revived:
            break
    for g in open_groups:
        if len(g.options) == 1:
            values.update(zip(g.fields, g.options[0]))
    by_field = {f: g for g in open_groups if len(g.options) > 1 for f in g.fields}
    rest = [g for g in open_groups if len(g.options) > 1]
    if rest and math.prod(len(g.options) for g in rest) <= MAX_COMBINATIONS:
        rel = [i for i in insts if any(t.field in by_field for t in i.terms)]
        seen: list[set] = [set() for _ in rest]
        for combo in itertools.product(*(g.options for g in rest)):
            mine: dict[str, Value] = {}
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


MAX_SUMS = 20_000  # possible partial sums of one rule followed before it is left to the search


def _propagate(groups: list[Group], values: dict[str, Value], insts, blank_zero: bool) -> None:
    """Drop every reading of a group that no reading of the other groups in a rule can
    complete (arc consistency over the declared linear rules).  A rule is Σ sign·term = 0;
    the terms a group holds add up to one contribution per reading, and a reading stays
    when minus its contribution and the known terms is a sum the other groups can make."""
    by_field: dict[str, tuple[Group, int]] = {}
    for g in groups:
        for j, f in enumerate(g.fields):
            by_field[f] = (g, j)
    touching: dict[int, list] = {}
    for inst in insts:
        if any(t.field in by_field for t in inst.terms):
            for t in inst.terms:
                if t.field in by_field:
                    touching.setdefault(id(by_field[t.field][0]), []).append(inst)
    queue = list(dict.fromkeys(i for g in groups for i in touching.get(id(g), ())))
    queued = {id(i) for i in queue}
    while queue:
        inst = queue.pop(0)
        queued.discard(id(inst))
        changed = _prune(inst, by_field, values, blank_zero)
        for g in changed:
            for other in touching.get(id(g), ()):
                if id(other) not in queued:
                    queue.append(other)
                    queued.add(id(other))


def _number(v: Value, blank_zero: bool) -> float | None:
    if v is None and blank_zero:
        return 0
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    return None


def _prune(inst, by_field, values: dict[str, Value], blank_zero: bool) -> list[Group]:
    """Apply one rule instance to the groups it touches; the groups whose readings shrank."""
    constant: float = 0
    parts: dict[int, tuple[Group, list[tuple[int, int]]]] = {}
    for side, sign0 in ((inst.left, 1), (inst.right, -1)):
        for t in side:
            sign = sign0 * t.sign
            if t.prev:
                return []
            if t.field in by_field:
                g, j = by_field[t.field]
                parts.setdefault(id(g), (g, []))[1].append((j, sign))
                continue
            if t.field not in values:
                return []
            v = _number(values[t.field], blank_zero)
            if v is None:
                return []
            constant += sign * v
    if not parts:
        return []
    contributions: list[tuple[Group, list]] = []
    exact = isinstance(constant, int)
    for g, terms in parts.values():
        contrib = [0] * len(g.options)
        for j, sign in terms:
            col = _column(g, j, blank_zero)
            if col is None:
                return []  # a reading with a missing or invalid term: the rule cannot decide
            contrib = [c + sign * v for c, v in zip(contrib, col)] if sign != 1 or any(contrib) \
                else list(col)
        exact = exact and all(type(c) is int for c in contrib)
        contributions.append((g, contrib))
    if not exact:  # money: compared to a millionth
        constant = round(constant, 6)
        contributions = [(g, [round(c, 6) for c in cs]) for g, cs in contributions]
    sets = [set(c) for _, c in contributions]
    prefix: list[set] = [{0}]
    for s in sets[:-1]:
        sums = _add(prefix[-1], s, exact)
        if sums is None:
            return []
        prefix.append(sums)
    suffix: list[set] = [{0}]
    for s in reversed(sets[1:]):
        sums = _add(suffix[0], s, exact)
        if sums is None:
            return []
        suffix.insert(0, sums)
    changed = []
    for i, (g, contrib) in enumerate(contributions):
        before, after = prefix[i], suffix[i]
        small, large = (before, after) if len(before) <= len(after) else (after, before)
        ok = {}
        for c in set(contrib):
            need = -constant - c
            ok[c] = any(((need - x) if exact else round(need - x, 6)) in large for x in small)
        keep = [o for o, c in zip(g.options, contrib) if ok[c]]
        if len(keep) != len(g.options):
            g.options = keep
            changed.append(g)
    return changed


def _column(g: Group, j: int, blank_zero: bool) -> list | None:
    """The numbers field ``j`` has in each of a group's readings (cached while the readings
    stay the same); None when a reading has no number there."""
    cache = g.__dict__.setdefault("_columns", {})
    key = (j, len(g.options))
    if key not in cache:
        col = [_number(o[j], blank_zero) for o in g.options]
        cache[key] = None if any(v is None for v in col) else col
    return cache[key]


def _add(a: set, b: set, exact: bool) -> set | None:
    """{x + y}: the sums two sets of partial sums make; None when too many to follow."""
    if len(a) * len(b) > MAX_SUMS * 10:
        return None
    out = {x + y for x in a for y in b} if exact else {round(x + y, 6) for x in a for y in b}
    return out if len(out) <= MAX_SUMS else None


__all__ = ["candidates", "value_tokens", "parse", "resolve", "Group", "Ambiguity", "MAX_DIGITS",
           "too_long"]
