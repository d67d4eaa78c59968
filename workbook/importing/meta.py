"""Who wrote a published report, for which year, and how to reach them.

* The **title** ends in 报告 or 总结 and names the subject (政府信息公开, 政务公开).  Offices print
  it as 「某局2021年政府信息公开工作年度报告」, begin it with the year (「2019年上海市人民政府办公厅
  政府信息公开工作年度报告」), or put the unit on the line above (「五常市民意乡」 /
  「2021年政府信息公开工作年度报告」).  A web page adds its own text around it (「首页 > 年报」,
  「正文」, 「字号：大 中 小」, 「#某某县人民政府」), which is never a unit.
* The **unit** is what the title says besides the year and the subject; else the 落款 that
  ends the report (the unit's name over the date); else the page's 「发布机构」.
* The **year** is the title's; else the one the text speaks of most, and that is said.
* The **contact items** (地址, 邮编, 电话, 电子邮箱, the website) are read from the sentence that
  offers them: 「如对本报告有疑问，请与某局联系（地址：…，邮编：…，电话：…）」.

A unit is recognised by the word its name ends in — 局, 办公室, 人民政府, 街道办事处, 中心 … —
the closed vocabulary of Chinese public bodies, so web-page words are never taken for one.
"""
from __future__ import annotations

import re
from collections import Counter

from ..findings import Finding, emit
from ..formats.model import Format
from ..messages import say
from ..report import Report
from .text import fold

# a report's title ends so: 「…政府信息公开工作年度报告」, 「…政务公开工作总结」
TITLE_ENDS = ("报告", "总结")
TITLE_MAX = 80  # characters of a title, at most
UNIT_MAX = 40
YEAR = re.compile(r"(\d{4})\s*年")
# a title may write its year in Chinese digits: 二〇二一年度
CN_YEAR = re.compile("[〇○零一二三四五六七八九]{4}(?=年)")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
# 「2021年」「2021年度」「二〇二一年度」 as a title prints it
_TITLE_YEAR = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年度?")

# the last words of the names of Chinese public bodies (longest first where one ends another)
UNIT_ENDINGS = (
    "人民政府", "政府", "办公室", "办公厅", "委员会", "管委会", "办事处", "街道", "服务中心", "中心",
    "局", "厅", "委", "办", "院", "署", "处", "所", "站", "队", "馆", "会", "部", "乡", "镇",
    "区", "县", "市", "省", "旗", "盟", "州", "单位", "集团", "公司", "学校", "大学", "学院",
    "医院", "社", "室", "组", "科", "庭", "关", "台", "场", "狱", "村", "校",
)
_UNIT_CHARS = re.compile(r"[\u4e00-\u9fff（）()·]+")


def looks_like_unit(text: str) -> bool:
    """A public body's name: Chinese only (brackets allowed), of a name's length, ending in one
    of :data:`UNIT_ENDINGS` — 「五常市民意乡」, 「区政务办」, not 「正文」, 「#某某县人民政府」 or
    「字号：」."""
    t = "".join(text.split())
    return (2 <= len(t) <= UNIT_MAX and bool(_UNIT_CHARS.fullmatch(t))
            and t.endswith(UNIT_ENDINGS))


def subjects() -> tuple[str, ...]:
    """The words by which a title names its subject, the statutory one first."""
    return (say("document.title_rest", year=""),
            *(say(k) for k in ("import.subject_disclosure", "import.subject_openness")))


def _flat(text: str) -> str:
    return CN_YEAR.sub(lambda m: m.group().translate(_CN_DIGITS), "".join(text.split()))


def title_unit(title: str) -> str:
    """The unit a title names: the title without its year and its subject; '' when it names
    none (「2021年政府信息公开工作年度报告」)."""
    flat = "".join(title.split())
    cut = len(flat)
    for word in subjects():
        at = flat.find(word)
        if 0 <= at < cut:
            cut = at
    m = _TITLE_YEAR.search(flat)
    head = flat[:cut]
    if m and m.start() < cut:
        # the year before the unit (「2019年上海市人民政府办公厅…」) or after it (「某局2021年…」)
        head = flat[:m.start()] if m.start() > 0 else flat[m.end():cut]
    head = head.strip("《》<>「」“”\"'：:，,·-—_|#＃ ")
    return head if looks_like_unit(head) else ""


# -- finding the title --------------------------------------------------------------------------
def _ends_title(segment: str) -> bool:
    f = fold(segment)
    return f.endswith(TITLE_ENDS) and any(fold(s) in f for s in subjects()[1:])


def find_title(lines: list[str], first_heading_line: int) -> tuple[str, list[int]]:
    """The report's title and the lines it was read from.

    Looked for before the first section heading (a line may hold more than the title: a web
    page's path, the text after it), else in the two lines after it.  The title is the piece
    that ends in 报告/总结 and names the subject; a piece before it that is the year or a unit's
    name (the line above, or a space away) belongs to it while the title names no unit yet."""
    before = [i for i in range(min(first_heading_line, len(lines))) if lines[i].strip()]
    after = [i for i in range(first_heading_line + 1, min(len(lines), first_heading_line + 8))
             if lines[i].strip()][:2]
    for group in (before, after):
        pieces: list[tuple[int, str]] = []
        for i in group:
            for piece in _pieces(lines[i]):
                pieces.append((i, piece))
                if _ends_title(piece):
                    return _extend(pieces)
    return "", []


_SENTENCE_END = re.compile(r"[。！？；]")


def _pieces(line: str) -> list[str]:
    """A line cut where a title may begin or end: at spaces, at a sentence's end, and after
    a title's last word (a one-line page runs the title into the text after it)."""
    out = []
    for word in line.split():
        for part in _SENTENCE_END.split(word):
            # 「…工作年度报告本报告根据…」: the title ends at its first 报告/总结 that follows a
            # subject word
            start = 0
            for m in re.finditer("报告|总结", part):
                if _ends_title(part[start:m.end()]):
                    out.append(part[start:m.end()])
                    start = m.end()
            if part[start:]:
                out.append(part[start:])
    return out


def _extend(pieces: list[tuple[int, str]]) -> tuple[str, list[int]]:
    """The title piece, with the pieces before it that complete it (its year, its unit)."""
    line, title = pieces[-1]
    used = [line]
    k = len(pieces) - 2
    # a title piece that is more than a title: 「首页>年报>某局2021年政府信息公开工作年度报告」
    title = re.split(r"[>|｜》】\]]", title)[-1]
    while k >= 0 and not title_unit(title) and len(title) < TITLE_MAX:
        prev_line, prev = pieces[k]
        prev = "".join(prev.split())
        if _TITLE_YEAR.fullmatch(prev) or re.fullmatch(r"\d{4}", prev):
            title = prev + title
        elif looks_like_unit(prev):
            title = prev + title
            used.insert(0, prev_line)
            break
        else:
            break
        used.insert(0, prev_line)
        k -= 1
    return title, sorted(set(used))


# -- the unit at the end, and on the page -----------------------------------------------------
# a date, or the date line a report leaves to be filled in by hand (「　　　　年　　月　　日」)
_DATE = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d〇○一二三四五六七八九十]{1,3}\s*月"
                   r"\s*[\d〇○一二三四五六七八九十]{1,3}\s*日|年\s*月\s*日")


def signature(lines: list[str]) -> tuple[str, list[str]]:
    """The unit a report's 落款 names, and the lines without the 落款: the unit's name (on one
    line or broken over two) over a date (「2022年1月20日」) — or, where the page ran everything
    together, the two after the last sentence (「…信息处理费。测试单位 2022年1月20日」)."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    if not end:
        return "", lines[:end]
    k = end - 1 if _DATE.fullmatch("".join(lines[end - 1].split())) else end
    near = [i for i in range(k - 1, -1, -1) if lines[i].strip()][:2]
    texts = ["".join(lines[i].split()) for i in near]
    if texts and looks_like_unit(texts[0]):
        return texts[0], lines[:near[0]]
    if len(texts) == 2 and looks_like_unit(texts[1] + texts[0]):
        return texts[1] + texts[0], lines[:near[1]]
    # everything on one line: the name (and the date) after the last sentence
    tail = lines[end - 1]
    m = re.search(r"[。！？；]\s*([^。！？；]{2,60})$", tail)
    if m:
        rest = m.group(1)
        date = _DATE.search(rest)
        name = "".join((rest[:date.start()] if date else rest).split())
        if looks_like_unit(name) and (date is None or not rest[date.end():].strip()):
            return name, lines[:end - 1] + [tail[:m.start(1)].rstrip()]
    return "", lines[:k]


_PUBLISHER = re.compile(r"发布机构\s*[:：|｜]?\s*\|?\s*([\u4e00-\u9fff（）()]{2,40})")


def publisher(lines: list[str]) -> str:
    """The 「发布机构」 a government web page prints above a report."""
    for line in lines[:40]:
        m = _PUBLISHER.search(line)
        if m and looks_like_unit(m.group(1)):
            return m.group(1)
    return ""


# -- the year -------------------------------------------------------------------------------------
def read_year(report: Report, title: str, body: str, fmt: Format) -> list[Finding]:
    """The report's year from its title, else the year its text speaks of most (a notice)."""
    item = next(m for m in fmt.meta if m.key == "year")
    lo, hi = item.bounds or (0, 9999)
    years = [int(y) for y in YEAR.findall(_flat(title)) if lo <= int(y) <= hi]
    if years:
        report.meta.year = years[0]
        return []
    counted = Counter(int(y) for y in YEAR.findall("".join(body.split())) if lo <= int(y) <= hi)
    if not counted:
        return []
    report.meta.year = counted.most_common(1)[0][0]
    return [emit("import.year_inferred", dict(year=report.meta.year))]


# -- contact items -------------------------------------------------------------------------------
# an item ends at a comma or stop, at the bracket that closes the sentence's list, or where the
# next item's name begins (a copy may have lost the comma, not the space)
_STOP = r"(?=\s*(?:[，,；;。、]|[）)](?:\s*[，,；;。]|\s*$)|邮|电话|联系|传真|网址|网站|$))"
_CONTACT = {
    "address": re.compile(r"(?:通信|通讯|联系)?地址\s*[:：为]\s*(.{4,60}?)" + _STOP),
    "postcode": re.compile(r"邮(?:政)?编(?:码)?\s*[:：为]?\s*(\d{6})(?!\d)"),
    "phone": re.compile(r"(?:联系|咨询)?电话(?:号码)?\s*[:：为]?\s*"
                        r"(\(?\d{3,4}\)?[-－—–]?\d{7,8}(?:[-－—–]\d{1,5})?|1\d{10})"),
    "email": re.compile(r"([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"),
    "website": re.compile(r"((?:https?://|www\.)[A-Za-z0-9._~:/?#\[\]@!$&'*+,;=%-]+)"),
}


def read_contacts(report: Report, text: str) -> None:
    """Fill the contact items the text gives (the first of each) where the report has none."""
    for key, pattern in _CONTACT.items():
        if getattr(report.meta, key):
            continue
        m = pattern.search(text)
        if m:
            value = _balanced(m.group(1).strip())
            # a PDF's text spaces digits apart from Chinese (「南林中路 660 号」)
            value = _SPACED.sub("", value)
            if key == "website":
                value = value.rstrip(".,;，。；")
            setattr(report.meta, key, value)


_SPACED = re.compile(r"(?<=[\u4e00-\u9fff）])\s+(?=[\dA-Za-z（])|(?<=[\dA-Za-z）])\s+(?=[\u4e00-\u9fff])")


def _balanced(value: str) -> str:
    """An item cut at a closing bracket keeps the bracket it opened (「某路1号（东楼）」) and
    loses one it did not open (the sentence's own)."""
    for o, c in (("（", "）"), ("(", ")")):
        while value.endswith(c) and value.count(c) > value.count(o):
            value = value[:-1].rstrip()
        if value.count(o) > value.count(c):
            value += c
    return value


__all__ = ["find_title", "title_unit", "looks_like_unit", "signature", "publisher", "read_year",
           "read_contacts", "subjects", "UNIT_ENDINGS"]
