"""The clerk's and the coordinator's journeys in a real browser: Playwright driving Debian's
Chromium (``/usr/bin/chromium``, launched by path — no browser is downloaded) against a real
``nianbao serve``.  Each page is also photographed at a desktop and a narrow width; with
``NIANBAO_SCREENSHOTS=DIR`` the pictures are kept there to look at."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import consistent_report
from serve_helpers import (CHROMIUM, TOKEN, YEAR, Server, chromium, screenshot_folder,
                           unit_list, unit_workbook)

pytest.importorskip("uvicorn")
playwright = pytest.importorskip("playwright.sync_api")

from nianbao.cli import main  # noqa: E402
from nianbao.merge.units import Unit  # noqa: E402
from nianbao.xlsx_writer import write_report  # noqa: E402

DESKTOP, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="Chromium not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("browser") / "data").start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from chromium(tmp_path_factory, accept_downloads=True, viewport=DESKTOP)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return screenshot_folder(tmp_path_factory)


def snap(page, shots: Path, name: str) -> None:
    """The page at desktop and at phone width, whole; the narrow one must not scroll sideways
    (tables scroll inside their own box)."""
    for label, size in (("desktop", DESKTOP), ("narrow", NARROW)):
        page.set_viewport_size(size)
        path = shots / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5000
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (name, label, overflow)
    page.set_viewport_size(DESKTOP)


def test_a_clerk_checks_a_faulty_workbook_and_sees_the_error_cell(server, browser, shots,
                                                                    tmp_path):
    report = consistent_report("2021", seed=11)
    report.meta.unit, report.meta.year = "某区政务办", YEAR
    report["t3.new.natural"] = (report.number("t3.new.natural") or 0) + 2
    faulty = write_report(report, tmp_path / "有错的年报.xlsx")

    page = browser.new_page()
    page.goto(server.url + "/")
    assert page.title().startswith("填报与校验")
    snap(page, shots, "01-clerk")
    page.set_input_files("#file", str(faulty))
    page.click("#upload button[type=submit]")
    page.wait_for_selector("table.findings")
    assert "校验结果：有错的年报.xlsx" in page.inner_text("h1")
    first = page.locator("table.findings tbody tr").first
    assert first.get_attribute("class") == "error"
    errors = page.locator("table.findings tr.error").all_inner_texts()
    assert any("D6" in row for row in errors), errors
    snap(page, shots, "02-result")
    # the marked copy, from the result page (the workbook travels in the page's own form)
    with page.expect_download() as got:
        page.click("text=下载标注副本")
    marked = tmp_path / "marked.xlsx"
    got.value.save_as(marked)
    import openpyxl

    assert openpyxl.load_workbook(marked)["三、依申请公开"]["D6"].fill.fgColor.rgb == "FFFFC7CE"
    # 生成报告 is refused with the errors listed
    page.click("button:has-text('生成 Word 年报')")
    page.wait_for_selector(".banner.error")
    assert "未生成年报" in page.inner_text(".banner.error")
    snap(page, shots, "03-refused")
    page.close()


def test_a_clean_workbook_gives_the_report_page(server, browser, shots, tmp_path):
    report = consistent_report("2021", seed=12)
    report.meta.unit, report.meta.year = "某区政务办", YEAR
    good = write_report(report, tmp_path / "年报.xlsx")
    page = browser.new_page()
    page.goto(server.url + "/")
    page.set_input_files("#file", str(good))
    page.click("#upload button[type=submit]")
    page.click("button:has-text('生成 Word 年报')")
    page.wait_for_selector("a[download]")
    with page.expect_download() as got:
        page.click("a[download]")
    assert got.value.suggested_filename == "年报.docx"
    snap(page, shots, "04-report")
    page.close()


def test_a_coordinators_round_in_the_browser(server, browser, shots, tmp_path):
    names = ["甲局", "乙局"]
    units_file = tmp_path / "名单.csv"
    units_file.write_bytes(unit_list(names))
    page = browser.new_page()
    page.goto(server.url + "/coordinator")
    snap(page, shots, "05-login")
    page.fill("#token", TOKEN)
    page.click("button:has-text('进入')")
    page.wait_for_url("**/rounds")
    page.fill("#title", "2025 年度区属单位")
    page.fill("#unit", "某区人民政府办公室")
    page.fill("#year", str(YEAR))
    page.set_input_files("#units", str(units_file))
    snap(page, shots, "06-rounds")
    page.click("button:has-text('发起')")
    page.wait_for_selector("td.link")
    links = page.locator("td.link").all_inner_texts()
    assert len(links) == 2 and all("/u/" in link for link in links)
    snap(page, shots, "07-created")
    with page.expect_download() as got:
        page.click("button:has-text('下载分发包')")
    assert got.value.suggested_filename.endswith(".zip")

    # two units upload through their links: one clean, one with errors
    for name, link, errors in zip(names, links, (False, True)):
        unit = Unit(name, f"C{names.index(name):03d}", "甲区")
        book = tmp_path / f"{name}.xlsx"
        book.write_bytes(unit_workbook(unit, 7, errors=errors))
        upage = browser.new_page()
        upage.goto(link)
        assert name in upage.inner_text("h1")
        other = names[1 - names.index(name)]
        assert other not in upage.content()
        upage.set_input_files("#file", str(book))
        upage.click("button:has-text('上传')")
        upage.wait_for_selector(".banner")
        banner = upage.inner_text(".banner")
        assert ("有" in banner and "错误" in banner) if errors else "校验无错误" in banner
        if errors:
            snap(upage, shots, "08-unit-errors")
        upage.close()

    page.click("text=查看报送情况")
    page.wait_for_selector("table.board")
    texts = page.locator("table.board tbody tr").all_inner_texts()
    rows = {r.split("\t")[0].split("\n")[0]: r for r in texts}
    assert "已汇总" in rows["甲局"]
    assert "有错误（未计入）" in rows["乙局"]
    snap(page, shots, "09-board")
    with page.expect_download() as got:
        page.click("button:has-text('汇总（下载')")
    out = tmp_path / "汇总.xlsx"
    got.value.save_as(out)
    assert CliRunner().invoke(main, ["check", str(out)]).exit_code == 0
    # 汇总报告 in the name of the coordinator's office, not the round's
    with page.expect_download() as got:
        page.click("button:has-text('汇总报告')")
    import docx

    doc = docx.Document(got.value.path())
    first = next(p.text for p in doc.paragraphs if p.text.strip())
    assert "某区人民政府办公室" in first and "区属单位" not in first
    page.close()



def test_a_wholly_blank_table_can_be_forced_from_the_page(server, browser, shots, tmp_path):
    """A workbook with no error but its tables left blank: 生成报告 is refused in the core's
    words (never 「有 0 处错误」), the force box is there, and ticking it gives the report."""
    from nianbao import actions

    blank = actions.new_workbook(tmp_path / "空白年报.xlsx", "2021", year=YEAR, unit="某区政务办")
    page = browser.new_page()
    page.goto(server.url + "/")
    page.set_input_files("#file", str(blank))
    page.click("#upload button[type=submit]")
    page.wait_for_selector("table.findings")
    assert page.locator("input[name=force]").count() == 1
    page.click("button:has-text('生成 Word 年报')")
    page.wait_for_selector(".banner.error")
    banner = page.inner_text(".banner.error")
    assert "整张未填写的表，未生成年报" in banner and "有 0 处" not in banner
    assert "有错误也生成" in banner
    snap(page, shots, "10-blank-refused")
    page.check("input[name=force]")
    page.click("button:has-text('生成 Word 年报')")
    page.wait_for_selector("a[download]")
    assert page.locator("a[download]").first.get_attribute("download") == "空白年报.docx"
    page.close()


def test_the_clerk_pages_cards_line_up_and_the_format_choice_is_whole(server, browser, shots):
    """The three cards start on one line at desktop width, and the 格式 choice's text fits its
    box (at 1400 and 900 px)."""
    page = browser.new_page()
    page.goto(server.url + "/")
    for width in (1400, 900):
        page.set_viewport_size({"width": width, "height": 900})
        tops = page.evaluate("[...document.querySelectorAll('.cards > .card')]"
                             ".map(c => c.getBoundingClientRect().top)")
        assert len(tops) == 3
        same_row = [t for t in tops if abs(t - tops[0]) < 40]  # the cards on the first row
        assert all(abs(t - tops[0]) < 1 for t in same_row), (width, tops)
        if width == 1400:
            assert len(same_row) == 3, tops
        fits = page.evaluate("""(() => { const s = document.querySelector('#format');
            const c = document.createElement('canvas').getContext('2d');
            c.font = getComputedStyle(s).font;
            const widest = Math.max(...[...s.options].map(o => c.measureText(o.text).width));
            return [widest, s.clientWidth]; })()""")
        assert fits[0] + 30 <= fits[1], (width, fits)  # room for the arrow
        page.screenshot(path=str(shots / f"11-clerk-{width}.png"), full_page=True)
    page.close()
