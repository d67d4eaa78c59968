"""``merge`` and the unit lists against what strangers send (issue 30, items 4-7 and 9): folders
with FIFOs, links to /dev/zero, out of the folder and in loops, a sparse 2 GB file, names that
are not UTF-8, 20,000 empty files; the same odd things named on the command line; unit lists
over the csv module's field limit, of a million rows, of 200,000 rows as .xlsx, sparse, a zip
bomb, a cell at XFD1048576; a history of many files — each run through the installed command
with the contract of the hostile corpus: exit 0, 1 or 2, Chinese words, within 10 s and
500 MB, no input changed, nothing outside the inputs read or written.

A crash, abort or hang of the reader cannot be produced by a file any more (the reader's screens
hold), so those are simulated in worker processes (the reader replaced in the forked worker).
"""
from __future__ import annotations

import hashlib
import faulthandler
import os
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from corpus import breaches, build_merge_corpus, num, pack, parts_of, run_all, set_cell, text

from nianbao import consolidate
from nianbao.errors import NianbaoError
from nianbao.merge.records import MERGED, REJECTED
from nianbao.messages import say
from nianbao.samples import sample_path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, links and forks")

HISTORY_FILES = 200_000


def unit_copy(data: bytes, unit: str, year: int = 2025) -> bytes:
    """The sample workbook stamped as ``unit``'s (hidden sheet and 基本信息)."""
    parts = parts_of(data)
    parts = set_cell(parts, "_nianbao", "B4", text("B4", unit))
    parts = set_cell(parts, "_nianbao", "B3", text("B3", str(year)))
    parts = set_cell(parts, "基本信息", "B3", text("B3", unit))
    parts = set_cell(parts, "基本信息", "B4", num("B4", str(year)))
    return pack(parts)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("merge-hostile")
    sample = Path(sample_path()).read_bytes()
    books = [unit_copy(sample, f"单位{i}") for i in range(4)]
    far = set_cell(parts_of(books[3]), "三、依申请公开", "XFD1048576", num("XFD1048576", "1"))
    corpus = build_merge_corpus(root / "in", books, pack(far), HISTORY_FILES)
    corpus.outside.write_bytes(unit_copy(sample, "外面的单位"))  # its own bytes, never to be read
    return corpus


def _tree(root: Path) -> set[str]:
    out = set()
    for dirpath, dirs, names in os.walk(root):
        for n in names + dirs:
            out.add(os.path.join(dirpath, n))
    return out


def test_every_hostile_merge_input_is_handled_within_bounds(hostile, tmp_path):
    c = hostile
    out = tmp_path / "out"
    out.mkdir()
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in c.inputs()}
    tree = _tree(c.root)
    jobs = [("merge", str(c.mixed), "-o", str(out / "mixed.xlsx")),
            ("merge", str(c.specials), "-o", str(out / "specials.xlsx")),
            ("merge", str(c.empties), "-o", str(out / "empties.xlsx")),
            ("merge", *map(str, c.arguments), str(c.good / "unit0.xlsx"),
             "-o", str(out / "arguments.xlsx")),
            ("merge", "--history", str(c.history)),
            ("merge", "--history", str(c.history), "--json", "--page", "3")]
    for label, names in c.lists.items():
        jobs.append(("merge", str(c.good), "-o", str(out / f"list-{label}.xlsx"),
                     "--units", str(names)))
        jobs.append(("new", "--units", str(names), "-d", str(out / f"new-{label}"),
                     "--year", "2025"))
    runs = run_all(jobs, tmp_path / "runs")
    problems = []
    for r in runs:
        why = breaches(r, (str(c.root), str(out)))
        if r.code == 2 and r.args[0] == "new" and len(r.stderr.strip().splitlines()) != 1:
            why.append("exit 2 without one line")
        if why:
            problems.append(f"{' '.join(r.args[:2])}: {', '.join(why)}: {r.stderr.strip()[-300:]}")
    assert not problems, "\n".join(problems)
    by_args = {r.args: r for r in runs}

    def run(*prefix):
        return next(r for a, r in by_args.items() if a[:len(prefix)] == prefix)

    # every list is refused with its own reason, naming it; nothing handed out
    for label, names in c.lists.items():
        for r in (run("merge", str(c.good), "-o", str(out / f"list-{label}.xlsx")),
                  run("new", "--units", str(names))):
            assert r.code == 2 and names.name in r.stderr and "单位名单" in r.stderr, (label, r.stderr)
        assert not (out / f"new-{label}").exists() or not any((out / f"new-{label}").iterdir())
    # one far cell does not take the others down: the three good units are merged
    mixed = run("merge", str(c.mixed))
    assert mixed.code == 1 and "汇总 3 个单位" in mixed.stdout
    # named on the command line, each odd thing is one row with its reason
    args = run("merge", *map(str, c.arguments)).stdout
    for words in ("命名管道", "是一个设备", "2048.0 MB", "循环链接"):
        assert words in args, words
    assert "\\xff\\xfe.xlsx" in args  # the name shown safely
    # nothing read outside the folders: the outside workbook is in no archive
    outside = hashlib.sha256(c.outside.read_bytes()).hexdigest()
    archived = {hashlib.sha256(p.read_bytes()).hexdigest()
                for p in out.rglob("*") if p.is_file() and "存档" in p.parent.name}
    assert archived and outside not in archived
    # nothing written outside the output folder; no input changed
    assert _tree(c.root) == tree
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before} == before
    # the history pages: 200 entries of 200,000, page 3 as JSON
    page = run("merge", "--history", str(c.history), "--json")
    assert page.stdout.count('"sha256"') == 200 and "第 3/1000 页" in page.stderr


def test_the_history_listing_uses_its_indexes(hostile):
    """A page of the history never sorts or scans the whole database (which is what made
    ``merge --history`` on millions of rows run past a minute)."""
    con = sqlite3.connect(hostile.history)
    plans = [" ".join(str(r[-1]) for r in con.execute(f"EXPLAIN QUERY PLAN {q}", args))
             for q, args in (
                 ("SELECT sha256 FROM files ORDER BY unit, first_seen, saved_at, sha256 "
                  "LIMIT 200 OFFSET 400", ()),
                 ("SELECT unit, status, reason, consolidation FROM receipts WHERE sha256 = ? "
                  "ORDER BY consolidation DESC LIMIT 1", ("0" * 64,)))]
    con.close()
    assert "files_listing" in plans[0] and "TEMP B-TREE" not in plans[0]
    assert "receipts_last" in plans[1] and "TEMP B-TREE" not in plans[1]


# ---- crashes, aborts and hangs of the reader (simulated in the forked workers) ---------------
def _abort():
    faulthandler.disable()  # pytest's traceback dump on SIGABRT would be noise in the test log
    os.abort()


def _misbehaving(real):
    def read(data, name):
        base = Path(name).name
        if base.startswith("abort"):
            _abort()
        if base.startswith("hang"):
            time.sleep(120)
        if base.startswith("memory"):
            bytearray(4 << 30)  # beyond the worker's address-space limit
        if base.startswith("exit"):
            os._exit(3)
        return real(data, name=name)
    return read


def test_a_crash_abort_or_hang_is_that_files_status(hostile, tmp_path, monkeypatch):
    import nianbao.actions.merge as merging

    monkeypatch.setattr(merging, "read_report", _misbehaving(merging.read_report))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sample = Path(sample_path()).read_bytes()
    names = ["abort.xlsx", "hang.xlsx", "memory.xlsx", "exit.xlsx"]
    for i, name in enumerate(names):
        (inbox / name).write_bytes(unit_copy(sample, f"坏单位{i}"))
    for i in range(20):  # enough to keep both workers busy before and after each failure
        (inbox / f"good{i:02d}.xlsx").write_bytes(unit_copy(sample, f"好单位{i:02d}"))
    started = time.monotonic()
    result = consolidate([inbox], tmp_path / "汇总.xlsx", workers=2, file_timeout=2)
    assert time.monotonic() - started < 60
    rows = {Path(r.file).name: r for r in result.rows}
    assert all(rows[f"good{i:02d}.xlsx"].status == MERGED for i in range(20))
    assert rows["abort.xlsx"].status == REJECTED and "SIGABRT" in rows["abort.xlsx"].reason
    assert rows["hang.xlsx"].status == REJECTED
    assert say("merge.failure.timeout", seconds="2") in rows["hang.xlsx"].reason
    assert rows["memory.xlsx"].status == REJECTED and "MemoryError" in rows["memory.xlsx"].reason
    assert rows["exit.xlsx"].status == REJECTED and "exit 3" in rows["exit.xlsx"].reason
    # the failed files were still hashed and archived by the main process (evidence kept)
    assert all(rows[n].sha256 and rows[n].archive for n in names)
    archive = result.archive
    assert all((archive / rows[n].archive).is_file() for n in names)


def test_a_unit_list_that_crashes_its_reader_is_one_message(tmp_path, monkeypatch):
    import nianbao.merge.units as units

    monkeypatch.setattr(units, "_read_checked", lambda p: _abort())
    names = tmp_path / "名单.csv"
    names.write_text("单位名称\n甲局\n", encoding="utf-8")
    with pytest.raises(NianbaoError) as e:
        units.read_units(names)
    assert e.value.code == "units.crashed" and "SIGABRT" in str(e.value)


# ---- the archive is verified, never followed ---------------------------------------------------
def test_a_tampered_archive_is_not_trusted(tmp_path):
    sample = Path(sample_path()).read_bytes()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "甲.xlsx").write_bytes(unit_copy(sample, "甲单位"))
    (inbox / "乙.xlsx").write_bytes(unit_copy(sample, "乙单位"))
    out = tmp_path / "汇总.xlsx"
    first = consolidate([inbox], out)
    copies = {r.unit: first.archive / r.archive for r in first.rows}
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the archive")
    # one copy replaced by a link to another file, the other by different bytes
    copies["甲单位"].unlink()
    os.symlink(secret, copies["甲单位"])
    copies["乙单位"].write_bytes(b"tampered")
    again = consolidate([inbox], out, force=True)
    for r in again.rows:
        copy = again.archive / r.archive
        assert not copy.is_symlink()
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == r.sha256
    assert secret.read_text() == "not for the archive"  # the link was replaced, not written through
    # the copy is named for people; the hash still decides identity
    assert {r.archive.split("-")[0] for r in again.rows} == {"甲单位", "乙单位"}


# ---- the round's year is not decided by what arrived ---------------------------------------------
def test_stray_copies_do_not_decide_the_year(tmp_path):
    from nianbao.merge.units import Unit

    sample = Path(sample_path()).read_bytes()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    listed = [Unit(f"单位{i}") for i in range(3)]
    for u in listed:
        (inbox / f"{u.name}.xlsx").write_bytes(unit_copy(sample, u.name, 2024))
    stray = unit_copy(sample, "名单外单位", 2021)
    for k in range(9):
        (inbox / f"stray{k}.xlsx").write_bytes(stray)
    with_list = consolidate([inbox], tmp_path / "a.xlsx", units=listed)
    assert (with_list.year, with_list.year_from) == (2024, "units")
    assert with_list.accepted == 3
    # without a list, nine copies of one unit are still one unit's vote
    without = consolidate([inbox], tmp_path / "b.xlsx")
    assert without.year == 2024 and without.accepted == 3
    # a tie between units is not settled by counting files: the coordinator is asked
    (inbox / "另一个.xlsx").write_bytes(unit_copy(sample, "另一个单位", 2021))
    (inbox / "再一个.xlsx").write_bytes(unit_copy(sample, "再一个单位", 2021))
    with pytest.raises(NianbaoError) as e:
        consolidate([inbox], tmp_path / "c.xlsx")
    assert e.value.code == "merge.year_unclear" and "--year" in str(e.value)
    assert consolidate([inbox], tmp_path / "d.xlsx", year=2024).accepted == 3


def _abort_every_seventh(x: int) -> int:
    if x % 7 == 3:
        _abort()
    return x


def test_workers_that_die_mid_batch_lose_only_their_item():
    """Many workers die while the next batch is on its way to them: each death costs exactly
    the item it was reading, the rest are handed on, the order is kept."""
    from nianbao.parallel import isolated_map

    out = list(isolated_map(_abort_every_seventh, range(120), n=2, timeout=5,
                            failed=lambda x, why: ("failed", x, why.kind, why.detail)))
    assert [x if isinstance(x, int) else x[1] for x in out] == list(range(120))
    assert [x for x in out if isinstance(x, tuple)] == [
        ("failed", x, "crashed", "SIGABRT") for x in range(120) if x % 7 == 3]


def test_the_feedback_folder_may_not_be_read_as_submissions(tmp_path):
    sample = Path(sample_path()).read_bytes()
    inbox = tmp_path / "收件"
    inbox.mkdir()
    (inbox / "甲.xlsx").write_bytes(unit_copy(sample, "甲单位"))
    with pytest.raises(NianbaoError) as e:
        consolidate([inbox], tmp_path / "汇总.xlsx", feedback=inbox / "退回")
    assert e.value.code == "merge.feedback_in_inputs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["收件"]  # nothing written
    assert sorted(p.name for p in inbox.iterdir()) == ["甲.xlsx"]


def test_a_list_of_the_largest_size_is_read_and_one_more_refused(tmp_path):
    from nianbao.merge.units import MAX_UNITS, read_units

    names = tmp_path / "名单.csv"
    names.write_text("单位名称\n" + "".join(f"单位{i}\n" for i in range(MAX_UNITS)), encoding="utf-8")
    assert len(read_units(names)) == MAX_UNITS
    names.write_text("单位名称\n" + "".join(f"单位{i}\n" for i in range(MAX_UNITS + 1)),
                     encoding="utf-8")
    with pytest.raises(NianbaoError) as e:
        read_units(names)
    assert e.value.code == "units.too_many"
