"""Time consolidating N unit workbooks, against the naive loop and the raw-read floor, in one run.

    .venv/bin/python benchmarks/bench_merge.py [N]        # N = 1000 by default

Generates N unit workbooks (the hand-out template filled with random consistent numbers), then
times, on the same files:

(a) ``nianbao.consolidate`` — read in parallel processes, check, record history and archive,
    write the consolidated workbook; run in a fresh process (so that its peak memory is its
    own) and timed there from the call, imports excluded, like (b) and (c);
(b) the loop a user would write: openpyxl ``load_workbook`` on each file, read every number
    cell, add them up;
(c) the floor: python-calamine reading every sheet of each file into Python lists, no model,
    one process.

and the peak memory (max RSS) of (a) for N/5 and N workbooks, each in a fresh process, to show
that it does not grow with N beyond the per-unit key figures.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import consistent_report  # noqa: E402

from nianbao.parallel import parallel_map, workers  # noqa: E402
from nianbao.layout import layout_of  # noqa: E402
from nianbao.actions.new import template_for
from nianbao.merge.units import Unit  # noqa: E402
from nianbao.xlsx_writer import fill_workbook, save_workbook  # noqa: E402

YEAR = 2025


def make_unit(args: tuple[int, str]) -> None:
    i, folder = args
    unit = Unit(f"单位{i:05d}", f"C{i:05d}", f"区{i % 20:02d}")
    report = consistent_report("2021", seed=i)
    report.meta.unit, report.meta.year = unit.name, YEAR
    wb = template_for(unit, "2021", YEAR)
    fill_workbook(wb, report)
    save_workbook(wb, Path(folder) / unit.file_name)


def naive(paths: list[Path]) -> dict[str, float]:
    import openpyxl

    fields = [f for f in layout_of("2021").fields.values()
              if f.table != "meta" and f.kind != "text"]
    sums = {f.id: 0.0 for f in fields}
    for p in paths:
        wb = openpyxl.load_workbook(p, data_only=True)
        for f in fields:
            v = wb[f.sheet][f.cell].value
            sums[f.id] += v if isinstance(v, (int, float)) else 0
        wb.close()
    return sums


def floor(paths: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for p in paths:
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            cells += len(wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
    return cells


def merge_in_fresh_process(folder: Path, out: Path) -> tuple[float, int, int]:
    """(seconds, max RSS of the main process in KB, max RSS of any worker in KB)."""
    code = (
        "import json, resource, sys, time\n"
        "from nianbao import consolidate\n"
        "t = time.perf_counter()\n"
        "r = consolidate([sys.argv[1]], sys.argv[2], unit=\"某市人民政府办公室\")\n"
        "t = time.perf_counter() - t\n"
        "assert r.accepted > 0 and r.checked.errors == 0, r.to_dict()\n"
        "print(json.dumps([t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
        "                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n")
    done = subprocess.run([sys.executable, "-c", code, str(folder), str(out)],
                          capture_output=True, text=True, check=True)
    t, main_kb, child_kb = json.loads(done.stdout)
    return t, main_kb, child_kb


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    small = max(20, n // 5)
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        inbox, inbox_small = root / "inbox", root / "small"
        inbox.mkdir()
        inbox_small.mkdir()
        t0 = time.perf_counter()
        list(parallel_map(make_unit, [(i, str(inbox)) for i in range(n)]))
        for p in sorted(inbox.iterdir())[:small]:
            (inbox_small / p.name).write_bytes(p.read_bytes())
        print(f"generated {n} unit workbooks in {time.perf_counter() - t0:.0f} s "
              f"({workers()} worker processes)")
        paths = sorted(inbox.iterdir())
        floor(paths)  # warm the file cache for every contender alike

        ours = min(merge_in_fresh_process(inbox, root / f"out{k}" / "汇总.xlsx")[0]
                   for k in range(2))
        t0 = time.perf_counter()
        floor(paths)
        raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        naive(paths)
        slow = time.perf_counter() - t0

        _, small_main, small_child = merge_in_fresh_process(inbox_small, root / "s" / "汇总.xlsx")
        _, big_main, big_child = merge_in_fresh_process(inbox, root / "b" / "汇总.xlsx")

    print(f"(a) nianbao merge:            {ours:6.2f} s  {ours / n * 1000:5.2f} ms/file  "
          f"(read, check, history, archive, consolidated workbook)")
    print(f"(b) naive openpyxl loop:      {slow:6.2f} s  {slow / n * 1000:5.2f} ms/file")
    print(f"(c) calamine raw-read floor:  {raw:6.2f} s  {raw / n * 1000:5.2f} ms/file")
    print(f"merge / floor = {ours / raw:.2f}x (target ≤ 1.0x);  naive / merge = {slow / ours:.1f}x "
          f"(target ≥ 15x)")
    print(f"peak memory, main process: {small_main / 1024:.0f} MB for {small} workbooks, "
          f"{big_main / 1024:.0f} MB for {n};  largest worker: {small_child / 1024:.0f} MB / "
          f"{big_child / 1024:.0f} MB")
    print(f"cpu cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
