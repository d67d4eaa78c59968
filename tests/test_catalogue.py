"""Meta-tests: every message code the code uses exists, and every command explains itself."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from nianbao.cli import COMMANDS, main
from nianbao.messages import MESSAGES, say

CODE = Path(__file__).resolve().parent.parent / "workbook"
USES = re.compile(r"""(?:say|NianbaoError|UnreadableWorkbook|note)\(\s*["']([a-z0-9_.]+)["']""")


def test_every_message_code_used_in_the_code_exists():
    used = {m for p in CODE.rglob("*.py") for m in USES.findall(p.read_text(encoding="utf-8"))}
    assert len(used) > 40
    from nianbao.codes import registry

    assert sorted(used - set(MESSAGES) - set(registry())) == []


def test_missing_placeholder_fails_loudly():
    with pytest.raises(KeyError):
        say("read.blank")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_chinese_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    loaded = main.get_command(click.Context(main), command)
    assert loaded is not None and loaded.name == command  # COMMANDS names it as people type it
    assert re.search(r"[\u4e00-\u9fff]", loaded.help or "")


def test_every_package_folder_is_declared_for_the_wheel():
    """A folder with an __init__.py that pyproject's ``packages`` does not list is missing from
    a non-editable install (``pip install nianbao``): its commands would fail there."""
    import re
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    conf = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    declared = set(conf["packages"])
    for name, folder in conf["package-dir"].items():
        for init in (root / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(root / folder)
            package = ".".join((name, *rel.parts)) if rel.parts else name
            if not re.search(r"(^|\.)(__pycache__|tests?)($|\.)", package):
                assert package in declared, package


def test_no_message_code_is_defined_twice():
    """Each block of the catalogue is a dict literal merged into MESSAGES: a code written in two
    blocks would silently keep only the last wording."""
    import ast
    from collections import Counter
    from pathlib import Path

    import nianbao.messages as m

    tree = ast.parse(Path(m.__file__).read_text(encoding="utf-8"))
    keys = [k.value for node in ast.walk(tree) if isinstance(node, ast.Dict)
            for k in node.keys if isinstance(k, ast.Constant)]
    assert [k for k, n in Counter(keys).items() if n > 1] == []
