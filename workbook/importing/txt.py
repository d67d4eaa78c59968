"""Plain text already extracted from a report (copied from a web page or a PDF viewer)."""
from __future__ import annotations

from pathlib import Path

from .text import decode


def read_lines(path: Path) -> list[str]:
    return decode(path.read_bytes()).splitlines()
