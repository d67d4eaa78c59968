"""Time reading filled workbooks: nianbao's calamine reader against openpyxl, in one run.

    .venv/bin/python benchmarks/bench_read.py [N]

Writes N workbooks (default 200) to a temporary folder, then reads them all with
``nianbao.reader.read_report`` and with the obvious baseline (openpyxl, read-only, values only,
fetching the same field cells).  Prints total and per-file figures (best of 3 rounds).
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import consistent_report  # noqa: E402

from nianbao import layout_of  # noqa: E402
from nianbao.reader import read_report  # noqa: E402
from nianbao.xlsx_writer import write_report  # noqa: E402


def openpyxl_read(path: Path) -> dict:
    lay = layout_of("2021")
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = {}
    by_sheet: dict[str, list] = {}
    for f in lay.fields.values():
        by_sheet.setdefault(f.sheet, []).append(f)
    for sheet, fields in by_sheet.items():
        grid = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
        for f in fields:
            out[f.id] = grid[f.row - 1][f.col - 1]
    wb.close()
    return out


def best_of(fn, paths, rounds=3) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for p in paths:
            fn(p)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for i in range(n):
            r = consistent_report("2021", seed=i)
            r.meta.unit, r.meta.year = f"单位{i:04d}", 2025
            paths.append(write_report(r, Path(d) / f"{i:04d}.xlsx"))
        ours = best_of(read_report, paths)
        base = best_of(openpyxl_read, paths)
        single = statistics.median(
            (lambda t0: (read_report(paths[0]), time.perf_counter() - t0)[1])(time.perf_counter())
            for _ in range(50))
    print(f"workbooks: {n}")
    print(f"nianbao read_report (calamine): {ours:.3f} s total, {ours / n * 1000:.2f} ms/file")
    print(f"baseline openpyxl read-only:    {base:.3f} s total, {base / n * 1000:.2f} ms/file")
    print(f"speed-up: {base / ours:.1f}x;  one workbook, median of 50: {single * 1000:.2f} ms")


if __name__ == "__main__":
    main()
