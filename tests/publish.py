"""A report published the ways offices publish it, for the importer's tests.

Each function takes a :class:`Report` and makes a file as it arises in practice — none of them
asks the importer anything, so what a test expects is the Report it started from:

* :func:`word` — the Word report nianbao writes;
* :func:`awkward_pdf` — that report printed to PDF by LibreOffice after an office's edits: a
  running header (the title) on every page, the page number as 「— 3 —」 in the footer (the
  template's), table rows taller than their text with the numbers at the top of their cells
  and the labels centred, so a two-line label is printed *below* its row's numbers;
* :func:`pdf_text` — what a PDF viewer or ``pdftotext`` gives for such a PDF: lines, page
  numbers and running headers included, form feeds between pages where the tool writes them;
* :func:`web_page` — the report as a government site prints it (tables with merged cells);
* :func:`one_line` — that page with its tags stripped and its line breaks lost, as a scraper
  or a copy into a text box gives it: one long line.
"""
from __future__ import annotations

import html as html_lib
import re
import subprocess
from pathlib import Path

from nianbao.document import render_report, table_grid, title_lines, to_pdf
from nianbao.report import Report


def word(report: Report, path: Path) -> Path:
    return render_report(report, path)


def awkward_pdf(report: Report, directory: Path, name: str = "年报") -> Path:
    """The Word report with a running header and tall table rows (numbers top, labels
    centred), printed to PDF by LibreOffice."""
    from docx import Document
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
    from docx.shared import Cm

    path = render_report(report, directory / f"{name}.docx")
    doc = Document(str(path))
    header = doc.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "".join(title_lines(report))
    for table in doc.tables:
        for row in table.rows:
            texts = [c.text.strip() for c in row.cells]
            if not any(re.fullmatch(r"[-+\d.]+", t) for t in texts):
                continue  # headers stay as they are
            row.height = Cm(1.9)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            for cell in row.cells:
                numeric = re.fullmatch(r"[-+\d.]*", cell.text.strip())
                cell.vertical_alignment = (WD_CELL_VERTICAL_ALIGNMENT.TOP if numeric
                                           else WD_CELL_VERTICAL_ALIGNMENT.CENTER)
    doc.save(str(path))
    return to_pdf(path, directory / f"{name}.pdf")


def pdf_text(pdf: Path, tool: str = "pdfplumber") -> str:
    """The text of a PDF as a person gets it: ``pdfplumber`` (a viewer's copy: lines, no page
    breaks), ``pdftotext`` or ``pdftotext -layout`` (poppler: form feeds between pages)."""
    if tool.startswith("pdftotext"):
        return subprocess.run(tool.split() + ["-enc", "UTF-8", str(pdf), "-"], check=True,
                              capture_output=True).stdout.decode("utf-8")
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def web_page(report: Report, encoding: str = "utf-8") -> bytes:
    """The report as a government website prints it: headings in <p>, tables with merged cells."""
    fmt = report.spec
    unit, rest = title_lines(report)
    out = [f'<html><head><meta charset="{encoding}"><title>{html_lib.escape(unit + rest)}</title>',
           "<script>document.write('<p>一、总体情况 999</p>')</script></head><body>",
           f"<h1>{html_lib.escape(unit)}<br>{html_lib.escape(rest)}</h1>"]
    m = report.meta
    items = "，".join(f"{k}：{v}" for k, v in (("地址", m.address), ("邮编", m.postcode),
                                             ("电话", m.phone)) if v)
    if items:  # the contact sentence, as offices word it
        out.append(f"<p>如对本报告有疑问，请与{html_lib.escape(m.unit)}联系（{html_lib.escape(items)}）。"
                   + (f"本报告电子版可在{html_lib.escape(m.website)}查阅。" if m.website else "") + "</p>")
    for section in fmt.sections:
        out.append(f"<p><strong>{html_lib.escape(section.title)}</strong></p>")
        for item in section.texts:
            if report.texts.get(item.key):
                # a part's heading as the Word report prints it: numbered parts only
                heading = report.texts.get(f"{item.key}.heading") or item.label
                if item.label.startswith("（"):
                    out.append(f"<p>{html_lib.escape(heading)}</p>")
                out.append(f"<p>{html_lib.escape(report.texts[item.key])}</p>")
        if section.table:
            grid = table_grid(fmt.table(section.table), report)
            out.append('<table border="1">')
            for r in range(grid.n_rows):
                cells = sorted((c for c in grid.cells if c.row == r), key=lambda c: c.col)
                out.append("<tr>" + "".join(
                    f'<td rowspan="{c.rows}" colspan="{c.cols}">{html_lib.escape(c.text)}</td>'
                    for c in cells) + "</tr>")
            out.append("</table>")
    if report.meta.unit:
        out.append(f'<p style="text-align:right">{html_lib.escape(report.meta.unit)}</p>')
    out.append("</body></html>")
    return "\n".join(out).encode(encoding)


def one_line(page: bytes, sep: str = " ") -> str:
    """A web page's text with its tags stripped (each tag replaced by ``sep``), scripts left
    out, and every line break gone: the whole report on one line."""
    text = page.decode("utf-8")
    text = re.sub(r"(?is)<(script|style|title)\b.*?</\1>", "", text)
    text = re.sub(r"<[^>]+>", sep, text)
    text = html_lib.unescape(text)
    return re.sub(r"\s+", " ", text).strip() if sep else "".join(text.split("\n"))
