"""Time importing + auditing published reports: the three real samples repeated to N files.

    .venv/bin/python benchmarks/bench_import.py [N]

Copies ``tests/data/samples/*.txt`` to N files (default 1000) and times, in the same run:

* ``nianbao.audit.audit(files)`` — import every report (declared labels, the digit splitter),
  check it (every rule and narrative check), the cross-year series and the indicators; with one
  worker process per core (``nianbao audit -j N``), and with one process (the default);
* the import alone (``import_report``) in one process;
* the obvious baseline: a regular expression per declared row label over the text with the
  whitespace removed (no tolerance for noise, no rules) — it misreads the samples, but it is
  what one would write first;
* the raw-read floor: reading and decoding the N files.

Target: ≤ 5 s for 1,000 files.  No assertion: figures only.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from nianbao.actions.auditing import audit
from nianbao.formats import get_format
from nianbao.importing import import_report
from nianbao.importing.text import decode

TARGET_S = 5.0
SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "samples"


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def naive_import(path: Path) -> dict[str, list[str]]:
    """Baseline: each declared row label, then the digits after it."""
    text = "".join(decode(path.read_bytes()).split())
    out = {}
    for table in get_format("2021").tables:
        for block in table.blocks:
            for row in block.rows:
                if row.labels:
                    m = re.search(re.escape(row.labels[-1]) + r"([\d.]+)", text)
                    out[f"{table.key}.{row.key}"] = [m.group(1)] if m else []
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    samples = sorted(SAMPLES.glob("*.txt"))
    with tempfile.TemporaryDirectory() as d:
        files = []
        for i in range(n):
            src = samples[i % len(samples)]
            files.append(Path(shutil.copy(src, Path(d) / f"{i:04d}-{src.name}")))
        audit(files[:3], jobs=1)  # warm the caches a long batch has warm anyway
        floor = timed(lambda: [decode(p.read_bytes()) for p in files])
        naive = timed(lambda: [naive_import(p) for p in files])
        imports = timed(lambda: [import_report(p) for p in files])
        one = timed(lambda: audit(files, jobs=1))
        result = None

        def run():
            nonlocal result
            result = audit(files, jobs=os.cpu_count() or 1)
        many = timed(run)
    errors = sum(1 for r in result.rows if r.findings.errors)
    cores = os.cpu_count() or 1
    verdict = "within target" if min(one, many) <= TARGET_S else "OVER TARGET"
    print(f"{n} published reports (3 real samples repeated); target ≤ {TARGET_S:.0f} s; {cores} cores")
    print(f"  nianbao audit (import + check + indicators), {cores} processes: {many:6.2f} s  ({verdict})")
    print(f"  nianbao audit, 1 process:                               {one:6.2f} s")
    print(f"    of which import alone (1 process):                    {imports:6.2f} s  "
          f"({imports / n * 1000:.1f} ms a report)")
    print(f"  baseline: one regex per declared row label:             {naive:6.2f} s  (misreads the samples)")
    print(f"  floor: read and decode the files:                       {floor:6.2f} s")
    print(f"  reports with errors: {errors} of {n} (the 2021 report printed in 2019 blocks)")


if __name__ == "__main__":
    main()
