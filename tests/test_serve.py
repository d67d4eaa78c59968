"""``nianbao serve`` through the framework's test client: the API answers what the command line
answers, on both formats and on unreadable and hostile files; the coordinator's round; what the
server must withstand (size limit, CSRF, unit links isolated, tokens hashed, headers)."""
from __future__ import annotations

import io
import json
import random
import re
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import consistent_report
from serve_helpers import TOKEN, YEAR, unit_list, unit_workbook

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import nianbao  # noqa: E402
from nianbao.cli import main  # noqa: E402
from nianbao.merge.units import Unit  # noqa: E402
from nianbao.samples import sample_path  # noqa: E402
from nianbao.serve.app import create_app  # noqa: E402
from nianbao.serve.web import Settings  # noqa: E402
from nianbao.xlsx_writer import write_report  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(tmp_path) -> TestClient:
    return TestClient(create_app(Settings(data=tmp_path / "data", token=TOKEN)))


def _csrf(client: TestClient, path: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def _cli_json(folder: Path, name: str, *extra: str) -> dict:
    """What ``nianbao check --json`` prints for ``folder/name``, run where the file is (so the
    file is named as the upload names it)."""
    import os

    here = os.getcwd()
    os.chdir(folder)
    try:
        out = CliRunner().invoke(main, ["check", name, "--json", *extra])
    finally:
        os.chdir(here)
    assert out.exit_code in (0, 1, 2), out.output
    (obj,) = json.loads(out.stdout)
    return obj


def _files(tmp_path: Path) -> dict[str, Path]:
    sample = tmp_path / "年报.xlsx"
    sample.write_bytes(Path(sample_path()).read_bytes())
    bad = consistent_report("2021", seed=4)
    bad["t3.new.natural"] = (bad.number("t3.new.natural") or 0) + 3
    bad.meta.unit, bad.meta.year = "某区政务办", 2023
    old = consistent_report("2019", seed=5)
    old.meta.unit = "某县政务办"
    return {"sample": sample,
            "faulty": write_report(bad, tmp_path / "有错.xlsx"),
            "2019": write_report(old, tmp_path / "2020年报.xlsx"),
            "unreadable": _write(tmp_path / "坏文件.xlsx", b"PK\x03\x04 not really a zip"),
            "text": _write(tmp_path / "说明.xlsx", "这不是工作簿".encode())}


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p


# -- the clerk's API: the same answers as the command line ---------------------------------------
@pytest.mark.parametrize("kind", ["sample", "faulty", "2019", "unreadable", "text"])
def test_check_is_check_json_plus_the_plan(client, tmp_path, kind):
    path = _files(tmp_path)[kind]
    r = client.post("/api/check", files={"file": (path.name, path.read_bytes())})
    assert r.status_code == 200
    got = r.json()
    plan = got.pop("plan")
    got.pop("painting")  # the WPS add-in's steps: tests/test_wps_addin.py
    assert got == _cli_json(tmp_path, path.name)
    # the plan of the same findings (named as uploaded), as the add-in's painter would get it
    found = next(nianbao.check_many([nianbao.actions.Upload(path.name, path.read_bytes())]))
    assert found.to_dict() == got
    expected_plan = nianbao.plan_marks(found, None, path.name).to_dict()
    assert plan == json.loads(json.dumps(expected_plan))
    if kind in ("unreadable", "text"):
        assert [f["rule"] for f in got["findings"]][0].startswith("file.")
        assert plan["rows"][0]["code"].startswith("file.") and not plan["marks"]
    if kind == "faulty":
        assert any(m["cell"] == "D6" and m["severity"] == "error" for m in plan["marks"])


def test_check_with_last_years_report(client, tmp_path):
    last = consistent_report("2021", seed=8)
    last.meta.unit, last.meta.year = "某区政务办", 2024
    this = consistent_report("2021", seed=9)
    this.meta.unit, this.meta.year = "某区政务办", 2025
    a = write_report(last, tmp_path / "上年.xlsx")
    b = write_report(this, tmp_path / "本年.xlsx")
    r = client.post("/api/check", files={"file": (b.name, b.read_bytes()),
                                         "previous": (a.name, a.read_bytes())})
    got = r.json()
    got.pop("plan")
    got.pop("painting")
    assert got == _cli_json(tmp_path, b.name, "--previous", a.name)
    assert any(f["rule"] == "t3.carry" for f in got["findings"])


def test_vba_format_is_the_add_ins_paint_job(client, tmp_path):
    """``format=vba``: the painting steps as the Excel add-in's VBA reads them (its painter is
    run on such a reply in tests/test_addin_vba.py); an unreadable upload is the JSON error."""
    from nianbao.addin_marks import load_job

    path = _files(tmp_path)["faulty"]
    r = client.post("/api/check?format=vba", files={"file": ("有错.xlsx", path.read_bytes())})
    assert r.status_code == 200 and r.content.isascii()
    job = load_job(r.text)
    assert job.critical and job.result_title.endswith("有错.xlsx") and job.fills
    r = client.post("/api/check?format=vba", files={"file": ("x.xlsx", b"not a workbook")})
    assert r.status_code == 422 and r.json()["error"].startswith("file.")


def test_mark_report_next_year_template_dismiss(client, tmp_path):
    f = _files(tmp_path)
    faulty = f["faulty"].read_bytes()
    r = client.post("/api/mark", files={"file": ("有错.xlsx", faulty)})
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert "校验结果" in wb.sheetnames and wb["校验结果"]["A1"].value == "校验结果：有错.xlsx"
    assert wb["三、依申请公开"]["D6"].fill.fgColor.rgb == "FFFFC7CE"

    r = client.post("/api/report", files={"file": ("有错.xlsx", faulty)})
    assert r.status_code == 409 and r.json()["errors"] >= 1 and "plan" in r.json()
    r = client.post("/api/report", files={"file": ("有错.xlsx", faulty)}, data={"force": "1"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    import docx

    paragraphs = docx.Document(io.BytesIO(r.content)).paragraphs
    assert "政府信息公开工作年度报告" in "".join(p.text for p in paragraphs)

    r = client.post("/api/next-year", files={"file": ("年报.xlsx", f["sample"].read_bytes())})
    assert r.status_code == 200
    nxt = nianbao.load(nianbao.actions.Upload("n.xlsx", r.content))
    assert nxt.meta.year == nianbao.load(str(f["sample"])).meta.year + 1

    r = client.get("/api/template", params={"year": 2020, "unit": "某县"})
    assert r.status_code == 200
    blank = nianbao.load(nianbao.actions.Upload("b.xlsx", r.content))
    assert blank.format == "2019" and blank.meta.unit == "某县"
    r = client.get("/api/template", params={"year": 2020, "format": "2021"})
    assert r.status_code == 400 and r.json()["error"] == "format.year"
    assert "2019" in r.json()["message"]

    found = next(nianbao.check_many([str(f["sample"])]))
    warning = next(x for x in found if x.severity in ("warning", "notice"))
    r = client.post("/api/dismiss", files={"file": ("年报.xlsx", f["sample"].read_bytes())},
                    data={"ids": [warning.id], "reason": "经核实无误"})
    assert r.status_code == 200
    again = nianbao.check(nianbao.actions.Upload("年报.xlsx", r.content))
    assert [(d.id, why) for d, why in again.dismissed] == [(warning.id, "经核实无误")]
    error = client.post("/api/dismiss", files={"file": ("有错.xlsx", faulty)},
                        data={"ids": ["t3.row"], "reason": "x"})
    assert error.status_code == 400 and error.json()["error"] == "dismiss.error"


def test_an_unreadable_file_where_a_workbook_is_needed_is_422_in_chinese(client, tmp_path):
    bad = _files(tmp_path)["unreadable"].read_bytes()
    for path in ("/api/mark", "/api/report", "/api/next-year"):
        r = client.post(path, files={"file": ("坏文件.xlsx", bad)})
        assert r.status_code == 422, path
        assert "坏文件.xlsx" in r.json()["message"] and "Traceback" not in r.text
    r = client.post("/api/check")
    assert r.status_code == 422 and r.json()["fields"] == ["file"]
    assert re.search(r"[\u4e00-\u9fff]", r.json()["message"])


# -- hostile uploads -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> list[Path]:
    from corpus import Base, build_corpus

    files = build_corpus(tmp_path_factory.mktemp("corpus"),
                         [Base("sample", Path(sample_path()).read_bytes())])
    rng = random.Random(23)
    wanted = [f for f in files if re.search(r"bomb|dtd|external|32767|many-texts|far-XFD|"
                                            r"dimension|not-xml|noise", f.name)]
    return sorted(rng.sample(wanted, min(24, len(wanted))))


def test_hostile_uploads_get_the_command_lines_answer_and_the_server_keeps_answering(
        client, hostile):
    assert hostile
    for path in hostile:
        r = client.post("/api/check", files={"file": (path.name, path.read_bytes())})
        assert r.status_code == 200, path.name
        got = r.json()
        got.pop("plan")
        got.pop("painting")
        assert got == _cli_json(path.parent, path.name), path.name
    assert client.get("/").status_code == 200


def test_an_upload_over_the_limit_is_413_before_it_is_read(tmp_path):
    app = create_app(Settings(data=tmp_path / "d", token=TOKEN, max_upload=100_000))
    c = TestClient(app)
    big = b"x" * 1_300_000
    r = c.post("/api/check", files={"file": ("big.xlsx", big)})
    assert r.status_code == 413 and r.json()["error"] == "serve.too_large"
    assert "MB" in r.json()["message"]

    # no Content-Length: the body is counted as it arrives and refused when it passes the limit
    read = []

    def chunks():
        for _ in range(40):
            read.append(1)
            yield b"y" * 65536

    r = c.post("/api/check", content=chunks(),
               headers={"content-type": "multipart/form-data; boundary=xx"})
    assert r.status_code == 413
    # over the file limit but within the body's slack: refused after reading that one file
    r = c.post("/api/check", files={"file": ("a.xlsx", b"z" * 150_000)})
    assert r.status_code == 413
    assert c.get("/").status_code == 200


# -- the coordinator's round ---------------------------------------------------------------------
def _round(client: TestClient, names: list[str]) -> dict:
    r = client.post("/api/rounds", headers=AUTH,
                    data={"year": str(YEAR), "title": "测试批次", "unit": "某区人民政府办公室"},
                    files={"units": ("名单.csv", unit_list(names))})
    assert r.status_code == 201, r.text
    return r.json()


def test_every_rounds_call_needs_the_token(client):
    assert client.post("/api/rounds", data={"year": "2025"},
                       files={"units": ("名单.csv", unit_list(["甲"]))}).status_code == 401
    for path in ("/api/rounds", "/api/rounds/1", "/api/rounds/1/workbooks.zip",
                 "/api/rounds/1/versions", "/api/rounds/1/files/" + "0" * 64):
        r = client.get(path)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer", path
        assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/api/rounds/1/consolidate").status_code == 401
    assert client.delete("/api/rounds/1/units/1/link").status_code == 401


def test_a_round_through_the_api(client, tmp_path):
    made = _round(client, ["甲局", "乙局", "丙局", "丁局"])
    assert made["year"] == YEAR and made["format"] == "2021"
    assert [u["name"] for u in made["units"]] == ["甲局", "乙局", "丙局", "丁局"]
    url = {u["name"]: u["upload_url"] for u in made["units"]}
    assert all(re.fullmatch(r"http://testserver/u/[A-Za-z0-9_-]{43}", v) for v in url.values())
    units = {n: Unit(n, f"C{i:03d}", "甲区") for i, n in enumerate(["甲局", "乙局", "丙局", "丁局"])}

    def send(name: str, data: bytes, as_name: str = "年报.xlsx") -> dict:
        r = client.post(url[name].replace("http://testserver", ""), files={"file": (as_name, data)},
                        headers={"accept": "application/json"})
        assert r.status_code == 200, r.text
        return r.json()

    good = send("甲局", unit_workbook(units["甲局"], 1))
    assert good["accepted"] and good["errors"] == 0 and good["file"] == "年报.xlsx"
    bad = send("乙局", unit_workbook(units["乙局"], 2, errors=True))
    assert bad["accepted"] and bad["errors"] > 0
    other = send("丙局", unit_workbook(units["甲局"], 3))
    assert not other["accepted"] and "甲局" in other["reason"] and "丙局" in other["reason"]
    wrong_year = send("丙局", unit_workbook(units["丙局"], 4, year=2024))
    assert not wrong_year["accepted"] and "2024" in wrong_year["reason"]
    unreadable = send("丙局", b"not a workbook", "x.xlsx")
    assert not unreadable["accepted"] and unreadable["findings"][0]["rule"].startswith("file.")
    # a unit that sends its workbook again after fixing it
    fixed = send("乙局", unit_workbook(units["乙局"], 2))
    assert fixed["accepted"] and fixed["errors"] == 0

    board = client.get(f"/api/rounds/{made['id']}", headers=AUTH).json()
    merge_keys = {"output", "database", "format", "year", "accepted", "rejected", "missing",
                  "units"}
    assert merge_keys <= set(board) and board["year"] == YEAR
    status = {}
    for row in board["units"]:
        status.setdefault(row["unit"], []).append(row["status"])
    assert status["甲局"] == ["merged"]
    assert sorted(status["乙局"]) == ["merged", "superseded"]
    assert status["丙局"] == ["rejected"] * 3 and "丙局" not in board["missing"]
    assert status["丁局"] == ["missing"] and board["missing"] == ["丁局"]
    rejected = [r for r in board["units"] if r["unit"] == "丙局"]
    assert all(r["feedback"].endswith("请处理后重新报送。") for r in rejected)

    versions = client.get(f"/api/rounds/{made['id']}/versions", headers=AUTH).json()
    assert len(versions) == 6
    sha = versions[0]["sha256"]
    r = client.get(f"/api/rounds/{made['id']}/files/{sha}", headers=AUTH)
    assert r.status_code == 200 and r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"].startswith("attachment")
    import hashlib

    assert hashlib.sha256(r.content).hexdigest() == sha

    r = client.post(f"/api/rounds/{made['id']}/consolidate", headers=AUTH)
    assert r.status_code == 200
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(r.content)
    assert CliRunner().invoke(main, ["check", str(out)]).exit_code == 0
    summary = openpyxl.load_workbook(out)["汇总情况"]
    text = " ".join(str(c.value) for row in summary.iter_rows() for c in row if c.value)
    assert "甲局" in text and "乙局" in text
    summed = nianbao.load(str(out))
    parts = [nianbao.load(nianbao.actions.Upload("a.xlsx", unit_workbook(units[n], s)))
             for n, s in (("甲局", 1), ("乙局", 2))]
    assert summed.number("t3.new.total") == sum(p.number("t3.new.total") for p in parts)

    r = client.get(f"/api/rounds/{made['id']}/workbooks.zip", headers=AUTH)
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert sorted(zf.namelist()) == sorted(f"{n}.xlsx" for n in units)


def test_unit_links_see_nothing_of_other_units_and_can_be_revoked(client):
    made = _round(client, ["甲局", "乙局"])
    a, b = (u["upload_url"].replace("http://testserver", "") for u in made["units"])
    ua, ub = Unit("甲局", "C000", "甲区"), Unit("乙局", "C001", "甲区")
    sent_b = client.post(b, files={"file": ("乙.xlsx", unit_workbook(ub, 5))},
                         headers={"accept": "application/json"}).json()
    page_a = client.get(a).text
    assert "甲局" in page_a and "乙局" not in page_a and "乙.xlsx" not in page_a
    assert client.get(f"{a}/files/{sent_b['sha256']}").status_code == 404
    assert client.get(f"{b}/files/{sent_b['sha256']}").status_code == 200
    assert client.get("/u/" + "x" * 43).status_code == 404
    uid = made["units"][0]["id"]
    assert client.delete(f"/api/rounds/{made['id']}/units/{uid}/link", headers=AUTH).status_code == 204
    r = client.post(a, files={"file": ("甲.xlsx", unit_workbook(ua, 6))},
                    headers={"accept": "application/json"})
    assert r.status_code == 404 and "撤销" in r.json()["message"]
    new = client.post(f"/api/rounds/{made['id']}/units/{uid}/link", headers=AUTH).json()
    assert client.get(new["upload_url"].replace("http://testserver", "")).status_code == 200


def test_tokens_are_kept_only_hashed(client, tmp_path):
    made = _round(client, ["甲局"])
    token = made["units"][0]["upload_url"].rsplit("/", 1)[1]
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").glob("nianbao.db*"))
    assert token.encode() not in raw and TOKEN.encode() not in raw
    con = sqlite3.connect(tmp_path / "data" / "nianbao.db")
    hashes = {h for (h,) in con.execute("SELECT hash FROM credentials")}
    import hashlib

    assert hashlib.sha256(TOKEN.encode()).hexdigest() in hashes
    assert con.execute("SELECT link_hash FROM round_units").fetchone()[0] == \
        hashlib.sha256(token.encode()).hexdigest()


def test_the_year_and_format_come_from_the_coordinator(client):
    r = client.post("/api/rounds", headers=AUTH, data={"year": "2020", "format": "2021"},
                    files={"units": ("名单.csv", unit_list(["甲局"]))})
    assert r.status_code == 400 and r.json()["error"] == "format.year"
    made = _round(client, ["甲局", "乙局", "丙局"])
    # two units send 2024 workbooks, one the round's year: the round stays 2025
    for u, year in zip(made["units"], (2024, 2024, YEAR)):
        client.post(u["upload_url"].replace("http://testserver", ""),
                    files={"file": ("a.xlsx", unit_workbook(Unit(u["name"], u["code"], "甲区"),
                                                             1, year=year))},
                    headers={"accept": "application/json"})
    board = client.get(f"/api/rounds/{made['id']}", headers=AUTH).json()
    assert board["year"] == YEAR
    assert sorted(r["status"] for r in board["units"]) == ["merged", "rejected", "rejected"]


def test_a_bad_unit_list_is_one_chinese_line_naming_the_file(client):
    r = client.post("/api/rounds", headers=AUTH, data={"year": "2025"},
                    files={"units": ("名单.csv", "单位名称\n甲局\n甲局\n".encode())})
    assert r.status_code == 400 and "名单.csv" in r.json()["message"]
    assert "/tmp" not in r.json()["message"]
    r = client.post("/api/rounds", headers=AUTH, data={"year": "2025"},
                    files={"units": ("名单.exe", b"x")})
    assert r.status_code == 400 and r.json()["error"] == "round.units_kind"


# -- pages: forms, CSRF, headers -----------------------------------------------------------------
PAGE_FORMS = ["/check", "/mark", "/report", "/dismiss", "/next-year", "/login", "/logout",
              "/rounds", "/rounds/1/package", "/rounds/1/consolidate", "/rounds/1/report",
              "/rounds/1/unit",
              "/rounds/1/units/1/link", "/rounds/1/units/1/revoke"]


def test_every_form_needs_its_csrf_token(client, tmp_path):
    _login(client)
    for path in PAGE_FORMS:
        r = client.post(path, data={"csrf": "forged"}, files={"file": ("a.xlsx", b"x")})
        assert r.status_code == 403, path
        assert "表单已过期" in r.text
    # the right token, but the browser says the request came from another site
    csrf = _csrf(client)
    r = client.post("/check", data={"csrf": csrf}, files={"file": ("a.xlsx", b"x")},
                    headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403


def _login(client: TestClient) -> None:
    csrf = _csrf(client, "/coordinator")
    r = client.post("/login", data={"csrf": csrf, "token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_headers_pages_and_downloads(client, tmp_path):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in r.text and "style=" not in r.text
    cookie = r.headers["set-cookie"]
    assert "nb_csrf=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_the_clerk_pages_without_javascript(client, tmp_path):
    f = _files(tmp_path)
    csrf = _csrf(client)
    r = client.post("/check", data={"csrf": csrf},
                    files={"file": ("有错.xlsx", f["faulty"].read_bytes())})
    assert r.status_code == 200
    assert "D6" in r.text and "错误" in r.text
    # what a received workbook says is shown as text, never as markup
    evil = consistent_report("2021", seed=1)
    evil.meta.unit, evil.meta.year = "<script>alert(1)</script>", 2023
    evil.texts["s1.request"] = "<img src=x onerror=alert(1)>收到申请 999 件"
    p = write_report(evil, tmp_path / "evil.xlsx")
    r = client.post("/check", data={"csrf": csrf}, files={"file": ("<i>x<i>.xlsx", p.read_bytes())})
    assert "<script>alert" not in r.text and "<img src=x" not in r.text and "<i>x" not in r.text
    assert "&lt;i&gt;x&lt;i&gt;.xlsx" in r.text
    # the result page carries the workbook back: 标注, 生成报告 and 复核 without a second upload
    r = client.post("/check", data={"csrf": csrf},
                    files={"file": ("有错.xlsx", f["faulty"].read_bytes())})
    carried = re.search(r'name="workbook" value="([^"]+)"', r.text).group(1)
    form = {"csrf": csrf, "workbook": carried, "name": "有错.xlsx"}
    r = client.post("/mark", data=form)
    assert r.status_code == 200 and "校验结果" in openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames
    r = client.post("/report", data=form)
    assert r.status_code == 409 and "有 2 处错误，未生成年报" in r.text and "有错误也生成" in r.text
    r = client.post("/report", data={**form, "force": "1"})
    assert r.status_code == 200 and 'download="有错.docx"' in r.text
    r = client.post("/next-year", data={"csrf": csrf},
                    files={"file": ("年报.xlsx", f["sample"].read_bytes())})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = client.post("/next-year", data={"csrf": csrf}, files={"file": ("坏.xlsx", b"junk")})
    assert r.status_code == 422 and "坏.xlsx" in r.text


def test_behind_a_reverse_proxy_under_a_prefix(tmp_path):
    app = create_app(Settings(data=tmp_path / "d", token=TOKEN))
    c = TestClient(app, root_path="/nianbao")
    first = c.get("/nianbao/")
    assert 'action="/nianbao/check"' in first.text
    assert 'href="/nianbao/static/nianbao.css"' in first.text
    assert "Path=/nianbao" in first.headers["set-cookie"]
    assert c.get("/nianbao/static/nianbao.css").status_code == 200
    made = c.post("/nianbao/api/rounds", headers=AUTH, data={"year": "2025"},
                  files={"units": ("名单.csv", unit_list(["甲局"]))}).json()
    assert made["units"][0]["upload_url"].startswith("http://testserver/nianbao/u/")


def test_the_coordinator_pages(client):
    assert client.get("/rounds").status_code == 401
    csrf = _csrf(client, "/coordinator")
    r = client.post("/login", data={"csrf": csrf, "token": "wrong"})
    assert r.status_code == 401 and "口令不正确" in r.text
    _login(client)
    r = client.post("/rounds", data={"csrf": csrf, "year": "2025", "title": "页面批次"},
                    files={"units": ("名单.csv", unit_list(["甲局", "乙局"]))})
    assert r.status_code == 201 and "只显示这一次" in r.text
    links = re.findall(r'name="link_(\d+)" value="([^"]+)"', r.text)
    assert len(links) == 2
    rid = re.search(r'/rounds/(\d+)/package', r.text).group(1)
    r = client.post(f"/rounds/{rid}/package",
                    data={"csrf": csrf, **{f"link_{u}": t for u, t in links}})
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = zf.namelist()
        csv_text = zf.read("上传链接.csv").decode("utf-8-sig")
    assert sorted(names) == ["上传链接.csv", "乙局.xlsx", "甲局.xlsx"]
    assert all(t in csv_text for _, t in links)
    # a forged token is not put in the package
    r = client.post(f"/rounds/{rid}/package", data={"csrf": csrf, f"link_{links[0][0]}": "x" * 43})
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert "上传链接.csv" not in zf.namelist()
    board = client.get(f"/rounds/{rid}").text
    assert "未报送" in board and "甲局" in board
    r = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and client.get("/rounds").status_code == 401


def test_check_does_not_import_the_servers_libraries(tmp_path):
    import subprocess
    import sys

    code = ("import sys, nianbao.cli; from nianbao.cli import main\n"
            "try:\n main(['check', sys.argv[1]])\nexcept SystemExit: pass\n"
            "bad = [m for m in ('fastapi', 'starlette', 'uvicorn', 'multipart', 'pydantic')"
            " if m in sys.modules]\n"
            "print('LOADED', bad)")
    out = subprocess.run([sys.executable, "-c", code, str(sample_path())], capture_output=True,
                         text=True, timeout=120)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr


def test_the_result_page_lists_the_results_sheets_rows_and_reviews_several(client, tmp_path):
    """The page's rows are the marked copy's 校验结果 rows, with the same 编号; ticking several
    warnings and giving one reason records them all in the workbook sent back."""
    f = _files(tmp_path)
    wb = openpyxl.load_workbook(f["sample"])
    wb["三、依申请公开"]["D6"] = wb["三、依申请公开"]["D6"].value + 1  # an error among them
    wb.save(f["sample"])
    csrf = _csrf(client)
    page = client.post("/check", data={"csrf": csrf},
                       files={"file": ("年报.xlsx", f["sample"].read_bytes())}).text
    shown = re.findall(r'<td class="hide-narrow id">([0-9a-f]{10})</td>', page)
    boxes = re.findall(r'name="ids" value="([0-9a-f]{10})"', page)
    carried = re.search(r'name="workbook" value="([^"]+)"', page).group(1)
    marked = client.post("/mark", data={"csrf": csrf, "workbook": carried, "name": "年报.xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(marked.content))["校验结果"]
    assert ws.cell(4, 9).value == "编号"
    rows = [(ws.cell(r, 2).value, ws.cell(r, 9).value) for r in range(5, ws.max_row + 1)]
    assert shown == [i for _, i in rows]
    assert boxes == [i for level, i in rows if level != "错误"] and len(boxes) >= 3
    r = client.post("/dismiss", data={"csrf": csrf, "workbook": carried, "name": "年报.xlsx",
                                      "ids": boxes[:3], "reason": "经核实无误"})
    assert r.status_code == 200
    again = nianbao.check(nianbao.actions.Upload("年报.xlsx", r.content))
    assert sorted(d.id for d, _ in again.dismissed) == sorted(boxes[:3])
    assert {why for _, why in again.dismissed} == {"经核实无误"}
    # the next check's page lists them apart, no longer among the rows to review
    page = client.post("/check", data={"csrf": csrf},
                       files={"file": ("年报.xlsx", r.content)}).text
    assert "已复核、不再提示（3 项）" in page
    assert not set(re.findall(r'name="ids" value="([0-9a-f]{10})"', page)) & set(boxes[:3])


# -- contacts on the board -----------------------------------------------------------------------
def test_the_board_shows_the_lists_contact_and_phone_also_for_refused_uploads(client):
    """The unit list's 联系人 and 电话 are kept with the round: every row of the board — sent,
    refused at the link, or missing — shows them (the API and the page)."""
    listed = ("单位名称,单位代码,上级单位,联系人,电话\n"
              "甲局,C000,甲区,张三,0571-88000001\n乙局,C001,甲区,李四,0571-88000002\n"
              "丙局,C002,甲区,王五,0571-88000003\n").encode()
    r = client.post("/api/rounds", headers=AUTH, data={"year": str(YEAR)},
                    files={"units": ("名单.csv", listed)})
    made = r.json()
    url = {u["name"]: u["upload_url"].replace("http://testserver", "") for u in made["units"]}
    jia = Unit("甲局", "C000", "甲区")
    # 甲局 sends its own workbook; 乙局 sends 甲局's (refused at the door); 丙局 sends nothing
    for name, unit in (("甲局", jia), ("乙局", jia)):
        client.post(url[name], files={"file": ("年报.xlsx", unit_workbook(unit, 1))},
                    headers={"accept": "application/json"})
    board = client.get(f"/api/rounds/{made['id']}", headers=AUTH).json()
    rows = {r["unit"]: r for r in board["units"]}
    assert rows["乙局"]["status"] == "rejected"
    assert (rows["甲局"]["contact"], rows["甲局"]["phone"]) == ("张三", "0571-88000001")
    assert (rows["乙局"]["contact"], rows["乙局"]["phone"]) == ("李四", "0571-88000002")
    assert (rows["丙局"]["contact"], rows["丙局"]["phone"]) == ("王五", "0571-88000003")
    _login(client)
    page = client.get(f"/rounds/{made['id']}").text
    for contact, phone in (("张三", "88000001"), ("李四", "88000002"), ("王五", "88000003")):
        assert contact in page and phone in page


def test_a_round_database_of_the_earlier_schema_is_migrated(tmp_path):
    """A data folder made before rounds kept phones and the coordinator's unit opens: its
    rounds are kept, with the new fields empty."""
    from nianbao.merge import history

    data = tmp_path / "data"
    data.mkdir()
    con = sqlite3.connect(data / "nianbao.db")
    for i, step in enumerate(history.SCHEMA_STEPS[:3]):
        con.executescript(f"BEGIN; {step} PRAGMA user_version = {i + 1}; COMMIT;")
    con.execute("INSERT INTO rounds (created_at, year, format, title) VALUES "
                "('2026-01-05T00:00:00+00:00', 2025, '2021', '旧批次')")
    con.execute("INSERT INTO round_units (round, position, name, contact) VALUES (1, 1, '甲局', '张三')")
    con.commit()
    con.close()
    c = TestClient(create_app(Settings(data=data, token=TOKEN)))
    board = c.get("/api/rounds/1", headers=AUTH).json()
    assert board["round"]["title"] == "旧批次"
    (row,) = board["units"]
    assert row["contact"] == "张三" and row["phone"] is None


# -- a round's consolidated report: the coordinator's own office -------------------------------
def _docx_text(data: bytes) -> tuple[str, str]:
    """(the first non-empty paragraph — the title —, the whole text) of a .docx."""
    import docx

    doc = docx.Document(io.BytesIO(data))
    paras = [p.text.strip() for p in doc.paragraphs if p.text.strip()]
    return paras[0], "\n".join(paras)


def test_a_rounds_report_names_the_coordinators_unit_never_the_rounds_name(client):
    _login(client)
    csrf = _csrf(client, "/rounds")
    r = client.post("/rounds", data={"csrf": csrf, "year": str(YEAR), "title": "2025 年度区属单位"},
                    files={"units": ("名单.csv", unit_list(["甲局", "乙局"]))})
    assert r.status_code == 201
    rid = re.search(r'/rounds/(\d+)/package', r.text).group(1)
    board = client.get(f"/api/rounds/{rid}", headers=AUTH).json()
    assert board["round"]["unit"] is None
    for name, seed in (("甲局", 1), ("乙局", 2)):
        token = client.post(f"/api/rounds/{rid}/units/"
                            f"{next(u['round_unit'] for u in board['units'] if u['unit'] == name)}"
                            "/link", headers=AUTH).json()["upload_url"]
        sent = client.post(token.replace("http://testserver", ""),
                           files={"file": ("年报.xlsx", unit_workbook(Unit(name, "", "甲区"), seed))},
                           headers={"accept": "application/json"}).json()
        assert sent["accepted"] and sent["errors"] == 0, sent
    # no 本级单位 yet: refused, with the form that gives it (and no force advice: none applies)
    r = client.post(f"/rounds/{rid}/report", data={"csrf": csrf})
    assert r.status_code == 409
    assert "本级单位" in r.text and 'name="unit"' in r.text and f'/rounds/{rid}/report' in r.text
    assert "有错误也生成" not in r.text and 'name="force"' not in r.text
    # given on that form: kept with the round, and the report is made in its name
    r = client.post(f"/rounds/{rid}/report", data={"csrf": csrf, "unit": " 某区人民政府办公室 "})
    assert r.status_code == 200, r.text[:2000]
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    title, text = _docx_text(r.content)
    assert "某区人民政府办公室" in title, title
    assert "区属单位" not in text
    assert client.get(f"/api/rounds/{rid}", headers=AUTH).json()["round"]["unit"] == "某区人民政府办公室"
    assert 'value="某区人民政府办公室"' in client.get(f"/rounds/{rid}").text
    # corrected on the board: the next report carries the new name
    r = client.post(f"/rounds/{rid}/unit", data={"csrf": csrf, "unit": "某区政务服务管理局"},
                    follow_redirects=False)
    assert r.status_code == 303
    title, _ = _docx_text(client.post(f"/rounds/{rid}/report", data={"csrf": csrf}).content)
    assert "某区政务服务管理局" in title
    # the consolidated workbook carries it as 填报单位 too
    out = client.post(f"/api/rounds/{rid}/consolidate", headers=AUTH)
    assert nianbao.load(nianbao.actions.Upload("汇总.xlsx", out.content)).meta.unit == "某区政务服务管理局"


def test_a_round_opened_through_the_api_with_its_unit(client):
    r = client.post("/api/rounds", headers=AUTH,
                    data={"year": str(YEAR), "title": "批次", "unit": "某县人民政府办公室"},
                    files={"units": ("名单.csv", unit_list(["甲局"]))})
    made = r.json()
    assert made["unit"] == "某县人民政府办公室"
    r = client.post(f"/api/rounds/{made['id']}/unit", headers=AUTH, data={"unit": "某县政务办"})
    assert r.json()["unit"] == "某县政务办"
    assert client.post(f"/api/rounds/{made['id']}/unit", data={"unit": "x"}).status_code == 401


# -- a refusal as the core decides it: a table left wholly blank ---------------------------------
def _blank(tmp_path: Path) -> bytes:
    path = nianbao.actions.new_workbook(tmp_path / "空白.xlsx", "2021", year=YEAR, unit="某区政务办")
    return Path(path).read_bytes()


def test_a_wholly_blank_table_stops_the_report_and_every_door_says_the_cores_words(client,
                                                                                    tmp_path):
    """Blank tables are warnings that stop publication: the 409 carries the core's refusal
    (count, forcible, its text — never 「有 0 处错误」), the page shows that text and the force
    box, and forcing it writes the report."""
    data = _blank(tmp_path)
    found = nianbao.check(nianbao.actions.Upload("空白.xlsx", data))
    assert found.errors == 0 and len(found.blocking) == 3
    want = nianbao.actions.refusal_of(found)
    r = client.post("/api/report", files={"file": ("空白.xlsx", data)})
    assert r.status_code == 409
    refusal = r.json()["refusal"]
    assert refusal == want.to_dict()
    assert (refusal["count"], refusal["errors"], refusal["blank_tables"]) == (3, 0, 3)
    assert refusal["forcible"] is True
    assert refusal["text"].startswith("有 3 处错误或整张未填写的表，未生成年报")
    assert "有 0 处" not in refusal["text"] and "表三" in refusal["text"]
    assert client.post("/api/report", files={"file": ("空白.xlsx", data)},
                       data={"force": "1"}).status_code == 200
    # the page: checked first (the force box shows although there is no error), then refused
    csrf = _csrf(client)
    page = client.post("/check", data={"csrf": csrf}, files={"file": ("空白.xlsx", data)}).text
    assert 'name="force"' in page
    carried = re.search(r'name="workbook" value="([^"]+)"', page).group(1)
    form = {"csrf": csrf, "workbook": carried, "name": "空白.xlsx"}
    r = client.post("/report", data=form)
    assert r.status_code == 409
    assert "有 3 处错误或整张未填写的表，未生成年报" in r.text and "有 0 处" not in r.text
    assert 'name="force"' in r.text and "有错误也生成" in r.text
    r = client.post("/report", data={**form, "force": "1"})
    assert r.status_code == 200 and 'download="空白.docx"' in r.text


def test_a_refusal_that_cannot_be_forced_gives_no_force_advice(client, tmp_path):
    """A page that cannot send the workbook back (too large to carry) shows the refusal without
    the force box, and without advice to tick it."""
    data = _blank(tmp_path)
    small = TestClient(create_app(Settings(data=tmp_path / "d2", token=TOKEN,
                                           max_upload=len(data) + 10)))
    csrf = _csrf(small)
    page = small.post("/check", data={"csrf": csrf}, files={"file": ("空白.xlsx", data)}).text
    assert 'name="workbook"' not in page and 'name="force"' not in page
    assert "有错误也生成" not in page



def test_an_archive_copy_changed_on_disk_is_never_served_or_consolidated(client, tmp_path):
    """What the server hands out and adds up is what the unit sent: a copy in the archive that
    no longer hashes to what was received is refused in Chinese (500: the store is at fault),
    for the download and for the consolidation alike."""
    made = _round(client, ["甲局"])
    link = made["units"][0]["upload_url"].replace("http://testserver", "")
    r = client.post(link, files={"file": ("年报.xlsx", unit_workbook(Unit("甲局", "C000", "甲区"), 1))},
                    headers={"accept": "application/json"})
    assert r.status_code == 200 and r.json()["accepted"], r.text
    (sha,) = {v["sha256"] for v in client.get(f"/api/rounds/{made['id']}/versions",
                                               headers=AUTH).json()}
    assert client.get(f"/api/rounds/{made['id']}/files/{sha}", headers=AUTH).status_code == 200
    (copy,) = [p for p in (tmp_path / "data").rglob("*.xlsx") if "存档" in str(p.parent)]
    data = bytearray(copy.read_bytes())
    data[-30] ^= 0xFF  # one byte changed on the disk
    copy.write_bytes(bytes(data))
    r = client.get(f"/api/rounds/{made['id']}/files/{sha}", headers=AUTH)
    assert r.status_code == 500 and r.json()["error"] == "round.archive_changed"
    assert "与收到时不同" in r.json()["message"]
    r = client.post(f"/api/rounds/{made['id']}/consolidate", headers=AUTH)
    assert r.status_code == 500 and r.json()["error"] == "round.archive_changed"
