"""Issue 17 item 16: an office dismisses a reviewed warning or notice with a reason; the
dismissal lives in the workbook's hidden sheet, survives re-checking while the cells it involves
are unchanged, and is listed apart by ``check`` and ``--json``.  Errors cannot be dismissed."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from nianbao import check
from nianbao import dismiss
from nianbao.errors import NianbaoError
from nianbao.samples import sample_path

REASON = "经核实，系统计口径不同"
NIANBAO = [str(Path(sys.executable).with_name("nianbao"))]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(NIANBAO + list(args), capture_output=True, text=True, timeout=120)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def sample(tmp_path) -> Path:
    # the bundled sample: its 六 says 「无」 — a text.fee_missing warning the office may review
    p = tmp_path / "年报.xlsx"
    p.write_bytes(sample_path().read_bytes())
    return p


def fee_missing(res):
    (f,) = res.by_rule("text.fee_missing")
    return f


def test_every_finding_has_an_id_that_survives_rechecking(sample):
    a, b = check(sample), check(sample)
    assert all(f.id and len(f.id) == 10 for f in a)
    assert [f.id for f in a] == [f.id for f in b]
    assert len({f.id for f in a}) == len(a.findings)


def test_a_dismissed_warning_is_listed_apart_and_stays_dismissed(sample, tmp_path):
    fid = fee_missing(check(sample)).id
    out = tmp_path / "已复核.xlsx"
    before = digest(sample)
    dismiss(sample, fid, REASON, out)
    assert digest(sample) == before  # the input is never written
    res = check(out)
    assert not res.by_rule("text.fee_missing")
    ((f, reason),) = res.dismissed
    assert (f.id, f.rule, reason) == (fid, "text.fee_missing", REASON)
    d = res.to_dict()
    assert d["dismissed"][0]["reason"] == REASON and d["dismissed"][0]["id"] == fid
    assert d["warnings"] == res.warnings  # counts are of the open findings
    # the dismissal travels in the hidden sheet
    wb = openpyxl.load_workbook(out)
    assert wb["_nianbao"].sheet_state == "hidden"
    assert [REASON] == [r[1] for r in wb["_nianbao"].iter_rows(values_only=True)
                        if str(r[0]).startswith("dismissed:")]


def test_changing_the_cells_involved_brings_the_finding_back(sample, tmp_path):
    fid = fee_missing(check(sample)).id
    out = tmp_path / "已复核.xlsx"
    dismiss(sample, fid, REASON, out)
    wb = openpyxl.load_workbook(out)
    wb["六、其他事项"]["B3"] = "另有说明。"
    wb.save(out)
    res = check(out)
    assert fee_missing(res).id != fid and not res.dismissed


def test_errors_cannot_be_dismissed(sample, tmp_path):
    wb = openpyxl.load_workbook(sample)
    wb["三、依申请公开"]["D6"] = 10  # 一、本年新收 自然人: breaks the statutory sums
    wb.save(sample)
    err = next(f for f in check(sample) if f.severity == "error")
    with pytest.raises(NianbaoError) as e:
        dismiss(sample, err.id, REASON, tmp_path / "x.xlsx")
    assert "不能标为已复核" in str(e.value)
    assert not (tmp_path / "x.xlsx").exists()


def test_refusals_unknown_id_no_reason_same_file(sample, tmp_path):
    fid = fee_missing(check(sample)).id
    with pytest.raises(NianbaoError, match="没有编号"):
        dismiss(sample, "0123456789", REASON, tmp_path / "x.xlsx")
    with pytest.raises(NianbaoError, match="理由"):
        dismiss(sample, fid, "  ", tmp_path / "x.xlsx")
    with pytest.raises(NianbaoError, match="不能把结果写到输入文件"):
        dismiss(sample, fid, REASON, sample)


def test_cli_dismiss_then_check(sample, tmp_path):
    data = json.loads(run("check", str(sample), "--json").stdout)[0]
    fid = next(f["id"] for f in data["findings"] if f["rule"] == "text.fee_missing")
    out = tmp_path / "已复核.xlsx"
    p = run("dismiss", str(sample), fid, "--reason", REASON, "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert fid in p.stdout
    p = run("check", str(out))
    assert "已复核、不再提示的 1 项" in p.stdout and REASON in p.stdout
    data = json.loads(run("check", str(out), "--json").stdout)[0]
    assert [d["id"] for d in data["dismissed"]] == [fid]
    assert fid not in [f["id"] for f in data["findings"]]
    p = run("dismiss", str(sample), fid, "--reason", REASON, "-o", str(sample))
    assert p.returncode == 2 and "不能把结果写到输入文件" in p.stderr and "Traceback" not in p.stderr


# -- 编号 on 校验结果: what a clerk copies into `dismiss` --------------------------------------------
def results_sheet(path: Path) -> list[tuple]:
    """The rows of a marked copy's 校验结果 from its header row, as a clerk sees them."""
    ws = openpyxl.load_workbook(path)["校验结果"]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=4)]


def test_the_results_sheet_shows_each_findings_id(sample, tmp_path):
    wb = openpyxl.load_workbook(sample)
    wb["三、依申请公开"]["D6"] = 10  # an error beside the sample's warnings and notices
    wb.save(sample)
    marked = tmp_path / "标注.xlsx"
    p = run("check", str(sample), "--mark", str(marked))
    assert p.returncode == 1, p.stderr
    header, *rows = results_sheet(marked)
    assert header[-2:] == ("代码", "编号")
    data = json.loads(run("check", str(sample), "--json").stdout)[0]
    order = {"error": 0, "warning": 1, "notice": 2}
    listed = sorted(data["findings"], key=lambda f: order[f["severity"]])  # errors first
    assert [r[-1] for r in rows] == [f["id"] for f in listed]
    assert [r[-2] for r in rows] == [f["rule"] for f in listed]
    assert all(isinstance(r[-1], str) and len(r[-1]) == 10 for r in rows)


def test_several_ids_copied_from_the_results_sheet_are_dismissed_in_one_call(sample, tmp_path):
    marked = tmp_path / "标注.xlsx"
    assert run("check", str(sample), "--mark", str(marked)).returncode == 0
    _, *rows = results_sheet(marked)
    reviewable = [r[-1] for r in rows if r[1] in ("警告", "提示")]
    assert len(reviewable) >= 2
    out = tmp_path / "已复核.xlsx"
    p = run("dismiss", str(sample), *reviewable[:2], "--reason", REASON, "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert "已将 2 处标为已复核" in p.stdout
    again = check(out)
    assert sorted(f.id for f, _ in again.dismissed) == sorted(reviewable[:2])
    assert not {f.id for f in again} & set(reviewable[:2])
    # the re-marked copy lists what is still open, with the same 编号 as before
    remarked = tmp_path / "标注2.xlsx"
    assert run("check", str(out), "--mark", str(remarked)).returncode == 0
    assert [r[-1] for r in results_sheet(remarked)[1:]] == \
        [r[-1] for r in rows if r[-1] not in reviewable[:2]]


def test_all_warnings_as_the_issue_names_it(sample, tmp_path):
    """``--all-warnings`` (the name clerks were told) is ``--all``: every warning and notice not
    yet reviewed; errors stay."""
    out = tmp_path / "全部复核.xlsx"
    p = run("dismiss", str(sample), "--all-warnings", "--reason", REASON, "-o", str(out))
    assert p.returncode == 0, p.stderr
    data = json.loads(run("check", str(out), "--json").stdout)[0]
    assert data["dismissed"] and not [f for f in data["findings"] if f["severity"] != "error"]
