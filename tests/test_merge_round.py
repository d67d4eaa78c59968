"""A coordinator's round of 40 units, simulated (issue 29): hand-out workbooks filled and sent
back with every case a city's 政务公开办 meets — errors, an unchanged resubmission, a renamed
file, a 2019 workbook, a Word report and a PDF sent instead of the workbook, a damaged file,
files of the same name in two folders, stray copies of an unlisted unit's older workbook, two
silent units — then a second round in the same inbox.  Both rounds must tell every unit's
status truthfully, with what it must fix and whom to call.

The workbooks are real .xlsx files: four are made with the hand-out template and filled; each
unit's copy is one of them with its stamp (unit, code, parent), its 基本信息 and its save time
rewritten in the zip — 40 units in well under a second.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from corpus import pack, parts_of, set_cell, text
from helpers import consistent_report

import nianbao
from nianbao import consolidate
from nianbao.actions.new import template_for
from nianbao.cli import main
from nianbao.layout import layout_of
from nianbao.merge.records import INVALID, MERGED, REJECTED, SUPERSEDED
from nianbao.merge.units import Unit
from nianbao.text.cjk import display_width
from nianbao.messages import say
from nianbao.xlsx_writer import fill_workbook, save_workbook

YEAR = 2025
LONG = "某某省某某市某某区人民政府办公室政务公开与政府信息公开工作领导小组办公室"  # 40 characters

# 40 units: 甲区 (10 and its own government, listed without a parent), 乙区 (10), 直属 (19)
JIA = ["甲区教育局", "甲区卫健局", "甲区水务局", "甲区民政局", "甲区财政局", "甲区公安分局",
       "甲区司法局", "甲区商务局", "甲区城管局", "甲区文旅局"]
YI = ["乙区教育局", "乙区卫健局", "乙区水务局", "乙区民政局", "乙区财政局", "乙区公安分局",
      "乙区司法局", "乙区商务局", "乙区城管局", "乙区文旅局"]
CITY = ["市发展改革委", "市教育局", "市科技局", "市工信局", "市公安局", "市民政局", "市司法局",
        "市财政局", "市人社局", "市自然资源局", "市生态环境局", "市住建局", "市交通局", "市水务局",
        "市审计局", "市统计局", "市体育局", "市林业局", LONG]


def unit_list() -> list[Unit]:
    units = [Unit(n, f"J{i:02d}", "甲区", f"张{i}", f"0571-8800{i:04d}") for i, n in enumerate(JIA)]
    units.append(Unit("甲区人民政府办公室", "J99", "", "李主任", "0571-88009999"))
    units += [Unit(n, f"Y{i:02d}", "乙区", f"王{i}", f"0571-8700{i:04d}") for i, n in enumerate(YI)]
    units += [Unit(n, f"S{i:02d}", "", f"赵{i}", f"138{i:08d}") for i, n in enumerate(CITY)]
    assert len(units) == 40
    return units


def write_list(units: list[Unit], path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "单位代码", "上级单位", "联系人", "联系电话"])
    for u in units:
        ws.append([u.name, u.code, u.parent, u.contact, u.phone])
    wb.save(path)
    return path


class Factory:
    """Unit workbooks from four filled bases, stamped per unit at the zip level."""

    def __init__(self, tmp: Path) -> None:
        self.bases: list[dict[str, bytes]] = []
        self.reports = []
        lay = layout_of("2021")
        self.meta_cells = {k: lay.fields[f"meta.{k}"].cell for k in ("unit", "contact", "phone")}
        for seed in range(4):
            report = consistent_report("2021", seed=100 + seed)
            report.texts["s1.request"] = f"本单位依申请公开工作第{seed}种写法。"
            report.meta.unit, report.meta.year = "基准", YEAR
            wb = template_for(Unit("基准", "B00", "基准区"), "2021", YEAR)
            fill_workbook(wb, report)
            save_workbook(wb, tmp / f"base{seed}.xlsx")
            self.bases.append(parts_of((tmp / f"base{seed}.xlsx").read_bytes()))
            self.reports.append(report)
        ws = openpyxl.load_workbook(tmp / "base0.xlsx")["_nianbao"]
        self.hidden = {str(r[0].value): f"B{r[0].row}" for r in ws.iter_rows(max_col=1) if r[0].value}

    def workbook(self, unit: Unit, base: int, saved: str, edit=None) -> bytes:
        parts = self.bases[base]
        for key, value in (("unit", unit.name), ("unit_code", unit.code), ("parent", unit.parent)):
            parts = set_cell(parts, "_nianbao", self.hidden[key], text(self.hidden[key], value))
        for key, value in (("unit", unit.name), ("contact", ""), ("phone", "")):
            cell = self.meta_cells[key]
            parts = set_cell(parts, "基本信息", cell, text(cell, value))
        if edit is not None:
            parts = edit(parts)
        core = parts["docProps/core.xml"]
        parts = {**parts, "docProps/core.xml": re.sub(
            rb"(<dcterms:modified[^>]*>)[^<]+", rb"\g<1>" + saved.encode(), core)}
        return pack(parts)


def broken_j8(parts):
    """表三（一）予以公开 总计（J8）one more than its row adds up to."""
    from corpus import num

    f = layout_of("2021").fields["t3.granted.total"]
    return set_cell(parts, f.sheet, f.cell, num(f.cell, "999"))


@pytest.fixture(scope="module")
def round_one(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("round")
    units = unit_list()
    by_name = {u.name: u for u in units}
    make = Factory(tmp)
    inbox = tmp / "收件"
    (inbox / "第一轮").mkdir(parents=True)
    (inbox / "补报").mkdir()
    r1 = inbox / "第一轮"
    silent = {"市审计局", "市林业局"}
    special = {"甲区卫健局", "乙区教育局", "乙区卫健局", "市财政局", "市统计局", "市司法局",
               "乙区民政局", "甲区水务局", "市体育局"}
    for i, u in enumerate(units):
        if u.name in silent | special:
            continue
        (r1 / u.file_name).write_bytes(make.workbook(u, i % 4, "2026-01-10T08:00:00Z"))
    # errors: 表三 J8
    (r1 / "甲区卫健局.xlsx").write_bytes(make.workbook(by_name["甲区卫健局"], 1,
                                                   "2026-01-10T08:00:00Z", broken_j8))
    (r1 / "乙区教育局.xlsx").write_bytes(make.workbook(by_name["乙区教育局"], 2,
                                                   "2026-01-10T08:00:00Z", broken_j8))
    # errors, and no new version in the second round
    (r1 / "乙区卫健局.xlsx").write_bytes(make.workbook(by_name["乙区卫健局"], 3,
                                                   "2026-01-10T08:00:00Z", broken_j8))
    # a renamed file: identified by its stamp
    (r1 / "新建 Microsoft Excel 工作表.xlsx").write_bytes(
        make.workbook(by_name["市财政局"], 3, "2026-01-10T08:00:00Z"))
    # a 2019-format workbook
    wb = template_for(by_name["市统计局"], "2019", 2020)
    old = consistent_report("2019", seed=5)
    old.meta.unit, old.meta.year = "市统计局", 2020
    fill_workbook(wb, old)
    save_workbook(wb, r1 / "市统计局.xlsx")
    # a Word report instead of the workbook: the unit is read from its text
    report = consistent_report("2021", seed=6)
    report.meta.unit, report.meta.year = "市司法局", YEAR
    nianbao.render_report(report, r1 / "年报定稿.docx")
    # a PDF instead of the workbook, named after the unit (its text cannot be read)
    (r1 / "乙区民政局2025年报.pdf").write_bytes(b"%PDF-1.4\n% not much of a PDF\n%%EOF\n")
    # the same name in two folders: the later save counts
    (r1 / "甲区水务局.xlsx").write_bytes(make.workbook(by_name["甲区水务局"], 0,
                                                   "2026-01-09T08:00:00Z"))
    (inbox / "补报" / "甲区水务局.xlsx").write_bytes(make.workbook(by_name["甲区水务局"], 1,
                                                              "2026-01-12T08:00:00Z"))
    # a damaged workbook named after its unit
    (r1 / "市体育局.xlsx").write_bytes(make.workbook(by_name["市体育局"], 0,
                                                  "2026-01-10T08:00:00Z")[:2000])
    # three stray copies of an unlisted unit's 2024 workbook: they must not decide the year
    stray = template_for(Unit("外单位"), "2021", 2024)
    save_workbook(stray, tmp / "stray.xlsx")
    for k in range(3):
        shutil.copy(tmp / "stray.xlsx", r1 / f"外单位-{k}.xlsx")
    names = write_list(units, tmp / "名单.xlsx")
    out = tmp / "汇总" / "汇总.xlsx"
    before = {p: p.read_bytes() for p in inbox.rglob("*") if p.is_file()}
    result = consolidate([inbox], out, units=names, feedback=tmp / "退回1",
                         calls=tmp / "催报1.csv")
    return tmp, units, make, inbox, names, out, result, before


def rows_of(result, unit: str):
    return [r for r in result.rows if r.unit == unit]


def status_of(result, unit: str) -> set[str]:
    return {r.status for r in rows_of(result, unit)}


def test_round_one_statuses(round_one):
    *_, result, _ = round_one
    assert result.year == YEAR and result.year_from == "units"
    assert status_of(result, "甲区卫健局") == {INVALID}
    assert status_of(result, "乙区教育局") == {INVALID}
    assert status_of(result, "市财政局") == {MERGED}
    assert status_of(result, "市统计局") == {REJECTED}
    assert status_of(result, "市司法局") == {REJECTED}
    assert status_of(result, "乙区民政局") == {REJECTED}
    assert status_of(result, "市体育局") == {REJECTED}
    assert status_of(result, "甲区水务局") == {MERGED, SUPERSEDED}
    assert set(result.missing) == {"市审计局", "市林业局"}  # not the units that sent a PDF etc.
    stray = rows_of(result, "外单位")  # three copies of the same bytes: one to answer for
    assert sorted(r.status for r in stray) == [REJECTED, SUPERSEDED, SUPERSEDED]
    assert say("merge.same_as", file="外单位-2.xlsx") in {r.reason for r in stray}
    assert result.accepted == 40 - 2 - 7  # 31 units merged
    assert result.exit_code == 1 and result.detailed_exit_code == 6


def test_what_was_sent_instead_is_attributed_and_said(round_one):
    *_, result, _ = round_one
    word = rows_of(result, "市司法局")[0]
    assert word.attributed == "content" and word.sent == "word"
    assert word.reason.startswith(say("merge.sent_unit", kind=say("merge.kind.word")))
    pdf = rows_of(result, "乙区民政局")[0]
    assert pdf.attributed == "file_name" and pdf.sent == "pdf"
    assert "该单位报来的是PDF 年报，请报送工作簿" in pdf.reason.replace(" ", " ")
    assert say("merge.attributed.file_name") in pdf.reason
    damaged = rows_of(result, "市体育局")[0]
    assert damaged.attributed == "file_name" and "不是有效的 Excel 工作簿" in damaged.reason


def test_findings_messages_and_contacts_per_unit(round_one):
    *_, result, _ = round_one
    bad = rows_of(result, "甲区卫健局")[0]
    assert (bad.contact, bad.phone) == ("张1", "0571-88000001")  # from the list
    errors = [f for f in bad.findings if f["severity"] == "error"]
    assert errors and errors[0]["cell"] == "J8" and "（J8）应为" in errors[0]["message"]
    assert [f["severity"] for f in bad.findings] == sorted(
        (f["severity"] for f in bad.findings), key=["error", "warning"].index)
    assert bad.feedback.startswith("贵单位报送的《2025年政府信息公开工作年度报告》工作簿（甲区卫健局.xlsx，")
    assert "1. 表三「（一）予以公开」行「总计」列（J8）应为" in bad.feedback
    assert bad.feedback.endswith("请改正后重新报送。")
    missing = rows_of(result, "市林业局")[0]
    assert (missing.contact, missing.phone) == ("赵17", "13800000017")
    assert "尚未收到贵单位" in missing.feedback
    data = result.to_dict()
    row = next(u for u in data["units"] if u["unit"] == "甲区卫健局")
    assert row["findings"][0]["cell"] == "J8" and row["feedback"] == bad.feedback
    assert row["contact"] == "张1" and row["phone"] == "0571-88000001"
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_same_names_in_two_folders_are_told_apart(round_one):
    *_, result, _ = round_one
    water = {r.status: r for r in rows_of(result, "甲区水务局")}
    assert water[MERGED].shown == "补报/甲区水务局.xlsx"
    assert water[SUPERSEDED].shown == "第一轮/甲区水务局.xlsx"
    # and the reason names the other file as printed, its folder telling which it is
    assert water[SUPERSEDED].reason == say("merge.superseded", file="补报/甲区水务局.xlsx")


def test_the_reason_names_the_first_errors(round_one):
    """Not only 「有 2 处错误」: the reason (terminal, --json, call list) names the first error in
    short; 汇总情况 the first two; both say how many there are and where the rest are."""
    tmp, *_, out, result, _ = round_one
    bad = rows_of(result, "甲区卫健局")[0]
    first = re.search(r"三、依申请公开!J8：应为 \d+，实为 999…", bad.reason).group()
    assert bad.reason == say("merge.has_errors", errors=2) + f"。{first} 等 2 处，见退回说明"
    assert "J29" not in bad.reason
    ws = openpyxl.load_workbook(out)[say("merge.sheet.summary")]
    shown = next(r[4] for r in ws.iter_rows(min_row=6, values_only=True) if r[1] == "甲区卫健局")
    assert shown.startswith(say("merge.has_errors", errors=2) + f"。{first}；三、依申请公开!J29：应为 ")
    assert shown.endswith(" 等 2 处，见退回说明")
    calls = {r[1]: r for r in csv.reader(io.StringIO((tmp / "催报1.csv").read_text("utf-8-sig")))}
    assert first in calls["甲区卫健局"][6]
    res = CliRunner().invoke(main, ["merge", str(tmp / "收件"), "-o", str(tmp / "终端.xlsx"),
                                    "--units", str(tmp / "名单.xlsx")])
    assert "J8" in res.output and "等 2 处" in res.output.replace("\n", "")


def test_gist_of_findings():
    """What a finding says in short: the place, then the message after the cell it names, to
    its first clause's end — whatever the message looks like, never longer than GIST_WIDTH."""
    from nianbao.merge.feedback import GIST_WIDTH, gist

    f = {"sheet": "三、依申请公开", "cell": "J8", "message":
         "表三「（一）予以公开」行「总计」列（J8）应为 12，实为 999（表三各行：总计 = 自然人 + 法人"
         "或其他组织各项之和）；J8 同时出现在不符的「（七）总计校验」中，请优先核对 J8"}
    assert gist(f) == "三、依申请公开!J8：应为 12，实为 999…"
    f = {"sheet": "基本信息", "cell": "B13",
         "message": "基本信息「成文日期」（B13）未填写：年报落款的成文日期将留空，须手工填写后才能发布"}
    assert gist(f) == "基本信息!B13：未填写…"
    f = {"sheet": "三、依申请公开", "cell": "D6:J30", "message":
         "表三（「三、依申请公开」175 个单元格）全部未填写：如本年确无数据，请逐格填 0"}
    assert gist(f).startswith("三、依申请公开!D6:J30：表三（「三、依申请公开」")
    assert display_width(gist(f).split("：", 1)[1]) <= GIST_WIDTH + 1  # and the 「…」
    assert gist({"sheet": None, "cell": None, "message": "报告年度为 2024"}) == "报告年度为 2024"


def test_feedback_folder_has_a_marked_copy_and_a_message_per_unit(round_one):
    tmp, *_, result, _ = round_one
    folder = tmp / "退回1"
    names = sorted(p.name for p in folder.iterdir())
    assert "甲区卫健局-退回说明.txt" in names and "甲区卫健局-标注.xlsx" in names
    assert "乙区民政局-退回说明.txt" in names and "乙区民政局-标注.xlsx" not in names  # a PDF
    assert "市统计局-标注.xlsx" in names  # a 2019 workbook can be marked
    message = (folder / "甲区卫健局-退回说明.txt").read_bytes()
    assert message.startswith("\ufeff".encode()) and b"\r\n" in message
    body = message.decode("utf-8-sig")
    assert body.startswith("甲区卫健局：\r\n贵单位报送的") and "（J8）" in body
    assert "附件：甲区卫健局-标注.xlsx" in body
    marked = openpyxl.load_workbook(folder / "甲区卫健局-标注.xlsx")
    assert "校验结果" in marked.sheetnames
    f = layout_of("2021").fields["t3.granted.total"]
    assert marked[f.sheet][f.cell].comment is not None  # the cell itself is marked
    assert set(result.feedback) == set(folder.iterdir())


def test_call_list_names_whom_to_call(round_one):
    tmp, *_, result, _ = round_one
    data = (tmp / "催报1.csv").read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [say(c) for c in ("calls.col.no", "calls.col.unit", "calls.col.parent",
                                         "calls.col.contact", "calls.col.phone",
                                         "calls.col.status", "calls.col.todo")]
    by_unit = {r[1]: r for r in rows[1:]}
    assert by_unit["市林业局"][3:6] == ["赵17", "13800000017", say("merge.status.missing")]
    assert by_unit["甲区卫健局"][5] == say("merge.status.invalid")
    assert {"市审计局", "市林业局", "甲区卫健局", "乙区教育局", "市统计局", "市司法局",
            "乙区民政局", "市体育局"} <= set(by_unit)
    assert "市财政局" not in by_unit


def test_rollup_groups_a_district_government_with_its_district(round_one):
    *_, result, _ = round_one
    lines = {e["parent"]: e for e in result.rollup if not e["total"] and not e["unlisted"]}
    jia, yi, direct = lines["甲区"], lines["乙区"], lines[""]
    assert jia["expected"] == 11  # its ten units and 甲区人民政府办公室
    assert (jia["merged"], jia["invalid"]) == (10, 1)
    assert yi["expected"] == 10 and (yi["invalid"], yi["rejected"]) == (2, 1)
    assert direct["expected"] == 19  # the list's own: 外单位 is not on it
    assert direct["missing"] == 2
    total = result.rollup[-1]
    assert total["total"] and total["expected"] == 40  # the list's 40 units, no more
    assert total["merged"] + total["invalid"] + total["rejected"] + total["missing"] == 40
    # the unlisted unit's files are counted apart, and not in the total
    stray = [e for e in result.rollup if e["unlisted"]]
    assert len(stray) == 1 and (stray[0]["expected"], stray[0]["rejected"]) == (0, 1)
    assert not any(r.on_list for r in rows_of(result, "外单位"))
    assert all(r.on_list for r in result.rows if r.unit != "外单位")
    assert total["key_figures"]["new"] == sum(r.key[0] for r in result.rows
                                              if r.status == MERGED)


def test_inputs_unchanged(round_one):
    *_, before = round_one
    assert {p: p.read_bytes() for p in before} == before


@pytest.fixture(scope="module")
def round_two(round_one):
    tmp, units, make, inbox, names, out, first, _ = round_one
    by_name = {u.name: u for u in units}
    r2 = inbox / "第二轮"
    r2.mkdir()
    (r2 / "甲区卫健局-改.xlsx").write_bytes(make.workbook(by_name["甲区卫健局"], 1,
                                                    "2026-01-20T08:00:00Z"))
    # the same bytes again, under another name
    shutil.copy(inbox / "第一轮" / "乙区教育局.xlsx", r2 / "乙区教育局(1).xlsx")
    for name in ("市统计局", "市司法局", "市审计局", "市体育局"):
        (r2 / f"{name}-重报.xlsx").write_bytes(make.workbook(by_name[name], 2,
                                                          "2026-01-20T08:00:00Z"))
    res = CliRunner().invoke(main, ["merge", str(inbox), "-o", str(out), "--units", str(names),
                                    "--json", "--force", "--feedback", str(tmp / "退回2"),
                                    "--calls", str(tmp / "催报2.xlsx"), "--by-parent",
                                    "--unit", "某市人民政府办公室", "--detailed-exit"])
    return tmp, res, json.loads(res.stdout)


def test_round_two_tells_the_truth(round_two):
    tmp, res, data = round_two
    assert res.exit_code == 6, res.output  # still missing (市林业局) and still to return
    rows = data["units"]

    def of(unit):
        return {(r["status"], r["shown"]): r for r in rows if r["unit"] == unit}

    jia = of("甲区卫健局")
    assert jia[(MERGED, "甲区卫健局-改.xlsx")]
    assert jia[(SUPERSEDED, "甲区卫健局.xlsx")]["reason"] == say("merge.superseded",
                                                                   file="甲区卫健局-改.xlsx")
    yi = of("乙区教育局")
    latest = yi[(INVALID, "乙区教育局(1).xlsx")]
    assert latest["reason"].startswith("内容与 ") and "错误仍未改正" in latest["reason"]
    assert latest["identical_to"] == "乙区教育局.xlsx"
    assert "与此前报送的 乙区教育局.xlsx 内容完全相同" in latest["feedback"]
    assert yi[(SUPERSEDED, "乙区教育局.xlsx")]["reason"] == say("merge.same_as",
                                                                 file="乙区教育局(1).xlsx")
    for unit, old in (("市统计局", "市统计局.xlsx"), ("市司法局", "年报定稿.docx"),
                      ("市体育局", "市体育局.xlsx")):
        found = of(unit)
        assert (MERGED, f"{unit}-重报.xlsx") in found, unit
        resolved = found[(SUPERSEDED, old)]
        assert resolved["reason"].startswith(f"已由该单位后来报送的 {unit}-重报.xlsx 替代，问题已解决")
    assert {r["status"] for r in rows if r["unit"] == "乙区民政局"} == {REJECTED}
    assert data["missing"] == ["市林业局"]
    assert data["coordinator"] == "某市人民政府办公室"
    assert sorted(data["to_return"]) == sorted(["乙区教育局", "乙区卫健局", "乙区民政局", "外单位"])
    # the faulty workbook nobody replaced: its bytes are the first round's, still wrong
    still = of("乙区卫健局")[(INVALID, "乙区卫健局.xlsx")]
    assert still["reason"].startswith("与 ") and "尚未改正：有 " in still["reason"]
    assert not still["identical_to"]


def test_round_two_writes_per_parent_workbooks_and_the_call_list(round_two):
    tmp, res, data = round_two
    assert set(data["by_parent"]) == {"甲区", "乙区", ""}
    jia = nianbao.read_report(data["by_parent"]["甲区"])
    assert jia.meta.unit == "甲区人民政府办公室"  # the district's government is on the list
    city = nianbao.read_report(data["output"])
    assert city.meta.unit == "某市人民政府办公室"
    parts = [nianbao.read_report(p) for p in data["by_parent"].values()]
    assert sum(p["t3.new.total"] for p in parts) == city["t3.new.total"]
    calls = openpyxl.load_workbook(tmp / "催报2.xlsx").active
    listed = [r[1] for r in calls.iter_rows(min_row=4, values_only=True)]
    # who must act first: the files to replace, then the errors, then the silent units
    assert listed == ["外单位", "乙区民政局", "乙区卫健局", "乙区教育局", "市林业局"]
    text = (tmp / "退回2" / "乙区教育局-退回说明.txt").read_text("utf-8-sig")
    assert "内容完全相同" in text


def test_the_consolidated_workbook_offers_drafts_not_invented_texts(round_two):
    tmp, res, data = round_two
    wb = openpyxl.load_workbook(data["output"])
    drafts = wb[say("merge.sheet.drafts")]
    part = say("merge.texts.part", section="一、总体情况", item="（二）依申请公开情况")
    row = next(r for r in drafts.iter_rows(min_row=4, values_only=True) if r[0] == part)
    assert "【甲区卫健局】本单位依申请公开工作第1种写法。" in row[1]
    assert row[2] == data["accepted"]
    report = nianbao.read_report(data["output"])
    lay = layout_of("2021")
    assert all(not report.texts.get(f.id) for f in lay.fields.values()
               if f.kind == "text" and f.table not in ("meta",) and not f.id.endswith(".heading"))
    feedback = wb[say("merge.sheet.feedback")]
    units = [r[1] for r in feedback.iter_rows(min_row=4, values_only=True)]
    assert "乙区教育局" in units and "甲区卫健局" not in units


def test_history_pages(round_two):
    tmp, res, data = round_two
    db = data["database"]
    first = nianbao.actions.merge_history(db, limit=5)
    rest = nianbao.actions.merge_history(db, limit=1000, offset=5)
    assert len(first) == 5 and nianbao.actions.history_size(db) == len(first) + len(rest)
    res = CliRunner().invoke(main, ["merge", "--history", db, "--page", "1"])
    assert res.exit_code == 0 and "乙区教育局" in res.output


def sheet_alone(src: Path, sheet: str, out: Path) -> Path:
    """A copy of ``src`` holding only ``sheet``: what printing that sheet gives."""
    wb = openpyxl.load_workbook(src)
    for name in wb.sheetnames:
        if name != sheet:
            wb.remove(wb[name])
    wb.save(out)
    return out


def glyph_sizes(page) -> list[float]:
    """The size each character is printed at on a pdfplumber page, in points: pdfminer's
    ``size`` is the glyph's height after the text and graphics matrices — where LibreOffice
    puts the scale of a sheet fitted to the page, it is already in — times the page's
    /UserUnit (1 unless the PDF sets one)."""
    unit = float(page.page_obj.attrs.get("UserUnit", 1) or 1)
    return [ch["size"] * unit for ch in page.chars if ch["text"].strip()]


def lines_below_their_row(page) -> list[str]:
    """Text lines of a table that reach below the rule closing their row: cut off in print
    (LibreOffice clips a cell's text to the row, so a line that does not fit is lost)."""
    rules = sorted({round(e["top"], 1) for e in page.edges if e["orientation"] == "h"})
    out = []
    for line in page.extract_text_lines():
        below = [y for y in rules if y > line["top"] + 0.5]
        if below and rules[0] < line["top"] and line["bottom"] > below[0] + 0.5:
            out.append(line["text"])
    return out


@pytest.fixture(scope="module")
def printed(round_two, tmp_path_factory):
    """汇总情况 and 退回说明 of the second round (40 listed units and strays), each printed
    alone by LibreOffice: their pdfplumber PDFs."""
    pdfplumber = pytest.importorskip("pdfplumber")
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    from nianbao.libreoffice import convert

    tmp, res, data = round_two
    out = tmp_path_factory.mktemp("printed")
    sheets = {"summary": say("merge.sheet.summary"), "feedback": say("merge.sheet.feedback")}
    sources = [sheet_alone(Path(data["output"]), name, out / f"{key}.xlsx")
               for key, name in sheets.items()]
    pdfs = convert(sources, "pdf", out, timeout=300)
    opened = {key: pdfplumber.open(pdf) for key, pdf in zip(sheets, pdfs)}
    yield opened
    for pdf in opened.values():
        pdf.close()


@pytest.mark.libreoffice
def test_the_summary_prints_readably_on_a4_landscape(printed, round_two):
    """汇总情况 rendered by LibreOffice: A4 landscape, every character at 9 pt or more as the PDF
    draws it (not the box of a word: a cell fitted to the page is drawn smaller), every unit
    on it, the header on every page, no text cut off below its row."""
    pdf = printed["summary"]
    tmp, res, data = round_two
    text = ""
    for page in pdf.pages:
        assert (round(page.width), round(page.height)) == (842, 595)  # A4 landscape
        sizes = glyph_sizes(page)
        assert sizes and min(sizes) >= 9.0, (page.page_number, min(sizes))
        page_text = page.extract_text()
        assert say("merge.col.reason") in page_text and say("merge.col.phone") in page_text
        assert not lines_below_their_row(page), lines_below_their_row(page)
        text += page_text
    flat = text.replace("\n", "")
    assert len(data["units"]) >= 40
    for unit in {u["unit"] for u in data["units"] if u["unit"]}:
        if display_width(unit) <= 12:  # on one line of its cell (longer names wrap)
            assert unit in flat, unit
    # who must act, and on what: the first errors in short, with the way to the rest
    assert "等 2 处，见退回说明" in flat and "三、依申请公" in flat


@pytest.mark.libreoffice
def test_the_feedback_sheet_prints_whole_messages(printed):
    """退回说明 printed: each message to its last line 「请改正后重新报送。」 inside its row, at
    9 pt or more."""
    pdf = printed["feedback"]
    ends = 0
    for page in pdf.pages:
        sizes = glyph_sizes(page)
        assert sizes and min(sizes) >= 9.0, (page.page_number, min(sizes))
        assert not lines_below_their_row(page), lines_below_their_row(page)
        ends += page.extract_text().count("请改正后重新报送。")
    assert ends >= 2  # the two units with errors


def test_the_summary_is_laid_out_for_print(round_two):
    """Counts right-aligned, long names and reasons wrapped, no technical columns (they are on
    文件明细), the page A4 landscape one page wide at a scale that keeps 11 pt at 9 pt or more —
    what the rendering test then sees."""
    from nianbao.merge.workbook import MIN_PRINTED_SIZE, printed_scale

    tmp, res, data = round_two
    wb = openpyxl.load_workbook(data["output"])
    ws = wb[say("merge.sheet.summary")]
    head = [c.value for c in ws[5]]
    col = {title: i + 1 for i, title in enumerate(head)}
    row = next(r for r in range(6, ws.max_row + 1) if ws.cell(r, col[say("merge.col.unit")]).value == LONG)
    assert ws.cell(row, col[say("merge.col.unit")]).alignment.wrap_text
    assert ws.cell(row, col[say("merge.col.reason")]).alignment.wrap_text
    for title in ("merge.col.errors", "merge.col.warnings", "merge.key.new"):
        assert ws.cell(row, col[say(title)]).alignment.horizontal == "right", title
    for title in ("merge.col.sha256", "merge.col.saved", "merge.col.first_seen", "merge.col.path"):
        assert say(title) not in head, title
    files = [c.value for c in wb[say("merge.sheet.files")][3]]
    assert {say("merge.col.sha256"), say("merge.col.saved"), say("merge.col.first_seen")} <= set(files)
    widths = [ws.column_dimensions[c.column_letter].width for c in ws[5]]
    assert printed_scale(widths) * 11 >= MIN_PRINTED_SIZE
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows.replace("$", "") == "5:5"  # the header on every page
    # the lines over the list wrap inside its width: nothing runs past the printed page
    assert any(str(m) .startswith("A2:") for m in ws.merged_cells.ranges)


def test_a_list_too_wide_for_9_pt_is_not_shrunk_to_the_page(tmp_path):
    """Fitted to the page's width only while that keeps the text at 9 pt or more: a wider list
    prints at the smallest readable scale, over pages side by side, 序号 and unit repeated."""
    from openpyxl import Workbook

    from nianbao.merge.workbook import list_sheet, printed_scale

    wb = Workbook()
    narrow, wide = wb.active, wb.create_sheet("宽")
    list_sheet(wb, narrow, "窄", ["序号", "单位", "说明"], [4, 16, 60], [[1, "甲", "乙"]])
    assert narrow.sheet_properties.pageSetUpPr.fitToPage and narrow.page_setup.fitToWidth == 1
    widths = [4, 16, 60, 60, 60]
    assert printed_scale(widths) * 11 < 9
    list_sheet(wb, wide, "宽", ["序号", "单位", "甲", "乙", "丙"], widths, [[1, "甲", "", "", ""]])
    assert not wide.sheet_properties.pageSetUpPr.fitToPage
    assert wide.page_setup.scale == 82  # 11 pt × 82 % ≥ 9 pt
    assert wide.print_title_cols.replace("$", "") == "A:B"


def test_detailed_exit_codes_tell_missing_from_errors(round_one):
    from dataclasses import replace

    *_, result, _ = round_one
    merged = [r for r in result.rows if r.status == MERGED]
    missing = [r for r in result.rows if r.status == "missing"]
    faulty = [r for r in result.rows if r.status == INVALID]
    for rows, plain, detailed in ((merged, 0, 0), (merged + missing, 1, 4),
                                  (merged + faulty, 1, 5), (merged + missing + faulty, 1, 6),
                                  (missing, 2, 2)):
        done = replace(result, rows=rows)
        assert (done.exit_code, done.detailed_exit_code) == (plain, detailed)
