"""What the server does with an upload, for the pages and the API alike: each is one action of
:mod:`nianbao.actions` run on the bytes received, with any file the action writes put in a
private temporary folder under a name of ours and read back; nothing is kept after the response.

These run in worker threads (the event loop only moves bytes).  LibreOffice conversions go one at
a time across threads and server processes (a lock file in the data folder), each with a
timeout: a busy server answers with the Word file alone and says why.
"""
from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .. import actions
from ..errors import NianbaoError
from ..findings import SEVERITY_ORDER, Findings
from ..messages import say

from ..actions.checking import Upload  # noqa: E402 - a name the type checker can follow
_PDF_LOCK = threading.Lock()


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A private temporary folder (mode 0700), removed afterwards whatever happens."""
    with tempfile.TemporaryDirectory(prefix="nianbao-serve-") as tmp:
        yield Path(tmp)


def stem(name: str) -> str:
    """The stem of a sender's file name, for naming what we send back (shown, never a path)."""
    return Path(actions.display_name(name)).stem or "年报"


# -- checking ------------------------------------------------------------------------------------
def check(upload: Upload, previous: Upload | None = None) -> Findings:
    """``check`` of one upload; never raises for a bad file: an unreadable upload (or last
    year's) is a result with its ``file.*`` / ``prev.unreadable`` finding, as in ``check --json``."""
    return next(actions.check_many([upload], previous))


def check_result(found: Findings) -> dict[str, Any]:
    """``check --json``'s object for one file plus ``"plan"``: the marking plan, and
    ``"painting"``: the steps that paint it into the open workbook the file was saved from
    (:func:`nianbao.actions.plan_painting` — what the WPS add-in carries out; ``None`` for a file
    that is not a readable workbook, or a published report: there is no workbook to paint)."""
    out = found.to_dict()
    out["plan"] = actions.plan(found).to_dict()
    painting = None
    if not (found.unreadable or found.report is None or actions.is_published(found.file or "")):
        _, steps = actions.plan_painting(found, Path(found.file or "").name)
        painting = steps.to_dict()
    out["painting"] = painting
    return out


def ordered(found: Findings) -> list[dict[str, Any]]:
    """The findings as a clerk reads them: errors, then warnings, then notices (position kept
    within each), each with its place, rule title and message."""
    rows = sorted(found.to_dict()["findings"], key=lambda f: SEVERITY_ORDER[f["severity"]])
    for f in rows:
        f["where"] = " ".join(p for p in (f.get("sheet"), f.get("cell")) if p)
    return rows


def ordered_dict(found: dict[str, Any]) -> list[dict[str, Any]]:
    """:func:`ordered` for a check already in its JSON form (a recorded submission)."""
    rows = sorted(found.get("findings", []), key=lambda f: SEVERITY_ORDER[f["severity"]])
    for f in rows:
        f["where"] = " ".join(p for p in (f.get("sheet"), f.get("cell")) if p)
    return rows


# -- writing -------------------------------------------------------------------------------------
def marked(upload: Upload, previous: Upload | None = None) -> tuple[Findings, bytes]:
    """The marked copy (``check --mark``) of an uploaded workbook."""
    found = check(upload, previous)
    if found.unreadable:
        raise NianbaoError("serve.unreadable", message=found.findings[0].message)
    with scratch() as tmp:
        _, path = actions.mark(upload, tmp / "marked.xlsx", findings=found, previous=previous)
        return found, path.read_bytes()


@dataclass
class Report:
    """What 生成报告 gave: the check, whether it was refused, the files and the notes."""

    findings: Findings
    refused: bool
    docx: bytes | None = None
    pdf: bytes | None = None
    notes: list[str] | None = None
    refusal: Any = None  # why it was refused, as the core words it (actions.Refusal)


def report(upload: Upload, previous: Upload | None = None, *, force: bool = False,
           pdf: bool = False, data: Path | None = None, pdf_timeout: float = 60) -> Report:
    """``report`` (publish) of an upload: refused with the errors unless ``force``; the PDF
    when asked and LibreOffice is here, one conversion at a time."""
    notes: list[str] = []
    with scratch() as tmp, _pdf_slot(data, pdf_timeout if pdf else 0) as slot:
        if pdf and not slot:
            notes.append(say("serve.pdf_busy", seconds=int(pdf_timeout)))
        done = actions.publish(upload, tmp / "report.docx", previous=previous, force=force,
                               pdf=None if (pdf and slot) else False, pdf_timeout=pdf_timeout)
        if done.refused:
            return Report(done.findings, True, refusal=done.refusal)
        for note in (done.no_pdf, done.pdf_failed, done.font_warning):
            if note:
                notes.append(note.replace(str(tmp / "report.docx"), stem(upload.name) + ".docx"))
        return Report(done.findings, False, done.docx.read_bytes() if done.docx else None,
                      done.pdf.read_bytes() if done.pdf else None, notes)


@contextlib.contextmanager
def _pdf_slot(data: Path | None, timeout: float) -> Iterator[bool]:
    """Hold the one LibreOffice slot (this process's threads and every server process sharing
    ``data``) for up to ``timeout`` seconds of waiting; yields whether it was had."""
    if timeout <= 0:
        yield False
        return
    deadline = time.monotonic() + timeout
    if not _PDF_LOCK.acquire(timeout=timeout):
        yield False
        return
    try:
        if data is None:
            yield True
            return
        with open(data / ".soffice.lock", "a+b") as fh:
            got = _flock(fh, deadline)
            try:
                yield got
            finally:
                if got:
                    _unlock(fh)
    finally:
        _PDF_LOCK.release()


def _flock(fh: Any, deadline: float) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: one server process, the thread lock suffices
        return True
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def _unlock(fh: Any) -> None:
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        fcntl.flock(fh, fcntl.LOCK_UN)


def dismissed(upload: Upload, ids: list[str], reason: str, previous: Upload | None = None, *,
              everything: bool = False) -> tuple[list[Any], bytes]:
    """The workbook back with the reviewed warnings and notices recorded (``dismiss``)."""
    with scratch() as tmp:
        out = tmp / "dismissed.xlsx"
        chosen = actions.dismiss(upload, ids, reason, out, previous=previous,
                                 everything=everything)
        return chosen, out.read_bytes()


def next_year(upload: Upload) -> tuple[Any, bytes]:
    """This year's workbook from last year's workbook or published report (``new --from``)."""
    with scratch() as tmp:
        ny = actions.start_from_last_year(upload, tmp / "next.xlsx")
        return ny, Path(ny.path).read_bytes()


def template(year: int | None, unit: str = "", format_id: str | None = None) -> bytes:
    """A blank workbook (``new``): the format the year requires unless another is asked for
    (and then refused when the year does not allow it)."""
    with scratch() as tmp:
        path = actions.new_workbook(tmp / "blank.xlsx", format_id, year=year,
                                    unit=" ".join(unit.split())[:100])
        return path.read_bytes()


def handed_out_zip(store: Any, round_id: int, links: dict[str, str] | None = None) -> bytes:
    """The round's blank workbooks, one per unit, as one .zip; ``links`` (unit name → upload
    link) adds a 上传链接.csv for the coordinator to send out."""
    import csv
    import io
    import zipfile

    with scratch() as tmp:
        paths = actions.handed_out(store, round_id, tmp / "out")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in paths:
                zf.write(p, p.name)
            if links:
                text = io.StringIO()
                w = csv.writer(text)
                w.writerow([say("merge.col.unit"), say("serve.col.link")])
                for name, url in links.items():
                    w.writerow([name, url])
                zf.writestr(say("serve.links_file"), "\ufeff" + text.getvalue())
        return buf.getvalue()


def consolidated(store: Any, round_id: int) -> tuple[Any, bytes]:
    """汇总.xlsx of a round (``merge`` over what it received)."""
    c = actions.consolidate_round(store, round_id)
    if c.output is None:
        raise NianbaoError("round.nothing")
    return c, Path(c.output).read_bytes()


def consolidated_report(store: Any, round_id: int, *, force: bool = False) -> Report:
    """The Word report of a round's consolidated workbook (``report`` of 汇总.xlsx, its
    填报单位 the round's 本级单位: ``round.no_unit`` until there is one)."""
    with scratch() as tmp:
        done = actions.publish_round(store, round_id, tmp / "report.docx", force=force)
        if done.refused:
            return Report(done.findings, True, refusal=done.refusal)
        return Report(done.findings, False, done.docx.read_bytes())


__all__ = ["check", "check_result", "ordered", "marked", "report", "Report", "dismissed",
           "next_year", "template", "handed_out_zip", "ordered_dict", "consolidated", "consolidated_report",
           "stem", "scratch"]

