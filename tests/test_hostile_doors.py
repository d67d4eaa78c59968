"""Hostile inputs at the doors (issue 30): what the command line meets besides files — a closed
pipe, a file name no system takes — ends with a documented exit code and one Chinese line (or
quietly, for a pipe the user closed), never 「内部错误」."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes and file names")


def test_a_closed_pipe_ends_quietly(tmp_path):
    book = tmp_path / "a.xlsx"
    subprocess.run([NIANBAO, "new", "-o", str(book), "--year", "2024"], check=True,
                   capture_output=True)
    # enough JSON to fill the pipe: the reader is gone before the writer is done
    p = subprocess.run(f"'{NIANBAO}' check {' '.join([str(book)] * 40)} --json | true",
                       shell=True, capture_output=True, text=True, timeout=120,
                       executable="/bin/bash")
    assert "内部错误" not in p.stderr and "Traceback" not in p.stderr and p.stderr == ""


@pytest.mark.parametrize("command", ["check", "show", "import", "new -o", "merge", "audit"])
def test_a_file_name_too_long_for_the_system_is_one_chinese_line(command, tmp_path):
    suffix = ".txt" if command == "import" else ".xlsx"
    name = str(tmp_path / ("长" * 100 + suffix))  # 300 bytes: over any file system's 255
    args = [NIANBAO, *command.split(), name]
    if command == "merge":
        args += ["-o", str(tmp_path / "汇总.xlsx")]
    p = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert p.returncode in (1, 2) if command == "merge" else p.returncode == 2, p.stderr
    said = p.stdout + p.stderr
    assert "内部错误" not in said and "Traceback" not in said
    assert "文件名过长" in said, said
