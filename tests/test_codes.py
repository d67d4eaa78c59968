"""Every finding code a user can see is registered once (nianbao.codes) with a title, a severity
and a good and a bad example; here each example is run: the bad one must raise its code, the
good one must not (pylint's good.py / bad.py per message)."""
from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import openpyxl
import pytest

from nianbao import check, check_many
from code_examples import Example, example
from nianbao.codes import registry
from nianbao.layout import layout_of
from nianbao.messages import MESSAGES
from nianbao.migrate import migrate
from nianbao.report import MISSING, Invalid, Report
from nianbao.samples.build import load_sample
from nianbao.xlsx_writer import write_report

ROOT = Path(__file__).resolve().parents[1]
CODES = registry()


def _value(report: Report, fid: str, v):
    if v == "MISSING":
        return MISSING
    if isinstance(v, str) and v.startswith("INVALID:"):
        return Invalid(v[len("INVALID:"):])
    if isinstance(v, str) and v[:1] in "+-" and v[1:].isdigit():
        return (report.number(fid) or 0) + int(v)
    if isinstance(v, str) and v.startswith("="):
        return report.values[v[1:]]
    return v


def _apply(report: Report, values, texts, meta, base: Report | None = None) -> None:
    for fid, v in values.items():
        if fid.startswith("meta."):
            setattr(report.meta, fid[5:], v)
        elif fid.startswith("s") and fid in report.texts:
            report.texts[fid] = v
        else:
            report[fid] = _value(base or report, fid, v) if isinstance(v, str) and v.startswith("=") \
                else _value(report, fid, v)
    report.texts.update(texts)
    for k, v in meta.items():
        setattr(report.meta, k, v)


def _run(ex: Example, tmp_path: Path, tag: str):
    """The findings of the sample changed by ``ex`` (a list of codes)."""
    report = load_sample("district-2021")
    if ex.format is not None:
        report = migrate(report, ex.format).report
    _apply(report, ex.values, ex.texts, ex.meta)
    previous = None
    if ex.previous is not None:
        previous = copy.deepcopy(report)
        previous.meta.year = report.meta.year - 1
        _apply(previous, ex.previous, {}, {}, base=report)
    if ex.absent:
        return [f.rule for r in check_many([tmp_path / "没有这个文件.xlsx"]) for f in r]
    if ex.file is not None:
        path = tmp_path / f"{tag}{ex.suffix}"
        path.write_bytes(ex.file())
        return [f.rule for r in check_many([path]) for f in r]
    if not ex.needs_workbook:
        return [f.rule for f in check(report, previous)]
    path = write_report(report, tmp_path / f"{tag}.xlsx")
    wb = openpyxl.load_workbook(path)
    fields = layout_of(report.format).fields
    for key, raw in ex.cells.items():
        if "!" in key:
            sheet, addr = key.split("!")
        else:
            sheet, addr = fields[key].sheet, fields[key].cell
        wb[sheet][addr] = raw
        if isinstance(raw, str):
            wb[sheet][addr].data_type = "s"
    for old, new in ex.rename.items():
        wb[old].title = new
    wb.save(path)
    return [f.rule for r in check_many([path], previous) for f in r]


SKIP_GOOD_BAD = {"prev.unreadable",  # a batch-level finding: tested in test_batch_api.py
                 "import.unknown_kind", "import.pdf_library",  # import only: test_import.py
                 "file.unreadable",  # the system refusing to read: tested in test_hardening.py
                 "audit.no_unit", "audit.no_year"}  # the audit's only: tested in test_audit.py


@pytest.mark.parametrize("code", sorted(set(CODES) - SKIP_GOOD_BAD))
def test_bad_example_raises_the_code_and_good_one_does_not(code, tmp_path):
    good, bad = example(code)
    assert code in _run(bad, tmp_path, "bad"), code
    assert code not in _run(good, tmp_path, "good"), code


def test_every_code_has_a_title_and_a_known_severity():
    for c in CODES.values():
        assert c.title and re.search(r"[\u4e00-\u9fff]", c.title), c.code
        assert set(c.severity.split("/")) <= {"error", "warning", "notice"}, c.code


def _emitted_codes() -> set[str]:
    """Literal codes passed to Finding(...)/finding(...)/scan.finding(...) and note(...) in the
    core, and the codes narrative rules declare."""
    out: set[str] = set()
    for path in (ROOT / "workbook").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0]
                if name in ("Finding", "finding", "note", "emit") and isinstance(first, ast.Constant) \
                        and isinstance(first.value, str) and "." in first.value:
                    out.add(first.value)
    from nianbao.checks.narrative import RULES

    for rule in RULES:
        out.update(rule.codes)
    return out


def test_every_emitted_code_is_registered():
    assert _emitted_codes() - set(CODES) == set()


def test_every_unreadable_file_code_is_registered():
    raised = set()
    for path in (ROOT / "workbook").rglob("*.py"):
        raised |= set(re.findall(r'UnreadableWorkbook\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert raised and raised <= set(CODES)


def test_one_place_per_code():
    """A finding code's wording is its catalogue entry's, never a message key of its own (20
    codes were once worded by other keys, and the keys drifted from the codes)."""
    assert not set(CODES) & set(MESSAGES)
    for c in CODES.values():
        assert c.template and all(c.variants.values()), c.code


def test_a_finding_keeps_what_its_message_was_made_from(tmp_path):
    from nianbao.findings import emit

    f = emit("read.invalid", dict(where="表三（D8）", kind="非负整数", raw="九件左右"),
             sheet="三、依申请公开", cell="D8")
    assert f.severity == "error" and "九件左右" in f.message
    assert f.to_dict()["args"] == {"where": "表三（D8）", "kind": "非负整数", "raw": "九件左右"}
    with pytest.raises(ValueError):  # the catalogue decides the severity
        emit("read.invalid", dict(where="", kind="", raw=""), severity="notice")
    with pytest.raises(KeyError):  # a placeholder left out fails here, not in a clerk's hands
        emit("read.invalid", dict(where=""))


def test_the_readme_rule_table_names_every_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## 校验规则"):]
    table = table[:table.index("\n## ", 3)]
    named = set(re.findall(r"`([a-z0-9_]+(?:\.[a-z0-9_*]+)+)`", table))
    for code in CODES:
        family = code.split(".")[0] + ".*"
        assert code in named or family in named, code


def test_every_reading_code_is_a_registered_code():
    """What could not be read or checked (nianbao.codes.READING) is named by codes that exist;
    a mix of formats is the report's own defect, not a reading one."""
    from nianbao.codes import READING

    assert READING <= set(CODES)
    assert "import.format_mixed" not in READING and "t3.carry" not in READING
