"""Time checking one workbook in-process: read + every check, median of many runs.

    .venv/bin/python benchmarks/bench_check.py [N]

Checks the bundled sample (real narrative) and a generated consistent workbook, N times each
(default 300), with ``nianbao.checks.check(path)`` — the calamine reader plus the rule engine,
narrative rules included — and compares with the obvious baseline: loading the workbook with
openpyxl (values only) and running the same checks on what it read.  Also shows the checks
alone on an in-memory Report.  Target: ≤ 30 ms per workbook.  No assertion: figures only.
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

from nianbao import check  # noqa: E402
from nianbao.checks.run import check_report  # noqa: E402
from nianbao.reader import read_report, report_from_grids  # noqa: E402
from nianbao.xlsx_writer import write_report  # noqa: E402

TARGET_MS = 30.0
SAMPLE = Path(__file__).resolve().parent.parent / "workbook" / "samples" / "district-2021.xlsx"


def median_ms(fn, n: int) -> float:
    fn()  # warm caches (layouts, compiled rules) as a long-running add-in or batch would
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def openpyxl_check(path: Path):
    """Baseline: openpyxl reads the values, then the same report building and checks."""
    wb = openpyxl.load_workbook(path, data_only=True)
    grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    wb.close()
    return check_report(report_from_grids(grids, source=str(path)))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as d:
        r = consistent_report("2021", 1)
        r.meta.unit, r.meta.year = "测试单位", 2021
        generated = write_report(r, Path(d) / "consistent-2021.xlsx")
        books = [p for p in (SAMPLE, generated) if p.exists()]
        print(f"runs per figure: {n} (baseline: {max(10, n // 10)}); target ≤ {TARGET_MS:.0f} ms")
        for path in books:
            res = check(path)
            report = read_report(path)
            ours = median_ms(lambda: check(path), n)
            read = median_ms(lambda: read_report(path), n)
            only = median_ms(lambda: check_report(report), n)
            base = median_ms(lambda: openpyxl_check(path), max(10, n // 10))
            verdict = "within target" if ours <= TARGET_MS else "OVER TARGET"
            print(f"\n{path.name}: {res.errors} errors, {res.warnings} warnings, {res.notices} notices")
            print(f"  nianbao check(path) = read + check: {ours:7.2f} ms  ({verdict})")
            print(f"    of which read_report (calamine):   {read:7.2f} ms")
            print(f"    of which checks on the Report:     {only:7.2f} ms")
            print(f"  baseline openpyxl read + same checks: {base:7.2f} ms  ({base / ours:.1f}x slower)")


if __name__ == "__main__":
    main()
