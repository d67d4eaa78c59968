"""A saved web page: the real ``<table>`` cells, line breaks where ``<br>``, ``<p>`` and other
blocks end.  Parsed with the standard library's tokenizer; scripts and styles are dropped, never
run, and nothing is fetched."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from .text import decode, table_row_line

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
           "article", "header", "footer", "pre", "blockquote", "title"}
_SKIP = {"script", "style", "noscript", "template", "head"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


class _Lines(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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

    def handle_starttag(self, tag, attrs):
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

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
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

    def handle_data(self, data):
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.current.append(data)


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
    parser = _Lines()
    parser.feed(text)
    parser.close()
    parser._flush()
    return parser.lines


def read_lines(path: Path) -> list[str]:
    return html_lines(page_text(path.read_bytes()))
