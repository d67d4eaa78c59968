"""``nianbao demo``: the whole job on the bundled sample, as a new user's first run — the sample
workbook copied into a fresh folder, checked and published (the same :func:`publish` as
``nianbao report``)."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..messages import say
from ..samples import SAMPLE_YEAR, sample_path
from .outputs import Outputs, free_name
from .publishing import Published, publish

PathLike = str | os.PathLike[str]


@dataclass
class Demo:
    folder: Path
    workbook: Path
    published: Published


def demo(outdir: PathLike, *, pdf: bool | None = None) -> Demo:
    """Run the sample through ``publish`` in ``outdir`` — or, when that folder already holds
    files (an earlier run), in a fresh one beside it (``nianbao-示例-2``): nothing is replaced."""
    folder = Path(outdir)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        folder = free_name(folder)
    outputs = Outputs()
    folder = outputs.folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    workbook = outputs.add(folder / say("demo.workbook_name", year=SAMPLE_YEAR))
    shutil.copyfile(sample_path(), workbook)
    published = publish(workbook, folder / say("demo.docx_name", year=SAMPLE_YEAR), pdf=pdf)
    return Demo(folder, workbook, published)


__all__ = ["demo", "Demo"]
