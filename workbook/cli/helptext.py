"""Every ``--help`` in Chinese: click's own words said in ours, laid out by display width.

click writes its help pages in English — 「Usage:」, 「Options:」, 「Show this message and exit.」,
「[required]」, 「[default: 2021]」, metavars such as ``TEXT`` and ``INTEGER`` — and measures text
by characters, so a Chinese line (two columns a character) runs past the terminal and a column
after 「名单.xlsx」 comes out of line.  :class:`HelpFormatter` takes click's words as click writes
them and says them in Chinese (:data:`CLICK_WORDS`, :data:`METAVARS`; the messages in
:mod:`nianbao.messages`), and wraps and aligns by display width (:func:`nianbao.text.cjk.
display_width`), breaking between Chinese characters but never inside an option or a file name,
and never putting 「，」 or 「）」 at the start of a line.

:func:`install` sets it once, on the ``nianbao`` group and every command under it (click makes
each command's context from the command's own ``context_class``), and gives each command the
first sentence of its help as its line in the command list (click's own shortening cuts at
spaces, which Chinese has none of: ``merge`` came out as 「...」).
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator, Sequence

import click

from ..messages import say
from ..text.cjk import char_width, display_width

# what click writes, as it writes it (without a translation catalogue) → message code
CLICK_WORDS = {
    "Show this message and exit.": "cli.help.help_option",
    "Show the version and exit.": "cli.help.version_option",
}
HEADINGS = {"Options": "cli.help.options", "Commands": "cli.help.commands",
            "Arguments": "cli.help.arguments", "Positional arguments": "cli.help.arguments"}
# click's metavars (a parameter type's name in capitals, or its usage words) → message code;
# the longer first, so that 「INTEGER RANGE」 is not read as 「INTEGER」 and 「RANGE」
METAVARS = {
    "INTEGER RANGE": "cli.help.mv.integer", "FLOAT RANGE": "cli.help.mv.number",
    "[OPTIONS]": "cli.help.mv.options", "[ARGS]": "cli.help.mv.args",
    "COMMAND": "cli.help.mv.command", "TEXT": "cli.help.mv.text",
    "INTEGER": "cli.help.mv.integer", "FLOAT": "cli.help.mv.number",
    "BOOLEAN": "cli.help.mv.boolean", "PATH": "cli.help.mv.path", "FILE": "cli.help.mv.file",
    "FILENAME": "cli.help.mv.file", "DIRECTORY": "cli.help.mv.directory",
}
_METAVAR = re.compile("|".join(r"(?<![\w-])" + re.escape(k) + r"(?![\w-])"
                               for k in sorted(METAVARS, key=len, reverse=True)))
# the bracket click appends to an option's help: 「  [default: 2021; required]」
_EXTRAS = re.compile(r"\s*\[([^\[\]]+)\]$")
_RANGE = re.compile(r"^(?:(-?[\d.]+)(<=|<))?x(?:(<=|<|>=|>)(-?[\d.]+))?$")

# a line never starts with these (closing punctuation) nor ends with those (opening)
_CLOSING = set("，。、；：？！）」』》〉】…—%,.;:?!)]")
_OPENING = set("（「『《〈【([")
_JOINING = set("～")  # 「1～64」: neither starts nor ends a line
# display columns a command's line in the list may take (a line of 80 columns less the names),
# and where a longer first sentence is cut, in this order
SHORT_HELP_WIDTH = 60
SHORT_HELP_BREAKS = ("：", "；", "，", "（")


# -- wrapping by display width ------------------------------------------------------------------
def _pieces(text: str) -> list[str]:
    """Pieces no line breaks inside — a run of narrow characters (a word, an option, a file
    name), a wide character — with closing punctuation joined to what precedes it and opening
    punctuation to what follows; a run of spaces is one 「 」 (a place to break)."""
    out: list[str] = []
    glue = False
    for ch in text:
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
            glue = False
            continue
        prev = out[-1] if out and out[-1] != " " else ""
        if prev and (glue or ch in _CLOSING or ch in _JOINING
                     or (char_width(ch) == 1 and char_width(prev[-1]) == 1)):
            out[-1] += ch
        else:
            out.append(ch)
        glue = ch in _OPENING or ch in _JOINING
    return out


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` display columns (a piece longer than a line
    stands alone), the first led by ``first``, the others by ``rest``."""
    lines: list[str] = []
    line, used, space = first, display_width(first), False
    lead = display_width(first)
    for piece in _pieces(text):
        if piece == " ":
            space = True
            continue
        need = display_width(piece) + (1 if space and used > lead else 0)
        if used + need > width and used > lead:
            lines.append(line)
            line, used, lead = rest, display_width(rest), display_width(rest)
            need = display_width(piece)
        elif space and used > lead:
            line += " "
            used += 1
        line += piece
        used += display_width(piece)
        space = False
    lines.append(line)
    return [x.rstrip() for x in lines]


def _paragraphs(text: str) -> Iterator[tuple[bool, str]]:
    """(keep as written, text) per paragraph: blank lines part them; a paragraph opened by a
    line holding only ``\\b`` keeps its lines (click's convention)."""
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.split("\n")
        if lines[0].strip() == "\b":
            yield True, "\n".join(lines[1:])
        else:
            yield False, _join([x.strip() for x in lines])


def _join(lines: Sequence[str]) -> str:
    """Lines of one paragraph as one: Chinese runs on without a space, other text with one."""
    out = ""
    for x in lines:
        if out and x and not (char_width(out[-1]) == 2 and char_width(x[0]) == 2):
            out += " "
        out += x
    return out


# -- click's words in Chinese -------------------------------------------------------------------
def metavars(text: str) -> str:
    """click's metavars and usage words (「[OPTIONS]」, 「INTEGER RANGE」) said in Chinese;
    「...」 (may be repeated) as 「…」."""
    return _METAVAR.sub(lambda m: say(METAVARS[m.group(0)]), text).replace("...", "…")


def help_text(text: str) -> str:
    """An option's help as click made it: its own words, or click's (the help option's), and
    the bracket click appends (required, default, range) — said in Chinese.  A bracket with
    anything else in it is left as it is."""
    if text in CLICK_WORDS:
        return say(CLICK_WORDS[text])
    found = _EXTRAS.search(text)
    if not found:
        return text
    said = [_extra(item.strip()) for item in found.group(1).split(";")]
    if any(s is None for s in said):
        return text
    return text[:found.start()] + say("cli.help.extras", items="；".join(s for s in said if s))


def _extra(item: str) -> str | None:
    if item == "required":
        return say("cli.help.required")
    if item.startswith("default: "):
        return say("cli.help.default", value=item[len("default: "):])
    if item.startswith("env var: "):
        return say("cli.help.envvar", name=item[len("env var: "):])
    m = _RANGE.match(item.replace(" ", ""))
    if m and (m.group(1) or m.group(4)):
        lo, lop, hop, hi = m.groups()
        if lo is not None and hi is not None and lop == "<=" and hop == "<=":
            return say("cli.help.range", lo=lo, hi=hi)
        parts = []
        if lo is not None:
            parts.append(say("cli.help.above" if lop == "<" else "cli.help.from", n=lo))
        if hi is not None:
            key = {"<": "cli.help.below", "<=": "cli.help.upto", ">": "cli.help.above",
                   ">=": "cli.help.from"}[hop]
            parts.append(say(key, n=hi))
        return "、".join(parts)
    return None


class HelpFormatter(click.HelpFormatter):
    """click's help formatter speaking Chinese and measuring by display width."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        lead = f"{' ' * self.current_indent}{prefix if prefix is not None else say('cli.help.usage')}"
        head = f"{lead}{prog}"
        if not args:
            self.write(head + "\n")
            return
        indent = " " * min(display_width(head) + 1, self.width // 2)
        self.write("\n".join(wrap(metavars(args), self.width, head + " ", indent)) + "\n")

    def write_heading(self, heading: str) -> None:
        code = HEADINGS.get(heading)
        self.write(f"{' ' * self.current_indent}{say(code) if code else heading}"
                   f"{say('cli.help.colon')}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        out = []
        for keep, para in _paragraphs(text):
            if keep:
                out.append("\n".join(indent + x for x in para.split("\n")))
            else:
                out.append("\n".join(wrap(para, self.width, indent, indent)))
        self.write("\n\n".join(out) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, ...]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = [(metavars(r[0]), help_text(r[1]) if len(r) > 1 else "") for r in rows]
        first_col = min(max((display_width(a) for a, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        text_width = max(self.width - self.current_indent - first_col, 10)
        for term, text in rows:
            self.write(indent + term)
            if not text:
                self.write("\n")
                continue
            if display_width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = [line for _, para in _paragraphs(text) for line in wrap(para, text_width)]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")



def short_help(text: str) -> str:
    """A command's line in the command list: the first sentence of its help; a long one up to
    its first 「：」, else 「；」, 「，」 or 「（」 (「汇总各单位报送的年报工作簿」)."""
    sentence = next((para for keep, para in _paragraphs(text) if not keep), "").split("。")[0]
    for mark in SHORT_HELP_BREAKS:
        if display_width(sentence) <= SHORT_HELP_WIDTH:
            break
        at = _outside_brackets(sentence, mark)
        if at > 0:
            sentence = sentence[:at]
    return sentence


def _outside_brackets(text: str, mark: str) -> int:
    """Where ``mark`` first stands outside any （…） in ``text``; -1 when nowhere."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == mark and depth == 0:
            return i
        depth += (ch in "（(") - (ch in "）)")
    return -1


def install(command: click.Command) -> None:
    """Chinese help for ``command`` and every command under it: the short help each shows in
    its group's list (the formatter comes with :class:`nianbao.cli.context.Context`, which the
    command line sets on every command it loads)."""
    if command.short_help is None and command.help:
        command.short_help = short_help(command.help)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            install(sub)


__all__ = ["HelpFormatter", "install", "wrap", "metavars", "help_text", "short_help"]
