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
