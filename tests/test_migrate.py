"""``nianbao migrate``: a filled 2019-format workbook in the 2021 format (issue 16) — what carries
over, exactly which cells must be re-entered, and a migrated workbook that passes the 2021 checks
once they are entered."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from helpers import consistent_report

from nianbao import check
from nianbao.formats.common import T3_COLUMN_KEYS
from nianbao.layout import layout_of
from nianbao.messages import say
from nianbao.migrate import migrate, plan
from nianbao.places import place
from nianbao.reader import read_report
from nianbao.xlsx_writer import write_report

NIANBAO = str(Path(sys.executable).with_name("nianbao"))

# what the 2021 format asks that the 2019 one asked differently or not at all — written out
# here, not derived, so that the derivation in nianbao.migrate is tested against it
REENTER = (
    [f"t2.{row}.{col}" for row in ("rules", "normative") for col in ("issued", "repealed", "in_force")]
    + ["t2.licensing.decisions", "t2.punishment.decisions", "t2.enforcement.decisions",
       "t2.fees.amount"]
    + [f"t3.other_{i}.{c}" for i in (1, 2) for c in T3_COLUMN_KEYS]
    + ["s6.fee_notices", "s6.fee_amount"]
)


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([NIANBAO, *map(str, args)], capture_output=True, text=True, timeout=120)


def old_workbook(tmp_path: Path) -> tuple[Path, object]:
    old = consistent_report("2019", 5)
    old.meta.year, old.meta.unit, old.meta.contact = 2020, "某县司法局", "李四"
    old.texts.update({"s1.overview": "2020年，我局认真贯彻落实政府信息公开条例。",
                      "s5.problems": "公开内容不够全面，部分信息更新不及时。",
                      "s6.other": "无。"})
    # two applications handled as 2019's single （六）其他处理: the figures the move must keep
    for fid in ("t3.other.natural", "t3.other.total", "t3.total.natural", "t3.total.total",
                "t3.new.natural", "t3.new.total"):
        old[fid] = old.number(fid) + 2
    assert not check(old).errors
    return write_report(old, tmp_path / "2020年报.xlsx"), old


def test_migration_lists_exactly_the_cells_to_re_enter(tmp_path):
    src, old = old_workbook(tmp_path)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "迁移后.xlsx"
    p = run("migrate", src, "-o", out)
    assert p.returncode == 0, p.stderr
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before

    fields = layout_of("2021").fields
    assert set(plan("2019", "2021").reenter) == set(REENTER)
    # the command's output: 「需重新填写：…」, then one line per row naming its cells
    assert "需重新填写：26 个单元格" in p.stdout
    where = {f: place("2021", f).table or place("2021", f).section for f in REENTER}
    listed = set()
    for line in p.stdout.splitlines():
        m = re.search(r"（([A-Z]+\d+(?:、[A-Z]+\d+)*)）$", line)
        if m:
            (key,) = {w for w in where.values() if line.strip().startswith(w)}
            listed |= {(key, c) for c in m.group(1).split("、")}
    assert listed == {(where[f], fields[f].cell) for f in REENTER}
    expected = {(fields[f].sheet, fields[f].cell) for f in REENTER}
    # the 迁移说明 sheet: one linked row per cell, each with its reason
    ws = openpyxl.load_workbook(out)[say("migrate.sheet")]
    linked = {c.hyperlink.location.replace("'", "") for row in ws.iter_rows() for c in row if c.hyperlink}
    assert linked == {f"{s}!{c}" for s, c in expected}
    text = "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "「本年新制作数量」" in text and "「处理决定数量」" in text  # what 2019 asked there
    assert "（六）其他处理·3.其他" in text  # the moved （六）, with its notice
    assert "采购总金额" in text  # 2019 figures with no 2021 place are listed, not lost


def test_what_maps_directly_is_carried_and_the_year_kept(tmp_path):
    src, old = old_workbook(tmp_path)
    out = tmp_path / "new.xlsx"
    assert run("migrate", src, "-o", out).returncode == 0
    new = read_report(out)
    assert (new.format, new.meta.year, new.meta.unit, new.meta.contact) == ("2021", 2020, "某县司法局", "李四")
    for fid, v in old.values.items():
        if fid.startswith(("t3.", "t4.")) and not fid.startswith("t3.other."):
            assert new.values[fid] == v, fid
    for c in T3_COLUMN_KEYS:
        assert new.values[f"t3.other_3.{c}"] == old.values[f"t3.other.{c}"]
    assert all(new.values[f] is None for f in REENTER if f in new.values)
    assert {k: v for k, v in new.texts.items() if v} == {k: v for k, v in old.texts.items() if v}
    # the 2021 checks say plainly that a 2020 report uses the 2019 format (one year↔format
    # rule for every door, issue 17: an error, as in new and report)
    (year,) = check(out).by_rule("format.year")
    assert year.severity == "error" and "2020 年" in year.message and "2019年版格式" in year.message


def test_the_migrated_workbook_passes_the_2021_checks_once_re_entered(tmp_path):
    src, _ = old_workbook(tmp_path)
    out = tmp_path / "new.xlsx"
    assert run("migrate", src, "-o", out).returncode == 0
    res = check(out)
    # 表三 and 表四 came over whole; the re-entry cells are blank; the year is still 2020
    assert [f.rule for f in res if f.severity == "error"] == ["format.year"]
    # every blank statutory cell is a re-entry cell (六's extras are not statutory); 表二 is
    # wholly blank, so it is one table.blank finding rather than a notice per cell (issue 17)
    assert {f.field for f in res.by_rule("read.blank")} == {f for f in REENTER if f.startswith(("t3", "t4"))}
    assert [f.sheet for f in res.by_rule("table.blank")] == ["二、主动公开"]

    wb = openpyxl.load_workbook(out)
    fields = layout_of("2021").fields
    entered = {f: 0 for f in REENTER}
    entered.update({"t2.rules.issued": 1, "t2.rules.in_force": 12, "t2.normative.issued": 3,
                    "t2.normative.repealed": 1, "t2.normative.in_force": 40,
                    "t2.licensing.decisions": 120, "t2.fees.amount": 1.25})
    entered["meta.year"] = 2021  # the migrated report becomes this year's
    for fid, v in entered.items():
        wb[fields[fid].sheet].cell(fields[fid].row, fields[fid].col).value = v
    wb.save(out)
    res = check(out)
    assert not res.errors and res.exit_code == 0
    assert not res.by_rule("value.blank", "read.blank")
    assert run("check", out).returncode == 0


def test_migrate_never_writes_over_its_input_and_refuses_a_2021_workbook(tmp_path):
    src, _ = old_workbook(tmp_path)
    before = src.read_bytes()
    p = run("migrate", src, "-o", src, "--force")
    assert p.returncode == 2 and "覆盖" in p.stderr and src.read_bytes() == before
    out = tmp_path / "new.xlsx"
    assert run("migrate", src, "-o", out).returncode == 0
    p = run("migrate", src, "-o", out)
    assert p.returncode == 2 and "--force" in p.stderr
    p = run("migrate", out, "-o", tmp_path / "again.xlsx")
    assert p.returncode == 2 and "无需迁移" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize("seed", [1, 2])
def test_migration_in_memory_is_the_python_api(seed):
    old = consistent_report("2019", seed)
    done = migrate(old)
    assert done.report.format == "2021" and done.reenter == plan("2019", "2021").reenter
    assert set(done.reasons) == set(REENTER)
    assert [f.rule for f in check(done.report) if f.severity == "error"] == ["format.year"]
