"""A PDF report: its text layer page by page, with pdfplumber (the optional extra
``nianbao[pdf]``).  A scanned PDF has no text layer; what is not there is reported missing."""
from __future__ import annotations

from pathlib import Path

from ..errors import UnreadableWorkbook


def read_lines(path: Path) -> list[str]:
    try:
        import pdfplumber
    except ImportError:
        raise UnreadableWorkbook("import.pdf_library", file=str(path)) from None
    lines: list[str] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                lines += (page.extract_text() or "").splitlines()
    except Exception as e:  # pdfminer raises many kinds for a damaged file
        raise UnreadableWorkbook("import.unreadable", file=str(path),
                                 detail=f"{type(e).__name__}: {e}") from e
    return lines
