"""What an action reads when it is given files and folders: each file named, and the files found
in each folder named — the same for ``check``, ``merge`` and ``audit``.

A folder usually comes from someone else (an e-mail attachment unpacked, a shared drive), so it
is walked without trusting it: links inside it are not followed (a link could lead anywhere on
the coordinator's disk, and what it points to would be archived and reported), only regular
files are taken (never a FIFO or a device, which would block or never end), hidden files and
Office lock files (``~$…``) are skipped.  A file named on the command line is taken as named.

Reading one is bounded the same way for every action (:func:`read_input`): it is opened without
blocking and looked at (``fstat``) before a byte is read — a FIFO, a device (``/dev/zero``) or a
folder is refused, and a file larger than the caller's limit (a sparse file of 2 GB occupies no
disk but would be read whole) is refused from its size.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

from ..errors import NianbaoError

PathLike = str | os.PathLike[str]


def is_folder(path: PathLike) -> bool:
    """Whether ``path`` is a folder; a name the system cannot even look up (too long, not
    representable) is not one — reading it then says why, in Chinese."""
    try:
        return Path(path).is_dir()
    except (OSError, ValueError):
        return False


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$"))


def walk(folder: Path) -> list[Path]:
    """The regular files under ``folder`` (recursively, sorted), links not followed."""
    found: list[Path] = []
    for top, dirs, files in os.walk(folder, followlinks=False, onerror=None):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for name in sorted(files):
            if _hidden(name):
                continue
            path = Path(top, name)
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue  # gone, or not ours to look at
            if stat.S_ISREG(mode):
                found.append(path)
    return found


class InputProblem(NianbaoError):
    """A file that is not read at all (not a regular file, too large, not there)."""


def _shown(path: str | os.PathLike[str]) -> str:
    from ..merge.records import shown

    return shown(path)


def read_input(path: PathLike, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at ``path`` and its ``stat``, never more than ``limit``
    bytes read: anything else is one :class:`InputProblem` naming the file (``file.missing``,
    ``input.not_regular``, ``input.too_large``, ``file.unreadable``)."""
    name = _shown(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # a FIFO opens at once without blocking; a device is refused below
    except FileNotFoundError:
        raise InputProblem("file.missing", file=name) from None
    except OSError as e:
        from ..fileio import os_reason

        raise InputProblem("file.unreadable", file=name, detail=os_reason(e)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputProblem("input.not_regular", file=name, kind=_kind(st.st_mode))
        if st.st_size > limit:
            raise InputProblem("input.too_large", file=name, size=_size(st.st_size),
                               limit=_size(limit))
        chunks, got = [], 0
        while got <= limit:  # a file that grows while it is read stops at the limit too
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise InputProblem("input.too_large", file=name, size=_size(got), limit=_size(limit))
        return b"".join(chunks), st
    except OSError as e:
        from ..fileio import os_reason

        raise InputProblem("file.unreadable", file=name, detail=os_reason(e)) from None
    finally:
        os.close(fd)


def read_head(path: PathLike, n: int = 4096) -> bytes:
    """The first ``n`` bytes of a regular file (b"" for anything else or on any error)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return b""
    try:
        return os.read(fd, n) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        return b""
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    from ..messages import say

    for test, name in ((stat.S_ISDIR, "dir"), (stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "device"),
                       (stat.S_ISBLK, "device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return say(f"input.kind.{name}")
    return say("input.kind.other")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def _resolved(p: Path) -> Path:
    """``p`` resolved, or made absolute when it cannot be (a symbolic link loop)."""
    try:
        return p.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(p))


def expand(items: Iterable[PathLike], skip: Iterable[PathLike] = (),
           kinds: Iterable[str] | None = None) -> list[Path]:
    """The files to read: each file given, and every file under each folder given, in the
    order given, each once; ``skip``: files and folders never read (an action's own outputs
    when they sit among its inputs); ``kinds``: the suffixes (「.xlsx」) a file found *in a
    folder* must have to be taken — a folder holds whatever its owner put there (the unit list,
    a note, the Word reports written beside the workbooks), a file named on its own is taken as
    named."""
    return _gather(items, skip, kinds)[0]


def left_out(items: Iterable[PathLike], kinds: Iterable[str],
             skip: Iterable[PathLike] = ()) -> list[Path]:
    """The files in the folders among ``items`` that :func:`expand` with ``kinds`` leaves out
    (for saying so: nothing is left out silently)."""
    return _gather(items, skip, kinds)[1]


def _gather(items: Iterable[PathLike], skip: Iterable[PathLike],
            kinds: Iterable[str] | None) -> tuple[list[Path], list[Path]]:
    skipped = [str(_resolved(Path(s))) for s in skip if s is not None]
    wanted_kinds = None if kinds is None else {k.lower() for k in kinds}

    def wanted(key: str) -> bool:
        return not any(key == s or key.startswith(s + os.sep) for s in skipped)

    out: list[Path] = []
    other: list[Path] = []
    seen: set[str] = set()
    for item in items:
        p = Path(item)
        in_folder = is_folder(p)
        if in_folder:
            # the walk follows no link, so each file's real path is its folder's plus its name:
            # one resolve per folder given, not per file (20,000 files in a folder)
            base, top = str(_resolved(p)), os.path.normpath(p)
            found = [(f, base + str(f)[len(top):]) for f in walk(p)]
        else:
            found = [(p, str(_resolved(p)))]
        for f, key in found:
            if not wanted(key) or key in seen:
                continue
            seen.add(key)
            if in_folder and wanted_kinds is not None and f.suffix.lower() not in wanted_kinds:
                other.append(f)
            else:
                out.append(f)
    return out, other


def folders(items: Iterable[PathLike]) -> list[Path]:
    """The folders among ``items``."""
    return [Path(p) for p in items if is_folder(p)]


__all__ = ["expand", "left_out", "walk", "folders", "is_folder", "read_input", "read_head",
           "InputProblem"]
