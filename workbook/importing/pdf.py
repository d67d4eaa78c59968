"""A PDF report: its text layer page by page, with pdfplumber (the optional extra
``nianbao[pdf]``).  A scanned PDF has no text layer; what is not there is reported missing.

A table drawn with rules (every Word or WPS table printed to PDF) is read by its cells, as the
Word reader reads a table: one line per row, an empty cell a printed blank.  Read as lines of
text instead, a row's numbers sit wherever the page centred them — between the two lines of a
label, or above it — and a blank cell leaves no trace.  The text around the tables is read as
lines, in the order printed.  Pages are separated by :data:`~.text.PAGE`, so page numbers and
running headers can be told from the report (:func:`~.text.without_furniture`).
"""
from __future__ import annotations

import io
from typing import Any

from ..errors import UnreadableWorkbook, with_debug
from ..messages import say
from .text import PAGE, table_row_line

# A PDF from a stranger can make pdfminer work without end: 100,000 pages, 100,000 text objects
# or one very long line on a page, an object that refers to itself (its resolution never ends,
# and ignores SIGTERM).  Bounds are checked before each page is laid out and after it; the whole
# extraction runs in a worker process that is killed past its time and memory (see read_lines).
# A published report prints 5–30 pages of ~2,000 characters, each page's content a few KB
# (LibreOffice) to ~100 KB (a Word printer placing every glyph).
MAX_PAGES = 200
MAX_PAGE_CONTENT = 1024 * 1024  # bytes of content streams (decoded) drawing one page
MAX_CONTENT = 8 * 1024 * 1024  # … and all pages together
MAX_PAGE_CHARS = 20_000  # characters laid out on one page
PDF_SECONDS = 6.0  # for the whole extraction (a 30-page report takes ~1 s)
# address space the worker may add to what it inherits (a 30-page report needs ~60 MB): the
# limit is relative, as a worker forked from a large process (a test runner, a server) starts
# with that process's address space
PDF_MEMORY = 384 * 1024 * 1024


class _Refused(Exception):
    """A bound was passed: the message key of the detail and its arguments."""


def extract(data: bytes) -> list[str]:
    """The lines of the PDF whose bytes are ``data``, pages apart; raises :class:`_Refused` past
    a bound and whatever pdfminer raises for a damaged file.  Runs in the worker."""
    import pdfplumber
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    # the stream is ours (BytesIO): the PDF object is never closed, as pdfplumber's close()
    # would first lay out every page of the document
    pdf = pdfplumber.PDF(io.BytesIO(data), stream_is_external=True)
    root = resolve1(pdf.doc.catalog.get("Pages"))
    count = resolve1(root.get("Count")) if isinstance(root, dict) else None
    if isinstance(count, int) and count > MAX_PAGES:
        raise _Refused("import.pdf_pages", {"n": MAX_PAGES})
    lines: list[str] = []
    content = 0
    doctop: float = 0
    for i, page_obj in enumerate(PDFPage.create_pages(pdf.doc)):
        if i >= MAX_PAGES:  # the page tree said less, or nothing
            raise _Refused("import.pdf_pages", {"n": MAX_PAGES})
        size = _content_size(page_obj)
        content += size
        if size > MAX_PAGE_CONTENT or content > MAX_CONTENT:
            raise _Refused("import.pdf_content", {"page": i + 1})
        page = pdfplumber.page.Page(pdf, page_obj, page_number=i + 1, initial_doctop=doctop)
        if len(page.chars) > MAX_PAGE_CHARS:
            raise _Refused("import.pdf_content", {"page": i + 1})
        if i:
            lines.append(PAGE)
        lines += page_lines(page)
        doctop += page.height
        page.close()  # its objects are not kept for the next pages
    return lines


def _content_size(page_obj: Any) -> int:
    """The decoded bytes that draw one page: its content streams and the forms they draw,
    each counted only up to the page's bound (an inflating bomb is never inflated whole)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    streams = [resolve1(s) for s in page_obj.contents]
    resources = resolve1(page_obj.resources) or {}
    forms = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    for xobj in (forms.values() if isinstance(forms, dict) else ()):
        xobj = resolve1(xobj)
        if isinstance(xobj, PDFStream) and getattr(resolve1(xobj.get("Subtype")), "name", "") == "Form":
            streams.append(xobj)
    size = 0
    for stream in streams:
        if isinstance(stream, PDFStream):
            size += _decoded_size(stream, MAX_PAGE_CONTENT - size)
            if size > MAX_PAGE_CONTENT:
                break
    return size


def _decoded_size(stream: Any, limit: int) -> int:
    """What ``stream`` decodes to, in bytes — for a Flate stream (nearly every PDF's) inflated
    only as far as ``limit`` + 1 to tell; pdfminer would inflate it whole, into memory."""
    import zlib

    from pdfminer.pdftypes import LITERALS_FLATE_DECODE

    if stream.data is None and stream.rawdata is not None:
        filters = stream.get_filters()
        if len(filters) == 1 and filters[0][0] in LITERALS_FLATE_DECODE:
            try:
                probe = zlib.decompressobj().decompress(stream.rawdata, max(limit, 0) + 1)
            except zlib.error:
                probe = b""  # damaged: pdfminer recovers what it can, within the bound below
            if len(probe) > limit:
                return len(probe)
    return len(stream.get_data() or b"")


def _extract_isolated(data: bytes) -> tuple[str, Any]:
    """:func:`extract` as the worker runs it: its result, or why not, as plain data."""
    try:
        return "lines", extract(data)
    except _Refused as e:
        return "refused", e.args
    except MemoryError:
        return "memory", None
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds for a damaged file
        return "damaged", f"{type(e).__name__}: {e}"[:1000]


def _extract_in_worker(data: bytes) -> tuple[str, Any]:
    """:func:`_extract_isolated` in a worker of its own, its address space bounded first."""
    _limit_growth(PDF_MEMORY)
    return _extract_isolated(data)


def _limit_growth(extra: int) -> None:
    """Let this process's address space grow by at most ``extra`` bytes (Linux; elsewhere the
    time limit still ends a worker that will not stop)."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = size + extra if hard == resource.RLIM_INFINITY else min(size + extra, hard)
        if soft == resource.RLIM_INFINITY or soft > cap:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError, IndexError):
        pass


def _failed(data: bytes, failure: Any) -> tuple[str, Any]:
    """A worker that overran its time or died: why, as :func:`_extract_isolated` says it."""
    if failure.kind == "timeout":
        return "timeout", failure.seconds
    if failure.kind == "crashed":
        return "crashed", failure.detail
    return "damaged", failure.detail


def read_lines(data: bytes, name: str = "") -> list[str]:
    """The lines of the PDF whose bytes are ``data``, extracted in a worker process killed
    after :data:`PDF_SECONDS` or when it would grow past :data:`PDF_MEMORY` — pdfminer is pure
    Python, and a PDF built to loop never lets it return.  In a process that is already such
    a worker (``merge`` reading the unit a PDF names), it is bounded there and read in place."""
    try:
        import pdfplumber  # noqa: F401 - only to say it is missing, before a worker starts
    except ImportError:
        raise UnreadableWorkbook("import.pdf_library", file=name) from None
    import multiprocessing

    if multiprocessing.current_process().daemon:  # an isolated worker cannot start another
        what, value = _extract_isolated(data)
    else:
        from ..parallel import isolated_map

        what, value = next(isolated_map(_extract_in_worker, [data], failed=_failed, n=1,
                                        timeout=PDF_SECONDS, memory=None))
    if what == "lines":
        return value
    if what == "refused":
        key, args = value
        raise UnreadableWorkbook("import.unreadable", file=name, detail=say(key, **args))
    if what in ("memory", "timeout", "crashed"):
        error = UnreadableWorkbook("import.unreadable", file=name, detail=say(
            f"import.pdf_{what}", seconds=f"{PDF_SECONDS:g}"))
        raise with_debug(error, str(value)) if what == "crashed" else error
    raise with_debug(UnreadableWorkbook("import.unreadable", file=name,
                                        detail=say("import.not_pdf")), value)


def page_lines(page) -> list[str]:
    """One page's lines: text lines and table rows, top to bottom."""
    try:
        tables = [t for t in page.find_tables() if _is_grid(t)]
    except Exception:  # a drawing pdfplumber cannot make a table of: the page as text
        tables = []
    if not tables:
        return (page.extract_text() or "").splitlines()
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    placed: list[tuple[float, int, str]] = [
        (line["top"], 0, line["text"]) for line in page.filter(outside).extract_text_lines()]
    for t in tables:
        top = t.bbox[1]
        for k, row in enumerate(t.extract()):
            cells = [c for c in row if c is not None]  # None: covered by a merged cell
            text = table_row_line([_cell_text(c) for c in cells])
            if text:
                placed.append((top, k + 1, text))
    placed.sort(key=lambda p: (p[0], p[1]))
    return [text for _, _, text in placed]


def _is_grid(table) -> bool:
    """A table of at least two rows and two columns: a frame drawn around a page or a
    paragraph is not one."""
    rows = table.extract()
    return len(rows) >= 2 and max((len(r) for r in rows), default=0) >= 2


def _cell_text(text: str) -> str:
    # a label wrapped inside its cell (「1.本机关不掌握\n相关政府信息」) is one label; the
    # wrap is layout, as in a Word cell
    return "".join(part.strip() for part in text.split("\n")).strip()
