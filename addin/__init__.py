"""nianbao.addin — the Excel face of nianbao (xlwings): the 校验 and 生成报告 buttons
(:mod:`.buttons`) and the NB_ worksheet functions (:mod:`.udfs`).

The only package that imports xlwings; every decision it shows is made in the core.
"""
from __future__ import annotations

from .buttons import generate_report, validate

__all__ = ["validate", "generate_report"]
