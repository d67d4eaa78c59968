"""A Report as the plain text of a published report: what copying a web page or a PDF to text
gives (title, section headings, texts, and each table row as its label and its numbers).

Used to give examples of import findings (:mod:`nianbao.codes`) and by the tests, which
damage it (cut a table, run digits together) to see what the importer makes of it.  Everything
printed comes from the format declaration.
"""
from __future__ import annotations

from ..formats.model import field_id
from ..messages import say
from ..report import Report, format_number


def plain_text(report: Report, sep: str = " ", blank: str = "") -> str:
    """``sep`` goes between a row's label and numbers (「」 runs them together, as a web page's
    table copied to text does); a blank cell prints ``blank``."""
    fmt = report.spec
    year = say("document.title_year", year=report.meta.year) if report.meta.year else ""
    lines = [report.meta.unit + say("document.title_rest", year=year)]
    for section in fmt.sections:
        lines.append(section.title)
        for item in section.texts:
            text = report.texts.get(item.key, "")
            if text:
                if len(section.texts) > 1:
                    lines.append(item.label)
                lines += text.splitlines()
        if not section.table:
            continue
        table = fmt.table(section.table)
        for block in table.blocks:
            if block.title:
                lines.append(block.title)
            lines.append(sep.join(p[-1] for p in block.header_paths()))
            for row in block.rows:
                cells = [report.values.get(field_id(table.key, row, c)) for c in block.columns]
                shown = [blank if v is None else format_number(v) for v in cells]
                lines.append(sep.join(([row.labels[-1]] if row.labels else []) + shown))
    return "\n".join(lines) + "\n"


__all__ = ["plain_text"]
