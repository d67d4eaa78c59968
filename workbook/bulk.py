"""Reading many workbooks fast: each file read once into memory, only the declared sheets and
rows parsed, in parallel processes.

:func:`read_bytes` gives the same :class:`~nianbao.report.Report` as
:func:`nianbao.reader.read_report` (a test compares them field by field, findings included): both
go through the same safety inspection and :func:`nianbao.reader.report_from_grids`; this one
parses from the bytes it already holds (so the file is hashed and archived without a second read)
and stops each sheet at the last row its layout declares.

:func:`parallel_map` streams results in input order from a process pool, so a province's
thousands of files are read on every core while the caller keeps only what it needs of each.
"""
from __future__ import annotations

import io
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from .errors import UnreadableWorkbook
from .formats import FORMATS
from .layout import META_SHEET, layout_of
from .report import Report
from .safety import inspect_xlsx

T = TypeVar("T")
R = TypeVar("R")

# below this many inputs a process pool costs more to start than it saves
PARALLEL_FROM = 16
IN_FLIGHT = 3  # chunks queued per worker


@lru_cache(maxsize=1)
def _last_rows() -> dict[str, int | None]:
    """Sheet name → the last row any format declares on it (None: read all, the hidden sheet)."""
    last: dict[str, int | None] = {META_SHEET: None}
    for fid in FORMATS:
        for sheet in layout_of(fid).sheets:
            last[sheet.name] = max(last.get(sheet.name) or 0, sheet.last_row)
    return last


def read_bytes(data: bytes, path: str | os.PathLike) -> Report:
    """The Report of the workbook whose bytes are ``data`` (read from ``path``, which the safety
    inspection opens and messages name).  Raises :class:`UnreadableWorkbook` like read_report."""
    from python_calamine import CalamineWorkbook

    from .reader import report_from_grids

    p = Path(path)
    inspect_xlsx(p)
    last = _last_rows()
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids = {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False,
                                                             nrows=last[name])
                 for name in wb.sheet_names if name in last}
    except Exception as e:  # calamine raises several error types for damaged parts
        from .messages import say

        raise UnreadableWorkbook("file.not_xlsx", file=str(p),
                                 detail=say("bulk.unparsable", detail=e)) from None
    return report_from_grids(grids, source=str(p))


def workers() -> int:
    """Processes to read with: every core (``NIANBAO_WORKERS`` overrides)."""
    return max(1, int(os.environ.get("NIANBAO_WORKERS") or os.cpu_count() or 1))


def parallel_map(fn: Callable[[T], R], items: Iterable[T], *, n: int | None = None) -> Iterator[R]:
    """``fn`` over ``items`` in a process pool, results yielded in input order as they finish.

    ``fn`` must be a module-level function (it is pickled).  Few items, or one worker, run in
    this process.  At most a few chunks per worker are in flight, so results waiting for the
    caller never pile up, however many items there are.
    """
    items = list(items)
    n = workers() if n is None else n
    if n <= 1 or len(items) < PARALLEL_FROM:
        yield from map(fn, items)
        return
    # chunks big enough to keep pickling overhead low, small enough to keep every core busy
    # and the progress bar moving
    size = max(1, min(32, len(items) // (n * 8)))
    chunks = (items[i:i + size] for i in range(0, len(items), size))
    with ProcessPoolExecutor(max_workers=n) as pool:
        pending = deque(pool.submit(_run_chunk, fn, c) for c in islice(chunks, IN_FLIGHT * n))
        while pending:
            done = pending.popleft().result()
            for c in islice(chunks, 1):
                pending.append(pool.submit(_run_chunk, fn, c))
            yield from done


def _run_chunk(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [fn(x) for x in chunk]


__all__ = ["read_bytes", "parallel_map", "workers", "PARALLEL_FROM"]
