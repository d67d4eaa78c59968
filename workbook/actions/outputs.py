"""The one output rule: every file a command, an API call or a button writes is decided before
any work, and nothing is replaced unless asked.

An :class:`Outputs` plan is made from what the action reads (its input files and folders) and
how the door that called it can answer questions:

* an output that is one of the inputs (the same file under any name or link) is refused, always —
  ``--force`` does not change that (``file.output_is_input``);
* an output that already exists inside an input *folder* is refused too: that folder's files are
  read as submissions, and writing there would destroy one (a new file there is fine: it is not
  read back);
* two outputs of one run on the same file, an output that is a symbolic link, a directory or a
  device, and an output in a folder that cannot be written are refused before anything is done;
* an existing regular file is replaced only with ``force`` (``--force``); otherwise a door that
  can ask (the command line) stops with ``file.exists``, and a door that cannot (the Excel
  add-in, the web server) gets a free name beside it (``年报-2.docx``) with ``free=True``.

Every message is one Chinese line naming the file; the exit code is 2.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import NianbaoError
from ..fileio import same_file

PathLike = str | os.PathLike[str]
FREE_NAMES = 1000  # 年报-2 … 年报-1000: beyond that a folder is not one a clerk works in


def free_name(path: PathLike) -> Path:
    """``path`` if nothing is there, else the first of ``stem-2.suffix``, ``stem-3.suffix`` …
    that is free."""
    p = Path(path)
    if not os.path.lexists(p):
        return p
    for i in range(2, FREE_NAMES + 1):
        candidate = p.with_name(f"{p.stem}-{i}{p.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise NianbaoError("file.exists", file=str(p))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def _writable_folder(path: Path) -> None:
    """Refuse an output whose folder exists and cannot be written into (a folder still to be
    made is checked where it will be made)."""
    from ..fileio import os_reason

    try:
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if folder.exists() and not folder.is_dir():
            raise NianbaoError("file.write_failed", file=str(path), detail=_reason("ENOTDIR"))
        if not os.access(folder, os.W_OK | os.X_OK):
            raise NianbaoError("file.write_failed", file=str(path), detail=_reason("EACCES"))
        if len(os.fsencode(path.name)) > 255:  # the system would refuse it when writing
            raise NianbaoError("file.write_failed", file=str(path), detail=_reason("ENAMETOOLONG"))
    except FileNotFoundError:
        pass  # a folder still to be made
    except OSError as e:  # a name the system cannot take (too long), a loop of links …
        raise NianbaoError("file.write_failed", file=str(path), detail=os_reason(e)) from None


def _reason(name: str) -> str:
    from ..messages import say

    return say(f"os.{name}")


@dataclass
class Outputs:
    """The files one run will write.  ``inputs``: files it reads; ``folders``: folders whose
    files it reads; ``force``: replace existing files; ``free``: instead of refusing an existing
    file, write under a free name beside it."""

    inputs: Iterable[PathLike] = ()
    folders: Iterable[PathLike] = ()
    force: bool = False
    free: bool = False
    planned: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.inputs = [Path(p) for p in self.inputs if p is not None]
        self.folders = [Path(p) for p in self.folders if p is not None]

    def add(self, path: PathLike, *, append: bool = False) -> Path:
        """Plan to write ``path``; returns the path to write (a free name under ``free``).

        ``append``: the file is added to, not replaced (a history database): it may exist."""
        p = Path(path)
        for src in self.inputs:
            if same_file(src, p):
                raise NianbaoError("file.output_is_input", file=str(p))
        for other in self.planned:
            if same_file(other, p):
                raise NianbaoError("file.output_twice", file=str(p))
        if os.path.islink(p):
            raise NianbaoError("file.output_link", file=str(p))
        exists = os.path.lexists(p)
        if exists:
            try:
                mode = os.stat(p).st_mode
            except OSError as e:
                from ..fileio import os_reason

                raise NianbaoError("file.write_failed", file=str(p), detail=os_reason(e)) from None
            if not stat.S_ISREG(mode):
                raise NianbaoError("file.output_not_file", file=str(p))
            if not append:
                if self.free:
                    p = free_name(p)
                elif any(_inside(p, Path(folder)) for folder in self.folders):
                    raise NianbaoError("file.output_in_inputs", file=str(p))
                elif not self.force:
                    raise NianbaoError("file.exists", file=str(p))
        _writable_folder(p)
        self.planned.append(p)
        return p

    def folder(self, path: PathLike) -> Path:
        """Plan to write files into folder ``path`` (made when missing): it must not be an input,
        a link, or a file."""
        p = Path(path)
        if os.path.islink(p):
            raise NianbaoError("file.output_link", file=str(p))
        try:
            if p.exists() and not p.is_dir():
                raise NianbaoError("file.output_not_folder", file=str(p))
        except OSError as e:  # a name the system cannot take (too long), a loop of links …
            from ..fileio import os_reason

            raise NianbaoError("file.write_failed", file=str(p), detail=os_reason(e)) from None
        for src in self.inputs:
            if same_file(src, p):
                raise NianbaoError("file.output_is_input", file=str(p))
        _writable_folder(p / "x")
        self.planned.append(p)
        return p


__all__ = ["Outputs", "free_name"]
