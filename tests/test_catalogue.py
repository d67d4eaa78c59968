"""Meta-tests: every message code the code uses exists, and every command explains itself."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.cli import main
from nianbao.messages import MESSAGES, say

CODE = Path(__file__).resolve().parent.parent / "workbook"
USES = re.compile(r"""(?:say|NianbaoError|UnreadableWorkbook|note)\(\s*["']([a-z0-9_.]+)["']""")


def test_every_message_code_used_in_the_code_exists():
    used = {m for p in CODE.rglob("*.py") for m in USES.findall(p.read_text(encoding="utf-8"))}
    assert len(used) > 40
    assert sorted(used - set(MESSAGES)) == []


def test_missing_placeholder_fails_loudly():
    with pytest.raises(KeyError):
        say("read.blank")


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_chinese_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert re.search(r"[\u4e00-\u9fff]", main.commands[command].help or "")
