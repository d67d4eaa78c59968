"""Each of nianbao's four speed ratios against its floor, measured side by side in one run.

    .venv/bin/python benchmarks/bench_floors.py [--merge N] [--runs K]

- ``read_report`` + ``check`` of the filled sample, in-process — against python-calamine
  reading every sheet ``to_python()``; goal ≤ 2×
- ``nianbao merge`` of N unit workbooks (default 1,000), worker processes — against the raw
  single-process calamine read of the same files; goal ≤ 1.5×
- one Word report (``render_report``) — against python-docx opening and saving the report's
  own template; goal ≤ 3×
- ``nianbao check FILE`` from a cold process, CPU — against ``python -c pass``; goal ≤ 5×

In-process figures are medians of K runs (default 200) after a warm-up; the merge is the best of
two runs in a fresh process (imports excluded, as for the floor); cold start is the median CPU
time (user + system) of 15 runs of each command.  Figures only — no assertion: the goals are
read off the table, and the machine (cores, load) is printed with it, since a loaded machine
moves every figure.  Python writes its bytecode caches on the first cold run, so the cold start
is measured with them, as a user's second run has them (``PYTHONDONTWRITEBYTECODE`` is cleared
for the children, which would otherwise recompile every module each time).
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

SAMPLE = HERE.parent / "workbook" / "samples" / "district-2021.xlsx"


def median_s(fn, n: int) -> float:
    fn()  # warm: imports, compiled rules, the layout cache — as a batch or the server runs
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def raw_read(path: Path) -> int:
    """The floor of any workbook reader: calamine parsing every sheet into Python lists."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return sum(len(wb.get_sheet_by_name(s).to_python())
               for s in wb.sheet_names)


def read_and_check(runs: int) -> tuple[float, float]:
    from nianbao.checks.run import check_report
    from nianbao.reader import read_report

    ours = median_s(lambda: check_report(read_report(SAMPLE)), runs)
    return ours, median_s(lambda: raw_read(SAMPLE), runs)


def report(runs: int) -> tuple[float, float]:
    from bench_report import floor
    from helpers import consistent_report

    from nianbao.document import render_report

    r = consistent_report("2021", seed=1)
    r.meta.unit = "某市某区人民政府办公室"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "年报.docx"
        ours = median_s(lambda: render_report(r, out), max(10, runs // 5))
        least = median_s(lambda: floor(Path(tmp) / "floor.docx"), max(10, runs // 5))
    return ours, least


def merge(n: int) -> tuple[float, float]:
    from bench_merge import make_unit, merge_in_fresh_process

    from nianbao.parallel import parallel_map

    with tempfile.TemporaryDirectory() as d:
        inbox = Path(d) / "inbox"
        inbox.mkdir()
        list(parallel_map(make_unit, [(i, str(inbox)) for i in range(n)]))
        paths = sorted(inbox.iterdir())
        for p in paths:  # the file cache warm for both
            raw_read(p)
        ours = min(merge_in_fresh_process(inbox, Path(d) / f"out{k}" / "汇总.xlsx")[0]
                   for k in range(2))
        t0 = time.perf_counter()
        for p in paths:
            raw_read(p)
        return ours, time.perf_counter() - t0


def cpu_of(command: list[str], n: int = 15) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    times = []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def cold_start() -> tuple[float, float]:
    check = [sys.executable, "-c", "from nianbao.cli import main; main()", "check", str(SAMPLE)]
    return cpu_of(check), cpu_of([sys.executable, "-c", "pass"])


def main() -> None:
    args = sys.argv[1:]
    n_merge = int(args[args.index("--merge") + 1]) if "--merge" in args else 1000
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 200
    rows = [
        ("read_report + check, sample (in-process)", "raw calamine read", 2.0,
         read_and_check(runs)),
        ("render_report, one Word report", "python-docx open + save template", 3.0,
         report(runs)),
        ("nianbao check FILE, cold process (CPU)", "python -c pass", 5.0, cold_start()),
        (f"nianbao merge, {n_merge} workbooks ({os.cpu_count()} cores)",
         "raw single-process read", 1.5, merge(n_merge)),
    ]
    print(f"cores: {os.cpu_count()}, load average: "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + f", python {sys.version.split()[0]}")
    print(f"{'figure':<46} {'nianbao':>10} {'floor':>10} {'ratio':>7} {'goal':>6}")
    for name, against, goal, (ours, least) in rows:
        unit, scale = ("ms", 1000) if ours < 1 else ("s", 1)
        print(f"{name:<46} {ours * scale:8.2f}{unit:>2} {least * scale:8.2f}{unit:>2} "
              f"{ours / least:6.2f}× {'≤' + format(goal, 'g') + '×':>6} "
              f"{'met' if ours <= goal * least else 'NOT met'}   (floor: {against})")


if __name__ == "__main__":
    main()
