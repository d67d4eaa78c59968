"""A report nianbao generates imports back to the identical Report: the Word file, its PDF
through LibreOffice, and an HTML rendering of the same tables (written here, with rowspan and
colspan as the Word table merges cells), over random consistent Reports of both formats.

Identical means every statutory value, the unit, the year and the format.  The texts are not
compared: the generated document adds generated narrative where an office left a part empty.
"""
from __future__ import annotations

import html

import pytest

from helpers import consistent_report
from nianbao.document import find_soffice, render_report, table_grid, title_lines, to_pdf
from nianbao.importing import import_report

FORMATS = ("2021", "2019")


def _same(got, want) -> None:
    assert (got.format, got.meta.unit, got.meta.year) == (want.format, want.meta.unit, want.meta.year)
    assert got.statutory() == want.statutory()


def _with_texts(report):
    report.texts.update({"s1.active": "本年主动公开信息 120 条。", "s6.other": "本年度未收取信息处理费。",
                         "s5.problems": "公开内容还不够细。"})
    return report


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", range(8))
def test_word_report_imports_back_identical(tmp_path, fmt, seed):
    want = _with_texts(consistent_report(fmt, seed))
    if seed % 2:  # a printed blank stays blank
        want[next(iter(want.statutory()))] = None
    path = render_report(want, tmp_path / "年报.docx")
    im = import_report(path)
    _same(im.report, want)
    assert im.format_detected == fmt and im.ambiguous == []
    assert im.report.texts["s1.active"] == "本年主动公开信息 120 条。"
    assert im.report.texts["s6.other"] == "本年度未收取信息处理费。"
    assert not [f for f in im.report.findings if f.severity != "notice"]
    # 「（本部分未填写）」 is nianbao's mark of a part left empty, not the office's text
    assert not any("未填写" in v for v in im.report.texts.values()), im.report.texts


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", FORMATS)
def test_pdf_of_the_word_report_imports_back_identical(tmp_path, fmt):
    pytest.importorskip("pdfplumber")
    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    want = consistent_report(fmt, 11)
    pdf = to_pdf(render_report(want, tmp_path / "年报.docx"), tmp_path / "年报.pdf")
    im = import_report(pdf)
    _same(im.report, want)
    assert im.format_detected == fmt and im.ambiguous == []
    assert not any("未填写" in v for v in im.report.texts.values()), im.report.texts


# -- a web page of the same report ---------------------------------------------------------------------
def html_page(report, encoding: str = "utf-8") -> bytes:
    """The report as a government website prints it: headings in <p>, tables with merged cells."""
    fmt = report.spec
    unit, rest = title_lines(report)
    out = [f'<html><head><meta charset="{encoding}"><title>{html.escape(unit + rest)}</title>',
           "<script>document.write('<p>一、总体情况 999</p>')</script></head><body>",
           f"<h1>{html.escape(unit)}<br>{html.escape(rest)}</h1>"]
    for section in fmt.sections:
        out.append(f"<p><strong>{html.escape(section.title)}</strong></p>")
        for item in section.texts:
            if report.texts.get(item.key):
                out.append(f"<p>{html.escape(item.label)}</p><p>{html.escape(report.texts[item.key])}</p>")
        if section.table:
            grid = table_grid(fmt.table(section.table), report)
            out.append('<table border="1">')
            for r in range(grid.n_rows):
                cells = sorted((c for c in grid.cells if c.row == r), key=lambda c: c.col)
                out.append("<tr>" + "".join(
                    f'<td rowspan="{c.rows}" colspan="{c.cols}">{html.escape(c.text)}</td>'
                    for c in cells) + "</tr>")
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out).encode(encoding)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_web_page_imports_back_identical(tmp_path, fmt, seed, encoding):
    want = _with_texts(consistent_report(fmt, seed))
    if seed % 2:
        want["t3.new.legal"] = None
    path = tmp_path / "年报.html"
    path.write_bytes(html_page(want, encoding))
    im = import_report(path)
    _same(im.report, want)  # the script's 「一、总体情况 999」 was never run nor read
    assert im.format_detected == fmt and im.ambiguous == []
    assert im.report.texts["s5.problems"] == "公开内容还不够细。"
