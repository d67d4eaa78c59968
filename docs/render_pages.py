"""Render one page of each report the README shows (issue 26): the bundled sample, a 2019 report,
a worst case (40-character unit name, long texts, five-digit numbers, fees) and a blank workbook.

    FONTCONFIG_FILE=.ci/fonts.conf .venv/bin/python docs/render_pages.py

Needs LibreOffice and poppler (pdftoppm).  The reports are the ones tests/test_report_pages.py
measures (tests/helpers.published_cases); pages are written as small PNGs into docs/pages/.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from helpers import published_cases  # noqa: E402

from nianbao.document import render_report  # noqa: E402
from nianbao.libreoffice import convert  # noqa: E402

PAGES = {"sample": 1, "2019": 4, "worst": 1, "blank": 3}  # which page of each to show
DPI = 40


def main() -> None:
    out = HERE / "pages"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cases = published_cases()
        docs = [render_report(r, Path(tmp) / f"{name}.docx") for name, r in cases.items()]
        convert(docs, "pdf", Path(tmp), timeout=300)
        for name, page in PAGES.items():
            pdf = Path(tmp) / f"{name}.pdf"
            subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-singlefile", "-f", str(page),
                            "-l", str(page), str(pdf), str(out / name)], check=True)
            print(out / f"{name}.png")


if __name__ == "__main__":
    main()
