"""Server mode's VBA — the parser and the painter of NianbaoRun, as the build writes them — run
in LibreOffice Basic (VBA compatibility mode) on real workbooks of both formats, and compared
with the core: what it parses is what :func:`nianbao.addin_marks.load_job` reads, and what it
paints is what ``nianbao check --mark`` marks.

What LibreOffice cannot show: Excel itself.  The HTTP post (MSXML2/WinHttp), ADODB file access,
SaveCopyAs, MsgBox and a protected sheet's Allow* permissions are Windows/Excel-only and not run
here; the multipart body they send is built by the VBA tested below.
"""
from __future__ import annotations

import email
import email.policy
import re
import shutil

import openpyxl
import pytest

from lo_basic import codes, decoded, macro_workbook, run_driver, text_of
from test_addin_marks import HOSTILE, hostile_workbook, job_for_workbook

from nianbao.addin import ovba
from nianbao.addin_marks import PaintJob, ResultLine, dump_job, load_job
from nianbao import check, mark_workbook
from nianbao.layout import INFO_SHEET, META_SHEET, MARK_RECORD_COL, layout_of
from nianbao.marks import RESULT_COLUMNS
from nianbao.messages import MESSAGES
from nianbao.palette import template_fill

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("soffice") is None,
                                 reason="LibreOffice (soffice) not installed")]
pytest.importorskip("xlwings")  # the build reads xlwings' stock project for the references

RESULTS = "校验结果"


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    return tmp_path_factory.mktemp("libreoffice") / "profile"


def records_of(job: PaintJob) -> list[list]:
    """The job as the VBA parser returns it: one list per line, kind first, numbers as floats."""
    def num(v):
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    out = [["alert", job.alert_title, job.alert_text, "1" if job.critical else "0"],
           ["result", job.result_sheet, job.result_title, job.result_summary],
           ["header", *job.headers]]
    out += [["row", r.severity, r.fill, r.link_sheet or "", r.link_cell or "", *map(num, r.values)]
            for r in job.rows]
    if job.widths:
        out.append(["columns", float(job.wrap), *map(float, job.widths)])
    out += [["fill", s, float(r1), float(c1), float(r2), float(c2), colour or ""]
            for s, r1, c1, r2, c2, colour in job.fills]
    if job.status:
        out.append(["status", *job.status])
    out += [["cell", s, float(r), float(c), num(v)] for s, r, c, v in job.cells]
    return out


def hostile_job() -> PaintJob:
    """Every field holds a text a clerk could have typed, or worse."""
    rows = tuple(ResultLine("error", "FFC7CE", text or None, "B2" if text else None,
                            (i + 1, "错误", text, text, text, 1.5, text, "read.invalid"))
                 for i, text in enumerate(HOSTILE))
    return PaintJob("标题\t\"引号\"", "\n".join(HOSTILE), True, "校验结果", HOSTILE[0], HOSTILE[6],
                    tuple(HOSTILE[:8]), rows, (("三、依申请公开", 8, 4, 8, 4, None),),
                    ("基本信息", "C19", "✔ 通过（{time} 校验）"), (("_nianbao", 1, 4, HOSTILE[9]),),
                    (6, 8, 24), 2)


# -- parsing ------------------------------------------------------------------------------------------
def test_the_vba_reads_exactly_what_the_core_writes(profile, tmp_path):
    workbook = hostile_workbook(tmp_path, "2021")
    jobs = [job_for_workbook(workbook), job_for_workbook(hostile_workbook(tmp_path, "2019")),
            hostile_job()]
    good = dump_job(jobs[2])
    lines = good.splitlines(keepends=True)
    bad = {
        "cut short": good[:-1],
        "no end": "".join(lines[:-1]),
        "end counts wrong": "".join(lines[:2] + lines[3:]),
        "version 1": good.replace("nianbao-plan\t2", "nianbao-plan\t1"),
        "non-ASCII": good.replace("alert\t", "alert\t中", 1),
        "bad escape": good.replace("\\u", "\\x", 1),
        "bad value": good.replace("\tn:1.5", "\tn:1,5", 1),
        "field missing": good.replace("\ts:read.invalid\n", "\n", 1),
    }
    assert all(text != good for text in bad.values())
    tasks = []
    for i, text in enumerate([dump_job(j) for j in jobs] + list(bad.values())):
        path = tmp_path / f"plan{i}.txt"
        path.write_text(text, encoding="utf-8")  # the non-ASCII case: UTF-8 bytes
        tasks.append(("parse", str(path)))
    results = run_driver(profile, macro_workbook(workbook, tmp_path / "t.xlsm"), tasks,
                         tmp_path / "out.xlsx")
    for job, (status, fields) in zip(jobs, results):
        assert status == "OK", text_of(fields[-1]) if fields else status
        assert decoded(fields[0]) == records_of(job)
    # a reply the server never writes is refused whole, with the reason
    template = MESSAGES["addin.vba.bad_reply"].split("{detail}")[0]
    for reason, (status, fields) in zip(bad, results[len(jobs):]):
        assert status == "ERROR", reason
        assert text_of(fields[1]).startswith(template), (reason, text_of(fields[1]))


def test_the_vbas_utf8_multipart_names_and_literals(profile, tmp_path):
    (tmp_path / "年报.docx").write_bytes(b"x")
    (tmp_path / "年报-2.docx").write_bytes(b"x")
    names = ["收到的年报 (2).xlsx", "a\"b.xlsx", "😀𠀀.xlsx"]
    texts = ["ASCII", "中文，全角", "é ß ÿ", "😀 𠀀", "\ud800 lone"]
    tasks = ([("utf8", codes(t)) for t in texts] + [("multipart", codes(n)) for n in names]
             + [("freename", f"{tmp_path}|{codes('年报')}")]
             + [("literal", codes(t)) for t in ("=1+2", "", "'x")])
    workbook = hostile_workbook(tmp_path, "2021")
    results = run_driver(profile, macro_workbook(workbook, tmp_path / "t.xlsm"), tasks,
                         tmp_path / "out.xlsx")
    assert all(status == "OK" for status, _ in results), results
    for text, (_, fields) in zip(texts, results):
        assert bytes(map(int, fields[0].split())) == text.encode("utf-8", "surrogatepass")
    for name, (_, fields) in zip(names, results[len(texts):]):
        body = bytes(map(int, fields[0].split()))
        message = email.message_from_bytes(
            b"Content-Type: multipart/form-data; boundary=b0undary\r\n\r\n" + body,
            policy=email.policy.HTTP)
        (part,) = message.iter_parts()
        assert part.get_param("name", header="content-disposition") == "file"
        assert part.get_filename() == name.replace('"', "%22")
        assert part.get_payload(decode=True) == bytes([0, 80, 75, 255])
    free = results[len(texts) + len(names)][1][0]
    assert text_of(free) == str(tmp_path / "年报-3.docx")
    literals = [text_of(f[0]) if f else "" for _, f in results[-3:]]
    assert literals == ["'=1+2", "", "''x"]


# -- painting -----------------------------------------------------------------------------------------
def fills(path, sheets=None) -> dict[tuple[str, str], str | None]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        for row in ws.iter_rows():
            for c in row:
                fill = c.fill.fgColor.rgb if c.fill.fill_type == "solid" else None
                out[(ws.title, c.coordinate)] = fill[-6:].upper() if isinstance(fill, str) else None
    return out


def result_rows(path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[RESULTS]
    n = len(RESULT_COLUMNS)
    return [tuple(c.value for c in row[:n]) for row in ws.iter_rows(min_row=4)
            if any(c.value is not None for c in row[:n])]


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_the_vba_paints_what_check_mark_marks(profile, tmp_path, format_id):
    source = hostile_workbook(tmp_path, format_id)
    job = job_for_workbook(source, file_name=source.name)
    plan = tmp_path / "plan.txt"
    plan.write_text(dump_job(job), encoding="ascii")
    painted = tmp_path / "painted.xlsx"
    (status, fields), = run_driver(profile, macro_workbook(source, tmp_path / "t.xlsm"),
                                   [("paint", str(plan))], painted)
    assert status == "OK", text_of(fields[-1])
    marked = mark_workbook(source, tmp_path / "marked.xlsx") and tmp_path / "marked.xlsx"

    declared = {s.name for s in layout_of(format_id).sheets}
    before, after, by_mark = fills(source, declared), fills(painted, declared), fills(marked, declared)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    marked_cells = {k: v for k, v in by_mark.items() if before.get(k) != v}
    assert changed and changed == marked_cells  # the same cells in the same colours

    # the same rows as check --mark's 校验结果, from the header row on; hostile texts stay text
    # (LibreOffice stores a CR LF typed into a cell as LF; the parse test shows the VBA had both)
    def lf(rows):
        return [tuple(v.replace("\r\n", "\n") if isinstance(v, str) else v for v in row) for row in rows]

    assert result_rows(painted) == lf(result_rows(marked))
    texts = [v for row in result_rows(painted) for v in row if isinstance(v, str)]
    assert '=HYPERLINK("http://x","点")' in texts and "+1+2" in texts and "'=1" in texts
    wb = openpyxl.load_workbook(painted)
    results = wb[RESULTS]
    assert results["A1"].value == f"校验结果：{source.name}"
    assert results["A2"].value == job.result_summary
    for i, row in enumerate(job.rows):
        link = results.cell(5 + i, 3).hyperlink
        if row.link_sheet:
            assert link is not None and link.location == f"'{row.link_sheet}'!{row.link_cell}"
        assert results.cell(5 + i, 2).fill.fgColor.rgb[-6:] == row.fill
        assert results.cell(5 + i, 5).alignment.wrap_text  # 说明 wraps, as check --mark's
    # the column widths of check --mark's 校验结果
    # (LibreOffice saves a width with its cell padding, ~0.7 character, and groups equal columns)
    def width(ws, col):
        return next(d.width for d in ws.column_dimensions.values() if d.min <= col <= d.max)

    marked_results = openpyxl.load_workbook(marked)[RESULTS]
    for col in range(1, 9):
        assert width(results, col) == pytest.approx(width(marked_results, col), abs=0.75), col

    # the result on 基本信息, with the clerk's time; the record in the hidden sheet
    status_cell = wb[INFO_SHEET][layout_of(format_id).status.run_cell].value
    assert re.fullmatch(r"✘ \d+ 处错误、\d+ 处警告（\d{4}-\d\d-\d\d \d\d:\d\d 校验）", status_cell)
    record = [wb[META_SHEET].cell(r, MARK_RECORD_COL).value for _, r, _, _ in job.cells]
    assert record == [v for *_, v in job.cells]

    # no value the clerk typed was touched (LibreOffice's own load and save turn CR LF into LF);
    # the sheets are protected again
    # and its formulas, the template's own, keep their meaning: it quotes a sheet name only where
    # it must ('_nianbao_calc'! → _nianbao_calc!) and writes a function it does not know, our
    # NB_ add-in functions, in small letters
    def norm(v):
        if isinstance(v, str) and v.startswith("="):
            v = re.sub(r"'([^'!\s]+)'!", r"\1!", v).lower()
        return v.replace("\r\n", "\n") if isinstance(v, str) else v

    src = openpyxl.load_workbook(source)
    for ws in src.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if (ws.title, c.coordinate) == (INFO_SHEET, layout_of(format_id).status.run_cell):
                    continue
                if ws.title == META_SHEET and c.column == MARK_RECORD_COL:
                    continue
                assert norm(wb[ws.title][c.coordinate].value) == norm(c.value), \
                    (ws.title, c.coordinate)
        assert wb[ws.title].protection.sheet == ws.protection.sheet, ws.title


def test_a_second_run_undoes_the_first(profile, tmp_path):
    """The clerk corrects the figure after the first 校验: the second run's job (the server reads
    the record the first one left) gives those cells their template fill back."""
    source = hostile_workbook(tmp_path, "2021")
    first = tmp_path / "first.txt"
    first.write_text(dump_job(job_for_workbook(source)), encoding="ascii")
    painted = tmp_path / "painted.xlsx"
    assert run_driver(profile, macro_workbook(source, tmp_path / "t1.xlsm"), [("paint", str(first))],
                      painted)[0][0] == "OK"
    lay = layout_of("2021")
    natural = lay.fields["t3.granted.natural"]
    wb = openpyxl.load_workbook(painted)
    wb[natural.sheet][natural.cell] = wb[natural.sheet][natural.cell].value - 1  # corrected
    fixed = tmp_path / "fixed.xlsx"
    wb.save(fixed)
    job = job_for_workbook(fixed)
    assert not any(row.values[7] in ("t3.row", "t3.total") for row in job.rows)
    second = tmp_path / "second.txt"
    second.write_text(dump_job(job), encoding="ascii")
    again = tmp_path / "again.xlsx"
    assert run_driver(profile, macro_workbook(fixed, tmp_path / "t2.xlsm"), [("paint", str(second))],
                      again)[0][0] == "OK"
    after = fills(again, {natural.sheet})
    for cell in ("D8", "J8", "D29"):  # marked by the first run, fine now
        from nianbao.layout import parse_cell

        assert after[(natural.sheet, cell)] == template_fill("2021", natural.sheet, *parse_cell(cell)), cell
    assert result_rows(again)[1:] == [tuple(r.values) for r in job.rows]
    assert check(again).errors == check(fixed).errors  # painting changed no value


def test_the_built_add_ins_buttons_compile_and_catch_their_errors_in_libreoffice(profile, tmp_path):
    """The modules nianbao writes into the add-in, taken from the built file, in one project
    with the driver (xlwings' module and Dictionary class are left out: LibreOffice cannot
    compile them, see lo_basic.macro_workbook).  Without xlwings' module RunPython and GetConfig
    do not exist: a ribbon procedure called there must end in its own handler (its message box;
    headless, it returns at once), not escape to the caller — what Excel shows as the debugger.
    A ribbon module that did not compile would answer «not defined»; NianbaoFunctions cannot be
    told apart this way in LibreOffice (its Application.Caller fails first), and is checked by
    the build tests' reading only."""
    import zipfile

    from nianbao.addin.build import build_addin

    addin, *_ = build_addin(tmp_path / "addin", python="")
    with zipfile.ZipFile(addin) as z:
        project = z.read("xl/vbaProject.bin")
    assert {m.name for m in ovba.read_project(project).modules} >= {
        "Nianbao", "NianbaoFunctions", "NianbaoRun", "NianbaoText"}
    workbook = hostile_workbook(tmp_path, "2021")
    # LibreOffice would compute the 将生成的文字 sheet's =NB_NARRATIVE(…) with the add-in's own
    # wrapper on opening, and its Application.Caller does not exist there: that sheet is Excel's
    wb = openpyxl.load_workbook(workbook)
    del wb[MESSAGES["wb.preview.title"]]
    wb.save(workbook)
    plan = tmp_path / "plan.txt"
    job = job_for_workbook(workbook)
    plan.write_text(dump_job(job), encoding="ascii")
    results = run_driver(profile, macro_workbook(workbook, tmp_path / "t.xlsm", project),
                         [("text", "open_workbook"), ("text", "button.report"),
                          ("button", "consolidate"), ("button", "validate"), ("parse", str(plan))],
                         tmp_path / "out.xlsx")
    assert [status for status, _ in results] == ["OK"] * 5, [
        (status, text_of(fields[-1]) if status == "ERROR" else "") for status, fields in results]
    assert text_of(results[0][1][0]) == MESSAGES["addin.vba.open_workbook"]
    assert text_of(results[1][1][0]) == "生成报告"
    assert decoded(results[4][1][0]) == records_of(job)


# -- the command lines of the rewritten xlwings module ------------------------------------------------
def test_the_command_lines_the_vba_builds(profile, tmp_path):
    """RunPython's and the UDF server's command lines, built in LibreOffice Basic by the procedures
    of the rewritten xlwings module as the build writes them, are exactly what cmd.exe must get;
    and the Python part of RunPython's, run here in a folder holding a hostile ``xlwings.py`` and
    ``nianbao/``, imports the installed packages."""
    import subprocess
    import sys

    from nianbao.addin.build import VBA_DIR

    safe = re.search(r'^Private Const SAFE_PATH As String = "(.*)"$',
                     (VBA_DIR / "xlwings_patch.bas").read_text(), re.M).group(1)
    python_code = "import nianbao.addin.entry as e, xlwings; print(e.__file__); print(xlwings.__file__)"
    book, app, log = "收到的年报 & 1.xlsx", r"C:\Office\EXCEL.EXE", r"C:\Temp\xlwings-1.log"
    tail = f' --wb="{book}" --from_xl=1 --app="{app}" --hwnd="123" 2> "{log}" '
    runs = {
        r"C:\Py 3\python.exe":
            rf'cmd.exe /C cd /d "C:\Py 3" && "C:\Py 3\python.exe" -B -c "{safe}{python_code}"{tail}',
        "python": rf'cmd.exe /C cd /d "C:\WINDOWS" && python -B -c "{safe}{python_code}"{tail}',
        r"\\srv\py\python.exe":
            rf'cmd.exe /C pushd "\\srv\py" && "\\srv\py\python.exe" -B -c "{safe}{python_code}"{tail}',
    }
    serve = "import xlwings; xlwings.serve('$(CLSID)')"
    udfs = {  # xlwings' own shape: cmd.exe /K ""python.exe" -B -c "…"" (cmd strips the outer quotes)
        (r"C:\Py 3\pythonw.exe", ""):
            rf'cmd.exe  /K "cd /d "C:\Py 3" && "C:\Py 3\pythonw.exe" -B -c "{safe}{serve}""',
        (r"\\srv\py\pythonw.exe", ""):
            rf'cmd.exe  /K "pushd "\\srv\py" && "\\srv\py\pythonw.exe" -B -c "{safe}{serve}""',
        ("pythonw", "/showconsole"):
            rf'cmd.exe /showconsole /K "cd /d "C:\WINDOWS" && "pythonw" -B -c "{safe}{serve}""',
    }
    tasks = [("runcmd", codes("|".join([python_code, python, r"C:\WINDOWS", book, app, "123", log])))
             for python in runs]
    tasks.append(("runcmd", codes("|".join([python_code, "python", r"C:\WINDOWS", 'a"b.xlsx', app, "1",
                                            log]))))
    tasks += [("udfcmd", codes("|".join([python, switch, r"C:\WINDOWS"]))) for python, switch in udfs]
    workbook = hostile_workbook(tmp_path, "2021")
    results = run_driver(profile, macro_workbook(workbook, tmp_path / "t.xlsm"), tasks, tmp_path / "out.xlsx")
    got = [text_of(fields[0]) if status == "OK" else ("ERROR", text_of(fields[1]))
           for status, fields in results]
    assert got[:3] == list(runs.values())
    # never on a command line
    assert got[3] == ("ERROR", MESSAGES["addin.vba.bad_name"].format(file='a"b.xlsx'))
    assert got[4:] == list(udfs.values())

    # the Python part, as cmd.exe hands it over (it holds no double quote), run in a hostile folder
    payload = re.search(r' -B -c "([^"]*)"', got[0]).group(1)
    assert payload == safe + python_code
    (tmp_path / "cwd").mkdir()
    (tmp_path / "cwd" / "xlwings.py").write_text("raise SystemExit('hostile xlwings imported')\n")
    (tmp_path / "cwd" / "nianbao").mkdir()
    (tmp_path / "cwd" / "nianbao" / "__init__.py").write_text("raise SystemExit('hostile nianbao')\n")
    done = subprocess.run([sys.executable, "-B", "-c", payload], cwd=tmp_path / "cwd",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert all("cwd" not in line for line in done.stdout.splitlines()) and len(done.stdout.splitlines()) == 2


# -- server mode against a running nianbao serve --------------------------------------------------
@pytest.mark.parametrize("purpose", ["check", "report"])
def test_server_mode_round_trips_against_a_running_server(profile, tmp_path, purpose):
    """The add-in's server mode end to end but for Windows' HTTP component: the workbook posted
    as the VBA posts it (multipart ``file`` with its own name) to a real ``nianbao serve``, the
    reply painted by the add-in's VBA in LibreOffice Basic — the same cells, colours and rows as
    ``check --mark``; 生成报告 with errors is a 409 whose body paints the errors too."""
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("uvicorn")
    from serve_helpers import Server

    source = hostile_workbook(tmp_path, "2021")
    server = Server(tmp_path / "data").start()
    try:
        path = "/api/check?format=vba" if purpose == "check" else "/api/report?format=vba"
        r = httpx.post(server.url + path, files={"file": (source.name, source.read_bytes())},
                       timeout=120)
    finally:
        server.stop()
    assert r.status_code == (200 if purpose == "check" else 409), r.text
    assert r.headers["content-type"].startswith("text/plain") and r.content.isascii()
    job = load_job(r.text)
    assert job == job_for_workbook(source, file_name=source.name, purpose=purpose)
    plan = tmp_path / "plan.txt"
    plan.write_text(r.text, encoding="ascii")
    painted = tmp_path / "painted.xlsx"
    (status, fields), = run_driver(profile, macro_workbook(source, tmp_path / "t.xlsm"),
                                   [("paint", str(plan))], painted)
    assert status == "OK", text_of(fields[-1])
    marked = tmp_path / "marked.xlsx"
    mark_workbook(source, marked)
    declared = {s.name for s in layout_of("2021").sheets}
    before = fills(source, declared)
    changed = {k: v for k, v in fills(painted, declared).items() if before.get(k) != v}
    assert changed and changed == {k: v for k, v in fills(marked, declared).items()
                                   if before.get(k) != v}
