"""Reading published reports back into a :class:`~nianbao.report.Report`.

``import_report(path)`` reads a Word file, a PDF, a saved web page or extracted text: one module
per source kind turns it into lines of text (:mod:`.docx`, :mod:`.pdf`, :mod:`.html`,
:mod:`.txt`; pages apart, a table's cells kept where the source knows them), and one matcher
(:mod:`.matcher`) finds the format and every statutory value by the declared labels, with
:mod:`.meta` (title, unit, year, contact items) and :mod:`.parts` (the sections' texts by part).
What the source lacks is MISSING (not 0), a cell printed blank is blank, and every doubt is a
finding on the Report.

Reports arrive from strangers (the web door takes them from anyone), so reading one is bounded
before and while it is parsed: a file larger than such a report can be is refused from its
size (:data:`MAX_BYTES`, by kind, from ``stat`` before a byte is read; only a regular file is
opened), each reader bounds its own parser (a Word file's package through the safety screen, a
PDF's pages, objects and time in a worker process that a limit can end), and the text extracted
is refused past :data:`MAX_CHARS`.  Every refusal is one Chinese line (``import.unreadable`` or
the safety screen's ``file.*``); a library's own words are kept for ``--debug`` only
(:func:`nianbao.errors.with_debug`).
"""
from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

from typing import TYPE_CHECKING, Any

from ..errors import NianbaoError, UnreadableWorkbook, with_debug
from ..messages import say

if TYPE_CHECKING:
    from .matcher import Imported

# suffix → the module that turns such a file into lines of text
READERS = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".txt": "txt"}

_MB = 1024 * 1024
# the largest file of each kind read at all: a report's text is 20–50 KB, a saved web page with
# its scripts, styles and inline pictures a few MB, a Word file with pictures a few MB (the
# workbook screen's limit), a PDF with scanned pages tens of MB
MAX_BYTES = {"txt": 4 * _MB, "html": 16 * _MB, "docx": 20 * _MB, "pdf": 64 * _MB}
# the text extracted: ~30 times a long report — the matcher's work grows with it (a page copied
# as one line of 600,000 characters takes it ~1.5 s)
MAX_CHARS = 600_000


def is_published(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a kind of published report nianbao imports (not a workbook)."""
    return Path(path).suffix.lower() in READERS


def import_report(source: str | os.PathLike | bytes, name: str | None = None) -> Imported:
    """Read a published report — a path, or the bytes of one (``name``, whose suffix says
    which kind it is, is then only shown) — raising :class:`UnreadableWorkbook` when it cannot
    be read at all (a report with nothing recognisable is an Imported with everything
    missing)."""
    if isinstance(source, bytes):
        shown = name or ""
    else:
        shown = name or str(source)
    kind = READERS.get(Path(shown).suffix.lower())
    if kind is None:
        raise UnreadableWorkbook("import.unknown_kind", file=shown, known="、".join(READERS))
    data = source if isinstance(source, bytes) else read_limited(source, MAX_BYTES[kind])
    if len(data) > MAX_BYTES[kind]:  # an upload
        from ..safety import human_size

        raise UnreadableWorkbook("import.unreadable", file=shown, detail=say(
            "import.too_large", size=human_size(len(data)), limit=human_size(MAX_BYTES[kind])))
    # the matcher and its label tables load here, when a report is imported: asking whether a
    # file is a published report (``check`` of a workbook does) must not cost them
    from .matcher import match

    reader = import_module(f".{kind}", __name__)
    try:
        lines = reader.read_lines(data, shown)
    except NianbaoError:
        raise
    except Exception as e:  # a damaged zip, bad XML, a truncated PDF …: one message per kind
        raise with_debug(UnreadableWorkbook("import.unreadable", file=shown,
                                            detail=say(f"import.not_{kind}")), e) from None
    chars = sum(len(line) for line in lines)
    if chars > MAX_CHARS:
        raise UnreadableWorkbook("import.unreadable", file=shown, detail=say(
            "import.too_much_text", n=f"{chars // 10_000}", limit=f"{MAX_CHARS // 10_000}"))
    return match(lines, shown)


def __getattr__(name: str) -> Any:
    if name == "Imported":
        from .matcher import Imported

        return Imported
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def read_limited(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` — as every action reads an input
    (:func:`nianbao.fileio.read_input`): opened without blocking, refused from its
    ``stat`` when it is no regular file (a FIFO, ``/dev/zero``) or larger than ``limit`` (a
    sparse file of gigabytes occupies no disk but would be read whole), never more than
    ``limit`` bytes read."""
    from ..fileio import read_input

    return read_input(path, limit)[0]


__all__ = ["import_report", "is_published", "read_limited", "Imported", "READERS", "MAX_BYTES",
           "MAX_CHARS"]
