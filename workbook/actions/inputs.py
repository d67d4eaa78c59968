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

from ..fileio import InputProblem, read_head, read_input  # noqa: F401 - the actions' names

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
