"""A PDF report: its text layer page by page, with pdfplumber (the optional extra
``nianbao[pdf]``).  A scanned PDF has no text layer; what is not there is reported missing."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import UnreadableWorkbook
from ..messages import say


def read_lines(path: Path) -> list[str]:
    try:
        import pdfplumber
    except ImportError:
        raise UnreadableWorkbook("import.pdf_library", file=str(path)) from None
    lines: list[str] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                lines += _without_folio((page.extract_text() or "").splitlines())
    except Exception as e:  # pdfminer raises many kinds for a damaged or encrypted file
        raise UnreadableWorkbook("import.unreadable", file=str(path),
                                 detail=say("import.not_pdf", kind=type(e).__name__)) from e
    return lines


# a page number printed as a folio: 「— 3 —」, 「- 3 -」, 「第 3 页」, 「3/12」
_FOLIO = re.compile(r"^[\s—–\-－·]*(?:第\s*)?\d{1,3}(?:\s*页)?"
                    r"(?:\s*/\s*(?:共\s*)?\d{1,3}\s*页?)?[\s—–\-－·]*$")


def _without_folio(lines: list[str]) -> list[str]:
    """A page's lines without the page number at its top or bottom (else it would be read as
    one more number of the row it follows)."""
    while lines and _FOLIO.match(lines[-1]) and not lines[-1].strip().isdigit():
        lines = lines[:-1]
    while lines and _FOLIO.match(lines[0]) and not lines[0].strip().isdigit():
        lines = lines[1:]
    return lines
