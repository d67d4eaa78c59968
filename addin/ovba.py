"""Reading and writing a VBA project (``vbaProject.bin``) as source only ([MS-OVBA]).

VBA cannot be compiled outside Office.  A project that stores only module *source* — every
``MODULEOFFSET`` 0, no performance cache, and ``_VBA_PROJECT`` with version 0xFFFF — is compiled
by Office from that source when the file is opened; [MS-OVBA] 2.3.4.1 prescribes exactly this
form for writers.  The xlwings wheel ships its own add-in built the same way (its ``xlwings``
module has no compiled cache), so the stock project is read here for what is not ours to decide
(references, code page, the document modules Excel expects) and re-written with our modules.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Iterator

import olefile

from .cfb import write_cfb

PROCEDURAL, DOCUMENT, CLASS = "procedural", "document", "class"

# record ids of the ``dir`` stream ([MS-OVBA] 2.3.4.2)
_CODEPAGE, _NAME, _VERSION, _MODULES, _COOKIE, _END = 0x0003, 0x0004, 0x0009, 0x000F, 0x0013, 0x0010
_MOD_NAME, _MOD_NAME_U, _MOD_STREAM, _MOD_STREAM_U = 0x0019, 0x0047, 0x001A, 0x0032
_MOD_DOC, _MOD_DOC_U, _MOD_OFFSET, _MOD_HELP = 0x001C, 0x0048, 0x0031, 0x001E
_MOD_COOKIE, _MOD_PROCEDURAL, _MOD_OTHER, _MOD_END = 0x002C, 0x0021, 0x0022, 0x002B


@dataclass(frozen=True)
class Module:
    name: str
    kind: str  # PROCEDURAL, DOCUMENT or CLASS
    source: str  # with its ``Attribute VB_...`` lines, as VBA stores it


@dataclass(frozen=True)
class Project:
    """What a VBA project is made of: its header records (name, code page, references), the
    ``PROJECT`` stream's keys we keep, and its modules."""
    head: list[tuple[int, bytes]]  # dir records before the module list
    codepage: str
    properties: list[str]  # PROJECT stream properties other than the module list
    host_extenders: list[str]  # the PROJECT stream's [Host Extender Info] section
    modules: list[Module]

    def module(self, name: str) -> Module:
        return next(m for m in self.modules if m.name == name)


# --- the compression of [MS-OVBA] 2.4.1 -------------------------------------------------------

_CHUNK = 4096


def _bit_count(position: int) -> int:
    # the split between offset and length bits of a copy token depends on how far into the
    # chunk it stands ([MS-OVBA] 2.4.1.3.19.1)
    return max((position - 1).bit_length(), 4)


def decompress(data: bytes) -> bytes:
    if not data or data[0] != 1:
        raise ValueError("not a compressed VBA container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = int.from_bytes(data[pos:pos + 2], "little")
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:  # a raw chunk: 4096 bytes as they are
            out += data[pos:pos + _CHUNK]
            pos += _CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = int.from_bytes(data[pos:pos + 2], "little")
                pos += 2
                bits = _bit_count(len(out) - start)
                length = (token & (0xFFFF >> bits)) + 3
                offset = (token >> (16 - bits)) + 1
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def compress(data: bytes) -> bytes:
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data[start:start + _CHUNK])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = bytearray()
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions, to find matches fast
    pos = 0
    while pos < len(chunk):
        flag_at = len(body)
        body.append(0)
        for bit in range(8):
            if pos >= len(chunk):
                break
            offset, length = _match(chunk, pos, seen)
            step = length if offset else 1
            if offset:
                bits = _bit_count(pos)
                body += (((offset - 1) << (16 - bits)) | (length - 3)).to_bytes(2, "little")
                body[flag_at] |= 1 << bit
            else:
                body.append(chunk[pos])
            for p in range(pos, pos + step):
                seen.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
    if len(body) <= _CHUNK:
        return struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + bytes(body)
    if len(chunk) == _CHUNK:  # incompressible: a raw chunk holds exactly 4096 bytes
        return struct.pack("<H", 0x3FFF) + chunk
    # A short final chunk whose tokens need more than 4096 bytes (over ~3640 bytes without a
    # single repeat) has no exact encoding: a raw chunk is always 4096 bytes long, and the NULs
    # [MS-OVBA] 2.4.1.3.10 pads it with would come back as part of the text.  VBA source never
    # gets here; binary data that does is refused rather than stored with a tail it never had.
    raise ValueError(f"{len(chunk)} incompressible bytes cannot end a VBA compressed container")


def _match(chunk: bytes, pos: int, seen: dict[bytes, list[int]]) -> tuple[int, int]:
    candidates = seen.get(chunk[pos:pos + 3])
    if not candidates:
        return 0, 0
    longest = min((0xFFFF >> _bit_count(pos)) + 3, len(chunk) - pos)
    best_at, best_len = 0, 0
    for candidate in reversed(candidates[-64:]):  # nearest first; bounded so big files stay fast
        n = 0
        while n < longest and chunk[candidate + n] == chunk[pos + n]:
            n += 1
        if n > best_len:
            best_at, best_len = candidate, n
            if n == longest:
                break
    return (pos - best_at, best_len) if best_len >= 3 else (0, 0)


# --- reading --------------------------------------------------------------------------------

def _records(data: bytes) -> Iterator[tuple[int, bytes]]:
    pos = 0
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if rid == _VERSION:  # PROJECTVERSION says 4 but carries 6 bytes ([MS-OVBA] 2.3.4.2.1.11)
            size += 2
        yield rid, data[pos:pos + size]
        pos += size


def read_project(vba_project_bin: bytes) -> Project:
    """The project stored in a ``vbaProject.bin``, module sources decompressed."""
    ole = olefile.OleFileIO(vba_project_bin)
    try:
        records = list(_records(decompress(ole.openstream("VBA/dir").read())))
        first_module = next(i for i, (rid, _) in enumerate(records) if rid == _MODULES)
        head = records[:first_module]
        codepage = "cp%d" % struct.unpack("<H", dict(head)[_CODEPAGE])[0]
        sections = _sections(ole.openstream("PROJECT").read().decode(codepage))
        # the dir stream only says "procedural or not"; the PROJECT stream tells documents
        # (a workbook's or sheet's module) from classes
        documents = {line[len("Document="):].split("/")[0] for line in sections[""]
                     if line.startswith("Document=")}
        modules: list[Module] = []
        current: dict[int, bytes] = {}
        for rid, data in records[first_module:]:
            current[rid] = data
            if rid != _MOD_END:
                continue
            stream = ole.openstream("VBA/" + current[_MOD_STREAM].decode(codepage)).read()
            offset = struct.unpack("<I", current[_MOD_OFFSET])[0]
            source = decompress(stream[offset:]).decode(codepage)
            name = current[_MOD_NAME].decode(codepage)
            kind = PROCEDURAL if _MOD_PROCEDURAL in current else (
                DOCUMENT if name in documents else CLASS)
            modules.append(Module(name, kind, source))
            current = {}
        properties = [line for line in sections[""]
                      if not line.startswith(("Document=", "Module=", "Class=", "BaseClass="))]
        return Project(head, codepage, properties, sections.get("[Host Extender Info]", []),
                       modules)
    finally:
        ole.close()


# --- writing --------------------------------------------------------------------------------

# ``_VBA_PROJECT`` as [MS-OVBA] 2.3.4.1 says to write it: version 0xFFFF and no performance
# cache, so that Office ignores any compiled state and compiles the modules from their source
_SOURCE_ONLY = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)


def _record(rid: int, data: bytes = b"") -> bytes:
    size = len(data) - 2 if rid == _VERSION else len(data)
    return struct.pack("<HI", rid, size) + data


def write_project(project: Project, name: str) -> bytes:
    """``project`` as a source-only ``vbaProject.bin`` named ``name``."""
    cp = project.codepage
    head = b"".join(_record(rid, name.encode(cp) if rid == _NAME else data)
                    for rid, data in project.head)
    modules = _record(_MODULES, struct.pack("<H", len(project.modules)))
    modules += _record(_COOKIE, b"\xff\xff")
    for m in project.modules:
        encoded = m.name.encode(cp)
        modules += b"".join((
            _record(_MOD_NAME, encoded), _record(_MOD_NAME_U, m.name.encode("utf-16-le")),
            _record(_MOD_STREAM, encoded), _record(_MOD_STREAM_U, m.name.encode("utf-16-le")),
            _record(_MOD_DOC), _record(_MOD_DOC_U),
            _record(_MOD_OFFSET, struct.pack("<I", 0)),  # no compiled cache before the source
            _record(_MOD_HELP, struct.pack("<I", 0)),
            _record(_MOD_COOKIE, b"\xff\xff"),
            _record(_MOD_PROCEDURAL if m.kind == PROCEDURAL else _MOD_OTHER),
            _record(_MOD_END),
        ))
    dir_stream = head + modules + _record(_END)

    declared = {PROCEDURAL: "Module={}", CLASS: "Class={}", DOCUMENT: "Document={}/&H00000000"}
    lines = project.properties[:1]  # ID="{...}" comes first
    lines += [declared[m.kind].format(m.name) for m in project.modules]
    lines += [f'Name="{name}"' if line.startswith("Name=") else line
              for line in project.properties[1:]]
    lines += ["", "[Host Extender Info]", *project.host_extenders, "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in project.modules]
    project_text = "\r\n".join(lines) + "\r\n"

    name_map = b"".join(m.name.encode(cp) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
                        for m in project.modules) + b"\0\0"
    tree = {
        "PROJECT": project_text.encode(cp),
        "PROJECTwm": name_map,
        "VBA": {
            "_VBA_PROJECT": _SOURCE_ONLY,
            "dir": compress(dir_stream),
            **{m.name: compress(m.source.encode(cp)) for m in project.modules},
        },
    }
    return write_cfb(tree)


def _sections(text: str) -> dict[str, list[str]]:
    """The PROJECT stream's lines by ``[section]``; "" is the properties before the first."""
    sections: dict[str, list[str]] = {"": []}
    current = sections[""]
    for line in text.splitlines():
        if line.startswith("["):
            current = sections.setdefault(line.strip(), [])
        elif line.strip():
            current.append(line)
    return sections
