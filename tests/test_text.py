"""One way to compare names and measure text (nianbao.text.cjk), so that every door agrees."""
from __future__ import annotations

import nianbao
from helpers import consistent_report
from nianbao.text.cjk import compact, display_width, unit_key


def test_a_unit_name_is_the_same_unit_whatever_its_brackets_and_spaces():
    assert unit_key("某区政务服务中心（开发区）") == unit_key("某区政务服务中心 (开发区)")
    assert unit_key("某区政务服务中心") != unit_key("某区政务服务管理中心")
    assert compact("⼀、总体情况") == "一、总体情况"  # a radical as PDFs extract it


def test_check_previous_and_merge_agree_on_a_unit_written_two_ways():
    """``check --previous`` once compared names by whitespace only and reported 「（开发区）」 and
    「(开发区)」 as two units, while ``merge`` took them as one."""
    this = consistent_report("2021", seed=3)
    this.meta.unit, this.meta.year = "某区政务办（开发区）", 2022
    last = consistent_report("2021", seed=4)
    last.meta.unit, last.meta.year = "某区政务办 (开发区)", 2021
    assert "prev.unit" not in {f.rule for f in nianbao.check(this, previous=last)}


def test_display_width_counts_a_chinese_character_as_two():
    assert display_width("年报ab") == 6
    assert display_width("短\n更长的一行") == 10
