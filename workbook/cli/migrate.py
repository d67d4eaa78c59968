"""``nianbao migrate OLD.xlsx -o NEW.xlsx``: a 2019-format workbook in the 2021 format
(:func:`nianbao.migrate_workbook`), listing what must be re-entered."""
from __future__ import annotations

from pathlib import Path

import click

from .. import actions
from ..messages import say


@click.command("migrate", help=say("migrate.help"))
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path), metavar="工作簿.xlsx")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=say("migrate.output"))
@click.option("--force", is_flag=True, help=say("migrate.force"))
def migrate_command(source: Path, output: Path, force: bool) -> None:
    from ..formats import get_format
    from ..places import common_and_names, place

    done = actions.migrate_workbook(source, output, force=force)
    new = done.report.format
    click.echo(say("migrate.done", file=done.path, format=get_format(new).title,
                   year=done.report.meta.year))
    for notice in done.notices():
        click.echo(notice)
    # one line per row of the new format: 表二…「规章」行：「本年制发件数」「…」（B5、C5、D5）
    rows: dict[tuple[str, str], list[str]] = {}
    for fid in done.reenter:
        p = place(new, fid)
        rows.setdefault((p.sheet, p.row or p.section), []).append(fid)
    click.echo(say("migrate.reenter", n=len(done.reenter), sheet=say("migrate.sheet")))
    for (_, row), fids in rows.items():
        common, names = common_and_names(new, fids)
        if not common:  # items of a section: 六、其他需要报告的事项：「…」「…」
            common = row
            names = [say("place.quote", text=place(new, f).label) for f in fids]
        cells = say("text.and").join(place(new, f).cell for f in fids)
        click.echo(say("migrate.reenter_row", where=common, columns="".join(names), cells=cells))
    if done.plan.dropped:
        click.echo(say("migrate.dropped", format=get_format(done.source.format).title,
                       n=len(done.plan.dropped), sheet=say("migrate.sheet")))


__all__ = ["migrate_command"]
