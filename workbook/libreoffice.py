"""LibreOffice headless: the one place nianbao runs ``soffice`` — the Word report's PDF, and in
the tests the recalculation of the template's formulas (LibreOffice recalculates on load a file
that has no cached values, as openpyxl writes them) and every rendering to look at.

Each run uses a private profile (it works while the user has LibreOffice open and leaves their
settings alone), works on copies with ASCII names (soffice under ``LANG=C`` mangles 年报.docx),
ends the whole process group it started on a timeout or an interruption (soffice starts
soffice.bin as a child, which would otherwise keep writing into a removed folder), and writes
each output atomically.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import NianbaoError
from .fileio import atomic_path

_SOFFICE_PLACES = (
    "/usr/bin/soffice", "/usr/local/bin/soffice", "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
TEMP_PREFIX = "nianbao-pdf-"  # what an interrupted run must never leave behind in the temp folder


def find_soffice() -> str | None:
    """LibreOffice's ``soffice``: $NIANBAO_SOFFICE, then PATH, then the usual install places."""
    own = os.environ.get("NIANBAO_SOFFICE")
    if own:
        return own if Path(own).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for place in _SOFFICE_PLACES:
        if Path(place).is_file():
            return place
    return None


def convert(sources: Iterable[str | os.PathLike], target: str,
            outdir: str | os.PathLike | None = None, *, timeout: float = 180) -> list[Path]:
    """Convert files in one LibreOffice run: ``target`` is what ``--convert-to`` takes («pdf»,
    «pdf:writer_pdf_Export», «xlsx», «ods»); each output is ``<outdir>/<stem>.<ext>`` (default:
    beside its source).  Returns the outputs in order.  Raises :class:`NianbaoError` with an
    install hint when LibreOffice is missing, or when it fails or exceeds ``timeout`` seconds."""
    srcs = [Path(s) for s in sources]
    first = str(srcs[0]) if srcs else ""
    exe = find_soffice()
    if exe is None:
        raise NianbaoError("document.soffice_missing", file=first)
    ext = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:
        work = [Path(tmp) / f"in{i}{src.suffix}" for i, src in enumerate(srcs)]
        for src, copy in zip(srcs, work):
            shutil.copyfile(src, copy)
        out = Path(tmp) / "out"
        cmd = [exe, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", target, "--outdir", str(out),
               *map(str, work)]
        code, err = _run(cmd, timeout, first, ext.upper())
        results = []
        for src, copy in zip(srcs, work):
            produced = out / f"{copy.stem}.{ext}"
            if code != 0 or not produced.is_file():
                text = err.decode(sys.getfilesystemencoding(), "replace").strip()
                detail = text.splitlines()[-1] if text else f"exit code {code}"
                raise NianbaoError("document.pdf_failed", file=str(src), what=ext.upper(),
                                   detail=detail)
            dst = (Path(outdir) if outdir is not None else src.parent) / f"{src.stem}.{ext}"
            with atomic_path(dst) as tmp_out:
                shutil.copyfile(produced, tmp_out)
            results.append(dst)
    return results


def _run(cmd: list[str], timeout: float, file: str, what: str) -> tuple[int, bytes]:
    posix = os.name == "posix"
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, start_new_session=posix)
    except OSError as e:
        from .fileio import os_reason

        raise NianbaoError("document.pdf_failed", file=file, what=what, detail=os_reason(e)) from e
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException as e:
        # end the whole group this call started — on a timeout and on an interruption alike
        with contextlib.suppress(ProcessLookupError):
            if posix:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        proc.communicate()
        if isinstance(e, subprocess.TimeoutExpired):
            raise NianbaoError("document.pdf_timeout", file=file, seconds=timeout) from None
        raise
    return proc.returncode, err or out or b""


def to_pdf(docx_path: str | os.PathLike, pdf_path: str | os.PathLike | None = None, *,
           timeout: float = 180) -> Path:
    """The PDF of a Word file (default: beside it); see :func:`convert`."""
    src = Path(docx_path)
    dst = Path(pdf_path) if pdf_path is not None else src.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:
        (made,) = convert([src], "pdf:writer_pdf_Export", tmp, timeout=timeout)
        with atomic_path(dst) as tmp_pdf:
            shutil.copyfile(made, tmp_pdf)
    return dst


__all__ = ["find_soffice", "convert", "to_pdf", "TEMP_PREFIX"]
