"""Generate a report, publish it every way offices do (:mod:`publish`), import each, compare
every statutory cell with the report it started from: ≥ 99.5 % exact, none wrong.

A cell is *exact* when it comes back equal (a blank as blank), *missing* when the importer left
it MISSING (and said so), *wrong* otherwise.  A text publication cannot show where a cell was
printed blank (「规章 30 3」 has three cells): such a row is missing, never guessed — that is what
keeps the text forms below 100 %.  Then the doors: ``import -o`` → ``check`` gives no sum error
on a report whose tables reconcile, and reading the written workbook gives the imported Report.
"""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

import publish
from helpers import consistent_report
from nianbao.cli import main
from nianbao.document import find_soffice
from nianbao.importing import import_report
from nianbao.importing.matcher import match
from nianbao.importing.txt import text_lines
from nianbao.report import MISSING, Report

EXACT_MIN = 0.995
SUM_RULES = ("t3.row", "t3.total", "t3.balance", "t4.sum")

TEXTS = {
    "s1.overview": "2021年，我局坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实"
                   "《中华人民共和国政府信息公开条例》，围绕中心工作全面推进政务公开，政府透明度进一步提升。",
    "s1.active": "全年在门户网站主动公开各类政府信息812条，其中政策解读16条，回应关切5次。",
    "s1.platform": "持续优化门户网站信息公开专栏，及时更新栏目内容。",
    "s5.problems": "一是公开内容不够丰富；二是政策解读形式较为单一。",
    "s6.other": "本年度未收取信息处理费。",
}


def published_report(fmt: str, seed: int) -> Report:
    """A consistent report with an office's texts, its own heading, its contact items, and —
    for one seed in three — a cell of 表三 printed blank (a text cannot show where; 表三's rules
    place it.  A blank in 表二, which no rule reaches, is missing: test_import.py)."""
    r = consistent_report(fmt, seed)
    r.meta.year = r.meta.year + (seed % 3 if fmt == "2021" else 0)
    r.texts.update(TEXTS)
    r.texts["s1.platform.heading"] = "（四）政府信息公开平台建设"
    r.meta.address, r.meta.postcode = "某市人民路8号", "310000"
    r.meta.phone, r.meta.website = "0571-87654321", "http://www.example.gov.cn"
    if seed % 3 == 1:  # a zero of 表三 left blank, as offices leave zeros
        r[next(f for f, v in r.statutory().items() if f.startswith("t3.") and v == 0)] = None
    return r


class Tally:
    def __init__(self) -> None:
        self.cells = self.exact = 0
        self.missing: list[str] = []
        self.wrong: list[tuple] = []

    def add(self, want: Report, got: Report, name: str) -> None:
        for fid, v in want.statutory().items():
            g = got[fid]
            self.cells += 1
            if g is MISSING:
                self.missing.append(f"{name}:{fid}")
            elif g == v and type(g) is type(v):
                self.exact += 1
            else:
                self.wrong.append((name, fid, v, g))

    def check(self) -> None:
        assert self.wrong == []
        assert self.exact / self.cells >= EXACT_MIN, (self.exact, self.cells, self.missing[:20])


def _same_meta_and_texts(want: Report, got: Report, *, texts: bool = True) -> None:
    assert (got.format, got.meta.unit, got.meta.year) == (want.format, want.meta.unit, want.meta.year)
    m, w = got.meta, want.meta
    assert (m.address, m.postcode, m.phone, m.website) == (w.address, w.postcode, w.phone, w.website)
    if texts:
        for key, text in TEXTS.items():
            assert got.texts[key] == text, key
        assert got.texts["s1.platform.heading"] == "（四）政府信息公开平台建设"


@pytest.mark.parametrize("kind", ["word", "web_page", "one_line"])
def test_generated_reports_come_back_from_word_web_pages_and_one_line_text(tmp_path, kind):
    tally = Tally()
    for fmt in ("2021", "2019"):
        for seed in range(9):
            want = published_report(fmt, seed)
            if kind == "word":
                got = import_report(publish.word(want, tmp_path / "年报.docx")).report
            elif kind == "web_page":
                (tmp_path / "年报.html").write_bytes(publish.web_page(want))
                got = import_report(tmp_path / "年报.html").report
            else:
                got = match([publish.one_line(publish.web_page(want))]).report
            tally.add(want, got, f"{fmt}/{seed}")
            _same_meta_and_texts(want, got)
    tally.check()


@pytest.mark.libreoffice
def test_generated_reports_come_back_from_pdfs_and_their_text(tmp_path):
    """PDFs printed by LibreOffice with a running header, 「— n —」 page numbers and tall rows
    (numbers at the top of their cells, two-line labels centred under them): read as a PDF
    (the tables by their cells), and as the text a viewer or pdftotext gives."""
    pytest.importorskip("pdfplumber")
    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    tallies = {k: Tally() for k in ("pdf", "pdfplumber", "pdftotext -layout")}
    for fmt, seed in (("2021", 0), ("2021", 1), ("2019", 2)):
        want = published_report(fmt, seed)
        pdf = publish.awkward_pdf(want, tmp_path, f"{fmt}-{seed}")
        got = import_report(pdf).report
        tallies["pdf"].add(want, got, f"{fmt}/{seed}")
        _same_meta_and_texts(want, got)
        for tool in ("pdfplumber", "pdftotext -layout"):
            got = match(text_lines(publish.pdf_text(pdf, tool))).report
            tallies[tool].add(want, got, f"{fmt}/{seed}")
            _same_meta_and_texts(want, got)
    for tally in tallies.values():
        tally.check()
    assert tallies["pdf"].exact == tallies["pdf"].cells  # a table's cells: blanks included


def test_one_line_run_together_is_never_wrong():
    """The same page stripped of its tags without a space: cells run together (「规章71817」).
    Rows no rule settles are missing and reported; nothing is wrong."""
    tally = Tally()
    for fmt in ("2021", "2019"):
        for seed in range(4):
            want = published_report(fmt, seed)
            im = match([publish.one_line(publish.web_page(want), sep="")])
            tally.add(want, im.report, f"{fmt}/{seed}")
            reported = {f for a in im.ambiguous for f in a.fields}
            assert {f for f in want.statutory() if im.report[f] is MISSING} <= reported
    assert tally.wrong == []


# -- the doors --------------------------------------------------------------------------------------------
def test_import_then_check_of_the_written_workbook_gives_no_sum_error(tmp_path):
    runner = CliRunner()
    for fmt, seed in (("2021", 0), ("2021", 4), ("2019", 3)):
        want = published_report(fmt, seed)
        src = tmp_path / f"{fmt}-{seed}.txt"
        # a PDF's text without its last table: 表四 is missing, every value of it
        text = publish.one_line(publish.web_page(want))
        src.write_text(text[:text.index("四、政府信息公开行政复议")], encoding="utf-8")
        out = tmp_path / f"{fmt}-{seed}.xlsx"
        res = runner.invoke(main, ["import", str(src), "-o", str(out)])
        assert res.exit_code == 0, res.output
        imported = import_report(src).report
        assert any(v is MISSING for f, v in imported.statutory().items() if f.startswith("t4."))
        from nianbao.reader import read_report

        assert read_report(out) == imported  # missing read back as missing, not blank or 0
        res = runner.invoke(main, ["check", str(out), "--json"])
        rules = {f["rule"] for f in json.loads(res.output)[0]["findings"]}
        assert "rule.missing" in rules and not rules & set(SUM_RULES), rules


@pytest.mark.parametrize("sample", ["district-office-2021", "fenghua-zwb-2021", "nanxun-zwb-2021"])
def test_the_real_samples_through_their_workbooks(tmp_path, sample):
    from pathlib import Path

    from nianbao.reader import read_report

    src = Path(__file__).parent / "data" / "samples" / f"{sample}.txt"
    out = tmp_path / "年报.xlsx"
    CliRunner().invoke(main, ["import", str(src), "-o", str(out)])
    assert read_report(out) == import_report(src).report
    res = CliRunner().invoke(main, ["check", str(out), "--json"])
    rules = {f["rule"] for f in json.loads(res.output)[0]["findings"]}
    assert not rules & set(SUM_RULES), rules


def test_new_from_a_published_report_names_last_years_defects_as_notices(tmp_path):
    last = published_report("2021", 3)
    text = publish.one_line(publish.web_page(last))
    # last year's text lost a row's numbers
    text = re.sub(r"2\.重复申请( \d+)+", "2.重复申请", text, count=1)
    src = tmp_path / "2021年报.txt"
    src.write_text(text, encoding="utf-8")
    imported = import_report(src).report
    lost = [f for f in imported.missing() if f.startswith("t")]
    assert lost
    res = CliRunner().invoke(main, ["new", "--from", str(src), "-o", str(tmp_path / "2022.xlsx")])
    assert res.exit_code == 0, res.output
    assert "上年报告（2021年度" in res.output and "均属上年" in res.output
    assert f"有 {len(lost)} 个数值" in res.output or f"{len(lost)} 个数值" in res.output
    res = CliRunner().invoke(main, ["import", str(src)])
    extras = len(imported.missing()) - len(lost)
    assert f"缺失 {len(lost)} 个表格数值" in res.output and f"第六部分 {extras} 项" in res.output


def test_new_from_a_published_report_cites_its_places_not_template_cells(tmp_path):
    """Last year's defects found in a published report name the report's own table, row and
    column — as the audit does — never a template cell (「请优先核对 D18」) it does not have."""
    from nianbao import start_from_last_year

    last = published_report("2021", 4)
    last["t3.granted.natural"] = last.number("t3.granted.natural") + 5  # its sums now fail
    src = tmp_path / "2021年报.txt"
    src.write_text(publish.one_line(publish.web_page(last)), encoding="utf-8")
    ny = start_from_last_year(src, tmp_path / "2022.xlsx")
    sums = [f for f in ny.notes if f.rule.startswith("t3.")]
    assert sums, [f.message for f in ny.notes]
    cell = re.compile(r"[（(][A-Z]{1,3}\d{1,3}[）)]|核对 ?[A-Z]{1,3}\d|[A-Z]{1,3}\d{1,3}[:：][A-Z]")
    for f in ny.notes:
        assert f.sheet is None and f.cell is None and not f.hints, f
        assert not cell.search(f.message), f.message
    assert any("自然人" in f.message for f in sums)
