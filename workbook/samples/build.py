"""Build each bundled sample workbook from its JSON: ``python -m nianbao.samples.build``.

``district-2021.json`` holds the figures and narrative of a published district-office report
(``/work/shared/samples/district-office-2021.txt``), its PDF-extraction artefacts removed: the
compatibility radicals (⼀ ⼯ ⽹ …) normalised to the ordinary characters, line breaks that only
wrapped a paragraph joined, the 总体情况 items sorted into the five customary sub-parts.
The JSON is the source; the .xlsx beside it is generated and committed so it ships with the
package (run this module again after changing the JSON or the template).
"""
from __future__ import annotations

import json
from pathlib import Path

from ..report import Report
from ..xlsx_writer import write_report

HERE = Path(__file__).resolve().parent


def sample_names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.json"))


def load_sample(name: str) -> Report:
    """The sample report ``name`` (e.g. ``"district-2021"``) as a Report."""
    return Report.from_dict(json.loads((HERE / f"{name}.json").read_text(encoding="utf-8")))


def build(out_dir: Path = HERE) -> list[Path]:
    """Write ``<name>.xlsx`` into ``out_dir`` for every sample JSON; return the paths."""
    return [write_report(load_sample(name), Path(out_dir) / f"{name}.xlsx")
            for name in sample_names()]


def main() -> None:
    for path in build():
        print(path)


if __name__ == "__main__":
    main()
