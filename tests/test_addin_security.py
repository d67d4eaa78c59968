"""The add-in made safe and sure to work, read back from the built file (olevba, olefile) and
through the Python entry point: a received workbook chooses no interpreter, settings, paths or
code; the xlwings helpers are not worksheet functions; the project's name is its own; every
button has its error handler; the prebuilt add-in is the one the sources build; installing it
records this Python in the user's own settings file.

Nothing here runs in Excel (there is none on Linux).  What is run for real: the Python prelude
the VBA puts before every command (in a folder holding a hostile ``xlwings.py`` and
``nianbao/``), the entry point on a hostile workbook through xlwings' remote engine, and the
install into temporary folders.
"""
from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

olefile = pytest.importorskip("olefile")
olevba = pytest.importorskip("oletools.olevba")
pytest.importorskip("xlwings")

from helpers import consistent_report  # noqa: E402

from nianbao.addin import ovba  # noqa: E402
from nianbao.addin.buttons_spec import BUTTONS  # noqa: E402
from nianbao.messages import MESSAGES  # noqa: E402
from nianbao.xlsx_writer import write_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PRIVATE = ("xlwings", "NianbaoRun", "NianbaoText")  # helpers: Option Private Module
PUBLIC = ("Nianbao", "NianbaoFunctions")  # ribbon callbacks and NB_ functions only
# the libraries every VBA project sees by name, besides its references
BUILTIN_LIBRARIES = {"vba", "excel", "office", "stdole", "msforms"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from nianbao.addin.build import build_addin

    out = tmp_path_factory.mktemp("addin")
    addin, *_ = build_addin(out, python="")
    return addin


@pytest.fixture(scope="module")
def modules(built):
    parser = olevba.VBA_Parser(str(built))
    try:
        return {Path(f).stem: code.replace("\r\n", "\n")
                for _, _, f, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.fixture(scope="module")
def dir_records(built):
    with zipfile.ZipFile(built) as z, olefile.OleFileIO(z.read("xl/vbaProject.bin")) as ole:
        records = list(ovba._records(ovba.decompress(ole.openstream("VBA/dir").read())))
        project = ole.openstream("PROJECT").read().decode("cp1252")
    return records, project


def code_of(source: str) -> str:
    """The source without comments (a ' outside a string starts one) and without Attribute lines."""
    out = []
    for line in source.split("\n"):
        if line.startswith("Attribute "):
            continue
        in_string, cut = False, len(line)
        for i, ch in enumerate(line):
            if ch == '"':
                in_string = not in_string
            elif ch == "'" and not in_string:
                cut = i
                break
        out.append(line[:cut])
    return "\n".join(out)


def procedures(source: str) -> dict[str, str]:
    """{name: text} of every Sub/Function/Property (comments removed)."""
    code = code_of(source)
    found = {}
    for m in re.finditer(r"^((?:Public |Private |Friend )?(?:Static )?"
                         r"(?:Function|Sub|Property (?:Get|Let|Set)) (\w+)"
                         r".*?^End (?:Function|Sub|Property))", code, re.M | re.S):
        found[m.group(2)] = m.group(1)
    return found


def declarations(source: str) -> str:
    """The module's declarations section: everything before its first procedure."""
    code = code_of(source)
    first = re.search(r"^(?:Public |Private |Friend )?(?:Static )?(?:Function|Sub|Property) \w+", code, re.M)
    return code[:first.start()] if first else code


# -- 1. a received workbook chooses nothing -------------------------------------------------------
def test_settings_come_from_the_add_in_and_the_users_own_file_only(modules):
    source = modules["xlwings"]
    get_config = procedures(source)["GetConfig"]
    assert "ThisWorkbook" in get_config and "GetConfigFilePath()" in get_config
    assert "ActiveWorkbook" not in get_config and "Directory" not in get_config
    # the settings file beside the active workbook: gone with the procedure that named it
    code = code_of(source)
    assert "GetDirectoryConfigFilePath" not in code
    # the only settings file read is the user's own
    assert procedures(source)["GetConfigFilePath"].count('Environ("USERPROFILE")') == 1
    # every other procedure reads settings through GetConfig, never a workbook's sheet
    for name, text in procedures(source).items():
        if "GetConfigFromSheet(" in text and name not in ("GetConfig", "GetConfigFromSheet"):
            pytest.fail(f"{name} reads a settings sheet")


def test_no_code_is_taken_from_a_workbook(modules):
    code = code_of(modules["xlwings"])
    # xlwings PRO's embedded code: *.py sheets dumped and put on sys.path
    for gone in ('".py"', "runpython_embedded_code", "LICENSE_KEY", "xlwings.pro",
                 "VBProject", "ImportPythonUDFs", "RunFrozenPython", "ADD_WORKBOOK_TO_PYTHONPATH",
                 "prepare_sys_path", "ActiveWorkbook.FullName"):
        assert gone not in code, gone
    # the NB_ wrappers hand xlwings' UDF server no workbook to scan for *.py sheets
    assert "ActiveWorkbook" not in code_of(modules["NianbaoFunctions"])
    assert "Nothing, Application.Caller)" in modules["NianbaoFunctions"]


def test_python_starts_in_a_fixed_folder_without_the_current_one_on_its_path(modules):
    run = procedures(modules["xlwings"])
    execute, line, udf = run["ExecuteWindows"], run["RunPythonCommandLine"], run["UdfCommandLine"]
    # the commands come from procedures of their own (run in LibreOffice by test_addin_vba):
    # cmd.exe first changes to a folder no received file chooses, then runs python
    assert ('WScript.Run(RunPythonCommandLine(PythonCommand, PYTHON_WIN, Environ("SystemRoot"), Target.Name'
            in execute)
    assert "UdfCommandLine(" in run["XLPyCommand"]
    # both start in the folder one procedure decides (StartIn), never Excel's current one
    start = run["StartIn"]
    assert "StartIn(PYTHON_WIN, SystemRoot) & PythonInterpreter" in line
    assert "StartIn(PYTHON_WIN, SystemRoot)" in udf
    assert start.count('StartIn = "cd /d "') == 1 and 'StartIn = "pushd "' in start
    assert "Folder = SystemRoot" in start and "Folder = ParentFolder(PYTHON_WIN)" in start
    assert "SAFE_PATH & PythonCommand" in line
    assert 'SAFE_PATH & "import xlwings; xlwings.serve' in udf
    # with no workbook open the add-in itself is the caller (汇总, 导入上年)
    assert "If Target Is Nothing Then Set Target = ThisWorkbook" in execute


def safe_path(modules) -> str:
    found = re.search(r'^Private Const SAFE_PATH As String = "(.*)"$', modules["xlwings"], re.M)
    return found.group(1).replace('""', '"')


def test_the_python_prelude_keeps_the_current_folder_off_sys_path(modules, tmp_path):
    """What the VBA runs, run here in a folder a received workbook could have filled."""
    (tmp_path / "xlwings.py").write_text("raise SystemExit('hostile xlwings imported')\n")
    (tmp_path / "nianbao").mkdir()
    (tmp_path / "nianbao" / "__init__.py").write_text("raise SystemExit('hostile nianbao imported')\n")
    command = ("import xlwings, nianbao.addin.entry; print(xlwings.__file__); "
               "print(nianbao.addin.entry.__file__)")
    done = subprocess.run([sys.executable, "-B", "-c", safe_path(modules) + command],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for line in done.stdout.splitlines():
        assert not Path(line).resolve().is_relative_to(tmp_path.resolve()), line
    # the same command without the prelude imports the hostile module: the test can fail
    bare = subprocess.run([sys.executable, "-B", "-c", command], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert "hostile" in bare.stderr


def hostile_workbook(tmp_path: Path) -> Path:
    """A real nianbao workbook carrying everything xlwings would take for settings or code: a
    (hidden) nianbao.conf sheet, a nianbao.py sheet, an xlwings.conf sheet, and a nianbao.conf
    file beside it."""
    path = write_report(consistent_report("2021", 3), tmp_path / "收到的年报.xlsx")
    wb = openpyxl.load_workbook(path)
    conf = wb.create_sheet("nianbao.conf")
    conf.sheet_state = "hidden"
    for row in (("INTERPRETER_WIN", r"\\evil\share\python.exe"), ("PYTHONPATH", r"\\evil\share"),
                ("ADD_WORKBOOK_TO_PYTHONPATH", "true"), ("LICENSE_KEY", "noncommercial")):
        conf.append(row)
    code = wb.create_sheet("nianbao.py")
    code["A1"] = f"open(r'{tmp_path / 'pwned'}', 'w').write('x')"
    wb.create_sheet("xlwings.conf").append(("LICENSE_KEY", "noncommercial"))
    wb.save(path)
    (tmp_path / "nianbao.conf").write_text('"INTERPRETER_WIN","\\\\evil\\share\\python.exe"\n')
    return path


def test_the_entry_point_refuses_a_workbook_carrying_code_or_settings_sheets(tmp_path, monkeypatch):
    from xlwings_payload import payload, remote_xlwings

    xw = remote_xlwings(monkeypatch)
    from nianbao.addin import buttons_spec, entry

    called = []
    monkeypatch.setattr(buttons_spec.Button, "resolve", lambda self: (lambda book: called.append(self.id)))
    book = xw.Book(json=payload(hostile_workbook(tmp_path)))
    book.set_mock_caller()
    try:
        entry.run("validate")
    finally:
        del xw.Book._mock_caller
    assert called == []  # the button's function never ran
    alerts = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1
    assert "nianbao.conf" in alerts[0] and "nianbao.py" in alerts[0] and "xlwings.conf" in alerts[0]
    assert "不处理" in alerts[0]
    assert not (tmp_path / "pwned").exists()


def test_foreign_sheet_names_are_found_in_any_case():
    from nianbao.addin.entry import foreign_sheets

    assert foreign_sheets(["基本信息", "NIANBAO.CONF", "a.Py ", "说明.pyc", "x.config"]) == \
        ["NIANBAO.CONF", "a.Py "]


# -- 2. the helpers are not worksheet functions ---------------------------------------------------
def test_every_helper_is_private_to_the_add_in(modules):
    for name in PRIVATE:
        assert re.search(r"^Option Private Module$", declarations(modules[name]), re.M), name
    for name in PUBLIC:
        assert "Option Private Module" not in modules[name]
        for proc, text in procedures(modules[name]).items():
            header = text.split("\n", 1)[0]
            if header.startswith("Private "):
                continue
            if " Function " in f" {header}":  # callable from a cell: only the NB_ functions
                assert proc.startswith("NB_") and name == "NianbaoFunctions", header
            else:  # a Sub taking the ribbon control: no macro, no worksheet function
                assert header == f"Public Sub {proc}(control As IRibbonControl)", header
    # the document and class modules hold no code of ours
    for name in ("ThisWorkbook", "Sheet2"):
        assert not procedures(modules[name])


# -- 3. the project's name is its own -------------------------------------------------------------
def test_the_project_name_is_no_module_procedure_or_reference(built, modules, dir_records):
    records, project_stream = dir_records
    name = next(data for rid, data in records if rid == 0x0004).decode("cp1252")
    assert name == "NianbaoAddin"
    assert f'Name="{name}"' in project_stream
    taken = {data.decode("cp1252").lower() for rid, data in records if rid in (0x0016, 0x0019)}
    taken |= BUILTIN_LIBRARIES
    for source in modules.values():
        code = code_of(source)
        taken |= {m.lower() for m in re.findall(
            r"^\s*(?:Public |Private |Friend )?(?:Static )?(?:Declare (?:PtrSafe )?)?"
            r"(?:Function|Sub|Property (?:Get|Let|Set)) (\w+)", code, re.M)}
        taken |= {m.lower() for m in re.findall(r"^\s*(?:Public |Private )?Const (\w+)", code, re.M)}
    assert {"nianbao", "xlwings", "msforms", "office", "nb_validate", "nbtext"} <= taken
    assert name.lower() not in taken
    # the ribbon's callbacks name module and procedure, never the project
    with zipfile.ZipFile(built) as z:
        actions = re.findall(r'onAction="([^"]+)"', z.read("customUI/customUI.xml").decode())
    assert actions and all(a.split(".")[0] == "Nianbao" for a in actions)


# -- 4. every button works or says why ------------------------------------------------------------
def test_every_ribbon_procedure_has_its_error_handler(modules):
    procs = procedures(modules["Nianbao"])
    assert set(procs) == {b.procedure for b in BUTTONS}
    for b in BUTTONS:
        body = [line.strip() for line in procs[b.procedure].split("\n")[1:-1] if line.strip()]
        assert body[0] == "On Error GoTo failed", b.id  # before anything can fail
        at = body.index("failed:")
        assert body[at - 1] == "Exit Sub"
        assert body[at + 1] == f'NbFailed "{b.id}", Err.Number, Err.Description'
        uses_workbook = [i for i, line in enumerate(body) if "ActiveWorkbook" in line]
        if b.needs_workbook:
            assert body[1] == "If ActiveWorkbook Is Nothing Then" and body[2] == "NbNeedWorkbook"
        else:  # 汇总 and 导入上年 work without a workbook
            assert not uses_workbook, b.id
        assert (f'NbServerRun ActiveWorkbook, "{b.server}"' in procs[b.procedure]) == bool(b.server)
    assert {b.id for b in BUTTONS if b.needs_workbook} == {"validate", "review", "report"}
    assert {b.id for b in BUTTONS if not b.needs_workbook} == {"consolidate", "last_year"}


def vba_texts(source: str) -> dict[str, str]:
    """NbText's cases, the ChrW expressions evaluated back to text."""
    out, key = {}, None
    for line in source.split("\n"):
        case = re.match(r'\s*Case (?:"([^"]+)"|Else)$', line)
        if case:
            key = case.group(1)
            if key:
                out[key] = ""
            continue
        assign = re.match(r"\s*s = (?:s & )?(.*)$", line)
        if assign and key:
            pieces = re.findall(r'"(?:[^"]|"")*"|ChrW\(&H[0-9A-F]+&\)', assign.group(1))
            assert " & ".join(pieces) == assign.group(1), line
            for piece in pieces:
                out[key] += (piece[1:-1].replace('""', '"') if piece.startswith('"')
                             else chr(int(piece[7:-2], 16)))
    return out


def test_the_vbas_words_are_the_catalogues(modules):
    from nianbao.addin.build import text_codes

    texts = vba_texts(modules["NianbaoText"])
    assert texts == {key: MESSAGES[code] for key, code in text_codes().items()}
    assert texts["open_workbook"].startswith("请先打开年报工作簿")
    # every key the VBA asks for exists (the buttons' names through "button." & id)
    for name, source in modules.items():
        for key in re.findall(r'NbText\("([^"]+)"\)', code_of(source)):
            assert key in texts, (name, key)
    assert {f"button.{b.id}" for b in BUTTONS} <= set(texts)


def test_every_nianbao_procedure_called_is_defined(modules):
    defined = set()
    for source in modules.values():
        defined |= set(procedures(source))
    for name, source in modules.items():
        for called in set(re.findall(r"\b(Nb[A-Z]\w*)\b", code_of(source))):
            assert called in defined, (name, called)


def test_loadlibrary_returns_a_pointer_sized_handle(modules):
    code = code_of(modules["xlwings"])
    assert re.search(r"Declare PtrSafe Function LoadLibrary .* As LongPtr$", code, re.M)
    load = procedures(modules["xlwings"])["XLPyLoadDLL"]
    assert 'GetConfig("DLL_DIR"' in load


def test_the_report_tip_promises_no_word(modules):
    tip = MESSAGES["addin.button.report_tip"]
    assert "LibreOffice" in tip and "Word 时" not in tip and "或 Word" not in tip


# -- 4. the prebuilt add-in and installing it -----------------------------------------------------
def parts_of(path: Path) -> list[tuple]:
    with zipfile.ZipFile(path) as z:
        return [(i.filename, i.date_time, i.compress_type, i.external_attr, i.create_system,
                 z.read(i.filename)) for i in z.infolist()]


def test_the_build_is_reproducible(tmp_path):
    from nianbao.addin.build import build_addin

    a = build_addin(tmp_path / "a", python="")
    b = build_addin(tmp_path / "b", python="")
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_the_shipped_add_in_is_what_the_sources_build(tmp_path):
    """The committed prebuilt add-in equals a fresh build, part by part (the deflated bytes can
    differ only with another zlib).  When this fails, rebuild it: python -m nianbao.addin.build"""
    from nianbao.addin.build import PREBUILT_DIR, build_addin

    fresh = build_addin(tmp_path, python="")
    shipped = [PREBUILT_DIR / p.name for p in fresh]
    assert sorted(p.name for p in PREBUILT_DIR.iterdir()) == sorted(p.name for p in fresh)
    assert parts_of(shipped[0]) == parts_of(fresh[0]), "run: python -m nianbao.addin.build"
    for s, f in zip(shipped[1:], fresh[1:]):
        assert s.read_bytes() == f.read_bytes(), f"{s.name}: run python -m nianbao.addin.build"


def test_the_shipped_add_in_names_no_interpreter():
    from python_calamine import CalamineWorkbook

    from nianbao.addin.install import prebuilt_addin

    conf = CalamineWorkbook.from_path(str(prebuilt_addin())).get_sheet_by_name("nianbao.conf")
    rows = dict(conf.to_python())
    assert rows == {"ADD_WORKBOOK_TO_PYTHONPATH": "false"}


def test_the_wheel_carries_the_prebuilt_add_in_and_its_sources():
    from nianbao.addin.build import PREBUILT_DIR, VBA_DIR

    import tomllib

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = conf["tool"]["setuptools"]["package-data"]["nianbao.addin"]
    package = ROOT / "addin"
    shipped = {p.relative_to(package).as_posix() for p in [*PREBUILT_DIR.iterdir(), *VBA_DIR.iterdir()]}
    assert shipped and all(any(fnmatch.fnmatch(f, g) for g in globs) for f in shipped)
    assert {"prebuilt/nianbao.xlam", "prebuilt/Nianbao.bas", "vba/NianbaoRun.bas"} <= shipped


def test_install_copies_the_add_in_and_records_this_python(tmp_path):
    from nianbao.addin.install import install, prebuilt_addin, read_settings

    settings = tmp_path / "home" / ".nianbao" / "nianbao.conf"
    settings.parent.mkdir(parents=True)
    settings.write_text('"SERVER_URL","http://10.0.0.5:8080"\r\n"INTERPRETER_WIN","C:\\old\\python.exe"\r\n')
    startup = tmp_path / "XLSTART"
    target, recorded = install(prebuilt_addin(), startup, settings, r"C:\Users\张三\venv\Scripts\python.exe",
                               Path(r"C:\Users\张三\venv"))
    assert target == startup / "nianbao.xlam"
    assert target.read_bytes() == prebuilt_addin().read_bytes()
    assert read_settings(settings) == {"SERVER_URL": "http://10.0.0.5:8080",
                                       "INTERPRETER_WIN": r"C:\Users\张三\venv\Scripts\python.exe",
                                       "DLL_DIR": r"C:\Users\张三\venv"}
    # the format VBA's Input # reads: one "KEY","value" a line, CRLF
    assert settings.read_bytes().count(b"\r\n") == 3
    # again, without a DLL found: the old DLL_DIR is cleared, nothing is duplicated
    install(prebuilt_addin(), startup, settings, r"C:\Py\python.exe", None)
    lines = settings.read_text(encoding="utf-8").splitlines()
    assert lines == ['"SERVER_URL","http://10.0.0.5:8080"', '"INTERPRETER_WIN","C:\\Py\\python.exe"',
                     '"DLL_DIR",""']


def test_install_refuses_a_value_the_vba_cannot_read_back(tmp_path):
    from nianbao.addin.install import record_settings
    from nianbao.errors import NianbaoError

    with pytest.raises(NianbaoError):
        record_settings(tmp_path / "x.conf", {"INTERPRETER_WIN": 'C:\\a"b\\python.exe'})
    assert not (tmp_path / "x.conf").exists()


def test_the_install_command_on_windows(tmp_path, monkeypatch):
    """The command as it runs on Windows (its platform check pointed at win32; the folders are
    temporary ones)."""
    from types import SimpleNamespace

    from click.testing import CliRunner

    from nianbao.addin import install as install_module
    from nianbao.cli import addin as cli

    monkeypatch.setattr(cli, "sys", SimpleNamespace(platform="win32", executable=r"C:\Py\python.exe"))
    monkeypatch.setattr(install_module, "xlwings_dll_dir", lambda: Path(r"C:\Py"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "profile"))
    done = CliRunner().invoke(cli.addin_command, ["install"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "AppData" / "Microsoft" / "Excel" / "XLSTART" / "nianbao.xlam").is_file()
    conf = tmp_path / "profile" / ".nianbao" / "nianbao.conf"
    assert install_module.read_settings(conf) == {"INTERPRETER_WIN": r"C:\Py\python.exe", "DLL_DIR": r"C:\Py"}
    assert "XLSTART" in done.output and str(conf) in done.output
    missing = CliRunner().invoke(cli.addin_command, ["install", "-f", str(tmp_path / "none.xlam")])
    assert missing.exit_code == 2 and "找不到加载项" in missing.output


def test_the_dll_folder_is_where_pip_put_the_dll(tmp_path, monkeypatch):
    """On Windows the wheel's data files hold the DLL (checked here against the installed
    distribution's own file list; on Linux there is none)."""
    from nianbao.addin.install import xlwings_dll_dir

    found = xlwings_dll_dir()
    if sys.platform.startswith("win"):
        assert found is not None and any(found.glob("xlwings64-*.dll"))
    else:
        assert found is None
