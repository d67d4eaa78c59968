"""A real ``nianbao serve`` (uvicorn in a child process on 127.0.0.1): 30 units uploading to one
round at once, kill -9 in the middle of uploads and a restart, a body over the limit.  Bounded:
each test sends a fixed number of requests with timeouts and stops its server."""
from __future__ import annotations

import hashlib
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest
from serve_helpers import TOKEN, YEAR, Server, unit_list, unit_workbook

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")

from nianbao.merge.units import Unit  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}
N = 30


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "data").start()
    yield s
    s.stop()


def _round(server: Server, n: int) -> tuple[dict, list[bytes]]:
    names = [f"单位{i:02d}" for i in range(n)]
    r = httpx.post(server.url + "/api/rounds", headers=AUTH, data={"year": str(YEAR)},
                   files={"units": ("名单.csv", unit_list(names))}, timeout=30)
    assert r.status_code == 201, r.text
    made = r.json()
    books = [unit_workbook(Unit(u["name"], u["code"], "甲区"), i, errors=i % 5 == 0)
             for i, u in enumerate(made["units"])]
    return made, books


def _send(url: str, data: bytes) -> httpx.Response:
    return httpx.post(url, files={"file": ("年报.xlsx", data)},
                      headers={"accept": "application/json"}, timeout=60)


def _archive(data: Path) -> list[Path]:
    return sorted((data / "nianbao-存档").iterdir())


def test_thirty_units_upload_to_one_round_at_once(server):
    made, books = _round(server, N)
    with ThreadPoolExecutor(N) as pool:
        answers = list(pool.map(_send, [u["upload_url"] for u in made["units"]], books))
    assert [a.status_code for a in answers] == [200] * N
    assert all(a.json()["accepted"] for a in answers)
    archive = _archive(server.data)
    assert len(archive) == N  # every file archived exactly once, no temporary file left
    for p in archive:
        assert hashlib.sha256(p.read_bytes()).hexdigest() == p.stem
    assert {p.stem for p in archive} == {hashlib.sha256(b).hexdigest() for b in books}
    board = httpx.get(f"{server.url}/api/rounds/{made['id']}", headers=AUTH, timeout=30).json()
    statuses = sorted(r["status"] for r in board["units"])
    assert statuses == sorted(["invalid"] * 6 + ["merged"] * 24)
    assert not board["missing"] and len({r["unit"] for r in board["units"]}) == N
    con = sqlite3.connect(server.data / "nianbao.db")
    assert con.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == N
    # the same file sent again by its unit is a second submission of one archived file
    again = _send(made["units"][1]["upload_url"], books[1])
    assert again.status_code == 200 and len(_archive(server.data)) == N


def test_kill_9_during_uploads_then_restart(tmp_path):
    server = Server(tmp_path / "data").start()
    try:
        made, books = _round(server, N)
        answered: list[str] = []
        failed = 0

        def send(i: int) -> None:
            nonlocal failed
            try:
                r = _send(made["units"][i]["upload_url"], books[i])
            except httpx.HTTPError:
                failed += 1
                return
            if r.status_code == 200:
                answered.append(r.json()["sha256"])

        with ThreadPoolExecutor(6) as pool:
            futures = [pool.submit(send, i) for i in range(N)]
            deadline = time.monotonic() + 60
            while len(answered) < 8 and time.monotonic() < deadline:
                time.sleep(0.01)
            server.kill()
            for f in futures:
                f.result(timeout=90)
        assert 8 <= len(answered) < N, (len(answered), failed)
    finally:
        server.kill()

    restarted = Server(tmp_path / "data").start()
    try:
        con = sqlite3.connect(restarted.data / "nianbao.db")
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        recorded = {s for (s,) in con.execute("SELECT sha256 FROM submissions")}
        assert set(answered) <= recorded  # every answered submission is still there
        files = {s for (s,) in con.execute("SELECT sha256 FROM files")}
        assert recorded <= files
        for p in _archive(restarted.data):  # no partial file: every copy is whole, by its hash
            assert not p.name.startswith(".")
            assert hashlib.sha256(p.read_bytes()).hexdigest() == p.stem
        assert recorded <= {p.stem for p in _archive(restarted.data)}
        board = httpx.get(f"{restarted.url}/api/rounds/{made['id']}", headers=AUTH,
                          timeout=30).json()
        heard = {r["unit"] for r in board["units"] if r["status"] != "missing"}
        assert len(heard) == len(recorded)
        # and the round goes on: a unit that was cut off sends again
        later = next(i for i, b in enumerate(books)
                     if hashlib.sha256(b).hexdigest() not in recorded)
        path = urlparse(made["units"][later]["upload_url"]).path  # the new server's port
        assert _send(restarted.url + path, books[later]).status_code == 200
    finally:
        restarted.stop()


def test_a_body_over_the_limit_is_refused_by_the_real_server(tmp_path):
    server = Server(tmp_path / "data", extra=("--max-upload", "1")).start()
    try:
        big = b"0" * (3 * 1024 * 1024)
        r = httpx.post(server.url + "/api/check", files={"file": ("big.xlsx", big)}, timeout=30)
        assert r.status_code == 413 and "1 MB" in r.json()["message"]
        assert httpx.get(server.url + "/", timeout=10).status_code == 200
    finally:
        server.stop()


def test_the_first_start_makes_a_token_shows_it_once_and_keeps_only_its_hash(tmp_path):
    """Without NIANBAO_TOKEN the first start makes a random coordinator token and prints it;
    the database holds its digest, never the token; a second start prints none, and the token
    of the first still opens the coordinator's API (a wrong one does not)."""
    import re

    first = Server(tmp_path / "data", token=None).start()
    try:
        said = first.log.read_text(encoding="utf-8", errors="replace")
        (token,) = re.findall(r"只显示这一次.*\n\s+(\S+)", said)
        assert len(token) >= 32
        ok = httpx.get(first.url + "/api/rounds", headers={"Authorization": f"Bearer {token}"},
                       timeout=30)
        bad = httpx.get(first.url + "/api/rounds", headers={"Authorization": "Bearer nope"},
                        timeout=30)
        assert ok.status_code == 200 and bad.status_code in (401, 403)
    finally:
        first.stop()
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert token.encode() not in stored
    second = Server(tmp_path / "data", token=None, port=first.port).start()
    try:
        again = second.log.read_text(encoding="utf-8", errors="replace")[len(said):]
        assert "只显示这一次" not in again and token not in again
        ok = httpx.get(second.url + "/api/rounds", headers={"Authorization": f"Bearer {token}"},
                       timeout=30)
        assert ok.status_code == 200
    finally:
        second.stop()
