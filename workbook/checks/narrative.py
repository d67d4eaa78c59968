"""Narrative ↔ table: what the free-text sections state, against the tables (warnings only).

The narrative is free text written by clerks (and often pasted from last year's PDF), so these
checks look only for unambiguous statements and never for approximations (「约」「余」「多」,
「1.15万余条」):

- counts of applications received (「共收到政府信息公开申请9件」), carried over (「含上年度结转 2 件」),
  carried forward (「结转下年度继续办理 1 件」) and concluded (「办结／答复／办理 9 件」) against
  table 3 — only where the sentence is about 政府信息公开申请 (or the text is the 依申请公开 part),
  never 「受理行政许可申请2310件」; 「受理N件」 may mean 新收 or 新收 + 上年结转, both are accepted;
- 「未收到…申请」 against table 3, 「已全部办结」 against 四、结转下年度继续办理;
- sums the prose itself states: 「主动公开 2842 条。其中网站 73 条；微信 251 条；交易信息 2518 条」,
  also in brackets (「（其中…）」); parts above the whole are a warning, parts short of it a
  notice (a 其中 list need not be exhaustive); a 其中 opening a sentence belongs to the last
  figure before it only when that is its sentence's one figure;
- figures of table 2 the format declares (``Format.stated``: 「现行有效规范性文件215件」), never
  a part of one (「现行有效件数含…1件」);
- 「没有…行政复议、诉讼」 or 「行政复议 N 件」 against table 4; a negated *outcome*
  (「未被复议机关纠错」「行政诉讼败诉」) against the 结果纠正 cells, not against the case counts;
- the 信息处理费 statement, where the format declares the fee items — looked for in the whole
  text (六, 一（二）, 表三's 备注) and in other words (「政府信息公开未发生收费情况」);
- section 五 being substantive, concrete, not largely last year's text, and saying how last
  year's problems were dealt with; the parts of 一 evaluators expect; 总体情况's length;
  half-width punctuation between Chinese characters.  Before a part is called absent, the whole
  text is searched for it under a heading of its own (``formats.common.PART_HEADINGS``:
  「（三）政府信息管理方面」, 「（二）改进情况」, a 五 numbered 六).

Numerals inside quotation marks or titles (「落实“两个全覆盖”」「“五公开”」) are names, never
counts.  A table left wholly blank is not compared with (it is a finding of its own, see
:func:`stated_tables`), and a blank cell is quoted as 「未填写」, never as 0.

Which checks apply is decided by the fields a format declares (``needs``), never by its id.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Callable

from ..findings import Finding, emit
from ..formats.common import (FEE_AMOUNT, FEE_NOTICES, PART_HEADING_PREFIXES, PART_HEADING_SUFFIXES,
                              PART_HEADINGS, UNPAID)
from ..layout import HEADINGS, layout_of
from ..messages import say
from ..places import describe, place
from ..report import Report, format_number, is_number
from .context import Context
from .numerals import COUNT_UNITS, MONEY_UNITS, Quantity, normalize, quantities

# fields the statements are compared with (stable across formats)
NEW, CARRIED, DONE, FORWARD = "t3.new.total", "t3.carried.total", "t3.total.total", "t3.carry_forward.total"
REVIEW = ("t4.review.total",)
SUITS = ("t4.suit_direct.total", "t4.suit_after_review.total")
REVIEW_CORRECTED = ("t4.review.corrected",)
SUITS_CORRECTED = ("t4.suit_direct.corrected", "t4.suit_after_review.corrected")
REQUESTS_TEXT = "s1.request"  # the 依申请公开 part: every count in it is about applications
OVERVIEW_SECTION = "s1"
PROBLEMS_SECTION = "s5"

_SENTENCE_END = "。！？!?；;"
_CLAUSE_END = _SENTENCE_END + "，,：:（）()"
_APPLICATION_UNITS = ("件", "条", "个", "宗", "份", "起", "项")
_QUOTES = {"“": "”", "「": "」", "『": "』", "《": "》", "‘": "’", '"': '"'}
# whose applications a count is about: the nearest subject before it decides
_REQUEST_SUBJECT = re.compile(r"信息公开申请|依申请公开|依申请|公开申请|申请公开")
_OTHER_SUBJECT = re.compile(
    r"行政许可|政务服务|审批|办件|信访|投诉|举报|咨询|热线|行政处罚|行政强制|建议|提案|来信|来电|事项")


@dataclass(frozen=True)
class Statement:
    """A count the narrative states: ``kind`` is received / accepted / carried / forward / done /
    review / suit / cases."""

    kind: str
    value: int | float
    quote: str
    includes_carried: bool = False  # 「收到…9件（含上年度结转 2 件）」


@lru_cache(maxsize=64)  # a report's dozen texts, a few reports over (a server's memory bounded)
def _sentences(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, sentence) of ``text``, each with its closing mark: split once per text (the
    rules ask for the same texts' sentences ~190 times in one check)."""
    out = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            if i > start:
                out.append((start, text[start:i + 1]))
            start = i + 1
    if start < len(text):
        out.append((start, text[start:]))
    return tuple(out)


@lru_cache(maxsize=256)
def _clause_marks(text: str) -> tuple[int, ...]:
    """Where the clause-ending punctuation of ``text`` stands (searched once per text, so that
    finding the clause of each figure stays linear in a 32,767-character cell)."""
    return tuple(i for i, ch in enumerate(text) if ch in _CLAUSE_END)


def _clause_start(text: str, at: int) -> int:
    marks = _clause_marks(text)
    k = bisect_left(marks, at)
    return marks[k - 1] + 1 if k else 0


def _clause_end(text: str, at: int) -> int:
    ends = [k for k in (text.find(c, at) for c in _CLAUSE_END) if k != -1]
    return min(ends, default=len(text))


def _quote(sentence: str, q: Quantity) -> str:
    """The clause a figure stands in, up to the figure: whole words, never cut mid-word."""
    return sentence[_clause_start(sentence, q.start):q.end].strip()


@lru_cache(maxsize=4096)
def _quoted_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where quotation marks and book-title marks enclose text (「“两个全覆盖”」 is a name)."""
    spans, i = [], 0
    while i < len(text):
        close = _QUOTES.get(text[i])
        if close is not None:
            j = text.find(close, i + 1)
            if j != -1:
                spans.append((i, j))
                i = j + 1
                continue
        i += 1
    return tuple(spans)


# 「5个工作日」「3个月」 are durations, not counts
_DURATION_AFTER = ("工作日", "月", "小时", "星期", "季度", "百分点", "自然日")


@lru_cache(maxsize=256)
def counted(text: str, units: tuple[str, ...] | None = None) -> tuple[Quantity, ...]:
    """The quantities of ``text`` (normalized) that are counts: not names in quotation marks,
    not durations.  Cached: several rules look at the same text's figures."""
    spans = _quoted_spans(text)
    starts = [a for a, _ in spans]  # the spans are disjoint and in order

    def quoted(at: int) -> bool:
        k = bisect_left(starts, at)
        return k > 0 and at < spans[k - 1][1]

    return tuple(q for q in quantities(text, units) if not quoted(q.start)
                 and not text.startswith(_DURATION_AFTER, q.end))


def _about_requests(sentence: str, q: Quantity, whole_text: bool) -> bool:
    """Whether a count is about 政府信息公开申请: the nearest subject before it says so, or the
    words right after it, or — with no subject at all — the text is the 依申请公开 part."""
    before = sentence[:q.start]
    mine = max((m.end() for m in _REQUEST_SUBJECT.finditer(before)), default=-1)
    other = max((m.end() for m in _OTHER_SUBJECT.finditer(before)), default=-1)
    if mine > other:
        return True
    if other >= 0:
        return False
    return bool(_REQUEST_SUBJECT.search(sentence[q.end:q.end + 12])) or whole_text


_CARRIED_RE = re.compile(r"(上年|上一年|去年|上年度|上一年度)[^，,。]{0,6}(结转|遗留|转来|未办结)"
                         r"|结转自(上年|上一年|去年)")
_FORWARD_RE = re.compile(r"(结转|转入|留待|转)(至|到|入)?(下年|下一年|明年|次年|\d{4}\s*年)")
_FORWARD_AFTER = re.compile(r"^[^，,。；;]{0,4}"
                            r"(结转|转入|留待|转)(至|到|入)?(下年|下一年|明年|次年|\d{4}\s*年)")
_DONE_RE = re.compile(r"(办结|答复完毕|办理完毕|处理完毕|答复|办理)[^，,。]{0,4}$")
_RECEIVED_RE = re.compile(r"(收到|新收|接收|接到)[^，,。]{0,20}申请[^，,。]{0,8}$")
_ACCEPTED_RE = re.compile(r"受理[^，,。]{0,20}申请[^，,。]{0,8}$|申请[^，,。]{0,6}受理[^，,。]{0,4}$")
_INCLUDES_CARRIED = re.compile(r"(含|包括|包含|其中)[^。]{0,6}(上年|上一年|去年|上年度)[^。]{0,4}结转")
_REVIEW_RE = re.compile(r"复议[^，,。]{0,8}$")
_SUIT_RE = re.compile(r"诉讼[^，,。]{0,8}$")


_REQUEST_KINDS = ("carried", "forward", "done", "received", "accepted")


def statements(text: str, about_requests: bool = False) -> list[Statement]:
    """The counts a text states about applications and table 4, in order.  ``about_requests``:
    the text is the 依申请公开 part, so a count with no subject (「办结9件」) is about them."""
    return list(_statements(text, about_requests))


@lru_cache(maxsize=1024)  # several rules read the same texts' statements
def _statements(text: str, about_requests: bool) -> tuple[Statement, ...]:
    text = normalize(text)
    out: list[Statement] = []
    for _, sentence in _sentences(text):
        includes = bool(_INCLUDES_CARRIED.search(sentence))
        last_end = 0
        for q in counted(sentence, COUNT_UNITS):
            prefix = sentence[max(last_end, q.start - 30):q.start]
            last_end = q.end
            if q.approx or q.unit not in _APPLICATION_UNITS or "各" in prefix[-4:]:
                continue
            after = sentence[q.end:q.end + 14]
            kind = None
            if _CARRIED_RE.search(prefix):
                kind = "carried"
            elif _FORWARD_RE.search(prefix) or _FORWARD_AFTER.search(after):
                kind = "forward"
            elif _DONE_RE.search(prefix):
                kind = "done"
            elif _RECEIVED_RE.search(prefix):
                kind = "received"
            elif _ACCEPTED_RE.search(prefix):
                kind = "accepted"
            else:
                review, suit = bool(_REVIEW_RE.search(prefix)), bool(_SUIT_RE.search(prefix))
                if review or suit:
                    kind = "cases" if review and suit else ("review" if review else "suit")
            if kind in _REQUEST_KINDS and not _about_requests(sentence, q, about_requests):
                continue
            if kind in ("received", "accepted") and "其中" in sentence[:q.start]:
                continue  # 「其中区政府办受理…申请21件」: a part of the applications
            if kind:
                out.append(Statement(kind, q.value, _quote(sentence, q), includes and kind == "received"))
    return tuple(out)


_NONE_RECEIVED = re.compile(
    r"(未|没有|无(?![法正需论]))(收到|接到|受理|接收|产生|发生)?[^，,。;；]{0,12}(依申请|信息公开申请|公开申请)")
# 「已全部办结」「均已按时答复」「均在法定期限内办结」「全部政府信息公开申请已办理完毕」 — not
# 「全部答复文书」「全部办理结果」, nouns the verb is part of
_ALL_DONE = re.compile(r"(?:全部|均已|均|全数|已全部"
                       r"|全部(?:政府信息公开|信息公开|公开)?申请(?:均已|都已|均|都|已))"
                       r"(?:在(?:法定|规定)?(?:期限|时限)内)?(?:按时|按期|依法|及时)?"
                       r"(?:办结|答复|办理完毕|处理完毕)"
                       r"(?!文书|书|意见|函|材料|结果|情况|质量|率|工作|流程|程序)")
_NO_CASES = re.compile(
    r"(未(?![审结经])|没有|无(?![法正需论]))(发生|出现|产生|接到|收到|涉及|被)?[^，,。;；\d]{0,30}?(复议|诉讼)[^，,。;；\d]*")
# a negated *outcome* says nothing about how many cases there were
_OUTCOME = re.compile(r"纠错|纠正|败诉|撤销|确认违法|责令|被改变")


def _claims(text: str, pattern: re.Pattern, needs: str | None = None) -> list[str]:
    """Sentences that make the claim ``pattern`` finds — not when the claim is about an outcome
    (「未发生因政府信息公开申请被复议纠错的情形」 says nothing about how many were received)."""
    text = normalize(text)
    out = []
    for _, sentence in _sentences(text):
        if needs and needs not in sentence:
            continue
        m = pattern.search(sentence)
        if m and not (pattern is not _NO_CASES and _OUTCOME.search(_clause_of(sentence, m))):
            out.append(sentence.strip())
    return out


def _clause_of(sentence: str, m: re.Match) -> str:
    end = min((k for k in (sentence.find(c, m.end()) for c in "，,。;；") if k != -1),
              default=len(sentence))
    return sentence[m.start():end]


@dataclass(frozen=True)
class PartsSum:
    total: Quantity
    parts: tuple[Quantity, ...]
    quote: str
    over: bool  # the parts add up to more than the whole (else they fall short of it)
    # each figure in its own words: 「主动公开政府信息的数量：2842 条」, 「微信公众号公开 251 条」
    total_quote: str = ""
    part_quotes: tuple[str, ...] = ()


_GAP = re.compile(r"[\s，,。:：;；()（）]*")
_LIST_STOP = re.compile(r"其中|。|另有|另外|此外|同时")


def stated_sums(text: str) -> list[PartsSum]:
    """「共…N条，其中…a条…b条」 groups whose parts do not add up to the total, bracketed or not
    (「发布信息2400条（其中政策文件800条、…）」).

    The parts run from 「其中」 to the end of the sentence, the closing bracket, the next 「其中」
    or a new clause (「另有」「此外」); they may be followed by other figures of the same unit
    (「…2件；办结10件」), so the group is fine when some leading run of parts adds up to the
    total.  A 其中 list need not be exhaustive: parts short of the total are reported as such
    (``over`` False, a notice), except a single part, which only has to stay below the total.
    """
    text = normalize(text)
    found = counted(text)
    starts, ends = [q.start for q in found], [q.end for q in found]  # in order, disjoint
    out: list[PartsSum] = []
    for m in re.finditer("其中", text):
        # the total is the figure right before 「其中」, only punctuation between them
        k = bisect_right(ends, m.start())
        if not k or not _GAP.fullmatch(text[found[k - 1].end:m.start()]):
            continue
        total = found[k - 1]
        gap = text[total.end:m.start()]
        if any(c in gap for c in _SENTENCE_END) and not _sole_figure(text, found, k - 1):
            # 「…办结21件，结转下年度继续办理5件。其中区政府办受理21件」: a 其中 that opens a
            # new sentence refers to what the previous one was about, which is its last figure
            # only when that is its one figure (「…的数量：2842 条。其中网站 73 条…」)
            continue
        stop = _LIST_STOP.search(text, m.end())
        end = stop.start() if stop else len(text)
        if "（" in gap or "(" in gap:  # 「（其中…）」: the list ends with the bracket
            close = min((k for k in (text.find(c, m.end()) for c in "）)") if k != -1), default=end)
            end = min(end, close)
        listed = [q for q in found[bisect_left(starts, m.end()):bisect_right(ends, end)]
                  if m.end() <= q.start]
        parts = tuple(q for q in listed if q.unit == total.unit)
        # 「其中政策文件86条，政策解读35篇…」: a part in another unit leaves the sum unknown
        mixed = len(parts) < len(listed)
        if not parts or total.approx or any(p.approx for p in parts):
            continue
        running: int | float
        running, fine, over = 0, False, False
        for p in parts:
            running += p.value
            if abs(running - total.value) < 1e-9:
                fine = True
                break
            if running > total.value:
                over = True
                break
        if fine or (not over and (len(parts) == 1 or mixed)):
            continue
        start = _clause_start(text, total.start)
        named, prev_end = [], m.end()
        for q in listed:
            if q.unit == total.unit:
                named.append(text[max(prev_end, _clause_start(text, q.start)):q.end].strip(_LEAD))
            prev_end = q.end
        out.append(PartsSum(total, parts, text[start:end].strip(), over,
                            _own_words(text, total), tuple(named)))
    return out


_LEAD = " ，,、：:；;（(）)"
_PHRASE_END = "。！？!?；;，,"


def _own_words(text: str, q: Quantity) -> str:
    """A figure with the words before it up to the previous comma or full stop (a colon does
    not end them: 「主动公开政府信息的数量：2842 条」)."""
    start = max(text.rfind(c, 0, q.start) for c in _PHRASE_END) + 1
    return text[start:q.end].strip(_LEAD)


def _sole_figure(text: str, found: tuple[Quantity, ...], i: int) -> bool:
    """Whether ``found[i]`` is the only counted figure of its sentence up to it (the caller
    knows none follows it before the sentence ends)."""
    start = max(text.rfind(c, 0, found[i].start) for c in _SENTENCE_END) + 1
    return i == 0 or found[i - 1].start < start


# -- the checks ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class NarrativeRule:
    codes: tuple[str, ...]  # every code the rule can emit, each declared in nianbao.codes
    needs: tuple[str, ...]  # fields the format must declare for the rule to apply
    run: Callable[["_Scan"], list[Finding]]


@dataclass
class _Scan:
    ctx: Context
    previous: Report | None
    texts: list[tuple[str, str]]  # (field id, text) in layout order

    @property
    def fmt_id(self) -> str:
        return self.ctx.fmt.id

    def value(self, fid: str) -> int | float | None:
        """A table value the narrative is compared with; None when unknown (missing, invalid,
        unreadable) or when its table was never filled in; a blank cell counts as the format
        declares."""
        if not self.ctx.readable(fid) or self.ctx.blank_table(fid):
            return None
        return self.ctx.report.number(fid)

    def shown(self, fid: str) -> str:
        """A table value as a message quotes it: 「为 9」, or 「未填写」 for a blank cell."""
        v = self.ctx.report.values.get(fid)
        if v is None:
            return say("value.unfilled")
        return say("text.value_is", value=format_number(self.value(fid)))

    def prose(self) -> list[tuple[str, str]]:
        """The report's whole text: every text but the parts' editable headings."""
        fields = layout_of(self.fmt_id).fields
        return [(fid, t) for fid, t in self.texts if fields[fid].table != HEADINGS]

    def texts_of(self, section: str) -> list[tuple[str, str]]:
        fields = layout_of(self.fmt_id).fields
        return [(fid, t) for fid, t in self.texts if fields[fid].table == section]

    def finding(self, code: str, text_fid: str, args: dict[str, Any], expected: Any, actual: Any,
                table_fids: tuple[str, ...] = (), variant: str = "") -> Finding:
        """The finding ``code`` at the text cell ``text_fid``, involving ``table_fids``."""
        p = place(self.fmt_id, text_fid)
        cells = (p.ref,) + tuple(place(self.fmt_id, f).ref for f in table_fids)
        return emit(code, args, variant=variant, sheet=p.sheet, cell=p.cell, expected=expected,
                    actual=actual, field=text_fid, cells=cells)


def _counts(scan: _Scan) -> list[Finding]:
    out = []
    new, carried = scan.value(NEW), scan.value(CARRIED)
    targets = {"received": NEW, "carried": CARRIED, "forward": FORWARD, "done": DONE}
    for fid, text in scan.texts:
        where = describe(scan.fmt_id, fid)
        for st in statements(text, about_requests=fid == REQUESTS_TEXT):
            if st.kind == "accepted" or (st.kind == "received" and st.includes_carried):
                if new is None or carried is None:
                    continue
                options = {new, new + carried} if st.kind == "accepted" else {new + carried}
                if st.value in options:
                    continue
                args = dict(where=where, quote=st.quote,
                            new_where=describe(scan.fmt_id, NEW), new=scan.shown(NEW),
                            carried_where=describe(scan.fmt_id, CARRIED), carried=scan.shown(CARRIED))
                out.append(scan.finding("text.received", fid, args, new + carried, st.value,
                                        (NEW, CARRIED), variant="both"))
            elif st.kind in targets:
                target = targets[st.kind]
                expected = scan.value(target)
                if expected is None or st.value == expected:
                    continue
                args = dict(where=where, quote=st.quote,
                            table_where=describe(scan.fmt_id, target), shown=scan.shown(target))
                out.append(scan.finding(f"text.{st.kind}", fid, args, expected, st.value, (target,)))
    return out


def _contradicted(code: str, target: str, pattern: "re.Pattern[str]", needs: str | None = None
                  ) -> Callable[[_Scan], list[Finding]]:
    """A sentence that says 「none」 (未收到申请 / 已全部办结) while ``target`` is not 0."""

    def run(scan: _Scan) -> list[Finding]:
        value = scan.value(target)
        if not value:
            return []
        out = []
        for fid, text in scan.texts:
            for sentence in _claims(text, pattern, needs=needs):
                args = dict(where=describe(scan.fmt_id, fid), quote=sentence,
                            table_where=describe(scan.fmt_id, target), expected=format_number(value))
                out.append(scan.finding(code, fid, args, value, 0, (target,)))
        return out

    return run


def _parts(scan: _Scan) -> list[Finding]:
    out = []
    for fid, text in scan.texts:
        for s in stated_sums(text):
            total = sum(p.value for p in s.parts)
            code = "text.parts" if s.over else "text.parts_short"
            figures = [format_number(p.value) for p in s.parts]
            if len(figures) > 1:
                figures.append(format_number(total))
            args = dict(where=describe(scan.fmt_id, fid), total_quote=s.total_quote,
                        parts="".join(say("place.quote", text=q) for q in s.part_quotes),
                        total=format_number(s.total.value), unit=s.total.unit,
                        sum=say("text.equals").join([say("text.plus").join(figures[:-1]), figures[-1]])
                        if len(figures) > 1 else figures[0])
            out.append(scan.finding(code, fid, args, s.total.value, total))
    return out


# 「…含／包括／其中…N件」 names a part of what came before; 「不含」「不包括」 exclude instead
_INCLUDES = re.compile(r"(?<!不)(含|包括|包含|其中)")


@dataclass(frozen=True)
class TableFigure:
    """A figure the narrative states for a declared table value (``Format.stated``)."""

    field: str
    value: int | float
    quote: str


@lru_cache(maxsize=8)
def _compiled_stated(stated: tuple) -> tuple[tuple[Any, re.Pattern[str], re.Pattern[str]], ...]:
    """A format's declarations with their patterns compiled, once per format."""
    return tuple((st, re.compile(st.subject), re.compile(st.measure)) for st in stated)


def table_figures(text: str, stated) -> list[TableFigure]:
    """The figures of ``text`` that :class:`~nianbao.formats.model.Stated` declarations name:
    the measure in the figure's own clause, the declared subject nearest before it."""
    text = normalize(text)
    out = []
    compiled = _compiled_stated(tuple(stated))
    for _, sentence in _sentences(text):
        last_end = 0
        # where each declaration's subject ends in the sentence, found once per sentence: the
        # nearest one before a figure is then a binary search, not a scan of all before it
        ends = [[m.end() for m in subject.finditer(sentence)] for _, subject, _ in compiled]
        for q in counted(sentence, _APPLICATION_UNITS):
            clause = sentence[max(last_end, _clause_start(sentence, q.start)):q.start]
            last_end = q.end
            if q.approx:
                continue
            nearest_each = [e[k - 1] if (k := bisect_right(e, q.start)) else -1 for e in ends]
            best, best_at = None, -1
            best_measure = None
            for (st, _, measure), at in zip(compiled, nearest_each):
                m = measure.search(clause)
                if at > best_at and m:
                    best, best_at, best_measure = st, at, m
            # the nearest subject of any declaration must be the chosen one's
            nearest = max(nearest_each, default=-1)
            # 「现行有效件数含…延期继续有效的规范性文件1件」: a figure after 含 is a part of the
            # measure, not its value
            if best is not None and best_measure is not None and best_at == nearest \
                    and not _INCLUDES.search(clause, best_measure.end()):
                out.append(TableFigure(best.field, q.value, _quote(sentence, q)))
    return out


def _table2(scan: _Scan) -> list[Finding]:
    out = []
    for fid, text in scan.texts:
        for fig in table_figures(text, scan.ctx.fmt.stated):
            expected = scan.value(fig.field)
            if expected is None or fig.value == expected:
                continue
            args = dict(where=describe(scan.fmt_id, fid), quote=fig.quote,
                        table_where=describe(scan.fmt_id, fig.field), shown=scan.shown(fig.field))
            out.append(scan.finding("text.table2", fid, args, expected, fig.value, (fig.field,)))
    return out


def _cases(scan: _Scan) -> list[Finding]:
    review = [v for f in REVIEW if (v := scan.value(f)) is not None]
    suits = [v for f in SUITS if (v := scan.value(f)) is not None]
    if len(review) < len(REVIEW) or len(suits) < len(SUITS):  # one figure unknown
        return []
    counts = {"review": (sum(review), REVIEW), "suit": (sum(suits), SUITS),
              "cases": (sum(review) + sum(suits), REVIEW + SUITS)}
    corrected = {"review": REVIEW_CORRECTED, "suit": SUITS_CORRECTED}
    out = []
    for fid, text in scan.texts:
        where = describe(scan.fmt_id, fid)
        for st in statements(text):
            if st.kind not in counts:
                continue
            expected, fids = counts[st.kind]
            if st.value != expected:
                args = dict(where=where, quote=st.quote,
                            table_where=_names(scan, fids), expected=format_number(expected))
                out.append(scan.finding("text.cases", fid, args, expected, st.value, fids))
        for sentence in _claims(text, _NO_CASES):
            claim = _NO_CASES.search(sentence)
            assert claim is not None  # _claims keeps only the sentences it matches
            span = claim.group(0)
            kinds = [k for k, word in (("review", "复议"), ("suit", "诉讼")) if word in span]
            outcome = bool(_OUTCOME.search(span))
            for k in kinds:
                # 「未被复议机关纠错」 is about 结果纠正, 「未发生行政复议」 about the cases
                fids = corrected[k] if outcome else counts[k][1]
                values = [v for f in fids if (v := scan.value(f)) is not None]
                if len(values) < len(fids) or not sum(values):
                    continue
                args = dict(where=where, quote=sentence, table_where=_names(scan, fids),
                            expected=format_number(sum(values)))
                out.append(scan.finding("text.cases", fid, args, sum(values), 0, fids,
                                        variant="outcome" if outcome else "none"))
    return out


# the 信息处理费 statement, also in other words (「政府信息公开未发生收费情况」「未发生政府信息公开
# 收费事项」「未向申请人收取任何费用」); never 表二's 行政事业性收费, other charges' 收费标准/项目,
# or table 3's 「逾期未按收费通知要求缴纳费用」 (which says a notice was sent, not what was charged)
_FEE_WORD = re.compile(r"处理费|(?<!事业性)(?<!按)收费(?!标准|项目|金额|单位)"
                       r"|收取[^。;；，,\d]{0,4}费用")
# 收费 or 费用 outside 六 is the information fee only in a sentence about 政府信息公开
_FEE_CONTEXT = re.compile(r"处理费|信息公开|依申请|公开申请")
_FEE_NONE = re.compile(
    r"(未|没有|不存在|无(?![法论需])|均未|未曾|不涉及)[^。;；\d]{0,12}"
    r"(处理费|(?<!事业性)(?<!按)收费(?!通知|标准|项目|金额|单位))"
    r"|(未|没有|不)[^。;；，,\d]{0,6}收取[^。;；，,\d]{0,4}费用"
    r"|处理费[^。;；\d]{0,8}(为0(?![\d.])|为零|(?<![\d.])0元|零元|均为0(?![\d.]))")
_NOTICES_RE = re.compile(r"(收费|缴费)通知[^，,。]{0,8}$")
# 「申请人未缴纳信息处理费」 is about the applicant paying, not about the office charging
_PAYING = re.compile(r"缴|交纳|支付|按")


def fee_statements(texts: list[tuple[str, str]], home: set[str]) -> list[tuple[str, str]]:
    """(field, sentence) of every sentence of ``texts`` that speaks of the 信息处理费, in order;
    in the ``home`` fields (六) a sentence needs no 政府信息公开 to be about it."""
    out = []
    for fid, text in texts:
        for _, sentence in _sentences(normalize(text)):
            if _FEE_WORD.search(sentence) and (fid in home or _FEE_CONTEXT.search(sentence)):
                out.append((fid, sentence.strip()))
    return out


def _fee(scan: _Scan) -> list[Finding]:
    section = place(scan.fmt_id, FEE_AMOUNT)
    fields = layout_of(scan.fmt_id).fields
    own = [(fid, t) for fid, t in scan.texts if fields[fid].sheet == section.sheet]
    if not own:
        return []
    first = own[0][0]
    where = describe(scan.fmt_id, first)
    # the statement is looked for in the whole text: offices write it under 一（二）or as the
    # 备注 of 表三 as often as in 六
    stated = fee_statements(scan.prose(), {fid for fid, _ in own})
    amount = _extra(scan, FEE_AMOUNT)
    notices = _extra(scan, FEE_NOTICES) if FEE_NOTICES in fields else None
    out = []
    if not stated and amount is None and notices is None:
        out.append(scan.finding("text.fee_missing", first, dict(where=where), None, None))
        return out
    claims_none = next(((fid, m) for fid, sentence in stated
                        if (m := _FEE_NONE.search(sentence)) and not _PAYING.search(m.group(0))),
                       None)
    stated_amount = stated_notices = None
    amount_at = notices_at = first
    for fid, sentence in stated:
        last = 0
        for q in counted(sentence):
            prefix = sentence[last:q.start]
            last = q.end
            if q.approx:
                continue
            if q.unit in MONEY_UNITS and "处理费" in sentence:
                stated_amount = q.value * (10_000 if q.unit == "万元" else 1)
                amount_at = fid
            elif _NOTICES_RE.search(prefix):
                stated_notices = q.value
                notices_at = fid
    charged = max(v for v in (amount, stated_amount, 0) if v is not None)
    if claims_none and (charged > 0 or (notices or 0) > 0):
        fid, m = claims_none
        out.append(scan.finding("text.fee", fid,
                                dict(where=describe(scan.fmt_id, fid), quote=m.group(0),
                                     amount=format_number(charged), notices=format_number(notices or 0)),
                                # 应为 what the cells hold, 实为 what the text says (its 「未收取」)
                                charged or notices, 0,
                                tuple(f for f in (FEE_AMOUNT, FEE_NOTICES) if f in fields)))
    if stated_amount is not None and amount is not None and abs(stated_amount - amount) > 1e-6:
        out.append(scan.finding("text.fee", amount_at,
                                dict(where=describe(scan.fmt_id, amount_at),
                                     stated=format_number(stated_amount),
                                     table_where=describe(scan.fmt_id, FEE_AMOUNT),
                                     expected=format_number(amount)),
                                amount, stated_amount, (FEE_AMOUNT,), variant="amount"))
    unpaid = scan.value(UNPAID) if UNPAID in fields else None
    # a notices cell left at 0 or blank is the fee rule's (cells.check_fees); here: the text
    if unpaid and notices:
        sent = max(v for v in (stated_notices, notices, 0) if v is not None)
        if sent < unpaid:
            at = notices_at if stated_notices is not None else first
            out.append(scan.finding("text.fee_unpaid", at,
                                    dict(where=describe(scan.fmt_id, at),
                                         table_where=describe(scan.fmt_id, UNPAID), unpaid=unpaid),
                                    unpaid, sent, (UNPAID,)))
    return out


# words that name a concrete problem; 五 made only of 「还存在一定差距」「有待进一步加强」 has none.
# 「能力不足」 names one, 「还存在一些不足」「不足之处」 do not; a count names one (「2个栏目」),
# a year does not (「2022年，…仍存在一定差距」)
_CONCRETE = re.compile(
    r"薄弱|不高|不到位|不清|单一|滞后|不及时|不规范|较弱|偏少|偏低|不全面|不够[\u4e00-\u9fff]"
    r"|缺乏|欠缺|流动|不熟悉|不强|不均衡|不统一|不准确|错误|遗漏|超期|逾期|不完整|不一致|参差不齐"
    r"|(?<![些的在定有多和与及])不足(?!之处)"
    r"|\d+\s*(?:个|件|条|项|次|人|名|家|篇|期|份|处|%|％)")
# the stock phrases a generic 五 is made of, quoted back as the text writes them
_GENERIC = re.compile(
    r"(?:仍|还|尚)?存在(?:着)?(?:一定|一些|不少)?(?:的)?(?:差距|不足(?:之处)?)"
    r"|(?:仍|还|尚)?有待(?:进一步)?[\u4e00-\u9fff]{2}"
    r"|(?:仍|还|尚)需(?:要)?(?:进一步|继续)?(?:加强|提高|提升|完善|深化|改进)")
GENERIC_QUOTED = 4  # stock phrases a message quotes


def _problems(scan: _Scan) -> list[Finding]:
    own = scan.texts_of(PROBLEMS_SECTION)
    if not own:
        return []
    first = own[0][0]
    where = describe(scan.fmt_id, first)
    text = _letters("".join(t for _, t in own))
    out = []
    if len(text) < 10:
        code = "text.problems_thin" if text else "text.problems_empty"
        args, variant = dict(where=where, text=text), ""
        elsewhere = None if text else _written_under_heading(scan).get(own[0][0])
        if elsewhere:  # 「六、存在的主要问题及改进情况」 written into 六: the part is there, misplaced
            fid, heading = elsewhere
            args = dict(where=where, other=describe(scan.fmt_id, fid), heading=heading)
            variant = "elsewhere"
        out.append(scan.finding(code, first, args, None, text, variant=variant))
        return out
    problems = _letters(own[0][1])
    if problems and not _CONCRETE.search(problems):
        stock = list(dict.fromkeys(m.group(0) for m in _GENERIC.finditer(normalize(own[0][1]))))
        args = dict(where=where,
                    phrases="".join(say("place.quote", text=p) for p in stock[:GENERIC_QUOTED]))
        out.append(scan.finding("text.problems_generic", first, args, None, None,
                                variant="" if stock else "unspecific"))
    if scan.previous is not None:
        prev_fields = layout_of(scan.previous.format).fields
        before = _letters("".join(t for k, t in scan.previous.texts.items()
                                  if k in prev_fields and prev_fields[k].table == PROBLEMS_SECTION))
        if len(before) >= 10:
            share = repeated_share(before, text)
            if share > 0.5:
                out.append(scan.finding("text.problems_repeated", first,
                                        dict(where=where, share=round(share * 100)),
                                        None, round(share, 3)))
    return out


# the numbering a heading opens with: 「（三）」「三）」「三、」「三是」「3.」「（3）」「第三，」
# (a superset of nianbao.narrative.LEADING_ORDINAL, which the checks do not import: it
# comes with jinja2)
_HEADING_NUMBER = re.compile(
    r"\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}(?:、|是|\.|．)"
    r"|\d{1,2}(?:、|\.|．)(?!\d)|第[一二三四五六七八九十]{1,3}[，,、])\s*")
_HEADING_END = "。：:；;，,！？!?"
_HEADING_JOIN = re.compile(r"以及|及|和|与|、")
HEADING_CHARS = 30  # a heading is short: a longer first clause is a sentence


def headings(text: str) -> list[str]:
    """The headings ``text`` prints, without their numbering: a short line of its own
    (「存在的主要问题及整改措施」), or the first words of a numbered line or sentence
    (「三是政府信息管理情况。建立…」, 「（二）改进情况：…」)."""
    out = []
    for raw in text.splitlines():
        line = normalize(raw).strip()
        if not line:
            continue
        m = _HEADING_NUMBER.match(line)
        if not m and len(line) <= HEADING_CHARS and not any(c in _HEADING_END for c in line[:-1]):
            out.append(line.rstrip(_HEADING_END))
            continue
        for at in [0] + [i + 1 for i, ch in enumerate(line) if ch in _SENTENCE_END]:
            m = _HEADING_NUMBER.match(line, at)
            if not m:
                continue
            rest = line[m.end():m.end() + HEADING_CHARS + 1]  # bounded: a 32,767-character cell
            end = min((i for i, ch in enumerate(rest) if ch in _HEADING_END), default=len(rest))
            if 0 < end <= HEADING_CHARS:
                out.append(rest[:end])
    return out


@lru_cache(maxsize=None)
def _heading_topics() -> dict[str, str]:
    return {topic: key for key, topics in PART_HEADINGS.items() for topic in topics}


def heading_parts(heading: str) -> tuple[str, ...]:
    """The parts a heading names (:data:`~nianbao.formats.common.PART_HEADINGS`), one per
    piece joined by 及/和/与; () when any piece names no part."""
    out = []
    for piece in _HEADING_JOIN.split(heading):
        for prefix in PART_HEADING_PREFIXES:
            if piece.startswith(prefix) and piece != prefix:
                piece = piece[len(prefix):]
                break
        key = _heading_topics().get(piece)
        while key is None and piece.endswith(PART_HEADING_SUFFIXES) and len(piece) > 2:
            piece = piece[:-2]
            key = _heading_topics().get(piece)
        if key is None:
            return ()
        out.append(key)
    return tuple(out)


def _written_under_heading(scan: _Scan) -> dict[str, tuple[str, str]]:
    """Part → (the field holding it, the heading) for every part the whole text has under a
    heading of its own.  A heading that names a section's first part with others is that
    section's title (「存在的主要问题及改进情况」): it shows the section is there, not that
    its later parts are written."""
    firsts = {s.texts[0].key for s in scan.ctx.fmt.sections if s.texts}
    out: dict[str, tuple[str, str]] = {}
    for fid, text in scan.prose():
        for heading in headings(text):
            parts = heading_parts(heading)
            title = len(set(parts)) > 1 and firsts.intersection(parts)
            for p in (title or parts):
                out.setdefault(p, (fid, heading))
    return out


def _expected_parts(scan: _Scan) -> list[Finding]:
    """The parts evaluators expect (TextItem.expected) left empty — unless another text of the
    same section covers the topic, or the part is written under a heading of its own anywhere
    in the report; a wholly empty 五 is reported once, by _problems."""
    out = []
    items = {t.key: t for s in scan.ctx.fmt.sections for t in s.texts if t.expected}
    fields = layout_of(scan.fmt_id).fields
    under_heading = None
    for fid, text in scan.texts:
        item = items.get(fid)
        if item is None or _letters(text):
            continue
        siblings = normalize("".join(t for k, t in scan.texts_of(fields[fid].table) if k != fid))
        if not _letters(siblings) and fields[fid].table == PROBLEMS_SECTION:
            continue
        if any(word in siblings for word in item.expected):
            continue
        if under_heading is None:
            under_heading = _written_under_heading(scan)
        if fid in under_heading:
            continue
        out.append(scan.finding("text.part_empty", fid,
                                dict(where=describe(scan.fmt_id, fid),
                                     part=_HEADING_NUMBER.sub("", item.label, count=1)), None, None))
    return out


def _overview_length(scan: _Scan) -> list[Finding]:
    limit = scan.ctx.fmt.overview_chars
    own = scan.texts_of(OVERVIEW_SECTION)
    if limit is None or not own:
        return []
    n = len(re.sub(r"\s", "", normalize("".join(t for _, t in own))))
    if n <= limit:
        return []
    return [scan.finding("text.overview_long", own[0][0],
                         dict(where=describe(scan.fmt_id, own[0][0]), n=n, limit=limit), limit, n)]


# half-width punctuation between Chinese characters (「同时,也」), as text pasted from a
# web page or typed with the wrong input mode leaves it
_HALFWIDTH = re.compile(r"(?<=[\u4e00-\u9fff])[,;:?!](?=[\u4e00-\u9fff])")
_FULLWIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def fullwidth_punctuation(text: str) -> str:
    """``text`` with half-width punctuation between Chinese characters made full-width, as the
    Word report prints it."""
    return _HALFWIDTH.sub(lambda m: _FULLWIDTH[m.group(0)], text)


def _halfwidth(scan: _Scan) -> list[Finding]:
    out = []
    for fid, text in scan.texts:
        text = normalize(text)
        hits = list(_HALFWIDTH.finditer(text))
        if not hits:
            continue
        m = hits[0]
        quote = text[_clause_start(text, m.start()):_clause_end(text, m.end())].strip()
        out.append(scan.finding("text.halfwidth", fid,
                                dict(where=describe(scan.fmt_id, fid), quote=quote, n=len(hits)),
                                None, len(hits)))
    return out


def repeated_share(before: str, now: str, min_run: int = 8) -> float:
    """The share of ``now`` made of runs of ≥ ``min_run`` characters copied from ``before``."""
    if not now:
        return 0.0
    blocks = SequenceMatcher(None, before, now, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= min_run) / len(now)


def _letters(text: str) -> str:
    return re.sub(r"[\s\W_]", "", normalize(text))


def _extra(scan: _Scan, fid: str) -> int | float | None:
    v = scan.ctx.report.values.get(fid)
    return v if is_number(v) else None


def _names(scan: _Scan, fids: tuple[str, ...]) -> str:
    return say("text.and").join(describe(scan.fmt_id, f) for f in fids)


RULES: tuple[NarrativeRule, ...] = (
    NarrativeRule(("text.received", "text.carried", "text.forward", "text.done"),
                  (NEW, CARRIED, DONE, FORWARD), _counts),
    NarrativeRule(("text.none_received",), (NEW,),
                  _contradicted("text.none_received", NEW, _NONE_RECEIVED)),
    NarrativeRule(("text.all_done",), (FORWARD,),
                  _contradicted("text.all_done", FORWARD, _ALL_DONE, needs="申请")),
    NarrativeRule(("text.parts", "text.parts_short"), (), _parts),
    NarrativeRule(("text.table2",), (), _table2),
    NarrativeRule(("text.cases",), REVIEW + SUITS + REVIEW_CORRECTED + SUITS_CORRECTED, _cases),
    NarrativeRule(("text.fee", "text.fee_missing", "text.fee_unpaid"), (FEE_AMOUNT,), _fee),
    NarrativeRule(("text.problems_thin", "text.problems_empty", "text.problems_repeated",
                   "text.problems_generic"), (), _problems),
    NarrativeRule(("text.part_empty",), (), _expected_parts),
    NarrativeRule(("text.overview_long",), (), _overview_length),
    NarrativeRule(("text.halfwidth",), (), _halfwidth),
)


def _texts(ctx: Context) -> list[tuple[str, str]]:
    fields = layout_of(ctx.fmt.id).fields
    return [(fid, ctx.report.texts.get(fid) or "") for fid, f in fields.items()
            if f.kind == "text" and f.table != "meta" and ctx.readable(fid)]


def check_narrative(ctx: Context, previous: Report | None = None) -> list[Finding]:
    fields = layout_of(ctx.fmt.id).fields
    scan = _Scan(ctx, previous, _texts(ctx))
    out: list[Finding] = []
    for rule in RULES:
        if all(f in fields for f in rule.needs):
            out += rule.run(scan)
    return out


def stated_tables(ctx: Context) -> set[str]:
    """The tables for which the narrative states a figure other than 0 (a blank table the text
    gives figures for is an error, see :func:`nianbao.checks.cells.check_blank_tables`)."""
    out: set[str] = set()
    fields = layout_of(ctx.fmt.id).fields
    for fid, text in _texts(ctx):
        for st in statements(text, about_requests=fid == REQUESTS_TEXT):
            if st.value:
                out.add("t4" if st.kind in ("review", "suit", "cases") else "t3")
        for fig in table_figures(text, ctx.fmt.stated):
            if fig.value and fig.field in fields:
                out.add(fields[fig.field].table)
    return out


__all__ = ["statements", "stated_sums", "table_figures", "counted", "Statement", "PartsSum",
           "TableFigure", "fee_statements", "headings", "heading_parts", "repeated_share",
           "fullwidth_punctuation", "check_narrative", "stated_tables", "RULES"]
