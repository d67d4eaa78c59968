"""Shared by the server's tests: unit workbooks as a round hands them out, a unit list, and a real
``nianbao serve`` in a child process on a free port of 127.0.0.1 (stopped by the fixture)."""
from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from helpers import consistent_report

from nianbao.actions.new import template_for
from nianbao.merge.units import Unit
from nianbao.xlsx_writer import fill_workbook, save_workbook

YEAR = 2025
TOKEN = "coordinator-secret-for-tests-0123456789"
# the pages are tested in Debian's Chromium, launched by its path (no browser is downloaded)
CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(tmp_path_factory, **options):
    """A fresh Chromium profile (``--user-data-dir``) driven by Playwright, in Chinese, for a
    module's tests; ``options`` go to ``launch_persistent_context`` (viewport, downloads)."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS, locale="zh-CN",
            **options)
        context.set_default_timeout(20_000)
        yield context
        context.close()


def screenshot_folder(tmp_path_factory) -> Path:
    """Where pages are photographed: ``NIANBAO_SCREENSHOTS`` to keep them and look, else a
    temporary folder."""
    own = os.environ.get("NIANBAO_SCREENSHOTS")
    folder = Path(own) if own else tmp_path_factory.mktemp("shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def unit_workbook(unit: Unit, seed: int, *, errors: bool = False, year: int = YEAR,
                  format_id: str = "2021") -> bytes:
    """The workbook ``unit`` was handed out, filled with consistent figures (a wrong row total
    when ``errors``)."""
    import tempfile

    report = consistent_report(format_id, seed=seed)
    report.meta.unit, report.meta.year = unit.name, year
    if errors:
        report["t3.new.total"] = (report.number("t3.new.total") or 0) + 1
    wb = template_for(unit, format_id, year)
    fill_workbook(wb, report)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "u.xlsx"
        save_workbook(wb, path)
        return path.read_bytes()


def unit_list(names: list[str]) -> bytes:
    rows = ["单位名称,单位代码,上级单位,联系人"]
    rows += [f"{n},C{i:03d},甲区,联系人{i} 1380000{i:04d}" for i, n in enumerate(names)]
    return ("\n".join(rows) + "\n").encode("utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``nianbao serve`` in a child process (its own process group, so kill -9 ends it all)."""

    def __init__(self, data: Path, *, port: int | None = None, workers: int = 1,
                 extra: tuple[str, ...] = (), token: str | None = TOKEN) -> None:
        self.data, self.port, self.workers, self.extra = data, port or free_port(), workers, extra
        self.token = token  # None: no NIANBAO_TOKEN, the server makes its own on first start
        self.proc: subprocess.Popen | None = None
        self.log = data.parent / f"serve-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> "Server":
        env = {k: v for k, v in os.environ.items() if k != "NIANBAO_TOKEN"}
        if self.token is not None:
            env["NIANBAO_TOKEN"] = self.token
        cmd = [str(Path(sys.executable).parent / "nianbao"), "serve", "--data", str(self.data),
               "--port", str(self.port), "--workers", str(self.workers), *self.extra]
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log.open("ab"),
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        import httpx

        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace"))
            try:
                if httpx.get(self.url + "/", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start: " + self.log.read_text(errors="replace"))

    def kill(self) -> None:
        """kill -9 of the whole process group."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def multipart_file(name: str, data: bytes) -> dict:
    return {"file": (name, io.BytesIO(data), "application/octet-stream")}
