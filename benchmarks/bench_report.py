"""Time writing one Word report: nianbao's render_report against the obvious python-docx way.

    .venv/bin/python benchmarks/bench_report.py [N] [--pdf]

Renders the same consistent 2021 report N times (default 30) and prints the median and the
spread.  Baseline: the same document content built with python-docx's high-level table API on
the same Word template — ``doc.add_table(rows, cols)``, ``cell.text = …``, ``a.merge(b)`` for
every merged cell — which is what one writes first.  Floor: python-docx opening the report's
own Word template and saving it unchanged (no report can be written in less).  ``--pdf`` also
times one LibreOffice conversion (slow and dominated by LibreOffice's start-up; not part of
the target).  Targets: ≤ 0.3 s per report, ≤ 3× the floor.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import consistent_report  # noqa: E402

from nianbao.document import (STYLE, docx_template, find_soffice, render_report,  # noqa: E402
                              report_title, table_grid, to_pdf)
from nianbao.narrative import render_narratives  # noqa: E402
from nianbao.report import Report  # noqa: E402


def baseline(report: Report, path: Path) -> None:
    """The same title, headings, narrative and tables through python-docx's public API."""
    doc = docx.Document(str(docx_template()))
    body = doc.element.body
    for child in list(body)[:-1]:
        body.remove(child)
    fmt = report.spec
    generated = render_narratives(report)
    doc.add_paragraph(report_title(report), doc.styles[STYLE.title])
    for p in generated.get("preamble", []):
        doc.add_paragraph(p)
    for section in fmt.sections:
        doc.add_paragraph(section.title, doc.styles[STYLE.heading1])
        for p in generated.get(section.key, []):
            doc.add_paragraph(p)
        for item in section.texts:
            paras = generated.get(item.key, [])
            if paras and item.label.startswith("（"):
                doc.add_paragraph(item.label, doc.styles[STYLE.heading2])
            for p in paras:
                doc.add_paragraph(p)
        if section.table:
            grid = table_grid(fmt.table(section.table), report)
            table = doc.add_table(rows=grid.n_rows, cols=grid.depth + grid.units,
                                  style=doc.styles[STYLE.table])
            for c in grid.cells:
                cell = table.cell(c.row, c.col)
                if c.rows > 1 or c.cols > 1:
                    cell = cell.merge(table.cell(c.row + c.rows - 1, c.col + c.cols - 1))
                cell.text = c.text
                cell.paragraphs[0].style = doc.styles[getattr(STYLE, c.style)]
    doc.save(str(path))


def floor(path: Path) -> None:
    """Open the report's Word template and save it: what any report costs at the least."""
    docx.Document(str(docx_template())).save(str(path))


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def show(name: str, times: list[float]) -> float:
    med = statistics.median(times)
    print(f"{name:<42} median {med * 1000:7.1f} ms   min {min(times) * 1000:7.1f} ms   "
          f"max {max(times) * 1000:7.1f} ms   (n={len(times)})")
    return med


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 30
    report = consistent_report("2021", seed=1)
    report.meta.unit = "某市某区人民政府办公室"
    report.texts["s5.problems"] = "人员力量较为薄弱。\n基层业务能力有待提高。"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "年报.docx"
        render_report(report, out)  # warm up: imports, template compilation
        baseline(report, Path(tmp) / "baseline.docx")
        ours = show("nianbao render_report", timed(lambda: render_report(report, out), n))
        show("  of which narrative (Jinja2)", timed(lambda: render_narratives(report), n))
        base = show("baseline python-docx table API",
                    timed(lambda: baseline(report, Path(tmp) / "baseline.docx"), max(5, n // 3)))
        least = show("floor: python-docx open + save template",
                     timed(lambda: floor(Path(tmp) / "floor.docx"), n))
        print(f"speed-up over the baseline: {base / ours:.1f}×; target ≤ 300 ms: "
              f"{'met' if ours <= 0.3 else 'NOT met'}")
        print(f"against the floor: {ours / least:.2f}× (goal ≤ 3×: "
              f"{'met' if ours <= 3 * least else 'NOT met'})")
        if "--pdf" in sys.argv:
            if find_soffice() is None:
                print("LibreOffice not installed: PDF not timed")
            else:
                show("to_pdf (LibreOffice, cold start)", timed(lambda: to_pdf(out), 1))


if __name__ == "__main__":
    main()
