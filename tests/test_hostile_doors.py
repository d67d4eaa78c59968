"""Hostile inputs at the doors (issue 30): what the command line meets besides files — a closed
pipe, a file name no system takes — ends with a documented exit code and one Chinese line (or
quietly, for a pipe the user closed), never 「内部错误」."""
from __future__ import annotations

import importlib.util
import os
import re
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
    # exit 2 as documented, through the terminal's tables too (rich ends with 1 by itself, which a
    # script reads as 「the report has errors」): a pipe whose reader is gone before a byte is written
    for args in (["check", str(book), "--json"], ["check", str(book)], ["show", str(book)]):
        read, write = os.pipe()
        os.close(read)
        try:
            p = subprocess.run([NIANBAO, *args], stdout=write, stderr=subprocess.PIPE, text=True,
                               timeout=120)
        finally:
            os.close(write)
        assert p.returncode == 2 and p.stderr == "", (args, p.returncode, p.stderr)


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


# -- outputs (item 8): decided before any work, never through a link ---------------------------
def _run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([NIANBAO, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def _one_chinese_line(p: subprocess.CompletedProcess) -> None:
    said = p.stdout + p.stderr
    assert "内部错误" not in said and "Traceback" not in said
    assert len(p.stderr.strip().splitlines()) == 1 and re.search(r"[\u4e00-\u9fff]", p.stderr)


needs_addin = pytest.mark.skipif(importlib.util.find_spec("xlwings") is None
                                 or importlib.util.find_spec("olefile") is None,
                                 reason="the addin extra (xlwings, olefile) builds the add-in")


@needs_addin
def test_addin_build_never_writes_through_a_link_even_with_force(tmp_path):
    out, elsewhere = tmp_path / "加载项", tmp_path / "别处"
    out.mkdir()
    elsewhere.mkdir()
    target = elsewhere / "重要.txt"
    target.write_text("本人的文件", "utf-8")
    (out / "xlwings.bas").symlink_to(target)
    p = _run("addin", "build", "-d", str(out), "--force")
    assert p.returncode == 2 and "符号链接" in p.stderr and "xlwings.bas" in p.stderr, p.stderr
    _one_chinese_line(p)
    # decided before any work: nothing written, the link still a link, its target unchanged
    assert sorted(x.name for x in out.iterdir()) == ["xlwings.bas"]
    assert (out / "xlwings.bas").is_symlink() and target.read_text("utf-8") == "本人的文件"
    # the folder itself a link: refused too
    (tmp_path / "链接").symlink_to(elsewhere, target_is_directory=True)
    p = _run("addin", "build", "-d", str(tmp_path / "链接"), "--force")
    assert p.returncode == 2 and "符号链接" in p.stderr, p.stderr
    assert sorted(x.name for x in elsewhere.iterdir()) == ["重要.txt"]


@needs_addin
@pytest.mark.parametrize("python", ["C:\\Py\x01thon\\python.exe", "C:\\Python\\python\x7f.exe",
                                    "C:\\Python\\\x1b[2Jpython.exe"])
def test_addin_build_refuses_a_python_path_that_cannot_be_written(tmp_path, python):
    p = _run("addin", "build", "-d", str(tmp_path / "out"), "--python", python)
    assert p.returncode == 2, p.stdout + p.stderr
    _one_chinese_line(p)
    assert "\x1b" not in p.stderr  # what was typed is not echoed to the terminal
    assert not (tmp_path / "out").exists()


def test_audit_writes_into_a_missing_folder_and_under_a_name_with_a_newline(tmp_path):
    from nianbao.importing.plain import plain_text
    from nianbao.samples import sample_path
    from nianbao.reader import read_report

    report = tmp_path / "年报.txt"
    report.write_text(plain_text(read_report(sample_path())), "utf-8")
    xlsx = tmp_path / "还没有" / "的文件夹" / "审查结果.xlsx"
    html = tmp_path / "审查\n结果.html"
    p = _run("audit", str(report), "-o", str(xlsx), "--html", str(html))
    assert p.returncode == 0, p.stderr
    import openpyxl

    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "审查汇总"
    assert html.read_text("utf-8").startswith("<!DOCTYPE html>") and "</html>" in html.read_text("utf-8")
    assert "审查结果.xlsx" in p.stdout
    # an output where a folder of the path is a file: nothing written, one line
    p = _run("audit", str(report), "-o", str(report / "x.xlsx"))
    assert p.returncode == 2 and "不是目录" in p.stderr
    _one_chinese_line(p)


def test_import_never_replaces_a_link_to_standard_output(tmp_path):
    # what `import -o /dev/stdout` meets (run as root, it replaced the system's link): here a
    # link of our own to the same place, so a regression cannot break the machine
    from nianbao.importing.plain import plain_text
    from nianbao.samples import sample_path
    from nianbao.reader import read_report

    report = tmp_path / "年报.txt"
    report.write_text(plain_text(read_report(sample_path())), "utf-8")
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    for forced in ((), ("--force",)):
        p = _run("import", str(report), "-o", str(stdout), *forced)
        assert p.returncode == 2 and "符号链接" in p.stderr, p.stderr
        _one_chinese_line(p)
        assert stdout.is_symlink() and os.readlink(stdout) == "/proc/self/fd/1"
    p = _run("import", str(report), "-o", "/dev/null", "--force")  # a device: refused too
    assert p.returncode == 2 and "不是普通文件" in p.stderr


# -- names that reach a terminal (item 10) ------------------------------------------------------
def test_markup_in_folder_and_file_names_is_printed_as_typed(tmp_path):
    from nianbao.importing.plain import plain_text
    from nianbao.samples import sample_path
    from nianbao.reader import read_report

    folder = tmp_path / "[red]x[" / "[/x]"
    folder.mkdir(parents=True)
    book = folder / "[bold]年报[.xlsx"
    book.write_bytes(Path(sample_path()).read_bytes())
    text = folder / "[u]上年[.txt"
    text.write_text(plain_text(read_report(sample_path())), "utf-8")
    runs = {
        "show": _run("show", str(book)),
        "check": _run("check", str(folder)),
        "check --previous": _run("check", str(book), "--previous", str(text)),
        "audit": _run("audit", str(folder), "-o", str(folder / "[i]审查.xlsx")),
        "import": _run("import", str(text), "-o", str(folder / "[s]导入.xlsx")),
        "report": _run("report", str(book), "-o", str(folder / "[b]年报.docx"), "--force"),
        "merge": _run("merge", str(folder), "-o", str(tmp_path / "[red]汇总.xlsx"), "--year", "2021"),
        "new --from": _run("new", "--from", str(book), "-o", str(folder / "[n]下年.xlsx")),
    }
    for name, p in runs.items():
        said = p.stdout + p.stderr
        assert p.returncode in (0, 1), f"{name}: {said[-300:]}"
        assert "内部错误" not in said and "Traceback" not in said, name
        if name == "show":  # prints the report, not its path
            continue
        # every path printed is printed whole: rich never took 「[red]」 or 「[/x]」 for markup
        assert "[red]x[" in said and "[/x]" in said, f"{name}: {said[-300:]}"


@needs_addin
@pytest.mark.parametrize("target", ["fifo", "file", "/dev/null", "too-long"])
def test_addin_build_into_what_is_no_folder_is_one_chinese_line(tmp_path, target):
    where = {"fifo": tmp_path / "管道", "file": tmp_path / "文件", "/dev/null": Path("/dev/null"),
             "too-long": tmp_path / ("长" * 100)}[target]
    if target == "fifo":
        os.mkfifo(where)
    elif target == "file":
        where.write_text("本人的文件", "utf-8")
    before = sorted(tmp_path.iterdir())
    p = _run("addin", "build", "-d", str(where), "--force")
    assert p.returncode == 2, p.stdout + p.stderr
    _one_chinese_line(p)
    assert sorted(tmp_path.iterdir()) == before  # nothing made
    if target == "file":
        assert where.read_text("utf-8") == "本人的文件"


# -- English (item 12): one Chinese message per cause; the library's words only with --debug ----
def _english_cases(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    from corpus import hostile_pdfs, pack

    db = tmp_path / "汇总.db"
    db.write_bytes(b"this is no database at all " * 40)
    pdf = tmp_path / "坏.pdf"
    pdf.write_bytes(hostile_pdfs()["self-prev"])  # pdfminer: RecursionError
    docx = tmp_path / "坏.docx"
    docx.write_bytes(pack({"word/document.xml": b'<w:document xmlns:w="http://schemas.openxml'
                                                b'formats.org/wordprocessingml/2006/main"/>'}))
    return {"sqlite": (["merge", "--history", str(db)], "file is not a database"),
            "pdfminer": (["import", str(pdf)], "maximum recursion depth"),
            "docx": (["import", str(docx)], "There is no item named")}


@pytest.mark.parametrize("case", ["sqlite", "pdfminer", "docx"])
def test_library_words_only_with_debug(tmp_path, case):
    from corpus import ENGLISH

    args, words = _english_cases(tmp_path)[case]
    plain = _run(*args)
    assert plain.returncode == 2
    _one_chinese_line(plain)
    said = plain.stderr.replace(str(tmp_path), "")
    assert not ENGLISH.search(said) and "Error" not in said, said
    debug = _run("--debug", *args)
    assert debug.returncode == 2 and debug.stderr.startswith(plain.stderr.strip()[:-1])
    if words:
        assert words in debug.stderr and "调试信息" in debug.stderr, debug.stderr


def test_an_empty_file_is_called_empty_by_every_door(tmp_path):
    """A workbook of 0 bytes (a save or an e-mail cut short) is said to be empty — by check, and
    by merge whatever its name (an empty 「乙局.pdf」 too) — not 「文件内容不是 Excel 格式」."""
    import json

    from nianbao.samples import sample_path

    empty = tmp_path / "甲局.xlsx"
    empty.write_bytes(b"")
    p = _run("check", str(empty))
    assert p.returncode == 2 and "文件是空的（0 字节）" in p.stderr and "甲局.xlsx" in p.stderr
    inbox = tmp_path / "收件"
    inbox.mkdir()
    (inbox / "乙局.pdf").write_bytes(b"")
    (inbox / "丙局.xlsx").write_bytes(Path(sample_path()).read_bytes())
    p = _run("merge", str(inbox), "-o", str(tmp_path / "汇总.xlsx"), "--unit", "某市人民政府办公室",
             "--json")
    rows = {Path(r["file"]).name: r for r in json.loads(p.stdout)["units"] if r.get("file")}
    assert "文件是空的（0 字节）" in rows["乙局.pdf"]["reason"], rows["乙局.pdf"]
