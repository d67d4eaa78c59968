"""Refuse files that are not what they claim before any parser sees them.

Workbooks arrive by e-mail from other offices.  Before a parser opens one we look at the zip
directory only (cheap: no decompression of sheet data): a zip bomb, a DTD/entity declaration in
any XML part we will read, or an encrypted/legacy file each get a precise Chinese message.
Macros are never executed: nothing in nianbao runs VBA, and readers ignore vbaProject.bin.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import UnreadableWorkbook

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a statutory workbook is ~100 KB; 200 MB is generous
MAX_RATIO = 200  # deflate rarely exceeds ~100:1 on real sheets; bombs reach 1000:1
MAX_MEMBERS = 5000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PROLOG_BYTES = 2048  # a DOCTYPE can only stand in the prolog, before the root element


def _human(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def inspect_xlsx(path: Path) -> None:
    """Raise :class:`UnreadableWorkbook` unless ``path`` is a plausible, harmless .xlsx/.xlsm."""
    name = str(path)
    if not path.is_file():
        raise UnreadableWorkbook("file.missing", file=name)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnreadableWorkbook("file.encrypted", file=name)
        raise UnreadableWorkbook("file.not_xlsx", file=name,
                                 detail="这是旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx")
    if not head.startswith(b"PK"):
        raise UnreadableWorkbook("file.not_xlsx", file=name, detail="文件内容不是 Excel 格式")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise UnreadableWorkbook("file.hostile", file=name, detail=f"含 {len(infos)} 个部件")
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise UnreadableWorkbook("file.not_xlsx", file=name,
                                         detail="压缩包中没有 xl/workbook.xml")
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED:
                raise UnreadableWorkbook("file.too_large", file=name, size=_human(total))
            for i in infos:
                if i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                    raise UnreadableWorkbook("file.too_large", file=name, size=_human(i.file_size))
            for i in infos:
                if i.filename.endswith((".xml", ".rels")):
                    with zf.open(i) as part:
                        prolog = part.read(_PROLOG_BYTES)
                    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                        raise UnreadableWorkbook("file.hostile", file=name,
                                                 detail=f"{i.filename} 含 DTD/实体声明")
    except zipfile.BadZipFile as e:
        raise UnreadableWorkbook("file.not_xlsx", file=name, detail=f"压缩包已损坏（{e}）") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as e:
        raise UnreadableWorkbook("file.not_xlsx", file=name, detail=str(e)) from None
