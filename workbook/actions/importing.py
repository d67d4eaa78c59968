"""``nianbao import``: a published report (Word, PDF, web page, text) read back into a Report,
and written as a workbook to fill in what is missing when asked."""
from __future__ import annotations

import os
from pathlib import Path

from ..importing.matcher import Imported
from ..report import Report
from .checking import import_published
from .outputs import Outputs

PathLike = str | os.PathLike[str]


def import_report(source: PathLike, output: PathLike | None = None, *, force: bool = False,
                  free: bool = False) -> Imported:
    """Read a published report; with ``output``, write it as a workbook there (decided before
    reading: never over ``source``, an existing file only with ``force``).  Returns the
    importer's :class:`nianbao.importing.Imported` (``.path``: the workbook written)."""
    target = Outputs(inputs=[source], force=force, free=free).add(output) if output else None
    imported = import_published(source)
    if target is not None:
        from ..xlsx_writer import write_report

        imported.path = write_report(imported.report, target)
    return imported


def write_workbook(report: Report, path: PathLike, *, force: bool = False) -> Path:
    """``report`` as a filled template at ``path`` (``nianbao.write_report``); an existing file
    is replaced only with ``force``."""
    from ..xlsx_writer import write_report

    target = Outputs(force=force).add(path)
    return write_report(report, target)


__all__ = ["import_report", "write_workbook"]
