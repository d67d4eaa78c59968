"""The WPS add-in (addin/wps/) and its side of the server.

* The JS tests run in node's own test runner (tests/js/), here with the fixtures the Python side
  makes in this run (tests/wps_fixtures.py): the painter, given the steps nianbao serve answers
  for real workbooks of both formats, colours exactly the cells and writes exactly the rows of
  ``nianbao check --mark``, and undoes its previous run; the buttons' bad cases; the ribbon ↔
  callbacks check.  No WPS runs here: the JS runs against a recording fake of WPS's object model.
* The server: /api/check carries the painting steps; /wps/ serves the add-in, /wps/jsplugins.xml
  the list for oem.ini, /wps/install the per-user publish.xml entry; the add-in's endpoints
  answer other origins; the files are package data.
* The generated files (ribbon.xml, js/messages.js) are what nianbao.addin.wps_files makes.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

pytest.importorskip("fastapi")

from starlette.testclient import TestClient  # noqa: E402

import wps_fixtures  # noqa: E402
from helpers import not_a_report  # noqa: E402
from nianbao.addin import wps_files  # noqa: E402
from nianbao.layout import cell_address, parse_cell  # noqa: E402
from nianbao.serve.app import create_app  # noqa: E402
from nianbao.serve.web import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return TestClient(create_app(Settings(data=tmp_path_factory.mktemp("data"))))


# -- the JS, in node ---------------------------------------------------------------------------------
def run_node(env: dict[str, str] | None = None) -> str:
    files = sorted(str(p) for p in (ROOT / "tests" / "js").glob("*.test.js"))
    done = subprocess.run([NODE, "--test", "--test-reporter=tap", *files], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    return done.stdout


def counted(tap: str, what: str) -> int:
    return int(re.search(rf"^# {what} (\d+)$", tap, re.M).group(1))


@needs_node
def test_the_painter_equals_check_mark_on_both_formats_in_node(tmp_path):
    made = wps_fixtures.make(tmp_path / "fixtures")
    assert {p.stem for p in made} == {"bad-2021", "bad-2019", "blank-2021", "not-a-report"}
    tap = run_node({"NIANBAO_WPS_FIXTURES": str(tmp_path / "fixtures")})
    assert counted(tap, "fail") == 0 and counted(tap, "skipped") == 0
    for name in ("bad-2021", "bad-2019", "blank-2021"):
        assert re.search(rf"^ok \d+ - {name}: 校验 colours and lists exactly what check --mark does$",
                         tap, re.M), name
    for name in ("bad-2021", "bad-2019"):
        assert re.search(rf"^ok \d+ - {name}: 校验 again after the fix", tap, re.M), name
    assert re.search(r"^ok \d+ - not-a-report: not a report", tap, re.M)


def test_the_fixtures_come_from_check_mark_and_the_server(tmp_path):
    """What the node tests compare with is what the two Python doors did: check --mark marked
    these cells, and the server's steps for the same workbook name exactly these cells."""
    work = tmp_path / "w"
    work.mkdir()
    bad, cell, _ = wps_fixtures.bad_workbook(work, "2021")
    expected = wps_fixtures.marked_by_check_mark(bad, work)
    answer = wps_fixtures.Api(tmp_path / "data").check(bad)
    painted = {}
    for f in answer["painting"]["fills"]:
        first, _, last = f["range"].partition(":")
        (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                painted[f"{f['sheet']}!{cell_address(r, c)}"] = f["colour"]
    assert painted == expected["fills"]
    assert f"三、依申请公开!{cell}" in painted
    assert len(expected["rows"]) - 1 == answer["errors"] + answer["warnings"] + answer["notices"]


# -- the generated files -----------------------------------------------------------------------------
def test_the_generated_files_are_current():
    for name, make in wps_files.GENERATED.items():
        assert (wps_files.WPS_FOLDER / name).read_text(encoding="utf-8") == make(), (
            f"addin/wps/{name} is stale: run python -m nianbao.addin.wps_files")


def test_the_ribbon_is_customui_with_one_button_per_declaration():
    root = ET.fromstring((wps_files.WPS_FOLDER / "ribbon.xml").read_bytes())
    ns = {"c": wps_files.CUSTOM_UI_NS}
    buttons = root.findall(".//c:button", ns)
    assert [b.get("id") for b in buttons] == [b.id for b in wps_files.WPS_BUTTONS]
    assert [b.get("label") for b in buttons] == ["校验", "生成报告", "导入上年", "设置"]
    assert root.find(".//c:tab", ns).get("label") == "年报"


def test_every_ribbon_callback_is_defined_by_the_add_ins_page():
    """The ribbon ↔ callbacks check without node (tests/js/ribbon.test.js runs the scripts): each
    callback ribbon.xml names is assigned as a global by js/ribbon.js, which index.html loads."""
    ribbon = (wps_files.WPS_FOLDER / "ribbon.xml").read_text(encoding="utf-8")
    named = set(re.findall(r'\s(?:onLoad|onAction|getImage)="([^"]+)"', ribbon))
    assert named == {wps_files.ON_LOAD, wps_files.GET_IMAGE, *(b.callback for b in wps_files.WPS_BUTTONS)}
    script = (wps_files.WPS_FOLDER / "js" / "ribbon.js").read_text(encoding="utf-8")
    defined = set(re.findall(r"^\s*root\.(\w+) = function", script, re.M))
    assert named <= defined, named - defined
    assert 'src="js/ribbon.js"' in (wps_files.WPS_FOLDER / "index.html").read_text(encoding="utf-8")


def test_every_add_in_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["nianbao.addin"]
    files = [p.relative_to(ROOT / "addin").as_posix() for p in (ROOT / "addin" / "wps").rglob("*")
             if p.is_file()]
    assert len(files) >= 14
    for f in files:
        assert any(fnmatch.fnmatch(f, pat) and f.count("/") == pat.count("/") for pat in patterns), f


# -- the server's side -------------------------------------------------------------------------------
def test_api_check_carries_the_painting_steps(client, tmp_path):
    from nianbao import actions

    bad, _, _ = wps_fixtures.bad_workbook(tmp_path, "2019")
    r = client.post("/api/check", files={"file": ("年报.xlsx", bad.read_bytes())})
    body = r.json()
    found = actions.check(actions.Upload("年报.xlsx", bad.read_bytes()))
    _, steps = actions.plan_painting(found, "年报.xlsx")
    expected = steps.to_dict()
    # the verdict carries the time of the check: the rest must be the core's steps exactly
    got = body["painting"]
    stamp = re.compile(r"（\d{4}-\d\d-\d\d \d\d:\d\d 校验）")
    for p in (got, expected):
        for b in p["blocks"]:
            b["values"] = [[stamp.sub("", v) if isinstance(v, str) else v for v in row]
                           for row in b["values"]]
    assert got == json.loads(json.dumps(expected))
    assert got["critical"] and got["message"].startswith("发现 ")


def test_no_painting_for_what_is_not_a_workbook(client, tmp_path):
    other = not_a_report(tmp_path)
    r = client.post("/api/check", files={"file": ("其他.xlsx", other.read_bytes())})
    assert r.status_code == 200 and r.json()["painting"] is None
    assert r.json()["findings"][0]["rule"].startswith("file.")
    text = "一、总体情况\n本年度……\n".encode("utf-8")
    r = client.post("/api/check", files={"file": ("上年年报.txt", text)})
    assert r.status_code == 200 and r.json()["painting"] is None


def test_a_refused_report_answers_the_painting_too(client, tmp_path):
    bad, _, _ = wps_fixtures.bad_workbook(tmp_path, "2021")
    r = client.post("/api/report", files={"file": ("年报.xlsx", bad.read_bytes())})
    assert r.status_code == 409
    assert r.json()["painting"]["results_sheet"] == "校验结果"


def test_the_add_in_is_served_at_wps(client):
    index = client.get("/wps/")
    assert index.status_code == 200
    scripts = re.findall(r'<script src="([^"]+)"', index.text)
    assert scripts[0] == "js/messages.js" and scripts[-1] == "js/ribbon.js"
    for src in scripts + ["ribbon.xml", "settings.html", "css/nianbao.css", "images/check.svg"]:
        r = client.get("/wps/" + src)
        assert r.status_code == 200, src
        # asked again every time (a 304 while unchanged): updating the server updates every desk
        assert r.headers["cache-control"] == "no-cache", src
        again = client.get("/wps/" + src, headers={"if-none-match": r.headers["etag"]})
        assert again.status_code == 304, src
    csp = index.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self' http: https:" in csp
    assert "'unsafe-inline'" not in csp


def test_jsplugins_xml_points_at_this_server(client):
    r = client.get("/wps/jsplugins.xml")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    entry = ET.fromstring(r.content).find("jspluginonline")
    assert entry.attrib == {"name": "nianbao", "type": "et", "url": "http://testserver/wps/"}


def test_under_a_path_prefix_the_urls_carry_it(tmp_path):
    prefixed = TestClient(create_app(Settings(data=tmp_path / "d")), root_path="/nianbao")
    entry = ET.fromstring(prefixed.get("/wps/jsplugins.xml").content).find("jspluginonline")
    assert entry.get("url") == "http://testserver/nianbao/wps/"
    page = prefixed.get("/wps/install").text
    assert "JSPluginsServer=http://testserver/nianbao/wps/jsplugins.xml" in page


def test_the_install_page_shows_oem_ini_and_the_publish_xml_entry(client):
    r = client.get("/wps/install")
    assert r.status_code == 200
    page = r.text
    assert "JsApiPlugin=true" in page
    assert "JSPluginsServer=http://testserver/wps/jsplugins.xml" in page
    assert ('&lt;jspluginonline name=&#34;nianbao&#34; type=&#34;et&#34; '
            'url=&#34;http://testserver/wps/&#34; enable=&#34;enable_dev&#34; '
            'install=&#34;null&#34;/&gt;') in page
    assert r"%APPDATA%\kingsoft\wps\jsaddons\publish.xml" in page
    assert "~/.local/share/Kingsoft/wps/jsaddons/publish.xml" in page
    assert "<script" not in page
    assert 'href="/wps/install"' in client.get("/").text  # linked from every page


def test_the_add_ins_endpoints_answer_other_origins_and_nothing_else_does(client, tmp_path):
    other = not_a_report(tmp_path)
    for method, path in (("post", "/api/check"), ("post", "/api/report"), ("post", "/api/next-year")):
        r = getattr(client, method)(path, files={"file": ("x.xlsx", other.read_bytes())},
                                    headers={"Origin": "http://10.0.0.9:8000"})
        assert r.headers["access-control-allow-origin"] == "*", path
        assert "x-nianbao-notes" in r.headers["access-control-expose-headers"].lower()
        assert "access-control-allow-credentials" not in r.headers
    assert client.get("/openapi.json").headers["access-control-allow-origin"] == "*"
    for path in ("/", "/wps/install", "/api/rounds", "/wps/jsplugins.xml"):
        assert "access-control-allow-origin" not in client.get(path).headers, path
    r = client.post("/api/mark", files={"file": ("x.xlsx", other.read_bytes())})
    assert "access-control-allow-origin" not in r.headers
