"""The add-in's paint job and its text for the VBA painter (server mode): built from real
workbooks of both formats, written, read back exactly, and unbreakable by what clerks type."""
from __future__ import annotations

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import consistent_report

from nianbao.addin_marks import (MAGIC, TIME_MARK, VERSION, PaintJob, ResultLine, dump_job,
                                 escape, job_for, load_job, unescape)
from nianbao import check
from nianbao.layout import INFO_SHEET, MARK_RECORD_COL, META_SHEET, layout_of
from nianbao.marks import FILLS, plan_marks
from nianbao.xlsx_writer import write_report

T3, T4 = "三、依申请公开", "四、复议诉讼"
HOSTILE = [
    "=HYPERLINK(\"http://x\",\"点\")", "+1+2", "@SUM(A1)", "-1", "'=1",  # formulas, if not literal
    "a\tb", "第一行\n第二行\r\n第三行", "\\t 不是制表符 \\u4E2D \\\\",  # the escapes' own characters
    "\x00\x01\x1f\x7f\x85\u2028\u2029", "😀 𠀀 emoji and CJK extension B", "\ud800 lone surrogate",
    "end\t0", "nianbao-plan\t1", "", " ", "全角　空格",
]


def job_for_workbook(path, findings=None, purpose="check", file_name=None):
    """The job the server sends for an upload of ``path`` (as ``/api/check?format=vba`` makes
    it: the one reader, the check, :func:`nianbao.addin_marks.job_for`)."""
    from pathlib import Path

    return job_for(findings if findings is not None else check(path),
                   file_name or Path(path).name, purpose)


def hostile_workbook(tmp_path, format_id: str):
    """A workbook whose errors quote hostile texts in their messages."""
    src = write_report(consistent_report(format_id, 3), tmp_path / f"src-{format_id}.xlsx")
    lay = layout_of(format_id)
    wb = openpyxl.load_workbook(src)
    natural = lay.fields["t3.granted.natural"]
    wb[T3][natural.cell] = wb[T3][natural.cell].value + 1
    numbers = [f for f in lay.fields.values() if f.sheet == T4 and f.kind != "text"]
    for f, text in zip(numbers, [t for t in HOSTILE if t.strip() and "\x00" not in t
                                 and "\ud800" not in t]):
        wb[T4][f.cell] = text.replace("\x01", "").replace("\x1f", "").replace("\x7f", "")
        wb[T4][f.cell].data_type = "s"
    out = tmp_path / f"hostile-{format_id}.xlsx"
    wb.save(out)
    return out


# -- escaping -------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escape_is_printable_ascii_and_unescape_inverts_it(text):
    escaped = escape(text)
    assert all(0x20 <= ord(c) < 0x7F for c in escaped)  # no TAB, no line break, no byte > 127
    assert unescape(escaped) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_texts_round_trip(text):
    escaped = escape(text)
    assert "\t" not in escaped and "\n" not in escaped and "\r" not in escaped
    assert unescape(escaped) == text


def test_astral_characters_are_one_escape_and_lone_surrogates_stay_lone():
    assert escape("😀") == "\\U0001F600"
    assert escape("\ud83d\ude00") == "\\uD83D\\uDE00"  # two code points, not one: kept apart
    assert unescape("\\uD83D\\uDE00") == "\ud83d\ude00" != "😀"


@pytest.mark.parametrize("bad", ["\\", "\\x41", "\\u12", "\\u00e9", "\\u0041", "\\u0009",
                                 "\\U0000FFFF", "\\U00110000", "é", "a\tb", "\x7f"])
def test_unescape_refuses_what_escape_never_writes(bad):
    with pytest.raises(ValueError):
        unescape(bad)


# -- the job from real workbooks ------------------------------------------------------------------
@pytest.fixture(params=["2021", "2019"])
def hostile(request, tmp_path):
    return hostile_workbook(tmp_path, request.param), request.param


def test_the_job_marks_what_check_mark_marks(hostile):
    path, format_id = hostile
    findings = check(path)
    job = job_for_workbook(path, findings, file_name="年报.xlsx")
    wb = openpyxl.load_workbook(path)
    plan = plan_marks(findings, wb.sheetnames, "年报.xlsx")
    assert plan.errors >= 2
    # the same cells in the same colours (no previous record: nothing is put back)
    painted = {(s, r, c): colour for s, r1, c1, r2, c2, colour in job.fills
               for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    from nianbao.layout import parse_cell

    assert painted == {(m.sheet, *parse_cell(m.cell)): m.fill[-6:] for m in plan.marks}
    # the same rows as check --mark's 校验结果
    assert [r.values for r in job.rows] == [r.values() for r in plan.rows]
    assert [r.fill for r in job.rows] == [FILLS[r.severity][-6:] for r in plan.rows]
    assert job.result_sheet == "校验结果" and job.result_title == "校验结果：年报.xlsx"
    assert job.headers == plan.headers
    # the result cell on 基本信息, the time left to the clerk's clock
    sheet, cell, text = job.status
    assert (sheet, cell) == (INFO_SHEET, layout_of(format_id).status.run_cell)
    assert text.startswith("✘") and TIME_MARK in text
    # the record: header, then one block a line, in the hidden sheet's record column
    assert job.cells[0] == (META_SHEET, 1, MARK_RECORD_COL, "marked_by_addin")
    assert all(s == META_SHEET and c == MARK_RECORD_COL for s, _, c, _ in job.cells)
    assert job.alert_title == "年报校验" and job.critical and "校验结果" in job.alert_text
    assert job.widths == (6, 8, 24, 20, 80, 10, 10, 24, 13) and job.headers[job.wrap - 1] == "说明"


def test_a_second_run_puts_the_template_fill_back(tmp_path):
    """The record of the previous run (written by the add-in in the hidden sheet) makes the
    next job restore those cells that are no longer faulty."""
    path = hostile_workbook(tmp_path, "2021")
    first = job_for_workbook(path)
    wb = openpyxl.load_workbook(path)
    for _, row, col, value in first.cells:
        wb[META_SHEET].cell(row, col).value = value
    # and a cell marked before that is fine now: an extra record line
    wb[META_SHEET].cell(len(first.cells) + 1, MARK_RECORD_COL).value = f"{INFO_SHEET}!B3"
    wb.save(path)
    second = job_for_workbook(path)
    restored = [f for f in second.fills if f[0] == INFO_SHEET and (f[1], f[2]) == (3, 2)]
    from nianbao.palette import template_fill

    assert restored and restored[0][5] == template_fill("2021", INFO_SHEET, 3, 2)
    assert len(second.cells) == len(first.cells) + 1  # the longer old list is blanked
    assert second.cells[-1][3] is None


def test_the_refused_report_job_lists_the_errors(hostile):
    path, _ = hostile
    job = job_for_workbook(path, purpose="report")
    assert job.alert_title == "生成年报" and job.critical
    assert job.alert_text.startswith("有 ") and "未生成年报" in job.alert_text


# -- the text -------------------------------------------------------------------------------------
def test_the_text_round_trips_exactly(hostile):
    path, _ = hostile
    job = job_for_workbook(path)
    text = dump_job(job)
    assert text.startswith(f"{MAGIC}\t{VERSION}\n") and text.endswith("\n")
    assert all(0x20 <= ord(c) < 0x7F or c in "\t\n" for c in text)
    assert load_job(text) == job
    assert dump_job(load_job(text)) == text
    kinds = [line.split("\t")[0] for line in text.splitlines()]
    assert kinds[:4] == ["nianbao-plan", "alert", "result", "header"]
    assert kinds[-1] == "end" and text.splitlines()[-1] == f"end\t{len(kinds) - 1}"
    # every quoted hostile text is one field of its line
    for line in text.splitlines():
        if line.startswith("row\t"):
            assert len(line.split("\t")) == 1 + 4 + len(job.headers) == 14


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["error", "warning", "notice"]), st.text(),
                          st.one_of(st.none(), st.integers(-10**15, 10**15),
                                    st.floats(allow_nan=False, allow_infinity=False), st.text())),
                max_size=5),
       st.text(), st.one_of(st.none(), st.text()))
def test_any_job_round_trips(rows, text, cell_value):
    job = PaintJob(text, text, True, text, text, text, (text, "b", "c", "d", "e", "f", "g", "h"),
                   tuple(ResultLine(sev, "FFC7CE", text or None, "A1",
                                    (1, sev, text, "t", msg, v, v, "x.y")) for sev, msg, v in rows),
                   ((text, 1, 2, 3, 4, None), ("s", 5, 6, 7, 8, "FFEB9C")), ("s", "C9", text),
                   (("_nianbao", 1, 4, cell_value),))
    assert load_job(dump_job(job)) == job


def test_a_cut_or_tampered_text_is_refused(hostile):
    path, _ = hostile
    text = dump_job(job_for_workbook(path))
    lines = text.splitlines(keepends=True)
    for bad in (text[:-1], "".join(lines[:-1]), "".join(lines[:3] + lines[4:]),
                text.replace(f"{MAGIC}\t{VERSION}", f"{MAGIC}\t1"), text.replace("\tn:", "\tx:", 1),
                "".join(lines[:-1]) + "row\tonly\n" + lines[-1],
                # a row one value short of the header's columns
                "".join(line.rsplit("\t", 1)[0] + "\n" if line.startswith("row\t") else line
                        for line in lines)):
        with pytest.raises(ValueError):
            load_job(bad)


def test_an_unknown_record_kind_is_ignored():
    """A later server may add records an older add-in does not know: they are skipped."""
    job = PaintJob("t", "a", False, "校验结果", "x", "y", ("h",), (), (), None, ())
    lines = dump_job(job).splitlines()
    lines.insert(2, "comment\tsheet\tA1\tnew")
    lines[-1] = f"end\t{len(lines) - 1}"
    assert load_job("\n".join(lines) + "\n") == job


def test_the_code_column_holds_every_code():
    """代码 is no longer the last column: a code wider than it would be cut off by 编号."""
    from nianbao.codes import registry
    from nianbao.marks import RESULT_COLUMNS, RESULT_WIDTHS

    width = RESULT_WIDTHS[RESULT_COLUMNS.index("mark.h.code")]
    assert max(len(code) for code in registry()) + 1 < width  # the indent of one
