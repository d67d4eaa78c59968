"""One set of actions every door calls (nianbao.actions): the doors hold no policy, every
writing command follows the one output rule, and what one command accepts the others accept."""
from __future__ import annotations

import ast
import re
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import consistent_report

import nianbao
from nianbao.cli import main
from nianbao.errors import NianbaoError
from nianbao.samples import sample_path
from nianbao.xlsx_writer import write_report

ROOT = Path(nianbao.__file__).parent
DOORS = [*sorted((ROOT / "cli").glob("*.py")), *sorted((ROOT.parent / "addin").glob("*.py")),
         *sorted((ROOT / "serve").glob("*.py"))]
# modules that read or write files or drive another program: only actions combine them
ADAPTERS = ("reader", "safety", "xlsx_writer", "xlsx_marks", "document", "libreoffice",
            "importing", "merge.history", "merge.workbook", "merge.units", "merge.rounds", "fileio",
            "audit_writer", "parallel", "checks", "samples.build")
# the add-in's builder and installer are the add-in's own tools, not a door onto the core: they
# write the add-in file itself, atomically
OWN_TOOLS = {"cli/addin.py": {"fileio", "fileio.atomic_path"},
             "addin/build.py": {"fileio", "fileio.atomic_path"},
             "addin/install.py": {"fileio", "fileio.atomic_path"}}
SAMPLES = Path(__file__).parent / "data" / "samples"


def _imported(path: Path) -> set[str]:
    """Every module of the core a door imports (function-level imports included), relative to
    the package: ``from ..reader import x`` → ``reader``, ``x``'s module when it is one.  A
    door's own modules (``from .terminal``) are its presentation and are not listed."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                continue
            if node.level >= 2:
                base = node.module or ""
            elif (node.module or "").startswith("nianbao."):
                base = node.module[len("nianbao."):]
            else:
                continue
            found.add(base)
            found |= {f"{base}.{a.name}" if base else a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name[len("nianbao."):] for a in node.names if a.name.startswith("nianbao.")}
    return found


@pytest.mark.parametrize("door", DOORS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_doors_import_only_actions_and_their_own_presentation(door):
    rel = f"{door.parent.name}/{door.name}"
    allowed = OWN_TOOLS.get(rel, set())
    bad = sorted(m for m in _imported(door)
                 if any(m == a or m.startswith(a + ".") for a in ADAPTERS) and m not in allowed)
    assert not bad, f"{rel} imports {bad}: call an action (nianbao.actions) instead"


def _absolute_imports(path: Path) -> set[str]:
    """Every ``nianbao.…`` module ``path`` imports, function-level imports included, resolved."""
    rel = path.relative_to(ROOT).with_suffix("").parts
    package = ["nianbao", *rel[:-1]]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            found.add(mod)
            found |= {f"{mod}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m == "nianbao" or m.startswith("nianbao.")}


@pytest.mark.parametrize("module", [p for p in sorted(ROOT.rglob("*.py"))
                                    if p.relative_to(ROOT).parts[0] not in ("actions", "cli", "serve")
                                    and p != ROOT / "__init__.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_adapter_or_plan_imports_an_action(module):
    """Actions combine the adapters; an adapter that called an action would make the layers a
    circle (the public API in nianbao/__init__.py names actions lazily, and is no adapter)."""
    bad = sorted(m for m in _absolute_imports(module)
                 if m == "nianbao.actions" or m.startswith("nianbao.actions."))
    assert not bad, f"{module.relative_to(ROOT)} imports {bad}"


def _type_only(tree: ast.AST) -> set[int]:
    """The import statements under ``if TYPE_CHECKING:`` — read by the type checker, never run."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
                getattr(node.test, "id", None) == "TYPE_CHECKING"
                or getattr(node.test, "attr", None) == "TYPE_CHECKING"):
            out.update(id(n) for stmt in node.body for n in ast.walk(stmt)
                       if isinstance(n, (ast.Import, ast.ImportFrom)))
    return out


def test_the_import_graph_has_no_cycle():
    """Function-level imports included: a cycle hidden inside a function is still a cycle.
    Imports for the type checker alone (``if TYPE_CHECKING:``) are not run, so not counted."""
    mods: dict[str, Path] = {}
    for pkg, root in (("nianbao", ROOT), ("nianbao.addin", ROOT.parent / "addin")):
        for p in root.rglob("*.py"):
            parts = list(p.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            mods[".".join([pkg, *parts])] = p
    graph: dict[str, set[str]] = {}
    for name, p in mods.items():
        package = name if p.name == "__init__.py" else name.rpartition(".")[0]
        deps = set()
        tree = ast.parse(p.read_text(encoding="utf-8"))
        type_only = _type_only(tree)
        for node in ast.walk(tree):
            targets: list[str] = []
            if id(node) in type_only:
                continue
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")
                if node.level:
                    base = base[:len(base) - node.level + 1]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in mods else mod
                           for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for t in targets:
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != name:
                    deps.add(t)
        graph[name] = deps
    # a cycle: a module that reaches itself
    cycles = set()
    for start in graph:
        stack, seen = [start], set()
        while stack:
            m = stack.pop()
            for d in graph[m]:
                if d == start:
                    cycles.add(start)
                elif d not in seen:
                    seen.add(d)
                    stack.append(d)
    assert not cycles, sorted(cycles)


# -- the output rule -------------------------------------------------------------------------
def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    good = write_report(_filled(), tmp_path / "年报.xlsx")
    old = write_report(consistent_report("2019", seed=3), tmp_path / "2020年报.xlsx")
    units = tmp_path / "名单.csv"
    units.write_text("单位名称\n甲局\n乙局\n", encoding="utf-8")
    inbox = tmp_path / "收件"
    inbox.mkdir()
    write_report(_filled(unit="甲局"), inbox / "甲局.xlsx")
    txt = tmp_path / "上年年报.txt"
    txt.write_bytes((SAMPLES / "district-office-2021.txt").read_bytes())
    return {"good": good, "old": old, "units": units, "inbox": inbox, "txt": txt,
            "dir": tmp_path}


def _filled(unit: str = "测试单位"):
    r = consistent_report("2021", seed=5)
    r.meta.unit, r.meta.year = unit, 2021
    return r


# command → (arguments with {out}, the output's suffix)
WRITERS = {
    "import": (["import", "{txt}", "-o", "{out}"], ".xlsx"),
    "report": (["report", "{good}", "-o", "{out}"], ".docx"),
    "check --mark": (["check", "{good}", "--mark", "{out}"], ".xlsx"),
    "merge": (["merge", "{inbox}", "-o", "{out}"], ".xlsx"),
    "audit -o": (["audit", "{good}", "-o", "{out}"], ".xlsx"),
    "audit --html": (["audit", "{good}", "--html", "{out}"], ".html"),
    "migrate": (["migrate", "{old}", "-o", "{out}"], ".xlsx"),
    "dismiss": (["dismiss", "{good}", "--all", "--reason", "已核实", "-o", "{out}"], ".xlsx"),
    "new": (["new", "-o", "{out}", "--year", "2025"], ".xlsx"),
    "new --from": (["new", "--from", "{good}", "-o", "{out}"], ".xlsx"),
}


def _invoke(args: list[str], files: dict[str, Path], out: Path, *extra: str):
    filled = [a.format(out=out, **files) for a in args]
    return CliRunner().invoke(main, [*filled, *extra])


@pytest.mark.parametrize("command", WRITERS)
def test_every_writing_command_refuses_an_existing_output_without_force(command, files):
    args, suffix = WRITERS[command]
    out = files["dir"] / f"已有{suffix}"
    out.write_bytes(b"a clerk's own file")
    res = _invoke(args, files, out)
    assert res.exit_code == 2, res.output
    assert out.read_bytes() == b"a clerk's own file"
    assert str(out) in res.stderr and "--force" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    res = _invoke(args, files, out, "--force")
    assert res.exit_code in (0, 1), res.output
    assert out.read_bytes() != b"a clerk's own file"


@pytest.mark.parametrize("command", [c for c in WRITERS if "{good}" in WRITERS[c][0]
                                     or "{old}" in WRITERS[c][0] or "{txt}" in WRITERS[c][0]])
def test_no_command_writes_over_its_input_even_with_force(command, files):
    args, _ = WRITERS[command]
    source = next(files[k] for k in ("good", "old", "txt") if "{" + k + "}" in args)
    before = _digest(source)
    res = _invoke(args, files, source, "--force")
    assert res.exit_code == 2 and "那会覆盖它" in res.stderr, res.output
    assert _digest(source) == before


def test_merge_never_writes_over_a_units_workbook_in_its_input_folder(files):
    submitted = files["inbox"] / "甲局.xlsx"
    before = _digest(submitted)
    res = CliRunner().invoke(main, ["merge", str(files["inbox"]), "-o", str(submitted), "--force"])
    assert res.exit_code == 2 and _digest(submitted) == before, res.output


def test_hand_out_refuses_existing_workbooks_and_the_list_itself(files):
    d = files["dir"] / "分发"
    d.mkdir()
    (d / "甲局.xlsx").write_bytes(b"kept")
    res = CliRunner().invoke(main, ["new", "--units", str(files["units"]), "-d", str(d),
                                    "--year", "2025"])
    assert res.exit_code == 2 and (d / "甲局.xlsx").read_bytes() == b"kept"
    assert not (d / "乙局.xlsx").exists()  # refused before anything was written
    res = CliRunner().invoke(main, ["new", "--units", str(files["units"]), "-d", str(d),
                                    "--year", "2025", "--force"])
    assert res.exit_code == 0 and nianbao.read_report(d / "甲局.xlsx").meta.unit == "甲局"


def test_a_door_that_cannot_ask_writes_under_a_free_name(files):
    first = nianbao.publish(files["good"], free=True)
    second = nianbao.publish(files["good"], free=True)
    assert first.docx == files["good"].with_suffix(".docx")
    assert second.docx == files["dir"] / "年报-2.docx"
    assert _digest(first.docx) != "" and first.docx.is_file()


def test_the_python_api_follows_the_same_rule(files):
    out = files["dir"] / "空白.xlsx"
    nianbao.new_workbook(out, year=2025)
    with pytest.raises(NianbaoError) as e:
        nianbao.new_workbook(out, year=2025)
    assert e.value.code == "file.exists"
    nianbao.new_workbook(out, year=2025, force=True)


# -- one rule, one reader, for every door ----------------------------------------------------
def test_new_workbook_refuses_a_year_its_format_is_not_for(tmp_path):
    """The year↔format rule of ``check`` holds for the Python API too, with the same words."""
    with pytest.raises(NianbaoError) as e:
        nianbao.new_workbook(tmp_path / "x.xlsx", "2019", year=2025)
    assert e.value.code == "format.year" and not (tmp_path / "x.xlsx").exists()
    made = nianbao.new_workbook(tmp_path / "y.xlsx", "2019", year=2020)
    assert "format.year" not in {f.rule for f in nianbao.check(made)}


def test_report_previous_accepts_what_check_previous_accepts(files, tmp_path):
    """A published report as last year's: ``check`` took it, ``report`` once exited 2."""
    this = _filled()
    this.meta.year, this.meta.unit = 2022, "某区政务服务管理办公室"
    src = write_report(this, tmp_path / "2022.xlsx")
    checked = CliRunner().invoke(main, ["check", str(src), "--previous", str(files["txt"])])
    reported = CliRunner().invoke(main, ["report", str(src), "--previous", str(files["txt"]),
                                         "--force"])
    assert checked.exit_code in (0, 1) and reported.exit_code == 0, reported.output
    assert (tmp_path / "2022.docx").is_file()


def test_check_accepts_a_folder(files):
    res = CliRunner().invoke(main, ["check", str(files["inbox"]), "--json"])
    assert res.exit_code in (0, 1)
    assert '"甲局.xlsx' in res.output or "甲局.xlsx" in res.output


def _a_folder_as_a_clerk_has_it(tmp_path: Path) -> Path:
    """A folder as offices keep one: units' workbooks at two levels (one with a sum error), the
    Word report written beside a workbook, the unit list, an Excel lock file, a hidden file."""
    folder = tmp_path / "收件"
    (folder / "乡镇").mkdir(parents=True)
    good = write_report(_filled(unit="甲局"), folder / "甲局.xlsx")
    bad = _filled(unit="乙镇")
    bad["t3.new.natural"] = (bad.number("t3.new.natural") or 0) + 1
    write_report(bad, folder / "乡镇" / "乙镇.xlsx")
    nianbao.publish(good, folder / "甲局.docx", force=True, pdf=False)
    (folder / "名单.csv").write_text("单位名称\n甲局\n乙镇\n", encoding="utf-8")
    import openpyxl  # the unit list as a workbook too: an .xlsx that is no report

    units = openpyxl.Workbook()
    units.active.append(["单位名称"])
    units.active.append(["甲局"])
    units.save(folder / "名单.xlsx")
    (folder / "~$甲局.xlsx").write_bytes(b"lock")
    (folder / ".DS_Store").write_bytes(b"\0")
    return folder


def test_check_a_folder_checks_its_workbooks_and_says_what_it_left_out(tmp_path):
    import json

    folder = _a_folder_as_a_clerk_has_it(tmp_path)
    res = CliRunner().invoke(main, ["check", str(folder)])
    assert res.exit_code == 1, res.output  # 乙镇 has an error; nothing unreadable
    assert "甲局.xlsx：0 个错误" in res.stdout and re.search(r"乙镇.xlsx：[1-9]\d* 个错误", res.stdout)
    (line,) = res.stderr.strip().splitlines()  # what was passed over, and why: one line
    assert "另有 3 个文件不是年报工作簿" in line
    assert all(name in line for name in ("甲局.docx", "名单.csv", "名单.xlsx"))
    assert "~$" not in res.output and "DS_Store" not in res.output
    res = CliRunner().invoke(main, ["check", str(folder), "--json"])
    data = json.loads(res.stdout)  # the note about left-out files stays off stdout
    assert sorted(Path(d["file"]).name for d in data) == ["乙镇.xlsx", "甲局.xlsx"]
    # a published report is checked when named itself, beside the folder
    res = CliRunner().invoke(main, ["check", str(folder / "甲局.docx"), str(folder / "乡镇")])
    assert res.exit_code == 1 and "甲局.docx：" in res.stdout and "乙镇.xlsx：" in res.stdout
    assert not res.stderr
    # --mark writes one copy: a folder is refused before any work
    res = CliRunner().invoke(main, ["check", str(folder), "--mark", str(tmp_path / "m.xlsx")])
    assert res.exit_code == 2 and "不能用于文件夹" in res.stderr
    assert not (tmp_path / "m.xlsx").exists()


def test_audit_a_folder_reads_workbooks_and_published_reports(tmp_path):
    import json

    folder = _a_folder_as_a_clerk_has_it(tmp_path)
    out = folder / "审查结果.xlsx"  # the output inside the folder it reads: never read back
    res = CliRunner().invoke(main, ["audit", str(folder), "--json", "-o", str(out)])
    assert res.exit_code == 1, res.output
    rows = json.loads(res.stdout)
    assert sorted(Path(r["file"]).name for r in rows) == ["乙镇.xlsx", "甲局.docx", "甲局.xlsx"]
    assert [r["errors"] > 0 for r in rows if r["file"].endswith("乙镇.xlsx")] == [True]
    (line,) = res.stderr.strip().splitlines()
    assert "另有 2 个文件不是年报" in line and "名单.csv" in line and "名单.xlsx" in line
    again = CliRunner().invoke(main, ["audit", str(folder), "--json"])
    assert len(json.loads(again.stdout)) == 3  # the audit's own workbook is no report either
    assert "审查结果.xlsx" in again.stderr
    # a workbook named itself is read whatever it is: not a report is said of it
    named = CliRunner().invoke(main, ["audit", str(folder / "名单.xlsx"), "--json"])
    assert named.exit_code == 2 and json.loads(named.stdout)[0]["unreadable"]


@pytest.mark.parametrize("command", ["check", "audit"])
def test_a_folder_without_reports_is_no_pass(tmp_path, command):
    empty = tmp_path / "空"
    empty.mkdir()
    (empty / "名单.csv").write_text("单位名称\n甲局\n", encoding="utf-8")
    extra = ["-o", str(tmp_path / "审查.xlsx")] if command == "audit" else []
    res = CliRunner().invoke(main, [command, str(empty), *extra])
    assert res.exit_code == 2, res.output
    assert "中没有" in res.stderr and str(empty) in res.stderr and "Traceback" not in res.output
    assert not (tmp_path / "审查.xlsx").exists()


def test_demo_never_replaces_an_earlier_run(tmp_path):
    from nianbao import actions

    first = actions.demo(tmp_path / "示例", pdf=False)
    second = actions.demo(tmp_path / "示例", pdf=False)
    assert first.folder == tmp_path / "示例" and second.folder == tmp_path / "示例-2"
    assert first.published.docx.is_file() and second.published.docx.is_file()
    assert Path(sample_path()).is_file()
