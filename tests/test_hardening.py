"""Issue 19, one test per numbered item: hostile and broken inputs end in a clear Chinese message,
exit 0/1/2, nothing overwritten, bounded time and memory."""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from corpus import (MEMORY_LIMIT, TIME_LIMIT, digest, formula, num, pack, parts_of, run_all,
                    set_cell, text)
from nianbao.cli import main
from nianbao.layout import layout_of
from nianbao.reader import read_report
from nianbao.samples import sample_path

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
SAMPLE = Path(sample_path())
T3 = "三、依申请公开"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="forks, signals and rlimits")


def cli(*args) -> "click.testing.Result":  # noqa: F821
    return CliRunner().invoke(main, [str(a) for a in args])


def variant(path: Path, change) -> Path:
    path.write_bytes(pack(change(parts_of(SAMPLE.read_bytes()))))
    return path


def cell_of(fid: str) -> tuple[str, str]:
    f = layout_of("2021").fields[fid]
    return f.sheet, f.cell


def with_cell(path: Path, fid: str, make) -> Path:
    sheet, ref = cell_of(fid)
    return variant(path, lambda p: set_cell(p, sheet, ref, make(ref)))


def findings(result) -> list[dict]:
    return json.loads(result.stdout)[0]["findings"]


@pytest.fixture
def a(tmp_path) -> Path:
    p = tmp_path / "a.xlsx"
    shutil.copyfile(SAMPLE, p)
    return p


# 1 -------------------------------------------------------------------------------------------------
@posix_only
def test_1_never_writes_over_an_input(a, tmp_path):
    prev = tmp_path / "p.xlsx"
    shutil.copyfile(SAMPLE, prev)
    renamed = tmp_path / "b.docx"  # a workbook named .docx: report's default output is itself
    shutil.copyfile(SAMPLE, renamed)
    link, hard, folder = tmp_path / "link.docx", tmp_path / "hard.xlsx", tmp_path / "dir.xlsx"
    link.symlink_to(a)
    os.link(a, hard)
    folder.mkdir()
    before = digest([a, prev, renamed])
    for args, said in (
        (("report", a, "-o", a, "--force"), "输入文件"),
        (("report", renamed, "--force"), "输入文件"),
        (("report", a, "-o", link, "--force"), "输入文件"),
        (("check", a, "--previous", prev, "--mark", prev), "输入文件"),
        (("check", a, "--mark", hard), "输入文件"),
        (("check", a, "--mark", folder), "不是普通文件"),
        (("report", a, "-o", "/dev/null", "--force"), "不是普通文件"),
        (("new", "-o", "/dev/null", "--force"), "不是普通文件"),
    ):
        r = cli(*args)
        assert r.exit_code == 2 and said in r.stderr, (args, r.stderr)
    assert digest([a, prev, renamed]) == before
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and folder.is_dir()


# 2 -------------------------------------------------------------------------------------------------
@posix_only
def test_2_far_away_cells_are_a_finding_in_bounded_memory(tmp_path):
    files = {ref: variant(tmp_path / f"far-{ref}.xlsx", lambda p, r=ref: set_cell(p, T3, r, num(r, "1")))
             for ref in ("XFD1048576", "A1048576", "ZZZZ99999999")}
    runs = run_all([("check", "--json", str(p)) for p in files.values()], tmp_path / "runs")
    for ref, r in zip(files, runs):
        assert r.code == 1 and r.peak < 200 * 1024 * 1024, (ref, r.code, r.peak, r.stderr)
        found = json.loads(r.stdout)[0]["findings"]
        far = [f for f in found if f["rule"] == "read.sheet_too_large"]
        assert len(far) == 1 and far[0]["sheet"] == T3 and ref in far[0]["message"]
        # the other sheets are still read; the far sheet's rules are not run on made-up zeros
        assert not any(f["rule"].startswith("t3.") for f in found)
    report = json.loads(cli("show", "--json", files["XFD1048576"]).stdout)
    assert report["values"]["t2.rules.issued"] is not None


# 3 -------------------------------------------------------------------------------------------------
def test_3_a_damaged_compressed_stream_is_an_unreadable_file(tmp_path):
    data = SAMPLE.read_bytes()
    with zipfile.ZipFile(SAMPLE) as zf:
        infos = zf.infolist()
    for i in infos:
        start = i.header_offset + 30 + len(i.filename.encode()) + len(i.extra)
        b = bytearray(data)
        for k in range(1, 4):
            b[start + i.compress_size * k // 4] ^= 0x5A
        p = tmp_path / "坏.xlsx"
        p.write_bytes(bytes(b))
        for command in ("show", "check", "report"):
            r = cli(command, p)
            assert r.exit_code == 2, (i.filename, command, r.stderr, r.exception)
            assert "坏.xlsx" in r.stderr and "已损坏" in r.stderr and "内部错误" not in r.stderr


# 4 -------------------------------------------------------------------------------------------------
def _chart_sheet(p: dict) -> dict:
    wb = p["xl/workbook.xml"].decode().replace(
        "</sheets>", '<sheet name="图表" sheetId="99" r:id="rId99" xmlns:r="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships"/></sheets>')
    rels = p["xl/_rels/workbook.xml.rels"].decode().replace(
        "</Relationships>", '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/chartsheet" Target="/xl/chartsheets/sheet1.xml" Id="rId99"/>'
        "</Relationships>")
    return {**p, "xl/workbook.xml": wb.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
            "xl/chartsheets/sheet1.xml": b'<chartsheet xmlns="http://schemas.openxmlformats.org/'
                                         b'spreadsheetml/2006/main"><sheetViews><sheetView '
                                         b'workbookViewId="0"/></sheetViews></chartsheet>'}


def _merged(p: dict) -> dict:
    name = "xl/worksheets/sheet4.xml"
    xml = p[name].decode()
    at = xml.find("<conditionalFormatting") if "<conditionalFormatting" in xml else xml.find("<pageMargins")
    return {**p, name: (xml[:at] + '<mergeCells count="1"><mergeCell ref="D6:F8"/></mergeCells>'
                        + xml[at:]).encode()} if "<mergeCells" not in xml else \
        {**p, name: xml.replace("</mergeCells>", '<mergeCell ref="D6:F8"/></mergeCells>').encode()}


def _edited_store(path: Path, tmp: Path) -> Path:
    from nianbao import mark_workbook
    from nianbao.xlsx_marks import STORE_SHEET

    bad = with_cell(tmp / "bad.xlsx", "t3.new.natural", lambda r: num(r, "99"))
    marked = tmp / "marked.xlsx"
    mark_workbook(bad, marked)
    wb = openpyxl.load_workbook(marked)
    store = wb[STORE_SHEET]
    for r in range(2, store.max_row):
        store.cell(r, 2, "ZZZZ99999999" if r % 2 else "A1")
        store.cell(r, 3, "<<not xml")
    wb.save(path)
    return path


@pytest.mark.parametrize("case", ["merged", "hidden-2019", "chart-sheet", "no-styles",
                                  "styles-bad-index", "no-content-types", "nan", "control-chars",
                                  "edited-store"])
def test_4_marking_handles_every_workbook_reading_accepts(tmp_path, case):
    p = tmp_path / f"{case}.xlsx"
    if case == "edited-store":
        _edited_store(p, tmp_path)
    else:
        change = {
            "merged": _merged,
            "hidden-2019": lambda q: set_cell(q, "_nianbao", "B1", text("B1", "2019")),
            "chart-sheet": _chart_sheet,
            "no-styles": lambda q: {k: v for k, v in q.items() if k != "xl/styles.xml"},
            "styles-bad-index": lambda q: {**q, "xl/worksheets/sheet4.xml": re.sub(
                rb' s="\d+"', b' s="999"', q["xl/worksheets/sheet4.xml"])},
            "no-content-types": lambda q: {k: v for k, v in q.items() if k != "[Content_Types].xml"},
            "nan": lambda q: set_cell(q, *cell_of("t3.new.natural"),
                                      num(cell_of("t3.new.natural")[1], "NaN")),
            "control-chars": lambda q: set_cell(q, *cell_of("meta.unit"),
                                                text(cell_of("meta.unit")[1], "单位_x0001__x001F_")),
        }[case]
        variant(p, change)
    assert cli("show", p).exit_code == 0 and cli("check", p).exit_code in (0, 1)  # reading accepts
    before = digest([p])
    out = tmp_path / "标注.xlsx"
    r = cli("check", p, "--mark", out)
    assert r.exit_code in (0, 1), r.stderr
    assert digest([p]) == before
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "校验结果"
    assert json.loads(cli("check", "--json", out).stdout)[0]["findings"] is not None


# 5 -------------------------------------------------------------------------------------------------
@posix_only
def test_5_time_and_memory_follow_meaning_not_size(tmp_path):
    long_digits = with_cell(tmp_path / "digits.xlsx", "s1.request", lambda r: text(r, "1" * 32766))
    parts = with_cell(tmp_path / "parts.xlsx", "s1.request",
                      lambda r: text(r, "其中" + "、".join("一件" for _ in range(10_000))))
    xls = tmp_path / "legacy.xlsx"
    with xls.open("wb") as f:  # 1.5 GB with an OLE header; sparse, so it costs no disk
        f.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
        f.truncate(1536 * 1024 * 1024)
    templates = {
        "repeat": "{{ 'x' * 10**9 }}",
        "loops": "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        "empty-loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "width": "{{ '%1000000000d' % 1 }}",
        "format": "{{ '{:>1000000000}'.format(1) }}",
        "paragraph": "{% for i in range(5000) %}{{ 'x' * 1000 }}{% endfor %}",
    }
    jobs = [("check", str(long_digits)), ("check", str(parts)), ("check", str(xls))]
    for name, body in templates.items():
        d = tmp_path / name
        d.mkdir()
        (d / "preamble.j2").write_text(body, encoding="utf-8")
        jobs.append(("report", str(SAMPLE), "-o", str(tmp_path / f"{name}.docx"), "--templates", str(d)))
    runs = run_all(jobs, tmp_path / "runs")
    for r in runs:
        assert r.seconds < TIME_LIMIT and r.peak < MEMORY_LIMIT, (r.args, r.seconds, r.peak)
    assert runs[0].code in (0, 1) and runs[1].code in (0, 1)
    assert runs[2].code == 2 and "旧版 .xls" in runs[2].stderr and runs[2].peak < 200 * 1024 * 1024
    for r in runs[3:]:
        assert r.code == 2 and "叙述模板" in r.stderr and ("过大" in r.stderr or "超过" in r.stderr), r.stderr
        assert not Path(r.args[3]).exists()


# 6 -------------------------------------------------------------------------------------------------
def test_6_numbers_and_names_at_their_limits(tmp_path):
    cases = {
        "t3.new.natural": lambda r: text(r, "9" * 4400),
        "s6.fee_amount": lambda r: text(r, "1" * 32767),
        "t4.review.total": lambda r: num(r, "1e300"),
    }
    for fid, make in cases.items():
        p = with_cell(tmp_path / "n.xlsx", fid, make)
        r = cli("check", "--json", p)
        assert r.exit_code == 1, r.stderr
        out = [f for f in findings(r) if f["rule"] == "read.out_of_range"]
        assert len(out) == 1 and out[0]["field"] == fid and len(out[0]["message"]) < 200
        assert read_report(p).values[fid] != float("inf")
    long_unit = "某" * 300
    p = with_cell(tmp_path / "unit.xlsx", "meta.unit", lambda r: text(r, long_unit))
    out = tmp_path / "r.docx"
    r = cli("report", p, "-o", out, "--force")
    assert r.exit_code == 0, r.stderr
    import docx

    props = docx.Document(str(out)).core_properties
    assert len(props.title) <= 255 and props.title.startswith("某某")
    assert long_unit in "".join(par.text for par in docx.Document(str(out)).paragraphs)


# 7 -------------------------------------------------------------------------------------------------
def test_7_unwritable_outputs(a, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    for args in (("report", a, "-o", blocker / "x.docx", "--force"),
                 ("check", a, "--mark", blocker / "x.xlsx"),
                 ("new", "-o", blocker / "x.xlsx")):
        r = cli(*args)
        assert r.exit_code == 2 and "无法写入" in r.stderr and "内部错误" not in r.stderr, r.stderr
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        r = cli("report", a, "-o", ro / "x.docx", "--force")
        assert r.exit_code == 2 and "无法写入" in r.stderr
        assert list(ro.iterdir()) == []


@posix_only
def test_7_a_full_disk_leaves_no_temporary_file(a, tmp_path):
    out = tmp_path / "out"
    out.mkdir()

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    for args in (("report", str(a), "-o", str(out / "r.docx"), "--force"),
                 ("check", str(a), "--mark", str(out / "m.xlsx"))):
        p = subprocess.run([NIANBAO, *args], capture_output=True, text=True, timeout=120,
                           preexec_fn=small_disk)
        assert p.returncode == 2 and "无法写入" in p.stderr and "文件超出允许的大小" in p.stderr, p.stderr
    assert list(out.iterdir()) == []


@posix_only
def test_7_an_interrupted_pdf_leaves_nothing_behind(a, tmp_path):
    fake = tmp_path / "soffice"  # a LibreOffice that never finishes
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    tmp, out = tmp_path / "tmp", tmp_path / "out"
    tmp.mkdir()
    out.mkdir()
    env = {**os.environ, "NIANBAO_SOFFICE": str(fake), "TMPDIR": str(tmp)}
    proc = subprocess.Popen([NIANBAO, "report", str(a), "-o", str(out / "r.docx"), "--pdf",
                             "--force"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while not list(tmp.glob("nianbao-pdf-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp.glob("nianbao-pdf-*")), "the conversion never started"
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "已取消" in err
    assert list(tmp.iterdir()) == []
    assert [p.name for p in out.iterdir()] == ["r.docx"]  # written before the PDF was started
    ps = subprocess.run(["pgrep", "-f", str(fake)], capture_output=True, text=True)
    assert ps.stdout.strip() == ""  # LibreOffice was ended with the run


# 8 -------------------------------------------------------------------------------------------------
def test_8_the_entity_screen_reads_every_part_to_its_end(tmp_path):
    dtd = b'<!DOCTYPE x [<!ENTITY a "b">]>'
    sheet = "xl/worksheets/sheet4.xml"
    cases = {
        "after-whitespace": lambda p: {**p, sheet: b'<?xml version="1.0"?>' + b" " * 5000 + dtd
                                       + re.sub(rb"^<\?xml[^>]*\?>", b"", p[sheet])},
        "not-xml-name": lambda p: {**p, "xl/custom.bin": dtd + b"<x>&a;</x>"},
        "utf-16": lambda p: {**p, "xl/extra.xml": ('<?xml version="1.0" encoding="UTF-16"?>'
                                                   + dtd.decode() + "<x/>").encode("utf-16")},
    }
    for name, change in cases.items():
        p = variant(tmp_path / f"{name}.xlsx", change)
        for command in ("show", "check"):
            r = cli(command, p)
            assert r.exit_code == 2 and "不安全" in r.stderr and p.name in r.stderr, (name, r.stderr)


def test_2_9_the_fast_sheet_scan_agrees_with_expat(tmp_path, monkeypatch):
    from nianbao import safety

    sheet, ref = cell_of("t3.new.natural")
    cases = [SAMPLE,
             with_cell(tmp_path / "f.xlsx", "t3.new.natural", lambda r: formula(r, "A1&\"<\"", None)),
             with_cell(tmp_path / "v.xlsx", "t3.new.natural", lambda r: formula(r, "1+1", "2")),
             variant(tmp_path / "far.xlsx", lambda p: set_cell(p, T3, "T5000", num("T5000", "1"))),
             variant(tmp_path / "norefs.xlsx", lambda p: {**p, "xl/worksheets/sheet4.xml": re.sub(
                 rb'<c r="[A-Z]+\d+"', b"<c", p["xl/worksheets/sheet4.xml"])})]

    def scans(path):
        found = safety.inspect_xlsx(path, {s.name for s in layout_of("2021").sheets}).sheets
        return {k: (v.rows, v.cols, v.absurd, {c: v.formula(c)[:safety.FORMULA_SHOWN] for c in v.uncomputed})
                for k, v in found.items()}

    fast = [scans(p) for p in cases]
    monkeypatch.setattr(safety, "_FAST_LIMIT", -1)  # expat only
    assert fast == [scans(p) for p in cases]
    assert fast[1][sheet][3][ref] == 'A1&"<"' and ref not in fast[2][sheet][3]
    assert fast[3][T3][:2] == (5000, 20)


# 9 -------------------------------------------------------------------------------------------------
def test_9_a_formula_without_a_computed_value_is_an_error(tmp_path):
    p = with_cell(tmp_path / "f.xlsx", "t3.new.natural", lambda r: formula(r, "1+1"))
    r = cli("check", "--json", p)
    assert r.exit_code == 1
    on_cell = [f for f in findings(r) if f["field"] == "t3.new.natural"]
    (f,) = [f for f in on_cell if f["rule"] == "read.formula"]
    assert f["severity"] == "error" and not any("blank" in g["rule"] for g in on_cell)
    assert "=1+1" in f["message"] and "保存" in f["message"] and "按 0 计" not in f["message"]
    # openpyxl writes a formula with an empty <v>: the same
    wb = openpyxl.load_workbook(SAMPLE)
    wb[T3][cell_of("t3.new.natural")[1]] = "=2*3"
    q = tmp_path / "openpyxl.xlsx"
    wb.save(q)
    assert any(f["rule"] == "read.formula" for f in findings(cli("check", "--json", q)))
    # a formula Excel computed is read as its value
    done = with_cell(tmp_path / "done.xlsx", "t3.new.natural", lambda r: formula(r, "1+1", "2"))
    shown = json.loads(cli("show", "--json", done).stdout)
    assert shown["values"]["t3.new.natural"] == 2
    assert not any(f["rule"] == "read.formula" for f in findings(cli("check", "--json", done)))


# 10 ------------------------------------------------------------------------------------------------
@posix_only
def test_10_paths_and_consoles(tmp_path):
    odd = tmp_path / "[v2]" / "a[" / "x].xlsx"
    odd.parent.mkdir(parents=True)
    shutil.copyfile(SAMPLE, odd)
    p = subprocess.run([NIANBAO, "check", str(odd)], capture_output=True, text=True, timeout=60)
    assert p.returncode in (0, 1), p.stderr
    assert f"{odd}：" in p.stdout  # the summary line names the path as typed
    raw = os.fsencode(tmp_path) + b"/n\xff\xfe.xlsx"  # not UTF-8
    shutil.copyfile(SAMPLE, raw)
    p = subprocess.run([NIANBAO.encode(), b"check", raw], capture_output=True, timeout=60)
    assert p.returncode in (0, 1) and raw in p.stdout, p.stderr.decode("utf-8", "replace")
    unit = "政务办😀[red]x[/red]:smile:"
    q = tmp_path / "u.xlsx"
    assert cli("new", "-o", q, "--unit", unit, "--year", "2024").exit_code == 0
    for encoding in ("gbk", "ascii", "utf-8"):
        env = {**os.environ, "PYTHONIOENCODING": encoding}
        for args in (("show", str(q)), ("check", str(q))):
            p = subprocess.run([NIANBAO, *args], capture_output=True, timeout=60, env=env)
            assert p.returncode in (0, 1) and b"Traceback" not in p.stderr, (encoding, p.stderr)
            if encoding == "utf-8" and args[0] == "show":
                assert unit in p.stdout.decode("utf-8")


# 11 ------------------------------------------------------------------------------------------------
def test_11_messages_are_chinese_only(a, tmp_path):
    bad = tmp_path / "坏.xlsx"
    for content in (b"PK\x03\x04broken", b"PK\x05\x06" + b"\x00" * 18, b""):
        bad.write_bytes(content)
        r = cli("check", bad)
        message = r.stderr.replace(str(bad), "")
        # product names stand alone (Excel); library English comes as phrases
        assert r.exit_code == 2 and not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", message), r.stderr
    (tmp_path / "d.xlsx").mkdir()
    for args, said in ((("new", "--year", "abc", "-o", tmp_path / "n.xlsx"), "--year"),
                       (("new", "--format", "2030", "-o", tmp_path / "n.xlsx"), "2019、2021"),
                       (("new", "-o", tmp_path / "d.xlsx"), "目录"),
                       (("report", a, "-o", tmp_path / "d.xlsx"), "目录"),
                       (("check",), "缺少"),
                       (("check", a, "--bogus"), "--bogus"),
                       (("nosuch",), "命令")):
        r = cli(*args)
        assert r.exit_code == 2 and said in r.stderr and "命令用法有误" in r.stderr, (args, r.stderr)
        assert "Usage" not in r.stderr and "Error" not in r.stderr


# 12 ------------------------------------------------------------------------------------------------
def test_12_check_without_mark_imports_no_heavy_library():
    code = ("import sys\nfrom nianbao.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "heavy = {'openpyxl', 'numpy', 'pandas', 'docx', 'jinja2', 'lxml', 'sqlite3',\n"
            "         'pdfplumber', 'pdfminer', 'uvicorn', 'starlette', 'xlwings'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}), file=sys.stderr)\n"
            # nor the parts of nianbao and rich a check does not use (issue 31: cold start)
            "unused = ('nianbao.importing.', 'nianbao.merge', 'nianbao.serve', 'nianbao.audit',\n"
            "          'nianbao.document', 'nianbao.marks', 'nianbao.painting', 'nianbao.actions.merge',\n"
            "          'nianbao.cli.merge', 'nianbao.cli.serve', 'nianbao.cli.import_', 'rich.progress',\n"
            "          'nianbao.cli.helptext',\n"
            "          'rich.pretty', 'rich.syntax', 'rich.traceback', 'tempfile', 'importlib.resources')\n"
            "print(sorted(m for m in sys.modules if m.startswith(unused)), file=sys.stderr)\n")
    p = subprocess.run([sys.executable, "-c", code, "check", str(SAMPLE)], capture_output=True,
                       text=True, timeout=60)
    assert p.stderr.strip().splitlines()[-2:] == ["[]", "[]"], p.stderr


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc")
def test_a_file_the_system_cannot_read_is_unreadable(tmp_path):
    # /proc/self/mem is a regular file whose first bytes cannot be read (EIO), even by root
    r = cli("check", "--json", "/proc/self/mem")
    assert r.exit_code == 2
    (f,) = json.loads(r.stdout)[0]["findings"]
    assert f["rule"] == "file.unreadable" and "读写设备出错" in f["message"]


def test_new_codes_are_registered_with_messages():
    from nianbao.codes import registry

    for code in ("file.unreadable", "read.sheet_too_large", "read.formula", "read.out_of_range"):
        assert code in registry() and registry()[code].template


@given(st.lists(st.sampled_from([b"<", b"!", b"\x00", b"x", b"<!", b"\x00<\x00!", b"<\x00!\x00",
                                 b"!" * 70, b"!" * 3000]), max_size=40))
def test_the_quick_marker_scan_finds_what_the_plain_scans_find(pieces):
    """The screen looks for 「<!」 by finding each rare 「!」 (nianbao.safety._may_hold_marker);
    it must agree with searching for the 「<!」 of every encoding, a part full of 「!」 too."""
    from nianbao.safety import _MARKER_STARTS, _may_hold_marker

    window = b"".join(pieces)
    assert _may_hold_marker(window) == any(s in window for s in _MARKER_STARTS)
