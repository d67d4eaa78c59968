"""Plain text already extracted from a report (copied from a web page or a PDF viewer, or
written by a PDF-to-text tool, which separates pages with a form feed).  A row copied from a
table keeps its cells apart with tabs or bars; an empty one is a printed blank."""
from __future__ import annotations

import re

from .text import PAGE, decode, text_row

# line ends (str.splitlines also splits at the form feed, which here separates pages)
_LINE_END = re.compile("\r\n|[\n\r\v\x85\u2028\u2029]")


def read_lines(data: bytes, name: str = "") -> list[str]:
    return text_lines(decode(data))


def text_lines(text: str) -> list[str]:
    out: list[str] = []
    for i, page in enumerate(text.split("\f")):
        if i:
            out.append(PAGE)
        out += [text_row(line) for line in _LINE_END.split(page)]
    return out
