"""Reading published reports back into a :class:`~nianbao.report.Report`.

``import_report(path)`` reads a Word file, a PDF, a saved web page or extracted text: one module
per source kind turns it into lines of text (:mod:`.docx`, :mod:`.pdf`, :mod:`.html`,
:mod:`.txt`; pages apart, a table's cells kept where the source knows them), and one matcher
(:mod:`.matcher`) finds the format and every statutory value by the declared labels, with
:mod:`.meta` (title, unit, year, contact items) and :mod:`.parts` (the sections' texts by part).
What the source lacks is MISSING (not 0), a cell printed blank is blank, and every doubt is a
finding on the Report.
"""
from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

from typing import TYPE_CHECKING, Any

from ..errors import NianbaoError, UnreadableWorkbook

if TYPE_CHECKING:
    from .matcher import Imported

# suffix → the module that turns such a file into lines of text
READERS = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".txt": "txt"}


def is_published(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a kind of published report nianbao imports (not a workbook)."""
    return Path(path).suffix.lower() in READERS


def import_report(path: str | os.PathLike) -> Imported:
    """Read a published report; raises :class:`UnreadableWorkbook` when the file cannot be
    opened at all (a report with nothing recognisable is an Imported with everything missing)."""
    p = Path(path)
    kind = READERS.get(p.suffix.lower())
    if kind is None:
        raise UnreadableWorkbook("import.unknown_kind", file=str(p), known="、".join(READERS))
    from ..fileio import os_reason
    from ..safety import MAX_UNCOMPRESSED, _human

    try:
        if not p.is_file():
            raise UnreadableWorkbook("file.missing", file=str(p))
        size = p.stat().st_size
    except OSError as e:  # a name the system cannot take (too long), no permission …
        raise UnreadableWorkbook("file.unreadable", file=str(p), detail=os_reason(e)) from None
    if size > MAX_UNCOMPRESSED:  # a report is kilobytes; never read gigabytes
        raise UnreadableWorkbook("file.too_large", file=str(p), size=_human(size))
    # the matcher and its label tables load here, when a report is imported: asking whether a
    # file is a published report (``check`` of a workbook does) must not cost them
    from .matcher import match

    reader = import_module(f".{kind}", __name__)
    try:
        lines = reader.read_lines(p)
    except NianbaoError:
        raise
    except Exception as e:  # a damaged zip, bad XML, a truncated PDF …
        raise UnreadableWorkbook("import.unreadable", file=str(p),
                                 detail=f"{type(e).__name__}: {e}") from e
    return match(lines, str(p))


def __getattr__(name: str) -> Any:
    if name == "Imported":
        from .matcher import Imported

        return Imported
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["import_report", "is_published", "Imported", "READERS"]
