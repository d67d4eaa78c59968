"""The 校验 and 生成报告 buttons run through xlwings' real remote engine: ``xw.Book(json=…)``
built from a real workbook, and ``book.json()["actions"]`` — what Excel would be asked to do —
checked against the core's plan and against what xlwings' VBA remote client can apply."""
from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("xlwings")

from helpers import consistent_report, not_a_report  # noqa: E402
from xlwings_payload import (  # noqa: E402
    apply_to_xlsx,
    apply_values,
    payload,
    remote_client_actions,
    remote_xlwings,
)

from nianbao.addin import (consolidate_folder, generate_report, import_last_year,  # noqa: E402
                           review_selected, validate)
from nianbao import check, mark_workbook
from nianbao.xlsx_marks import STORE_SHEET
from nianbao.document import find_soffice
from nianbao.layout import (INFO_SHEET, MARK_RECORD_COL, META_SHEET, cell_address, layout_of,
                            parse_cell)
from nianbao.marks import FILLS, RESULT_FIRST_ROW, plan_marks
from nianbao.reader import read_report
from nianbao.xlsx_writer import INPUT_FILL, write_report

T3, T4, RESULTS = "三、依申请公开", "四、复议诉讼", "校验结果"
# what the VBA remote client of the pinned xlwings (0.37.8, addin/Remote.bas) can apply: one
# procedure per action; a test below reads the shipped file, so a new pin shows what changed
REMOTE_BAS_ACTIONS = frozenset({
    "activateSheet", "addHyperlink", "addPicture", "addSheet", "addTable", "alert", "copyRange",
    "deletePicture", "nameDelete", "namesAdd", "rangeClear", "rangeClearContents",
    "rangeClearFormats", "rangeDelete", "rangeInsert", "rangeSelect", "resizeTable", "runMacro",
    "setAutofit", "setNumberFormat", "setPictureHeight", "setPictureName", "setPictureWidth",
    "setRangeColor", "setRangeName", "setSheetName", "setTableName", "setTableStyle",
    "setValues", "sheetClear", "sheetClearContents", "sheetClearFormats", "sheetDelete",
    "showAutofilterTable", "showHeadersTable", "showTotalsTable", "updatePicture",
})
FORMATS = ("2021", "2019")


@pytest.fixture(autouse=True)
def xw(monkeypatch):
    return remote_xlwings(monkeypatch)


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def good_workbook(tmp_path: Path, format_id: str) -> Path:
    r = consistent_report(format_id, 3)
    r.meta.unit = "某区政务办"
    r.texts["s5.problems"] = "人员力量较为薄弱，业务能力有待加强，公开的规范性和主动性不高。"
    return write_report(r, tmp_path / f"good-{format_id}.xlsx")


def bad_workbook(tmp_path: Path, format_id: str) -> Path:
    """Two rules broken in table 3 and a text in table 4 that reads like a formula."""
    src = good_workbook(tmp_path, format_id)
    lay = layout_of(format_id)
    wb = openpyxl.load_workbook(src)
    natural = lay.fields["t3.granted.natural"]
    wb[T3][natural.cell] = wb[T3][natural.cell].value + 1
    upheld = lay.fields["t4.review.upheld"]
    wb[T4][upheld.cell] = "=1+2 不是数字"
    wb[T4][upheld.cell].data_type = "s"
    out = tmp_path / f"bad-{format_id}.xlsx"
    wb.save(out)
    return out


def run(button, data: dict, *args):
    import xlwings

    book = xlwings.Book(json=copy.deepcopy(data))
    result = button(book, *args)
    return result, book.json()["actions"]


def sheet_names(data: dict, actions: list[dict]) -> list[list[str]]:
    """The sheet names as each action sees them (sheets are added during a run)."""
    names = [s["name"] for s in data["sheets"]]
    out = []
    for a in actions:
        out.append(list(names))
        if a["func"] == "addSheet":
            names.insert(a["args"][0], a["args"][1])
    return out


def cells_of(a: dict) -> list[tuple[int, int]]:
    return [(a["start_row"] + 1 + i, a["start_column"] + 1 + j)
            for i in range(a["row_count"]) for j in range(a["column_count"])]


def painted(data: dict, actions: list[dict]) -> dict[tuple[str, str], str]:
    """(sheet, cell) → the last colour set there, outside 校验结果."""
    out = {}
    for a, names in zip(actions, sheet_names(data, actions)):
        if a["func"] == "setRangeColor" and names[a["sheet_position"]] != RESULTS:
            for r, c in cells_of(a):
                out[(names[a["sheet_position"]], cell_address(r, c))] = a["args"][0]
    return out


def written(data: dict, actions: list[dict]) -> dict[tuple[str, str], object]:
    """(sheet, cell) → value of every setValues."""
    out = {}
    for a, names in zip(actions, sheet_names(data, actions)):
        if a["func"] == "setValues":
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    out[(names[a["sheet_position"]],
                         cell_address(a["start_row"] + 1 + i, a["start_column"] + 1 + j))] = v
    return out


def hex_of(argb: str) -> str:
    return "#" + argb[-6:]


def assert_client_can_apply(actions: list[dict]) -> None:
    emitted = {a["func"] for a in actions}
    assert emitted <= REMOTE_BAS_ACTIONS, emitted - REMOTE_BAS_ACTIONS


def test_the_shipped_vba_client_applies_these_actions():
    assert remote_client_actions() == REMOTE_BAS_ACTIONS


def assert_no_input_written(format_id: str, data: dict, actions: list[dict]) -> None:
    lay = layout_of(format_id)
    inputs = {(f.sheet, f.cell) for f in lay.fields.values()}
    allowed = {(INFO_SHEET, lay.status.run_cell)}
    for (sheet, cell), _ in written(data, actions).items():
        if sheet in (RESULTS,):
            continue
        if sheet == META_SHEET:
            assert parse_cell(cell)[1] == MARK_RECORD_COL, cell
            continue
        assert (sheet, cell) in allowed and (sheet, cell) not in inputs, (sheet, cell)


# -- 校验 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("format_id", FORMATS)
def test_validate_marks_the_faulty_cells_and_lists_the_findings(tmp_path, format_id):
    path = bad_workbook(tmp_path, format_id)
    before = sha(path)
    data = payload(path)
    findings, actions = run(validate, data)
    assert sha(path) == before
    expected = check(path)
    assert [f.to_dict() for f in findings] == [f.to_dict() for f in expected]
    assert_client_can_apply(actions)
    assert_no_input_written(format_id, data, actions)

    # the faulty cells coloured, errors and warnings by their own colours: exactly the plan's
    plan = plan_marks(expected, [s["name"] for s in data["sheets"]], path.name)
    assert painted(data, actions) == {(m.sheet, m.cell): hex_of(m.fill) for m in plan.marks}
    lay = layout_of(format_id)
    row_total = lay.fields["t3.granted.total"]
    assert painted(data, actions)[(T3, row_total.cell)] == hex_of(FILLS["error"])

    # 校验结果: title, summary, headers, one row per finding, errors first, text stays text
    values = written(data, actions)
    assert values[(RESULTS, "A1")] == "'" + plan.title
    assert values[(RESULTS, "A2")].startswith(f"'共 {plan.errors} 个错误")
    assert [values[(RESULTS, cell_address(4, j + 1))] for j in range(len(plan.headers))] \
        == ["'" + h for h in plan.headers]
    levels = [values[(RESULTS, cell_address(5 + i, 2))] for i in range(len(plan.rows))]
    assert levels == ["'" + r.level for r in plan.rows] and levels[0] == "'错误"
    assert (RESULTS, cell_address(5 + len(plan.rows), 1)) not in values
    assert "'=1+2 不是数字" in values.values()
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@"))
                   for v in values.values())
    links = [a for a in actions if a["func"] == "addHyperlink"]
    assert len(links) == sum(1 for r in plan.rows if r.sheet)
    assert f"#'{T3}'!{row_total.cell}" in {a["args"][0] for a in links}

    # the result of this run on 基本信息, and a Chinese summary at the end
    status = values[(INFO_SHEET, lay.status.run_cell)]
    assert status.startswith(f"'✘ {plan.errors} 处错误")
    assert actions[-1]["func"] == "alert"
    assert actions[-1]["args"][0].startswith(f"发现 {plan.errors} 处错误")
    assert sum(a["func"] == "alert" for a in actions) == 1


def test_the_workbook_after_validate_holds_the_same_values(tmp_path):
    """The actions applied to the file as the VBA client would: every cell of the user's sheets
    keeps its value except the add-in's result cell, and the report reads the same."""
    path = bad_workbook(tmp_path, "2021")
    data = payload(path)
    _, actions = run(validate, data)
    after = apply_to_xlsx(path, actions, tmp_path / "after.xlsx")
    run_cell = (INFO_SHEET, layout_of("2021").status.run_cell)
    before_wb, after_wb = openpyxl.load_workbook(path), openpyxl.load_workbook(after)
    for ws in before_wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if (ws.title, c.coordinate) != run_cell and not (
                        ws.title == META_SHEET and c.column == MARK_RECORD_COL):
                    assert after_wb[ws.title][c.coordinate].value == c.value, (ws.title, c)
    assert after_wb[RESULTS]["G7"].value is not None
    assert read_report(after).to_dict() == read_report(path).to_dict()
    assert [f.message for f in check(after)] == [f.message for f in check(path)]


def test_validate_a_clean_workbook(tmp_path):
    path = good_workbook(tmp_path, "2021")
    data = payload(path)
    findings, actions = run(validate, data)
    assert findings.errors == 0
    assert_client_can_apply(actions)
    assert {v for (s, _), v in painted(data, actions).items()} <= {hex_of(FILLS["notice"]),
                                                                  hex_of(FILLS["warning"])}
    status = written(data, actions)[(INFO_SHEET, layout_of("2021").status.run_cell)]
    assert status.startswith("'✔ 通过")
    assert actions[-1]["func"] == "alert" and actions[-1]["args"][3] == "info"


def test_validate_again_puts_back_what_it_marked_before(tmp_path):
    path = bad_workbook(tmp_path, "2021")
    data = payload(path)
    _, first = run(validate, data)
    marked_before = painted(data, first)
    # what Excel holds after the first run, then the clerk fixes table 3
    after = apply_values(copy.deepcopy(data), first)
    lay = layout_of("2021")
    natural = lay.fields["t3.granted.natural"]
    row, col = natural.row, natural.col
    t3 = next(s for s in after["sheets"] if s["name"] == T3)
    t3["values"][row - 1][col - 1] -= 1
    findings, second = run(validate, after)
    assert_client_can_apply(second)
    now = painted(after, second)
    plan = plan_marks(findings, [s["name"] for s in after["sheets"]], path.name)
    fixed = set(marked_before) - plan.marked()
    assert (T3, lay.fields["t3.granted.total"].cell) in fixed
    for cell in fixed:  # the template's own fill is back
        assert now[cell] == "#" + INPUT_FILL
    for m in plan.marks:
        assert now[(m.sheet, m.cell)] == hex_of(m.fill)
    # the old 校验结果 is cleared and rewritten, not added a second time
    assert not any(a["func"] == "addSheet" for a in second)
    assert any(a["func"] == "sheetClear" for a in second)


@pytest.mark.parametrize("format_id", FORMATS)
def test_check_mark_and_validate_mark_the_same_cells(tmp_path, format_id):
    """One decision, two doors: the openpyxl marked copy and the add-in colour the same cells
    with the same colours for the same findings."""
    path = bad_workbook(tmp_path, format_id)
    out = tmp_path / "marked.xlsx"
    mark_workbook(path, out)
    original, marked = openpyxl.load_workbook(path), openpyxl.load_workbook(out)
    by_openpyxl = {}
    for ws in original.worksheets:
        for row in ws.iter_rows():
            for c in row:
                fill = marked[ws.title][c.coordinate].fill
                if fill.fgColor.rgb != c.fill.fgColor.rgb:
                    by_openpyxl[(ws.title, c.coordinate)] = hex_of(fill.fgColor.rgb)
    assert STORE_SHEET in marked.sheetnames
    data = payload(path)
    _, actions = run(validate, data)
    assert painted(data, actions) == by_openpyxl
    assert len(by_openpyxl) >= 3


# -- bad input --------------------------------------------------------------------------------------
@pytest.mark.parametrize("button", [validate, generate_report])
def test_a_workbook_that_is_not_a_report_gets_a_chinese_alert(tmp_path, button):
    data = payload(not_a_report(tmp_path))
    result, actions = run(button, data)
    assert result is None
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][0].startswith("无法校验这个工作簿")
    assert "不是年报工作簿" in actions[0]["args"][0] and actions[0]["args"][3] == "critical"


def test_a_broken_sheet_is_reported_not_raised(tmp_path):
    path = good_workbook(tmp_path, "2021")
    wb = openpyxl.load_workbook(path)
    wb[T3].delete_rows(8)  # the labels move: table 3 cannot be read
    wb[T4].title = "四、复议"  # and table 4 is renamed
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    data = payload(broken)
    findings, actions = run(validate, data)
    rules = {f.rule for f in findings}
    assert {"read.label_moved", "read.sheet_missing"} <= rules
    assert_client_can_apply(actions)
    assert_no_input_written("2021", data, actions)
    assert actions[-1]["func"] == "alert" and "处错误" in actions[-1]["args"][0]


# -- 生成报告 ---------------------------------------------------------------------------------------
def test_generate_report_refuses_on_errors_and_marks_them(tmp_path):
    path = bad_workbook(tmp_path, "2021")
    data = payload(path)
    out = tmp_path / "年报.docx"
    result, actions = run(generate_report, data, out)
    assert result is None and not out.exists()
    assert_client_can_apply(actions)
    plan = plan_marks(check(path), [s["name"] for s in data["sheets"]], path.name)
    assert painted(data, actions) == {(m.sheet, m.cell): hex_of(m.fill) for m in plan.marks}
    alert = actions[-1]
    assert alert["func"] == "alert" and alert["args"][3] == "critical"
    assert alert["args"][0].startswith(f"有 {plan.errors} 处错误，未生成年报")
    assert all(r.message in alert["args"][0] for r in plan.rows if r.severity == "error")


def test_generate_report_writes_the_document_and_says_where(tmp_path):
    path = good_workbook(tmp_path, "2021")
    before = sha(path)
    data = payload(path)
    out = tmp_path / "输出" / "年报.docx"
    result, actions = run(generate_report, data, out)
    assert result == out and out.is_file() and sha(path) == before
    assert [a["func"] for a in actions] == ["alert"]
    text = actions[0]["args"][0]
    assert text.startswith("已生成年报") and str(out) in text
    if find_soffice():
        assert out.with_suffix(".pdf").is_file() and str(out.with_suffix(".pdf")) in text
    else:
        assert "未生成 PDF" in text
    import docx

    body = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "某区政务办" in body


def test_generate_report_never_writes_over_the_workbook(tmp_path):
    path = good_workbook(tmp_path, "2021")
    data = payload(path)
    data["book"]["name"] = str(path)  # as desktop Excel knows a saved book: its full name
    before = sha(path)
    result, actions = run(generate_report, data, path)
    assert result is None and sha(path) == before
    assert "不能把结果写到输入文件" in actions[-1]["args"][0]


def test_generate_report_needs_a_folder_for_an_unsaved_book(tmp_path):
    data = payload(good_workbook(tmp_path, "2021"))  # the remote engine knows the name only
    result, actions = run(generate_report, data)
    assert result is None and "还没有保存到文件夹" in actions[-1]["args"][0]


# -- painting in few actions ------------------------------------------------------------------------
def test_blocks_cover_exactly_the_cells_with_their_colours():
    from hypothesis import given
    from hypothesis import strategies as st

    from nianbao.layout import parse_cell
    from nianbao.painting import rectangles

    cells = st.dictionaries(
        st.tuples(st.sampled_from(["甲", "乙"]),
                  st.builds(lambda r, c: cell_address(r, c), st.integers(1, 6), st.integers(1, 6))),
        st.sampled_from(["#FFC7CE", "#FFEB9C", None]), max_size=30)

    @given(cells)
    def check_cover(colours):
        covered = {}
        for fill in rectangles(colours):
            sheet, colour = fill.sheet, fill.colour
            first, _, last = fill.range.partition(":")
            (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    assert (sheet, cell_address(r, c)) not in covered
                    covered[(sheet, cell_address(r, c))] = colour
        assert covered == colours

    check_cover()


# -- 汇总 and 导入上年: the same calls as `nianbao merge` and `nianbao new --from` ---------------------
def test_consolidate_button_merges_a_folder_without_touching_it(tmp_path):
    from nianbao import consolidate

    folder = tmp_path / "收件"
    folder.mkdir()
    for i, unit in enumerate(("甲局", "乙局", "丙镇")):
        r = consistent_report("2021", 10 + i)
        r.meta.unit, r.meta.year = unit, 2021
        write_report(r, folder / f"{unit}.xlsx")
    before = {p.name: sha(p) for p in folder.iterdir()}
    data = payload(good_workbook(tmp_path, "2021"))
    result, actions = run(consolidate_folder, data, folder)
    assert result == folder / "汇总.xlsx" and result.is_file()
    assert {p.name: sha(p) for p in folder.iterdir() if p.name in before} == before
    assert [a["func"] for a in actions] == ["alert"]  # the remote clients cannot open the file
    assert "已汇总 3 个单位" in actions[0]["args"][0] and str(result) in actions[0]["args"][0]
    # the same sums as `nianbao merge`; a second click never overwrites the first result
    again, _ = run(consolidate_folder, data, folder)
    assert again == folder / "汇总-2.xlsx"
    direct = consolidate([folder], tmp_path / "merge.xlsx")
    assert read_report(result).values == read_report(direct.output).values


def test_consolidate_button_on_an_empty_folder_says_so(tmp_path):
    (tmp_path / "空").mkdir()
    data = payload(good_workbook(tmp_path, "2021"))
    result, actions = run(consolidate_folder, data, tmp_path / "空")
    assert result is None and actions[-1]["func"] == "alert"
    assert actions[-1]["args"][0] and "Traceback" not in actions[-1]["args"][0]


def test_import_last_year_button_starts_this_year_beside_last_years(tmp_path):
    last = consistent_report("2021", 20)
    last.meta.unit, last.meta.year = "某区政务办", 2024
    src = write_report(last, tmp_path / "2024年报.xlsx")
    before = sha(src)
    data = payload(good_workbook(tmp_path, "2021"))
    result, actions = run(import_last_year, data, src)
    assert result == tmp_path / "2025年报.xlsx" and sha(src) == before
    made = read_report(result)
    assert made.meta.year == 2025 and made.meta.unit == "某区政务办"
    assert made["t3.carried.natural"] == last["t3.carry_forward.natural"]
    assert actions[-1]["func"] == "alert" and str(result) in actions[-1]["args"][0]


def test_the_pickers_need_desktop_excel(tmp_path):
    data = payload(good_workbook(tmp_path, "2021"))
    for button in (consolidate_folder, import_last_year):
        result, actions = run(button, data)
        assert result is None and "桌面版 Excel" in actions[-1]["args"][0]


# -- 复核: dismiss the warnings and notices selected on 校验结果 --------------------------------------
REASON = "经核实，系统计口径不同"


def checked_and_saved(tmp_path: Path, source: Path) -> tuple[Path, list]:
    """``source`` after 校验 ran on it and the clerk saved it (the VBA client's actions applied
    to the file); and the 校验结果 rows as the plan lists them."""
    data = payload(source)
    _, actions = run(validate, data)
    saved = apply_to_xlsx(source, actions, tmp_path / "年报.xlsx")
    plan = plan_marks(check(source), [s["name"] for s in data["sheets"]], source.name)
    return saved, list(plan.rows)


def on_results(path: Path, selection: str | None) -> dict:
    """The payload of ``path`` as desktop Excel sends it when the clerk has ``selection`` on
    校验结果 (the book known by its full name, as a saved book is)."""
    data = payload(path)
    data["book"]["name"] = str(path)
    data["book"]["active_sheet_index"] = [s["name"] for s in data["sheets"]].index(RESULTS)
    data["book"]["selection"] = selection
    return data


def sample_with_an_error(tmp_path: Path) -> Path:
    """The bundled sample (its warnings and notices are real ones) with one sum broken."""
    from nianbao.samples import sample_path

    wb = openpyxl.load_workbook(sample_path())
    wb[T3]["D6"] = wb[T3]["D6"].value + 1
    out = tmp_path / "来稿.xlsx"
    wb.save(out)
    return out


def test_review_dismisses_the_selected_rows_in_a_copy(tmp_path):
    saved, rows = checked_and_saved(tmp_path, sample_with_an_error(tmp_path))
    before = sha(saved)
    assert rows[0].severity == "error"
    picked = [i for i, r in enumerate(rows) if r.severity != "error"][:3]
    # rows by any of their cells, an 编号 cell alone, and an error's row (which is skipped)
    first = RESULT_FIRST_ROW
    selection = (f"B{first + picked[0]}:C{first + picked[1]},I{first + picked[2]},"
                 f"E{first}")
    result, actions = run(review_selected, on_results(saved, selection), REASON)
    assert result == tmp_path / "年报-已复核.xlsx" and sha(saved) == before
    assert [a["func"] for a in actions] == ["alert"]  # nothing painted into the open book
    text = actions[0]["args"][0]
    assert "已将 3 项标为已复核" in text and str(result) in text and REASON in text
    assert "另有 1 处错误，错误不能复核" in text
    again = check(result)
    assert sorted(f.id for f, _ in again.dismissed) == sorted(rows[i].id for i in picked)
    assert {why for _, why in again.dismissed} == {REASON}
    assert again.errors == sum(r.severity == "error" for r in rows)  # errors stay open
    # a second click never writes over the first copy
    second, _ = run(review_selected, on_results(saved, f"A{first + picked[0]}"), REASON)
    assert second == tmp_path / "年报-已复核-2.xlsx"
    assert [f.id for f, _ in check(second).dismissed] == [rows[picked[0]].id]


def test_review_of_the_whole_id_column_takes_every_warning_and_notice(tmp_path):
    saved, rows = checked_and_saved(tmp_path, sample_with_an_error(tmp_path))
    result, _ = run(review_selected, on_results(saved, "I:I"), REASON)
    reviewable = {r.id for r in rows if r.severity != "error"}
    assert {f.id for f, _ in check(result).dismissed} == reviewable
    assert [f.rule for f in check(result)] == [r.code for r in rows if r.severity == "error"]


@pytest.mark.parametrize("case", ["elsewhere", "errors only", "no reason", "cannot ask",
                                  "no id column", "not saved", "changed since"])
def test_review_says_why_and_writes_nothing(tmp_path, case):
    saved, rows = checked_and_saved(tmp_path, sample_with_an_error(tmp_path))
    reviewable = [RESULT_FIRST_ROW + i for i, r in enumerate(rows) if r.severity != "error"][:2]
    data = on_results(saved, f"A{reviewable[0]}:A{reviewable[1]}")
    reason: str | None = REASON
    expected = {"elsewhere": "请在「校验结果」表中选中", "errors only": "所选的行中没有警告或提示",
                "no reason": "没有写明理由", "cannot ask": "桌面版 Excel",
                "no id column": "请先点「校验」", "not saved": "还没有保存到文件夹",
                "changed since": "单元格改动后编号会变"}[case]
    if case == "elsewhere":
        data["book"]["active_sheet_index"] = 0
    elif case == "errors only":
        data["book"]["selection"] = f"A{RESULT_FIRST_ROW}"
    elif case == "no reason":
        reason = "  "
    elif case == "cannot ask":
        reason = None
    elif case == "no id column":  # a 校验结果 written before 编号 existed
        sheet = next(s for s in data["sheets"] if s["name"] == RESULTS)
        for row in sheet["values"]:
            del row[8:]
    elif case == "not saved":
        data["book"]["name"] = saved.name
    elif case == "changed since":  # the saved file no longer has the findings selected
        wb = openpyxl.load_workbook(saved)
        for r in reviewable:
            sheet, cell = wb[RESULTS].cell(r, 3).value.split("!")
            wb[sheet][cell] = "改过了"
        wb.save(saved)
    result, actions = run(review_selected, data, reason)
    assert result is None
    assert [a["func"] for a in actions] == ["alert"] and actions[0]["args"][3] == "critical"
    assert expected in actions[0]["args"][0], actions[0]["args"][0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["年报.xlsx", "来稿.xlsx"]


def test_the_rows_a_selection_covers():
    from nianbao.marks import selected_rows

    assert selected_rows("A5") == {5}
    assert selected_rows("$B$5:$C$7,$I$9") == {5, 6, 7, 9}
    assert selected_rows("5:6") == {5, 6}
    assert selected_rows("I:I") is None
    assert selected_rows(None) == set() and selected_rows("") == set()


class DesktopExcel:
    """What 复核 asks of desktop Excel alone — the selection, Application.InputBox,
    Workbook.SaveCopyAs, Workbooks.Open — as a recording fake around a remote-engine book (the
    rest: sheets, values, alerts, painting).  Not Excel: the COM calls are only recorded here."""

    def __init__(self, book, selection: str, answer, open_as_saved: Path, copy_from: Path):
        from types import SimpleNamespace as NS

        import xlwings

        self._book, self.calls, self.opened = book, [], []

        def input_box(**kw):
            self.calls.append(("InputBox", kw))
            return answer

        def save_copy(path):
            self.calls.append(("SaveCopyAs", path))
            Path(path).write_bytes(copy_from.read_bytes())  # the book as it is open

        def open_book(path):
            self.calls.append(("Open", path))
            data = payload(path)
            self.opened.append(xlwings.Book(json=data))
            return self.opened[-1]

        self.app = NS(engine=NS(name="excel"), api=NS(InputBox=input_box),
                      books=NS(open=open_book), alert=book.app.alert)
        self.api = NS(SaveCopyAs=save_copy)
        self.selection = NS(sheet=NS(name=RESULTS), address=selection)
        self.fullname = str(open_as_saved)

    def __getattr__(self, name):
        return getattr(self._book, name)


def test_review_in_desktop_excel_asks_copies_the_open_book_and_checks_the_copy(tmp_path):
    source = sample_with_an_error(tmp_path)
    shown, rows = checked_and_saved(tmp_path, source)  # the book as open after 校验, unsaved:
    on_disk = tmp_path / "单位年报.xlsx"  # the file on disk is still the one before 校验
    on_disk.write_bytes(source.read_bytes())
    picked = [i for i, r in enumerate(rows) if r.severity != "error"][:2]
    import xlwings

    book = xlwings.Book(json=on_results(shown, None))
    excel = DesktopExcel(book, f"$A${RESULT_FIRST_ROW + picked[0]}:$C${RESULT_FIRST_ROW + picked[1]}",
                         REASON, on_disk, shown)
    result = review_selected(excel)
    assert result == tmp_path / "单位年报-已复核.xlsx" and sha(on_disk) == sha(source)
    kinds = [c[0] for c in excel.calls]
    assert kinds == ["InputBox", "SaveCopyAs", "Open"]
    assert excel.calls[0][1]["Type"] == 2 and "2 项" in excel.calls[0][1]["Prompt"]
    assert excel.calls[2][1] == str(result)
    again = check(result)
    assert sorted(f.id for f, _ in again.dismissed) == sorted(rows[i].id for i in picked)
    # the copy, opened, is checked again: its 校验结果 no longer lists what was dismissed
    (opened,) = excel.opened
    painted_rows = written(payload(result), opened.json()["actions"])
    ids = {v.lstrip("'") for (sheet, cell), v in painted_rows.items()
           if sheet == RESULTS and cell.startswith("I") and isinstance(v, str)}
    assert ids >= {f.id for f in again} and not ids & {rows[i].id for i in picked}
    # one message box at the end (the remote engine records it on the book opened last)
    alerts = [a for b in (book, opened) for a in b.json()["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1 and "另存为并已打开" in alerts[0]["args"][0]
    assert str(result) in alerts[0]["args"][0] and "发现" in alerts[0]["args"][0]
    # Cancel in the input box (Excel gives False): nothing written, one line says why
    cancelled = DesktopExcel(xlwings.Book(json=on_results(shown, None)), "$A$7", False, on_disk,
                             shown)
    assert review_selected(cancelled) is None
    assert [c[0] for c in cancelled.calls] == ["InputBox"]
    assert not (tmp_path / "单位年报-已复核-2.xlsx").exists()
