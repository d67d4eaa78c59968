"""Narrative ↔ table: what the free-text sections state, against the tables (warnings only).

The narrative is free text written by clerks (and often pasted from last year's PDF), so these
checks look only for unambiguous statements and never for approximations (「约」「余」「多」,
「1.15万余条」):

- counts of applications received (「共收到政府信息公开申请9件」), carried over (「含上年度结转 2 件」),
  carried forward (「结转下年度继续办理 1 件」) and concluded (「办结 9 件」) against table 3;
  「受理N件」 may mean 新收 or 新收 + 上年结转, both are accepted;
- 「未收到…申请」 against table 3, 「已全部办结」 against 四、结转下年度继续办理;
- sums the prose itself states: 「主动公开 2842 条。其中网站 73 条；微信 251 条；交易信息 2518 条」;
- 「没有…行政复议、诉讼」 or 「行政复议 N 件」 against table 4;
- section 六's 信息处理费 statement, where the format declares the fee items;
- section 五 being substantive, and not largely last year's text.

Which checks apply is decided by the fields a format declares (``needs``), never by its id.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Callable, Iterator

from ..findings import Finding
from ..layout import layout_of
from ..messages import say
from ..places import describe, place
from ..report import Report, format_number, is_number
from .context import Context
from .numerals import COUNT_UNITS, MONEY_UNITS, Quantity, normalize, quantities

# fields the statements are compared with (stable across formats)
NEW, CARRIED, DONE, FORWARD = "t3.new.total", "t3.carried.total", "t3.total.total", "t3.carry_forward.total"
UNPAID = "t3.other_2.total"
REVIEW = ("t4.review.total",)
SUITS = ("t4.suit_direct.total", "t4.suit_after_review.total")
FEE_AMOUNT, FEE_NOTICES = "s6.fee_amount", "s6.fee_notices"
PROBLEMS_SECTION = "s5"

_SENTENCE_END = "。！？!?；;"
_CLAUSE_END = _SENTENCE_END + "，,"
_APPLICATION_UNITS = ("件", "条", "个", "宗", "份", "起", "项")


@dataclass(frozen=True)
class Statement:
    """A count the narrative states: ``kind`` is received / accepted / carried / forward / done /
    review / suit / cases."""

    kind: str
    value: int | float
    quote: str
    includes_carried: bool = False  # 「收到…9件（含上年度结转 2 件）」


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            if i > start:
                yield start, text[start:i + 1]
            start = i + 1
    if start < len(text):
        yield start, text[start:]


def _quote(sentence: str, q: Quantity, before: int = 24) -> str:
    a = max(0, q.start - before)
    cut = max((sentence.rfind(c, 0, q.start) for c in _CLAUSE_END), default=-1)
    a = max(a, cut + 1)
    return sentence[a:q.end].strip()


_CARRIED_RE = re.compile(r"(上年|上一年|去年|上年度|上一年度)[^，,。]{0,6}(结转|遗留|转来|未办结)|结转自(上年|上一年|去年)")
_FORWARD_RE = re.compile(r"(结转|转入|留待|转)(至|到|入)?(下年|下一年|明年|次年|\d{4}\s*年)")
_FORWARD_AFTER = re.compile(r"^[^，,。；;]{0,4}(结转|转入|留待|转)(至|到|入)?(下年|下一年|明年|次年|\d{4}\s*年)")
_DONE_RE = re.compile(r"(办结|答复完毕|办理完毕|处理完毕|已答复|予以答复|按时答复)[^，,。]{0,4}$")
_RECEIVED_RE = re.compile(r"(收到|新收|接收|接到)[^，,。]{0,20}申请[^，,。]{0,8}$")
_ACCEPTED_RE = re.compile(r"受理[^，,。]{0,20}申请[^，,。]{0,8}$|申请[^，,。]{0,6}受理[^，,。]{0,4}$")
_INCLUDES_CARRIED = re.compile(r"(含|包括|包含|其中)[^。]{0,6}(上年|上一年|去年|上年度)[^。]{0,4}结转")
_REVIEW_RE = re.compile(r"复议[^，,。]{0,8}$")
_SUIT_RE = re.compile(r"诉讼[^，,。]{0,8}$")


def statements(text: str) -> list[Statement]:
    """The counts a text states about applications and table 4, in order."""
    text = normalize(text)
    out: list[Statement] = []
    for _, sentence in _sentences(text):
        includes = bool(_INCLUDES_CARRIED.search(sentence))
        last_end = 0
        for q in quantities(sentence, COUNT_UNITS):
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
            if kind:
                out.append(Statement(kind, q.value, _quote(sentence, q), includes and kind == "received"))
    return out


_NONE_RECEIVED = re.compile(
    r"(未|没有|无(?![法正需论]))(收到|接到|受理|接收|产生|发生)?[^，,。;；]{0,12}(依申请|信息公开申请|公开申请)")
_ALL_DONE = re.compile(r"(全部|均已|均|全数|已全部)(按时|按期|依法|及时)?(办结|答复|办理完毕|处理完毕)")
_NO_CASES = re.compile(
    r"(未(?![审结经])|没有|无(?![法正需论]))(发生|出现|产生|接到|收到|涉及|被)?[^，,。;；\d]{0,30}?(复议|诉讼)[^，,。;；\d]*")


def _claims(text: str, pattern: re.Pattern, needs: str | None = None) -> list[str]:
    text = normalize(text)
    out = []
    for _, sentence in _sentences(text):
        if needs and needs not in sentence:
            continue
        m = pattern.search(sentence)
        if m:
            out.append(sentence.strip())
    return out


@dataclass(frozen=True)
class PartsSum:
    total: Quantity
    parts: tuple[Quantity, ...]
    quote: str


def stated_sums(text: str) -> list[PartsSum]:
    """「共…N条，其中…a条…b条…c条」 groups whose parts do not add up to the total.

    The parts run from 「其中」 to the end of the sentence (「。」) or the next 「其中」; the parts
    may be followed by other figures of the same unit (「…2件；办结10件」), so the group is fine
    when some leading run of parts adds up to the total.  A single part only has to stay below it.
    """
    text = normalize(text)
    out: list[PartsSum] = []
    for m in re.finditer("其中", text):
        before = [q for q in quantities(text[:m.start()])
                  if re.fullmatch(r"[\s，,。:：;；)）]*", text[q.end:m.start()])]
        if not before:
            continue
        total = before[-1]
        end = len(text)
        for stop in ("。", "其中"):
            k = text.find(stop, m.end())
            if k != -1:
                end = min(end, k)
        parts = tuple(q for q in quantities(text[m.end():end]) if q.unit == total.unit)
        if not parts or total.approx or any(p.approx for p in parts):
            continue
        running, fine = 0, False
        for p in parts:
            running += p.value
            if abs(running - total.value) < 1e-9:
                fine = True
                break
        if len(parts) == 1:
            fine = parts[0].value <= total.value
        if not fine:
            out.append(PartsSum(total, parts, text[total.start:end].strip()))
    return out


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
        unreadable); a blank counts as the format declares."""
        if not self.ctx.readable(fid):
            return None
        return self.ctx.report.number(fid)

    def finding(self, code: str, text_fid: str, message: str, expected, actual,
                table_fids: tuple[str, ...] = ()) -> Finding:
        p = place(self.fmt_id, text_fid)
        cells = (p.ref,) + tuple(place(self.fmt_id, f).ref for f in table_fids)
        return Finding(code, "warning", message, p.sheet, p.cell, expected, actual, text_fid, cells)


def _counts(scan: _Scan) -> list[Finding]:
    out = []
    new, carried = scan.value(NEW), scan.value(CARRIED)
    targets = {"received": NEW, "carried": CARRIED, "forward": FORWARD, "done": DONE}
    for fid, text in scan.texts:
        where = describe(scan.fmt_id, fid)
        for st in statements(text):
            if st.kind == "accepted" or (st.kind == "received" and st.includes_carried):
                if new is None or carried is None:
                    continue
                options = {new, new + carried} if st.kind == "accepted" else {new + carried}
                if st.value in options:
                    continue
                msg = say("text.count_both", where=where, quote=st.quote,
                          new_where=describe(scan.fmt_id, NEW), new=new,
                          carried_where=describe(scan.fmt_id, CARRIED), carried=carried)
                out.append(scan.finding("text.received", fid, msg, new + carried, st.value, (NEW, CARRIED)))
            elif st.kind in targets:
                target = targets[st.kind]
                expected = scan.value(target)
                if expected is None or st.value == expected:
                    continue
                msg = say("text.count", where=where, quote=st.quote,
                          table_where=describe(scan.fmt_id, target), expected=expected)
                out.append(scan.finding(f"text.{st.kind}", fid, msg, expected, st.value, (target,)))
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
                msg = say(code, where=describe(scan.fmt_id, fid), quote=sentence,
                          table_where=describe(scan.fmt_id, target), expected=value)
                out.append(scan.finding(code, fid, msg, value, 0, (target,)))
        return out

    return run


def _parts(scan: _Scan) -> list[Finding]:
    out = []
    for fid, text in scan.texts:
        for s in stated_sums(text):
            total = sum(p.value for p in s.parts)
            msg = say("text.parts", where=describe(scan.fmt_id, fid), quote=s.quote,
                      total=format_number(s.total.value), unit=s.total.unit,
                      parts=say("text.plus").join(format_number(p.value) for p in s.parts), sum=format_number(total))
            out.append(scan.finding("text.parts", fid, msg, s.total.value, total))
    return out


def _cases(scan: _Scan) -> list[Finding]:
    review = [scan.value(f) for f in REVIEW]
    suits = [scan.value(f) for f in SUITS]
    if any(v is None for v in review + suits):
        return []
    counts = {"review": (sum(review), REVIEW), "suit": (sum(suits), SUITS),
              "cases": (sum(review) + sum(suits), REVIEW + SUITS)}
    out = []
    for fid, text in scan.texts:
        where = describe(scan.fmt_id, fid)
        for st in statements(text):
            if st.kind not in counts:
                continue
            expected, fids = counts[st.kind]
            if st.value != expected:
                msg = say("text.cases_count", where=where, quote=st.quote,
                          table_where=_names(scan, fids), expected=expected)
                out.append(scan.finding("text.cases", fid, msg, expected, st.value, fids))
        for sentence in _claims(text, _NO_CASES):
            span = _NO_CASES.search(sentence).group(0)
            kinds = [k for k, word in (("review", "复议"), ("suit", "诉讼")) if word in span]
            for k in kinds:
                expected, fids = counts[k]
                if expected:
                    msg = say("text.cases_none", where=where, quote=sentence,
                              table_where=_names(scan, fids), expected=expected)
                    out.append(scan.finding("text.cases", fid, msg, expected, 0, fids))
    return out


_FEE_NONE = re.compile(
    r"(未|没有|不存在|无|均未|未曾|不涉及)[^。;；]{0,12}处理费|处理费[^。;；]{0,8}(为0|为零|0元|零元|均为0)")
_NOTICES_RE = re.compile(r"(收费|缴费)通知[^，,。]{0,8}$")


def _fee(scan: _Scan) -> list[Finding]:
    section = place(scan.fmt_id, FEE_AMOUNT)
    fields = layout_of(scan.fmt_id).fields
    own = [(fid, t) for fid, t in scan.texts if fields[fid].sheet == section.sheet]
    if not own:
        return []
    first = own[0][0]
    where = describe(scan.fmt_id, first)
    joined = normalize("\n".join(t for _, t in own))
    amount = _extra(scan, FEE_AMOUNT)
    notices = _extra(scan, FEE_NOTICES) if FEE_NOTICES in fields else None
    out = []
    if "处理费" not in joined and amount is None and notices is None:
        out.append(scan.finding("text.fee_missing", first, say("text.fee_missing", where=where),
                                None, None))
        return out
    claims_none = _FEE_NONE.search(joined)
    stated_amount = stated_notices = None
    for _, sentence in _sentences(joined):
        last = 0
        for q in quantities(sentence):
            prefix = sentence[last:q.start]
            last = q.end
            if q.approx:
                continue
            if q.unit in MONEY_UNITS and "处理费" in sentence:
                stated_amount = q.value * (10_000 if q.unit == "万元" else 1)
            elif _NOTICES_RE.search(prefix):
                stated_notices = q.value
    if claims_none and ((amount or 0) > 0 or (notices or 0) > 0):
        out.append(scan.finding("text.fee", first,
                                say("text.fee_none", where=where, quote=claims_none.group(0),
                                    amount=format_number(amount or 0), notices=format_number(notices or 0)),
                                0, amount or notices, tuple(f for f in (FEE_AMOUNT, FEE_NOTICES) if f in fields)))
    if stated_amount is not None and amount is not None and abs(stated_amount - amount) > 1e-6:
        out.append(scan.finding("text.fee", first,
                                say("text.fee_amount", where=where, stated=format_number(stated_amount),
                                    table_where=describe(scan.fmt_id, FEE_AMOUNT), expected=format_number(amount)),
                                amount, stated_amount, (FEE_AMOUNT,)))
    unpaid = scan.value(UNPAID) if UNPAID in fields else None
    if unpaid:
        sent = max(v for v in (stated_notices, notices, 0) if v is not None)
        if sent < unpaid:
            out.append(scan.finding("text.fee_unpaid", first,
                                    say("text.fee_unpaid", where=where,
                                        table_where=describe(scan.fmt_id, UNPAID), unpaid=unpaid),
                                    unpaid, sent, (UNPAID,)))
    return out


def _problems(scan: _Scan) -> list[Finding]:
    fields = layout_of(scan.fmt_id).fields
    own = [(fid, t) for fid, t in scan.texts if fields[fid].table == PROBLEMS_SECTION]
    if not own:
        return []
    first = own[0][0]
    where = describe(scan.fmt_id, first)
    text = _letters("".join(t for _, t in own))
    out = []
    if len(text) < 10:
        code = "text.problems_thin" if text else "text.problems_empty"
        out.append(scan.finding(code, first, say(code, where=where, text=text), None, text))
        return out
    if scan.previous is not None:
        prev_fields = layout_of(scan.previous.format).fields
        before = _letters("".join(t for k, t in scan.previous.texts.items()
                                  if k in prev_fields and prev_fields[k].table == PROBLEMS_SECTION))
        if len(before) >= 10:
            share = repeated_share(before, text)
            if share > 0.5:
                out.append(scan.finding("text.problems_repeated", first,
                                        say("text.problems_repeated", where=where,
                                            share=round(share * 100)),
                                        None, round(share, 3)))
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
    NarrativeRule(("text.parts",), (), _parts),
    NarrativeRule(("text.cases",), REVIEW + SUITS, _cases),
    NarrativeRule(("text.fee", "text.fee_missing", "text.fee_unpaid"), (FEE_AMOUNT,), _fee),
    NarrativeRule(("text.problems_thin", "text.problems_empty", "text.problems_repeated"), (),
                  _problems),
)


def check_narrative(ctx: Context, previous: Report | None = None) -> list[Finding]:
    fields = layout_of(ctx.fmt.id).fields
    texts = [(fid, ctx.report.texts.get(fid) or "") for fid, f in fields.items()
             if f.kind == "text" and f.table != "meta" and ctx.readable(fid)]
    scan = _Scan(ctx, previous, texts)
    out: list[Finding] = []
    for rule in RULES:
        if all(f in fields for f in rule.needs):
            out += rule.run(scan)
    return out


__all__ = ["statements", "stated_sums", "Statement", "PartsSum", "repeated_share",
           "check_narrative", "RULES"]
