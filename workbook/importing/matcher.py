"""Finding a published report's parts by the *declared* labels, with tolerance for noise.

Everything looked for comes from :mod:`nianbao.formats`: section titles (and the variants
offices print), block titles, column and row labels.  Each format's declaration is tried where
formats differ — a 2021 report that still prints a 2019 block is read by that block's 2019
columns, its values kept where the 2021 format has the same field, and the mix reported.

The table of a section lies between its heading and the next one; in it, block titles are
found in declared order, and each row's label anywhere in its block (a PDF prints a merged
label beside the middle of its rows); a row's values are the numbers between its label and the
next label found.  Columns are taken in declared order: an extraction keeps a row's numbers in
the printed order of the columns, and offices print the columns as the format does.  A label
is found folded (see :mod:`.text`), whole, or else by a long prefix (an extraction that moved a
label's last character past the numbers).  Numbers are read
by :mod:`.digits`, which settles run-together digits by the declared rules.
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
from ..report import Report, format_number
from .digits import Ambiguity, Group, candidates, resolve, value_tokens
from .text import BLANK, Stream, fold, plain

PREFIX_MIN = 6  # a label found by its beginning needs this many characters …
PREFIX_SHARE = 0.4  # … and this share of the label
NOISE_GAP = 4  # characters of noise skipped inside a label (a group label's line: 「其他处理」)
# a report's title ends so: 「…政府信息公开工作年度报告」, 「…政务公开工作总结」
TITLE_ENDS = ("报告", "总结")
TITLE_LINES = 4  # a title broken over lines: at most this many
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
    if matched < len(key) * PREFIX_SHARE:
        return None
    return at, pos


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
    """Section key → (start, end) of its heading, found in declared order."""
    found: dict[str, tuple[int, int]] = {}
    cursor = 0
    every = tuple(t for ts in _section_titles().values() for t in ts)
    for key, titles in _section_titles().items():
        hit = find_first(stream, titles, cursor, len(stream.text), every)
        if hit:
            found[key] = hit[:2]
            cursor = hit[1]
    return found


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
class BlockReading:
    """What one block of one table gave."""

    table: str
    block: Block  # the variant whose columns the source prints
    fmt: Format
    rows: list[tuple[Row, list[str]]]  # rows found, with their value tokens
    header: str  # folded header text
    labels: list[str]  # the labels found (for telling formats apart)


def _merged_rows(variants: list[tuple[Format, Block]]) -> list[tuple[str, list[str]]]:
    """Row key → its leaf labels in every format, in printed order (a row only one format
    declares is placed after the row it follows there)."""
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


def _value_tokens(stream: Stream, start: int, end: int) -> list[str]:
    """The numbers printed between two labels; text after them (an unrecognised label, a
    header) ends the row, a stray character (a label's tail moved by the extraction) does not.
    Numbers run together in one token (「12-130」) stay one token for :mod:`.digits` to cut."""
    out: list[str] = []
    for _, tok in stream.tokens(start, end):
        if tok == BLANK or _numeric(tok):
            out.append(tok)
            continue
        nums = value_tokens([tok])
        if nums and fold(tok) == "".join(nums):
            out += nums
        elif out and len(tok) >= 2:
            break
    return out


_NUMERIC = re.compile(r"[-+\d.,]*\d[-+\d.,]*")


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
    for key, labels in merged:
        if labels == [""]:
            continue
        at = find_first(stream, labels, start, end, every)
        if at:
            hits.append(RowHit(rows_by_key[key], at[0], at[1], at[2]))
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
        if tokens and labels:
            rows.append((block.rows[0], tokens))
    for i, hit in enumerate(hits):
        stop = hits[i + 1].start if i + 1 < len(hits) else end
        tokens = _value_tokens(stream, hit.end, stop)
        if tokens:  # a label with no numbers is a parent label (「（六）其他处理」 over 1–3)
            rows.append((hit.row, tokens))
            labels.append(hit.label)
    return BlockReading(table_key, block, fmt, rows, header, labels)


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


# -- meta -----------------------------------------------------------------------------------------------
_YEAR = re.compile(r"(\d{4})\s*年")
# a title may write its year in Chinese digits: 二〇二一年度
_CN_YEAR = re.compile("[〇○零一二三四五六七八九]{4}(?=年)")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")


def _title(lines: list[str], first_heading_line: int) -> tuple[str, list[int]]:
    """The report's title and its line numbers: the first lines that end in 报告 or 总结,
    before the first section heading or just after it."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    before = [i for i in filled if i < first_heading_line][:TITLE_LINES]
    after = [i for i in filled if i > first_heading_line][:2]
    for group in (before, after):
        for j in range(len(group)):
            text = "".join(lines[i].strip() for i in group[:j + 1])
            if fold(text).endswith(TITLE_ENDS) and len(text) < 80:
                return text, group[:j + 1]
    return "", []


def read_meta(report: Report, title: str, body: str, fmt: Format) -> list[Finding]:
    out: list[Finding] = []
    item = next(m for m in fmt.meta if m.key == "year")
    lo, hi = item.bounds or (0, 9999)
    flat = _CN_YEAR.sub(lambda m: m.group().translate(_CN_DIGITS), "".join(title.split()))
    years = [int(y) for y in _YEAR.findall(flat) if lo <= int(y) <= hi]
    if years:
        report.meta.year = years[0]
    else:
        counted = Counter(int(y) for y in _YEAR.findall("".join(body.split())) if lo <= int(y) <= hi)
        if counted:
            report.meta.year = counted.most_common(1)[0][0]
            out.append(emit("import.year_inferred", dict(year=report.meta.year)))
    if flat:
        # the unit is what precedes the year, or the subject (政府信息公开 …) of the title
        subject = say("document.title_rest", year="")
        cut = len(flat)
        m = _YEAR.search(flat)
        if m:
            cut = m.start()
        for word in (subject, *_subjects()):
            at = flat.find(word)
            if 0 <= at < cut:
                cut = at
        report.meta.unit = flat[:cut].strip()
    return out


def _subjects() -> tuple[str, ...]:
    """The subject words a title may use instead of the full statutory one."""
    return tuple(say(k) for k in ("import.subject_disclosure", "import.subject_openness"))


# -- texts ----------------------------------------------------------------------------------------------
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+是|\(?[一二三四五六七八九十]+\)?[.、]?)")


HEADING_MAX = 40  # a sub-heading is looked for in a line's first characters


def _heading_key(text: str) -> str:
    return _NUMBERING.sub("", fold(text[:HEADING_MAX])).rstrip(".:")


def _part_of(text: str, keys: dict[str, str]) -> tuple[str | None, bool]:
    """The declared part a line starts, and whether the line is only its heading: 「（一）主动
    公开情况」 alone, or run into its text as offices print it: 「一是主动公开情况。通过…」."""
    head = _heading_key(text)
    if head in keys:
        return keys[head], True
    if not _NUMBERING.match(fold(text[:HEADING_MAX])):
        return None, False
    for label, key in keys.items():
        if head.startswith(label) and head[len(label):len(label) + 1] in (".", ":"):
            return key, False
    return None, False


# 「2022年1月20日」, or the date line a report leaves to be filled in by hand (「　　年　月　日」)
_SIGNATURE_DATE = re.compile(
    r"^\s*((\d{4}|[〇○零一二三四五六七八九]{4})\s*年.{1,3}月.{1,3}日|年\s*月\s*日)\s*$")


def without_signature(lines: list[str], unit: str) -> list[str]:
    """``lines`` without the 落款 that ends a report: trailing lines that are the unit's name
    (or a part of it, when it breaks over two lines) or a date (「2022年1月20日」)."""
    name = "".join(unit.split())
    end = len(lines)
    while end:
        text = "".join(lines[end - 1].split())
        if text and not (_SIGNATURE_DATE.match(text) or (name and text in name)):
            break
        end -= 1
    return lines[:end]


def split_texts(section, lines: list[str]) -> dict[str, str]:
    """A section's text: sub-headings that are its declared parts' labels start that part;
    everything else (the office's own sub-headings included) stays where it is printed."""
    keys = {_heading_key(t.label): t.key for t in section.texts}
    current = section.texts[0].key
    parts: dict[str, list[str]] = {t.key: [] for t in section.texts}
    for line in lines:
        text = line.strip(" \t\u3000\xa0")
        if not text:
            continue
        key, alone = _part_of(text, keys) if len(section.texts) > 1 else (None, False)
        if key:
            current = key
            if alone:
                continue
        parts[current].append(plain(text))
    return {k: "\n".join(v) for k, v in parts.items()}


# -- the whole report ------------------------------------------------------------------------------------
def match(lines: list[str], source: str | None = None) -> Imported:
    """Everything a published report's lines say, as an :class:`Imported`."""
    stream = Stream.of(lines)
    size = len(stream.text)
    heads = find_sections(stream)
    order = list(_section_titles())
    first = stream.line_of(min((s for s, _ in heads.values()), default=size))
    title, title_lines = _title(lines, first if heads else len(lines))
    if "s1" in heads:  # the year, when the title has none, is the one 总体情况 speaks of
        a, b = _region(heads, "s1", order, size)
        body = "".join(lines[stream.line_of(a):stream.line_of(b) + 1])
    else:
        body = "".join(lines)

    probe = Report.empty(CURRENT, missing=True)
    findings = read_meta(probe, title, body, get_format(CURRENT))
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

    # texts
    for section in main.sections:
        if not section.texts or section.key not in heads:
            continue
        _, b = _region(heads, section.key, order, size)
        lo, hi = stream.line_of(heads[section.key][0]) + 1, stream.line_of(b) if b < size else len(lines)
        own = [line for i, line in enumerate(lines[lo:hi], lo) if i not in title_lines]
        if b >= size:  # the last section: the report's 落款 (unit, date) is not its text
            own = without_signature(own, report.meta.unit)
        report.texts.update(split_texts(section, own))

    ambiguous = _fill_values(report, main, readings)
    detected = None if not seen else seen[0] if len(seen) == 1 else "mixed"
    report.findings += _missing_findings(report, main, readings)
    report.findings += _mix_findings(main, readings, seen)
    report.findings += [_ambiguous_finding(main, a, report) for a in ambiguous]
    return Imported(report, detected, ambiguous)


def _fill_values(report: Report, main: Format, readings) -> list[Ambiguity]:
    groups: list[Group] = []
    scale: dict[str, float] = {}
    for blocks in readings.values():
        for br in blocks:
            kinds = [c.kind for c in br.block.columns]
            for row, tokens in br.rows:
                groups.append(Group(_row_fields(br.table, row, br.block), candidates(tokens, kinds),
                                    " ".join(tokens)))
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
    return ambiguous


@lru_cache(maxsize=None)
def _row_fields(table: str, row: Row, block: Block) -> tuple[str, ...]:
    return tuple(field_id(table, row, c) for c in block.columns)


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
