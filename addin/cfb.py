"""A minimal writer of Compound File Binary files ([MS-CFB], version 3), the container of
``vbaProject.bin``.

olefile reads compound files but can only rewrite a stream in place at its old size; the VBA
project we build has streams of new sizes, so it is written whole here.  Only what a VBA project
needs: storages and streams, 512-byte sectors, small streams in the mini stream, no DIFAT sectors
(up to 109 FAT sectors, i.e. files under ~6.8 MB).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE, END, FAT_SECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1

# a storage is a dict {name: bytes | dict}; a stream is bytes
Tree = dict


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = NO_STREAM
    right: int = NO_STREAM
    child: int = NO_STREAM
    color: int = BLACK
    start: int = END
    size: int = 0


def _key(name: str) -> tuple[int, str]:
    # [MS-CFB] 2.6.4: siblings are ordered by name length first, then by upper-cased name
    return len(name), name.upper()


def _tree(entries: list[_Entry], ids: list[int]) -> int:
    """Link ``ids`` (siblings) into a balanced binary search tree; return its root.

    The spec asks for a red-black tree.  A median-split tree has every level full but the last,
    so colouring the nodes of an incomplete last level red and all others black satisfies it.
    """
    ids = sorted(ids, key=lambda i: _key(entries[i].name))
    depth: dict[int, int] = {}

    def build(lo: int, hi: int, d: int) -> int:
        if lo >= hi:
            return NO_STREAM
        mid = (lo + hi - 1) // 2
        node = ids[mid]
        depth[node] = d
        entries[node].left = build(lo, mid, d + 1)
        entries[node].right = build(mid + 1, hi, d + 1)
        return node

    root = build(0, len(ids), 0)
    if depth:
        deepest = max(depth.values())
        if len(ids) != 2 ** (deepest + 1) - 1:
            for node, d in depth.items():
                entries[node].color = RED if d == deepest else BLACK
    return root


def _flatten(tree: Tree) -> list[_Entry]:
    entries = [_Entry("Root Entry", ROOT)]

    def add(parent: int, storage: Tree) -> None:
        for name, value in storage.items():
            if len(name) > 31:
                raise ValueError(f"compound file names have at most 31 characters: {name!r}")
            index = len(entries)
            if isinstance(value, dict):
                entries.append(_Entry(name, STORAGE))
                entries[parent].children.append(index)
                add(index, value)
            else:
                entries.append(_Entry(name, STREAM, bytes(value)))
                entries[parent].children.append(index)

    add(0, tree)
    for entry in entries:
        if entry.children:
            entry.child = _tree(entries, entry.children)
    return entries


def _pad(data: bytes, unit: int) -> bytes:
    return data + b"\0" * (-len(data) % unit)


def write_cfb(tree: Tree) -> bytes:
    """Serialise ``tree`` (storage names → dicts, stream names → bytes) as a compound file."""
    entries = _flatten(tree)

    # small streams go into the mini stream, in 64-byte mini sectors chained by the mini FAT
    mini_stream = bytearray()
    mini_fat: list[int] = []
    for entry in entries:
        if entry.kind == STREAM and 0 < len(entry.data) < MINI_CUTOFF:
            first = len(mini_fat)
            count = -(-len(entry.data) // MINI_SECTOR)
            mini_fat += [first + i + 1 for i in range(count - 1)] + [END]
            mini_stream += _pad(entry.data, MINI_SECTOR)
            entry.start, entry.size = first, len(entry.data)

    # then every chain of regular sectors, in file order: big streams, the mini stream,
    # the directory, the mini FAT; the FAT itself goes last and covers them all
    body = bytearray()
    fat: list[int] = []

    def chain(data: bytes) -> int:
        if not data:
            return END
        first = len(fat)
        count = -(-len(data) // SECTOR)
        fat.extend([first + i + 1 for i in range(count - 1)] + [END])
        body.extend(_pad(data, SECTOR))
        return first

    for entry in entries:
        if entry.kind == STREAM and len(entry.data) >= MINI_CUTOFF:
            entry.start, entry.size = chain(entry.data), len(entry.data)
    root = entries[0]
    root.start, root.size = chain(bytes(mini_stream)), len(mini_stream)

    # a directory sector holds four entries; unused slots must still say "no sibling, no child"
    slots = entries + [None] * (-len(entries) % (SECTOR // 128))
    first_dir = chain(b"".join(_directory_entry(entry) for entry in slots))
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    first_mini_fat = chain(_pad(mini_fat_bytes, SECTOR)) if mini_fat else END

    n_fat = 1
    while n_fat * (SECTOR // 4) < len(fat) + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat_ids = list(range(len(fat), len(fat) + n_fat))
    fat += [FAT_SECT] * n_fat
    fat += [FREE] * (n_fat * (SECTOR // 4) - len(fat))

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16,
        0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0,  # directory sectors: must be 0 in version 3
        n_fat, first_dir, 0, MINI_CUTOFF,
        first_mini_fat, -(-len(mini_fat_bytes) // SECTOR) if mini_fat else 0,
        END, 0,
    )
    difat = fat_ids + [FREE] * (109 - n_fat)
    header += struct.pack("<109I", *difat)
    assert len(header) == SECTOR
    return header + bytes(body) + struct.pack(f"<{len(fat)}I", *fat)


def _directory_entry(entry: _Entry | None) -> bytes:
    if entry is None:
        return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NO_STREAM, NO_STREAM, NO_STREAM,
                           b"\0" * 16, 0, 0, 0, 0, 0)
    name = (entry.name + "\0").encode("utf-16-le")
    start = entry.start if entry.kind != STORAGE else 0
    return struct.pack(
        "<64sHBBIII16sIQQIQ", name, len(name), entry.kind, entry.color,
        entry.left, entry.right, entry.child, b"\0" * 16, 0, 0, 0, start, entry.size,
    )
