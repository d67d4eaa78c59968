"""Finding a published report's parts by the *declared* labels, with tolerance for noise.

Everything looked for comes from :mod:`nianbao.formats`: section titles (and the variants
offices print), block titles, column and row labels.  Each format's declaration is tried where
formats differ — a 2021 report that still prints a 2019 block is read by that block's 2019
columns, its values kept where the 2021 format has the same field, and the mix reported.

The table of a section lies between its heading and the next one; in it, block titles are
found in declared order, and each row's label anywhere in its block (a PDF prints a merged
label beside the middle of its rows); a row's values are the numbers between its label and the
next label found.  Columns are taken in declared order: an extraction keeps a row's numbers in
the printed order of the columns, and offices print the columns as the format does.  A label is
found folded (see :mod:`.text`), whole, or else by a long prefix (an extraction that moved a
label's last character past the numbers, or printed the row's numbers inside a two-line label),
or by its words without its number (「（1）本机关不掌握…」, 「本机关不掌握…」).  Where a row has no
numbers after its label and its neighbour too many (a number printed above a two-line label), or
a block prints its label column and then its values, the numbers are given to their rows by
where they stand (:class:`Window`); the declared rules choose among the ways to do so.  Numbers
are read by :mod:`.digits`, which settles run-together digits by the declared rules.

Before any of this, page furniture goes (:func:`.text.without_furniture`) and a page copied as one
line is cut at its section headings (:func:`split_run_on`); the title, unit, year and contact
items are read by :mod:`.meta`, the sections' texts split into their parts by :mod:`.parts`.
"""
from __future__ import annotations

import re
from pathlib import Path
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..findings import Finding, emit
from ..formats import CURRENT, FORMATS, format_for_year, get_format
from ..formats.model import Block, Format, Row, field_id
from ..messages import say
from ..report import MISSING, Invalid, Report, format_number
from .digits import (MAX_CANDIDATES, Ambiguity, Group, candidates, resolve, too_long,
                     value_tokens)
from .meta import find_title, publisher, read_contacts, read_year, signature, title_unit
from .parts import full_width, split_texts
from .text import BLANK, Stream, fold, without_furniture

PREFIX_MIN = 6  # a label found by its beginning needs this many characters …
PREFIX_SHARE = 0.4  # … and this share of the label
NOISE_GAP = 4  # characters of noise skipped inside a label (a group label's line: 「其他处理」)
MISSING_NAMED = 8  # rows or cells named in a message


@dataclass
class Imported:
    """A report read from a published document, and how sure the reading is."""

    report: Report
    format_detected: str | None  # "2021", "2019", "mixed", or None (no table found)
    ambiguous: list[Ambiguity] = field(default_factory=list)
    path: Path | None = None  # the workbook it was written to (``nianbao import -o``)

    @property
    def detected_title(self) -> str:
        return detected_title(self.format_detected)

    @property
    def missing_extras(self) -> list[str]:
        """The section extras (六's 信息处理费 figures) the source lacks, by label: a report
        states them in words, in no table, so they are counted apart from the table values."""
        missing = set(self.report.missing())
        return [e.label for s in self.report.spec.sections for e in s.extras if e.key in missing]

    @property
    def missing_values(self) -> int:
        """How many table values the source lacks (the extras apart)."""
        return len(self.report.missing()) - len(self.missing_extras)

    @property
    def notices(self) -> list[str]:
        return [f.message for f in self.report.findings if f.severity == "notice"]

    def to_dict(self) -> dict:
        d = self.report.to_dict()
        d["format_detected"] = self.format_detected
        d["ambiguous"] = [a.to_dict() for a in self.ambiguous]
        d["notices"] = self.notices
        return d


def detected_title(detected: str | None) -> str:
    """A detected format as people read it: its title, 「新旧格式混用」, or 「未识别」."""
    if detected in FORMATS:
        return FORMATS[detected].title
    return say("import.detected_mixed") if detected == "mixed" else say("cli.import.none")


# -- finding labels ---------------------------------------------------------------------------------
def find(stream: Stream, label: str, start: int, end: int,
         rivals: tuple[str, ...] = ()) -> tuple[int, int] | None:
    """Where folded ``label`` is in ``stream`` between ``start`` and ``end``: whole, or by a
    long enough prefix extended over short noise (a PDF puts a band's 「理」 or a row's numbers
    into the middle of a wrapped label).  A prefix that ``rivals`` (the labels it must be told
    from: 第二十条第（一）项 from 第二十条第（五）项) also begin with does not count."""
    key = fold(label)
    if not key:
        return None
    text = stream.text
    at = text.find(key, start, end)
    if at >= 0:
        return at, at + len(key)
    if len(key) < PREFIX_MIN:
        return None
    at = text.find(key[:PREFIX_MIN], start, end)
    if at < 0:
        return None
    # the longest prefix that is printed in one piece, then the rest over small gaps
    n = PREFIX_MIN
    while n < len(key) and at + n < end and text[at + n] == key[n]:
        n += 1
    if any(fold(r).startswith(key[:n]) for r in rivals if fold(r) != key):
        return None
    pos, matched = at + n, n
    for ch in key[n:]:
        window = text[pos:min(end, pos + NOISE_GAP + 1)]
        i = window.find(ch)
        if i < 0 or any(c.isdigit() for c in window[:i]):
            break
        pos += i + 1
        matched += 1
    if matched < len(key) * PREFIX_SHARE and not _continues(text, key[matched:], pos, end):
        return None
    return at, pos


_BETWEEN = re.compile(r"[\d.,+\-\ue000]*")
CONTINUATION = 4  # characters of a label's rest that must follow the numbers printed inside it


def _continues(text: str, rest: str, pos: int, end: int) -> bool:
    """Whether a label's rest follows the numbers printed in the middle of it (a two-line label
    with its row's numbers on its first line: 「1.申请人无正当理由逾期不 0 0 … 补正、…」)."""
    skip = _BETWEEN.match(text, pos, end)
    after = skip.end() if skip else pos
    need = rest[:CONTINUATION]
    return after > pos and bool(need) and text.startswith(need, after)


def find_first(stream: Stream, labels, start: int, end: int,
               rivals: tuple[str, ...] = ()) -> tuple[int, int, str] | None:
    """The earliest of several labels (the longest where two begin at the same place)."""
    best = None
    for label in labels:
        hit = find(stream, label, start, end, rivals)
        if hit and (best is None or (hit[0], -(hit[1] - hit[0])) < (best[0], -(best[1] - best[0]))):
            best = (hit[0], hit[1], label)
    return best


# -- sections ------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _section_titles() -> dict[str, list[str]]:
    """Every printed title of every section key, over all declared formats."""
    out: dict[str, list[str]] = {}
    for fmt in FORMATS.values():
        for s in fmt.sections:
            titles = out.setdefault(s.key, [])
            for t in (s.title, *s.variants):
                if t not in titles:
                    titles.append(t)
    return out


def find_sections(stream: Stream) -> dict[str, tuple[int, int]]:
    """Section key → (start, end) of its heading, found in declared order: as declared (a
    section's own variants are no rivals of one another: 「五、存在的主要问题及整改措施」 is found
    by the prefix its variants share), else renumbered (an office that added a section of its
    own prints 「六、存在的主要问题及改进情况」)."""
    found: dict[str, tuple[int, int]] = {}
    cursor = 0
    titles_of = _section_titles()
    for key, titles in titles_of.items():
        rivals = tuple(t for k, ts in titles_of.items() if k != key for t in ts)
        hit = find_first(stream, titles, cursor, len(stream.text), rivals)
        if hit is None:
            hit = _renumbered(stream, titles, cursor, rivals)
        if hit:
            found[key] = (hit[0], _line_rest(stream, hit[1]))
            cursor = found[key][1]
    return found


HEADING_REST = 8  # a heading found by its beginning takes the rest of its line up to this long


def _line_rest(stream: Stream, end: int) -> int:
    """A heading found by its beginning (「五、存在的主要问题及整改措施」) ends with its line, when
    what is left of the line is a few words and no sentence."""
    line = stream.line_of(max(0, end - 1))  # the line of the heading's last character
    stops = [p for p in stream.line_starts[line + 1:line + 60] if p >= end]
    if not stops:
        return end
    stop = stops[0]
    rest = stream.text[end:stop]
    return stop if 0 < len(rest) <= HEADING_REST and not any(c in "。.;；" for c in rest) else end


_SECTION_NUMBER = re.compile(r"[一二三四五六七八九十]{1,3}\.$")
_HEADING_BEFORE = frozenset("。.!?;:)")  # folded sentence ends: a heading may follow one


def _renumbered(stream: Stream, titles: list[str], start: int,
                rivals: tuple[str, ...]) -> tuple[int, int, str] | None:
    """A section heading printed with another number: its words without the number, right
    after a number 「六、」 that begins a line (or follows a sentence's end)."""
    import bisect

    cores = [_ORDINAL.sub("", t) for t in titles]
    others = tuple(_ORDINAL.sub("", r) for r in rivals)
    cursor = start
    while True:
        hit = find_first(stream, [c for c in cores if len(fold(c)) >= CORE_MIN], cursor,
                         len(stream.text), others)
        if hit is None:
            return None
        number = _SECTION_NUMBER.search(stream.text, max(0, hit[0] - 4), hit[0])
        if number:
            at = number.start()
            k = bisect.bisect_left(stream.gaps, at)
            if (k < len(stream.gaps) and stream.gaps[k] == at) or (
                    at > 0 and stream.text[at - 1] in _HEADING_BEFORE):
                return at, hit[1], hit[2]
        cursor = hit[0] + 1


def _region(found: dict[str, tuple[int, int]], key: str, order: list[str], size: int) -> tuple[int, int]:
    """The part of the stream that belongs to section ``key``: after its heading (or the
    previous heading found) up to the next heading found."""
    i = order.index(key)
    start = found[key][1] if key in found else max(
        (found[k][1] for k in order[:i] if k in found), default=0)
    end = min((found[k][0] for k in order[i + 1:] if k in found), default=size)
    return start, max(start, end)


# -- blocks ---------------------------------------------------------------------------------------------
@dataclass
class RowHit:
    row: Row
    start: int
    end: int
    label: str


@dataclass
class Window:
    """Consecutive rows whose numbers were not printed after their own labels: a row's number
    above a two-line label (read as the row above's), or a label column followed by the value
    column.  ``splits`` are the readings that give each row its own numbers (one token list
    per row); ``standard`` is the plain reading, kept for when the rules reject every split
    (none where it would give each row its neighbour's numbers)."""

    rows: tuple[Row, ...]
    splits: list[list[list[str]]]
    standard: list[list[str]]
    printed: str


@dataclass
class BlockReading:
    """What one block of one table gave."""

    table: str
    block: Block  # the variant whose columns the source prints
    fmt: Format
    rows: list[tuple[Row, list[str]]]  # rows found, with their value tokens
    header: str  # folded header text
    labels: list[str]  # the labels found (for telling formats apart)
    windows: list[Window] = field(default_factory=list)


def _merged_rows(variants: list[tuple[Format, Block]]) -> list[tuple[str, list[str]]]:
    """Row key → its leaf labels in every format, in printed order (a row only one format
    declares is placed after the row it follows there)."""
    key = tuple(id(b) for _, b in variants)
    if key not in _MERGED:
        _MERGED[key] = _merge_rows(variants)
    return _MERGED[key]


_MERGED: dict[tuple[int, ...], list[tuple[str, list[str]]]] = {}


def _merge_rows(variants: list[tuple[Format, Block]]) -> list[tuple[str, list[str]]]:
    order: list[str] = []
    labels: dict[str, list[str]] = {}
    for _, block in variants:
        prev: str | None = None
        for row in block.rows:
            if row.key not in labels:
                labels[row.key] = []
                order.insert(order.index(prev) + 1 if prev in order else len(order), row.key)
            leaf = row.labels[-1] if row.labels else ""
            if leaf not in labels[row.key]:
                labels[row.key].append(leaf)
            prev = row.key
    return [(k, labels[k]) for k in order]


class _Token:
    """A number printed between two labels, where it stands."""

    __slots__ = ("pos", "text", "line", "own", "alone")

    def __init__(self, pos: int, text: str, line: int, own: bool) -> None:
        self.pos, self.text, self.line = pos, text, line
        self.own = own  # before any text that ends the row (see _value_tokens)
        self.alone = True  # on a line without text (only numbers)


def _gap_tokens(stream: Stream, start: int, end: int) -> list[_Token]:
    """Every number printed between two labels: the row's own (before text that ends it) and,
    after such text, numbers standing on lines of their own (the next row's, printed above
    its label)."""
    out: list[_Token] = []
    own = True
    text_lines: set[int] = set()
    starts = stream.line_starts
    last = len(starts) - 1
    line = stream.line_of(start)
    for pos, tok in stream.tokens(start, end):
        while line < last and starts[line + 1] <= pos:
            line += 1
        if tok[:1] == ":" and len(tok) > 1:  # 「…政府信息：31」
            pos, tok = pos + 1, tok[1:]
        if tok == BLANK or _numeric(tok):
            out.append(_Token(pos, tok, line, own))
            continue
        nums = value_tokens([tok])
        if nums and fold(tok) == "".join(nums):
            out += [_Token(pos, n, line, own) for n in nums]
            continue
        lead = _LEADING_NUMBER.match(tok)
        if lead and own and tok[lead.end():lead.end() + 1] not in _LIST_MARKS:
            # numbers run into the text after them (「0112329三、本年度办理结果」), not an item's
            # number (「4.无正当理由…」)
            out += [_Token(pos, n, line, own) for n in value_tokens([lead.group()])]
            tok = tok[lead.end():]
        if len(tok) >= 2:
            text_lines.add(line)
            if any(t.own for t in out):
                own = False
    for t in out:
        t.alone = t.line not in text_lines
    # after the row's end, only numbers on lines without text are numbers of a row
    return [t for t in out if t.own or t.alone]


def _value_tokens(stream: Stream, start: int, end: int) -> list[str]:
    """The numbers printed between two labels; text after them (an unrecognised label, a
    header) ends the row, a stray character (a label's tail moved by the extraction) does not.
    Numbers run together in one token (「12-130」) stay one token for :mod:`.digits` to cut.
    (:func:`_gap_tokens` says where each stands, for the rows whose numbers are elsewhere.)"""
    out: list[str] = []
    for _, tok in stream.tokens(start, end):
        if tok[:1] == ":" and len(tok) > 1:  # 「…政府信息：31」
            tok = tok[1:]
        if tok == BLANK or _numeric(tok):
            out.append(tok)
            continue
        nums = value_tokens([tok])
        if nums and fold(tok) == "".join(nums):
            out += nums
            continue
        lead = _LEADING_NUMBER.match(tok)
        if lead and tok[lead.end():lead.end() + 1] not in _LIST_MARKS:
            out += value_tokens([lead.group()])
            tok = tok[lead.end():]
        if out and len(tok) >= 2:
            break
    return out


_NUMERIC = re.compile(r"[-+\d.,]*\d[-+\d.,]*")
_LEADING_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*")
_LIST_MARKS = frozenset(".)）")  # 、 and ． are folded to .


def _numeric(tok: str) -> bool:
    return bool(_NUMERIC.fullmatch(tok))


def read_block(stream: Stream, table_key: str, variants: list[tuple[Format, Block]],
               main: Format, start: int, end: int) -> BlockReading:
    merged = _merged_rows(variants)
    rows_by_key = {r.key: r for _, b in reversed(variants) for r in b.rows}
    # each row's label anywhere in the block: a PDF prints a merged label beside the middle
    # of its rows, so the printed order of labels is not the declared order
    hits: list[RowHit] = []
    every = tuple(label for _, labels in merged for label in labels)
    cores = tuple(c for _, labels in merged for c in map(_core, labels) if c)
    for key, labels in merged:
        if labels == [""]:
            continue
        place = find_first(stream, labels, start, end, _rivals(every, labels))
        if place is None:
            # the label printed with another numbering or none (「（1）本机关不掌握…」,
            # 「本机关不掌握…」): its words without the number, and the number before them
            by_core = {_core(label): label for label in labels if _core(label)}
            place = find_first(stream, by_core, start, end, cores)
            if place:
                place = (_numbered_from(stream, place[0]), place[1], by_core[place[2]])
        if place:
            hits.append(RowHit(rows_by_key[key], place[0], place[1], place[2]))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    hits = [h for i, h in enumerate(hits) if i == 0 or h.start >= hits[i - 1].end]
    header_end = hits[0].start if hits else end
    header = stream.text[start:header_end]

    # the columns: the variant whose column labels the header prints (most text matched)
    def score(block: Block) -> int:
        return sum(len(fold(c.labels[-1])) for c in block.columns if fold(c.labels[-1]) in header)

    fmt, block = max(variants, key=lambda v: (score(v[1]), v[0].id == main.id))
    labels = [c.labels[-1] for c in block.columns if fold(c.labels[-1]) in header]
    rows: list[tuple[Row, list[str]]] = []
    if not any(r.labels for r in block.rows):
        # a table without row labels (表四): the numbers follow the last column label
        cursor = start
        for c in block.columns:
            found = find(stream, c.labels[-1], cursor, end)
            if found:
                cursor = found[1]
        tokens = _value_tokens(stream, cursor, end)
        # its header must be there (most of its labels), not a word another table shares (总计)
        distinct = {fold(c.labels[-1]) for c in block.columns}
        if tokens and len(set(map(fold, labels))) * 2 > len(distinct):
            rows.append((block.rows[0], tokens))
    stops = [h.start for h in hits[1:]] + [end]
    own = [_value_tokens(stream, h.end, stop) for h, stop in zip(hits, stops)]
    for hit, tokens in zip(hits, own):
        if tokens:  # a label with no numbers is a parent label (「（六）其他处理」 over 1–3)
            rows.append((hit.row, tokens))
            labels.append(hit.label)
    windows: list[Window] = []
    n = len(block.columns)
    declared = {id(r) for r in block.rows}  # (a label only another format declares is a parent)
    if any(len(t) > n or (not t and id(h.row) in declared) for h, t in zip(hits, own)):
        # some row's numbers are not after its label
        gaps = [_gap_tokens(stream, start, header_end)]
        gaps += [_gap_tokens(stream, h.end, stop) for h, stop in zip(hits, stops)]
        windows = _windows(stream, hits, gaps, block)
    for w in windows:
        for row in w.rows:
            if not any(r is row for r, _ in rows):
                labels.append(next(h.label for h in hits if h.row is row))
    return BlockReading(table_key, block, fmt, rows, header, labels, windows)


def _rivals(every: tuple[str, ...], own: list[str]) -> tuple[str, ...]:
    """The labels a row must be told from: every other row's (its own variants are none)."""
    return tuple(x for x in every if x not in own) if len(own) > 1 else every


_ORDINAL = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.、．])")
_PRINTED_ORDINAL = re.compile(r"\(?(?:\d{1,2}|[一二三四五六七八九十]{1,2})\)?\.?")
CORE_MIN = 4  # a label's words without its number: at least so many characters to be sought


@lru_cache(maxsize=None)
def _core(label: str) -> str:
    """A row label's words without its number (「1.本机关不掌握相关政府信息」 → 「本机关不掌握
    相关政府信息」); '' where nothing is left worth seeking (「3.其他」)."""
    core = _ORDINAL.sub("", label)
    return core if core != label and len(fold(core)) >= CORE_MIN else ""


def _numbered_from(stream: Stream, pos: int) -> int:
    """Where a label found by its words begins: at the number printed before them in the same
    token (「(1)」, 「①」 folded to 「1」), never at a number standing apart (a value)."""
    import bisect

    token = stream.gaps[max(0, bisect.bisect_right(stream.gaps, pos) - 1)]
    if token < pos and _PRINTED_ORDINAL.fullmatch(stream.text[token:pos]):
        return token
    return pos


# -- numbers that are not after their own label --------------------------------------------------------
MAX_WINDOW = 6  # rows one misplaced number can shift
MAX_SPLITS = 200


def _windows(stream: Stream, hits: list[RowHit], gaps: list[list[_Token]], block: Block) -> list[Window]:
    """Runs of rows whose numbers are printed before their labels or after the last label.

    ``gaps[j]`` holds the numbers before label j (``gaps[0]``: the block's header), ``gaps[j+1]``
    those after it.  A row printed without numbers after its label (and declared by the
    variant read, so no parent label) takes them from

    * a numbers-only line above its label, read as part of the row above, which then has too
      many (``(2n, 0)``; a chain of two-line labels: ``(2n, n, 0)``), or standing after text;
    * a block printed as its label column, then its values (``(0, 0, 3n)``);
    * every row's numbers above its label: the header ends in numbers and the last row has none.

    Each split keeps a number printed on a label's own line with that label and cuts only
    between lines where the numbers stand on lines of their own."""
    n = len(block.columns)
    declared = {id(r) for r in block.rows}
    label_lines = [(stream.line_of(h.start), stream.line_of(max(h.start, h.end - 1))) for h in hits]
    std = [[t for t in gaps[j + 1] if t.own] for j in range(len(hits))]
    counts = [len(x) for x in std]
    out: list[Window] = []
    used: set[int] = set()
    for j, hit in enumerate(hits):
        if counts[j] or j in used or id(hit.row) not in declared:
            continue
        a = j - 1
        while a >= 0 and j - a < MAX_WINDOW and 1 <= counts[a] <= n:
            a -= 1
        orphans = [t for t in gaps[j] if not t.own]
        if a >= 0 and j - a < MAX_WINDOW and counts[a] > n and a not in used:
            span = list(range(a, j + 1))
        elif orphans:
            span = [j]
        else:
            b = j + 1
            while b < len(hits) and counts[b] == 0 and b - j < MAX_WINDOW:
                b += 1
            # only a block printed as a column of labels, then its values: every row before
            # the last without numbers, the last with all of them, not on its own line
            if b == len(hits) - 1 and j == 0 and counts[b] == (b - j + 1) * n and not any(
                    label_lines[b][0] <= t.line <= label_lines[b][1] for t in std[b]):
                span = list(range(j, b + 1))
                out.append(_deferred(hits, span, std[b], n))
                used.update(span)
                continue
            if j == len(hits) - 1 and any(_numeric(t.text) for t in gaps[0]):
                span = list(range(0, j + 1))
            else:
                continue
        w = _shifted(hits, span, gaps, label_lines, n)
        if w is not None:
            out.append(w)
            used.update(span)
    return out


def _deferred(hits: list[RowHit], span: list[int], tokens: list[_Token], n: int) -> Window:
    """Labels first, then every row's numbers: row by row, or column by column."""
    texts = [t.text for t in tokens]
    m = len(span)
    by_row = [texts[i * n:(i + 1) * n] for i in range(m)]
    splits = [by_row]
    if n > 1:
        splits.append([texts[i::m] for i in range(m)])
    standard: list[list[str]] = [[] for _ in span[:-1]] + [texts]
    return Window(tuple(hits[j].row for j in span), splits, standard, " ".join(texts))


def _shifted(hits: list[RowHit], span: list[int], gaps: list[list[_Token]],
             label_lines: list[tuple[int, int]], n: int) -> Window | None:
    first, last = span[0], span[-1]
    # the numbers of the run, each with the gap it stands in; the header's only when its last
    # lines hold nothing but numbers (every row printed above its label)
    pool: list[tuple[_Token, int]] = []
    if first == 0 and last == len(hits) - 1 and not any(t.own for t in gaps[last + 1]):
        pool += [(t, 0) for t in _numbers_only_tail(gaps[0])]
    elif first > 0:  # numbers on lines of their own after the row above ended
        pool += [(t, first) for t in gaps[first] if not t.own]
    for g in range(first + 1, last + 2):
        # the numbers after the last row's label are its own; after those, the next row's
        pool += [(t, g) for t in gaps[g] if t.own or g <= last]
    if not pool:
        return None
    m = len(span)
    lines = [t.line for t, _ in pool]
    by_lines = len(set(lines)) >= m

    def fits(k: int, part: list[tuple[_Token, int]]) -> bool:
        # a row's numbers stand just before or just after its label
        return all(g in (span[k], span[k] + 1) for _, g in part)

    def bound(i: int) -> int | None:
        # a number on a label's own line is that label's
        t, g = pool[i]
        for k, row in enumerate(span):
            lo, hi = label_lines[row]
            if lo <= t.line <= hi and g in (row, row + 1):
                return k
        return None

    owner = [bound(i) for i in range(len(pool))]
    splits: list[list[list[str]]] = []

    def walk(k: int, i: int, acc: list[list[str]]) -> None:
        if len(splits) >= MAX_SPLITS:
            return
        if k == m:
            if i == len(pool):
                splits.append(list(acc))
            return
        for size in range(1, n + 1):
            j = i + size
            if j > len(pool):
                break
            if by_lines and j < len(pool) and lines[j] == lines[j - 1]:
                continue
            part = pool[i:j]
            if not fits(k, part) or any(o is not None and o != k for o in owner[i:j]):
                continue
            walk(k + 1, j, acc + [[t.text for t, _ in part]])

    walk(0, 0, [])
    standard = [[t.text for t in gaps[j + 1] if t.own] for j in span]
    if not splits or splits == [standard]:
        return None
    if any(g == 0 for _, g in pool):
        # every row's numbers above its label: read as printed, each row would have the next
        # row's — never a reading to fall back on
        standard = []
    return Window(tuple(hits[j].row for j in span), splits, standard,
                  " ".join(t.text for t, _ in pool))


def _numbers_only_tail(tokens: list[_Token]) -> list[_Token]:
    """The numbers on the last lines of a header when those lines hold only numbers."""
    out: list[_Token] = []
    for t in reversed(tokens):
        if not t.alone:
            break
        out.insert(0, t)
    return out


def read_table(stream: Stream, key: str, main: Format, start: int, end: int) -> list[BlockReading]:
    """Every block of table ``key``, as any declared format prints it."""
    by_key: dict[str, list[tuple[Format, Block]]] = {}
    order: list[str] = []
    for fmt in sorted(FORMATS.values(), key=lambda f: f.id != main.id):
        prev: str | None = None
        for block in fmt.table(key).blocks:
            if block.key not in by_key:
                by_key[block.key] = []
                order.insert(order.index(prev) + 1 if prev in order else len(order), block.key)
            by_key[block.key].append((fmt, block))
            prev = block.key
    # block titles bound the blocks; a block whose title was lost is looked for between the
    # titles found around it (its rows' labels are still its own)
    found: dict[str, tuple[int, int]] = {}
    cursor = start
    titles = tuple(by_key[k][0][1].title or "" for k in order)
    for bkey in order:
        title = by_key[bkey][0][1].title
        hit = find(stream, title, cursor, end, titles) if title else (start, start)
        if hit:
            found[bkey] = hit
            cursor = hit[1]
    out = []
    for i, bkey in enumerate(order):
        later = [found[k][0] for k in order[i + 1:] if k in found]
        bend = later[0] if later else end
        if bkey in found:
            bstart = found[bkey][1]
        else:
            bstart = max((found[k][1] for k in order[:i] if k in found), default=start)
        out.append(read_block(stream, key, by_key[bkey], main, bstart, bend))
    return out


# -- a page copied as one line -----------------------------------------------------------------------
def split_run_on(lines: list[str], stream: Stream, heads: dict[str, tuple[int, int]]) -> list[str]:
    """``lines`` with every section heading on a line of its own: a web page copied as one
    line runs headings into the text around them (「…工作年度报告一、总体情况2021年，我区以…」)."""
    cuts: dict[int, set[int]] = {}
    for start, end in heads.values():
        for pos in (start, end):
            at, col = stream.locate(pos)
            if lines[at][:col].strip() and lines[at][col:].strip():
                cuts.setdefault(at, set()).add(col)
    if not cuts:
        return lines
    out: list[str] = []
    for i, line in enumerate(lines):
        prev = 0
        for col in sorted(cuts.get(i, ())):
            out.append(line[prev:col])
            prev = col
        out.append(line[prev:])
    # a heading's closing punctuation is no line of text
    return [part for part in out if not _PUNCTUATION_ONLY.fullmatch(part)]


_PUNCTUATION_ONLY = re.compile(r"[\s。：:．.，,；;]+")


@lru_cache(maxsize=None)
def structure_labels() -> frozenset[str]:
    """Every label a table prints, folded (they repeat on purpose: never a running header)."""
    out = set()
    for fmt in FORMATS.values():
        out |= {fold(t) for ts in _section_titles().values() for t in ts}
        for table in fmt.tables:
            for block in table.blocks:
                out |= {fold(x) for x in (block.title, block.corner, block.column_band) if x}
                out |= {fold(x) for c in block.columns for x in c.printed_labels + c.labels}
                out |= {fold(x) for r in block.rows for x in r.labels + ((r.band,) if r.band else ())}
    return frozenset(x for x in out if x)


# -- the whole report ------------------------------------------------------------------------------------
def match(lines: list[str], source: str | None = None) -> Imported:
    """Everything a published report's lines say, as an :class:`Imported`."""
    lines = without_furniture(lines, structure_labels())
    stream = Stream.of(lines)
    heads = find_sections(stream)
    split = split_run_on(lines, stream, heads)
    if len(split) != len(lines):
        lines, stream = split, Stream.of(split)
        heads = find_sections(stream)
    size = len(stream.text)
    order = list(_section_titles())
    first = stream.line_of(min((s for s, _ in heads.values()), default=size))
    title, title_lines = find_title(lines, first if heads else len(lines))
    if "s1" in heads:  # the year, when the title has none, is the one 总体情况 speaks of
        a, b = _region(heads, "s1", order, size)
        body = "".join(lines[stream.line_of(a):stream.line_of(b) + 1])
    else:
        body = "".join(lines)

    probe = Report.empty(CURRENT, missing=True)
    findings = read_year(probe, title, body, get_format(CURRENT))
    year = probe.meta.year

    # read every table once per candidate main format when the year does not decide it
    mains = [format_for_year(year)] if year else list(FORMATS.values())
    best = None
    for main in mains:
        readings = {t.key: read_table(stream, t.key, main, *_region(
                        heads, main.section_of_table(t.key).key, order, size))
                    for t in main.tables}
        seen = _formats_seen(readings)
        if best is None or (len(seen) == 1 and main.id in seen):
            best = (main, readings, seen)
    assert best is not None  # mains is never empty
    main, readings, seen = best
    report = Report.empty(main, missing=True)
    report.meta = probe.meta
    report.source = source
    report.findings = findings
    _read_texts(report, main, lines, stream, heads, title_lines, title)

    ambiguous = _fill_values(report, main, readings)
    detected = None if not seen else seen[0] if len(seen) == 1 else "mixed"
    report.findings += _missing_findings(report, main, readings)
    report.findings += _mix_findings(main, readings, seen)
    report.findings += [_ambiguous_finding(main, a, report) for a in ambiguous]
    return Imported(report, detected, ambiguous)


def _read_texts(report: Report, main: Format, lines: list[str], stream: Stream,
                heads: dict[str, tuple[int, int]], title_lines: list[int], title: str) -> None:
    """The sections' texts, the unit (the title's, else the 落款's, else the page's 发布机构)
    and the contact items the text before the first section offers."""
    order = list(_section_titles())
    size = len(stream.text)
    last = max((k for k in heads), key=lambda k: heads[k][0], default=None)
    unit = title_unit(title)
    own_lines: dict[str, list[str]] = {}
    for section in main.sections:
        if not section.texts or section.key not in heads:
            continue
        _, b = _region(heads, section.key, order, size)
        lo, hi = stream.line_of(heads[section.key][1] - 1) + 1, stream.line_of(b) if b < size else len(lines)
        own = [line for i, line in enumerate(lines[lo:hi], lo) if i not in title_lines]
        if section.key == last:  # the last section: the report's 落款 (unit, date) is not its text
            signed, own = signature(own)
            unit = unit or signed
        own_lines[section.key] = own
    if not unit and last is None:
        unit = signature(lines)[0]
    report.meta.unit = unit or publisher(lines)
    full = full_width([line for own in own_lines.values() for line in own])
    for section in main.sections:
        if section.key in own_lines:
            report.texts.update(split_texts(section, own_lines[section.key], full))
    first = min((s for s, _ in heads.values()), default=size)
    preamble = lines[:stream.line_of(first) if heads else len(lines)]
    # lines joined as they run on: a PDF breaks 「地址：某市人民\n路8号」 anywhere
    read_contacts(report, "".join(line.strip() for line in preamble) + "\n"
                  + "".join(line.strip() for line in own_lines.get(last or "", [])))


def _fill_values(report: Report, main: Format, readings) -> list[Ambiguity]:
    groups: list[Group] = []
    scale: dict[str, float] = {}
    for blocks in readings.values():
        for br in blocks:
            kinds = [c.kind for c in br.block.columns]
            windowed = {id(r) for w in br.windows for r in w.rows}
            for row, tokens in br.rows:
                if id(row) not in windowed:
                    groups.append(Group(_row_fields(br.table, row, br.block),
                                        candidates(tokens, kinds), " ".join(tokens)))
            groups += [_window_group(br, w, kinds) for w in br.windows]
            for c in br.block.columns:
                if c.kind == "money" and c.unit and _printed_unit(br.header, c.unit) != c.unit:
                    for row, _ in br.rows:
                        scale[field_id(br.table, row, c)] = _ratio(c.unit)
    values, ambiguous = resolve(groups, {}, main.id)
    # a row another format prints, with no cell in this one, is reported as a mix, not here
    ambiguous = [a for a in ambiguous if any(f in report.values for f in a.fields)]
    for fid, v in values.items():
        if fid not in report.values:
            continue
        if fid in scale and isinstance(v, (int, float)):
            report.findings.append(emit("import.unit", dict(
                value=format_number(v), converted=format_number(v * scale[fid]))))
            v = round(v * scale[fid], 6)
        report.values[fid] = v
        if isinstance(v, Invalid) and too_long(v.raw):
            report.findings.append(_out_of_range(main, fid, v.raw))
    return ambiguous


def _out_of_range(main: Format, fid: str, raw: str) -> Finding:
    """A number too long to be a count or an amount (a 5,000-digit run): ``read.out_of_range``
    at the field's cell, as the workbook reader says it (``check`` then names it once)."""
    from ..places import describe, place

    p = place(main.id, fid)
    shown = raw if len(raw) <= 24 else say("read.long_value", start=raw[:20], n=len(raw))
    return emit("read.out_of_range", dict(where=describe(main.id, fid), raw=shown),
                sheet=p.sheet, cell=p.cell, field=fid, actual=shown)


def _window_group(br: BlockReading, w: Window, kinds: list[str]) -> Group:
    """One group over a window's rows: every split's readings, the plain reading behind them."""
    fields = tuple(f for row in w.rows for f in _row_fields(br.table, row, br.block))

    def product(parts: list[list[str]]) -> list[tuple]:
        out: list[tuple] = [()]
        for part in parts:
            options = candidates(part, kinds) if part else [(MISSING,) * len(kinds)]
            out = [o + r for o in out for r in (options or [(MISSING,) * len(kinds)])]
            if len(out) > MAX_CANDIDATES:
                return out[:MAX_CANDIDATES]
        return out

    options = list(dict.fromkeys(o for split in w.splits for o in product(split)
                                 if MISSING not in o))
    return Group(fields, options, w.printed, fallback=product(w.standard) if w.standard else [])


_ROW_FIELDS: dict[tuple[str, int, int], tuple[str, ...]] = {}


def _row_fields(table: str, row: Row, block: Block) -> tuple[str, ...]:
    # keyed by identity: the declarations live as long as the program, and hashing a frozen
    # Block (its columns, their labels) on every row cost more than the rest of the lookup
    key = (table, id(row), id(block))
    if key not in _ROW_FIELDS:
        _ROW_FIELDS[key] = tuple(field_id(table, row, c) for c in block.columns)
    return _ROW_FIELDS[key]


def _printed_unit(header: str, declared: str) -> str:
    """元 when the header prints 元 and not the declared 万元; else the declared unit."""
    small = say("import.unit_yuan")
    return small if declared not in header and small in header else declared


def _ratio(declared: str) -> float:
    return 1 / 10000 if declared == say("import.unit_wan") else 1.0


@lru_cache(maxsize=None)
def _labels_by_format(table: str) -> dict[str, set[str]]:
    out = {}
    for fmt in FORMATS.values():
        labels = set()
        for b in fmt.table(table).blocks:
            labels |= {c.labels[-1] for c in b.columns} | {r.labels[-1] for r in b.rows if r.labels}
        out[fmt.id] = labels
    return out


def _formats_seen(readings) -> list[str]:
    """The formats whose own labels (printed by no other format) the source prints."""
    seen: Counter = Counter()
    for key, blocks in readings.items():
        by_fmt = _labels_by_format(key)
        for br in blocks:
            for label in br.labels:
                owners = [f for f, ls in by_fmt.items() if label in ls]
                if len(owners) == 1:
                    seen[owners[0]] += 1
    return [f for f, _ in seen.most_common()]


def _missing_findings(report: Report, main: Format, readings) -> list[Finding]:
    """One finding per table: the table as a whole, or its rows (a row's cells only when part
    of the row was read)."""
    from ..places import describe

    out = []
    missing = set(report.missing())
    for table in main.tables:
        fids = [f for f in report.missing() if f.startswith(table.key + ".")]
        if not fids:
            continue
        if not any(br.rows for br in readings[table.key]):
            out.append(emit("import.missing", dict(table=table.title, n=len(fids)),
                            variant="table"))
            continue
        names = []
        for block in table.blocks:
            for row in block.rows:
                cells = [field_id(table.key, row, c) for c in block.columns]
                gone = [f for f in cells if f in missing]
                if gone and len(gone) == len(cells) and row.labels:
                    names.append(say("import.row", row="·".join(row.labels)))
                else:
                    names += [describe(main.id, f, with_cell=False) for f in gone]
        shown = names[:MISSING_NAMED]
        more = say("rule.missing_more", n=len(names)) if len(names) > MISSING_NAMED else ""
        out.append(emit("import.missing", dict(table=table.title, n=len(fids),
                                               cells=say("text.and").join(shown) + more),
                        field=fids[0]))
    return out


def _mix_findings(main: Format, readings, seen: list[str]) -> list[Finding]:
    others = [f for f in seen if f != main.id]
    if not others:
        return []
    parts = []
    for key, blocks in readings.items():
        by_fmt = _labels_by_format(key)
        for br in blocks:
            own = [label for label in br.labels if label not in by_fmt[main.id]
                   and any(label in by_fmt[o] for o in others)]
            if own:
                where = br.block.title or main.table(key).title
                parts.append(say("import.mix_part", where=where, labels="、".join(dict.fromkeys(own))))
    return [emit("import.format_mixed", dict(
        format=main.title, others="、".join(get_format(o).title for o in others),
        parts="；".join(parts)))]


def _ambiguous_finding(main: Format, a: Ambiguity, report: Report) -> Finding:
    from ..places import describe

    shown = ["、".join("" if v is None else format_number(v) for v in c) for c in a.candidates[:3]]
    first = next(f for f in a.fields if f in report.values)
    where = describe(main.id, first, with_cell=False)
    if a.candidates:
        return emit("import.ambiguous", dict(where=where, printed=a.printed, n=len(a.candidates),
                                             candidates=" / ".join(shown)), field=first)
    return emit("import.ambiguous", dict(where=where, printed=a.printed),
                variant="inconsistent", field=first)
