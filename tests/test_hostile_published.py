"""Published reports from strangers (issue 30, items 1–3): what the importer meets besides real
reports — numbers of thousands of digits, pages that leave their tags open, Word files built to
exhaust a parser, PDFs without bounds — is refused or read within bounds, with one Chinese
message.  The commands' contract over the same files (exit code, time, memory, no English) is
tested through the installed command in ``test_hostile_doors.py``."""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

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


# -- every command over the hostile published reports (items 1-3, 8, 12) -------------------------
@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from corpus import build_published_corpus
    from nianbao.reader import read_report
    from nianbao.samples import sample_path

    root = tmp_path_factory.mktemp("published")
    corpus = build_published_corpus(root / "in", plain_text(read_report(sample_path())))
    # a report outside the inputs that a link in the specials folder points to: never read
    outside = root / "outside" / "外面的年报.txt"
    outside.parent.mkdir()
    outside.write_text(plain_text(read_report(sample_path())).replace("某区", "外面的区"), "utf-8")
    (corpus.root / "specials" / "outside.txt").symlink_to(outside)
    return corpus


def _tree(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, dirs, names in os.walk(root):
        for n in names + dirs:
            p = os.path.join(dirpath, n)
            out[p] = os.readlink(p) if os.path.islink(p) else ""
    return out


def _jobs(c, book: Path, out: Path) -> list[tuple[str, ...]]:
    """Every command that takes a file, over every hostile report — the reports whose
    extraction only a time limit ends over ``import`` alone but one (each costs the limit)."""
    jobs: list[tuple[str, ...]] = []
    files = {**c.files, **{f"special-{k}": p for k, p in c.specials.items()}}
    for label, f in files.items():
        o = out / label
        jobs.append(("import", str(f), "-o", f"{o}-import.xlsx"))
        if label in c.looping[1:]:
            continue
        jobs += [("audit", str(f), "-o", f"{o}-audit.xlsx"),
                 ("new", "--from", str(f), "-o", f"{o}-new.xlsx"),
                 ("check", str(book), "--previous", str(f)),
                 ("dismiss", str(book), "--all", "--reason", "经核实", "--previous", str(f),
                  "-o", f"{o}-dismiss.xlsx"),
                 ("migrate", str(f), "-o", f"{o}-migrate.xlsx")]
    jobs.append(("audit", str(c.root / "specials"), "--json"))
    jobs.append(("check", str(c.root / "specials"), "--json"))
    return jobs


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, links and forks")
def test_every_command_over_hostile_published_reports(published, tmp_path):
    from corpus import breaches, digest, run_all
    from nianbao.samples import sample_path

    c = published
    book = tmp_path / "年报.xlsx"
    book.write_bytes(Path(sample_path()).read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    before, tree = digest(c.inputs() + [book]), _tree(c.root)
    runs = run_all(_jobs(c, book, out), tmp_path / "runs")
    problems = []
    for r in runs:
        why = breaches(r, (str(c.root), str(out), str(book)))
        single = r.args[0] in ("import", "new", "migrate", "dismiss")  # (audit, check: a table)
        if single and r.code == 2 and len(r.stderr.strip().splitlines()) != 1:
            why.append("exit 2 without one line")
        if why:
            problems.append(f"{' '.join(r.args[:2])}: {', '.join(why)}: {r.stderr.strip()[-200:]}")
    assert not problems, "\n".join(problems)
    by = {r.args: r for r in runs}

    def said(*args: str) -> str:
        r = next(r for a, r in by.items() if a[:len(args)] == args)
        return r.stdout + r.stderr

    # each class refused for its own reason, in Chinese
    reasons = {"pdf-self-length": "秒内未能读完", "pdf-long-line": "内容异常多",
               "pdf-content-bomb": "内容异常多", "pdf-many-objects": "内容异常多",
               "pdf-pages": "超过 200 页", "pdf-pages-lying": "超过 200 页",
               "pdf-encrypted": "已损坏、已加密", "html-rows": "文字过多",
               "txt-one-line": "文字过多", "docx-deep": "嵌套超过", "docx-entities": "DTD",
               "docx-rows-6000": "超过 5000 行", "docx-elements": "元素超过",
               "docx-long-text-varied": "一段文字超过", "docx-bomb": "过大", "docx-doc": "旧版 .doc",
               "special-fifo": "命名管道", "special-zero": "设备", "special-sparse.pdf": "超过可读取"}
    for label, words in reasons.items():
        f = c.files.get(label) or c.specials[label.removeprefix("special-")]
        assert words in said("import", str(f)), (label, said("import", str(f)))
    # an over-long number is read.out_of_range, not an internal error
    assert "超出可处理的范围" in said("import", str(c.files["txt-digits-in-table"]))
    # nothing outside the inputs read: the linked report outside is in no result
    assert "外面的" not in said("audit", str(c.root / "specials"))
    assert "outside.txt" not in said("check", str(c.root / "specials"))
    # no input changed, nothing written among them
    assert digest(c.inputs() + [book]) == before and _tree(c.root) == tree
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


@pytest.mark.skipif(sys.platform == "win32", reason="forks its workers")
def test_the_web_doors_answer_hostile_reports_within_bounds(published, tmp_path):
    """/api/check (as the file and as last year's), /api/report, /api/next-year and a round's
    upload link: a 200 with the file's one finding, or a 4xx with its code and one Chinese
    message — within the time bound, no library English, and the server keeps answering."""
    pytest.importorskip("fastapi")
    import time

    from fastapi.testclient import TestClient

    from corpus import ENGLISH, TIME_LIMIT
    from nianbao.samples import sample_path
    from nianbao.serve.app import create_app
    from nianbao.serve.web import Settings
    from serve_helpers import TOKEN, unit_list

    client = TestClient(create_app(Settings(data=tmp_path / "data", token=TOKEN)))
    made = client.post("/api/rounds", headers={"Authorization": f"Bearer {TOKEN}"},
                       data={"year": "2021"}, files={"units": ("名单.csv", unit_list(["甲局"]))})
    link = made.json()["units"][0]["upload_url"].replace("http://testserver", "")
    sample = Path(sample_path()).read_bytes()
    # every class once, the looping PDF through one door (each costs the time limit)
    files = {k: p for k, p in published.files.items() if k not in published.looping}
    problems = []
    for label, path in sorted(files.items()):
        data, name = path.read_bytes(), path.name
        calls = [("/api/check", {"file": (name, data)}, {}),
                 ("/api/check", {"file": ("年报.xlsx", sample), "previous": (name, data)}, {}),
                 ("/api/report", {"file": (name, data)}, {}),
                 ("/api/next-year", {"file": (name, data)}, {}),
                 (link, {"file": (name, data)}, {"accept": "application/json"})]
        for url, upload, headers in calls:
            started = time.monotonic()
            r = client.post(url, files=upload, headers=headers)
            seconds = time.monotonic() - started
            text = r.text if "json" in r.headers.get("content-type", "") else ""
            why = []
            if seconds > TIME_LIMIT:
                why.append(f"{seconds:.1f} s")
            if r.status_code >= 500:
                why.append(f"status {r.status_code}")
            if text and ENGLISH.search(text.replace(name, "")):
                why.append(f"English: {ENGLISH.search(text.replace(name, '')).group(0)!r}")
            if 400 <= r.status_code < 500 and r.status_code != 409:
                body = r.json()
                if not (body.get("error") and re.search(r"[\u4e00-\u9fff]", body.get("message", ""))):
                    why.append(f"no code and Chinese message: {r.text[:120]}")
            if str(tmp_path) in r.text:
                why.append("a server path in the answer")
            if why:
                problems.append(f"{label} {url[:14]}: {', '.join(why)}")
    assert not problems, "\n".join(problems)
    looping = published.files[published.looping[0]]
    r = client.post("/api/check", files={"file": (looping.name, looping.read_bytes())})
    assert r.status_code == 200 and "秒内未能读完" in r.json()["findings"][0]["message"]
    assert client.get("/").status_code == 200  # still answering
