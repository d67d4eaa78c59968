"""A section's text split into the parts the format declares, as offices print them.

* A part starts at its sub-heading.  Offices word and number sub-headings their own way:
  「（一）主动公开情况」, 「(一)主动公开方面。」, 「（四）政府信息公开平台建设」, 「一是主动公开情况。」,
  or number them one off (their own 「（一）」 first).  A numbered sub-heading starts a part when
  its first clause names the part's subject (the declared label without its number and 情况, or
  one of the part's declared topic words); a sub-heading numbered 「一是」, which offices also use
  inside a paragraph (「二是强化平台建设，推动…」), only when it *is* the part's label.
* The heading is not part of the text: a heading on a line of its own, or run into its first
  sentence (「一是主动公开情况。通过多渠道…」), goes to the part's heading (the workbook's
  小标题), numbered as the format numbers it; the text starts after it.
* A PDF breaks lines at the page's width, in the middle of words (「中国特\\n色社会主义」): a line
  as long as a full line that does not end a sentence runs on into the next.
* A page copied as one line holds its parts one after another: a sub-heading inside a line
  starts its part there.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..formats.model import Section, TextItem
from ..layout import heading_id
from ..messages import say
from .text import fold, plain

HEADING_MAX = 40  # a sub-heading is looked for in a line's first characters
CLAUSE_MAX = 24  # a sub-heading's first clause names its subject within this many characters
HEADING_ALONE = 20  # a first clause this long or shorter, ending the line, is all heading

_CN = "一二三四五六七八九十"
# the numbering a sub-heading starts with (folded: brackets half-width, 、 as .)
_NUMBERED = re.compile(rf"^(?:\([{_CN}]+\)\.?|[{_CN}]+\.|\d+\)|\(\d+\)|[{_CN}]+是)")
_RUN_IN = re.compile(rf"^[{_CN}]+是")  # 「一是」: a heading only when it is the label itself
# the same numberings inside a line, where a part of a page copied as one line begins
_NUMBERED_IN = re.compile(rf"[（(][{_CN}]+[）)]|(?<![{_CN}])[{_CN}]+、|(?<![{_CN}])[{_CN}]+是")
_CLAUSE_END = re.compile(r"[.。:：;；,，!！?？]")
_HEADING_TAIL = re.compile(r"(?:的)?(?:工作)?(?:情况|方面|工作)?")
_LABEL_NUMBER = re.compile(rf"^（[{_CN}]+）")
# sentence ends: a line ending so is a paragraph's last line
_PARAGRAPH_END = tuple("。！？；：…」”）)!?;:")
# nianbao's own mark under a heading whose part the office left empty (nianbao.document)
_UNFILLED = fold(say("document.unfilled"))


@lru_cache(maxsize=None)
def _subject(label: str) -> str:
    """「（四）平台建设情况」 → 「平台建设」: what a sub-heading must name."""
    core = _NUMBERED.sub("", fold(label))
    for tail in ("情况", "方面", "工作"):
        if core.endswith(tail) and len(core) > len(tail) + 1:
            core = core[:-len(tail)]
    return core


def _words(item: TextItem) -> tuple[str, ...]:
    return (_subject(item.label),) + tuple(fold(w) for w in item.expected + item.variants)


def heading_part(text: str, items: tuple[TextItem, ...]) -> tuple[TextItem | None, int]:
    """The declared part a line's sub-heading starts, and where the heading ends in ``text``
    (0: the line is not a sub-heading; ``len(text)``: the line is only the heading)."""
    head = fold(text[:HEADING_MAX])
    m = _NUMBERED.match(head)
    body = head[m.end():] if m else head
    clause = _CLAUSE_END.split(body, 1)[0]
    if not m:
        # an unnumbered heading is a line of its own that is a label (「存在的主要问题」)
        hit = next((t for t in items if clause == _subject(t.label) or clause == fold(t.label)
                    or _NUMBERED.sub("", fold(t.label)) == clause), None)
        return (hit, len(text)) if hit and fold(text) in (clause, clause + ".", clause + ":") else (None, 0)
    if _RUN_IN.match(head):
        hit = next((t for t in items
                    if clause in (_subject(t.label), _NUMBERED.sub("", fold(t.label)))), None)
        words_end = len(clause)
    else:
        hits = [(clause[:CLAUSE_MAX].find(w), i, t, w) for i, t in enumerate(items)
                for w in _words(t) if w and w in clause[:CLAUSE_MAX]]
        at, _, hit, word = min(hits, key=lambda h: (h[0], h[1])) if hits else (0, 0, None, "")
        words_end = at + len(word)
        tail = _HEADING_TAIL.match(clause, words_end)
        words_end = tail.end() if tail else words_end
    if hit is None:
        return None, 0
    if len(clause) > words_end and (len(clause) > HEADING_ALONE
                                    or _CLAUSE_END.search(body[len(clause) + 1:])):
        # the heading runs into the text without a stop (a page copied as one line): it ends
        # with the subject's words (and 情况, 方面 …)
        return hit, _heading_end(text, words_end + m.end())
    return hit, _heading_end(text, len(clause) + m.end())


def _heading_end(text: str, folded_len: int) -> int:
    """The position in ``text`` after its first ``folded_len`` folded characters and the
    punctuation that closes the heading."""
    n = 0
    for i, ch in enumerate(text):
        if n >= folded_len:
            rest = text[i:]
            stripped = rest.lstrip(" \t\u3000\xa0")
            if stripped[:1] in ("。", ".", "：", ":", "；", ";", "，", ","):
                return len(text) - len(stripped) + 1
            return i
        n += len(fold(ch))
    return len(text)


def office_heading(item: TextItem, printed: str) -> str:
    """The office's heading as the workbook keeps it: its own words, numbered as the format
    numbers the part (the document renumbers it in the order printed)."""
    words = "".join(printed.split()).translate({ord("("): "（", ord(")"): "）"})
    words = re.sub(rf"^(?:（[{_CN}\d]+）|[{_CN}]+[、.．]|[{_CN}]+是|\d+[.．、)])", "", words)
    words = words.rstrip("。.：:；;，,")
    if not words:
        return item.label
    number = _LABEL_NUMBER.match(item.label)
    return (number.group() if number else "") + words


# -- hard line breaks -------------------------------------------------------------------------------
def width(text: str) -> int:
    """Columns a line takes when printed: a Chinese (wide) character two, others one — from its
    UTF-8 length (three bytes for a wide character, one for ASCII), which costs nothing."""
    text = text.strip()
    return (len(text.encode("utf-8")) + len(text)) // 2


FULL_SHARE = 0.85  # a line this share of a full line's width or more was broken by the page
FULL_MIN_LINES = 6  # lines needed to tell a full line's width


def full_width(lines: list[str]) -> int | None:
    """The width of a full printed line when the text was broken at a page's width (many
    lines of nearly one width); None when its lines are paragraphs (a web page, Word)."""
    widths = sorted(w for w in (width(line) for line in lines) if w >= 20)
    if len(widths) < FULL_MIN_LINES:
        return None
    top = widths[int(len(widths) * 0.8)]
    near = sum(1 for w in widths if w >= top * FULL_SHARE)
    # a page breaks most lines at nearly the same width; paragraphs vary
    return top if near >= len(widths) * 0.5 else None


def paragraphs(lines: list[str], full: int | None) -> list[str]:
    """Lines made paragraphs again: a line as wide as a full line that ends no sentence runs
    on into the next (no space between Chinese characters)."""
    out: list[str] = []
    joining = False
    for line in lines:
        text = line.strip(" \t\u3000\xa0")
        if not text:
            continue
        if joining and out and not _NUMBERED.match(fold(text[:6])):
            sep = " " if out[-1][-1:].isascii() and out[-1][-1:].isalpha() and text[:1].isascii() else ""
            out[-1] += sep + text
        else:
            out.append(text)
        joining = bool(full and width(text) >= full * FULL_SHARE and not text.endswith(_PARAGRAPH_END))
    return out


_SPACED = re.compile(r"(?<=[\u4e00-\u9fff，。、；：（）])[ \t]+(?=[\dA-Za-z])"
                     r"|(?<=[\dA-Za-z%])[ \t]+(?=[\u4e00-\u9fff，。、；：（）])")


# -- a section's parts ---------------------------------------------------------------------------------
def run_on_parts(lines: list[str], items: tuple[TextItem, ...]) -> list[str]:
    """Lines cut where a part's numbered sub-heading starts inside a line (a page copied as
    one line): 「…办理。（二）依申请公开情况…」."""
    if len(items) < 2:
        return lines
    out: list[str] = []
    for line in lines:
        cuts = [m.start() for m in _NUMBERED_IN.finditer(line) if m.start() > 0
                and not m.group().endswith("是")
                and heading_part(line[m.start():], items)[0] is not None]
        prev = 0
        for c in cuts:
            out.append(line[prev:c])
            prev = c
        out.append(line[prev:])
    return out


def split_texts(section: Section, lines: list[str], full: int | None = None) -> dict[str, str]:
    """A section's text by part, and the office's own headings (keys ``heading_id(part)``)
    where they differ from the standard ones.  Everything else — the office's own
    sub-headings included — stays where it is printed."""
    items = section.texts
    current = items[0]
    parts: dict[str, list[str]] = {t.key: [] for t in items}
    headings: dict[str, str] = {}
    for text in paragraphs(run_on_parts(lines, items), full):
        item, end = heading_part(text, items)
        if item is not None:
            current = item
            own = office_heading(item, text[:end])
            if fold(own) != fold(item.label) and item.key not in headings:
                headings[item.key] = own
            text = text[end:].strip(" \t\u3000\xa0")
            if not text:
                continue
        if full:  # a PDF's text spaces digits and Latin letters apart from Chinese
            text = _SPACED.sub("", text)
        if fold(text) == _UNFILLED:  # what nianbao prints where nothing was written: no text
            continue
        parts[current.key].append(plain(text))
    out = {k: "\n".join(v) for k, v in parts.items()}
    out.update({heading_id(k): v for k, v in headings.items()})
    return out


__all__ = ["split_texts", "heading_part", "office_heading", "paragraphs", "full_width",
           "run_on_parts"]
