"""The WPS add-in's pages in a real browser against a real ``nianbao serve`` (127.0.0.1, a free port):
Playwright driving Debian's Chromium by its path (no browser is downloaded), a fresh profile.

* the settings page (what 「设置」 shows in a task pane): the connection check against the running
  server and against an address where nothing answers (8141), a page of another origin checking
  it (CORS), an address that is not a nianbao server, the address kept across reloads and never
  anywhere but the add-in's storage;
* the buttons on the add-in's own page (index.html) with the recording fake of WPS's object model
  (tests/js/fake_et.js, injected before the page's scripts) standing in for WPS: 校验 uploads the
  workbook through the browser's real XMLHttpRequest to the real server and paints the answer —
  the same cells and rows as ``check --mark``; 生成报告 writes a real .docx; 导入上年 a real
  workbook for next year; with the server down, one message and nothing changed.

With ``NIANBAO_SCREENSHOTS=DIR`` the pictures are kept there to look at.
"""
from __future__ import annotations

import base64
import io
import json
import shutil
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
playwright = pytest.importorskip("playwright.sync_api")

import wps_fixtures  # noqa: E402
from serve_helpers import CHROMIUM, Server, chromium, free_port, screenshot_folder  # noqa: E402

from nianbao.messages import say  # noqa: E402

# free ports, not fixed ones: another run of these tests (a second checkout, xdist) may be up
PORT, DOWN = free_port(), free_port()  # nothing listens on DOWN
PANE = {"width": 380, "height": 700}  # a WPS task pane
FAKE_ET = Path(__file__).resolve().parent / "js" / "fake_et.js"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="Chromium not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("wps") / "data", port=PORT).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from chromium(tmp_path_factory, viewport=PANE)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return screenshot_folder(tmp_path_factory)


def snap(page, shots: Path, name: str) -> None:
    path = shots / f"wps-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 3000
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, name


# -- the settings page -------------------------------------------------------------------------------
def settings_page(browser, server):
    page = browser.new_page()
    page.goto(server.url + "/wps/settings.html")
    page.evaluate("localStorage.clear()")
    page.reload()
    return page


def check(page, address: str) -> str:
    page.fill("#server", address)
    page.click("#test")  # the click sets the status to "busy" at once; then ok or bad
    page.wait_for_selector("#status.ok, #status.bad")  # (no wait_for_function: the CSP forbids eval)
    return page.inner_text("#status")


def test_the_settings_page_checks_the_connection(server, browser, shots):
    page = settings_page(browser, server)
    assert page.title() == "年报加载项设置"
    assert page.inner_text("h1") == "年报加载项设置"
    assert page.inner_text("label[for=server]") == "年报服务器地址"
    assert page.inner_text("#current") == say("wps.settings.current", server=server.url)
    assert page.get_attribute("#server", "placeholder") == server.url
    text = check(page, "")  # blank: the server the add-in came from
    assert text == say("wps.settings.ok", server=server.url, version="0.1.0")
    assert page.get_attribute("#status", "class") == "ok"
    snap(page, shots, "settings-ok")


def test_an_address_where_nothing_answers_gets_a_clear_message(server, browser, shots):
    page = settings_page(browser, server)
    down = f"http://127.0.0.1:{DOWN}"
    assert check(page, down + "/") == say("wps.settings.unreachable", server=down)
    assert page.get_attribute("#status", "class") == "bad"
    snap(page, shots, "settings-down")


def test_another_origin_and_a_server_that_is_not_nianbao(server, browser):
    page = settings_page(browser, server)
    other = f"http://localhost:{PORT}"  # another origin for the browser: CORS must allow it
    assert check(page, other) == say("wps.settings.ok", server=other, version="0.1.0")
    not_ours = server.url + "/wps"  # answers, but /wps/openapi.json is no API description
    assert check(page, not_ours) == say("wps.settings.not_nianbao", server=not_ours)
    assert check(page, "ftp://127.0.0.1") == say("wps.settings.invalid")


def test_the_address_is_kept_in_the_add_ins_storage_only(server, browser, shots):
    page = settings_page(browser, server)
    page.fill("#server", "http://192.168.1.10:8000/")
    page.click("#save")
    assert page.inner_text("#status") == say("wps.settings.saved", server="http://192.168.1.10:8000")
    snap(page, shots, "settings-saved")
    page.reload()
    assert page.input_value("#server") == "http://192.168.1.10:8000"
    assert page.inner_text("#current") == say("wps.settings.current", server="http://192.168.1.10:8000")
    assert page.evaluate("Object.keys(localStorage)") == ["nianbao.server"]
    assert page.evaluate("document.cookie") == ""
    page.fill("#server", "javascript:alert(1)")
    page.click("#save")
    assert page.inner_text("#status") == say("wps.settings.invalid")
    assert page.evaluate("localStorage.getItem('nianbao.server')") == "http://192.168.1.10:8000"
    page.fill("#server", "")
    page.click("#save")
    assert page.inner_text("#status") == say("wps.settings.reset", server=server.url)
    assert page.evaluate("localStorage.getItem('nianbao.server')") is None


def test_the_install_page(server, browser, shots):
    page = browser.new_page()
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(server.url + "/wps/install")
    assert page.inner_text("h1") == "在 WPS 表格中使用年报加载项"
    assert f"JSPluginsServer={server.url}/wps/jsplugins.xml" in page.inner_text("#oem-ini")
    assert f'url="{server.url}/wps/"' in page.inner_text("#publish-xml")
    page.screenshot(path=str(shots / "wps-install.png"), full_page=True)
    page.close()


# -- the buttons, with a fake WPS in the real browser ---------------------------------------------
def wps_page(browser, server, state: dict, files: dict[str, bytes] | None = None,
             picked: str | None = None, stored: str | None = None):
    """index.html as WPS loads it, with window.Application the fake holding ``state``."""
    page = browser.new_page()
    page.add_init_script(path=str(FAKE_ET))
    setup = {"state": state, "files": {k: base64.b64encode(v).decode() for k, v in (files or {}).items()},
             "picked": picked}
    page.add_init_script(script="""
      (function (setup) {
        function bytes(b64) { var s = atob(b64), a = new Uint8Array(s.length);
                              for (var i = 0; i < s.length; i++) { a[i] = s.charCodeAt(i); } return a; }
        var app = new FakeEt.App({ picked: setup.picked || false, temp: "/tmp" });
        var state = Object.assign({}, setup.state, { bytes: bytes(setup.state.bytes) });
        if (setup.state.name) { app.open(state); }
        for (var path in setup.files) { app.files[path] = bytes(setup.files[path]); }
        window.Application = app;
        window.__shown = [];
        window.alert = function (text) { window.__shown.push(String(text)); };
      })(%s);""" % json.dumps(setup))
    page.goto(server.url + "/wps/index.html")
    page.evaluate("localStorage.clear()")
    if stored:
        page.evaluate("(s) => localStorage.setItem('nianbao.server', s)", stored)
    return page


def press(page, callback: str) -> str:
    """Press a button (the ribbon calls ``callback``) and wait for its one message (polled: the
    page's CSP forbids the eval wait_for_function needs)."""
    page.evaluate(f"{callback}()")
    deadline = time.monotonic() + 60
    while not page.evaluate("window.__shown.length") and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.wait_for_timeout(200)  # a second message would come now
    shown = page.evaluate("window.__shown")
    assert len(shown) == 1, shown
    return shown[0]


def changed_fills(before: dict, after: dict) -> dict:
    out = {}
    for s in before["sheets"]:
        now = next(x for x in after["sheets"] if x["name"] == s["name"])
        for c in set(s["fills"]) | set(now["fills"]):
            if s["fills"].get(c) != now["fills"].get(c):
                out[f"{s['name']}!{c}"] = now["fills"].get(c)
    return out


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_check_in_the_browser_paints_what_check_mark_marks(server, browser, shots, tmp_path, format_id):
    bad, _, _ = wps_fixtures.bad_workbook(tmp_path, format_id)
    expected = wps_fixtures.marked_by_check_mark(bad, tmp_path)
    page = wps_page(browser, server, wps_fixtures.workbook_state(bad))
    before = page.evaluate("Application.ActiveWorkbook.state()")
    text = press(page, "NianbaoCheck")
    assert text.startswith("发现 ") and "处错误" in text
    after = page.evaluate("Application.ActiveWorkbook.state()")
    assert changed_fills(before, after) == expected["fills"]
    results = next(s for s in after["sheets"] if s["name"] == "校验结果")
    assert results["cells"]["A1"] == expected["title"]
    width = len(expected["rows"][0])
    header = expected["header_row"]
    rows = [[results["cells"].get(f"{chr(64 + c)}{r}") for c in range(1, width + 1)]
            for r in range(header, header + len(expected["rows"]))]
    assert rows == expected["rows"]
    assert {link["cell"]: link["sub"] for link in results["links"]} == expected["links"]
    assert page.evaluate("Application.saves().length") == 0
    assert page.evaluate("Object.keys(Application.files)") == []  # the copy is removed
    page.close()


def test_with_the_server_down_one_message_and_nothing_changed(server, browser, tmp_path):
    bad, _, _ = wps_fixtures.bad_workbook(tmp_path, "2021")
    down = f"http://127.0.0.1:{DOWN}"
    page = wps_page(browser, server, wps_fixtures.workbook_state(bad), stored=down)
    before = page.evaluate("JSON.stringify(Application.ActiveWorkbook.state())")
    assert press(page, "NianbaoCheck") == say("wps.unreachable", server=down)
    assert page.evaluate("JSON.stringify(Application.ActiveWorkbook.state())") == before
    page.close()


def test_no_workbook_and_a_workbook_that_is_not_a_report(server, browser, tmp_path):
    page = wps_page(browser, server, {"name": None, "bytes": ""})
    assert press(page, "NianbaoCheck") == say("wps.no_workbook", button="校验")
    page.close()
    other = wps_fixtures.not_a_report(tmp_path)
    page = wps_page(browser, server, wps_fixtures.workbook_state(other))
    before = page.evaluate("JSON.stringify(Application.ActiveWorkbook.state())")
    text = press(page, "NianbaoCheck")
    assert text.startswith("无法校验这个工作簿：") and "年报工作簿" in text
    assert page.evaluate("JSON.stringify(Application.ActiveWorkbook.state())") == before
    page.close()


def test_report_in_the_browser_writes_a_word_file_beside_the_workbook(server, browser, tmp_path):
    good = wps_fixtures.good_workbook(tmp_path, "2021")
    state = wps_fixtures.workbook_state(good)
    page = wps_page(browser, server, state)
    text = press(page, "NianbaoReport")
    target = f"{state['path']}/good-2021.docx"
    assert text.startswith(say("wps.report_written", file=target))
    assert page.evaluate("Application.opened") == [target]
    data = bytes(page.evaluate("(p) => Array.from(Application.files[p])", target))
    import docx

    document = docx.Document(io.BytesIO(data))
    assert "某区政务办" in "\n".join(p.text for p in document.paragraphs)
    page.close()


def test_next_year_in_the_browser_writes_and_opens_this_years_workbook(server, browser, tmp_path):
    last = wps_fixtures.good_workbook(tmp_path, "2021")
    picked = "/home/clerk/年报/2024年报.xlsx"
    page = wps_page(browser, server, {"name": None, "bytes": ""}, files={picked: last.read_bytes()},
                    picked=picked)
    text = press(page, "NianbaoNextYear")
    opened = page.evaluate("Application.opened")
    assert len(opened) == 1 and opened[0].startswith("/home/clerk/年报/") and opened[0].endswith("年报.xlsx")
    assert text == say("wps.next_year_done", file=opened[0])
    data = bytes(page.evaluate("(p) => Array.from(Application.files[p])", opened[0]))
    import openpyxl

    from nianbao import actions

    made = tmp_path / "made.xlsx"
    made.write_bytes(data)
    report = actions.load(made)
    assert report.meta.year == actions.load(last).meta.year + 1
    assert zipfile.is_zipfile(made)
    assert openpyxl.load_workbook(made).sheetnames[0] == "基本信息"
    page.close()


def test_no_browser_download_was_needed():
    assert shutil.which("chromium") or Path(CHROMIUM).is_file()
