"""Published reports from strangers (issue 30, items 1–3): what the importer meets besides real
reports — numbers of thousands of digits, pages that leave their tags open, Word files built to
exhaust a parser, PDFs without bounds — is refused or read within bounds, with one Chinese
message.  The commands' contract over the same files (exit code, time, memory, no English) is
tested through the installed command in ``test_hostile_doors.py``."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from helpers import consistent_report
from nianbao.cli import main
from nianbao.importing.html import html_lines
from nianbao.importing.matcher import match
from nianbao.importing.plain import plain_text
from nianbao.importing.text import BLANK
from nianbao.importing.txt import text_lines


# -- numbers too long (item 3) ------------------------------------------------------------------
def _with_first_number(text: str, row: str, number: str) -> str:
    line = next(line for line in text.splitlines() if line.startswith(row))
    return text.replace(line, re.sub(r"\d+", number, line, count=1))


@pytest.mark.parametrize("digits", [16, 5000])
def test_a_number_longer_than_a_cell_takes_is_out_of_range_as_in_a_workbook(digits):
    text = _with_first_number(plain_text(consistent_report("2021", seed=3)),
                              "一、本年新收政府信息公开申请数量", "9" * digits)
    r = match(text_lines(text)).report
    found = [f for f in r.findings if f.rule == "read.out_of_range"]
    assert [f.field for f in found] == ["t3.new.natural"] and found[0].severity == "error"
    assert found[0].cell == "D6" and "超出可处理的范围" in found[0].message
    assert len(found[0].message) < 200  # the digits are not all quoted
    assert r["t3.new.natural"].raw == "9" * digits  # kept as written, not a number


def test_fifteen_digits_are_still_a_number():
    text = _with_first_number(plain_text(consistent_report("2021", seed=3)),
                              "一、本年新收政府信息公开申请数量", "9" * 15)
    r = match(text_lines(text)).report
    assert r["t3.new.natural"] == 10 ** 15 - 1
    assert not [f for f in r.findings if f.rule == "read.out_of_range"]


def test_check_names_an_over_long_number_once(tmp_path):
    path = tmp_path / "上年.txt"
    path.write_text(_with_first_number(plain_text(consistent_report("2021", seed=3)),
                                       "一、本年新收政府信息公开申请数量", "7" * 5000), "utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    assert result.exit_code == 1, result.output

    findings = json.loads(result.output)[0]["findings"]
    at = [f["rule"] for f in findings if f["cell"] == "D6" and f["sheet"] == "三、依申请公开"]
    assert at.count("read.out_of_range") == 1 and "value.invalid" not in at  # named once


# -- web pages (item 2) --------------------------------------------------------------------------
def test_a_page_that_leaves_its_tags_open_reads_as_a_browser_shows_it():
    # no </head>: the standard library's tokenizer never saw the head end and dropped the page
    page = ("<html><head><title>某局年报</title><style>p{}</style>"
            "<body><p>一、总体情况<p>全年主动公开信息12条。"
            "<table><tr><td>行政许可<td>3<td>0<tr><td>行政处罚<td></td><td>5</table>"
            "<p>二、主动公开政府信息情况")
    assert html_lines(page) == ["一、总体情况", "全年主动公开信息12条。", "行政许可\t3\t0",
                                f"行政处罚\t{BLANK}\t5", "二、主动公开政府信息情况"]


def test_unclosed_tags_entities_and_nesting_are_only_text():
    # (time is the contract's: the corpus runs such pages through the command within its bounds)
    assert html_lines("<a" * 50_000) == []
    lines = html_lines('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
                       "<p>&b;&b;&b;</p>")
    assert lines[-1] == "&b;&b;&b;"  # no entity the page declares is expanded
    assert html_lines("<div>" * 20_000 + "正文" + "</div>" * 20_000) == ["正文"]
