"""A saved web page: the real ``<table>`` cells, line breaks where ``<br>``, ``<p>`` and other
blocks end.  Scripts and styles are dropped, never run, and nothing is fetched.

Parsed by libxml2's HTML parser (lxml) as a stream of events: linear in the page whatever it
holds — the standard library's tokenizer rescans to the end of the page at every unclosed
``<a``, so 400 KB of them took minutes — it closes what a page leaves open (a ``<td>`` without
``</td>``, a ``<head>`` without ``</head>``) as a browser does, declares no entities and
builds no tree, so neither deep nesting nor entity amplification costs anything.
"""
from __future__ import annotations

import re

from .text import decode, table_row_line

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
           "article", "header", "footer", "pre", "blockquote", "title"}
_SKIP = {"script", "style", "noscript", "template", "head"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


class _Lines:
    """The parser's target: the page's events in, its lines out."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def _flush(self) -> None:
        text = "".join(self.current)
        if text.strip():
            self.lines.append(text)
        self.current = []

    def start(self, tag, attrs) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")
        elif tag in _BLOCKS and self.cell is None:
            self._flush()

    def end(self, tag) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.lines.append(table_row_line(self.row))
            self.row = None
        elif tag in _BLOCKS and self.cell is None:
            self._flush()

    def data(self, data) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.current.append(data)

    def close(self) -> list[str]:
        self._flush()
        return self.lines


def page_text(data: bytes) -> str:
    """The page decoded: the charset it declares (GBK, GB2312, UTF-8), else by trial."""
    m = _CHARSET.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii").lower()
        if name in ("gbk", "gb2312", "gb18030"):
            name = "gb18030"
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def html_lines(text: str) -> list[str]:
    from lxml import etree

    target = _Lines()
    # the text is already decoded (page_text): handed over as UTF-8, so a <meta charset> or an
    # XML declaration in the page does not make libxml2 decode it a second time
    parser = etree.HTMLParser(target=target, encoding="utf-8", recover=True, no_network=True,
                              remove_comments=True, remove_pis=True)
    parser.feed(text.encode("utf-8", "replace"))
    return parser.close()


def read_lines(data: bytes, name: str = "") -> list[str]:
    return html_lines(page_text(data))
