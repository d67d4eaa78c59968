"""A corpus of hostile and broken workbooks, generated into a directory, and a runner that puts
every command over it with a hard bound on time and memory.

Inputs are made from a few real workbooks written by nianbao itself, changed at the zip level
(bytes, parts, XML of one cell), so that each is small and each is cheap to make.  Nothing here
is a mock: every input is a file the real readers open.

The runner forks one child per command run from a process that has already imported nianbao
(a fresh interpreter per run would cost more than the runs themselves); the child sets its own
limits (address space, CPU, a wall-clock alarm) and the parent reads its peak memory and time
with ``os.wait4``.
"""
from __future__ import annotations

import gc
import hashlib
import importlib
import io
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable
from xml.sax.saxutils import escape

from nianbao.layout import layout_of

Parts = dict[str, bytes]

# -- zip-level surgery -------------------------------------------------------------------------
def parts_of(data: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def pack(parts: Parts) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def sheet_part(parts: Parts, sheet: str) -> str:
    """The part holding ``sheet`` (workbook.xml → its relationships)."""
    wb = parts["xl/workbook.xml"].decode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    for m in re.finditer(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', wb):
        if _unescape(m.group(1)) == sheet:
            target = re.search(rf'<Relationship\b[^>]*Target="([^"]*)"[^>]*Id="{m.group(2)}"',
                               rels).group(1)
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise KeyError(sheet)


def _unescape(text: str) -> str:
    return re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), text).replace("&amp;", "&")


def set_cell(parts: Parts, sheet: str, ref: str, cell_xml: str) -> Parts:
    """A copy of ``parts`` whose cell ``ref`` on ``sheet`` is ``cell_xml`` (a whole ``<c>``)."""
    name = sheet_part(parts, sheet)
    xml = parts[name].decode("utf-8")
    pattern = re.compile(rf'<c r="{ref}"(?:\s[^>]*)?(?:/>|>.*?</c>)', re.S)
    if pattern.search(xml):
        xml = pattern.sub(lambda m: cell_xml, xml, count=1)
    else:
        row = re.match(r"[A-Z]+(\d+)", ref)
        xml = xml.replace("</sheetData>", f'<row r="{row.group(1) if row else 1}">{cell_xml}</row>'
                                          "</sheetData>", 1)
    return {**parts, name: xml.encode("utf-8")}


def num(ref: str, v: str) -> str:
    return f'<c r="{ref}"><v>{v}</v></c>'


def text(ref: str, s: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(s)}</t></is></c>'


def typed(ref: str, t: str, v: str) -> str:
    return f'<c r="{ref}" t="{t}"><v>{escape(v)}</v></c>'


def formula(ref: str, f: str, v: str | None = None) -> str:
    value = "" if v is None else f"<v>{v}</v>"
    return f'<c r="{ref}"><f>{escape(f)}</f>{value}</c>'


# values typed into a cell, each a hostile or borderline content
CELL_VALUES: dict[str, Callable[[str], str]] = {
    "text_number": lambda r: text(r, "12"),
    "fullwidth": lambda r: text(r, "１２"),
    "thousands": lambda r: text(r, "1,200"),
    "suffix": lambda r: text(r, "9件"),
    "words": lambda r: text(r, "九件左右"),
    "negative": lambda r: num(r, "-3"),
    "decimal": lambda r: num(r, "2.5"),
    "huge_float": lambda r: num(r, "1e300"),
    "inf_text": lambda r: num(r, "1e400"),
    "nan": lambda r: num(r, "NaN"),
    "digits_4400": lambda r: text(r, "9" * 4400),
    "ones_32767": lambda r: text(r, "1" * 32767),
    "bool": lambda r: typed(r, "b", "1"),
    "error": lambda r: typed(r, "e", "#DIV/0!"),
    "date": lambda r: typed(r, "d", "2021-03-01T00:00:00"),
    "bad_sst": lambda r: typed(r, "s", "99999"),
    "n_not_number": lambda r: typed(r, "n", "abc"),
    "formula_no_value": lambda r: formula(r, "1+1"),
    "formula_value": lambda r: formula(r, "1+1", "2"),
    "formula_text": lambda r: text(r, "=cmd|' /C calc'!A0"),
    "control_chars": lambda r: text(r, "a_x0001_b_x001F_c\u200b"),
    "markup": lambda r: text(r, "[red]3[/red] [/x]"),
    "template": lambda r: text(r, "{{ 7*7 }}{% for i in range(9) %}x{% endfor %}"),
    "emoji": lambda r: text(r, "😀" * 50),
    "long_text": lambda r: text(r, "其中" + "一、" * 16000),
    "lowercase_ref": lambda r: num(r.lower(), "5"),
}

# the cells they go into: counts, money, texts and the basic information
TARGETS = ("t3.new.natural", "s6.fee_amount", "meta.unit", "s1.request")


def _target(fid: str) -> tuple[str, str]:
    f = layout_of("2021").fields[fid]
    return f.sheet, f.cell


# -- the corpus --------------------------------------------------------------------------------
def _damaged(data: bytes, rng: random.Random) -> Iterable[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    for i in infos:  # flip bytes inside each part's compressed stream
        start = i.header_offset + 30 + len(i.filename.encode("utf-8")) + len(i.extra)
        if i.compress_size < 4:
            continue
        b = bytearray(data)
        for k in range(3):
            pos = start + (i.compress_size * (k + 1)) // 4
            b[pos] ^= 0xFF
        yield f"flip-{i.filename}", bytes(b)
    for k in range(1, 13):
        yield f"truncated-{k}", data[: len(data) * k // 13]
    for k in range(8):
        b = bytearray(data)
        pos = rng.randrange(len(b) - 64)
        b[pos:pos + 64] = rng.randbytes(64)
        yield f"noise-{k}", bytes(b)


def _xml_attacks(parts: Parts) -> Iterable[tuple[str, Parts]]:
    dtd = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
           b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    ext = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    sheet = sheet_part(parts, "三、依申请公开")
    for part in ("xl/workbook.xml", sheet, "xl/styles.xml", "[Content_Types].xml", "_rels/.rels",
                 "docProps/core.xml", "xl/_rels/workbook.xml.rels"):
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", parts[part])
        yield f"dtd-{part}", {**parts, part: dtd + body}
        yield f"external-{part}", {**parts, part: ext + body}
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", parts[sheet])
    yield "dtd-after-whitespace", {**parts, sheet: b'<?xml version="1.0"?>' + b" " * 4096
                                   + b'<!DOCTYPE x [<!ENTITY a "b">]>' + body}
    yield "dtd-in-bin-part", {**parts, "xl/custom.bin": dtd + b"<x>&b;</x>"}
    yield "dtd-utf16", {**parts, "xl/extra.xml": (dtd.decode() + "<x/>").replace(
        'version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")}


def _structure(parts: Parts) -> Iterable[tuple[str, Parts]]:
    for name in parts:  # each part missing in turn
        yield f"without-{name}", {k: v for k, v in parts.items() if k != name}
    yield "styles-garbage", {**parts, "xl/styles.xml": b"<styleSheet><<<"}
    yield "styles-empty-root", {**parts, "xl/styles.xml":
                                b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'}
    yield "styles-bad-index", {**parts, sheet_part(parts, "三、依申请公开"):
                               re.sub(rb' s="\d+"', b' s="9999"', parts[sheet_part(parts, "三、依申请公开")])}
    meta = sheet_part(parts, "_nianbao")
    for label, value in (("2019", "2019"), ("2099", "2099"), ("empty", ""), ("emoji", "😀")):
        yield f"hidden-format-{label}", set_cell(parts, "_nianbao", "B1", text("B1", value))
    yield "hidden-year-2019", set_cell(parts, "_nianbao", "B3", text("B3", "2019"))
    yield "hidden-sheet-garbage", {**parts, meta: b"<worksheet/>"}
    wb = parts["xl/workbook.xml"].decode("utf-8")
    yield "sheet-renamed", {**parts, "xl/workbook.xml":
                            wb.replace('name="四、复议诉讼"', 'name="复议诉讼"').encode("utf-8")}
    yield "duplicate-sheet-name", {**parts, "xl/workbook.xml":
                                   wb.replace('name="四、复议诉讼"', 'name="三、依申请公开"').encode("utf-8")}
    yield "sheet-target-missing", {**parts, "xl/_rels/workbook.xml.rels":
                                   parts["xl/_rels/workbook.xml.rels"].replace(b"sheet4.xml", b"nope.xml")}
    # a chart sheet beside the report's sheets
    chart = ('<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetViews><sheetView workbookViewId="0"/></sheetViews></chartsheet>')
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8").replace(
        "</Relationships>", '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/chartsheet" Target="/xl/chartsheets/sheet1.xml" Id="rId99"/>'
        "</Relationships>")
    types = parts["[Content_Types].xml"].decode("utf-8").replace(
        "</Types>", '<Override PartName="/xl/chartsheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml"/></Types>')
    yield "chart-sheet", {**parts, "xl/chartsheets/sheet1.xml": chart.encode(),
                          "xl/_rels/workbook.xml.rels": rels.encode(),
                          "[Content_Types].xml": types.encode(),
                          "xl/workbook.xml": wb.replace(
                              "</sheets>", '<sheet name="图表" sheetId="99" r:id="rId99" '
                              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                              'relationships"/></sheets>').encode("utf-8")}
    sheet = sheet_part(parts, "三、依申请公开")
    xml = parts[sheet].decode("utf-8")
    if "<mergeCells" in xml:
        merged = xml.replace("</mergeCells>", '<mergeCell ref="D6:F8"/></mergeCells>', 1)
    else:  # mergeCells comes after sheetProtection and before the conditional formats
        at = min(xml.find(t) for t in ("<conditionalFormatting", "<dataValidations",
                                        "<pageMargins", "</worksheet>") if t in xml)
        merged = xml[:at] + '<mergeCells count="1"><mergeCell ref="D6:F8"/></mergeCells>' + xml[at:]
    yield "merged-over-inputs", {**parts, sheet: merged.encode("utf-8")}
    for label, ref in (("XFD1048576", "XFD1048576"), ("A1048576", "A1048576"),
                       ("ZZZZ99999999", "ZZZZ99999999"), ("A0", "A0"), ("T5000", "T5000")):
        yield f"far-{label}", set_cell(parts, "三、依申请公开", ref, num(ref, "1"))
        yield f"far-meta-{label}", set_cell(parts, "_nianbao", ref, num(ref, "1"))
    yield "dimension-absurd", {**parts, sheet: re.sub(r'<dimension ref="[^"]*"/>',
                                                      '<dimension ref="A1:XFD1048576"/>', xml)
                               .encode("utf-8")}
    yield "row-without-r", {**parts, sheet: xml.replace('<row r="40"', '<row').encode("utf-8")}
    yield "cells-without-r", {**parts, sheet: re.sub(r'<c r="[A-Z]+\d+"', "<c", xml).encode("utf-8")}
    yield "sheet-not-xml", {**parts, sheet: b"\x00\x01 not xml"}
    yield "sheet-empty", {**parts, sheet: b""}
    yield "workbook-garbage", {**parts, "xl/workbook.xml": b"<workbook><sheets><sheet"}
    yield "vba-project", {**parts, "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512}
    yield "many-texts", _fill_texts(parts, "x" * 32767)
    yield "parts-texts", _fill_texts(parts, "其中" + "、".join(f"{k}件" for k in range(5000)))


def _fill_texts(parts: Parts, value: str) -> Parts:
    for f in layout_of("2021").fields.values():
        if f.kind == "text" and f.table != "meta":
            parts = set_cell(parts, f.sheet, f.cell, text(f.cell, value))
    return parts


def _not_workbooks() -> Iterable[tuple[str, bytes]]:
    rng = random.Random(19)
    yield "empty", b""
    yield "text", "这不是工作簿\n".encode("utf-8")
    yield "random", rng.randbytes(2048)
    yield "png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(100)
    yield "xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096
    yield "encrypted", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
                        + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 500)
    yield "pk-only", b"PK\x03\x04"
    yield "pk-eocd-only", b"PK\x05\x06" + b"\x00" * 18
    yield "zip-empty", pack({})
    yield "zip-no-workbook", pack({"a.txt": b"hello"})
    yield "zip-workbook-only", pack({"xl/workbook.xml": b"<workbook/>"})
    yield "zip-many-members", pack({f"x/{i}": b"" for i in range(MANY_MEMBERS)})
    yield "zip-bomb", pack({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * (3 << 20)})
    yield "gzip", b"\x1f\x8b\x08\x00" + rng.randbytes(200)
    yield "docx", pack({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"})
    yield "zip-stored-encrypted-flag", _encrypted_flag(pack({"xl/workbook.xml": b"<workbook/>"}))


MANY_MEMBERS = 5001


def _encrypted_flag(data: bytes) -> bytes:
    b = bytearray(data)
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):  # set the "encrypted" bit of every entry
        at = b.find(sig)
        while at >= 0:
            flag_at = at + (6 if sig == b"PK\x03\x04" else 8)
            b[flag_at] |= 1
            at = b.find(sig, at + 4)
    return bytes(b)


@dataclass(frozen=True)
class Base:
    name: str
    data: bytes


def build_corpus(root: Path, bases: list[Base]) -> list[Path]:
    """Write the corpus under ``root``; return the input files (other files there are not inputs)."""
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1919)
    out: list[Path] = []

    def put(name: str, data: bytes) -> None:
        safe = re.sub(r"[^\w.\-\[\]]+", "_", name)
        p = root / f"{len(out):03d}-{safe}.xlsx"
        p.write_bytes(data)
        out.append(p)

    for label, data in _not_workbooks():
        put(label, data)
    for base in bases:
        put(f"{base.name}-intact", base.data)
    main, *others = bases
    for base in (main, *others[:2]):
        for label, data in _damaged(base.data, rng):
            put(f"{base.name}-{label}", data)
    parts = parts_of(main.data)
    for label, changed in _xml_attacks(parts):
        put(f"{main.name}-{label}", pack(changed))
    for label, changed in _structure(parts):
        put(f"{main.name}-{label}", pack(changed))
    for fid in TARGETS:
        sheet, ref = _target(fid)
        for label, make in CELL_VALUES.items():
            put(f"{main.name}-{fid}-{label}", pack(set_cell(parts, sheet, ref, make(ref))))
    return out


# -- running commands with bounds ----------------------------------------------------------------
TIME_LIMIT = 10.0  # seconds per run (the contract); the child is killed a little later
MEMORY_LIMIT = 500 * 1024 * 1024  # bytes of peak resident memory per run


@dataclass
class Run:
    args: tuple[str, ...]
    code: int  # exit status, or -signal
    seconds: float
    cpu: float  # seconds of user and system time
    peak: int  # bytes
    stdout: str
    stderr: str


def _child(args: tuple[str, ...], out: Path, err: Path) -> None:
    """Runs in the forked child: never returns."""
    code = 99
    try:
        os.setsid()
        hard = int(TIME_LIMIT * 3)
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(hard)
        for fd, path in ((1, out), (2, err)):
            f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(f, fd)
            os.close(f)
        sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), encoding="utf-8")
        from nianbao.cli import main

        try:
            main(list(args), prog_name="nianbao")
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - anything reaching here is a failure the test reports
        import traceback

        traceback.print_exc(file=sys.__stderr__)
        code = 98
    finally:
        os._exit(code)


PRELOAD = ("nianbao.cli", "nianbao.reader", "nianbao.checks.run", "nianbao.xlsx_marks",
           "nianbao.document", "nianbao.xlsx_writer", "nianbao.codes")


def run_all(jobs: list[tuple[str, ...]], scratch: Path, workers: int = 2) -> list[Run]:
    """Run ``nianbao *args`` for every job, ``workers`` at a time, each in a forked child of a
    fresh, small Python process.

    Not forked from the test process itself: a forked child's peak memory (``ru_maxrss``)
    starts at its parent's resident size, and pytest grows to a few hundred MB over the suite —
    every command would then seem to take that much."""
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "jobs.json").write_text(json.dumps({"jobs": jobs, "workers": workers}), "utf-8")
    here = str(Path(__file__).resolve().parent)
    subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {here!r}); "
                    f"import corpus; corpus._serve({str(scratch)!r})"], check=True)
    done = json.loads((scratch / "results.json").read_text("utf-8"))
    return [Run(**{**r, "args": tuple(r["args"])}) for r in done]


def _serve(scratch: str) -> None:
    """The fresh process of :func:`run_all`: runs the jobs, writes their results as JSON."""
    spec = json.loads((Path(scratch) / "jobs.json").read_text("utf-8"))
    runs = _run_here([tuple(j) for j in spec["jobs"]], Path(scratch), spec["workers"])
    (Path(scratch) / "results.json").write_text(json.dumps([asdict(r) for r in runs]), "utf-8")


def _run_here(jobs: list[tuple[str, ...]], scratch: Path, workers: int) -> list[Run]:
    # what every command imports is imported once, here; frozen, the objects are not copied
    # into each child by the garbage collector's first pass over them
    for module in PRELOAD:
        importlib.import_module(module)
    gc.freeze()
    results: list[Run | None] = [None] * len(jobs)
    running: dict[int, tuple[int, float]] = {}
    pending = list(enumerate(jobs))
    pending.reverse()
    while pending or running:
        while pending and len(running) < workers:
            i, args = pending.pop()
            pid = os.fork()
            if pid == 0:
                _child(args, scratch / f"{i}.out", scratch / f"{i}.err")
            running[pid] = (i, time.monotonic())
        pid, status, usage = os.wait4(-1, 0)
        i, started = running.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        out, err = (scratch / f"{i}.{s}" for s in ("out", "err"))
        results[i] = Run(jobs[i], code, time.monotonic() - started,
                         usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024,
                         out.read_text("utf-8", "replace"), err.read_text("utf-8", "replace"))
    return [r for r in results if r is not None]


CJK = re.compile(r"[\u4e00-\u9fff]")
# raw library English: a run of three or more English words (file names are removed first)
ENGLISH = re.compile(r"[A-Za-z]{3,}(?: [A-Za-z]{2,}){2,}")


def breaches(r: Run, names: Iterable[str] = ()) -> list[str]:
    """How a run breaks the contract every command keeps over hostile inputs: exit 0, 1 or 2,
    within the time and memory limits, no traceback, Chinese words and no library English
    (``names``: paths whose own words are not counted)."""
    text_ = r.stdout + r.stderr
    said = text_
    for name in names:
        said = said.replace(name, "")
    why = []
    if r.code not in (0, 1, 2):
        why.append(f"exit {r.code}")
    if r.seconds > TIME_LIMIT:
        why.append(f"{r.seconds:.1f} s")
    if r.peak > MEMORY_LIMIT:
        why.append(f"{r.peak >> 20} MB")
    if "Traceback" in text_ or "内部错误" in text_:
        why.append("traceback / internal error")
    if not CJK.search(text_):
        why.append("no Chinese message")
    if ENGLISH.search(said):
        why.append(f"English: {ENGLISH.search(said).group(0)!r}")
    return why


def digest(paths: Iterable[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


__all__ = ["build_corpus", "run_all", "digest", "breaches", "CJK", "ENGLISH", "Base", "Run",
           "TIME_LIMIT", "MEMORY_LIMIT", "parts_of", "pack", "set_cell", "sheet_part", "num", "text", "formula", "typed"]


# -- what merge and the unit lists meet (issue 30 items 4, 6, 7, 9) ----------------------------
SPARSE_SIZE = 2 << 30  # a 2 GB file that occupies no disk


def _sparse(path: Path, size: int = SPARSE_SIZE) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def _rows_xlsx(n: int) -> bytes:
    """A workbook of ``n`` rows of one unit name each, written part by part (openpyxl would take
    seconds for 200,000 rows)."""
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>单位{i}</t></is></c></row>'
                   for i in range(1, n + 1))
    return _minimal_xlsx(f'<sheetData>{rows}</sheetData>')


def _minimal_xlsx(sheet_data: str, extra: dict[str, bytes] | None = None) -> bytes:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>').encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>').encode(),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">{sheet_data}'
            '</worksheet>').encode(),
        **(extra or {}),
    }
    return pack(parts)


@dataclass
class MergeCorpus:
    """Hostile folders, files and unit lists for ``merge`` and ``new --units``, made at test
    time under one root: ``outside`` holds a workbook no run may read (links point at it)."""

    root: Path
    good: Path  # a folder of real unit workbooks
    mixed: Path  # good workbooks and one with a cell at XFD1048576
    specials: Path  # FIFO, links to /dev/zero, out of the folder and in a loop, a sparse file…
    empties: Path  # 20,000 empty files
    arguments: list[Path]  # odd things named on the command line
    lists: dict[str, Path]  # hostile unit lists by label
    outside: Path  # a workbook outside every input folder
    history: Path  # a history database of many files

    def inputs(self) -> list[Path]:
        """Every regular input file (to prove none changed), sparse ones aside."""
        out = []
        for top in (self.good, self.mixed, self.specials, self.outside.parent):
            for dirpath, _, names in os.walk(top):
                for n in names:
                    p = Path(dirpath, n)
                    if p.is_file() and not p.is_symlink() and p.stat().st_size < (64 << 20):
                        out.append(p)
        return out + [p for p in self.lists.values() if p.is_file()
                      and p.stat().st_size < (64 << 20)]


def build_merge_corpus(root: Path, workbooks: list[bytes], far: bytes, history_files: int,
                       empties: int = 20_000) -> MergeCorpus:
    """Make the hostile inputs of ``merge`` under ``root``.  ``workbooks``: real unit workbooks;
    ``far``: one with a cell at XFD1048576."""
    root.mkdir(parents=True, exist_ok=True)
    outside = root / "outside" / "outside.xlsx"
    outside.parent.mkdir()
    outside.write_bytes(workbooks[0])
    good = root / "good"
    good.mkdir()
    for i, data in enumerate(workbooks):
        (good / f"unit{i}.xlsx").write_bytes(data)
    mixed = root / "mixed"
    mixed.mkdir()
    for i, data in enumerate(workbooks):
        (mixed / f"unit{i}.xlsx").write_bytes(data)
    (mixed / "far.xlsx").write_bytes(far)
    specials = root / "specials"
    specials.mkdir()
    (specials / "unit0.xlsx").write_bytes(workbooks[1])
    os.mkfifo(specials / "fifo.xlsx")
    os.symlink("/dev/zero", specials / "zero.xlsx")
    os.symlink(outside, specials / "outside-link.xlsx")
    os.symlink(outside.parent, specials / "outside-dir")
    os.symlink(specials / "loop-b.xlsx", specials / "loop-a.xlsx")
    os.symlink(specials / "loop-a.xlsx", specials / "loop-b.xlsx")
    _sparse(specials / "sparse.xlsx")
    with open(os.path.join(os.fsencode(specials), b"\xff\xfe-name.xlsx"), "wb") as fh:
        fh.write(workbooks[2])
    (specials / "line\nbreak.xlsx").write_bytes(workbooks[3])
    many = root / "empties"
    many.mkdir()
    for i in range(empties):
        open(many / f"e{i:05d}.xlsx", "wb").close()
    args = root / "args"
    args.mkdir()
    os.mkfifo(args / "fifo.xlsx")
    os.symlink(args / "loop-b.xlsx", args / "loop-a.xlsx")
    os.symlink(args / "loop-a.xlsx", args / "loop-b.xlsx")
    _sparse(args / "sparse.xlsx")
    odd = Path(os.fsdecode(os.path.join(os.fsencode(args), b"\xff\xfe.xlsx")))
    odd.write_bytes(workbooks[0])
    arguments = [args / "fifo.xlsx", Path("/dev/zero"), args / "sparse.xlsx",
                 args / "loop-a.xlsx", odd]
    lists = root / "lists"
    lists.mkdir()
    named = {
        "field": lists / "field.csv", "million": lists / "million.csv",
        "rows200k": lists / "rows200k.xlsx", "sparse": lists / "sparse.csv",
        "bomb": lists / "bomb.xlsx", "far": lists / "far.xlsx", "fifo": lists / "fifo.csv",
        "nul": lists / "nul.csv",
    }
    named["field"].write_text("单位名称\n甲局\n\"" + "乙" * 200_000 + "\"\n", encoding="utf-8")
    named["million"].write_bytes("单位名称\n".encode() + b"x\n" * 1_000_000)
    named["rows200k"].write_bytes(_rows_xlsx(200_000))
    _sparse(named["sparse"])
    named["bomb"].write_bytes(_minimal_xlsx(
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>甲局</t></is></c></row></sheetData>'))
    with zipfile.ZipFile(named["bomb"], "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/padding.xml", "w", force_zip64=True) as part:  # 200 MB of spaces
            chunk = b" " * (1 << 20)
            for _ in range(200):
                part.write(chunk)
    named["far"].write_bytes(_minimal_xlsx(
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>甲局</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    os.mkfifo(named["fifo"])
    named["nul"].write_bytes("单位名称\n甲局\n乙\x00局\n".encode())
    history = root / "history" / "汇总.db"
    history.parent.mkdir()
    _big_history(history, history_files)
    return MergeCorpus(root, good, mixed, specials, many, arguments, named, outside, history)


def _big_history(db: Path, n: int) -> None:
    """A history database (nianbao's own schema) of ``n`` files, one receipt each."""
    import sqlite3

    from nianbao.merge.history import recording

    with recording(db):
        pass
    con = sqlite3.connect(db)
    con.executescript(f"""
        BEGIN;
        INSERT INTO consolidations (created_at, output, format, year, include_invalid, merged,
                                    rejected, missing, totals)
        VALUES ('2026-01-10T08:00:00+00:00', '汇总.xlsx', '2021', 2025, 0, {n}, 0, 0, '{{}}');
        WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n})
        INSERT INTO files (sha256, size, name, archive, first_seen, saved_at, format, year,
                           unit, unit_code, errors, warnings, report, findings)
        SELECT printf('%064x', i), 30000, printf('单位%07d.xlsx', i), printf('%064x.xlsx', i),
               '2026-01-10T08:00:00+00:00', NULL, '2021', 2025, printf('单位%07d', i), '',
               0, 0, NULL, '{{}}' FROM k;
        INSERT INTO receipts (consolidation, sha256, path, file_time, unit, status, reason)
        SELECT 1, sha256, name, '', unit, 'merged', '' FROM files;
        COMMIT;
    """)
    con.close()


__all__ += ["build_merge_corpus", "MergeCorpus", "SPARSE_SIZE"]
