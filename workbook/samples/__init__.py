"""Bundled sample reports: ``<name>.json`` (Report.to_dict form) and the workbook built from it."""
from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

SAMPLE = "district-2021.xlsx"
SAMPLE_YEAR = 2021


def sample_path() -> Path:
    """The bundled sample workbook (a real district office's published 2021 figures)."""
    with as_file(files(__name__) / SAMPLE) as p:
        return Path(p)
