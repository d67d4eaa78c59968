"""Time the web door: ``POST /api/check`` on the filled sample against the in-process check of the
same bytes, in one run; then 200 uploads to one round at 8-way concurrency.

    .venv/bin/python benchmarks/bench_serve.py [N]

A real ``nianbao serve`` (uvicorn, one worker) is started on a free port of 127.0.0.1 with a
fresh data folder, and stopped at the end.

1. ``/api/check``: median over N requests (default 200, one at a time, keep-alive) of the whole
   round trip — multipart encoding, HTTP, parsing, the check, the plan, JSON — against the median
   of ``nianbao.check_many([Upload(name, bytes)])`` here.  Goal: server time ≤ 2× in-process
   (HTTP and multipart add at most 1×).
2. 200 unit workbooks (distinct units of one round) sent to their upload links, 8 at a time:
   median and p95 latency, throughput, and the server's peak memory (VmHWM) after 50, 100 and 200
   uploads — flat when uploads are not kept in memory.
No assertion: figures only.
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import httpx  # noqa: E402
from serve_helpers import TOKEN, YEAR, Server, unit_list, unit_workbook  # noqa: E402

import nianbao  # noqa: E402
from nianbao.merge.units import Unit  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "workbook" / "samples" / "district-2021.xlsx"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def peak_mb(server: Server) -> float:
    """Peak resident memory of the server's processes (VmHWM; uvicorn runs the app in its
    own process when asked for workers, else in this child)."""
    best = 0
    pids = [server.proc.pid]
    try:
        for child in Path(f"/proc/{server.proc.pid}/task").iterdir():
            kids = (child / "children").read_text().split()
            pids += [int(k) for k in kids]
    except OSError:
        pass
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    best = max(best, int(line.split()[1]))
        except OSError:
            continue
    return best / 1024


def main(n: int = 200) -> None:
    data = SAMPLE.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "data").start()
        try:
            with httpx.Client(timeout=60) as client:
                # 1. one request at a time, against the same work in-process
                upload = nianbao.actions.Upload(SAMPLE.name, data)
                # the server's own answer built in-process (check, plan, painting steps, JSON):
                # like for like, whatever /api/check comes to carry
                from nianbao.serve.work import check_result

                json.dumps(check_result(next(nianbao.check_many([upload]))))  # warm
                local = []
                for _ in range(n):
                    t0 = time.perf_counter()
                    found = next(nianbao.check_many([upload]))
                    json.dumps(check_result(found), ensure_ascii=False)
                    local.append(time.perf_counter() - t0)
                files = {"file": (SAMPLE.name, data)}
                client.post(server.url + "/api/check", files=files)  # warm
                remote = []
                for _ in range(n):
                    t0 = time.perf_counter()
                    r = client.post(server.url + "/api/check", files=files)
                    remote.append(time.perf_counter() - t0)
                    assert r.status_code == 200
                lm, rm = median_ms(local), median_ms(remote)
                print(f"/api/check, filled sample ({len(data) // 1024} KB), median of {n}:")
                print(f"  in-process check + plan + painting + JSON  {lm:7.1f} ms")
                print(f"  HTTP round trip                 {rm:7.1f} ms   ratio {rm / lm:.2f}× "
                      f"(goal ≤ 2×; HTTP and multipart add {rm - lm:.1f} ms)")

                # 2. a round of 200 units, 8 uploads at a time
                names = [f"单位{i:03d}" for i in range(200)]
                made = client.post(server.url + "/api/rounds", headers=AUTH,
                                   data={"year": str(YEAR)},
                                   files={"units": ("名单.csv", unit_list(names))}).json()
                t0 = time.perf_counter()
                books = [unit_workbook(Unit(u["name"], u["code"], "甲区"), i)
                         for i, u in enumerate(made["units"])]
                made_s = time.perf_counter() - t0
                latencies: list[float] = []
                peaks = []

                def send(i: int) -> None:
                    u = made["units"][i]
                    t = time.perf_counter()
                    r = httpx.post(u["upload_url"], files={"file": ("年报.xlsx", books[i])},
                                   headers={"accept": "application/json"}, timeout=120)
                    latencies.append(time.perf_counter() - t)
                    assert r.status_code == 200 and r.json()["accepted"], r.text

                start = time.perf_counter()
                with ThreadPoolExecutor(8) as pool:
                    for lo, hi in ((0, 50), (50, 100), (100, 200)):
                        list(pool.map(send, range(lo, hi)))
                        peaks.append((hi, peak_mb(server)))
                wall = time.perf_counter() - start
                lat = sorted(latencies)
                p95 = lat[int(0.95 * (len(lat) - 1))] * 1000
                print(f"200 uploads to one round, 8 at a time ({made_s:.1f} s to make them):")
                print(f"  median {median_ms(lat):.0f} ms, p95 {p95:.0f} ms, "
                      f"{len(lat) / wall:.1f} uploads/s ({wall:.1f} s)")
                print("  server peak memory: " + ", ".join(f"{mb:.0f} MB after {k}"
                                                          for k, mb in peaks))
                board = client.get(f"{server.url}/api/rounds/{made['id']}", headers=AUTH).json()
                print(f"  board: {board['accepted']} merged, {len(board['missing'])} missing")
        finally:
            server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
