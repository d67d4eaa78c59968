"""Against last year, beyond the declared rules (notices): how much of each section's text is
last year's, and which key figures jumped.

- Repetition: the share of each section's text made of runs copied from last year's same
  section, and of the whole text, so an office sees what it copied (section 五's warning for
  copying stays with the narrative checks).
- Jumps: a key figure the format declares (``Format.key_figures``: applications received,
  review and litigation cases, decisions) that grew or shrank more than fivefold, for the office
  to explain in its text.  Compared only where both years' formats ask the same question.

Last year's report is the one given (``--previous``) or the one recorded in the workbook
(:func:`nianbao.yearly.recorded_previous`).
"""
from __future__ import annotations

import re

from ..findings import Finding, emit
from ..layout import layout_of
from ..messages import say
from ..migrate import same_question  # one definition of "both formats ask the same thing"
from ..places import describe, place
from ..report import Report, format_number, is_number
from .context import Context, finding
from .narrative import repeated_share
from .numerals import normalize

SHOWN_FROM = 0.1  # below a tenth, the repeats are set phrases every report shares
MIN_LETTERS = 10  # a text shorter than this (「无」) says nothing about copying
JUMP_RATIO = 5  # 「more than fivefold either way」
JUMP_FLOOR = 10  # 1 → 6 applications is not a jump worth explaining


def check_yearly(ctx: Context, previous: Report | None) -> list[Finding]:
    if previous is None:
        return []
    return _repetition(ctx, previous) + _jumps(ctx, previous)


def _comparable(text: str) -> str:
    # a text pasted from last year's PDF differs in spacing and punctuation, not in words
    return re.sub(r"[\s\W_]", "", normalize(text))


def _section_text(report: Report, section_key: str) -> str:
    fields = layout_of(report.format).fields
    return _comparable("".join(t for fid, t in report.texts.items()
                               if fid in fields and fields[fid].table == section_key))


def _prev_name(previous: Report) -> str:
    year = previous.meta.year
    return say("rule.prev_year", year=year) if year else say("rule.prev_report")


def _repetition(ctx: Context, previous: Report) -> list[Finding]:
    out: list[Finding] = []
    prev_name = _prev_name(previous)
    copied = total = 0.0
    shown: list[str] = []
    for section in ctx.fmt.sections:
        fids = [t.key for t in section.texts if ctx.readable(t.key)]
        if not fids:
            continue
        now, before = _section_text(ctx.report, section.key), _section_text(previous, section.key)
        if len(now) < MIN_LETTERS or len(before) < MIN_LETTERS:
            continue
        share = repeated_share(before, now)
        copied += share * len(now)
        total += len(now)
        if share >= SHOWN_FROM:
            shown.append(section.title)
            out.append(finding("year.repeated", ctx.fmt.id, fids[0],
                               dict(where=section.title, share=round(share * 100), prev=prev_name),
                               actual=round(share, 3)))
    if total and copied / total >= SHOWN_FROM:
        share = copied / total
        out.append(emit("year.repeated_all", dict(share=round(share * 100), prev=prev_name,
                                                  sections=say("text.and").join(shown)),
                        actual=round(share, 3)))
    return out


def _jumps(ctx: Context, previous: Report) -> list[Finding]:
    out: list[Finding] = []
    prev_name = _prev_name(previous)
    for fid in ctx.fmt.key_figures:
        if not ctx.readable(fid) or not same_question(previous.format, ctx.fmt.id, fid):
            continue
        now, before = ctx.report.values.get(fid), previous.values.get(fid)
        if not (is_number(now) and is_number(before)):
            continue  # a figure not yet entered (a workbook just started) is not a jump
        big, small = max(now, before), min(now, before)
        if big < JUMP_FLOOR or big <= JUMP_RATIO * small:
            continue
        out.append(finding("year.jump", ctx.fmt.id, fid,
                           dict(where=describe(ctx.fmt.id, fid), now=format_number(now),
                                prev=prev_name, before=format_number(before), ratio=JUMP_RATIO),
                           expected=before, actual=now,
                           cells=(place(ctx.fmt.id, fid).ref,)))
    return out


__all__ = ["check_yearly", "SHOWN_FROM", "JUMP_RATIO", "JUMP_FLOOR"]
