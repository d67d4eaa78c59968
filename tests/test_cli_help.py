"""Every ``--help`` is Chinese: click's own words (「Usage:」, 「Options:」, 「Show this message and
exit.」, 「[required]」, 「[default: …]」, metavars such as TEXT and INTEGER) said in ours by one
formatter (nianbao.cli.helptext), laid out by display width; the command list names the
commands as people type them; the terminal's 规则 column shows a rule's title."""
from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from nianbao.cli import main
from nianbao.cli.context import Context, in_context
from nianbao.cli.helptext import install, short_help, wrap
from nianbao.samples import sample_path
from nianbao.text.cjk import display_width

# Latin words a Chinese help page may hold: the program, its commands (their names are typed),
# and names of products and formats, which have no Chinese name people use
COMMAND_NAMES = {"nianbao", "new", "fields", "show", "check", "dismiss", "report", "merge",
                 "migrate", "demo", "addin", "import", "audit", "serve", "build", "install"}
PROPER_NAMES = {"Excel", "Word", "PDF", "WPS", "LibreOffice", "Python", "Windows", "JSON", "CSV",
                "XLSTART", "MB", "xlwings"}
OPTION = re.compile(r"(?<![\w.])--?[A-Za-z][\w-]*")  # --previous, -o, --no-pdf
FILE_NAME = re.compile(r"[\w\u4e00-\u9fff*./~-]*\.(?:xlsx|xlsm|xlam|docx|pdf|html?|txt|csv|db|j2|"
                       r"exe|conf)\b")  # OUT.xlsx, 名单.xlsx, *.j2, python.exe
PATH = re.compile(r"\.?/[\w./-]+|\d+(?:\.\d+)*")  # ./nianbao-data, /nianbao, 127.0.0.1
ENV_VAR = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")  # NIANBAO_TOKEN: a name typed as it is


def english(page: str) -> list[str]:
    """The English words of a help page outside option names, file-name placeholders, paths and
    the Latin words a Chinese page may hold."""
    rest = ENV_VAR.sub(" ", PATH.sub(" ", FILE_NAME.sub(" ", OPTION.sub(" ", page))))
    return [w for w in re.findall(r"[A-Za-z]+", rest) if w not in COMMAND_NAMES | PROPER_NAMES]


def every_command(group: click.Group = main, path: tuple[str, ...] = ()):
    yield path
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # commands load when asked for
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))
        else:
            yield (*path, name)


COMMANDS = list(every_command())


def help_of(*path: str) -> str:
    res = CliRunner().invoke(main, [*path, "--help"], prog_name="nianbao")
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(("nianbao", *p)))
def test_every_help_page_is_chinese(path):
    page = help_of(*path)
    assert english(page) == [], page
    assert page.startswith("用法：nianbao") and "\n选项：\n" in page
    assert "显示本帮助并退出" in page
    # laid out by display width: no line runs past the page (the test runner's 80 columns),
    # and the option texts start in one column
    assert all(display_width(line) <= 80 for line in page.splitlines()), page
    starts = {display_width(m.group(1)) for m in re.finditer(r"^(  -\S.*?  +)\S", page, re.M)
              if display_width(m.group(1)) <= 34}
    assert len(starts) <= 1, page


def test_what_the_english_check_catches():
    """The check above on click's own help page, before our formatter: it finds click's
    words; and what a Chinese page holds is not caught."""

    @click.command(help="校验年报工作簿。")
    @click.argument("files", nargs=-1, required=True)
    @click.option("--year", type=click.IntRange(2000, 2100), default=2021, show_default=True)
    @click.option("--unit", required=True, help="填报单位")
    @click.option("-o", "--output", type=click.Path(dir_okay=False), help="写到 OUT.xlsx")
    def plain(**_):
        pass

    page = CliRunner().invoke(plain, ["--help"]).output
    caught = set(english(page))
    assert {"Usage", "OPTIONS", "FILES", "Options", "INTEGER", "RANGE", "default", "x", "TEXT",
            "required", "FILE", "Show", "this", "message", "and", "exit"} <= caught
    assert english("  --previous F  上年度的工作簿") == ["F"]  # a one-letter metavar too
    assert not english("  -o, --output OUT.xlsx  写到 名单.xlsx 和 ./nianbao-data，"
                       "用 Excel、Word、PDF；nianbao merge 与 import 命令")


def test_click_features_the_commands_may_use_are_said_in_chinese():
    """A command using every kind of parameter click has, under our formatter: whatever a new
    command declares, its help stays Chinese."""

    @click.group(help="一组命令。")
    def group():
        pass

    @group.command("show", help="一个命令：说明。")
    @click.argument("source", type=click.Path(), metavar="来源")
    @click.argument("more", nargs=-1, metavar="[其他]…")  # an argument's name: its own words
    @click.option("--n", type=int, default=3, show_default=True, help="整数")
    @click.option("--ratio", type=click.FloatRange(0, 1, min_open=True), help="比例")
    @click.option("--at-least", type=click.IntRange(min=1), help="下限")
    @click.option("--flag/--no-flag", default=True, help="开关")
    @click.option("--yes", type=bool, help="是否")
    @click.option("--dir", type=click.Path(file_okay=False), required=True, help="目录")
    @click.option("--name", envvar="NIANBAO_NAME", show_envvar=True, help="名称")
    @click.option("--kind", type=click.Choice(["甲", "乙"]), default="甲", show_default=True)
    @click.option("--number", type=float, help="数值")
    def one(**_):
        pass

    install(in_context(group))
    for args in (["--help"], ["show", "--help"]):
        page = CliRunner().invoke(group, args, prog_name="nianbao").output
        assert english(page) == [], page
    page = CliRunner().invoke(group, ["show", "--help"], prog_name="nianbao").output
    assert "（默认：3）" in page and "（必填）" in page and "（大于 0、不大于 1）" in page
    assert "（不小于 1）" in page and "也可用环境变量 NIANBAO_NAME 设置" in page
    assert "用法：nianbao show [选项] 来源 [其他]…" in page


def test_the_command_list():
    page = help_of()
    listed = re.findall(r"^  (\w+)  +(\S.*)$", page.split("命令：")[1], re.M)
    names = [name for name, _ in listed]
    assert names == [c for c in (p[0] for p in COMMANDS if len(p) == 1)]
    assert "import" in names and "import_" not in page
    lines = dict(listed)
    assert lines["merge"] == "汇总各单位报送的年报工作簿"  # not 「...」
    assert lines["check"] == "校验年报工作簿" and not any(v.endswith("...") for v in lines.values())
    # an unknown command's error lists the same names
    res = CliRunner().invoke(main, ["inport"])
    assert res.exit_code == 2 and "import、audit" in res.stderr and "import_" not in res.stderr
    res = CliRunner().invoke(main, ["addin", "x"])
    assert "可用的命令：build、install" in res.stderr


def test_short_help_is_the_first_sentence_cut_at_a_colon_never_inside_brackets():
    assert short_help("汇总各单位报送的年报工作簿：逐个识别、校验，同一单位多次报送取最新版本，生成汇总"
                      "工作簿（含「汇总情况」表），并把收到的每个文件存档记录。\n\n退出码：…") \
        == "汇总各单位报送的年报工作簿"
    assert short_help("显示工作簿中的年报数据。") == "显示工作簿中的年报数据"
    assert short_help("将已复核的警告或提示标为不再提示（记录在工作簿中，随工作簿传递）；"
                      "错误不能标记。") == "将已复核的警告或提示标为不再提示"


def test_wrapping_by_display_width():
    text = "单个上传文件的大小上限（MB），默认 20（0.1～1024），见 ./nianbao-data 和 python.exe。"
    lines = wrap(text, 20)
    assert all(display_width(x) <= 20 for x in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(x.startswith(("，", "。", "）", "～")) for x in lines), lines
    assert not any(x.endswith(("（", "～")) for x in lines), lines
    assert any("./nianbao-data" in x for x in lines) and any("python.exe。" in x for x in lines)


def test_the_help_context_is_set_on_every_command():
    def walk(cmd):
        yield cmd
        for sub in getattr(cmd, "commands", {}).values():
            yield from walk(sub)

    assert all(c.context_class is Context for c in walk(main))


def test_the_terminal_names_rules_by_title_and_json_by_code(tmp_path):
    path = tmp_path / "年报.xlsx"
    path.write_bytes(Path(sample_path()).read_bytes())
    res = CliRunner().invoke(main, ["check", str(path)])
    assert "未说明信息处理费" in res.stdout and "text.fee_missing" not in res.stdout
    res = CliRunner().invoke(main, ["check", str(path), "--json"])
    rules = {f["rule"]: f["title"] for f in json.loads(res.stdout)[0]["findings"]}
    assert rules["text.fee_missing"] == "未说明信息处理费"
