"""Writing outputs so that a crash or a full disk never leaves half a file behind, and an input is
never written over."""
from __future__ import annotations

import errno
import os
import re
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from .errors import NianbaoError


def refuse_overwrite(output: str | os.PathLike, inputs: Iterable[str | os.PathLike]) -> None:
    """Raise :class:`NianbaoError` when ``output`` is one of ``inputs`` (or the same file under
    another name) or exists and is not a regular file (a directory, ``/dev/…``)."""
    out = Path(output)
    for src in inputs:
        if same_file(src, out):  # through symbolic and hard links alike
            raise NianbaoError("file.output_is_input", file=str(out))
    _refuse_special(out)


def _refuse_special(out: Path) -> None:
    try:
        mode = os.stat(out).st_mode
    except OSError:
        return  # it does not exist (yet): atomic_path says what goes wrong when writing
    if not stat.S_ISREG(mode):
        raise NianbaoError("file.output_not_file", file=str(out))


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename.

    Refuses to replace anything but a regular file; every failure to write (a read-only
    directory, a parent that is a file, a full disk) is one :class:`NianbaoError`, and the
    temporary file is gone afterwards whatever happened (an interrupted run included: the CLI
    turns SIGTERM into an exception, so this ``finally`` runs)."""
    import tempfile  # here: a command that writes nothing (check) does not load it

    target = Path(path)
    _refuse_special(target)
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem[:100]}.", suffix=target.suffix,
                                   dir=target.parent)
        os.close(fd)
        yield Path(tmp)
        # mkstemp makes the file private (0600); give the output the permissions any new file gets
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as e:
        raise NianbaoError("file.write_failed", file=str(target),
                           detail=os_reason(e)) from e
    finally:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """``data`` at ``path``, replacing it in one rename, as :func:`atomic_path` does for a writer
    that needs a path — in fewer system calls, for the thousands of archive copies of a merge:
    the temporary file is created exclusively with the permissions any new file gets (so no
    chmod), and written from the open descriptor."""
    target = Path(path)
    _refuse_special(target)
    tmp = None
    try:
        fd, tmp = _create_beside(target)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, target)
        tmp = None
    except OSError as e:
        raise NianbaoError("file.write_failed", file=str(target), detail=os_reason(e)) from e
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _create_beside(target: Path) -> tuple[int, Path]:
    """A new hidden file beside ``target`` (O_EXCL: never one that exists, never through a
    link), open for writing: its descriptor and name."""
    for _ in range(100):
        name = target.with_name(f".{target.stem[:100]}.{os.urandom(6).hex()}{target.suffix}")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
                           | getattr(os, "O_NOFOLLOW", 0), 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Writing ``b`` would replace ``a`` (the same path, a link to it): an output never may."""
    pa, pb = Path(a), Path(b)
    try:
        if pa.resolve() == pb.resolve():
            return True
    except RuntimeError:  # a symbolic link loop (Python < 3.13): it cannot be the same file
        return False
    try:
        return pa.exists() and pb.exists() and os.path.samefile(pa, pb)
    except OSError:
        return False


def os_reason(e: OSError) -> str:
    """The system's reason in Chinese (never the library's English words)."""
    from .messages import say

    name = errno.errorcode.get(e.errno or 0, "")
    return say(f"os.{name}") if name in OS_REASONS else say("os.other", errno=e.errno)


def write_reason(e: BaseException) -> str:
    """Why a library failed to write: lxml says 「IO_EFBIG」 where Python raises an OSError."""
    from .messages import say

    if isinstance(e, OSError):
        return os_reason(e)
    name = re.search(r"\bIO_(E[A-Z]+)\b", str(e))
    return say(f"os.{name.group(1)}") if name and name.group(1) in OS_REASONS else say("os.unknown")


OS_REASONS = ("EACCES", "EPERM", "ENOTDIR", "EISDIR", "ENOSPC", "EROFS", "EFBIG",
              "ENAMETOOLONG", "EDQUOT", "ENOENT", "EEXIST", "EIO", "ELOOP", "ENXIO")


# -- reading an input: only a regular file, never more than a limit ------------------------------
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(path: str | os.PathLike[str]) -> str:
    """A file name as it may be printed, stored and put in a cell: bytes that are not UTF-8
    (an archive unpacked on another system) as ``\\xNN``, control characters escaped — so a
    name never breaks the one-line message, the database or the workbook."""
    return printable(os.fsencode(path).decode("utf-8", "backslashreplace"))


def printable(text: str) -> str:
    """``text`` with control characters escaped (「\\n」, 「\\x00」): one line, no NUL."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class InputProblem(NianbaoError):
    """A file that is not read at all (not a regular file, too large, not there)."""


def read_input(path: str | os.PathLike[str], limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at ``path`` and its ``stat``, never more than ``limit``
    bytes read: anything else is one :class:`InputProblem` naming the file (``file.missing``,
    ``input.not_regular``, ``input.too_large``, ``file.unreadable``)."""
    name = shown(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # a FIFO opens at once without blocking; a device is refused below
    except FileNotFoundError:
        raise InputProblem("file.missing", file=name) from None
    except OSError as e:
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
        raise InputProblem("file.unreadable", file=name, detail=os_reason(e)) from None
    finally:
        os.close(fd)


def read_head(path: str | os.PathLike[str], n: int = 4096) -> bytes:
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
    from .messages import say

    for test, name in ((stat.S_ISDIR, "dir"), (stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "device"),
                       (stat.S_ISBLK, "device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return say(f"input.kind.{name}")
    return say("input.kind.other")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


