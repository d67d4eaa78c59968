"""Every command over a corpus of hostile and broken inputs (issue 19): each run ends with exit
0, 1 or 2 and a Chinese message naming the file, within 10 s and 500 MB, and no input changes.

The corpus (tests/corpus.py) is generated into a temporary directory; the runs are forked
children of this process, two at a time, each measured with ``os.wait4``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

from corpus import Base, breaches, build_corpus, digest, run_all
from helpers import consistent_report
from nianbao import mark_workbook
from nianbao.xlsx_marks import STORE_SHEET
from nianbao.samples import sample_path
from nianbao.xlsx_writer import new_workbook, write_report

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="forks its runs")



def _marked_bases(tmp: Path) -> list[Base]:
    """A marked copy, and marked copies whose hidden marks sheet someone edited."""
    bad = tmp / "bad.xlsx"
    wb = openpyxl.load_workbook(sample_path())
    wb["三、依申请公开"]["D8"] = 99
    wb["三、依申请公开"]["E9"] = "十二件左右"
    wb.save(bad)
    marked = tmp / "marked.xlsx"
    mark_workbook(bad, marked)
    out = [Base("marked", marked.read_bytes())]
    edits = {
        "store-garbage": lambda s: [s.cell(r, c, "<<not xml") for r in range(2, 6) for c in (2, 3)],
        "store-bad-sheet": lambda s: [s.cell(r, 1, "没有这个表") for r in range(2, 6)],
        "store-bad-cells": lambda s: [s.cell(r, 2, v) for r, v in
                                      zip(range(2, 6), ("ZZZZ99999999", "A0", "", "=1+1"))],
        "store-visible-shuffled": lambda s: (setattr(s, "sheet_state", "visible"),
                                             s.move_range("A2:G4", rows=20)),
    }
    for name, edit in edits.items():
        wb = openpyxl.load_workbook(marked)
        edit(wb[STORE_SHEET])
        p = tmp / f"{name}.xlsx"
        wb.save(p)
        out.append(Base(name, p.read_bytes()))
    wb = openpyxl.load_workbook(marked)
    wb.remove(wb[STORE_SHEET])
    p = tmp / "store-deleted.xlsx"
    wb.save(p)
    out.append(Base("store-deleted", p.read_bytes()))
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("bases")
    c2019 = write_report(consistent_report("2019", seed=2), tmp / "c2019.xlsx")
    blank = new_workbook(tmp / "blank.xlsx", "2021", year=2024, unit="某县政务办")
    bases = [Base("sample", Path(sample_path()).read_bytes()), Base("c2019", c2019.read_bytes()),
             Base("blank", blank.read_bytes()), *_marked_bases(tmp)]
    return build_corpus(tmp_path_factory.mktemp("corpus") / "in", bases)


def _jobs(files: list[Path], out: Path) -> list[tuple[str, ...]]:
    jobs = []
    for f in files:
        jobs += [("show", str(f)), ("check", str(f)),
                 ("check", str(f), "--mark", str(out / f"{f.stem}.marked.xlsx")),
                 ("report", str(f), "-o", str(out / f"{f.stem}.docx"), "--force"),
                 ("new", "-o", str(f))]  # an existing input is never replaced without --force
    return jobs


def _keeps_the_contract(runs, file_of, more, inputs: list[Path], before: dict, out: Path,
                        *also: str) -> None:
    """Every run keeps the corpus contract (:func:`corpus.breaches`, and ``more(run, file)``'s
    reasons), no input changed, no temporary file left in ``out``; ``also``: other paths whose
    words are not counted as English."""
    problems = []
    for r in runs:
        file = file_of(r)
        why = breaches(r, (str(file), str(out), *also)) + more(r, file)
        if why:
            problems.append(f"{r.args[0]} {file.name}: {', '.join(why)}: "
                            f"{(r.stderr or r.stdout).strip()[-300:]}")
    assert not problems, "\n".join(problems[:30]) + f"\n({len(problems)} problems)"
    assert digest(inputs) == before  # no input changed
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_every_command_over_the_corpus(corpus, tmp_path):
    assert len(corpus) >= 300
    before = digest(corpus)
    out = tmp_path / "out"
    out.mkdir()
    runs = run_all(_jobs(corpus, out), tmp_path / "runs")

    def more(r, file: Path) -> list[str]:
        why = []
        if r.code == 2 and (file.name not in r.stderr or len(r.stderr.strip().splitlines()) != 1):
            why.append("exit 2 without one line naming the file")
        said = r.stdout + r.stderr
        named = file.name in said or (r.args[0] == "report" and r.args[3] in said)
        if r.args[0] in ("check", "report") and r.code != 2 and not named:
            why.append("neither the file nor the output is named")
        return why

    _keeps_the_contract(runs, lambda r: Path(r.args[1] if r.args[0] != "new" else r.args[2]),
                        more, corpus, before, out)
    # the marked copies that were written are workbooks that read again
    marked = sorted(out.glob("*.marked.xlsx"))
    assert len(marked) > 100
    from nianbao.reader import read_report

    for p in marked[::10]:
        read_report(p)


def test_merge_reads_the_corpus_as_check_does(corpus, tmp_path):
    """One reader (issue 22): every file ``check`` cannot read, ``merge`` rejects with the same
    words; every file it can read, ``merge`` counts the same errors."""
    import nianbao
    from nianbao import consolidate
    from nianbao.merge.records import REJECTED, SUPERSEDED

    before = digest(corpus)
    checked = {r.file: r for r in nianbao.check_many([str(f) for f in corpus])}
    merged = consolidate([str(f) for f in corpus], tmp_path / "汇总.xlsx", year=2025)
    rows = {r.file: r for r in merged.rows}
    assert set(rows) == set(checked)
    for file, result in checked.items():
        row = rows[file]
        if result.unreadable:
            # the reader's words are the file's finding; the reason may say more (a PNG sent
            # instead of the workbook), and identical bytes sent again count once
            assert row.status in (REJECTED, SUPERSEDED), file
            assert row.findings[0]["message"] == result.findings[0].message, file
            if not row.sent and row.status == REJECTED:
                assert row.reason == result.findings[0].message, file
        else:
            assert row.errors == result.errors, file
    assert digest(corpus) == before


def test_the_other_commands_that_read_a_workbook_over_the_corpus(corpus, tmp_path):
    """dismiss, migrate, new --from, check --previous and audit keep the same contract over
    every tenth hostile workbook (issue 30: every door that reads a file)."""
    files = corpus[::10]
    before = digest(files)
    out = tmp_path / "out"
    out.mkdir()
    sample = str(sample_path())
    jobs: list[tuple[str, ...]] = []
    for f in files:
        o = str(out / f.stem)
        jobs += [("dismiss", str(f), "--all", "--reason", "已核实", "-o", o + ".dismissed.xlsx"),
                 ("migrate", str(f), "-o", o + ".migrated.xlsx"),
                 ("new", "--from", str(f), "-o", o + ".next.xlsx"),
                 ("check", sample, "--previous", str(f)),
                 ("audit", str(f), "--json", "-o", o + ".audit.xlsx")]  # (a table wraps paths)
    runs = run_all(jobs, tmp_path / "runs")
    _keeps_the_contract(
        runs, lambda r: Path(next(a for a in r.args[1:] if a.startswith(str(files[0].parent)))),
        lambda r, file: (["exit 2 without naming the file"]  # (audit: in its JSON)
                         if r.code == 2 and file.name not in r.stdout + r.stderr else []),
        files, before, out, sample)
