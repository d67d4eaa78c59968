"""Refuse files that are not what they claim before any parser sees them.

Workbooks arrive by e-mail from other offices and from strangers.  Before a parser opens one we
look at it with bounded time and memory: the file's size, the zip directory (a zip bomb, too
many parts), then every part's whole content, streamed (a DTD or entity declaration anywhere — the
XML parsers behind calamine and openpyxl must never see one — and a damaged compressed stream,
which decompressing finds).  Encrypted and legacy files each get a precise Chinese message.
Macros are never executed: nothing in nianbao runs VBA, and readers ignore vbaProject.bin.

The sheets the reader will parse are also scanned here, streaming, for two things calamine
cannot tell us safely: the extent of the cells present (calamine builds a dense grid from A1 to
the last cell, so one value at XFD1048576 costs terabytes) and formulas without a computed value
(calamine reads them as blank, which would count as 0).
"""
from __future__ import annotations

import html
import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Collection, Iterator
from xml.parsers import expat

from .errors import UnreadableWorkbook
from .fileio import os_reason

MAX_FILE = 20 * 1024 * 1024  # a statutory workbook is ~30 KB; with pictures a few MB
MAX_UNCOMPRESSED = 64 * 1024 * 1024  # its parts unpack to ~100 KB; 32,767-character texts to ~1 MB
MAX_RATIO = 200  # deflate rarely exceeds ~100:1 on real sheets; bombs reach 1000:1
MAX_MEMBERS = 5000
# calamine allocates rows × columns cells from A1 to the last cell present; a statutory sheet is
# about 40 × 12 cells, notes typed beside it a few thousand more
MAX_SHEET_CELLS = 1_000_000
MAX_ROW, MAX_COL = 1_048_576, 16_384  # Excel's own limits: a reference beyond them is damage
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_HEAD = 64 * 1024  # an encrypted package's directory sits at the start of the file
_CHUNK = 1024 * 1024
_MARKERS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY")
                 for enc in ("ascii", "utf-16-le", "utf-16-be"))
_OVERLAP = max(len(m) for m in _MARKERS) - 1
# every marker begins 「<!」 in one of the encodings: a part without it holds none of the six
_MARKER_STARTS = (b"<!", "<!".encode("utf-16-le")[:3])


_MARKER_START = re.compile(rb"<\x00?!")  # 「<!」 in ASCII, UTF-16-LE and (inside) UTF-16-BE


def _may_hold_marker(window: bytes) -> bool:
    """Whether ``window`` holds 「<!」 (in ASCII or UTF-16).  Most parts hold no 「!」 at all,
    which memchr tells at once; the others (formulas' sheet references are full of 「!」) are
    searched by one expression for both encodings — 3× faster than two ``in`` tests, whose
    search stops at every 「<」 of the XML.  Linear in the part's size either way."""
    return window.find(b"!") >= 0 and _MARKER_START.search(window) is not None


_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class SheetScan:
    """What a sheet holds, as far as reading it safely is concerned."""

    rows: int = 0  # the last row and column holding a cell (1-based)
    cols: int = 0
    absurd: str | None = None  # the reference that makes the sheet too large to read
    # cell → formula text, for formulas without a computed value
    uncomputed: dict[str, str] = field(default_factory=dict)
    # the texts above are as the XML holds them (「&lt;」): unescaped only for the few cells a
    # reader asks about (:meth:`formula`) — a workbook a script wrote has hundreds of formulas
    escaped: bool = False

    def formula(self, cell: str) -> str:
        text = self.uncomputed[cell]
        return html.unescape(text) if self.escaped else text


@dataclass
class Inspection:
    """The result of :func:`inspect_xlsx`: the scan of each sheet asked for, by sheet name."""

    sheets: dict[str, SheetScan] = field(default_factory=dict)
    # docProps/core.xml as the screen read it (b"" when absent or large): the saved stamp
    core: bytes = b""


def human_size(n: int) -> str:
    """A size as a message gives it (「3 MB」, 「120 KB」)."""
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


_human = human_size  # (the name the workbook screen has always used)


@dataclass(frozen=True)
class Kind:
    """What an Office package must hold, and how to say that a file is not one: the screen is
    the same for a workbook and a Word file, the words are not."""

    required: str  # the part every such package has
    code: str  # the error a damaged or foreign file raises (its message takes {file} and {detail})
    wrapper: str  # the key that puts a detail in this kind's words ("" when the code says it)
    not_zip: str  # the detail when the file is no zip at all
    legacy: str  # the detail for an old binary file (.xls, .doc)
    missing: str  # the detail when the required part is not there

    def error(self, name: str, detail: str) -> UnreadableWorkbook:
        if self.wrapper:
            from .messages import say

            detail = say(self.wrapper, detail=detail)
        return UnreadableWorkbook(self.code, file=name, detail=detail)


    rows: str = ""  # with shape checked (see screen_package): the element counted as a table row


XLSX = Kind("xl/workbook.xml", "file.not_xlsx", "", "文件内容不是 Excel 格式",
            "这是旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx", "压缩包中没有 xl/workbook.xml")
DOCX = Kind("word/document.xml", "import.unreadable", "import.docx_damaged", "文件内容不是 Word 格式",
            "这是旧版 .doc 文件，请在 Word/WPS 中另存为 .docx", "压缩包中没有 word/document.xml",
            rows="http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr")

# What a parser that builds a tree (lxml, behind python-docx) may be given: lxml refuses 256
# levels of nesting and 10 MB of text in one node with its own English, and a tree costs
# ~0.5 KB per element.  A Word report nests ~40 levels at most (a text box in a table cell),
# has ~50,000 elements in 30 pages and ~200 table rows.
MAX_DEPTH = 200
MAX_ELEMENTS = 400_000
MAX_ROWS = 5_000
MAX_TEXT_NODE = 1024 * 1024  # characters of text (or of one attribute) between two tags


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the workbook at ``path``, read once, never more than :data:`MAX_FILE`:
    a legacy or encrypted file, a file that is no zip and an oversized one are refused from
    their first bytes and their size, before the rest is read."""
    p = Path(path)
    name = str(p)
    try:
        if not p.is_file():
            raise UnreadableWorkbook("file.missing", file=name)
        with p.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(_OLE_HEAD)
            _check_head(head, size, name)
            return head + fh.read(MAX_FILE + 1 - len(head))
    except OSError as e:
        raise UnreadableWorkbook("file.unreadable", file=name, detail=os_reason(e)) from None


def _check_head(head: bytes, size: int, name: str, kind: Kind = XLSX) -> None:
    if head[:8] == _OLE_MAGIC:
        _refuse_ole(name, head, kind)
    if not size:  # a save or a transfer cut short: say so, not 「not an Excel file」
        from .messages import say

        raise kind.error(name, say("file.empty"))
    if not head.startswith(b"PK"):
        raise kind.error(name, kind.not_zip)
    if size > MAX_FILE:
        raise UnreadableWorkbook("file.too_large", file=name, size=_human(size))


def inspect_xlsx(source: str | Path | bytes, sheets: Collection[str] = (), *,
                 name: str | None = None) -> Inspection:
    """Raise :class:`UnreadableWorkbook` unless ``source`` (a path, or the bytes of a file —
    ``name`` is what messages call it) is a plausible, harmless .xlsx/.xlsm; scan the
    worksheets named in ``sheets`` (see :class:`SheetScan`)."""
    if not isinstance(source, bytes):
        name = name or str(source)
        source = read_bytes(source)
    name = name or ""
    _check_head(source[:_OLE_HEAD], len(source), name)
    try:
        fh = io.BytesIO(source)
        _count_members(fh, len(source), name)
        with zipfile.ZipFile(fh) as zf:
            read = _screen(zf, name)
            return Inspection({sheet: _scan_sheet(zf, part, name, read.get(part))
                               for sheet, part in _sheet_parts(zf, name).items()
                               if sheet in sheets}, read.get("docProps/core.xml", b""))
    except zipfile.BadZipFile:
        raise XLSX.error(name, "压缩包已损坏") from None
    except (zipfile.LargeZipFile, NotImplementedError):
        raise XLSX.error(name, "压缩方式或加密方式不受支持") from None


def screen_package(source: bytes, name: str, kind: Kind, *, shape: bool = False) -> dict[str, bytes]:
    """Raise :class:`UnreadableWorkbook` unless ``source`` (the bytes of a file ``name``) is a
    plausible, harmless package of ``kind`` — the workbook's screen (size, parts, bombs, DTDs,
    damaged streams) for any Office file; returns the parts read whole (name → bytes).

    ``shape``: also stream every XML part through expat and refuse one a tree-building parser
    would choke on — nested deeper than :data:`MAX_DEPTH`, more than :data:`MAX_ELEMENTS`
    elements or :data:`MAX_ROWS` table rows in all, a text or attribute over
    :data:`MAX_TEXT_NODE` characters (python-docx parses every part when it opens a file)."""
    _check_head(source[:_OLE_HEAD], len(source), name, kind)
    try:
        fh = io.BytesIO(source)
        _count_members(fh, len(source), name)
        with zipfile.ZipFile(fh) as zf:
            whole = _screen(zf, name, kind)
            if shape:
                counts = {"elements": 0, "rows": 0}
                for info in zf.infolist():
                    if info.filename.endswith((".xml", ".rels")):
                        _check_shape(zf, info, name, kind, counts)
            return whole
    except zipfile.BadZipFile:
        raise kind.error(name, "压缩包已损坏") from None
    except (zipfile.LargeZipFile, NotImplementedError):
        raise kind.error(name, "压缩方式或加密方式不受支持") from None


class _Shape(Exception):
    """Raised from inside expat's handlers: the part is past a bound (the message key, args)."""


def _check_shape(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, kind: Kind,
                 counts: dict[str, int]) -> None:
    from .messages import say

    at = {"depth": 0, "text": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        at["depth"] += 1
        at["text"] = 0
        counts["elements"] += 1
        if at["depth"] > MAX_DEPTH:
            raise _Shape("package.too_deep", {"n": MAX_DEPTH})
        if counts["elements"] > MAX_ELEMENTS:
            raise _Shape("package.too_many_elements", {"n": MAX_ELEMENTS})
        if tag == kind.rows:
            counts["rows"] += 1
            if counts["rows"] > MAX_ROWS:
                raise _Shape("package.too_many_rows", {"n": MAX_ROWS})
        if attrs and max(map(len, attrs.values())) > MAX_TEXT_NODE:
            raise _Shape("package.text_too_long", {"size": human_size(MAX_TEXT_NODE)})

    def end(tag: str) -> None:
        at["depth"] -= 1
        at["text"] = 0

    def text(data: str) -> None:
        at["text"] += len(data)
        if at["text"] > MAX_TEXT_NODE:
            raise _Shape("package.text_too_long", {"size": human_size(MAX_TEXT_NODE)})

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        for chunk in _chunks(zf, info, name, kind):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Shape as e:
        key, args = e.args
        raise UnreadableWorkbook("file.hostile", file=name,
                                 detail=say(key, part=info.filename, **args)) from None
    except expat.ExpatError:
        raise kind.error(name, f"{info.filename} 不是有效的 XML") from None


def _refuse_ole(name: str, head: bytes, kind: Kind = XLSX) -> None:
    # an OLE file is either an encrypted package (its streams named in the directory near the
    # start) or a legacy .xls/.doc; neither is read further, so the file is never loaded whole
    if "EncryptedPackage".encode("utf-16-le") in head:
        raise UnreadableWorkbook("file.encrypted", file=name)
    raise kind.error(name, kind.legacy)


def _count_members(fh, size: int, name: str) -> None:
    """Refuse a directory of too many parts before :mod:`zipfile` builds an object for each."""
    tail_len = min(size, 65_557)  # end-of-directory record plus the longest zip comment
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise zipfile.BadZipFile
    (count,) = struct.unpack("<H", tail[at + 10:at + 12])
    if count > MAX_MEMBERS:  # 0xFFFF (zip64) included: far beyond any workbook
        raise UnreadableWorkbook("file.hostile", file=name, detail=f"含 {count} 个部件")
    fh.seek(0)


def _screen(zf: zipfile.ZipFile, name: str, kind: Kind = XLSX) -> dict[str, bytes]:
    """Refuse a bomb or a DTD; return the parts small enough to have been read in one piece
    (the sheets are scanned from these, not decompressed twice)."""
    infos = zf.infolist()
    if kind.required not in {i.filename for i in infos}:
        raise kind.error(name, kind.missing)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise UnreadableWorkbook("file.too_large", file=name, size=_human(total))
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise UnreadableWorkbook("file.too_large", file=name, size=_human(i.file_size))
    # every part, whatever its name, to its end: a DTD may follow any amount of whitespace, and
    # a part named .bin may still be handed to an XML parser through [Content_Types].xml
    whole: dict[str, bytes] = {}
    for i in infos:
        tail = b""
        for chunk in _chunks(zf, i, name, kind):
            window = tail + chunk
            if _may_hold_marker(window) and any(m in window for m in _MARKERS):
                raise UnreadableWorkbook("file.hostile", file=name,
                                         detail=f"{i.filename} 含 DTD/实体声明")
            tail = window[-_OVERLAP:]
            if len(chunk) == i.file_size:
                whole[i.filename] = chunk
    return whole


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
            kind: Kind = XLSX) -> Iterator[bytes]:
    """The decompressed content of one part; damage (a bad stream, a wrong checksum, a size that
    is not the one declared) is an unreadable file naming the part."""
    read = 0
    try:
        with zf.open(info) as part:
            while chunk := part.read(_CHUNK):
                read += len(chunk)
                if read > info.file_size:
                    break
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError):
        pass
    else:
        if read == info.file_size:
            return
    raise kind.error(name, f"压缩包中的 {info.filename} 已损坏")


# -- the sheets ----------------------------------------------------------------------------------
def _parse(zf: zipfile.ZipFile, part: str, name: str, handler, end=None, text=None) -> None:
    """Stream one part through expat (no DTD reaches it: :func:`_screen` ran first)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = handler
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        for chunk in _chunks(zf, zf.getinfo(part), name):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise UnreadableWorkbook("file.not_xlsx", file=name,
                                 detail=f"{part} 不是有效的 XML") from None


def _sheet_parts(zf: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Sheet name → the zip part holding it, from xl/workbook.xml and its relationships."""
    ids: dict[str, str] = {}
    targets: dict[str, str] = {}

    def on_sheet(tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{_MAIN}}}sheet" and f"{_DOC_REL}}}id" in attrs:
            ids[attrs.get("name", "")] = attrs[f"{_DOC_REL}}}id"]

    def on_rel(tag: str, attrs: dict[str, str]) -> None:
        if tag.endswith("}Relationship") and "Id" in attrs and "Target" in attrs:
            targets[attrs["Id"]] = attrs["Target"]

    _parse(zf, "xl/workbook.xml", name, on_sheet)
    rels = "xl/_rels/workbook.xml.rels"
    if rels in zf.NameToInfo:
        _parse(zf, rels, name, on_rel)
    parts = {}
    for sheet, rid in ids.items():
        target = targets.get(rid, "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
        if path in zf.NameToInfo:
            parts[sheet] = path
    return parts


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


# The common case, found by C-speed regular expressions (expat's callback per element costs more
# than all of calamine's reading): every cell carries a valid reference, and a formula is the
# cell's first child, as the schema orders them.  Anything else goes through expat.
# every cell's opening tag, with its reference when it has one (empty groups when not): one
# pass for both, as the fast scan needs every cell placed by its reference
_CELL = re.compile(rb'<(?:[\w.-]+:)?c(?:\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"|(?=[\s/>]))')
_FORMULA_CELL = re.compile(
    rb'<(?P<p>(?:[\w.-]+:)?)c\s(?P<a>[^>]*)><(?P=p)f\b[^>]*?(?:/>|>(?P<f>[^<]*)</(?P=p)f>)'
    rb'(?:<(?P=p)v\s*/>|<(?P=p)v>(?P<v>[^<]*)</(?P=p)v>)?')
_ATTR_R = re.compile(rb'\br="([^"]*)"')
FORMULA_SHOWN = 200  # characters of a formula quoted in a message
_FAST_LIMIT = 8 * 1024 * 1024  # bytes of a sheet held in memory for the fast scan


def _scan_fast(data: bytes) -> SheetScan | None:
    refs = _CELL.findall(data)
    if (b"", b"") in refs:  # a cell placed after the previous one (compared in C)
        return None
    scan = SheetScan(escaped=True)
    if refs:
        scan.rows = max(map(int, {r for _, r in refs}))
        scan.cols = max(_col_number(c.decode()) for c in {c for c, _ in refs})
        if scan.rows > MAX_ROW or scan.cols > MAX_COL or scan.rows * scan.cols > MAX_SHEET_CELLS:
            return None  # expat names the first cell beyond the bounds
    for m in _FORMULA_CELL.finditer(data):
        ref = _ATTR_R.search(m.group("a"))
        text_type = b't="str"' in m.group("a")
        computed = bool((m.group("v") or b"").strip()) or (text_type and m.group("v") is not None)
        if ref and not computed:
            formula = (m.group("f") or b"")[:FORMULA_SHOWN * 8].decode("utf-8", "replace")
            scan.uncomputed[ref.group(1).decode()] = formula
    return scan


def _scan_sheet(zf: zipfile.ZipFile, part: str, name: str, data: bytes | None = None) -> SheetScan:
    info = zf.getinfo(part)
    if info.file_size <= _FAST_LIMIT:
        scan = _scan_fast(data if data is not None else b"".join(_chunks(zf, info, name)))
        if scan is not None:
            return scan
    scan = SheetScan()
    at: dict[str, Any] = {"row": 0, "col": 0, "cell": "", "formula": None, "value": False, "in": "",
                          "text_type": False}

    def close_cell() -> None:
        if at["formula"] is not None and not at["value"] and at["cell"]:
            scan.uncomputed[at["cell"]] = at["formula"][:FORMULA_SHOWN]
        at["formula"] = None
        at["value"] = at["text_type"] = False
        at["cell"] = ""

    def place(ref: str | None) -> None:
        if ref is None:
            at["col"] += 1  # calamine places a cell without a reference after the previous one
        else:
            m = _REF.match(ref)
            if m is None:
                scan.absurd = scan.absurd or ref
                return
            at["row"], at["col"] = int(m.group(2)), _col_number(m.group(1))
        row, col = at["row"], at["col"]
        at["cell"] = ref or ""
        scan.rows, scan.cols = max(scan.rows, row), max(scan.cols, col)
        if (row > MAX_ROW or col > MAX_COL or scan.rows * scan.cols > MAX_SHEET_CELLS) \
                and scan.absurd is None:
            scan.absurd = ref or f"R{row}C{col}"

    def on_start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if local == "c":
            close_cell()
            place(attrs.get("r"))
            # a formula whose text result is "" is stored as t="str" with an empty <v>
            at["text_type"] = attrs.get("t") == "str"
        elif local == "row":
            close_cell()
            r = attrs.get("r")
            at["row"] = int(r) if r is not None and r.isdigit() and len(r) < 9 else at["row"] + 1
            at["col"] = 0
        elif local == "f":
            at["formula"], at["in"] = "", "f"
        elif local == "v":
            at["in"] = "v"
            at["value"] = at["value"] or at["text_type"]
        elif local == "is":
            at["value"] = True

    def on_end(tag: str) -> None:
        at["in"] = ""

    def on_text(data: str) -> None:
        if at["in"] == "v" and data.strip():
            at["value"] = True  # openpyxl writes a formula's <v> empty: not computed
        elif at["in"] == "f" and len(at["formula"]) < FORMULA_SHOWN:
            at["formula"] += data

    _parse(zf, part, name, on_start, on_end, on_text)
    close_cell()
    return scan
